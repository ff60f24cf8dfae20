"""Normalisation, word tokens with character offsets, and sentence spans.

Pure functions: no I/O. Tokens keep offsets into the original string; normalisation is
applied per token (``Token.norm``) so that offsets never drift.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# A word: letters/digits, with inner apostrophes or hyphens ("don't", "high-speed").
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

# What a sentence is: one definition, read by ``sentence_spans`` (the specification) and by the
# vectorised fingerprint (``unspin.core.fingerprint``, pinned to it by a test). A sentence ends
# at ``.``, ``!`` or ``?``, then any ``SENTENCE_CLOSERS``, whitespace, and a capital or a digit
# (perhaps after one of ``SENTENCE_OPENERS``); or at a blank line. A dot after one of
# ``ABBREVIATIONS`` or after a single letter (an initial: "J. Smith", "U.S. Army", "e.g.") ends
# no sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st vs etc fig eq no al inc ltd co corp jr sr gen gov sen rep".split()
)
SENTENCE_CLOSERS = "\"'”)]"
SENTENCE_OPENERS = "\"'“‘(["
_SENT_END_RE = re.compile(rf"(?<=[.!?])[{re.escape(SENTENCE_CLOSERS)}]*\s+(?=[{re.escape(SENTENCE_OPENERS)}]?[A-Z0-9])"
                          r"|\n\s*\n")
ABBREVIATION_DOT = r"(?i)\b(" + "|".join(sorted(ABBREVIATIONS)) + r"|[^\W\d_])\."
_ABBREVIATION_END_RE = re.compile(ABBREVIATION_DOT + r"$")
# ``_ABBREVIATION_END_RE`` matches at most the longest abbreviation and its dot; one character
# more keeps the character before a match, which its ``\b`` reads. Searching only this tail of
# a sentence finds what a search of the whole sentence finds (at a cost independent of its length).
_ABBREVIATION_TAIL = max(map(len, ABBREVIATIONS)) + 2
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-"})
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text: ``text[start:end]`` is the surface form, ``norm`` its normal form.

    ``compound``: for the parts of a hyphenated word split by ``split_compounds``, a number
    (from 1) that the parts of one compound share; 0 for a whole word."""

    start: int
    end: int
    surface: str
    norm: str
    sentence: int
    compound: int = 0

    @property
    def is_alpha(self) -> bool:
        return self.norm.isalpha()


def encodable(text: str) -> str:
    """``text`` with every lone surrogate (``"\\udcff"``, as ``surrogateescape`` decoding leaves
    them; a Python ``str`` can hold them, UTF-8 cannot) replaced by U+FFFD, so that it can be
    encoded, e.g. handed to Polars. Same length, so offsets stay valid; ``text`` itself when it
    holds none."""
    if text.isascii():
        return text
    return _LONE_SURROGATE_RE.sub("\ufffd", text)


def normalise(word: str) -> str:
    """Return the lookup form of a word: NFKC, case-folded, typographic apostrophes made plain."""
    if word.isascii():
        return word.lower()  # same result, without the Unicode work (most words)
    return unicodedata.normalize("NFKC", word).translate(_APOSTROPHES).casefold()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)`` covering all non-space text.

    Approximate: a rule-based splitter (the rule above the module's ``ABBREVIATIONS``), good
    enough to stop n-grams crossing sentences.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END_RE.finditer(text):
        before = text[pos : m.start()]
        if not _BLANK_LINE_RE.search(m.group(0)) and _ABBREVIATION_END_RE.search(before[-_ABBREVIATION_TAIL:]):
            continue
        before = before.rstrip()
        if before.strip():  # its leading space is the text's at ``pos`` (not text[pos:]: O(n) per sentence)
            spans.append((pos + len(before) - len(before.lstrip()), pos + len(before)))
        pos = m.end()
    tail = text[pos:]
    if tail.strip():
        s = pos + (len(tail) - len(tail.lstrip()))
        spans.append((s, pos + len(tail.rstrip())))
    return spans


def tokenize(text: str) -> list[Token]:
    """Word tokens of ``text`` with offsets and sentence numbers, in order."""
    spans = sentence_spans(text)
    starts = [s for s, _e in spans[1:]]
    tokens: list[Token] = []
    append = tokens.append
    si = 0
    next_start = starts[0] if starts else len(text) + 1
    n_starts = len(starts)
    for m in WORD_RE.finditer(text):
        start, end = m.span()
        if start >= next_start:
            si = bisect_right(starts, start)
            next_start = starts[si] if si < n_starts else len(text) + 1
        surface = m.group()
        append(Token(start, end, surface, surface.lower() if surface.isascii() else normalise(surface), si))
    return tokens


def split_compounds(tokens: list[Token]) -> list[Token]:
    """``tokens`` with each hyphenated word of letters split into its parts ("pre-handling" ->
    "pre", "handling"; "high-exactness" -> "high", "exactness"), offsets into the same text.

    Spinners swap the parts of a compound as they swap words ("high-resolution" becomes
    "high-exactness"), and word statistics know the parts, not the compound. A compound with a
    digit or an apostrophe in it ("COVID-19", "rock-'n'-roll") stays whole.
    """
    if not any("-" in t.norm for t in tokens):
        return tokens
    out: list[Token] = []
    compound = 0
    for t in tokens:
        parts = t.surface.split("-") if "-" in t.surface else None
        if not parts or not all(part.isalpha() for part in parts):
            out.append(t)
            continue
        compound += 1
        pos = t.start
        for part in parts:
            out.append(Token(pos, pos + len(part), part, normalise(part), t.sentence, compound))
            pos += len(part) + 1
    return out


def joined(first: Token, second: Token) -> bool:
    """True when the two tokens are parts of one hyphenated compound (``split_compounds``)."""
    return first.compound != 0 and first.compound == second.compound


def apart(first: Token, second: Token) -> bool:
    """True when one of two adjacent tokens is part of a hyphenated compound that the other is
    not in: such words are no pair ("correlation-based feature": the noun goes with the whole
    compound, not with "based")."""
    return first.compound != second.compound


def is_capitalised(surface: str) -> bool:
    """True when the word starts with an upper-case letter (a name, or a sentence start)."""
    return surface[:1].isupper()


def match_case(form: str, surface: str) -> str:
    """``form`` with a capital first letter when ``surface`` starts with one (a suggestion
    written as the word it replaces is)."""
    return form[:1].upper() + form[1:] if surface[:1].isupper() else form


def text_windows(text: str, *, max_chars: int) -> list[tuple[int, int]]:
    """Consecutive spans ``(start, end)`` that tile ``text``, each at most ``max_chars`` long.

    A text of at most ``max_chars`` characters is one window, so ordinary documents are never cut.
    A longer one is cut, searching back over the second half of each window, after a blank line,
    else after a sentence's full stop, else at a space; a hard cut only inside a run of
    ``max_chars // 2`` characters with no space at all. Linear in ``len(text)``.
    """
    if max_chars < 2:
        raise ValueError(f"max_chars must be at least 2, not {max_chars}")
    spans: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while n - pos > max_chars:
        lo, hi = pos + max_chars // 2, pos + max_chars
        cut = text.rfind("\n\n", lo, hi)
        if cut < 0:
            cut = text.rfind(". ", lo, hi)
        if cut < 0:
            cut = max(text.rfind(" ", lo, hi), text.rfind("\n", lo, hi), text.rfind("\t", lo, hi))
        end = cut + 1 if cut >= 0 else hi
        spans.append((pos, end))
        pos = end
    spans.append((pos, n))
    return spans
