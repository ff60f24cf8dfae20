"""Tests for unspin.store: both stores through the shared protocol, then SQLite specifics (real
files in tmp_path, real subprocesses killed with SIGKILL, real concurrent readers; no mocks)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

import unspin
from unspin.store import (
    STORE_FORMAT_VERSION,
    Candidate,
    IncompatibleIndexError,
    LearnedSwap,
    MemoryStore,
    SQLiteStore,
    Store,
    StoredDocument,
    StoreError,
    open_store,
)
from unspin.store.base import unpack_keys

SRC = str(Path(unspin.__file__).resolve().parent.parent)
PARAMS = {"shingle": 4, "num_perm": 128, "bands": 32, "seed": 1, "format_version": 1}

# Synthetic batches, defined once as source so that the subprocesses build exactly the same ones.
SYNTH = """
import random
from unspin.store import StoredDocument

BATCH = 50


def synth_batch(b):
    rng = random.Random(b)
    return [
        StoredDocument(
            f"b{b:05d}-{i:03d}",
            "spun words " * 20,
            rng.randbytes(512),
            tuple(rng.randrange(-(1 << 63), 1 << 63) for _ in range(32)),
            {"batch": b},
        )
        for i in range(BATCH)
    ]
"""
_synth: dict[str, object] = {}
exec(SYNTH, _synth)
BATCH: int = _synth["BATCH"]  # type: ignore[assignment]
synth_batch = _synth["synth_batch"]


def doc(id: str, keys: tuple[int, ...] = (), *, text: str = "", meta: dict | None = None) -> StoredDocument:
    return StoredDocument(id, text or f"text of {id}", id.encode().ljust(16, b"\0"), keys, meta)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "index.db")
    yield s
    s.close()


def run_python(code: str, *args: str, **popen: object) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, **popen)  # type: ignore[call-overload]


# --------------------------------------------------------------------------------------------
# Shared behaviour


def test_both_stores_satisfy_the_protocol(store: Store) -> None:
    assert isinstance(store, Store)


def test_add_get_contains_remove(store: Store) -> None:
    docs = [doc("a", (1, 2, 3), meta={"url": "https://x/a", "n": [1, 2]}), doc("b", (3, 4)), doc("c", (5,))]
    assert store.add(docs) == 3
    assert len(store) == 3
    assert store.get("a") == docs[0]
    assert store.get("zz") is None
    assert store.contains(["a", "c", "zz", "a"]) == {"a", "c"}
    assert store.remove(["a", "zz", "a"]) == 1
    assert store.get("a") is None
    assert store.contains(["a", "b"]) == {"b"}
    assert len(store) == 2
    assert store.remove([]) == 0
    assert store.remove(["a"]) == 0


def test_get_round_trips_exactly_and_copies_meta(store: Store) -> None:
    meta = {"source": "crawl", "tags": ["x", "ü"], "score": 0.5}
    keys = (7, -(1 << 63), (1 << 63) - 1, 7, 0)  # order and repeats kept
    original = StoredDocument("doc/1 ü", "héllo\nworld", bytearray(b"\x00\xff" * 256), keys, meta)
    store.add([original])
    got = store.get("doc/1 ü")
    assert got == original
    assert got is not None and got.signature == b"\x00\xff" * 256 and isinstance(got.signature, bytes)
    assert got.band_keys == keys
    assert got.meta is not meta
    meta["score"] = 1.0  # mutating the caller's dict does not reach the store
    assert store.get("doc/1 ü").meta["score"] == 0.5  # type: ignore[union-attr]


def test_adding_the_same_batch_twice_adds_nothing_the_second_time(store: Store) -> None:
    batch = [doc(f"d{i}", (i, i + 100)) for i in range(10)]
    assert store.add(batch) == 10
    assert store.add(batch) == 0
    assert store.add([*batch[:5], doc("new", (1,)), doc("new", (2,))]) == 1  # repeats in a batch: first wins
    assert len(store) == 11
    assert store.get("new").band_keys == (1,)  # type: ignore[union-attr]
    assert sorted(store.iter_ids()) == sorted([*(f"d{i}" for i in range(10)), "new"])
    # the repeated adds did not duplicate band keys either
    assert store.candidates([3]).candidates == (Candidate("d3", 1),)


def test_a_batch_with_a_bad_document_adds_nothing(store: Store) -> None:
    with pytest.raises(ValueError, match="meta is not JSON"):
        store.add([doc("ok", (1,)), doc("bad", (2,), meta={"x": object()})])
    assert len(store) == 0
    assert store.candidates([1]).candidates == ()


def test_stored_document_validates_fields() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        StoredDocument("", "t", b"", ())
    with pytest.raises(ValueError, match="64-bit"):
        StoredDocument("a", "t", b"", (1 << 63,))
    with pytest.raises(TypeError, match="signature"):
        StoredDocument("a", "t", "not bytes", ())  # type: ignore[arg-type]
    assert StoredDocument("a", "t", b"", [1, 2]).band_keys == (1, 2)  # type: ignore[arg-type]


def test_candidates_ranked_by_shared_bands_then_id(store: Store) -> None:
    store.add(
        [
            doc("q", (1, 2, 3, 4)),
            doc("three-b", (1, 2, 3, 90)),
            doc("three-a", (2, 3, 4, 91)),
            doc("one", (4, 92)),
            doc("none", (93, 94)),
            doc("two", (1, 4, 95)),
        ]
    )
    res = store.candidates([1, 2, 3, 4, 1], exclude="q")  # repeated query keys count once
    assert res.candidates == (
        Candidate("three-a", 3),
        Candidate("three-b", 3),
        Candidate("two", 2),
        Candidate("one", 1),
    )
    assert res.skipped_buckets == 0
    assert store.candidates([1, 2, 3, 4]).candidates[0] == Candidate("q", 4)
    assert [c.id for c in store.candidates([1, 2, 3, 4], limit=2, exclude="q").candidates] == ["three-a", "three-b"]
    assert store.candidates([1, 2, 3, 4], exclude="not-there").candidates[0] == Candidate("q", 4)
    assert store.candidates([]).candidates == ()
    assert store.candidates([12345]).candidates == ()
    with pytest.raises(ValueError, match="limit"):
        store.candidates([1], limit=0)
    with pytest.raises(ValueError, match="max_bucket"):
        store.candidates([1], max_bucket=0)


def test_oversized_buckets_are_skipped_and_counted(store: Store) -> None:
    # key 0: everyone (boilerplate); key 1: 6 docs; key 2: 3 docs
    store.add([doc(f"d{i}", (0, 1 if i < 6 else 10 + i, 2 if i < 3 else 50 + i)) for i in range(20)])
    res = store.candidates([0, 1, 2], max_bucket=5)
    assert res.skipped_buckets == 2
    assert [c.id for c in res.candidates] == ["d0", "d1", "d2"]
    assert all(c.shared_bands == 1 for c in res.candidates)
    res = store.candidates([0, 1, 2], max_bucket=6, limit=4)
    assert res.skipped_buckets == 1
    assert res.candidates == (Candidate("d0", 2), Candidate("d1", 2), Candidate("d2", 2), Candidate("d3", 1))
    res = store.candidates([0], max_bucket=20)
    assert (len(res.candidates), res.skipped_buckets) == (20, 0)
    assert store.candidates([0, 1], max_bucket=1).candidates == ()


def _reference_candidates(docs: list[StoredDocument], query: list[int], *, limit: int, max_bucket: int,
                          exclude: str | None) -> tuple[list[Candidate], int]:
    """The ranking rule from its definition: buckets holding more than ``max_bucket`` documents are
    skipped (and counted), then ``store.base.rank_shared`` over the distinct keys each holds."""
    from unspin.store.base import rank_shared

    keys = set(query)
    buckets = {k: [d.id for d in docs if k in set(d.band_keys)] for k in keys}
    kept = {k for k, ids in buckets.items() if ids and len(ids) <= max_bucket}
    held = {d.id: len(kept & set(d.band_keys)) for d in docs}
    ranked = rank_shared(((i, n) for i, n in held.items() if n), limit=limit, exclude=exclude)
    return [Candidate(i, n) for i, n in ranked], sum(1 for ids in buckets.values() if len(ids) > max_bucket)


def test_every_store_ranks_candidates_by_the_one_rule(store: Store) -> None:
    """Conformance: for a table of random corpora and queries, every backend's candidates equal
    the rule computed from its definition (``rank_shared`` after skipping oversized buckets)."""
    rng = random.Random(17)
    docs = [doc(f"d{i:02d}", tuple(rng.sample(range(40), rng.randrange(1, 9)))) for i in range(60)]
    store.add(docs)
    for _case in range(200):
        query = rng.sample(range(45), rng.randrange(1, 10))
        limit, max_bucket = rng.randrange(1, 12), rng.randrange(1, 30)
        exclude = rng.choice([None, "d03", "nope"])
        got = store.candidates(query, limit=limit, max_bucket=max_bucket, exclude=exclude)
        want, skipped = _reference_candidates(docs, query, limit=limit, max_bucket=max_bucket, exclude=exclude)
        assert (list(got.candidates), got.skipped_buckets) == (want, skipped), (query, limit, max_bucket, exclude)


def test_removed_documents_leave_no_band_keys(store: Store) -> None:
    store.add([doc("a", (1, 2)), doc("b", (2, 3))])
    store.remove(["a"])
    assert store.candidates([1, 2, 3]).candidates == (Candidate("b", 2),)
    assert store.candidates([1]).candidates == ()
    store.add([doc("a", (1,))])  # re-adding a removed id works
    assert store.candidates([1, 2]).candidates == (Candidate("a", 1), Candidate("b", 1))


def test_params_are_recorded_once_and_mismatch_raises(store: Store) -> None:
    assert store.params() is None
    store.ensure_params(PARAMS)
    assert store.params() == PARAMS
    store.ensure_params(dict(reversed(list(PARAMS.items()))))  # key order does not matter
    with pytest.raises(IncompatibleIndexError) as err:
        store.ensure_params({**PARAMS, "shingle": 5, "extra": [1]})
    msg = str(err.value)
    assert "shingle=4" in msg and "num_perm=128" in msg
    assert "shingle: index has 4, asked for 5" in msg
    assert "extra: index has (unset)" in msg
    assert "rebuild" in msg.lower() and "parameters it was built with" in msg
    assert isinstance(err.value, StoreError)
    assert store.params() == PARAMS
    with pytest.raises(ValueError, match="JSON"):
        MemoryStore().ensure_params({"x": object()})


def test_substitutions_are_counted(store: Store) -> None:
    cc = ("counterfeit consciousness", "artificial intelligence")
    store.add_substitutions([cc, ("irregular timberland", "random forest")])
    store.add_substitutions(iter([cc, cc]))  # any iterable
    store.add_substitutions([])
    assert store.substitutions() == [
        ("counterfeit consciousness", "artificial intelligence", 3),
        ("irregular timberland", "random forest", 1),
    ]
    assert store.substitutions(min_count=2) == [("counterfeit consciousness", "artificial intelligence", 3)]
    assert store.substitutions(min_count=4) == []
    with pytest.raises(TypeError):
        store.add_substitutions([("a", 1)])  # type: ignore[list-item]
    assert store.info().substitutions == 2


def test_learned_swaps_keep_count_and_provenance(store: Store) -> None:
    cc = ("counterfeit consciousness", "artificial intelligence")
    assert store.learn_substitutions([(*cc, "src-1", "copy-1"), (*cc, "src-1", "copy-2")]) == 2
    assert store.learn_substitutions([(*cc, "src-1", "copy-1"), ("step", "move", "src-2", "copy-3")]) == 1
    assert store.learn_substitutions([]) == 0
    assert store.learned() == [LearnedSwap(*cc, 2, (("src-1", "copy-1"), ("src-1", "copy-2"))),
                               LearnedSwap("step", "move", 1, (("src-2", "copy-3"),))]
    assert store.learned(min_count=2) == store.learned()[:1]
    assert store.substitutions() == [(*cc, 2), ("step", "move", 1)]
    with pytest.raises(TypeError):
        store.learn_substitutions([("a", "b", "c")])  # type: ignore[list-item]


def test_forget_removes_swaps_and_their_provenance(store: Store) -> None:
    store.learn_substitutions([("she", "benning", "s", "c"), ("she", "he", "s", "c"), ("step", "move", "s", "c")])
    store.add_substitutions([("x", "y")])
    assert store.forget([("she", "benning"), ("nope", None)]) == [("she", "benning")]
    assert store.forget([("she", None)]) == [("she", "he")]
    assert [s.spun for s in store.learned()] == ["step", "x"]
    assert store.forget(None) == [("step", "move"), ("x", "y")]
    assert store.learned() == [] and store.info().substitutions == 0
    assert store.learn_substitutions([("she", "benning", "s", "c")]) == 1  # forgotten provenance is gone too


def test_an_index_without_provenance_is_migrated(tmp_path: Path) -> None:
    """An index written before ``learned_from`` existed: read-only it lists its swaps without
    provenance; opened for writing it gets the table and learns as any other."""
    path = tmp_path / "old.db"
    with SQLiteStore(path) as s:
        s.add_substitutions([("x", "y")])
    c = sqlite3.connect(path)
    c.execute("DROP TABLE learned_from")
    c.commit()
    c.close()
    with SQLiteStore(path, read_only=True) as r:
        assert r.learned() == [LearnedSwap("x", "y", 1, ())]
    with SQLiteStore(path) as s:
        assert s.learn_substitutions([("x", "y", "src", "copy")]) == 1
        assert s.learned() == [LearnedSwap("x", "y", 2, (("src", "copy"),))]


def test_info_reports_counts_params_and_timestamps(store: Store) -> None:
    info = store.info()
    assert (info.documents, info.substitutions, info.params) == (0, 0, {})
    assert info.format_version == STORE_FORMAT_VERSION
    store.ensure_params(PARAMS)
    store.add([doc(f"d{i}", (i,)) for i in range(5)])
    store.add_substitutions([("a", "b")])
    info = store.info()
    assert (info.documents, info.substitutions, info.params) == (5, 1, PARAMS)
    assert info.size_bytes > 0
    assert datetime.fromisoformat(info.created) <= datetime.fromisoformat(info.updated)
    assert info.path == (":memory:" if isinstance(store, MemoryStore) else str(store.path))  # type: ignore[attr-defined]


def test_iter_ids_in_insertion_order(store: Store) -> None:
    ids = [f"id-{random.Random(1).random()}-{i}" for i in range(2500)]  # more than one page
    store.add([doc(i) for i in ids[:1200]])
    store.add([doc(i) for i in ids[1200:]])
    assert list(store.iter_ids()) == ids


def test_closed_store_refuses_calls(store: Store) -> None:
    with store as s:
        s.add([doc("a", (1,))])
    store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        len(store)
    with pytest.raises(StoreError, match="closed"):
        store.add([doc("b")])


# --------------------------------------------------------------------------------------------
# SQLite specifics


def test_sqlite_persists_and_keeps_params(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with SQLiteStore(path) as s:
        s.ensure_params(PARAMS)
        s.add([doc("a", (1, 2), meta={"k": 1})])
        s.add_substitutions([("x", "y")])
    with SQLiteStore(path) as s:
        assert s.get("a") == doc("a", (1, 2), meta={"k": 1})
        assert s.substitutions() == [("x", "y", 1)]
        with pytest.raises(IncompatibleIndexError, match=f"index {path} was built with shingle=4"):
            s.ensure_params({**PARAMS, "num_perm": 64})


def test_sqlite_file_layout(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with SQLiteStore(path) as s:
        s.add([doc("a", (1, 2))])
    c = sqlite3.connect(path)
    try:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA application_id").fetchone()[0] == 0x756E7370
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        assert tables == {"meta", "docs", "lsh", "substitutions", "learned_from", "passages"}
        meta = dict(c.execute("SELECT key, value FROM meta"))
        assert meta["format_version"] == str(STORE_FORMAT_VERSION) and {"created", "updated"} <= set(meta)
        assert c.execute("SELECT key, doc FROM lsh ORDER BY key").fetchall() == [(1, 1), (2, 1)]
        plan = " ".join(r[-1] for r in c.execute("EXPLAIN QUERY PLAN SELECT 1 FROM lsh WHERE key = 1 LIMIT 5"))
        assert "USING PRIMARY KEY" in plan
    finally:
        c.close()


def test_read_only_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with SQLiteStore(path) as s:
        s.ensure_params(PARAMS)
        s.add([doc("a", (1,))])
    with SQLiteStore(path, read_only=True) as r:
        assert r.read_only
        assert len(r) == 1 and r.get("a") is not None and r.params() == PARAMS
        assert r.candidates([1]).candidates == (Candidate("a", 1),)
        r.ensure_params(PARAMS)  # comparing is allowed
        for write in (
            lambda: r.add([doc("b", (2,))]),
            lambda: r.add([]),
            lambda: r.remove(["a"]),
            lambda: r.add_substitutions([("x", "y")]),
        ):
            with pytest.raises(StoreError, match="index opened read-only"):
                write()
        assert len(r) == 1 and r.substitutions() == []
    with pytest.raises(StoreError, match="file not found"):
        SQLiteStore(tmp_path / "missing.db", read_only=True)
    assert not (tmp_path / "missing.db").exists()


def test_read_only_with_no_params_cannot_record_them(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "i.db").close()
    with SQLiteStore(tmp_path / "i.db", read_only=True) as r, pytest.raises(StoreError, match="read-only"):
        r.ensure_params(PARAMS)


def test_opening_a_file_that_is_not_an_index_fails_clearly(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(random.Random(0).randbytes(8192))
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n" * 50)
    other = tmp_path / "other.sqlite"
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE people(name TEXT)")
    c.commit()
    c.close()
    before = other.read_bytes()
    for path in (junk, text):
        for ro in (False, True):
            with pytest.raises(StoreError, match=f"{path} is not an unspin index: it is not a SQLite database"):
                SQLiteStore(path, read_only=ro)
    for ro in (False, True):
        with pytest.raises(StoreError, match=f"{other} is a SQLite database but not an unspin index.*people"):
            SQLiteStore(other, read_only=ro)
    assert other.read_bytes() == before  # not converted to WAL or touched otherwise
    with pytest.raises(StoreError, match="directory"):
        SQLiteStore(tmp_path)
    with pytest.raises(StoreError, match="cannot open index"):
        SQLiteStore(tmp_path / "no" / "such" / "dir.db")


def test_newer_storage_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    SQLiteStore(path).close()
    c = sqlite3.connect(path)
    c.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    c.commit()
    c.close()
    wanted = rf"storage format 99.*reads format {STORE_FORMAT_VERSION}; upgrade unspin"
    with pytest.raises(IncompatibleIndexError, match=wanted):
        SQLiteStore(path)


def test_open_store_picks_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_store(None), MemoryStore)
    assert isinstance(open_store(":memory:"), MemoryStore)
    with open_store(tmp_path / "i.db") as s:
        assert isinstance(s, SQLiteStore)


def test_size_per_document(tmp_path: Path) -> None:
    """32 band keys and a 512-byte signature per document: target under ~2 KB excluding text.
    Measured twice: with empty texts (the fixed cost) and with texts of 500-8,000 characters
    (adds B-tree page-packing slack around the texts)."""
    with SQLiteStore(tmp_path / "empty.db") as empty:
        base = empty.info().size_bytes
    rng = random.Random(3)
    synth = [d for b in range(2000 // BATCH) for d in synth_batch(b)]
    for label, lengths in (("empty texts", (0, 0)), ("texts of 500-8000 chars", (500, 8000))):
        docs = [StoredDocument(d.id, "w" * rng.randint(*lengths), d.signature, d.band_keys, d.meta) for d in synth]
        with SQLiteStore(tmp_path / f"size-{lengths[1]}.db") as s:
            for i in range(0, len(docs), 500):
                s.add(docs[i : i + 500])
            text_bytes = sum(len(d.text.encode()) for d in docs)
            per_doc = (s.info().size_bytes - base - text_bytes) / len(docs)
        print(f"\nSQLiteStore, {label}: {per_doc:.0f} bytes/document excluding text ({len(docs)} documents)")
        assert per_doc < 3000


def test_a_store_object_can_be_shared_by_threads(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "i.db") as s:
        errors: list[BaseException] = []

        def work(t: int) -> None:
            try:
                for i in range(30):
                    s.add([doc(f"t{t}-{i}", (i,))])
                    assert s.candidates([i]).candidates
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors
        assert len(s) == 120


WRITER = (
    SYNTH
    + """
import sys
import time
from unspin.store import SQLiteStore

# n < 0: forever; a tiny cache makes transactions spill uncommitted pages into the -wal file
n, pause, cache_mib = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
store = SQLiteStore(sys.argv[1], cache_mib=cache_mib)
b = 0
while n < 0 or b < n:
    store.add(synth_batch(b))
    b += 1
    if b == 1:
        print("first batch", flush=True)
    time.sleep(pause)
store.close()
"""
)


def test_many_readers_while_one_process_writes(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with SQLiteStore(path) as s:
        s.ensure_params(PARAMS)
    n_batches = 30
    first = synth_batch(0)[0]
    writer = run_python(
        WRITER, str(path), str(n_batches), "0.005", "64", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    errors: list[BaseException] = []
    seen: dict[int, list[int]] = {}

    def read(t: int) -> None:
        lengths = seen.setdefault(t, [])
        try:
            with SQLiteStore(path, read_only=t % 2 == 0) as r:
                while True:
                    done = writer.poll() is not None
                    n = len(r)
                    lengths.append(n)
                    if n:
                        hits = r.candidates(first.band_keys, limit=3).candidates
                        assert hits[0] == Candidate(first.id, 32), hits
                        got = r.get(first.id)
                        assert got is not None and got.signature == first.signature
                        assert n % BATCH == 0  # a reader never sees half a batch
                    if done:
                        return
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=read, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    _, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err.decode()
    assert not errors, errors[0]
    for lengths in seen.values():
        assert lengths == sorted(lengths)  # monotonic: each read sees a newer or equal snapshot
        assert lengths[-1] == n_batches * BATCH
    assert any(0 < n < n_batches * BATCH for lengths in seen.values() for n in lengths), "no read overlapped"


def test_sigkill_in_the_middle_of_add_leaves_whole_batches(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    writer = run_python(WRITER, str(path), "-1", "0", "0.1", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert writer.stdout is not None
        line = writer.stdout.readline()
        assert line == b"first batch\n", writer.stderr.read().decode() if writer.stderr else ""
        time.sleep(1.0)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=10)
    assert writer.returncode == -signal.SIGKILL

    with SQLiteStore(path) as s:
        n = len(s)
        c = sqlite3.connect(path)
        try:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert n == c.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
            bands = {rowid: set(unpack_keys(blob)) for rowid, blob in c.execute("SELECT rowid, bands FROM docs")}
            lsh: dict[int, set[int]] = {}
            for key, d in c.execute("SELECT key, doc FROM lsh"):
                lsh.setdefault(d, set()).add(key)
        finally:
            c.close()
        assert lsh == bands  # no orphan lsh rows, no document without its band keys
        assert n > 0 and n % BATCH == 0
        done = n // BATCH
        assert set(s.iter_ids()) == {d.id for b in range(done) for d in synth_batch(b)}

        total = done + 3
        added = sum(s.add(synth_batch(b)) for b in range(total))
        assert added == 3 * BATCH
        assert len(s) == total * BATCH
        assert len(set(s.iter_ids())) == total * BATCH
        last = synth_batch(total - 1)[-1]
        assert s.candidates(last.band_keys, limit=1).candidates == (Candidate(last.id, 32),)


def test_winnow_keys_round_trip_rank_containment_and_leave_with_their_document(store: Store) -> None:
    store.add([StoredDocument("a", "t", b"", (1, 2), None, (100, 101, 102, 103)),
               StoredDocument("b", "t", b"", (1,), None, (100, 101)),
               StoredDocument("c", "t", b"", (), None, (104,))])
    got = store.get("a")
    assert got is not None and got.band_keys == (1, 2) and got.winnow_keys == (100, 101, 102, 103)
    q = store.containment_candidates([100, 101, 102, 999], limit=5)
    assert [(c.id, c.shared_bands) for c in q.candidates] == [("a", 3), ("b", 2)]
    assert [c.id for c in store.candidates([1, 2]).candidates] == ["a", "b"]
    assert store.containment_candidates([100], limit=5, exclude="a").candidates[0].id == "b"
    store.remove(["a"])
    assert [c.id for c in store.containment_candidates([100, 102, 103], limit=5).candidates] == ["b"]
    with pytest.raises(ValueError):
        StoredDocument("x", "t", b"", (), None, (1 << 63,))
