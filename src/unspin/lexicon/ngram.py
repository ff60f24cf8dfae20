"""Word-pair statistics from a general English trigram language model.

The model is the generic US English language model that the ``pocketsphinx`` package (PyPI,
BSD licence) installs with itself (``model/en-us/en-us.lm.bin``, CMU Sphinx): a pruned
back-off trigram model over about 130k lower-case words. Nothing is downloaded; without the
package the lexicon falls back on its bigram list alone.

What unspin needs from it is whether two adjacent words form an *established* pair. A back-off
model gives every pair some probability, so a pair counts only when the model predicts the second
word clearly better after the first than on its own: pointwise mutual information
``log10 P(b | a) - log10 P(b)`` of at least ``min_association``. Such a pair is then placed on the
log10-count scale of the bigram list (``log10 N + log10 P(a) + log10 P(b | a)``, with ``N`` the
size of that list's corpus), so the two sources combine by taking the larger value.

Approximate: the model was trained on general text, not on any one domain, and its pruning drops
rare pairs; a pair it does not know is "unknown", not "unnatural".
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

# Tokens of the Google Books corpus behind the bigram list (see ``frequencies``): the scale
# a model pair is mapped onto.
_LIST_TOKENS_LOG10 = math.log10(4.7e11)
# log10 probabilities below this are the model's unknown-word score.
_UNKNOWN_LOG10 = -20.0
# What an unknown word contributes to ``PairModel.fit`` (rarer than any known word).
_UNKNOWN_FLOOR = -10.0


@dataclass(frozen=True)
class PairModel:
    """Association of adjacent words under a trigram language model (read-only; safe to share).

    ``pair_logcount(first, second)``: the pair's estimated log10 count on the bigram list's
    scale when the model knows it as an established pair (association at least
    ``min_association``), else 0.0; memoised in a bounded, thread-safe table (a model lookup
    costs about a microsecond, a memo hit a tenth of that).
    """

    _model: Any
    _scale: float
    min_association: float = 0.5
    cache_size: int = 1 << 18
    pair_logcount: Callable[[str, str], float] = field(init=False, repr=False, compare=False)
    _unigram: Callable[[str], float | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pair_logcount", lru_cache(maxsize=self.cache_size)(self._pair_logcount))
        object.__setattr__(self, "_unigram", lru_cache(maxsize=self.cache_size)(self.logprob))

    @classmethod
    def load(cls) -> PairModel | None:
        """The model installed with ``pocketsphinx``, or ``None`` when it is not installed."""
        try:
            import pocketsphinx
        except ImportError:
            return None
        path = os.path.join(pocketsphinx.get_model_path(), "en-us", "en-us.lm.bin")
        if not os.path.isfile(path):
            return None
        pocketsphinx.set_loglevel("ERROR")
        logmath = pocketsphinx.LogMath()
        model = pocketsphinx.NGramModel(pocketsphinx.Config(), logmath, path)
        return cls(model, math.log10(1.0001))

    def logprob(self, word: str, *history: str) -> float | None:
        """log10 P(word | history) (history oldest first, at most two words), or ``None`` when
        the model does not know ``word``."""
        lp = self._model.prob([word, *reversed(history)]) * self._scale
        return None if lp < _UNKNOWN_LOG10 else lp

    def fit(self, words: Sequence[str], i: int) -> float:
        """How well ``words[i]`` fits its neighbours: the log10 probability of ``words[i]`` and of
        the two words after it, each given the two before it (unknown words count as
        ``_UNKNOWN_FLOOR``). Compare values for different ``words[i]`` in the same context only."""
        total = 0.0
        for j in range(i, min(i + 3, len(words))):
            lp = self._model.prob([words[j], *reversed(words[max(0, j - 2) : j])]) * self._scale
            total += max(lp, _UNKNOWN_FLOOR)
        return total

    def association(self, first: str, second: str) -> float | None:
        """``log10 P(second | first) - log10 P(second)``, or ``None`` when either word is unknown."""
        p_second = self._unigram(second)
        if p_second is None or self._unigram(first) is None:
            return None
        conditional = self.logprob(second, first)
        return None if conditional is None else conditional - p_second

    def _pair_logcount(self, first: str, second: str) -> float:
        p_first = self._unigram(first)
        p_second = self._unigram(second)
        if p_first is None or p_second is None:
            return 0.0
        conditional = float(self._model.prob([second, first])) * self._scale
        if conditional - p_second < self.min_association:
            return 0.0
        return max(_LIST_TOKENS_LOG10 + p_first + conditional, 0.0)
