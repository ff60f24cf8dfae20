"""The local engine: Index over a real SQLite file."""

import pytest

from unspin import Index
from unspin.core.config import TraceConfig
from unspin.core.fingerprint import FingerprintParams
from unspin.store import IncompatibleIndexError, StoreError

from .texts import BOE_SOURCE as SOURCE
from .texts import BOE_SPUN_COPY as SPUN_COPY

OTHER = ("Cats sleep for most of the day in warm places, and many of them hunt at night. "
         "Owners in Leeds said their pets were calmer in winter, according to a survey of 2,000 homes.")


def test_add_is_resumable_and_remove_works(tmp_path):
    db = tmp_path / "i.db"
    with Index.open(db) as idx:
        assert idx.add([("a", SOURCE), ("b", OTHER)]).added == 2
        rep = idx.add([("a", SOURCE), ("c", SOURCE + " Extra sentence here."), ("c", "dup id in batch")])
        assert (rep.added, rep.skipped) == (1, 2)
        assert len(idx) == 3
        assert idx.remove(["c", "zzz"]) == 1 and len(idx) == 2


def test_parallel_fingerprinting_gives_the_same_index(tmp_path):
    docs = [(f"d{i}", SOURCE.replace("4.75%", f"{i}.5%")) for i in range(30)] + [("o", OTHER)]
    with Index.open(":memory:") as one, Index.open(":memory:") as two:
        one.add(docs, batch_size=7)
        two.add(docs, batch_size=7, workers=2)
        for doc_id, _t in docs:
            assert one.store.get(doc_id).band_keys == two.store.get(doc_id).band_keys


def test_batches_grow_with_the_index(tmp_path):
    from unspin.index import auto_batch_size

    assert auto_batch_size(0) == auto_batch_size(100_000) == 1000
    assert auto_batch_size(1_000_000) == 10_000 and auto_batch_size(10**8) == 20_000
    docs = [(f"d{i}", f"Report {i} from Leeds said the rate rose to {i}.5% in June.") for i in range(2500)]
    seen = []
    with Index.open(tmp_path / "i.db") as idx:
        rep = idx.add(docs, progress=seen.append)
        assert (rep.added, rep.skipped) == (2500, 0) and seen == [1000, 1000, 500] and len(idx) == 2500


def test_trace_many_gives_what_trace_gives_one_by_one(tmp_path):
    docs = [("src", SOURCE), ("copy", SPUN_COPY), ("other", OTHER)] + [
        (f"v{i}", SOURCE.replace("4.75%", f"{i}.5%")) for i in range(5)]
    with Index.open(tmp_path / "i.db") as idx:
        idx.add(docs)
        one = [idx.trace(t, id=i, exclude=i) for i, t in docs]
        many = list(idx.trace_many(docs, exclude_self=True, chunk=3))
        assert [r.id for r in many] == [i for i, _t in docs]
        assert many == one
        assert any(m.source_id == "src" and m.relation == "derived" for m in many[1].matches)
        assert list(idx.trace_many([])) == []


def test_parameters_are_recorded_and_mismatch_is_refused(tmp_path):
    db = tmp_path / "i.db"
    with Index.open(db, config=TraceConfig(fingerprint=FingerprintParams(shingle=3))) as idx:
        idx.add([("a", SOURCE)])
    with Index.open(db) as idx:  # reopening without parameters uses the stored ones
        assert idx.params.shingle == 3 and idx.config.fingerprint == idx.params
    with Index.open(db, config=TraceConfig(candidates=3)) as idx:  # query-time settings: any
        assert idx.params.shingle == 3 and idx.config.candidates == 3
    with pytest.raises(IncompatibleIndexError, match="shingle"):
        Index.open(db, config=TraceConfig(fingerprint=FingerprintParams(shingle=5)))
    with pytest.raises(IncompatibleIndexError, match="shingle"):  # the defaults, named, are not the index's
        Index.open(db, config=TraceConfig(fingerprint=FingerprintParams()))


def test_trace_learns_and_the_lexicon_uses_it(tmp_path):
    with Index.open(tmp_path / "i.db") as idx:
        idx.add([("boe", SOURCE), ("cats", OTHER)])
        res = idx.trace(SPUN_COPY, id="q", learn=True)
        assert res.matches[0].source_id == "boe" and res.matches[0].relation == "derived"
        learned = idx.learned_substitutions()
        assert "raised interest rates" in learned.phrases.values()
        lex = idx.lexicon()
        assert lex.reference is not None and lex.reference.n_documents == 2
        # an indexed document traced against the others does not find itself
        assert all(m.source_id != "boe" for m in idx.trace(SOURCE, exclude="boe").matches)


def test_read_only_index_refuses_to_learn(tmp_path):
    db = tmp_path / "i.db"
    with Index.open(db) as idx:
        idx.add([("boe", SOURCE)])
    with Index.open(db, read_only=True) as idx:
        assert idx.trace(SPUN_COPY).matches
        with pytest.raises(StoreError, match="index opened read-only"):
            idx.trace(SPUN_COPY, learn=True)


def _learned_rows(idx: Index) -> list[tuple[str, str, int, tuple[tuple[str, str], ...]]]:
    return [(s.spun, s.source, s.count, s.learned_from) for s in idx.learned()]


def test_tracing_an_independent_report_with_learning_on_changes_nothing(tmp_path):
    """Two reports of one flood, written independently: the trace relates them (same story),
    and nothing of either is learned, however often it is traced."""
    from .scan_corpus import STORY_A, STORY_B

    with Index.open(tmp_path / "i.db") as idx:
        idx.add([("story-a", STORY_A), ("boe", SOURCE)])
        before = _learned_rows(idx)
        for _ in range(2):
            res = idx.trace(STORY_B, id="story-b", learn=True)
            assert res.matches and all(m.relation != "derived" for m in res.matches)
        assert _learned_rows(idx) == before == []


def test_only_strong_derived_matches_teach_and_only_real_swaps(tmp_path):
    from unspin.core.results import Match, Substitution, TraceResult
    from unspin.index import LEARN_MIN_SCORE, learnable

    def sub(text, spun, source_text, orig):
        i, j = text.index(spun), source_text.index(orig)
        return Substitution(i, i + len(spun), spun, j, j + len(orig), orig)

    source = "The Bank of England raised interest rates. Ms Benning spoke early. Dunmore left."
    copy = "The Bank of England hiked loan costs. She spoke. Dunmore early left."
    subs = (sub(copy, "hiked loan costs", source, "raised interest rates"), sub(copy, "She", source, "Ms Benning"),
            sub(copy, "Dunmore early", source, "Dunmore"), sub(copy, "spoke", source, "Benning spoke"))
    assert [learnable(s, copy, source) for s in subs] == [True, False, False, False]
    with Index.open(":memory:") as idx:
        idx.add([("src", source)])
        weak = Match("src", "derived", LEARN_MIN_SCORE - 0.01, 0.6, (), subs, source)
        story = Match("src", "same-story", 0.45, 0.1, (), subs, source)
        assert idx.learn(TraceResult("copy", (weak, story)), copy) == 0 and idx.learned() == []
        strong = Match("src", "derived", LEARN_MIN_SCORE, 1.0, (), subs, source)
        assert idx.learn(TraceResult("copy", (strong,)), copy) == 1
        assert idx.learn(TraceResult("copy", (strong,)), copy) == 0  # the same pair again counts nothing
        assert _learned_rows(idx) == [("hiked loan costs", "raised interest rates", 1, (("src", "copy"),))]


def test_learned_swaps_are_found_as_learned_swaps_not_known_phrases(tmp_path):
    from unspin import check

    with Index.open(tmp_path / "i.db") as idx:
        idx.add([("boe", SOURCE)])
        idx.trace(SPUN_COPY, id="copy", learn=True)
        lex = idx.lexicon()
    found = check("The central bank hiked loan costs again.", lexicon=lex).findings
    f = next(f for f in found if f.text == "hiked loan costs")
    assert f.suggestion == "raised interest rates" and f.evidence == ("learned-swap",) and f.confidence < 0.97
    listed = lex.with_known([("hiked loan costs", "raised interest rates")])  # a list entry stays a known phrase
    f = next(f for f in check("They hiked loan costs.", lexicon=listed).findings if f.text == "hiked loan costs")
    assert f.evidence == ("known-phrase",)


def test_trace_accepts_lone_surrogates():
    # Found by tests/test_fuzz.py: a str holding a lone surrogate ("\udcff", as surrogateescape
    # decoding leaves them) crashed fingerprinting with UnicodeEncodeError inside Polars.
    text = SOURCE.replace("rates", "rat\udcffes", 1)
    with Index.open(":memory:") as idx:
        idx.add([("boe", SOURCE), ("cats", OTHER)])
        res = idx.trace(text, id="q")
        assert res.matches and res.matches[0].source_id == "boe"
        assert [r.id for r in idx.trace_many([("a", "\udcff"), ("b", text)])] == ["a", "b"]


@pytest.mark.parametrize("where", ["memory", "sqlite"])
def test_add_refuses_lone_surrogates_with_a_clear_error(tmp_path, where):
    # Found by tests/test_fuzz.py: SQLite failed with a bare UnicodeEncodeError from deep in
    # the store, while the memory store took the text; both now refuse it, naming the document.
    with Index.open(":memory:" if where == "memory" else tmp_path / "i.db") as idx:
        with pytest.raises(ValueError, match=r"document 'bad': its text is not valid Unicode.*'\\udcff' at 3"):
            idx.add([("a", SOURCE), ("bad", "abc\udcff"), ("c", OTHER)], batch_size=1)
        assert len(idx) == 1 and idx.store.get("a") is not None  # the batches before it are kept
        with pytest.raises(ValueError, match="its id is not valid Unicode"):
            idx.add([("b\ud800", OTHER)])
