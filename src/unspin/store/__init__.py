"""Storage for traced corpora: documents, MinHash signatures, LSH band keys, index parameters
and learned substitutions, behind the ``Store`` protocol.

``SQLiteStore`` is the on-disk index (one file, many concurrent readers, one writer at a time,
kill-safe batches); ``MemoryStore`` behaves the same in memory.
"""

from __future__ import annotations

from pathlib import Path

from unspin.store.base import (
    STORE_FORMAT_VERSION,
    Candidate,
    CandidateQuery,
    IncompatibleIndexError,
    IndexInfo,
    LearnedSwap,
    Store,
    StoredDocument,
    StoreError,
)
from unspin.store.memory import MemoryStore
from unspin.store.sqlite import SQLiteStore

__all__ = [
    "STORE_FORMAT_VERSION",
    "Candidate",
    "CandidateQuery",
    "IncompatibleIndexError",
    "IndexInfo",
    "LearnedSwap",
    "MemoryStore",
    "SQLiteStore",
    "Store",
    "StoreError",
    "StoredDocument",
    "open_store",
]


def open_store(path: str | Path | None, *, read_only: bool = False) -> Store:
    """``SQLiteStore(path)`` for a path; a fresh ``MemoryStore`` for ``None`` or ``":memory:"``
    (``read_only`` is meaningless there and refused)."""
    if path is None or str(path) == ":memory:":
        if read_only:
            raise ValueError("an in-memory store cannot be opened read-only")
        return MemoryStore()
    return SQLiteStore(path, read_only=read_only)
