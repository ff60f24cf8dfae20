"""CI tracing gate: a small, fast, seeded run of bench/bench_trace.py with pinned floors.

Indexes 300 BBC articles plus the fixtures (``bench/fixtures``) into a temporary SQLite index,
traces 40 of them spun at 30% and 50%, the second report of every same-story pair and every
paraphrase, and checks the results against the floors below. Needs the evaluation data in
``../shared/data`` (or ``$UNSPIN_SHARED/data``) and the Moby thesaurus
(``apt-get install libaiksaurus-1.2-data``); skips with a reason otherwise. The metric code and
the fixtures are checked without them. ``pytest -s tests/test_trace_floor.py`` prints every
measured value next to its floor.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import bench_trace as bt  # noqa: E402
from evaldata import BBC_FILE, Article, data_dir, file_digests, load_articles  # noqa: E402
from spinner import DEFAULT_AIKSAURUS, Spinner, SpunText, Substitution  # noqa: E402

# --- Pinned floors ------------------------------------------------------------------------
# Measured on this sample (seed below) minus a margin, so that a regression fails CI but a
# harmless change does not. `pytest -s tests/test_trace_floor.py` prints the measured values.
SEED = bt.DEFAULT_SEED
N_INDEXED = 300  # BBC articles in the index (plus the fixtures)
N_TRACED = 40  # of those, spun and traced at every rate in RATES
RATES = (0.3, 0.5)

RECALL_AT_1_FLOOR = {0.3: 0.97, 0.5: 0.95}
DERIVED_PRECISION_FLOOR = 0.95
RESTORATION_30_FLOOR = 0.93  # share of the spinner's substitutions restored exactly, at 30%
SAME_STORY_DERIVED_CEILING = 0  # same-story reports called derived (from their partner or anything else)
PARAPHRASE_RECALL_AT_1_FLOOR = 0.75  # first match is the original, any relation

needs_data = pytest.mark.skipif(
    not (data_dir() / BBC_FILE).is_file(),
    reason=f"evaluation data not found in {data_dir()} (set UNSPIN_SHARED to the folder holding data/)",
)
needs_thesaurus = pytest.mark.skipif(
    not (DEFAULT_AIKSAURUS / "words.dat").is_file(),
    reason=f"Moby thesaurus not in {DEFAULT_AIKSAURUS}: apt-get install libaiksaurus-1.2-data",
)


def _show(name: str, value: float, bound: str) -> None:
    print(f"  {name:<44} {value:.3f}  ({bound})")


# =========================================================================== no data needed


def test_fixtures_are_well_formed() -> None:
    stories = bt.load_same_story()
    paraphrases = bt.load_paraphrases()
    assert len(stories) >= 12 and len(paraphrases) >= 12
    ids = [s.a_id for s in stories] + [s.b_id for s in stories]
    ids += [p.original_id for p in paraphrases] + [p.paraphrase_id for p in paraphrases]
    assert len(ids) == len(set(ids)), "fixture ids must be unique"
    for s in stories:
        assert s.a_text != s.b_text
        assert 120 <= len(s.a_text.split()) <= 320 and 120 <= len(s.b_text.split()) <= 320, s.pair
    for p in paraphrases:
        assert p.original_text != p.paraphrase_text
        assert 120 <= len(p.original_text.split()) <= 320, p.pair


@dataclass(frozen=True)
class _Found:
    """Stands in for ``unspin.core.results.Substitution`` (only the fields the judge reads)."""

    input_start: int
    input_end: int
    source_text: str


def test_restored_substitutions_judging() -> None:
    # "We fitted it on preparation information today." <- "training data"; two spinner swaps.
    text = "We fitted it on preparation information today."
    a = text.index("preparation")
    b = text.index("information")
    spun = SpunText(
        text,
        (Substitution(a, a + 11, "training", "preparation"), Substitution(b, b + 11, "data", "information")),
        eligible=3,
    )
    # One finding covering both swaps restores both.
    assert bt.restored_substitutions(spun, [_Found(a, b + 11, "training data")]) == 2
    # A wider finding (with an unchanged neighbour) still counts.
    assert bt.restored_substitutions(spun, [_Found(a - 3, b + 11, "on training data")]) == 2
    # Separate findings, one wrong.
    assert bt.restored_substitutions(spun, [_Found(a, a + 11, "Training"), _Found(b, b + 11, "info")]) == 1
    # A finding that restores only part of the span counts nothing.
    assert bt.restored_substitutions(spun, [_Found(a, a + 5, "training")]) == 0
    assert bt.restored_substitutions(spun, []) == 0
    # A finding boundary that cuts a multiword synonym: "remainder chalk talk" <- "newspaper talk",
    # where the spinner swapped "newspaper" -> "remainder" and "talk" -> "chalk talk".
    text = "It is remainder chalk talk, nothing more."
    r = text.index("remainder")
    c = text.index("chalk")
    spun = SpunText(text, (Substitution(r, r + 9, "newspaper", "remainder"),
                           Substitution(c, c + 10, "talk", "chalk talk")), eligible=2)
    assert bt.restored_substitutions(spun, [_Found(r, c + 5, "newspaper")]) == 2
    # An insertion-only finding (nothing in the input) does not restore a swap it sits next to.
    assert bt.restored_substitutions(spun, [_Found(c, c, "x")]) == 0


def test_metric_helpers() -> None:
    assert bt.token_ratio("The cat sat.", "the cat sat .") == 1.0
    assert 0.0 < bt.token_ratio("the cat sat", "the dog sat") < 1.0
    arts = [Article("x1", "", "same text", ""), Article("x2", "", "same text", ""), Article("x3", "", "other", "")]
    groups = bt.duplicate_groups(arts)
    assert groups["x1"] == groups["x2"] == frozenset({"x1", "x2"}) and groups["x3"] == frozenset({"x3"})
    assert bt.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert bt.word_shingles("A b c d e f", 5) == [b"a b c d e", b"b c d e f"]
    doc = "p1 one.\n\np2 two two.\n\np3 three.\n\np4 four four four."
    ex = bt.excerpt(doc, seed=3)
    assert ex and ex in doc and ex != doc


# =========================================================================== the floor run


@dataclass
class Run:
    """Everything the floor tests read, computed once per module."""

    records: list[bt.TraceRecord]
    same_story: dict[str, Any]
    paraphrase: dict[str, Any]
    digests: dict[str, str]
    same_story_holdout: dict[str, Any]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    Index = bt.index_class()
    data = data_dir()
    articles = load_articles(data)
    groups = bt.duplicate_groups(articles)
    indexed = bt.sample_articles(articles, N_INDEXED, SEED)
    stories = bt.load_same_story()
    paraphrases = bt.load_paraphrases()
    held_out = bt.load_same_story(bt.SAME_STORY_HOLDOUT_FILE)
    db = tmp_path_factory.mktemp("trace-floor") / "index.sqlite"
    idx = Index.open(db)
    try:
        idx.add([(a.id, a.text) for a in indexed] + bt.fixture_docs(stories, paraphrases)
                + bt.fixture_docs(held_out, []))
        spinner = Spinner.from_aiksaurus()
        queries = bt.make_queries(indexed[:N_TRACED], spinner, seed=SEED, rates=RATES, with_exact=False,
                                  with_excerpt=False)
        records = bt.run_queries(idx, queries, groups)
        yield Run(records, bt.run_same_story(idx, stories), bt.run_paraphrases(idx, paraphrases),
                  file_digests([data / BBC_FILE]), bt.run_same_story(idx, held_out))
    finally:
        idx.close()


@needs_data
@needs_thesaurus
def test_recall_at_1_floor(run: Run) -> None:
    print(f"\n  data: {run.digests}")
    by = bt.summarise_by_label(run.records)
    failures = []
    for rate, floor in RECALL_AT_1_FLOOR.items():
        m = by[bt.rate_label(rate)]
        _show(f"recall@1 at {bt.rate_label(rate)}", m["recall_at_1"], f">= {floor}")
        _show(f"recall@5 at {bt.rate_label(rate)}", m["recall_at_5"], "not gated")
        _show(f"p50 ms at {bt.rate_label(rate)}", m["p50_ms"], "not gated")
        if m["recall_at_1"] < floor:
            failures.append(f"recall@1 at {bt.rate_label(rate)}: {m['recall_at_1']:.3f} < {floor}")
    assert not failures, failures


@needs_data
@needs_thesaurus
def test_derived_precision_floor(run: Run) -> None:
    m = bt.summarise(run.records)
    _show("derived precision (30% and 50% pooled)", m["derived_precision"], f">= {DERIVED_PRECISION_FLOOR}")
    assert m["derived_precision"] >= DERIVED_PRECISION_FLOOR


@needs_data
@needs_thesaurus
def test_restoration_floor(run: Run) -> None:
    by = bt.summarise_by_label(run.records)
    m30 = by[bt.rate_label(0.3)]
    _show("substitutions restored exactly at 30%", m30["restoration"], f">= {RESTORATION_30_FLOOR}")
    _show("substitutions restored exactly at 50%", by[bt.rate_label(0.5)]["restoration"], "not gated")
    _show("text ratio restored at 30%", m30["text_ratio_restored"], "not gated")
    assert m30["restoration"] >= RESTORATION_30_FLOOR


@needs_data
@needs_thesaurus
def test_same_story_never_derived(run: Run) -> None:
    st = run.same_story
    print(f"  same-story: {st['pairs']} pairs, partner derived {st['partner_derived']}, "
          f"same-story {st['partner_same_story']}, not found {st['partner_not_found']}, "
          f"any derived {st['any_derived']}")
    called = [r["pair"] for r in st["rows"] if r["any_derived"]]
    assert st["any_derived"] <= SAME_STORY_DERIVED_CEILING, f"called derived: {called}"


@needs_data
@needs_thesaurus
def test_held_out_same_story_never_derived(run: Run) -> None:
    """Pairs written after the relation thresholds were set, and never used to tune them."""
    st = run.same_story_holdout
    called = [r["pair"] for r in st["rows"] if r["any_derived"]]
    assert st["pairs"] == 10 and st["any_derived"] <= SAME_STORY_DERIVED_CEILING, f"called derived: {called}"


@needs_data
@needs_thesaurus
def test_paraphrase_floor(run: Run) -> None:
    p = run.paraphrase
    _show("paraphrase recall@1 (any relation)", p["recall_at_1"], f">= {PARAPHRASE_RECALL_AT_1_FLOOR}")
    _show("paraphrase recall@1 and derived", p["recall_at_1_derived"], "not gated")
    assert p["recall_at_1"] >= PARAPHRASE_RECALL_AT_1_FLOOR
