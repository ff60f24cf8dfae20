"""The model tier: the language model's judgement of fit, merged with the fast tier's findings.

The fast tier (``unspin.core.detect``) judges words by corpus-free statistics. The model tier
adds, for every eligible word, its *gain* (``unspin.core.model_fit``): how much better the
sentence reads, by the language model, with the best candidate original in the word's place.

* A word whose gain reaches ``ModelParams.flag_gain`` becomes a ``model-fit`` finding, with
  that candidate as the suggestion, unless a fast-tier finding already covers it.
* A fast-tier finding on a single word keeps its span, but its suggestion is the model's:
  the model's best candidate when its gain reaches ``suggest_gain``, otherwise none (``[?]``):
  no suggestion is better than a wrong one. Known phrases, learned swaps and acronyms keep
  theirs (a list or an index says what the original was).
* A span of 1-4 words that a thesaurus links to another word or phrase (``phrase_choices``,
  ``PhraseParams``) and that reads ``PhraseParams.flag_gain`` nats better with one of them is a
  ``model-phrase`` finding with that reading as the suggestion.
* The document score combines the fast tier's score (as a logit) with the share of eligible
  words whose gain reaches ``count_gain`` and the mean surprisal per word (``ModelParams``).

Pure: reads only its arguments.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from unspin.core.model_fit import FitParams, WordFit
from unspin.core.results import LISTED_EVIDENCE, Evidence, Finding
from unspin.core.spin_evidence import is_content_word
from unspin.lexicon.phrases import PhraseIndex
from unspin.text import Token, is_capitalised, match_case

#: Evidence of a fast-tier finding whose suggestion comes from a list or an index, not from
#: the lexicon's synonyms: the model does not overrule it.
_LISTED = LISTED_EVIDENCE


@dataclass(frozen=True, slots=True)
class PhraseParams:
    """Constants of the multiword pass (``phrase_choices``, ``judge``'s ``phrase_choices``).

    Every span of 1-4 words that is an entry of the phrase index (``unspin.lexicon.phrases``:
    WordNet and Moby links with a multiword side, read in reverse) is a choice; of its
    candidate originals the model reads the ``choices_read`` likeliest by first token (screened
    like a word's candidates, ``FitParams.screen``), and a span whose best reading gains
    ``flag_gain`` nats is a ``model-phrase`` finding with that reading as the suggestion.
    ``max_spans_per_100_words``: at most this many spans per 100 words of a window are read
    (the longest first, then in text order), bounding the cost, and never fewer than
    ``min_spans`` (a sentence of 20 words may hold a swapped phrase too). On BBC news the cap
    rarely binds (about 6 spans per 100 words are entries of the index). ``single_words``: single words
    with multiword candidates ("additionally" -> "in addition") are choices too, content words
    only (``is_content_word``: "as" and "so" have dozens of multiword entries, all noise).
    ``sources``: the thesauri whose links are read, comma-separated (``PhraseCandidate.source``; a link two
    thesauri hold is named by the first of wordnet, mythes, moby), for leave-one-out runs
    (``mythes`` links exist only in an index built with ``PhraseIndexParams.mythes``).

    ``on`` and ``flag_gain``: see bench/README.md, "2026-12-07: multiword candidates at the
    model tier" (``bench/bench_model_veto.py --phrases``, tuning half).
    """

    on: bool = True
    flag_gain: float = 8.0
    choices_read: int = 2
    max_spans_per_100_words: float = 10.0
    min_spans: int = 5
    sources: str = "wordnet,mythes,moby"
    single_words: bool = True


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Constants of the model tier.

    ``flag_gain`` and ``suggest_gain`` (nats): on the tuning half (12 BBC articles of
    ``bench_check.split_articles``'s reference half, clean and spun by the Moby simulator with
    common synonyms at 15% and uniform ones at 8%; ``bench/fit_model_tier.py``), words with a
    gain of 4-6 nats were substitutions for 42% of them, 6-8 for 53%, above 8 for 76%: a
    finding and a suggestion need 6. ``confidence_at_flag`` and ``confidence_slope`` map a gain
    to a finding's confidence (logistic in the gain, read off those shares). ``count_gain``:
    the words the document score counts (4 nats separated spun from clean documents best in a
    first probe: ROC AUC 0.97 against 0.91 at 6). The score weights are the class-balanced
    logistic regression that ``bench/fit_model_tier.py fit`` fits on the tuning half, over the
    fast tier's logit, the share of scored words reaching ``count_gain`` (per 100 words) and
    the mean surprisal per scored word (nats). Both are shrunk towards their clean means on
    the tuning half (``clean_share``, ``clean_surprisal``) by ``prior_words`` pseudo-words, so
    that a short text's few words do not decide alone (one odd word among nine is not 11%
    evidence). A small sample (36 documents): refit on more.

    ``veto_gain`` (nats; None: no veto): a fast finding (not one from a list) is dropped when
    the model read it (the span with the fast suggestion, or a word of it with its candidates)
    and no reading improves the text by this much: it reads best as written. 0 was chosen on
    the tuning parts of ``bench/bench_model_veto.py`` (60 tortured-phrase pairs, 6 BBC articles
    clean and spun 15% by four simulators) over 2 and over a veto that also drops findings the
    model read nothing of; on the report parts (60 other pairs, 8 other articles) it cut the
    findings on clean news from 8.4 to 4.2 per 1,000 words and the expected phrases flagged from
    12% to 7% (precision 0.88 -> 0.92), and lost 3.5% of the substituted words found at worst
    (Moby's common picks, 0.483 -> 0.448) and 5% of the tortured phrases found.

    ``misfit_gain`` (nats): a word that no lexicon candidate explains but one of the model's own
    likely words (``FitParams.propose_top``) beats by this much is a ``model-misfit`` finding,
    with no suggestion. Those words do not count in the document score (its weights were fitted
    on lexicon gains alone). 12 is the lowest gain at which the tuning half's clean news (6
    articles, ``bench/fit_model_tier.py``) had no such finding; there, the words found of Moby
    common swaps at 15% rose from 0.26 to 0.38 (at 10: 0.46, with 3 false findings per 1,000
    clean words). The model's favourite was the exact original for 1 in 15 such words, hence
    no suggestion.
    """

    fit: FitParams = field(default_factory=FitParams)
    phrases: PhraseParams = field(default_factory=PhraseParams)
    flag_gain: float = 6.0
    misfit_gain: float = 12.0
    veto_gain: float | None = 0.0
    suggest_gain: float = 6.0
    count_gain: float = 4.0
    confidence_slope: float = 0.25
    confidence_at_flag: float = 0.53
    prior_words: float = 50.0
    clean_share: float = 0.018
    clean_surprisal: float = 5.39
    w_fast: float = 0.056
    w_flagged: float = 0.963
    w_surprisal: float = 0.929
    bias: float = -7.798


@dataclass(frozen=True, slots=True)
class ModelJudgement:
    """The merged findings and the document evidence the model tier scores by: ``n_scored``
    words read by the model, ``n_flagged`` of them with a gain of ``ModelParams.count_gain``."""

    findings: tuple[Finding, ...]
    n_scored: int
    n_flagged: int
    mean_surprisal: float



def _confidence(gain: float, p: ModelParams) -> float:
    base = math.log(p.confidence_at_flag / (1 - p.confidence_at_flag))
    return 1.0 / (1.0 + math.exp(-(base + p.confidence_slope * (gain - p.flag_gain))))


def _model_view(f: Finding, by_start: Mapping[int, WordFit], starts: Sequence[int], tokens: Sequence[Token],
                span_gains: Mapping[tuple[int, int, str], float], p: ModelParams) -> Finding | None:
    """A fast finding as the model reads it, or None when the model vetoes it.

    The suggestion: for a single word, the model's best candidate when it wins by
    ``suggest_gain``, else none; for a span of several words, the fast suggestion when the
    model reads the span with it better by ``suggest_gain`` (``span_gains``; without that
    reading, when the model finds some word of the span replaceable by that much), else none.
    The veto (``ModelParams.veto_gain``): the model read the span with the fast suggestion or
    some word of it with its candidates, and no reading improves it by that much: the text
    reads best as written. A finding the model read nothing of is kept."""
    lo, hi = bisect.bisect_left(starts, f.start), bisect.bisect_left(starts, f.end)
    inside = [by_start[s] for s in starts[lo:hi]]
    spanned = span_gains.get((f.start, f.end, f.suggestion)) if f.suggestion else None
    readings = [w.gain for w in inside if w.gain > -math.inf] + ([spanned] if spanned is not None else [])
    if p.veto_gain is not None and readings and max(readings) < p.veto_gain:
        return None
    fit = by_start.get(f.start)
    if fit is not None and tokens[fit.index].end == f.end:
        sugg = match_case(fit.best, f.text) if fit.best and fit.gain >= p.suggest_gain else None
    elif spanned is not None:
        sugg = f.suggestion if spanned >= p.suggest_gain else None
    else:
        sugg = f.suggestion if any(w.gain >= p.suggest_gain for w in inside) else None
    return Finding(f.start, f.end, f.text, sugg, f.confidence, f.evidence)


def span_readings(findings: Sequence[Finding]) -> list[tuple[int, int, str]]:
    """The span replacements the model tier reads for the fast tier's ``findings``
    (``unspin.core.model_fit.read_fits``'s ``spans``): each suggestion not taken from a list."""
    return [(f.start, f.end, f.suggestion) for f in findings
            if f.suggestion and not _LISTED.intersection(f.evidence)]


def phrase_choices(tokens: Sequence[Token], text: str, index: PhraseIndex,
                   p: PhraseParams) -> list[tuple[int, int, tuple[str, ...]]]:
    """The spans the multiword pass reads, ``(start, end, candidate originals)``: runs of 1-4
    words of one sentence, joined by single spaces, no part of a hyphenated compound, no
    capitalised word but a sentence's first (names are not phrases), whose lower-case form is
    an entry of ``index``; at most ``PhraseParams.max_spans_per_100_words`` per 100 tokens
    (``PhraseParams.min_spans`` at least), the longest first, then in text order. Guarantees
    nothing about overlap: spans may nest."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    longest = min(index.longest, 4)
    sources = frozenset(p.sources.split(","))
    for i, first in enumerate(tokens):
        words: list[str] = []
        for j in range(i, min(i + longest, len(tokens))):
            t = tokens[j]
            if t.compound or not t.norm.isalpha() or (j > i and (
                    t.sentence != first.sentence or text[tokens[j - 1].end:t.start] != " ")):
                break
            if is_capitalised(t.surface) and not (j == 0 or tokens[j - 1].sentence != t.sentence):
                break
            words.append(t.norm)
            if len(words) == 1 and not (p.single_words and is_content_word(t.norm)):
                continue
            cands = tuple(c.form for c in index.candidates(" ".join(words)) if c.source in sources)
            if cands:
                found.append((first.start, t.end, cands))
    cap = max(math.ceil(p.max_spans_per_100_words * len(tokens) / 100), p.min_spans)
    kept = sorted(found, key=lambda c: (-text.count(" ", c[0], c[1]), c[0]))[:cap]
    return sorted(kept)


def _phrase_findings(text: str, choices: Sequence[tuple[int, int, Sequence[str]]],
                     span_gains: Mapping[tuple[int, int, str], float],
                     p: ModelParams) -> list[tuple[float, Finding]]:
    """``(gain, finding)`` of each span whose best read candidate gains ``PhraseParams.flag_gain``,
    best first, none overlapping another (a better one wins)."""
    best: list[tuple[float, int, int, str]] = []
    for start, end, cands in choices:
        read = [(span_gains[(start, end, c)], c) for c in cands if (start, end, c) in span_gains]
        if read:
            g, c = max(read)
            if g >= p.phrases.flag_gain:
                best.append((g, start, end, c))
    out: list[tuple[float, Finding]] = []
    for g, start, end, c in sorted(best, reverse=True):
        if all(end <= f.start or start >= f.end for _, f in out):
            conf = _confidence(g + p.flag_gain - p.phrases.flag_gain, p)
            out.append((g, Finding(start, end, text[start:end], match_case(c, text[start:end]), round(conf, 4),
                                   (Evidence.MODEL_PHRASE,))))
    return out


def _reading_gain(f: Finding, by_start: Mapping[int, WordFit], starts: Sequence[int],
                  span_gains: Mapping[tuple[int, int, str], float]) -> float:
    """The best gain the model read for finding ``f``: a word of it with its candidates, or the
    span with its suggestion (``-inf`` when none was read)."""
    lo, hi = bisect.bisect_left(starts, f.start), bisect.bisect_left(starts, f.end)
    gains = [by_start[s].gain for s in starts[lo:hi]]
    if f.suggestion and (f.start, f.end, f.suggestion) in span_gains:
        gains.append(span_gains[(f.start, f.end, f.suggestion)])
    return max(gains, default=-math.inf)


def judge(text: str, tokens: Sequence[Token], fits: Mapping[int, WordFit], findings: Sequence[Finding], *,
          params: ModelParams | None = None,
          span_gains: Mapping[tuple[int, int, str], float] | None = None,
          phrase_choices: Sequence[tuple[int, int, Sequence[str]]] = ()) -> ModelJudgement:
    """Merge the model's word fits (by index into ``tokens``) with the fast tier's ``findings``
    (offsets into ``text``), and the gains of the fast suggestions read in place (``span_gains``,
    ``span_readings``). ``phrase_choices`` (``phrase_choices``, their readings in ``span_gains``):
    a span whose best reading gains ``PhraseParams.flag_gain`` becomes a ``model-phrase`` finding,
    replacing the fast findings it overlaps when it reads better than any reading of theirs, and
    dropped when it overlaps a listed finding or a better one. Findings come out ordered by
    offset and never overlap more than the fast tier's did."""
    p = params or ModelParams()
    gains = span_gains or {}
    by_start = {tokens[i].start: f for i, f in fits.items()}
    starts = sorted(by_start)
    merged: list[Finding] = []
    for f in findings:
        if not _LISTED.intersection(f.evidence):
            seen = _model_view(f, by_start, starts, tokens, gains, p)
            if seen is None:
                continue
            f = seen
        merged.append(f)
    for g, ph in _phrase_findings(text, phrase_choices, gains, p):
        hit = [f for f in merged if f.start < ph.end and ph.start < f.end]
        if any(_LISTED.intersection(f.evidence) or _reading_gain(f, by_start, starts, gains) >= g for f in hit):
            continue
        merged = [f for f in merged if f not in hit] + [ph]
    covered: set[int] = set()
    for f in merged:
        covered.update(range(f.start, f.end))
    n_flagged = 0
    for fit in fits.values():
        n_flagged += fit.gain >= p.count_gain
        tok = tokens[fit.index]
        if tok.start in covered or tok.end - 1 in covered:
            continue
        if fit.gain >= p.flag_gain and fit.best is not None:
            merged.append(Finding(tok.start, tok.end, text[tok.start:tok.end], match_case(fit.best, tok.surface),
                                  round(_confidence(fit.gain, p), 4), (Evidence.MODEL_FIT,)))
        elif fit.proposed_gain >= p.misfit_gain:
            merged.append(Finding(tok.start, tok.end, text[tok.start:tok.end], None,
                                  round(_confidence(fit.proposed_gain - (p.misfit_gain - p.flag_gain), p), 4),
                                  (Evidence.MODEL_MISFIT,)))
    merged.sort(key=lambda f: f.start)
    surprisals = [f.surprisal for f in fits.values()]
    mean = sum(surprisals) / len(surprisals) if surprisals else 0.0
    return ModelJudgement(tuple(merged), len(fits), n_flagged, mean)


def score_features(fast_score: float, judgement: ModelJudgement, *,
                   params: ModelParams | None = None) -> tuple[float, float, float]:
    """The document score's inputs: the fast score's logit, the shrunk share of scored words
    reaching ``count_gain`` (per 100 words) and the shrunk mean surprisal (``ModelParams``)."""
    p = params or ModelParams()
    fs = min(max(fast_score, 1e-6), 1 - 1e-6)
    n, k = judgement.n_scored, p.prior_words
    share = (judgement.n_flagged + k * p.clean_share) / (n + k)
    surprisal = (judgement.mean_surprisal * n + k * p.clean_surprisal) / (n + k)
    return math.log(fs / (1 - fs)), 100.0 * share, surprisal


def model_score(fast_score: float, judgement: ModelJudgement, *, params: ModelParams | None = None,
                listed_llr: float = 0.0) -> float:
    """Probability (0..1) that the document is spun, from the fast tier's score and the model's
    document evidence (``ModelParams``: a logistic model fitted on the tuning half), plus
    ``listed_llr``: the log-likelihood ratio of the document's exact matches of known tortured
    phrases, added to the logit as the fast tier adds it (``Calibration.listed_llr``),
    because a listed phrase is evidence on its own, which the fitted weights (on documents
    without a list) would otherwise pass on only through the fast score's small weight."""
    p = params or ModelParams()
    if judgement.n_scored == 0:
        return fast_score
    logit, share, surprisal = score_features(fast_score, judgement, params=p)
    z = p.w_fast * logit + p.w_flagged * share + p.w_surprisal * surprisal + p.bias + listed_llr
    z = max(min(z, 40.0), -40.0)
    return 1.0 / (1.0 + math.exp(-z))
