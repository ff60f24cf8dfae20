"""The Python facade every front end calls (CLI, HTTP service, report, engines)."""

from __future__ import annotations

from unspin.core.calibrate import Calibration
from unspin.core.detect import Detector, DetectorParams
from unspin.core.restore import restore
from unspin.core.results import CheckResult
from unspin.core.text import tokenize
from unspin.lexicon import Lexicon

DEFAULT_THRESHOLD = 0.5


_PER_WORD = frozenset({"odd-word", "odd-pair"})


def check(
    text: str,
    *,
    id: str = "-",
    lexicon: Lexicon | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    params: DetectorParams | None = None,
    calibration: Calibration | None = None,
) -> CheckResult:
    """Is ``text`` machine-spun? Returns the calibrated score, findings with offsets into
    ``text``, and ``text`` restored with the suggestions applied.

    ``lexicon`` defaults to ``Lexicon.default()`` (no reference corpus); build it once and pass
    it when checking many texts. Pure: reads nothing but its arguments and the lexicon.
    """
    lex = lexicon if lexicon is not None else Lexicon.default()
    cal = calibration or Calibration()
    tokens = tokenize(text)
    analysis = Detector(lex, params).analyse(text, tokens)
    findings, odd = analysis.findings, analysis.oddness
    # Exact matches of known multiword tortured phrases are strong evidence on their own; a
    # listed single word ("brilliant") is also a common word, so it counts like any finding.
    strong = [f for f in findings if "known-phrase" in f.evidence and len(f.text.split()) > 1]
    known = len(strong)
    # odd-word and odd-pair findings are already weighed by the per-word evidence (``oddness``).
    evidence = sum(f.confidence for f in findings if not _PER_WORD.intersection(f.evidence)) - sum(
        f.confidence for f in strong)
    score = cal.score(n_odd=odd.n_odd, evidence=evidence, n_eligible=odd.n_eligible, n_known=known)
    return CheckResult(
        id=id,
        spun=score >= threshold,
        score=score,
        threshold=threshold,
        findings=tuple(findings),
        restored=restore(text, findings),
        n_words=len(tokens),
        stats={"eligible_words": float(odd.n_eligible), "odd_words": float(odd.n_odd), "evidence": evidence,
               "known_phrases": float(known)},
    )
