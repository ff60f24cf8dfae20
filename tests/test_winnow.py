"""Containment candidates: winnowed content-word shingles (unspin.core.winnow) and the index path."""

import random

from unspin.core.candidates import choose_candidates
from unspin.core.winnow import (
    WINNOW_K,
    WINNOW_WINDOW,
    ContainmentParams,
    containment,
    content_words,
    rank_by_containment,
    shingle_hashes,
    winnow,
    winnow_keys,
    winnow_keys_batch,
)
from unspin.index import Index

from .scan_corpus import article, embed, spin


def test_content_words_drop_stopwords_and_normalise():
    assert content_words("The ministers said that a plan for Leeds was rejected.") == [
        "minister", "plan", "leed", "rejected"]


def test_winnow_picks_the_rightmost_minimum_of_every_window():
    assert winnow([5, 3, 3, 1, 4, 2, 2, 9], 3) == (3, 1, 2)
    assert winnow([7, 4], 3) == (4,)
    assert winnow([], 3) == ()


def test_shared_run_of_k_plus_w_minus_1_words_always_shares_a_key():
    rng = random.Random(3)
    vocab = [f"word{i}" for i in range(500)]
    for _ in range(50):
        run = rng.choices(vocab, k=WINNOW_K + WINNOW_WINDOW - 1)
        a = rng.choices(vocab, k=rng.randint(0, 40)) + run + rng.choices(vocab, k=rng.randint(0, 40))
        b = rng.choices(vocab, k=rng.randint(0, 40)) + run + rng.choices(vocab, k=rng.randint(0, 40))
        assert set(winnow(shingle_hashes(a))) & set(winnow(shingle_hashes(b)))


def test_keys_are_stable_and_signed_64_bit():
    keys = winnow_keys(article(1))
    assert keys == winnow_keys(article(1)) and len(set(keys)) == len(keys)
    assert all(-(1 << 63) <= k < 1 << 63 for k in keys)


def test_rank_by_containment_thresholds_and_order():
    assert containment(3, 4) == 0.75 and containment(0, 0) == 0.0
    ranked = rank_by_containment([("b", 3), ("a", 3), ("c", 1), ("d", 2)], 10, limit=5, min_containment=0.2)
    assert ranked == [("a", 0.3), ("b", 0.3), ("d", 0.2)]


def test_choose_candidates_keeps_band_order_then_adds_contained_sources():
    held = [("c", 5), ("a", 4), ("x", 1), ("b", 3)]  # as the store ranks them; "x" holds too few
    chosen = choose_candidates(["b", "z"], held, 10, params=ContainmentParams(limit=2))
    assert chosen.contained == (("c", 0.5), ("a", 0.4))
    assert chosen.ids == ("b", "z", "c", "a")
    assert choose_candidates(["b", "c"], held, 10).ids == ("b", "c", "a")  # each id once; "x" below MIN_SHARED
    assert choose_candidates(["b"], [], 0) == choose_candidates(["b"], [("c", 5)], 0)  # no winnow keys: none held
    assert choose_candidates([], [], 4).ids == ()


def test_containment_brings_up_a_passage_the_bands_miss(tmp_path):
    """40% of a source, verbatim and spun, inside a text that is not indexed: the skeleton
    bands do not find the source; containment ranks it first (SQLite and memory stores)."""
    docs = [(f"a{i:02d}", article(i)) for i in range(40)]
    for source in (article(7), spin(article(7), every=4)):
        query = embed(article(90), source, 0.4)
        keys = winnow_keys(query)
        for where in (str(tmp_path / "i.db"), ":memory:"):
            with Index.open(where) as idx:
                idx.add(docs)
                bands = idx.store.candidates(idx._hasher.fingerprint_text(query).all_keys).candidates
                assert "a07" not in [c.id for c in bands]
                held = idx.store.containment_candidates(keys, limit=10).candidates
                ranked = rank_by_containment([(c.id, c.shared_bands) for c in held], len(keys), limit=10)
                assert ranked[0][0] == "a07" and ranked[0][1] >= 0.1
        (tmp_path / "i.db").unlink()


def test_trace_reports_coverage_both_ways():
    """A short text made mostly of 60% of a source: derived, with the share of the input from
    the source (``coverage``) and the share of the source used (``source_coverage``)."""
    docs = [(f"a{i:02d}", article(i)) for i in range(40)]
    host = ". ".join(article(90).split(". ")[:4])
    with Index.open(":memory:") as idx:
        idx.add(docs)
        res = idx.trace(embed(host, article(7), 0.6))
    m = res.matches[0]
    assert m.source_id == "a07" and m.relation == "derived"
    assert 0.45 <= m.coverage < 1 and 0.4 <= m.stats["source_coverage"] < 0.9


def test_batch_gives_the_same_keys_as_one_text_at_a_time():
    texts = [article(i) for i in range(20)] + ["", "Rain fell.", "a b c", spin(article(3))]
    assert winnow_keys_batch(texts) == [winnow_keys(t) for t in texts]
