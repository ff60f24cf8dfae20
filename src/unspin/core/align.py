"""Line up a suspect text with a candidate source: aligned passages and substituted phrases.

Pure functions over tokenised texts. Sentences are paired by shared skeleton trigrams (the
immutables a spinner keeps, see ``unspin.core.fingerprint``); each pair is then aligned word by
word with ``difflib.SequenceMatcher``: equal runs are copied text, short replaced runs are the
spinner's substitutions (input phrase -> source phrase).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from unspin.core.fingerprint import is_immutable
from unspin.core.restore import apply_replacements
from unspin.core.results import Alignment, Substitution
from unspin.text import Token

MAX_SUBSTITUTION_WORDS = 8


@dataclass(frozen=True, slots=True)
class Sentence:
    """The tokens of one sentence and its skeleton (immutable normal forms)."""

    tokens: tuple[Token, ...]
    skeleton: tuple[str, ...]

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


@dataclass(frozen=True, slots=True)
class AlignmentReport:
    """Everything the alignment of one input with one source found."""

    alignments: tuple[Alignment, ...]
    substitutions: tuple[Substitution, ...]
    aligned_words: int
    input_words: int
    copied_words: int
    mean_similarity: float
    source_aligned_words: int = 0
    source_words: int = 0
    #: Per alignment (same order): (input words, source words, input sentence mostly quoted
    #: speech). Quotes are what independent reports of one story share word for word.
    sizes: tuple[tuple[int, int, bool], ...] = ()

    @property
    def coverage(self) -> float:
        """Share of the input's words inside aligned passages (how much of the input comes from the source)."""
        return self.aligned_words / self.input_words if self.input_words else 0.0

    @property
    def source_coverage(self) -> float:
        """Share of the source's words inside aligned passages (how much of the source was used);
        a source sentence paired with several input sentences counts once."""
        return self.source_aligned_words / self.source_words if self.source_words else 0.0


def sentences(tokens: list[Token]) -> list[Sentence]:
    """Group tokens into sentences with their skeletons."""
    groups: dict[int, list[Token]] = defaultdict(list)
    for t in tokens:
        groups[t.sentence].append(t)
    out = []
    for _s, toks in sorted(groups.items()):
        skel = tuple(t.norm for i, t in enumerate(toks) if is_immutable(t, i == 0))
        out.append(Sentence(tuple(toks), skel))
    return out


def _grams(skel: tuple[str, ...], n: int = 3) -> set[tuple[str, ...]]:
    if len(skel) < n:
        return {skel} if skel else set()
    return {skel[i : i + n] for i in range(len(skel) - n + 1)}


def pair_sentences(inp: list[Sentence], src: list[Sentence]) -> list[tuple[int, int, float]]:
    """For each input sentence, the source sentence sharing most skeleton trigrams, as
    (input index, source index, share of the input sentence's trigrams found there). Ties go
    to the source sentence nearest in position, then to the earlier one: the answer never
    depends on the order a set is iterated in (``PYTHONHASHSEED``), so every process, and every
    engine, pairs the same sentences."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, s in enumerate(src):
        for g in _grams(s.skeleton):
            index[g].append(j)
    pairs = []
    for i, s in enumerate(inp):
        grams = _grams(s.skeleton)
        if not grams:
            continue
        votes: dict[int, int] = defaultdict(int)
        for g in grams:
            for j in index.get(g, ()):
                votes[j] += 1
        if votes:
            j, v = max(votes.items(), key=lambda kv: (kv[1], -abs(kv[0] - i), -kv[0]))
            pairs.append((i, j, v / len(grams)))
    return pairs


def align(input_text: str, input_tokens: list[Token], source_text: str, source_tokens: list[Token], *,
          min_similarity: float = 0.5) -> AlignmentReport:
    """Align ``input_text`` with ``source_text``.

    A sentence pair counts as aligned when the similarity of the two skeletons (difflib ratio)
    is at least ``min_similarity``. Inside aligned pairs, replaced runs of at most
    ``MAX_SUBSTITUTION_WORDS`` words on each side become substitutions. Approximate: a
    sentence is paired with one source sentence only, so split or merged sentences align
    partially.
    """
    inp, src = sentences(input_tokens), sentences(source_tokens)
    quotes = quoted_spans(input_text)
    n_words = len(input_tokens)
    sizes: list[tuple[int, int, bool]] = []
    alignments: list[Alignment] = []
    subs: list[Substitution] = []
    aligned_words = copied = 0
    sims: list[float] = []
    used: set[int] = set()
    for i, j, _vote in pair_sentences(inp, src):
        a, b = inp[i], src[j]
        skel_sim = SequenceMatcher(None, a.skeleton, b.skeleton, autojunk=False).ratio()
        if skel_sim < min_similarity:
            continue
        a_norm = [t.norm for t in a.tokens]
        b_norm = [t.norm for t in b.tokens]
        sm = SequenceMatcher(None, a_norm, b_norm, autojunk=False)
        word_sim = sm.ratio()
        sim = (skel_sim + word_sim) / 2
        sims.append(sim)
        used.add(j)
        aligned_words += len(a.tokens)
        alignments.append(Alignment(a.start, a.end, b.start, b.end, round(sim, 4)))
        sizes.append((len(a.tokens), len(b.tokens), _mostly_quoted(a.tokens, quotes)))
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                copied += i2 - i1
                continue
            if op in ("delete", "insert") and i1 > 0 and j1 > 0:
                # A word was swapped for a phrase that contains it ("beauty" -> "beauty queen") or
                # the reverse: widen to the preceding copied word so that the swap is one
                # substitution on both sides.
                i1, j1 = i1 - 1, j1 - 1
            elif op != "replace":
                continue
            if i2 - i1 <= MAX_SUBSTITUTION_WORDS and j2 - j1 <= MAX_SUBSTITUTION_WORDS and i2 > i1 and j2 > j1:
                s0, s1 = a.tokens[i1].start, a.tokens[i2 - 1].end
                t0, t1 = b.tokens[j1].start, b.tokens[j2 - 1].end
                subs.append(Substitution(s0, s1, input_text[s0:s1], t0, t1, source_text[t0:t1]))
    mean_sim = sum(sims) / len(sims) if sims else 0.0
    return AlignmentReport(tuple(alignments), tuple(subs), aligned_words, n_words, copied, mean_sim,
                           sum(len(src[j].tokens) for j in used), len(source_tokens), tuple(sizes))


# A quotation: straight or curly double quotes around up to 600 characters.
_QUOTE_RE = re.compile(r'"[^"\n]{1,600}"|“[^”\n]{1,600}”')


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of double-quoted passages in ``text``, in order (approximate: quotes
    that run across a line break or longer than 600 characters are not found)."""
    return [m.span() for m in _QUOTE_RE.finditer(text)]


def _mostly_quoted(tokens: tuple[Token, ...], quotes: list[tuple[int, int]]) -> bool:
    """Whether at least half of ``tokens`` lie inside ``quotes``."""
    if not quotes:
        return False
    starts = [q[0] for q in quotes]
    inside = 0
    for t in tokens:
        k = bisect_right(starts, t.start) - 1
        inside += k >= 0 and quotes[k][1] >= t.end
    return 2 * inside >= len(tokens)


def restore_from_source(text: str, substitutions: tuple[Substitution, ...]) -> str:
    """``text`` with every substituted phrase replaced by the source's phrase."""
    return apply_replacements(text, ((s.input_start, s.input_end, s.source_text) for s in substitutions))
