"""The language model's own vocabulary as a source of candidate originals.

A spinner's thesaurus is unknown: a word it put in may come from Moby, MyThes, WordNet or a
curated commercial list, and the original is a synonym in *that* thesaurus only. The model
knows what the writer was likely to write at each place: the words of its next-token
distribution there. ``ModelWords.proposals`` reads that distribution, keeps the tokens that
are whole words (a word-start token of letters: "Ġsaid", not "Ġinv" of "invoice"), and keeps
those related to the word actually written, by the cosine of the two words' input embeddings
in the same model (the mean of their tokens' rows): a spinner's pick and its original are
near each other there (median cosine 0.28 on Moby swaps of BBC news), two unrelated words
that fit one place are not (median 0.09 for the model's preferred words at a writer's word).

Approximate: only words that are one token of the model's vocabulary are proposed (most
common English words are); a capitalised word is proposed as the model wrote it at a sentence
start. Read-only after construction, safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from unspin.lexicon.language_model import LanguageModel, Window

#: Byte-level BPE marks a token that starts with a space with this character.
_SPACE = "Ġ"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A word the model would put at a place: ``word`` in lower case, ``logprob`` the model's
    log-probability of its (only) token there, ``relatedness`` the embedding cosine with the
    word written there."""

    word: str
    logprob: float
    relatedness: float


class ModelWords:
    """The whole-word tokens of a ``LanguageModel``'s vocabulary, by how they are written
    (after a space or not, capitalised or not), and the model's word vectors."""

    def __init__(self, model: LanguageModel) -> None:
        self._model = model
        tokens = [model.tokenizer.id_to_token(i) for i in range(model.vocab_size)]
        self._words = np.asarray([_word_of(t) for t in tokens], dtype=object)
        self._masks = {key: np.asarray([_kind(t) == key for t in tokens]) for key in _KINDS}
        self._vector = lru_cache(maxsize=1 << 14)(self._compute_vector)

    def _compute_vector(self, word: str) -> np.ndarray:
        ids = self._model.word_ids(word, space=True)
        v = self._model.embeddings[np.asarray(ids, dtype=np.int64)].mean(axis=0)
        v = v / (float(np.linalg.norm(v)) or 1.0)
        v.flags.writeable = False
        return v  # type: ignore[no-any-return]  # numpy stubs: arithmetic is Any

    def relatedness(self, word: str, others: Sequence[str]) -> np.ndarray:
        """Cosine between the model's vector of ``word`` and of each of ``others`` (lower case;
        a word's vector is the normalised mean of its tokens' input embeddings)."""
        if not others:
            return np.zeros(0, dtype=np.float32)
        return np.stack([self._vector(o) for o in others]) @ self._vector(word)  # type: ignore[no-any-return]

    def proposals(self, win: Window, pos: int, written: str, *, space: bool, capital: bool, top: int,
                  min_relatedness: float) -> list[Proposal]:
        """The ``top`` most likely whole words at window position ``pos`` (written after a space or
        not, capitalised or not, as the observed word is), other than ``written`` (lower case),
        whose relatedness to ``written`` reaches ``min_relatedness``; most likely first."""
        logp = self._model.next_logprobs_all(win, pos)
        allowed = np.where(self._masks[(space, capital)], logp, -np.inf)
        k = min(top, int(np.isfinite(allowed).sum()))
        if k <= 0:
            return []
        best = np.argpartition(-allowed, k - 1)[:k]
        best = best[np.argsort(-allowed[best], kind="stable")]
        words = [str(self._words[i]) for i in best]
        keep = [j for j, w in enumerate(words) if w != written]
        rel = self.relatedness(written, [words[j] for j in keep])
        return [Proposal(words[j], float(allowed[best[j]]), float(r))
                for j, r in zip(keep, rel, strict=True) if r >= min_relatedness]


_KINDS = ((True, False), (True, True), (False, False), (False, True))


def _word_of(token: str) -> str:
    return token[1:].lower() if token.startswith(_SPACE) else token.lower()


def _kind(token: str) -> tuple[bool, bool] | None:
    """``(after a space, capitalised)`` for a token that is a whole word of two or more ASCII
    letters (lower case, or one capital then lower case); ``None`` for any other token."""
    space = token.startswith(_SPACE)
    body = token[1:] if space else token
    if len(body) < 2 or not body.isascii() or not body.isalpha():
        return None
    if body.islower():
        return (space, False)
    if body[0].isupper() and body[1:].islower():
        return (space, True)
    return None
