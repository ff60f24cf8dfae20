"""How much better a sentence reads with a candidate original in a word's place.

A spinner replaces a writer's word with a "synonym" that fits the sentence worse: "a random
timberland", "the firm stated on Monday". A causal language model reads the text once per
window (``LanguageModel.window``); for every eligible word, each candidate original (the
words a spinner could have replaced it with: ``Lexicon.candidates``) is put in its place and
the model reads that word *and the words after it* again, from its attention cache
(``LanguageModel.variant_logprobs``). The word's *gain* is the best candidate's log-probability
over that span minus the observed word's, in nats: a writer's word has a gain near or below
zero (the writer chose the word that fits), a substitute a large positive one. Reading the
words after the word matters: the first word of a swapped pair ("irregular timberland") reads
normally until the next word is seen.

Pure: reads only its arguments. Approximate where stated: a candidate is first screened by its
first token alone (``FitParams.screen``), and a word the model splits away from its
neighbours' tokens (a hyphenated part, a word glued to punctuation) is scored on its own tokens.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from unspin.lexicon.language_model import MAX_WINDOW, LanguageModel, Window
from unspin.lexicon.model_words import ModelWords
from unspin.text import Token, match_case

#: The name under which the model's own likely words are a candidate source (``WordFit.readings``).
MODEL_SOURCE = "model"


@dataclass(frozen=True, slots=True)
class FitParams:
    """Constants of the model-fit pass.

    ``right_tokens``: model tokens after the word that are read again with each candidate (six
    tokens, about four words, cover the neighbour a swap disturbs most); ``screen``: a
    candidate whose first token is more than this many nats less likely than the observed
    word is not read again (it cannot win by the words after it, which rarely add more than
    that); ``max_candidates``: at most this many candidates per word are read again, best
    first token first; ``window_tokens``: model tokens per window, windows break at sentence
    ends; ``min_surprisal``: a word the model finds less surprising than this (nats, given the
    text before it) is not re-read at all. ``max_candidates_read``: of a word's candidates (best
    first), this many are screened. ``max_candidates`` applies to each candidate source apart
    (WordNet, the Moby thesaurus read in reverse: ``word_fits``'s ``sources``). ``moby``: read
    Moby's candidates too (``Lexicon.moby_candidates``). Off by default: on held-out BBC news
    (``bench/fit_model_tier.py``, report half) it raised the clean false-positive rate and
    lowered suggestion precision against the spinners that do not use Moby (MyThes 0.88 ->
    0.55, names 0.71 -> 0.52), a crawl spun from Moby gains (its picks' originals are Moby
    headwords; WordNet holds 4-7% of them).

    ``propose_top``: besides the lexicon's candidates, the model's own ``propose_top`` most
    likely whole words at the place are candidates (``ModelWords.proposals``; 0: none), when
    related to the written word by at least ``propose_relatedness`` (embedding cosine); of
    them, the ``propose_read`` most likely are read again. In a first probe on BBC news (tuning
    half) the original of a Moby pick was among the model's 100 likeliest words at the place
    for 14 of 25 substitutions, against 1 of 25 among WordNet's candidates; the cosine of a
    pick and its original is 0.28 (median), of the model's preferred words and a writer's
    word 0.09, hence 0.25.

    ``min_surprisal`` 8 and ``max_candidates`` 2 (were 6 and 3): ``bench/bench_model_speed.py``
    on the tuning half cut the model tokens read per word from 3.35 to 2.13 with the same words
    found (0.232) and restored (0.032) and AUC 0.84 -> 0.92 (8%) and 0.96 -> 1.00 (15%); on the
    report half (5 articles, clean and spun 8% and 15% by Moby common synonyms) from 3.05 to
    2.10 (31% less work), words found 0.338 -> 0.331, restored 0.038 -> 0.038, suggestions
    exact 0.179 -> 0.192, AUC 0.96 -> 0.92 (8%: one pair of 25) and 1.00 -> 1.00 (15%).
    """

    right_tokens: int = 4
    screen: float = 4.0
    max_candidates: int = 2
    window_tokens: int = 384
    min_surprisal: float = 8.0
    max_candidates_read: int = 20
    propose_top: int = 50
    propose_relatedness: float = 0.25
    propose_read: int = 2
    moby: bool = False


@dataclass(frozen=True, slots=True)
class WordFit:
    """The model's judgement of one word: ``gain`` is the best candidate's log-probability minus
    the observed word's, over the word and ``FitParams.right_tokens`` model tokens after it
    (nats; ``-inf`` when no candidate was read); ``best`` is that candidate (lower-case form);
    ``surprisal`` is -log P(word | the text before it). ``proposed`` and ``proposed_gain``: the
    same for the best of the model's own likely words (``FitParams.propose_top``), kept apart:
    they find substitutions that no thesaurus explains, but are rarely the exact original.
    ``readings``: ``(source, candidate, gain)`` of every candidate read again, the evidence
    behind both (``source`` names the candidate source, ``model`` for the model's own words)."""

    index: int
    gain: float
    best: str | None
    surprisal: float
    proposed_gain: float = -math.inf
    proposed: str | None = None
    readings: tuple[tuple[str, str, float], ...] = ()


def _windows(offsets: Sequence[tuple[int, int]], breaks: Sequence[int], size: int) -> list[tuple[int, int]]:
    """Split model tokens ``0..n`` into windows of at most ``size`` tokens, ending where a
    sentence ends (``breaks``: character offsets of sentence starts) when one is in reach."""
    n = len(offsets)
    starts = sorted(breaks)
    sent_tok = {i for i, (s, e) in enumerate(offsets) if _starts_at(s, e, starts)}
    out, lo = [], 0
    while lo < n:
        hi = min(lo + size, n)
        if hi < n:
            cut = max((j for j in range(lo + 1, hi) if j in sent_tok), default=hi)
            hi = cut
        out.append((lo, hi))
        lo = hi
    return out


def _starts_at(s: int, e: int, starts: Sequence[int]) -> bool:
    import bisect

    k = bisect.bisect_left(starts, s)
    return k < len(starts) and starts[k] < e


def _token_span(offsets: Sequence[tuple[int, int]], first: int, start: int, end: int) -> tuple[int, int] | None:
    """Model tokens ``[a, b)`` covering the characters ``start..end`` exactly (a leading space
    allowed), searched from token ``first``; None when a token crosses either edge."""
    a = first
    n = len(offsets)
    while a < n and offsets[a][1] <= start:
        a += 1
    b = a
    while b < n and offsets[b][0] < end:
        b += 1
    if a >= b or offsets[b - 1][1] != end or offsets[a][0] < start - 1:
        return None
    return a, b



def word_fits(text: str, tokens: Sequence[Token], eligible: Sequence[bool],
              sources: Mapping[str, Callable[[str], Sequence[str]]], model: LanguageModel, *,
              sentence_starts: Sequence[int], params: FitParams | None = None,
              proposable: Callable[[str], bool] | None = None) -> dict[int, WordFit]:
    """``WordFit`` of every eligible token that the model can score, by token index:
    ``read_fits(...).words`` with no spans."""
    return read_fits(text, tokens, eligible, sources, model, sentence_starts=sentence_starts, params=params,
                     proposable=proposable).words


@dataclass(frozen=True, slots=True)
class FitReading:
    """What ``read_fits`` read: each word's ``WordFit`` (by token index) and, for each span
    replacement asked for, its gain (``(start, end, replacement)`` -> nats; absent when the
    model's tokens do not begin and end at the span's edges)."""

    words: dict[int, WordFit]
    spans: dict[tuple[int, int, str], float]


def read_fits(text: str, tokens: Sequence[Token], eligible: Sequence[bool],
              sources: Mapping[str, Callable[[str], Sequence[str]]], model: LanguageModel, *,
              sentence_starts: Sequence[int], params: FitParams | None = None,
              proposable: Callable[[str], bool] | None = None,
              spans: Sequence[tuple[int, int, str]] = (),
              span_choices: Sequence[tuple[int, int, Sequence[str]]] = (), choices_read: int = 2) -> FitReading:
    """``WordFit`` of every eligible token that the model can score, and the gain of each span
    replacement ``(start, end, replacement)`` of ``spans``: how much better (nats) the text reads
    with ``replacement`` (its case matched to the span's) in place of ``text[start:end]``, over
    the replaced tokens and ``FitParams.right_tokens`` after them, as a word's gain is read. A
    span reads in the window that holds its start; one that crosses a window's end is not read.

    ``sources`` name the candidate sources (``MODEL_SOURCE`` is reserved); ``sources[name](norm)``
    gives a word's candidate originals from that source, best first. With
    ``FitParams.propose_top``, the model's own likely words at the place are candidates too
    (``ModelWords.proposals``), those for which ``proposable(word)`` holds (default: any).
    ``span_choices`` ``(start, end, replacements)``: spans with several possible replacements,
    screened as a word's candidates are: of the replacements whose first token is within
    ``FitParams.screen`` nats of the span's own first token, the ``choices_read`` likeliest by
    first token are read like ``spans`` (their gains in ``FitReading.spans`` under
    ``(start, end, replacement)``; the others absent).
    Work is one model pass per window plus one batched re-read of the screened candidates and
    the spans; linear in the text."""
    p = params or FitParams()
    if MODEL_SOURCE in sources:
        raise ValueError(f"the candidate source name {MODEL_SOURCE!r} is reserved for the model's own words")
    reader = _Reader(text, model, sources, p, model.words if p.propose_top > 0 else None,
                     proposable or (lambda _w: True))
    ids, offsets = model.encode(text)
    out: dict[int, WordFit] = {}
    span_out: dict[tuple[int, int, str], float] = {}
    pending = sorted([(s, e, r) for s, e, r in spans] + [(s, e, tuple(rs)) for s, e, rs in span_choices],
                     key=lambda x: (x[0], x[1], str(x[2])))
    ti = si = 0
    for lo, hi in _windows(offsets, sentence_starts, min(p.window_tokens, MAX_WINDOW - 1)):
        win = model.window(ids[lo:hi])
        local = offsets[lo:hi]
        end = local[-1][1] if local else 0
        queue = _Queue()
        while ti < len(tokens) and tokens[ti].end <= end:
            if eligible[ti]:
                span = _token_span(local, 0, tokens[ti].start, tokens[ti].end)
                if span is not None:
                    reader.screen(tokens[ti], ti, span, win, queue, out)
            ti += 1
        while si < len(pending) and pending[si][0] < end:
            s0, e0, what = pending[si]
            where = _token_span(local, 0, s0, e0)
            for r in ([what] if isinstance(what, str) else reader.screen_span(s0, where, what, win, choices_read)):
                reader.queue_span((s0, e0, r), where, win, queue)
            si += 1
        _finish(win, model, queue, p, out, span_out)
    return FitReading(out, span_out)


@dataclass(slots=True)
class _Queue:
    """The variants of one window waiting to be read: ``jobs`` are ``(token index, first and
    end window positions of the word, [(source, candidate)])``; ``variants``
    the matching ``(position, token ids)`` in the same order."""

    jobs: list[tuple[int, int, int, list[tuple[str, str]]]] = field(default_factory=list)
    variants: list[tuple[int, list[int]]] = field(default_factory=list)
    spans: list[tuple[tuple[int, int, str], int, int, list[int]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Reader:
    """What ``word_fits`` reads a word with: the text, the model, where candidates come from."""

    text: str
    model: LanguageModel
    sources: Mapping[str, Callable[[str], Sequence[str]]]
    p: FitParams
    words: ModelWords | None
    proposable: Callable[[str], bool]

    def screen(self, tok: Token, ti: int, span: tuple[int, int], win: Window, queue: _Queue,
               out: dict[int, WordFit]) -> None:
        """Record the word's surprisal and queue the candidates worth reading again: each
        source's best ``max_candidates`` and the model's best ``propose_read`` by first token,
        each within ``screen`` nats of the written word's log-probability; a candidate two
        sources give is read once, for the first."""
        p, model = self.p, self.model
        a, b = span[0] + 1, span[1] + 1  # window position 0 is DOCUMENT_START
        left = float(win.token_logprob[a:b].sum())
        out[ti] = WordFit(ti, -math.inf, None, -left)
        if -left < p.min_surprisal:
            return
        space = self.text[tok.start - 1:tok.start] == " " if tok.start > 0 else False
        lists = {name: (list(source(tok.norm)), p.max_candidates) for name, source in self.sources.items()}
        if self.words is not None:
            lists[MODEL_SOURCE] = ([q.word for q in self.words.proposals(
                win, a, tok.norm, space=space, capital=tok.surface[:1].isupper(), top=p.propose_top,
                min_relatedness=p.propose_relatedness) if self.proposable(q.word)], p.propose_read)
        chosen: list[tuple[str, str]] = []
        have: set[str] = set()
        for name, (cands, limit) in lists.items():
            best = self._best([c for c in cands if c not in have], tok, space, win, a, left, limit)
            chosen += [(name, c) for c in best]
            have.update(best)
        if not chosen:
            return
        tail = [int(t) for t in win.ids[b:b + p.right_tokens]]
        queue.jobs.append((ti, a, b, chosen))
        for _, c in chosen:
            queue.variants.append((a, model.word_ids(match_case(c, tok.surface), space=space) + tail))

    def screen_span(self, start: int, tokens: tuple[int, int] | None, replacements: Sequence[str], win: Window,
                    limit: int) -> list[str]:
        """Of ``replacements`` of the span starting at ``start`` over the window's model tokens
        ``tokens``, the ``limit`` likeliest by first token among those within
        ``FitParams.screen`` nats of the span's own first token."""
        if tokens is None or not replacements or limit <= 0:
            return []
        a = tokens[0] + 1  # window position 0 is DOCUMENT_START
        own = float(win.token_logprob[a])
        space = self.text[start - 1:start] == " " if start > 0 else False
        surface = self.text[start:start + 1]
        firsts = self.model.next_logprobs(
            win, a, [self.model.word_ids(match_case(r, surface), space=space)[0] for r in replacements])
        return [replacements[k] for k in np.argsort(-firsts, kind="stable")
                if firsts[k] >= own - self.p.screen][:limit]

    def queue_span(self, span: tuple[int, int, str], tokens: tuple[int, int] | None, win: Window,
                   queue: _Queue) -> None:
        """Queue the replacement ``span`` = (start, end, replacement) over the window's model
        tokens ``tokens`` (None: the span's edges cut a model token; not read)."""
        if tokens is None:
            return
        start, end, replacement = span
        a, b = tokens[0] + 1, tokens[1] + 1  # window position 0 is DOCUMENT_START
        space = self.text[start - 1:start] == " " if start > 0 else False
        tail = [int(t) for t in win.ids[b:b + self.p.right_tokens]]
        queue.spans.append((span, a, b, self.model.word_ids(match_case(replacement, self.text[start:end]),
                                                             space=space) + tail))

    def _best(self, cands: list[str], tok: Token, space: bool, win: Window, a: int, left: float,
              limit: int) -> list[str]:
        """Of ``cands``, the ``limit`` whose first token is likeliest at position ``a``, among
        those within ``FitParams.screen`` nats of the written word."""
        if not cands or limit <= 0:
            return []
        firsts = self.model.next_logprobs(
            win, a, [self.model.word_ids(match_case(c, tok.surface), space=space)[0] for c in cands])
        return [cands[k] for k in np.argsort(-firsts, kind="stable") if firsts[k] >= left - self.p.screen][:limit]


def _observed(win: Window, a: int, b: int, p: FitParams) -> float:
    """Log-probability of the window's own tokens ``a..b`` and ``FitParams.right_tokens`` after
    them: what a variant replacing ``a..b`` is compared with."""
    return float(win.token_logprob[a:min(b + p.right_tokens, len(win.ids))].sum())


def _finish(win: Window, model: LanguageModel, queue: _Queue, p: FitParams, out: dict[int, WordFit],
            span_out: dict[tuple[int, int, str], float]) -> None:
    """Read every queued variant in one batch; keep each word's best gain and each span's gain."""
    scores = model.variant_logprobs(win, queue.variants + [(a, ids) for _, a, _, ids in queue.spans])
    for (span, a, b, _ids), got in zip(queue.spans, scores[len(queue.variants):], strict=True):
        span_out[span] = float(got.sum()) - _observed(win, a, b, p)
    k = 0
    for ti, a, b, cands in queue.jobs:
        observed = _observed(win, a, b, p)
        readings = []
        for name, c in cands:
            readings.append((name, c, float(scores[k].sum()) - observed))
            k += 1
        lexicon = max((r for r in readings if r[0] != MODEL_SOURCE), key=lambda r: r[2], default=None)
        own = max((r for r in readings if r[0] == MODEL_SOURCE), key=lambda r: r[2], default=None)
        out[ti] = WordFit(ti, lexicon[2] if lexicon else -math.inf, lexicon[1] if lexicon else None,
                          out[ti].surprisal, own[2] if own else -math.inf, own[1] if own else None, tuple(readings))
