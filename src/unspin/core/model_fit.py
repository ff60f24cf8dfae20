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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from unspin.lexicon.language_model import MAX_WINDOW, LanguageModel, Window
from unspin.text import Token, match_case


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
    first), this many are screened.

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


@dataclass(frozen=True, slots=True)
class WordFit:
    """The model's judgement of one word: ``gain`` is the best candidate's log-probability minus
    the observed word's, over the word and ``FitParams.right_tokens`` model tokens after it
    (nats; ``-inf`` when no candidate was read); ``best`` is that candidate (lower-case form);
    ``surprisal`` is -log P(word | the text before it)."""

    index: int
    gain: float
    best: str | None
    surprisal: float


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


def _token_span(offsets: Sequence[tuple[int, int]], first: int, tok: Token) -> tuple[int, int] | None:
    """Model tokens ``[a, b)`` covering the word ``tok`` exactly (a leading space allowed)."""
    a = first
    n = len(offsets)
    while a < n and offsets[a][1] <= tok.start:
        a += 1
    b = a
    while b < n and offsets[b][0] < tok.end:
        b += 1
    if a >= b or offsets[b - 1][1] != tok.end or offsets[a][0] < tok.start - 1:
        return None
    return a, b



def word_fits(text: str, tokens: Sequence[Token], eligible: Sequence[bool],
              candidates: Callable[[str], Sequence[str]], model: LanguageModel, *,
              sentence_starts: Sequence[int], params: FitParams | None = None) -> dict[int, WordFit]:
    """``WordFit`` of every eligible token that the model can score, by token index.

    ``candidates(norm)`` gives a word's candidate originals, best first. Work is one model pass
    per window plus one batched re-read of the screened candidates; linear in the text."""
    p = params or FitParams()
    ids, offsets = model.encode(text)
    out: dict[int, WordFit] = {}
    ti = 0
    for lo, hi in _windows(offsets, sentence_starts, min(p.window_tokens, MAX_WINDOW - 1)):
        win = model.window(ids[lo:hi])
        local = offsets[lo:hi]
        jobs: list[tuple[int, int, int, list[str]]] = []
        variants: list[tuple[int, list[int]]] = []
        while ti < len(tokens) and tokens[ti].end <= (local[-1][1] if local else 0):
            if eligible[ti]:
                span = _token_span(local, 0, tokens[ti])
                if span is not None:
                    _screen(text, tokens[ti], ti, span, win, model, candidates, p, jobs, variants, out)
            ti += 1
        _finish(win, model, jobs, variants, p, out)
    return out


def _screen(text: str, tok: Token, ti: int, span: tuple[int, int], win: Window, model: LanguageModel,
            candidates: Callable[[str], Sequence[str]], p: FitParams,
            jobs: list[tuple[int, int, int, list[str]]], variants: list[tuple[int, list[int]]],
            out: dict[int, WordFit]) -> None:
    """Record the word's surprisal and queue the candidates worth reading again."""
    a, b = span[0] + 1, span[1] + 1  # window position 0 is DOCUMENT_START
    left = float(win.token_logprob[a:b].sum())
    out[ti] = WordFit(ti, -math.inf, None, -left)
    if -left < p.min_surprisal:
        return
    cands = list(candidates(tok.norm))
    if not cands:
        return
    space = text[tok.start - 1:tok.start] == " " if tok.start > 0 else False
    forms = [match_case(c, tok.surface) for c in cands]
    cand_ids = [model.word_ids(f, space=space) for f in forms]
    firsts = model.next_logprobs(win, a, [c[0] for c in cand_ids])
    order = [k for k in np.argsort(-firsts) if firsts[k] >= left - p.screen][:p.max_candidates]
    if not order:
        return
    tail = list(win.ids[b:b + p.right_tokens])
    jobs.append((ti, a, b, [cands[k] for k in order]))
    for k in order:
        variants.append((a, cand_ids[k] + [int(t) for t in tail]))


def _finish(win: Window, model: LanguageModel, jobs: list[tuple[int, int, int, list[str]]],
            variants: list[tuple[int, list[int]]], p: FitParams, out: dict[int, WordFit]) -> None:
    """Read every queued variant in one batch and keep each word's best gain."""
    scores = model.variant_logprobs(win, variants)
    k = 0
    for ti, a, b, cands in jobs:
        observed = float(win.token_logprob[a:min(b + p.right_tokens, len(win.ids))].sum())
        best, gain = None, -math.inf
        for c in cands:
            g = float(scores[k].sum()) - observed
            k += 1
            if g > gain:
                best, gain = c, g
        out[ti] = WordFit(ti, gain, best, out[ti].surprisal)
