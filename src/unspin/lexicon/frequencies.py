"""Word and word-pair frequencies: what natural English looks like.

* Unigrams: ``wordfreq`` (installed from PyPI; Zipf scale, 0 = unseen, 7 = "the"); a British
  spelling counts together with its American form.
* Bigrams: the English bigram list that ships inside ``symspellpy`` (242k most frequent word
  pairs of the Google Books n-gram corpus, MIT licence; every listed pair was seen at least
  6.4 million times). A pair missing from the list is *not* evidence that it is unnatural,
  only that it is not among the most frequent pairs: scores built on it are approximate.
* Optional reference statistics from the user's own corpus (``ReferenceStats``), mapped onto
  the same log-count scale.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

from unspin.text import split_compounds, tokenize

# Tokens in the Google Books corpus behind the bigram list, used to map reference counts onto
# the same scale (approximate: only the order of magnitude matters).
_GOOGLE_TOKENS = 4.7e11


# British spellings and their American forms ("penalised"/"penalized", "colourful"/"colorful",
# "levelled"/"leveled", "centre"/"center", "analyse"/"analyze", "defence"/"defense",
# "catalogue"/"catalog", "programme"/"program"): British stem ending, American one, and the
# suffixes either may carry.
_SPELLING_RULES = (
    ("is", "iz", ("e", "ed", "es", "ing", "ation", "ations", "er", "ers")),
    ("our", "or", ("", "s", "ed", "ing", "ite", "ites", "able", "ably", "ful", "fully", "less", "er", "ers")),
    ("ll", "l", ("ed", "ing", "er", "ers")),
    ("re", "er", ("", "s")),
    ("ys", "yz", ("e", "ed", "es", "ing")),
    ("enc", "ens", ("e", "es")),
    ("ogue", "og", ("", "s")),
    ("gramme", "gram", ("", "s")),
)
_BRITISH_ENDINGS = tuple(stem + suffix for stem, _us, suffixes in _SPELLING_RULES for suffix in suffixes)


def american_spelling(word: str) -> str | None:
    """The American form of a British spelling by suffix rules, or None when no rule applies.
    Approximate: the result need not be a word ("promise" gives "promize"), so callers check it."""
    if len(word) < 5 or not word.endswith(_BRITISH_ENDINGS):
        return None
    for stem, us, suffixes in _SPELLING_RULES:
        for suffix in suffixes:
            ending = stem + suffix
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                if stem == "re" and word[-len(ending) - 1] in "aeiou":
                    return None  # "-ore", "-ure": not a British "-re"
                return word[: len(word) - len(ending)] + us + suffix
    return None


def load_unigram_zipf() -> dict[str, float]:
    """Zipf frequencies (log10 per billion words) of about 320k English words, from wordfreq.

    A British spelling counts with its American form (``american_spelling``, when wordfreq
    knows that form too): both are one word, and British text should not look rarer-worded
    than American text because its spellings split the count. The American form keeps its own
    frequency."""
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict("en", wordlist="best")
    out = {w: math.log10(f * 1e9) for w, f in freqs.items() if f > 0}
    for w in [w for w in out if w.endswith(_BRITISH_ENDINGS)]:
        us = american_spelling(w)
        if us is not None and us in out:
            out[w] = math.log10((freqs[w] + freqs[us]) * 1e9)
    return out


def load_bigram_logcounts() -> dict[str, float]:
    """log10 counts of frequent English word pairs, keyed ``"first second"`` (lower case)."""
    path = resources.files("symspellpy") / "frequency_bigramdictionary_en_243_342.txt"
    out: dict[str, float] = {}
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                out[parts[0].lower() + " " + parts[1].lower()] = math.log10(int(parts[2]))
    return out


@dataclass(slots=True)
class ReferenceStats:
    """Unigram and bigram counts of a reference corpus of clean text, supplied by the user."""

    unigrams: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[str] = field(default_factory=Counter)
    n_tokens: int = 0
    n_documents: int = 0

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> ReferenceStats:
        """Count words and adjacent word pairs (within sentences) over ``texts``."""
        stats = cls()
        for text in texts:
            stats.add(text)
        return stats

    def add(self, text: str) -> None:
        """Add one document's counts."""
        toks = split_compounds(tokenize(text))
        self.n_documents += 1
        self.n_tokens += len(toks)
        prev = None
        for t in toks:
            self.unigrams[t.norm] += 1
            if prev is not None and prev.sentence == t.sentence:
                self.bigrams[prev.norm + " " + t.norm] += 1
            prev = t

    def zipf(self, word: str) -> float:
        """The word's Zipf frequency in the reference corpus (0.0 when unseen)."""
        c = self.unigrams.get(word, 0)
        if not c or not self.n_tokens:
            return 0.0
        return math.log10(c * 1e9 / self.n_tokens)

    def bigram_logcount(self, key: str) -> float:
        """The pair's count mapped onto the Google Books log10 scale, or 0.0 when unseen."""
        c = self.bigrams.get(key, 0)
        if not c or not self.n_tokens:
            return 0.0
        return math.log10(c * _GOOGLE_TOKENS / self.n_tokens)
