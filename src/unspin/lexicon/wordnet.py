"""WordNet synonyms and morphology, read from the compact table shipped with unspin.

The table (``data/wordnet-synsets.tsv.gz``) is derived from WordNet 3.0 by
``tools/build_lexicon.py`` and distributed under the WordNet licence (``data/LICENSE-WordNet``).
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

# Suffix rules of WordNet's morphy: (suffix, replacement) by part of speech.
_DETACH = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
          ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}
# What inflection a detached suffix stands for, so that a synonym can be inflected the same way.
_INFLECTION = {"s": "s", "ses": "s", "xes": "s", "zes": "s", "ches": "s", "shes": "s", "men": "s",
               "ies": "s", "es": "s", "ed": "ed", "ing": "ing", "er": "er", "est": "est"}
_VOWELS = frozenset("aeiou")


def inflect(base: str, inflection: str, pos: str) -> str:
    """Inflect ``base`` (a WordNet lemma) with ``inflection`` ("" | s | ed | ing | er | est).

    Approximate, rule-based English morphology: good for regular words, wrong for some
    irregular ones (callers check the result against a word list). Multiword lemmas inflect
    their head: the last word for nouns, the first word for verbs.
    """
    if not inflection:
        return base
    words = base.split(" ")
    idx = 0 if pos == "v" else len(words) - 1
    w = words[idx]
    if inflection == "s":
        if w.endswith(("s", "x", "z", "ch", "sh")):
            w += "es"
        elif w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS:
            w = w[:-1] + "ies"
        else:
            w += "s"
    elif inflection in ("ed", "er", "est", "ing"):
        suffix = inflection
        if w.endswith("e") and suffix != "ing":
            w = w[:-1] + suffix
        elif w.endswith("e") and suffix == "ing" and not w.endswith("ee"):
            w = w[:-1] + "ing"
        elif w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS and suffix != "ing":
            w = w[:-1] + "i" + suffix
        else:
            w += suffix
    words[idx] = w
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Sense:
    """One reading of a word form: its WordNet lemma, part of speech and inflection."""

    lemma: str
    pos: str
    inflection: str


class WordNet:
    """Synonym lookup over the shipped WordNet table. Immutable after construction."""

    def __init__(self, synsets: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]],
                 exceptions: dict[tuple[str, str], str]) -> None:
        self._synsets = synsets
        self._exceptions = exceptions
        index: dict[tuple[str, str], list[str]] = defaultdict(list)
        for sid, (pos, lemmas, _sim) in synsets.items():
            for lemma in lemmas:
                index[(lemma, pos)].append(sid)
        self._index = dict(index)
        self.lemmas = frozenset(lemma for lemma, _pos in self._index)

    @classmethod
    def load(cls) -> WordNet:
        """Read the table shipped inside the package (about 0.6 s)."""
        data = resources.files("unspin.lexicon") / "data"
        synsets: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
        with gzip.open(data.joinpath("wordnet-synsets.tsv.gz").open("rb"), "rt", encoding="utf-8") as fh:
            for line in fh:
                sid, pos, lemmas, similar, _hyper = line.rstrip("\n").split("\t")
                synsets[sid] = (pos, tuple(lemmas.split("|")), tuple(similar.split(",")) if similar else ())
        exceptions: dict[tuple[str, str], str] = {}
        with gzip.open(data.joinpath("wordnet-exceptions.tsv.gz").open("rb"), "rt", encoding="utf-8") as fh:
            for line in fh:
                form, base, pos = line.rstrip("\n").split("\t")
                exceptions.setdefault((form, pos), base)
        return cls(synsets, exceptions)

    def synset_lemmas(self) -> list[tuple[str, ...]]:
        """The lemmas of every synset (lower case, multiword lemmas with spaces)."""
        return [lemmas for _pos, lemmas, _sim in self._synsets.values()]

    def senses(self, form: str) -> list[Sense]:
        """Every (lemma, pos, inflection) reading of a lower-case word form known to WordNet."""
        out: list[Sense] = []
        for pos in ("n", "v", "a", "r"):
            if (form, pos) in self._index:
                out.append(Sense(form, pos, ""))
            exc = self._exceptions.get((form, pos))
            if exc and (exc, pos) in self._index:
                infl = "ed" if pos == "v" else ("s" if pos == "n" else "er")
                out.append(Sense(exc, pos, infl))
            for suffix, repl in _DETACH[pos]:
                if form.endswith(suffix) and len(form) > len(suffix) + 1:
                    base = form[: len(form) - len(suffix)] + repl
                    if (base, pos) in self._index and base != form:
                        infl = _INFLECTION[suffix]
                        if pos == "v" and infl == "s":
                            infl = "s"
                        out.append(Sense(base, pos, infl))
        return out

    def synonyms(self, lemma: str, pos: str, *, similar: bool = True) -> dict[str, float]:
        """Lemmas sharing a synset with ``lemma`` (weight 1.0), and, for ``similar``, lemmas of
        similar-to / also-see synsets (weight 0.6). The lemma itself is excluded."""
        out: dict[str, float] = {}
        for sid in self._index.get((lemma, pos), ()):
            _pos, lemmas, sim = self._synsets[sid]
            for other in lemmas:
                if other != lemma:
                    out[other] = 1.0
            if similar:
                for s2 in sim:
                    entry = self._synsets.get(s2)
                    if entry:
                        for other in entry[1]:
                            if other != lemma:
                                out.setdefault(other, 0.6)
        return out
