"""Known tortured phrases and substitutions learned from them.

A list of (tortured phrase, expected phrase) pairs, such as a screening list of published
tortured phrases or the substitutions learned by tracing spun copies to their sources, teaches
four things: the exact phrases, the word-level swaps the spinner makes (``organization`` ->
``network``), the established terms the spinner destroys (``neural network``), and which words
spinners put into text (``counterfeit``, ``timberland``) as against which words established terms
are made of (``artificial``, ``network``). Only the first is a lookup; the others let the
detector find phrases that are *not* on the list.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from unspin.text import normalise, split_compounds, tokenize

_QUOTED = re.compile(r'"([^"]+)"')
_PAREN = re.compile(r"\s*\([^)]*\)")


def parse_query(query: str) -> str:
    """The tortured phrase of a screening query: its first quoted phrase, else the whole text."""
    m = _QUOTED.search(query)
    return (m.group(1) if m else query).strip()


def expected_variants(expected: str) -> list[str]:
    """Accepted spellings of an expected phrase: without a parenthetical, then with it unbracketed."""
    plain = " ".join(_PAREN.sub("", expected).split())
    spelled = " ".join(expected.replace("(", " ").replace(")", " ").split())
    return [v for v in dict.fromkeys([plain, spelled]) if v]


def words(phrase: str) -> tuple[str, ...]:
    """The normalised word tokens of a phrase."""
    return tuple(t.norm for t in split_compounds(tokenize(phrase)))


@dataclass(slots=True)
class KnownSubstitutions:
    """Exact tortured phrases, word swaps and terms learned from known pairs.

    Word counts, one per pair: ``outputs`` counts the tortured-side words that are not in the
    expected phrase (a spinner's picks); ``term_words`` the words of expected phrases; ``heads``
    and ``modifiers`` the last and first words of multiword expected phrases. ``learned`` maps the
    exact phrases that were learned by tracing copies (``Index.learned_substitutions``), not read
    from a known list, to how often they were learned: their findings say ``learned-swap``.
    """

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    swaps: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    terms: Counter[tuple[str, ...]] = field(default_factory=Counter)
    outputs: Counter[str] = field(default_factory=Counter)
    term_words: Counter[str] = field(default_factory=Counter)
    heads: Counter[str] = field(default_factory=Counter)
    modifiers: Counter[str] = field(default_factory=Counter)
    learned: Counter[tuple[str, ...]] = field(default_factory=Counter)

    def add(self, tortured: str, expected: str, *, count: int = 1, learned: bool = False) -> None:
        """Learn from one pair. Equal-length pairs teach word swaps position by position.
        ``learned``: the pair was learned by tracing (its phrase keeps the first original it was
        given, the most frequent when added most frequent first), not from a known list."""
        t_words = words(tortured)
        variants = expected_variants(expected)
        if not t_words or not variants:
            return
        e_words = words(variants[0])
        if not learned:
            self.phrases[t_words] = variants[0]
            self.learned.pop(t_words, None)
        elif t_words not in self.phrases or t_words in self.learned:
            self.phrases.setdefault(t_words, variants[0])
            self.learned[t_words] += count
        in_expected = set(e_words)
        for w in set(t_words) - in_expected:
            self.outputs[w] += count
        for w in in_expected:
            self.term_words[w] += count
        if len(e_words) >= 2:
            self.heads[e_words[-1]] += count
            self.modifiers[e_words[0]] += count
        if 2 <= len(e_words) <= 4:
            self.terms[e_words] += count
            if len(e_words) > 2:  # "transfer learning" is established wherever "deep transfer learning" is
                for k in range(len(e_words) - 1):
                    self.terms[e_words[k : k + 2]] += count
        if len(t_words) == len(e_words):
            for tw, ew in zip(t_words, e_words, strict=True):
                if tw != ew:
                    self.swaps[tw][ew] += count

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> KnownSubstitutions:
        """Build from (tortured phrase, expected phrase) pairs; the tortured side may be a query."""
        ks = cls()
        for tortured, expected in pairs:
            ks.add(parse_query(tortured), expected)
        return ks

    def merged(self, other: KnownSubstitutions) -> KnownSubstitutions:
        """A new table holding both tables' knowledge."""
        out = KnownSubstitutions(dict(self.phrases), defaultdict(Counter), Counter(self.terms),
                                 Counter(self.outputs), Counter(self.term_words), Counter(self.heads),
                                 Counter(self.modifiers), Counter(self.learned))
        for table in (self.swaps, other.swaps):
            for k, v in table.items():
                out.swaps[k].update(v)
        out.phrases.update(other.phrases)
        out.terms.update(other.terms)
        out.outputs.update(other.outputs)
        out.term_words.update(other.term_words)
        out.heads.update(other.heads)
        out.modifiers.update(other.modifiers)
        out.learned.update(other.learned)
        for phrase in list(out.learned):  # a phrase either table knows from a list is known
            if (phrase in self.phrases and phrase not in self.learned) or (
                    phrase in other.phrases and phrase not in other.learned):
                del out.learned[phrase]
        return out

    def output_ratio(self, word: str) -> float:
        """Natural log of how much more often ``word`` was a spinner's pick than a word of an
        established term in the known pairs (0.0 for a word the pairs never show; add-half
        smoothing, so one sighting moves it by about 1.1)."""
        return math.log((self.outputs.get(word, 0) + 0.5) / (self.term_words.get(word, 0) + 0.5))


class KnownListError(ValueError):
    """A known-pairs file yields no pairs; the message names the file and the columns it has."""


def read_pairs_csv(path: str | Path) -> list[tuple[str, str]]:
    """Read (tortured, expected) pairs from a CSV with ``tortured_phrase`` and ``expected_phrase``
    columns (the Problematic Paper Screener layout), or from the first two columns otherwise.
    Raises ``KnownListError`` when the file yields no pair at all (empty, one column, another
    delimiter), naming the columns found: a list that loads nothing must not pass silently."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise KnownListError(f"{path}: the known-pairs file is empty")
    header = [normalise(h) for h in rows[0]]
    if "tortured_phrase" in header and "expected_phrase" in header:
        ti, ei = header.index("tortured_phrase"), header.index("expected_phrase")
        body = rows[1:]
    else:
        ti, ei, body = 0, 1, rows
    pairs = [(r[ti], r[ei]) for r in body if len(r) > max(ti, ei) and r[ti].strip() and r[ei].strip()]
    if not pairs:
        raise KnownListError(no_pairs_message(path, rows[0]))
    return pairs


def no_pairs_message(path: str | Path, first_row: list[str]) -> str:
    """Why a known-pairs file gave no pair: the columns of its first row, and a hint."""
    shown = ", ".join(repr(c) for c in first_row[:6]) + (", ..." if len(first_row) > 6 else "")
    hint = ""
    joined = ",".join(first_row)
    for sep, name in (("\t", "tab"), (";", "semicolon")):
        if sep in joined:
            hint = f"; it looks {name}-separated: save it as comma-separated CSV"
            break
    return (f"{path}: no (tortured_phrase, expected_phrase) pairs found; its first row has "
            f"{len(first_row)} column(s): {shown}. Expected a comma-separated CSV with columns "
            f"tortured_phrase and expected_phrase, or two columns (tortured, expected) without a header{hint}")
