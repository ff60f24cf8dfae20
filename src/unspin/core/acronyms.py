"""Acronym definitions whose long form no longer spells the acronym.

A paper writes "Internet Protocol (IP)"; a spinner turns it into "Web Protocol (IP)" and leaves
the acronym alone, because an all-capitals token is not in its thesaurus. The long form then no
longer contains the acronym's letters, which a writer never does on purpose. The test is the
matching rule of Schwartz and Hearst (2003, "A simple algorithm for identifying abbreviation
definitions in biomedical text"): the acronym's letters must be found in the words before the
bracket, right to left, in order, the first letter at the start of a word. Written here (about
twenty lines) rather than taken from the ``abbreviations`` package, which configures the root
logger when imported.

Pure functions, no I/O. Approximate: an acronym of another language ("INSEE" after "National
Statistics Institute") or a bracketed code that is no acronym at all fails the rule too, so the
caller checks that the words before it are ordinary English words, not names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from unspin.text import Token

# A bracketed token that looks like an acronym: starts with a capital, 2-10 letters or digits
# (a plural "s" or inner lower-case letters as in "IoT" are allowed), at least two capitals.
_BRACKETED = re.compile(r"\(([A-Z][A-Za-z0-9\-]{1,9})\)")
# Words of the long form searched, as in Schwartz and Hearst: min(|A| + 5, 2|A|).
_EXTRA_WORDS = 5


def spells(acronym: str, long_form: str) -> bool:
    """True when ``acronym`` can be read off ``long_form`` (Schwartz and Hearst): each of its
    letters and digits found right to left in order, the first one at the start of a word.
    Case is ignored; hyphens and other punctuation in the acronym are skipped."""
    short = [c.lower() for c in acronym if c.isalnum()]
    text = long_form.lower()
    li = len(text) - 1
    for si in range(len(short) - 1, -1, -1):
        c = short[si]
        while li >= 0 and (text[li] != c or (si == 0 and li > 0 and text[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        li -= 1
    return True


@dataclass(frozen=True, slots=True)
class Mismatch:
    """An acronym in brackets whose preceding words do not spell it: ``first`` and ``last`` are
    the indexes of the tokens of the suspect long form (at most four words before the bracket,
    one word per letter of the acronym). ``partial``: one of those words still starts with the
    acronym's letter at its place ("Web Protocol (IP)"), as when a spinner swapped the other
    words of a term; a country code after a name ("Serena Williams (US)") has none."""

    acronym: str
    first: int
    last: int
    partial: bool = False


def acronym_mismatches(text: str, tokens: list[Token]) -> list[Mismatch]:
    """Bracketed acronyms in ``text`` (tokenised as ``tokens``) not spelled by the words before
    them in the same sentence. Acronyms that do not need a long form (fewer than two capitals)
    are ignored; whether the suspect words are ordinary words is for the caller to judge."""
    out: list[Mismatch] = []
    starts = [t.start for t in tokens]
    for m in _BRACKETED.finditer(text):
        acronym = m.group(1)
        letters = sum(c.isalnum() for c in acronym)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        # The token inside the bracket, and the words before it in its sentence.
        k = _index_at(starts, m.start(1))
        if k is None or k == 0:
            continue
        sent = tokens[k].sentence
        reach = min(letters + _EXTRA_WORDS, 2 * letters)
        before = [j for j in range(max(0, k - reach), k) if tokens[j].sentence == sent]
        if not before:
            continue
        long_form = " ".join(tokens[j].surface for j in before)
        if spells(acronym, long_form):
            continue
        span = before[-min(letters, 4, len(before)) :]
        initials = [c.lower() for c in acronym if c.isalnum()][-len(span) :]
        partial = any(tokens[j].norm[:1] == c for j, c in zip(span, initials, strict=True))
        out.append(Mismatch(acronym, span[0], span[-1], partial))
    return out


def _index_at(starts: list[int], offset: int) -> int | None:
    """The index of the token starting at ``offset``, if any."""
    k = bisect_left(starts, offset)
    return k if k < len(starts) and starts[k] == offset else None
