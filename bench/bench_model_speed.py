"""Model tier: how much reading each setting of ``FitParams`` costs, and what it finds.

    PYTHONPATH=src python bench/bench_model_speed.py --half tune --articles 6
    PYTHONPATH=src python bench/bench_model_speed.py --half report --articles 8 \
        --settings default,min_surprisal=8,max_candidates=2

Each setting is a ``FitParams`` with some constants changed (``name=value``, joined with ``+``;
``default`` is ``FitParams()``, the baseline of every table). Articles of one half of
``bench_check.split_articles`` are checked clean and spun by the Moby simulator with common
synonyms at 8% and 15%, at the model tier. Reported per setting: model tokens read (the window
pass plus the candidate variants read again: the work, independent of the machine's load),
words per second on this machine (noisy when it is shared), ROC AUC of the document score, the
share of substituted words found and restored exactly, and of suggestions made, the share exact.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_check import (  # noqa: E402
    DEFAULT_SEED,
    Edit,
    Span,
    judge_edits,
    print_table,
    roc_auc,
    spin_seed,
    split_articles,
)
from evaldata import data_dir, load_articles  # noqa: E402
from spinner import Spinner  # noqa: E402

RATES = (0.08, 0.15)


def parse_setting(spec: str) -> Any:
    """``FitParams`` from ``default`` or ``name=value+name=value``."""
    from unspin.core.model_fit import FitParams

    if spec == "default":
        return FitParams()
    changes: dict[str, Any] = {}
    for part in spec.split("+"):
        name, value = part.split("=")
        kind = type(getattr(FitParams(), name))
        changes[name] = kind(value)
    return dataclasses.replace(FitParams(), **changes)


class CountingModel:
    """The language model, counting the tokens it reads (a real model: every call goes through)."""

    def __init__(self, model: Any) -> None:
        self._m = model
        self.tokens = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._m, name)

    def window(self, ids: Any) -> Any:
        self.tokens += len(ids) + 1
        return self._m.window(ids)

    def variant_logprobs(self, win: Any, variants: Any) -> Any:
        self.tokens += sum(len(v[1]) for v in variants)
        return self._m.variant_logprobs(win, variants)


def run_setting(fit: Any, docs: list[tuple[str, float, Any]], lex: Any, model: CountingModel) -> dict[str, float]:
    """Check every document at the model tier with ``fit``; the measures of the table."""
    from unspin.api import CheckConfig, check
    from unspin.core.model_check import ModelParams

    params = dataclasses.replace(ModelParams(), fit=fit)
    model.tokens = 0
    t0 = time.perf_counter()
    scores: dict[float, list[float]] = {}
    found = exact = edits = suggested = n_words = 0
    for text, rate, spun in docs:
        r = check(text, lexicon=lex, config=CheckConfig(tier="model", model=params), model=model)  # type: ignore[arg-type]
        scores.setdefault(rate, []).append(r.score)
        n_words += r.n_words
        if spun is None:
            continue
        truth = [Edit(s.start, s.end, (s.original,)) for s in spun.substitutions]
        judged = judge_edits(text, [Span(f.start, f.end, f.suggestion) for f in r.findings], truth)
        edits += len(truth)
        found += sum(c for c, _x in judged)
        exact += sum(x for _c, x in judged)
        suggested += sum(f.suggestion is not None for f in r.findings)
    seconds = time.perf_counter() - t0
    out = {"tokens_per_word": model.tokens / max(1, n_words), "words_per_s": n_words / seconds,
           "found": found / max(1, edits), "exact": exact / max(1, edits),
           "suggestion_exact": exact / max(1, suggested)}
    for rate in RATES:
        out[f"auc_{int(rate * 100)}"] = roc_auc(scores[rate], scores[0.0])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--half", choices=("tune", "report"), default="tune")
    ap.add_argument("--articles", type=int, default=6)
    ap.add_argument("--settings", default="default,min_surprisal=8.0,max_candidates=2,right_tokens=3")
    ap.add_argument("--shared", default=None)
    args = ap.parse_args(argv)
    from unspin import Lexicon
    from unspin.api import language_model

    ref, test = split_articles(load_articles(data_dir(args.shared)), DEFAULT_SEED)
    articles = (ref if args.half == "tune" else test)[:args.articles]
    spinner = Spinner.from_aiksaurus(weighting="common")
    docs: list[tuple[str, float, Any]] = [(a.text, 0.0, None) for a in articles]
    for rate in RATES:
        for a in articles:
            st = spinner.spin(a.text, rate=rate, seed=spin_seed(a.id, rate, DEFAULT_SEED))
            docs.append((st.text, rate, st))
    lex = Lexicon.default()
    model = CountingModel(language_model())
    rows = []
    for spec in args.settings.split(","):
        print(f"setting {spec} ...", file=sys.stderr, flush=True)
        r = run_setting(parse_setting(spec), docs, lex, model)
        rows.append([spec, r["tokens_per_word"], r["words_per_s"], r["auc_8"], r["auc_15"], r["found"], r["exact"],
                     r["suggestion_exact"]])
    print_table(f"Model tier settings ({args.half} half, {len(articles)} articles clean + spun 8% and 15%, "
                "Moby common synonyms)",
                ["setting", "tokens read / word", "words/s", "AUC 8%", "AUC 15%", "found", "restored exact",
                 "suggestions exact"], rows,
                note="tokens read: window pass + candidate variants; words/s depends on the machine's load")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
