"""The semantic path: passages, vectors in the store, nearest-neighbour candidates, the
paraphrase rule, and the engines that run or refuse it. Real word vectors (``wordllama``) and
real SQLite files; skipped with a reason when the vectors are not installed."""

from __future__ import annotations

import numpy as np
import pytest

from unspin.core.config import TraceConfig
from unspin.core.semantic import (
    SemanticParams,
    VectorTable,
    encode_passages,
    encode_texts,
    encoded_from_vectors,
    is_paraphrase,
    pack_vectors,
    passage_vectors,
    passages,
    rank_semantic,
    semantic_alignment,
    unpack_vectors,
)
from unspin.index import Index, fingerprint_documents
from unspin.lexicon.vectors import WordVectors
from unspin.store import IncompatibleIndexError, MemoryStore, SQLiteStore, StoredDocument

ORIGINAL = (
    "The city council voted on Tuesday to build a new tram line across the northern suburbs. "
    "Work on the track is expected to begin next spring and to last about three years. "
    "Supporters said the line would cut traffic on the main roads and make it easier for people to reach their jobs. "
    "Shop owners along the route are worried that the building work will keep customers away for months. "
    "The council promised to pay compensation to businesses that lose trade while the street is closed. "
    "Tickets will cost the same as a bus fare, and the trams will run every ten minutes during the day."
)
# Every sentence reworded and reordered inside: no skeleton run or content-word 3-gram survives
# in most of them, so only the semantic path finds the source.
PARAPHRASE = (
    "On Tuesday the city council voted to build a new tram line that will cross the northern suburbs. "
    "Building the track should start next spring and take roughly three years. "
    "People who back the plan said the line would reduce traffic on main roads and make it easier for people "
    "to get to work. "
    "Owners of shops on the route fear that the work will keep their customers away for months. "
    "Businesses that lose trade while the street is shut will be paid compensation, the council promised. "
    "During the day the trams will run every ten minutes, and a ticket will cost the same as a bus fare."
)
# An independent report of the same decision: same event, different sentences.
SAME_STORY = (
    "Councillors have approved plans for a tram network in the north of the city after a long debate. "
    "\"This is the biggest investment in public transport for a generation,\" said the council leader. "
    "Opponents argued that the money should have been spent on repairing roads and schools. "
    "A public inquiry last year heard more than two hundred objections from residents. "
    "The first trams are not expected to carry passengers before the end of the decade."
)
OTHER = ("The match ended in a goalless draw on a cold evening. Fans booed the referee after the final whistle. "
         "The visiting side stay top of the table on goal difference.")

SEMANTIC = TraceConfig(semantic=SemanticParams())


@pytest.fixture(scope="module")
def vectors() -> WordVectors:
    loaded = WordVectors.load()
    if loaded is None:
        pytest.skip("the wordllama package (its static word vectors) is not installed")
    return loaded


# ---------------------------------------------------------------------------- pure parts


def test_passages_blank_quotes_and_mark_quoted_sentences() -> None:
    text = ('The coach told reporters after the long meeting on Monday that "we will win". '
            '"We are ready," she said. Rain.')
    found = passages(text)
    assert [text[p.start : p.end] for p in found] == [
        'The coach told reporters after the long meeting on Monday that "we will win".', '"We are ready," she said.',
        "Rain."]
    assert "win" not in found[0].text and found[0].text.startswith("The coach told") and not found[0].quoted
    assert found[1].quoted and not found[2].quoted  # half or more of its characters are quoted
    assert [p.words for p in found] == [14, 5, 1]


def test_vectors_round_trip_as_float16() -> None:
    rows = np.random.default_rng(1).normal(size=(3, 8)).astype(np.float32)
    back = unpack_vectors(pack_vectors(rows), 8)
    assert back.dtype == np.float16 and back.shape == (3, 8)
    np.testing.assert_array_equal(back, rows.astype(np.float16))
    assert len(pack_vectors(rows)) == 3 * 8 * 2
    with pytest.raises(ValueError, match="whole rows"):
        unpack_vectors(b"\x00" * 10, 8)


def test_rank_semantic_is_exact_and_ordered() -> None:
    eye = np.eye(4, dtype=np.float32)
    table = VectorTable.from_blobs([("a", pack_vectors(eye[:2])), ("b", pack_vectors(eye[2:3])),
                                    ("empty", b""), ("c", pack_vectors(eye[1:2]))], 4)
    assert table.ids == ("a", "b", "c") and len(table) == 4
    np.testing.assert_array_equal(table.vectors_of("a"), eye[:2])
    assert table.vectors_of("empty") is None
    query = eye[[0, 1]]
    # "a" holds both query passages (1 + 1), "c" one of them (1), "b" none above the floor.
    assert rank_semantic(query, table) == [("a", 2.0), ("c", 1.0)]
    assert rank_semantic(query, table, exclude="a") == [("c", 1.0)]
    assert rank_semantic(query, table, params=SemanticParams(limit=1)) == [("a", 2.0)]
    assert rank_semantic(np.zeros((0, 4), dtype=np.float32), table) == []


def test_semantic_params_are_checked() -> None:
    with pytest.raises(ValueError, match=r"semantic\.min_sentences"):
        SemanticParams(min_sentences=0)
    with pytest.raises(ValueError, match=r"semantic\.sentence_similarity"):
        SemanticParams(sentence_similarity=1.5)


def test_trace_config_carries_the_semantic_path() -> None:
    assert TraceConfig().semantic is None and TraceConfig().to_dict()["semantic"] is None
    cfg = TraceConfig(semantic=SemanticParams(min_sentences=4))
    assert TraceConfig.from_dict(cfg.to_dict()) == cfg
    assert TraceConfig.from_dict({"semantic": {}}) == SEMANTIC
    with pytest.raises(ValueError, match="semantic"):
        TraceConfig.from_dict({"semantic": {"neighbors": 3}})


# ---------------------------------------------------------------------------- with real vectors


def test_paraphrase_aligns_sentence_by_sentence_and_same_story_does_not(vectors: WordVectors) -> None:
    src = encode_passages(ORIGINAL, vectors)
    para = semantic_alignment(encode_passages(PARAPHRASE, vectors), src)
    assert len(para.pairs) >= 3 and is_paraphrase(para)
    assert all(s >= SemanticParams().sentence_similarity for _a, _b, s in para.pairs)
    assert len({a.start for a, _b, _s in para.pairs}) == len(para.pairs)  # one to one
    assert len({b.start for _a, b, _s in para.pairs}) == len(para.pairs)
    assert not is_paraphrase(semantic_alignment(encode_passages(SAME_STORY, vectors), src))


def test_shared_quotes_are_not_passages(vectors: WordVectors) -> None:
    quotes = ' '.join(f'"{s}" he said.' for s in ORIGINAL.split(". "))
    found = encode_passages(quotes, vectors)
    assert found.passages == () and found.vectors.shape == (0, vectors.dim)
    assert not is_paraphrase(semantic_alignment(found, encode_passages(ORIGINAL, vectors)))


def test_stored_vectors_rebuild_the_same_encoding(vectors: WordVectors) -> None:
    (fresh,) = encode_texts([PARAPHRASE], vectors)
    (stored,) = passage_vectors([PARAPHRASE], vectors)
    rebuilt = encoded_from_vectors(PARAPHRASE, unpack_vectors(pack_vectors(stored), vectors.dim))
    assert rebuilt is not None and rebuilt.passages == fresh.passages and rebuilt.words == fresh.words
    np.testing.assert_array_equal(rebuilt.vectors, fresh.vectors)
    assert encoded_from_vectors(PARAPHRASE, stored[:-1]) is None


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
def test_the_store_keeps_vectors_with_their_document(kind: str, tmp_path, vectors: WordVectors) -> None:
    store = SQLiteStore(tmp_path / "v.db") if kind == "sqlite" else MemoryStore()
    with store:
        docs = fingerprint_documents(Index(MemoryStore()).params, [("tram", ORIGINAL), ("other", OTHER)],
                                     encoder=vectors)
        plain = StoredDocument("plain", OTHER, b"", (1, 2))
        assert store.vector_params() is None
        store.ensure_vector_params({"vector_format": 1, "dim": vectors.dim})
        assert store.add([*docs, plain]) == 3
        got = dict(store.vectors())
        assert list(got) == ["tram", "other"]  # insertion order; "plain" has none
        assert got["tram"] == docs[0].vectors and len(got["tram"]) == 6 * vectors.dim * 2
        assert store.remove(["tram"]) == 1
        assert [i for i, _b in store.vectors()] == ["other"]
        with pytest.raises(IncompatibleIndexError, match="dim"):
            store.ensure_vector_params({"vector_format": 1, "dim": 64})


def test_index_traces_a_paraphrase_only_with_the_semantic_path(tmp_path, vectors: WordVectors) -> None:
    db = tmp_path / "sem.db"
    with Index.open(db, config=SEMANTIC) as idx:
        idx.add([("tram", ORIGINAL), ("other", OTHER)])
    with Index.open(db) as plain:
        assert not [m for m in plain.trace(PARAPHRASE).matches if m.relation == "derived"]
    with Index.open(db, config=SEMANTIC, read_only=True) as idx:
        (m, *_rest) = idx.trace(PARAPHRASE, id="para").matches
        assert (m.source_id, m.relation) == ("tram", "derived")
        assert 0.5 <= m.score <= 0.75  # below copies that line up word by word, never taught
        assert m.substitutions == () and m.restored == PARAPHRASE
        assert m.stats["semantic_sentences"] >= 3 and len(m.alignments) == m.stats["semantic_sentences"]
        for a in m.alignments:  # offsets read copy -> source
            assert PARAPHRASE[a.input_start : a.input_end] and ORIGINAL[a.source_start : a.source_end]
        assert not [x for x in idx.trace(SAME_STORY).matches if x.relation == "derived"]
        assert idx.trace(ORIGINAL, exclude="tram").matches == ()


def test_vectors_are_only_stored_with_the_semantic_path(tmp_path, vectors: WordVectors) -> None:
    db = tmp_path / "plain.db"
    with Index.open(db) as idx:
        idx.add([("tram", ORIGINAL)])
    with SQLiteStore(db, read_only=True) as store:
        assert list(store.vectors()) == [] and store.vector_params() is None
    with Index.open(db, config=SEMANTIC) as idx:
        idx.add([("other", OTHER)])  # added with the path on: stored with vectors
        assert [i for i, _b in idx.store.vectors()] == ["other"]
        assert idx.store.vector_params() == {"vector_format": 1, "dim": vectors.dim}


def test_the_spark_engine_refuses_the_semantic_path() -> None:
    spark = pytest.importorskip("unspin.engines.spark")
    with pytest.raises(ValueError, match="semantic"):
        spark.SparkScanOptions(trace=SEMANTIC).validate()


def test_batches_and_the_worker_pool_give_the_single_trace(tmp_path, vectors: WordVectors) -> None:
    from unspin.engines.pool import WorkerPool
    from unspin.spec import LexiconSpec

    db = tmp_path / "pool.db"
    with Index.open(db, config=SEMANTIC) as idx:
        idx.add([("tram", ORIGINAL), ("other", OTHER), ("story", SAME_STORY)])
    queries = [("para", PARAPHRASE), ("story-copy", SAME_STORY), ("tram", ORIGINAL)]
    with Index.open(db, config=SEMANTIC, read_only=True) as idx:
        single = [idx.trace(text, id=doc_id) for doc_id, text in queries]
        assert list(idx.trace_many(queries)) == single
        assert single[0].matches[0].source_id == "tram"
    with WorkerPool(2, LexiconSpec(), trace=SEMANTIC, trace_chunk=1) as pool:
        assert list(pool.trace(str(db), queries, top=5, exclude_self=False)) == single


def test_the_cli_indexes_and_traces_with_the_semantic_path(tmp_path, vectors: WordVectors, cli) -> None:
    import json

    db = str(tmp_path / "cli.db")
    config = tmp_path / "semantic.json"
    config.write_text(json.dumps({"trace": {"semantic": {}}}), encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in (("tram", ORIGINAL),
                                                                                   ("other", OTHER))),
                      encoding="utf-8")
    p = cli("index", "add", "--db", db, "--config", str(config), str(corpus))
    assert p.returncode == 0, p.stderr
    p = cli("trace", "--db", db, "--config", str(config), "-", "--format", "jsonl", stdin=PARAPHRASE)
    assert p.returncode == 1, p.stderr  # 1: a derived match
    (first, *_rest) = json.loads(p.stdout)["matches"]
    assert (first["source_id"], first["relation"]) == ("tram", "derived")
    p = cli("trace", "--db", db, "-", "--format", "jsonl", stdin=PARAPHRASE)  # the default: no semantic path
    assert p.returncode == 0 and not json.loads(p.stdout)["matches"]


def test_stale_vectors_of_a_reused_row_id_are_dropped(tmp_path) -> None:
    import sqlite3

    db = tmp_path / "stale.db"
    with SQLiteStore(db) as store:
        store.add([StoredDocument("a", "text a", b"", (1,), vectors=pack_vectors(np.ones((1, 4), np.float32)))])
    c = sqlite3.connect(db)  # a writer that knows no passages table removes "a" (an older unspin)
    c.execute("DELETE FROM docs WHERE id = 'a'")
    c.execute("DELETE FROM lsh")
    c.commit()
    c.close()
    with SQLiteStore(db) as store:
        assert store.add([StoredDocument("b", "text b", b"", (2,))]) == 1  # takes the row id "a" had
        assert list(store.vectors()) == []
