"""The storage interface behind tracing: documents, MinHash signatures, LSH band keys, index
parameters and learned substitutions.

A store knows nothing about text processing. Signatures are opaque bytes, band keys are signed
64-bit integers, parameters are a JSON-serialisable dict recorded once and compared afterwards.
Every implementation gives the same guarantees:

* ``add`` and ``add_substitutions`` are all-or-nothing: a batch is stored completely or not at
  all, even when the process is killed in the middle;
* ids are unique: adding an id that is already present is a no-op, so an interrupted build is
  resumed by simply adding every batch again;
* a document's band keys, winnow keys and passage vectors are stored with it and removed with
  it, never one without the other.

Passage vectors (the semantic path, ``unspin.core.semantic``) are opaque bytes too, with their
own recorded parameters (``vector_params``): an index holds them only for the documents added
with the semantic path on.
"""

from __future__ import annotations

import heapq
import json
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self, cast, runtime_checkable

#: Candidates a query verifies per path, most keys shared first (``Index.trace``'s
#: ``TraceConfig.candidates``, the stores' ``limit``, both engines): verification by
#: alignment costs about a millisecond each, and a copy's source ranks first or second.
CANDIDATES_LIMIT = 20
#: A key held by more documents than this is boilerplate every document shares (a dateline, a
#: sign-off): its bucket is skipped and counted. The band join's memory hot spot.
MAX_BUCKET = 1000


STORE_FORMAT_VERSION = 2
"""Version of the storage layout (tables, encodings). Independent of the fingerprint format,
which travels inside the recorded params."""

_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1


class StoreError(Exception):
    """A store cannot be opened or used: not an index, closed, read-only, or a storage failure."""


class IncompatibleIndexError(StoreError):
    """The index was built with other parameters or by a newer storage format than asked for.

    The message says what differs and how to fix it."""


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One indexed document.

    ``signature`` is opaque (typically a uint32 array's ``tobytes()``); ``band_keys`` are signed
    64-bit integers, one per LSH band, returned by ``Store.get`` in the order given.
    ``vectors``: the document's passage vectors, opaque (``unspin.core.semantic.pack_vectors``;
    empty when none were computed), returned by ``Store.vectors`` and not by ``get``. ``meta`` is
    any JSON-serialisable dict (stored as JSON, so ``get`` returns an equal copy, not the same
    object). Construction validates the field types and converts ``band_keys`` to a tuple and
    a bytes-like ``signature`` to ``bytes``; bad values raise ``ValueError``/``TypeError``.
    """

    id: str
    text: str
    signature: bytes
    band_keys: tuple[int, ...]
    meta: dict[str, Any] | None = None
    winnow_keys: tuple[int, ...] = ()
    vectors: bytes = b""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"document id must be a non-empty string, got {self.id!r}")
        if not isinstance(self.text, str):
            raise TypeError(f"document {self.id!r}: text must be str, got {type(self.text).__name__}")
        if not isinstance(self.signature, bytes):
            # Reachable: callers may pass any bytes-like signature, converted to bytes here.
            if not isinstance(self.signature, bytearray | memoryview):  # type: ignore[unreachable]
                raise TypeError(f"document {self.id!r}: signature must be bytes, got {type(self.signature).__name__}")
            object.__setattr__(self, "signature", bytes(self.signature))
        keys = tuple(self.band_keys)
        for k in keys:
            if not isinstance(k, int) or isinstance(k, bool) or not _I64_MIN <= k <= _I64_MAX:
                raise ValueError(f"document {self.id!r}: band key {k!r} is not a signed 64-bit integer")
        object.__setattr__(self, "band_keys", keys)
        wkeys = tuple(self.winnow_keys)
        for k in wkeys:
            if not isinstance(k, int) or isinstance(k, bool) or not _I64_MIN <= k <= _I64_MAX:
                raise ValueError(f"document {self.id!r}: winnow key {k!r} is not a signed 64-bit integer")
        object.__setattr__(self, "winnow_keys", wkeys)
        if not isinstance(self.vectors, bytes):
            if not isinstance(self.vectors, bytearray | memoryview):  # type: ignore[unreachable]
                raise TypeError(f"document {self.id!r}: vectors must be bytes, got {type(self.vectors).__name__}")
            object.__setattr__(self, "vectors", bytes(self.vectors))
        if self.meta is not None and not isinstance(self.meta, dict):
            raise TypeError(f"document {self.id!r}: meta must be a dict or None, got {type(self.meta).__name__}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored document sharing ``shared_bands`` distinct band keys with a query."""

    id: str
    shared_bands: int


@dataclass(frozen=True, slots=True)
class CandidateQuery:
    """Candidates, most shared bands first (ties by id), and how many query buckets were skipped
    because they held more than ``max_bucket`` documents (boilerplate every document shares)."""

    candidates: tuple[Candidate, ...]
    skipped_buckets: int


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What ``Store.info`` reports. ``params`` is empty when none were recorded yet; ``created``
    and ``updated`` are ISO 8601 UTC timestamps; ``substitutions`` counts distinct pairs."""

    path: str
    documents: int
    size_bytes: int
    params: dict[str, Any]
    format_version: int
    substitutions: int
    created: str
    updated: str


@dataclass(frozen=True, slots=True)
class LearnedSwap:
    """A learned substitution: ``spun`` phrase -> ``source`` phrase, how many times it was
    learned (``count``) and the (source id, copy id) pairs it was learned from, sorted
    (``learned_from``; empty for swaps recorded without provenance)."""

    spun: str
    source: str
    count: int
    learned_from: tuple[tuple[str, str], ...]


@runtime_checkable
class Store(Protocol):
    """Document, signature and band-key storage. See the module docstring for the guarantees."""

    def params(self) -> dict[str, Any] | None:
        """The recorded index parameters, or ``None`` if none were recorded yet."""
        ...

    def ensure_params(self, params: dict[str, Any]) -> None:
        """Record ``params`` if none are recorded; otherwise raise ``IncompatibleIndexError``
        unless they equal the recorded ones (compared after a JSON round trip)."""
        ...

    def add(self, docs: Sequence[StoredDocument]) -> int:
        """Store the batch in one transaction and return how many documents were added. Ids
        already present (or repeated within the batch) are skipped."""
        ...

    def vector_params(self) -> dict[str, Any] | None:
        """The recorded parameters of the stored passage vectors, or ``None`` if none were
        recorded (no document was added with vectors)."""
        ...

    def ensure_vector_params(self, params: dict[str, Any]) -> None:
        """As ``ensure_params``, for the passage vectors' parameters."""
        ...

    def vectors(self) -> Iterator[tuple[str, bytes]]:
        """(id, passage vectors) of every document stored with non-empty vectors, in insertion
        order, from one consistent snapshot."""
        ...

    def remove(self, ids: Sequence[str]) -> int:
        """Remove these documents and their band keys in one transaction; unknown ids are
        ignored. Returns how many were removed."""
        ...

    def get(self, id: str) -> StoredDocument | None:
        """The stored document, or ``None``."""
        ...

    def contains(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored."""
        ...

    def candidates(
        self, band_keys: Sequence[int], *, limit: int = CANDIDATES_LIMIT, max_bucket: int = MAX_BUCKET,
        exclude: str | None = None,
    ) -> CandidateQuery:
        """Up to ``limit`` documents sharing at least one of ``band_keys``, most shared (distinct)
        keys first, ties by id. Buckets with more than ``max_bucket`` documents are skipped and
        counted; ``exclude`` names a document never returned (the query itself)."""
        ...

    def containment_candidates(
        self, winnow_keys: Sequence[int], *, limit: int = CANDIDATES_LIMIT, max_bucket: int = MAX_BUCKET,
        exclude: str | None = None,
    ) -> CandidateQuery:
        """Up to ``limit`` documents holding at least one of ``winnow_keys`` (a query's winnowed
        hashes, ``unspin.core.winnow``), most held (distinct) keys first, ties by id: divided by
        the number of query keys, the count is the containment of the query in the document.
        Buckets and ``exclude`` as for ``candidates``."""
        ...

    def iter_ids(self) -> Iterator[str]:
        """Every stored id, in insertion order."""
        ...

    def __len__(self) -> int: ...

    def add_substitutions(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Count each (spun phrase, source phrase) pair once more, all in one transaction."""
        ...

    def substitutions(self, *, min_count: int = 1) -> list[tuple[str, str, int]]:
        """(spun, source, count) with ``count >= min_count``, most frequent first, then by text."""
        ...

    def learn_substitutions(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """For each (spun, source, source id, copy id): record that the pair of documents taught
        the swap and count the swap once more, unless that pair had taught it already (so tracing
        the same copy again changes nothing). One transaction; returns how many rows were new."""
        ...

    def learned(self, *, min_count: int = 1) -> list[LearnedSwap]:
        """The learned swaps with ``count >= min_count`` and their provenance, ordered as
        ``substitutions``."""
        ...

    def forget(self, swaps: Sequence[tuple[str, str | None]] | None) -> list[tuple[str, str]]:
        """Remove learned swaps and their provenance in one transaction: each (spun, source), or
        every swap of ``spun`` when source is ``None``; all of them for ``None``. Returns the
        (spun, source) pairs removed."""
        ...

    def info(self) -> IndexInfo:
        """Size, parameters and timestamps of the index."""
        ...

    def close(self) -> None:
        """Release the store; idempotent. Later calls raise ``StoreError``."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


# --------------------------------------------------------------------------------------------
# Helpers shared by the implementations (pure functions).


def normalize_params(params: dict[str, Any]) -> dict[str, Any]:
    """A JSON round-tripped copy of ``params`` (tuples become lists, non-string keys strings),
    so that what is compared is exactly what is stored. Raises ``ValueError`` if it cannot be
    serialised."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict, got {type(params).__name__}")
    try:
        return cast("dict[str, Any]", json.loads(encode_json(params)))  # a dict encodes as a JSON object
    except (TypeError, ValueError) as e:
        raise ValueError(f"index params must be JSON-serialisable: {e}") from None


def check_params(where: str, stored: dict[str, Any], wanted: dict[str, Any]) -> None:
    """Raise ``IncompatibleIndexError`` naming every differing parameter unless equal."""
    if stored == wanted:
        return
    missing = object()
    diffs = []
    for key in sorted(set(stored) | set(wanted)):
        a, b = stored.get(key, missing), wanted.get(key, missing)
        if a != b:
            shown_a = "(unset)" if a is missing else json.dumps(a)
            shown_b = "(unset)" if b is missing else json.dumps(b)
            diffs.append(f"{key}: index has {shown_a}, asked for {shown_b}")
    raise IncompatibleIndexError(
        f"{where} was built with {format_params(stored)}; asked for {format_params(wanted)} "
        f"({'; '.join(diffs)}). Rebuild the index with the new parameters, "
        "or open it with the parameters it was built with."
    )


def format_params(params: dict[str, Any]) -> str:
    """``shingle=4, num_perm=128, ...`` in the dict's order."""
    return ", ".join(f"{k}={json.dumps(v)}" for k, v in params.items()) or "no parameters"


def encode_json(value: Any) -> str:
    """Compact JSON, UTF-8 kept, NaN refused."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def pack_keys(keys: tuple[int, ...]) -> bytes:
    """Band keys as little-endian signed 64-bit integers."""
    return struct.pack(f"<{len(keys)}q", *keys)


def unpack_keys(blob: bytes) -> tuple[int, ...]:
    """Inverse of ``pack_keys``."""
    return struct.unpack(f"<{len(blob) // 8}q", blob)


def distinct_keys(keys: Iterable[int]) -> list[int]:
    """Keys without repeats, first occurrence order."""
    return list(dict.fromkeys(keys))


def check_learned_rows(rows: Iterable[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """The distinct (spun, source, source id, copy id) rows, in order; ``TypeError`` unless each
    is four strings."""
    out: dict[tuple[str, str, str, str], None] = {}
    for row in rows:
        if not isinstance(row, tuple) or len(row) != 4 or not all(isinstance(x, str) for x in row):
            raise TypeError(f"learned rows must be (spun, source, source_id, copy_id) strings, got {row!r}")
        out[row] = None
    return list(out)


def rank_shared(shared: Iterable[tuple[str, int]], *, limit: int, exclude: str | None = None) -> list[tuple[str, int]]:
    """The candidates a query gets from ``Store.candidates`` and ``Store.containment_candidates``:
    of the (document id, distinct query keys held) pairs, at most ``limit``, most keys first,
    ties by id (code-point order), without ``exclude``. Ids must be distinct. Pure: the memory
    store ranks with it, and so does the Spark engine. ``ValueError`` for a ``limit`` below 1."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return heapq.nsmallest(limit, ((i, n) for i, n in shared if i != exclude), key=lambda kv: (-kv[1], kv[0]))


def check_candidate_options(limit: int, max_bucket: int) -> None:
    """Raise ``ValueError`` for a non-positive ``limit`` or ``max_bucket``."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if max_bucket < 1:
        raise ValueError(f"max_bucket must be at least 1, got {max_bucket}")
