"""The on-disk index: one SQLite file in WAL mode.

Layout (storage format 2)::

    meta(key TEXT PRIMARY KEY, value TEXT)            format_version, params (JSON), created, updated
    docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, signature BLOB NOT NULL,
         bands BLOB NOT NULL, winnow BLOB NOT NULL, meta TEXT, text TEXT NOT NULL)
    lsh(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID
    substitutions(spun TEXT, source TEXT, count INTEGER, PRIMARY KEY(spun, source)) WITHOUT ROWID
    learned_from(spun TEXT, source TEXT, source_id TEXT, copy_id TEXT,
                 PRIMARY KEY(spun, source, source_id, copy_id)) WITHOUT ROWID

    passages(doc INTEGER PRIMARY KEY, vectors BLOB NOT NULL)

``passages`` holds the passage vectors of the documents added with the semantic path on
(``unspin.core.semantic``; ``doc`` is ``docs.rowid``), their parameters in ``meta``
(``vector_params``). Indexes written before it existed get the (empty) table the first time
they are opened for writing; opened read-only, they have no vectors.

``learned_from`` is the provenance of learned substitutions: the (source, copy) document pairs
each swap was learned from. Indexes written before it existed get the (empty) table the first
time they are opened for writing; opened read-only, they list their swaps without provenance.

``lsh.doc`` is ``docs.rowid`` (a small integer, so a bucket entry costs about 20 bytes).
``docs.bands`` keeps a document's band keys (little-endian int64) in their original order: it
is what ``get`` returns and what ``remove`` uses to delete the document's ``lsh`` rows through
the primary key, so ``lsh`` needs no second index on ``doc``. ``docs.winnow`` does the same for
the document's winnow keys (``unspin.core.winnow``), which ``lsh`` holds beside its band keys.
``text`` is the last column so that the small fixed-size fields sit in the row's first page and
long texts overflow alone.
Pages are 16 KiB, so that a page holds several article-sized rows. Row ids are assigned by
``add`` (one past the largest) so that band keys go in without a lookup, sorted by key. The
file carries SQLite's ``application_id`` 0x756E7370 ("unsp") so that other databases are
recognised and refused.

Concurrency: WAL journal mode lets any number of readers (threads or processes, each with its
own ``SQLiteStore``) read a consistent snapshot while one writer adds; writers queue for up to
``timeout`` seconds. Every write is one transaction, so a process killed at any point leaves the
file with whole batches only (``synchronous=NORMAL``: a power loss may drop the last commits but
never corrupts the file).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np

from unspin.store.base import (
    CANDIDATES_LIMIT,
    MAX_BUCKET,
    STORE_FORMAT_VERSION,
    Candidate,
    CandidateQuery,
    IncompatibleIndexError,
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
    pack_keys,
    unpack_keys,
)

APPLICATION_ID = 0x756E7370  # "unsp"
_CHUNK = 500  # ids per IN (...) list
_MAX_QUERY_KEYS = 30_000  # SQLite's default limit on bound parameters is 32,766
#: Bytes the write-ahead log is truncated to after a checkpoint: a large ``add`` can grow it to
#: gigabytes, which SQLite otherwise keeps on disk (https://www.sqlite.org/pragma.html#pragma_journal_size_limit);
#: 64 MiB is small beside a corpus index and holds an ordinary batch, so the log is not regrown
#: after every checkpoint.
_WAL_SIZE_LIMIT = 64 * 1024 * 1024
_I64_MIN = -(1 << 63)

_LEARNED_FROM = ("CREATE TABLE IF NOT EXISTS learned_from(spun TEXT NOT NULL, source TEXT NOT NULL,"
                 " source_id TEXT NOT NULL, copy_id TEXT NOT NULL,"
                 " PRIMARY KEY(spun, source, source_id, copy_id)) WITHOUT ROWID")
_PASSAGES = "CREATE TABLE IF NOT EXISTS passages(doc INTEGER PRIMARY KEY, vectors BLOB NOT NULL)"
_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, signature BLOB NOT NULL,"
    " bands BLOB NOT NULL, winnow BLOB NOT NULL DEFAULT x'', meta TEXT, text TEXT NOT NULL)",
    "CREATE TABLE lsh(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID",
    "CREATE TABLE substitutions(spun TEXT NOT NULL, source TEXT NOT NULL, count INTEGER NOT NULL,"
    " PRIMARY KEY(spun, source)) WITHOUT ROWID",
    _LEARNED_FROM,
    _PASSAGES,
)


class _NeedsImmutable(Exception):
    """Internal: retry a read-only open with ``immutable=1``."""


# Rows per multi-row INSERT of band keys: one statement binds 2 x this many parameters (well
# under SQLite's limit) and is several times faster than a statement per row.
_ROWS_PER_INSERT = 100
_INSERT_LSH = "INSERT INTO lsh(key, doc) VALUES " + ",".join(["(?, ?)"] * _ROWS_PER_INSERT)


def _insert_pairs(c: sqlite3.Connection, flat: list[int]) -> None:
    """Insert (key, doc) rows given flattened as ``[key0, doc0, key1, doc1, ...]``."""
    step = 2 * _ROWS_PER_INSERT
    full = len(flat) // step * step
    c.executemany(_INSERT_LSH, (flat[i : i + step] for i in range(0, full, step)))
    if full < len(flat):
        rest = (len(flat) - full) // 2
        c.execute("INSERT INTO lsh(key, doc) VALUES " + ",".join(["(?, ?)"] * rest), flat[full:])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class SQLiteStore:
    """A ``Store`` in one SQLite file, created on first open (unless ``read_only``).

    ``read_only=True`` opens the file with ``mode=ro``; every write then raises ``StoreError``
    ("index opened read-only") before touching the file. Opening a file that is not an unspin
    index (another SQLite database, or not SQLite at all) raises ``StoreError`` naming the file;
    an index written by a newer storage format raises ``IncompatibleIndexError``. ``timeout``
    is how long a write waits for another process's write to finish before ``StoreError``;
    ``cache_mib`` bounds the page cache of this connection (a transaction larger than the cache
    spills to the -wal file; it is still committed or rolled back as a whole).

    One object may be shared by threads (calls are serialised by a lock); for parallel reads,
    open one ``SQLiteStore`` per thread or process.
    """

    def __init__(
        self, path: str | Path, *, read_only: bool = False, timeout: float = 30.0, cache_mib: float = 64
    ) -> None:
        self.path = Path(path)
        self._cache_kib = max(1, int(cache_mib * 1024))
        self.read_only = read_only
        self._lock = threading.RLock()
        self._closed = False
        self._conn = self._connect(timeout)
        try:
            try:
                self._open_or_create()
            except _NeedsImmutable:
                # A WAL index in a directory we cannot write (read-only mount, other owner): SQLite
                # cannot create the shared-memory file. With no -wal file nobody is writing, so the
                # database file alone is the whole index and may be opened as immutable.
                self._conn.close()
                self._conn = self._connect(timeout, immutable=True)
                self._open_or_create()
        except BaseException:
            self._conn.close()
            raise

    # -- opening ----------------------------------------------------------------------------

    def _connect(self, timeout: float, *, immutable: bool = False) -> sqlite3.Connection:
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not an unspin index")
        if self.read_only:
            if not self.path.is_file():
                raise StoreError(f"no unspin index at {self.path} (file not found)")
            target, uri = self.path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro"), True
        else:
            target, uri = str(self.path), False
        self._immutable = immutable
        try:
            return sqlite3.connect(target, uri=uri, timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open index {self.path}: {e}") from e

    def _open_or_create(self) -> None:
        c = self._conn
        try:
            app_id, tables = self._identity()
        except sqlite3.DatabaseError as e:
            if getattr(e, "sqlite_errorname", "") == "SQLITE_NOTADB":
                raise StoreError(f"{self.path} is not an unspin index: it is not a SQLite database") from None
            wal = self.path.with_name(self.path.name + "-wal")
            if self.read_only and not self._immutable and not wal.exists():
                raise _NeedsImmutable from e
            raise StoreError(f"cannot open index {self.path}: {e}") from e
        if app_id == 0 and not tables:
            if self.read_only:
                raise StoreError(f"{self.path} is an empty SQLite database, not an unspin index")
            self._create()
        elif app_id != APPLICATION_ID:
            listed = ", ".join(sorted(tables)[:8]) or "none"
            raise StoreError(
                f"{self.path} is a SQLite database but not an unspin index "
                f"(application_id {app_id:#x}, tables: {listed})"
            )
        self._check_format()
        try:
            if not self.read_only:
                c.execute(_LEARNED_FROM)  # indexes written before provenance was kept
                c.execute(_PASSAGES)  # indexes written before passage vectors were kept
                c.execute("PRAGMA journal_mode=WAL")
                c.execute("PRAGMA synchronous=NORMAL")
                c.execute(f"PRAGMA journal_size_limit={_WAL_SIZE_LIMIT}")
            c.execute(f"PRAGMA cache_size=-{self._cache_kib}")  # allocated on demand
        except sqlite3.Error as e:
            raise StoreError(f"cannot open index {self.path}: {e}") from e

    def _identity(self) -> tuple[int, list[str]]:
        app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
        tables = [r[0] for r in self._conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        return app_id, tables

    def _create(self) -> None:
        c = self._conn
        try:
            # 16 KiB pages hold several article-sized rows each (4 KiB pages held one and wasted
            # the rest); persistent, and must be set before the first table.
            c.execute("PRAGMA page_size=16384")
            c.execute("PRAGMA journal_mode=WAL")  # persistent; must be set outside a transaction
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise StoreError(f"cannot create index {self.path}: {e}") from e
        try:
            app_id, tables = self._identity()
            if app_id == 0 and not tables:  # nobody created it while we waited for the lock
                c.execute(f"PRAGMA application_id={APPLICATION_ID}")
                for stmt in _SCHEMA:
                    c.execute(stmt)
                now = _now()
                c.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [("format_version", str(STORE_FORMAT_VERSION)), ("created", now), ("updated", now)],
                )
            c.execute("COMMIT")
        except BaseException as e:
            if c.in_transaction:
                c.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                raise StoreError(f"cannot create index {self.path}: {e}") from e
            raise

    def _check_format(self) -> None:
        try:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
        except sqlite3.Error:
            row = None
        try:
            version = int(row[0]) if row else None
        except ValueError:
            version = None
        if version is None:
            raise StoreError(f"{self.path} is not a valid unspin index (no storage format version)")
        if version != STORE_FORMAT_VERSION:
            hint = "upgrade unspin to open it" if version > STORE_FORMAT_VERSION else "rebuild the index"
            raise IncompatibleIndexError(
                f"{self.path} uses index storage format {version}, but this version of unspin reads "
                f"format {STORE_FORMAT_VERSION}; {hint}"
            )

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed if the block finishes, rolled back otherwise."""
        with self._lock:
            self._check_open()
            if self.read_only:
                raise StoreError(f"index opened read-only: {self.path}")
            c = self._conn
            try:
                c.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise StoreError(f"cannot write to index {self.path}: {e}") from e
            try:
                yield c
                c.execute("COMMIT")
            except BaseException as e:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise StoreError(f"write to index {self.path} failed: {e}") from e
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query in the block sees the same snapshot."""
        with self._lock:
            self._check_open()
            c = self._conn
            try:
                c.execute("BEGIN")
                try:
                    yield c
                finally:
                    if c.in_transaction:
                        c.execute("COMMIT")
            except sqlite3.Error as e:
                raise StoreError(f"read from index {self.path} failed: {e}") from e

    def _touch(self, c: sqlite3.Connection) -> None:
        c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('updated', ?)", (_now(),))

    # -- parameters -------------------------------------------------------------------------

    def params(self) -> dict[str, Any] | None:
        """The recorded index parameters, or ``None``."""
        with self._read() as c:
            return self._params(c)

    @staticmethod
    def _params(c: sqlite3.Connection) -> dict[str, Any] | None:
        row = c.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        return None if row is None else json.loads(row[0])

    def ensure_params(self, params: dict[str, Any]) -> None:
        """Record ``params`` if none are recorded (atomically, even with several writers), else
        raise ``IncompatibleIndexError`` naming each difference. A read-only index with no
        recorded params raises ``StoreError``."""
        wanted = normalize_params(params)
        stored = self.params()
        if stored is not None:
            check_params(f"index {self.path}", stored, wanted)
            return
        with self._write() as c:
            stored = self._params(c)
            if stored is None:
                c.execute("INSERT INTO meta(key, value) VALUES ('params', ?)", (encode_json(wanted),))
                self._touch(c)
        if stored is not None:
            check_params(f"index {self.path}", stored, wanted)

    def vector_params(self) -> dict[str, Any] | None:
        """The recorded parameters of the passage vectors, or ``None``."""
        with self._read() as c:
            row = c.execute("SELECT value FROM meta WHERE key = 'vector_params'").fetchone()
        return None if row is None else json.loads(row[0])

    def ensure_vector_params(self, params: dict[str, Any]) -> None:
        """As ``ensure_params``, for the passage vectors (recorded atomically)."""
        wanted = normalize_params(params)
        stored = self.vector_params()
        if stored is None:
            with self._write() as c:
                row = c.execute("SELECT value FROM meta WHERE key = 'vector_params'").fetchone()
                if row is None:
                    c.execute("INSERT INTO meta(key, value) VALUES ('vector_params', ?)", (encode_json(wanted),))
                    self._touch(c)
                    return
                stored = json.loads(row[0])
        check_params(f"the passage vectors of index {self.path}", stored, wanted)

    def vectors(self) -> Iterator[tuple[str, bytes]]:
        """(id, passage vectors) of the documents stored with vectors, in insertion order, read
        in one snapshot (all rows are fetched before the first is yielded)."""
        with self._read() as c:
            if c.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'passages'").fetchone() is None:
                return
            rows = c.execute("SELECT d.id, p.vectors FROM passages AS p JOIN docs AS d ON d.rowid = p.doc"
                             " ORDER BY p.doc").fetchall()
        for doc_id, blob in rows:
            yield doc_id, bytes(blob)

    # -- documents --------------------------------------------------------------------------

    def add(self, docs: Sequence[StoredDocument]) -> int:
        """Add the documents whose ids are new, in one transaction (a kill mid-way leaves none
        of the batch). Ids present already or repeated in the batch are skipped. Returns how
        many were added."""
        rows: dict[str, tuple[str, bytes, bytes, str | None, str, bytes]] = {}
        keys: dict[str, list[int]] = {}
        vectors: dict[str, bytes] = {}
        for d in docs:
            if not isinstance(d, StoredDocument):
                raise TypeError(f"expected StoredDocument, got {type(d).__name__}")
            if d.id in rows:
                continue
            try:
                meta = None if d.meta is None else encode_json(d.meta)
            except (TypeError, ValueError) as e:
                raise ValueError(f"document {d.id!r}: meta is not JSON-serialisable: {e}") from None
            rows[d.id] = (d.id, d.signature, pack_keys(d.band_keys), meta, d.text, pack_keys(d.winnow_keys))
            keys[d.id] = distinct_keys(d.band_keys + d.winnow_keys)
            if d.vectors:
                vectors[d.id] = d.vectors
        if not rows:
            self._check_writable()
            return 0
        with self._write() as c:
            present = self._present(c, list(rows))
            new = [r for id_, r in rows.items() if id_ not in present]
            if not new:
                return 0
            # Row ids are assigned here so that no lookup is needed before the band keys go in.
            base = c.execute("SELECT COALESCE(MAX(rowid), 0) FROM docs").fetchone()[0] + 1
            c.executemany("INSERT INTO docs(rowid, id, signature, bands, meta, text, winnow)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)",
                          ((base + j, *r) for j, r in enumerate(new)))
            counts = [len(keys[r[0]]) for r in new]
            if sum(counts):
                key_arr = np.fromiter((k for r in new for k in keys[r[0]]), dtype=np.int64, count=sum(counts))
                doc_arr = np.repeat(np.arange(base, base + len(new), dtype=np.int64), counts)
                order = np.lexsort((doc_arr, key_arr))
                # In key order: each B-tree page is visited once per batch instead of at random.
                _insert_pairs(c, np.stack([key_arr[order], doc_arr[order]], axis=1).ravel().tolist())
            with_vectors = [(base + j, vectors[r[0]]) for j, r in enumerate(new) if r[0] in vectors]
            # Row ids past the largest one belong to no document: passages left there by a writer
            # that removed documents without knowing the table (an older unspin) are stale.
            c.execute("DELETE FROM passages WHERE doc >= ?", (base,))
            if with_vectors:
                c.executemany("INSERT INTO passages(doc, vectors) VALUES (?, ?)", with_vectors)
            self._touch(c)
            return len(new)

    def remove(self, ids: Sequence[str]) -> int:
        """Remove the documents and their band keys in one transaction; unknown ids are
        ignored. Returns how many were removed."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            self._check_writable()
            return 0
        with self._write() as c:
            found: list[tuple[int, bytes, bytes]] = []
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                found += c.execute(f"SELECT rowid, bands, winnow FROM docs WHERE id IN ({marks})", chunk).fetchall()
            if not found:
                return 0
            c.executemany(
                "DELETE FROM lsh WHERE key = ? AND doc = ?",
                sorted((k, rowid) for rowid, bands, winnow in found
                       for k in distinct_keys(unpack_keys(bands) + unpack_keys(winnow))),
            )
            c.executemany("DELETE FROM docs WHERE rowid = ?", ((rowid,) for rowid, _b, _w in found))
            c.executemany("DELETE FROM passages WHERE doc = ?", ((rowid,) for rowid, _b, _w in found))
            self._touch(c)
            return len(found)

    def get(self, id: str) -> StoredDocument | None:
        """The stored document, or ``None``."""
        with self._read() as c:
            row = c.execute("SELECT id, text, signature, bands, meta, winnow FROM docs WHERE id = ?", (id,)).fetchone()
        if row is None:
            return None
        id_, text, sig, bands, meta, winnow = row
        return StoredDocument(id_, text, bytes(sig), unpack_keys(bands), None if meta is None else json.loads(meta),
                              unpack_keys(winnow))

    def contains(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored."""
        with self._read() as c:
            return self._present(c, list(dict.fromkeys(ids)))

    @staticmethod
    def _present(c: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
        out: set[str] = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in c.execute(f"SELECT id FROM docs WHERE id IN ({marks})", chunk))
        return out

    @staticmethod
    def _rowids(c: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            out.update((r[1], r[0]) for r in c.execute(f"SELECT rowid, id FROM docs WHERE id IN ({marks})", chunk))
        return out

    def candidates(
        self, band_keys: Sequence[int], *, limit: int = CANDIDATES_LIMIT, max_bucket: int = MAX_BUCKET,
        exclude: str | None = None,
    ) -> CandidateQuery:
        """Up to ``limit`` documents sharing at least one of ``band_keys``, most shared distinct
        keys first, ties by id; buckets holding more than ``max_bucket`` documents (including
        ``exclude``) are skipped and counted. Reads one consistent snapshot. Cost: one primary-key
        range scan of at most ``max_bucket + 1`` rows per key, then one grouped scan of the kept
        buckets."""
        check_candidate_options(limit, max_bucket)
        keys = distinct_keys(band_keys)
        if len(keys) > _MAX_QUERY_KEYS:
            raise ValueError(f"at most {_MAX_QUERY_KEYS} distinct band keys per query, got {len(keys)}")
        kept: list[int] = []
        skipped = 0
        with self._read() as c:
            for k in keys:
                (size,) = c.execute(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM lsh WHERE key = ? LIMIT ?)", (k, max_bucket + 1)
                ).fetchone()
                if size > max_bucket:
                    skipped += 1
                elif size:
                    kept.append(k)
            if not kept:
                return CandidateQuery((), skipped)
            marks = ",".join("?" * len(kept))
            rows = c.execute(
                "SELECT d.id, g.n FROM (SELECT doc, COUNT(*) AS n FROM lsh"
                f" WHERE key IN ({marks}) GROUP BY doc) AS g JOIN docs AS d ON d.rowid = g.doc"
                " WHERE d.id IS NOT ? ORDER BY g.n DESC, d.id LIMIT ?",
                (*kept, exclude, limit),
            ).fetchall()
        return CandidateQuery(tuple(Candidate(i, n) for i, n in rows), skipped)

    def containment_candidates(
        self, winnow_keys: Sequence[int], *, limit: int = CANDIDATES_LIMIT, max_bucket: int = MAX_BUCKET,
        exclude: str | None = None,
    ) -> CandidateQuery:
        """Documents holding the query's winnow keys, most held first; see ``Store``. Winnow keys
        live in the ``lsh`` table beside band keys (hashes of another family: collisions are as
        unlikely as between two band keys) and in ``docs.winnow``, so add and remove treat both alike."""
        return self.candidates(winnow_keys, limit=limit, max_bucket=max_bucket, exclude=exclude)

    def iter_ids(self) -> Iterator[str]:
        """Every stored id in insertion order, read in pages (no transaction is held between
        pages, so documents added meanwhile may or may not appear; none appears twice)."""
        last = _I64_MIN
        while True:
            with self._read() as c:
                rows = c.execute(
                    "SELECT rowid, id FROM docs WHERE rowid > ? ORDER BY rowid LIMIT 1000", (last,)
                ).fetchall()
            if not rows:
                return
            for _, id_ in rows:
                yield id_
            last = rows[-1][0]

    def __len__(self) -> int:
        with self._read() as c:
            return int(c.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    # -- substitutions ----------------------------------------------------------------------

    def add_substitutions(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Count each (spun phrase, source phrase) pair once more, in one transaction."""
        batch: Counter[tuple[str, str]] = Counter()
        for spun, source in pairs:
            if not isinstance(spun, str) or not isinstance(source, str):
                raise TypeError(f"substitution pairs must be (str, str), got ({spun!r}, {source!r})")
            batch[spun, source] += 1
        if not batch:
            self._check_writable()
            return
        with self._write() as c:
            c.executemany(
                'INSERT INTO substitutions(spun, source, "count") VALUES (?, ?, ?)'
                ' ON CONFLICT(spun, source) DO UPDATE SET "count" = "count" + excluded."count"',
                ((s, o, n) for (s, o), n in batch.items()),
            )
            self._touch(c)

    def substitutions(self, *, min_count: int = 1) -> list[tuple[str, str, int]]:
        """(spun, source, count) with ``count >= min_count``, most frequent first, then by text."""
        with self._read() as c:
            return c.execute(
                'SELECT spun, source, "count" FROM substitutions WHERE "count" >= ?'
                ' ORDER BY "count" DESC, spun, source',
                (min_count,),
            ).fetchall()

    def learn_substitutions(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """Record each (spun, source, source id, copy id) and count the swap once more, unless
        that pair taught it already; one transaction. Returns how many rows were new."""
        batch = check_learned_rows(rows)
        if not batch:
            self._check_writable()
            return 0
        new = 0
        with self._write() as c:
            for spun, source, source_id, copy_id in batch:
                cur = c.execute("INSERT OR IGNORE INTO learned_from(spun, source, source_id, copy_id)"
                                " VALUES (?, ?, ?, ?)", (spun, source, source_id, copy_id))
                if cur.rowcount:
                    new += 1
                    c.execute('INSERT INTO substitutions(spun, source, "count") VALUES (?, ?, 1)'
                              ' ON CONFLICT(spun, source) DO UPDATE SET "count" = "count" + 1', (spun, source))
            if new:
                self._touch(c)
        return new

    def learned(self, *, min_count: int = 1) -> list[LearnedSwap]:
        """Learned swaps with their provenance (none for an index written before provenance was
        kept), ordered as ``substitutions``; one snapshot."""
        with self._read() as c:
            rows = c.execute('SELECT spun, source, "count" FROM substitutions WHERE "count" >= ?'
                             ' ORDER BY "count" DESC, spun, source', (min_count,)).fetchall()
            has_table = c.execute("SELECT 1 FROM sqlite_schema WHERE name = 'learned_from'").fetchone()
            origins: dict[tuple[str, str], list[tuple[str, str]]] = {}
            if has_table:
                for spun, source, source_id, copy_id in c.execute(
                        "SELECT spun, source, source_id, copy_id FROM learned_from"):
                    origins.setdefault((spun, source), []).append((source_id, copy_id))
        return [LearnedSwap(s, o, n, tuple(origins.get((s, o), ()))) for s, o, n in rows]

    def forget(self, swaps: Sequence[tuple[str, str | None]] | None) -> list[tuple[str, str]]:
        """Remove the given learned swaps (source ``None``: every swap of that spun phrase; ``None``:
        all) and their provenance, in one transaction. Returns the (spun, source) pairs removed."""
        with self._write() as c:
            if swaps is None:
                gone = c.execute("SELECT spun, source FROM substitutions ORDER BY spun, source").fetchall()
            else:
                found: set[tuple[str, str]] = set()
                for spun, source in swaps:
                    found.update(c.execute("SELECT spun, source FROM substitutions WHERE spun = ?"
                                           " AND (? IS NULL OR source = ?)", (spun, source, source)).fetchall())
                gone = sorted(found)
            c.executemany("DELETE FROM substitutions WHERE spun = ? AND source = ?", gone)
            c.executemany("DELETE FROM learned_from WHERE spun = ? AND source = ?", gone)
            if gone:
                self._touch(c)
        return [(spun, source) for spun, source in gone]

    # -- housekeeping -----------------------------------------------------------------------

    def info(self) -> IndexInfo:
        """Counts, parameters and timestamps from one snapshot. ``size_bytes`` is the database's
        page count times page size (the index's size once checkpointed, free pages included)."""
        with self._read() as c:
            meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
            (docs,) = c.execute("SELECT COUNT(*) FROM docs").fetchone()
            (subs,) = c.execute("SELECT COUNT(*) FROM substitutions").fetchone()
            (pages,) = c.execute("PRAGMA page_count").fetchone()
            (page_size,) = c.execute("PRAGMA page_size").fetchone()
        return IndexInfo(
            path=str(self.path),
            documents=docs,
            size_bytes=pages * page_size,
            params=json.loads(meta["params"]) if "params" in meta else {},
            format_version=int(meta["format_version"]),
            substitutions=subs,
            created=meta.get("created", ""),
            updated=meta.get("updated", ""),
        )

    def close(self) -> None:
        """Close the connection; idempotent. Later calls raise ``StoreError``."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"SQLiteStore({str(self.path)!r}{mode}{', closed' if self._closed else ''})"

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"store {self.path} is closed")

    def _check_writable(self) -> None:
        self._check_open()
        if self.read_only:
            raise StoreError(f"index opened read-only: {self.path}")
