"""Static word vectors: how well a word fits the topic of the text around it.

The vectors are the token embeddings that the ``wordllama`` package (PyPI, MIT licence) installs
with itself (``weights/l2_supercat_256.safetensors``, 32,000 tokens x 256 dimensions, with the
matching ``tokenizers`` vocabulary in ``tokenizers/l2_supercat_tokenizer_config.json``): the input
embeddings of a Llama-2-vocabulary model, trained by WordLlama's authors for sentence similarity.
unspin reads the two files directly with ``safetensors`` and ``tokenizers``; it never calls
WordLlama's own loader (which would try to fetch missing files from a hub). Nothing is
downloaded; without the package the lexicon has no vectors and the topic cue is off.

A word's vector is the normalised mean of its tokens' embeddings. That is a sound summary for
the common words that are one or two tokens, and a rough one for rare words split into many
pieces: the vectors are evidence of *topic*, not definitions. On the development benchmark a
word a spinner put in (Moby-thesaurus spinner on BBC news, 10% of words) has a mean cosine of
0.03 with the rest of its document, a writer's word 0.14.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from unspin.lexicon.packaged import package_dir

_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


@dataclass(frozen=True)
class WordVectors:
    """Unit-length static vectors for lower-case words (read-only; safe to share).

    A word's vector is memoised in a bounded, thread-safe table (``cache_size`` words).
    """

    _matrix: np.ndarray
    _tokenizer: Any
    cache_size: int = 1 << 15
    _vector: Callable[[str], np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_vector", lru_cache(maxsize=self.cache_size)(self._compute_vector))

    def _compute_vector(self, word: str) -> np.ndarray:
        ids = self._tokenizer.encode(word, add_special_tokens=False).ids
        if not ids:
            return np.zeros(self.dim, dtype=np.float32)
        v = self._matrix[ids].mean(axis=0) if len(ids) > 1 else self._matrix[ids[0]].copy()
        v /= np.linalg.norm(v) or 1.0
        v.flags.writeable = False
        return v  # type: ignore[no-any-return]  # numpy stubs: arithmetic is Any

    @classmethod
    def load(cls) -> WordVectors | None:
        """The vectors installed with ``wordllama``, or ``None`` when the package (or one of the
        two files) is missing. Takes about 0.1 s and 33 MB."""
        root = package_dir("wordllama")
        if root is None or not (root / _WEIGHTS).is_file() or not (root / _TOKENIZER).is_file():
            return None
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        tensors = load_file(str(root / _WEIGHTS))
        matrix = np.asarray(next(iter(tensors.values())), dtype=np.float32)
        return cls(matrix, Tokenizer.from_file(str(root / _TOKENIZER)))

    @property
    def dim(self) -> int:
        """Length of every vector."""
        return int(self._matrix.shape[1])

    def unit_vectors(self, words: Sequence[str]) -> np.ndarray:
        """One unit-length row per word (the normalised mean of its tokens' embeddings); a row
        of zeros for a word that has no tokens (the empty string)."""
        if not words:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(w) for w in words])

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row (float32) per text: the mean of the embeddings of all the text's
        tokens, normalised (WordLlama's own pooling: an average over the tokens, the whole
        string tokenised at once, no special tokens); a row of zeros for a text with no tokens.
        Exact for the vectors; as a measure of meaning, approximate (static vectors know no
        word order)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [enc.ids for enc in self._tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        lens = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
        has = lens > 0
        if not has.any():
            return out
        flat = np.fromiter((t for i in ids for t in i), dtype=np.int64, count=int(lens.sum()))
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))[has]
        sums = np.add.reduceat(self._matrix[flat], starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)  # the mean's direction is the sum's
        out[has] = sums / np.where(norms > 0, norms, 1.0)
        return out

    def topic_fit(self, words: Sequence[str]) -> np.ndarray:
        """For each of ``words`` (a document's content words, in order, repeats included): the
        cosine between its vector and the mean vector of all the *other* entries, 0.0 where
        there are fewer than two entries. Exact for the vectors; as a judgement of topic,
        approximate (see the module docstring)."""
        fit = np.zeros(len(words), dtype=np.float64)
        if len(words) < 2:
            return fit
        vecs = self.unit_vectors(words)
        rest = vecs.sum(axis=0, keepdims=True) - vecs
        norms = np.linalg.norm(rest, axis=1)
        dots = np.einsum("ij,ij->i", vecs, rest)
        np.divide(dots, norms, out=fit, where=norms > 0)
        return fit
