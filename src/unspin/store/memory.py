"""An in-memory store with the same behaviour as the SQLite one, for tests and small jobs."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from unspin.store.base import (
    CANDIDATES_LIMIT,
    MAX_BUCKET,
    STORE_FORMAT_VERSION,
    Candidate,
    CandidateQuery,
    IndexInfo,
    LearnedSwap,
    StoredDocument,
    StoreError,
    check_candidate_options,
    check_learned_rows,
    check_params,
    distinct_keys,
    encode_json,
    normalize_params,
    rank_shared,
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class MemoryStore:
    """Dict-backed ``Store``. Nothing persists after the object is gone.

    Same guarantees as ``SQLiteStore``: a batch is validated completely before anything is
    changed (all-or-nothing), documents and ``meta`` are copied on the way in and out, and the
    methods are safe to call from several threads.
    """

    def __init__(self) -> None:
        self._docs: dict[str, tuple[StoredDocument, str | None]] = {}
        self._buckets: dict[int, set[str]] = {}
        self._subs: Counter[tuple[str, str]] = Counter()
        self._learned_from: dict[tuple[str, str], dict[tuple[str, str], None]] = {}
        self._params: dict[str, Any] | None = None
        self._vector_params: dict[str, Any] | None = None
        self._vectors: dict[str, bytes] = {}
        self._created = self._updated = _now()
        self._lock = threading.RLock()
        self._closed = False

    # -- parameters -------------------------------------------------------------------------

    def params(self) -> dict[str, Any] | None:
        """The recorded index parameters (a copy), or ``None``."""
        with self._lock:
            self._check_open()
            return None if self._params is None else json.loads(encode_json(self._params))

    def ensure_params(self, params: dict[str, Any]) -> None:
        """Record ``params`` if none are recorded, else raise ``IncompatibleIndexError`` if
        they differ from the recorded ones."""
        wanted = normalize_params(params)
        with self._lock:
            self._check_open()
            if self._params is None:
                self._params = wanted
                self._updated = _now()
            else:
                check_params("this index", self._params, wanted)

    def vector_params(self) -> dict[str, Any] | None:
        """The recorded parameters of the passage vectors (a copy), or ``None``."""
        with self._lock:
            self._check_open()
            return None if self._vector_params is None else json.loads(encode_json(self._vector_params))

    def ensure_vector_params(self, params: dict[str, Any]) -> None:
        """As ``ensure_params``, for the passage vectors."""
        wanted = normalize_params(params)
        with self._lock:
            self._check_open()
            if self._vector_params is None:
                self._vector_params = wanted
                self._updated = _now()
            else:
                check_params("the passage vectors of this index", self._vector_params, wanted)

    def vectors(self) -> Iterator[tuple[str, bytes]]:
        """(id, passage vectors) of the documents stored with vectors, in insertion order (a
        snapshot taken when iteration starts)."""
        with self._lock:
            self._check_open()
            rows = [(i, self._vectors[i]) for i in self._docs if i in self._vectors]
        yield from rows

    # -- documents --------------------------------------------------------------------------

    def add(self, docs: Sequence[StoredDocument]) -> int:
        """Add the documents whose ids are new; all or nothing. Returns how many were added."""
        with self._lock:
            self._check_open()
            fresh: dict[str, tuple[StoredDocument, str | None]] = {}
            vectors: dict[str, bytes] = {}
            for d in docs:
                if not isinstance(d, StoredDocument):
                    raise TypeError(f"expected StoredDocument, got {type(d).__name__}")
                if d.id in self._docs or d.id in fresh:
                    continue
                try:
                    meta = None if d.meta is None else encode_json(d.meta)
                except (TypeError, ValueError) as e:
                    raise ValueError(f"document {d.id!r}: meta is not JSON-serialisable: {e}") from None
                fresh[d.id] = (StoredDocument(d.id, d.text, d.signature, d.band_keys, None, d.winnow_keys), meta)
                vectors[d.id] = d.vectors
            for id_, entry in fresh.items():
                self._docs[id_] = entry
                if vectors.get(id_):
                    self._vectors[id_] = vectors[id_]
                for k in distinct_keys(entry[0].band_keys + entry[0].winnow_keys):
                    self._buckets.setdefault(k, set()).add(id_)
            if fresh:
                self._updated = _now()
            return len(fresh)

    def remove(self, ids: Sequence[str]) -> int:
        """Remove the documents and their band keys; unknown ids are ignored."""
        with self._lock:
            self._check_open()
            removed = 0
            for id_ in dict.fromkeys(ids):
                entry = self._docs.pop(id_, None)
                if entry is None:
                    continue
                self._vectors.pop(id_, None)
                removed += 1
                for k in distinct_keys(entry[0].band_keys + entry[0].winnow_keys):
                    bucket = self._buckets[k]
                    bucket.discard(id_)
                    if not bucket:
                        del self._buckets[k]
            if removed:
                self._updated = _now()
            return removed

    def get(self, id: str) -> StoredDocument | None:
        """The stored document (``meta`` is a fresh copy), or ``None``."""
        with self._lock:
            self._check_open()
            entry = self._docs.get(id)
        if entry is None:
            return None
        doc, meta = entry
        copied = None if meta is None else json.loads(meta)
        return StoredDocument(doc.id, doc.text, doc.signature, doc.band_keys, copied, doc.winnow_keys)

    def contains(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored."""
        with self._lock:
            self._check_open()
            return {i for i in ids if i in self._docs}

    def candidates(
        self, band_keys: Sequence[int], *, limit: int = CANDIDATES_LIMIT, max_bucket: int = MAX_BUCKET,
        exclude: str | None = None,
    ) -> CandidateQuery:
        """Documents sharing band keys, most shared first (ties by id); see ``Store``."""
        check_candidate_options(limit, max_bucket)
        with self._lock:
            self._check_open()
            skipped = 0
            shared: Counter[str] = Counter()
            for k in distinct_keys(band_keys):
                bucket = self._buckets.get(k)
                if not bucket:
                    continue
                if len(bucket) > max_bucket:
                    skipped += 1
                    continue
                shared.update(bucket)
        ranked = rank_shared(shared.items(), limit=limit, exclude=exclude)
        return CandidateQuery(tuple(Candidate(i, n) for i, n in ranked), skipped)

    def containment_candidates(
        self, winnow_keys: Sequence[int], *, limit: int = CANDIDATES_LIMIT, max_bucket: int = MAX_BUCKET,
        exclude: str | None = None,
    ) -> CandidateQuery:
        """Documents holding the query's winnow keys, most held first; see ``Store``. Winnow keys
        share the buckets of band keys: they are hashes of another family (collisions as
        unlikely as between two band keys)."""
        return self.candidates(winnow_keys, limit=limit, max_bucket=max_bucket, exclude=exclude)

    def iter_ids(self) -> Iterator[str]:
        """Every stored id in insertion order (a snapshot taken when iteration starts)."""
        with self._lock:
            self._check_open()
            ids = list(self._docs)
        yield from ids

    def __len__(self) -> int:
        with self._lock:
            self._check_open()
            return len(self._docs)

    # -- substitutions ----------------------------------------------------------------------

    def add_substitutions(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Count each (spun, source) pair once more; all or nothing."""
        batch: Counter[tuple[str, str]] = Counter()
        for spun, source in pairs:
            if not isinstance(spun, str) or not isinstance(source, str):
                raise TypeError(f"substitution pairs must be (str, str), got ({spun!r}, {source!r})")
            batch[spun, source] += 1
        with self._lock:
            self._check_open()
            self._subs.update(batch)
            if batch:
                self._updated = _now()

    def substitutions(self, *, min_count: int = 1) -> list[tuple[str, str, int]]:
        """(spun, source, count) with ``count >= min_count``, most frequent first, then by text."""
        with self._lock:
            self._check_open()
            rows = [(s, o, n) for (s, o), n in self._subs.items() if n >= min_count]
        return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))

    def learn_substitutions(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """Record each (spun, source, source id, copy id) and count the swap once more, unless
        that pair taught it already; all or nothing. Returns how many rows were new."""
        batch = check_learned_rows(rows)
        with self._lock:
            self._check_open()
            new = 0
            for spun, source, source_id, copy_id in batch:
                pairs = self._learned_from.setdefault((spun, source), {})
                if (source_id, copy_id) not in pairs:
                    pairs[source_id, copy_id] = None
                    self._subs[spun, source] += 1
                    new += 1
            if new:
                self._updated = _now()
            return new

    def learned(self, *, min_count: int = 1) -> list[LearnedSwap]:
        """Learned swaps with their provenance, ordered as ``substitutions``."""
        rows = self.substitutions(min_count=min_count)
        with self._lock:
            return [LearnedSwap(s, o, n, tuple(sorted(self._learned_from.get((s, o), {})))) for s, o, n in rows]

    def forget(self, swaps: Sequence[tuple[str, str | None]] | None) -> list[tuple[str, str]]:
        """Remove the given learned swaps (source ``None``: every swap of that spun phrase; ``None``:
        all) and their provenance. Returns the (spun, source) pairs removed."""
        with self._lock:
            self._check_open()
            if swaps is None:
                gone = sorted(self._subs)
            else:
                gone = sorted({key for spun, source in swaps for key in self._subs
                               if key[0] == spun and (source is None or key[1] == source)})
            for key in gone:
                del self._subs[key]
                self._learned_from.pop(key, None)
            if gone:
                self._updated = _now()
            return gone

    # -- housekeeping -----------------------------------------------------------------------

    def info(self) -> IndexInfo:
        """Counts and timestamps; ``size_bytes`` approximates the payload held in memory."""
        with self._lock:
            self._check_open()
            size = sum(
                len(d.id.encode()) + len(d.text.encode()) + len(d.signature)
                + 8 * (len(d.band_keys) + len(d.winnow_keys)) + len(m or "")
                for d, m in self._docs.values()
            )
            return IndexInfo(
                path=":memory:",
                documents=len(self._docs),
                size_bytes=size,
                params=json.loads(encode_json(self._params or {})),
                format_version=STORE_FORMAT_VERSION,
                substitutions=len(self._subs),
                created=self._created,
                updated=self._updated,
            )

    def close(self) -> None:
        """Drop the contents; idempotent."""
        with self._lock:
            self._closed = True
            self._docs.clear()
            self._buckets.clear()
            self._subs.clear()
            self._learned_from.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MemoryStore(documents={len(self._docs)}{', closed' if self._closed else ''})"

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("store is closed")
