"""Fit and measure the model tier's constants (``unspin.core.model_check.ModelParams``).

    PYTHONPATH=src python bench/fit_model_tier.py dump --half tune --articles 12 --conditions common:0.15,uniform:0.08
    PYTHONPATH=src python bench/fit_model_tier.py dump --half report --articles 14 \
        --conditions common:0.08,common:0.15,uniform:0.15
    PYTHONPATH=src python bench/fit_model_tier.py fit

``dump`` checks BBC articles of one half of ``bench_check.split_articles`` (``tune`` = its
reference half, ``report`` = its test half), clean and spun by the Moby simulator at each
``weighting:rate``, with the fast tier, and records every word the language model reads (its
gain, best candidate, surprisal) and the fast findings, as JSONL in ``bench/out/``. ``fit``
fits the score weights (a class-balanced logistic regression) and reads the gain/substitution
table off the tuning half only, then prints fast vs model tier on both halves, with the
constants it fitted. The model is slow (seconds per article), so the samples are small.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_check import DEFAULT_SEED, roc_auc, spin_seed, split_articles  # noqa: E402
from evaldata import data_dir, load_articles  # noqa: E402
from spinner import Spinner  # noqa: E402

OUT = BENCH / "out"


def dump(half: str, n: int, conditions: list[str], shared: str | None) -> Path:
    from unspin import api
    from unspin.core.model_fit import word_fits
    from unspin.core.spin_evidence import eligibility, sentence_starts
    from unspin.lexicon import Lexicon
    from unspin.text import split_compounds, tokenize

    ref, test = split_articles(load_articles(data_dir(shared)), DEFAULT_SEED)
    articles = (ref if half == "tune" else test)[:n]
    spinners = {w: Spinner.from_aiksaurus(weighting=w) for w in {c.split(":")[0] for c in conditions}}
    lex = Lexicon.default()
    lm = api.language_model()
    limit = api.ModelParams().fit.max_candidates_read

    def candidates(w: str) -> list[str]:
        return [c.form for c in lex.candidates(w)[:limit] if " " not in c.form]

    OUT.mkdir(exist_ok=True)
    path = OUT / f"model_tier_{half}.jsonl"
    t_lm, n_words = 0.0, 0
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            docs: list[tuple[str, str, list[Any]]] = [("clean", a.text, [])]
            for c in conditions:
                w, r = c.split(":")
                st = spinners[w].spin(a.text, rate=float(r), seed=spin_seed(a.id, float(r), DEFAULT_SEED))
                docs.append((c, st.text, list(st.substitutions)))
            for cond, text, subs in docs:
                res = api.check(text, lexicon=lex, config=api.CheckConfig())
                toks = split_compounds(tokenize(text))
                t0 = time.perf_counter()
                fits = word_fits(text, toks, eligibility(toks), candidates, lm, sentence_starts=sentence_starts(toks))
                t_lm += time.perf_counter() - t0
                n_words += len(toks)
                words = [dict(i=i, surf=toks[i].surface, s=toks[i].start, e=toks[i].end,
                              gain=f.gain if math.isfinite(f.gain) else None, best=f.best, su=f.surprisal)
                         for i, f in fits.items()]
                out.write(json.dumps(dict(
                    id=a.id, cond=cond, score=res.score, words=words,
                    fast=[dict(s=x.start, e=x.end, text=x.text, sugg=x.suggestion, conf=x.confidence,
                               ev=list(x.evidence)) for x in res.findings],
                    subs=[dict(s=x.start, e=x.end, orig=x.original) for x in subs])) + "\n")
                out.flush()
            print(f"{a.id}: model {n_words / t_lm:.0f} words/s", file=sys.stderr, flush=True)
    return path


def _rebuild(d: dict[str, Any]) -> tuple[Any, Any, Any]:
    from unspin.core.model_fit import WordFit
    from unspin.core.results import Finding

    toks = {w["i"]: SimpleNamespace(start=w["s"], end=w["e"], surface=w["surf"]) for w in d["words"]}
    fits = {w["i"]: WordFit(w["i"], w["gain"] if w["gain"] is not None else -math.inf, w["best"], w["su"])
            for w in d["words"]}
    fast = [Finding(f["s"], f["e"], f["text"], f["sugg"], f["conf"], tuple(f["ev"])) for f in d["fast"]]
    return toks, fits, fast


def _judged(d: dict[str, Any], p: Any) -> Any:
    from unspin.core.model_check import judge

    toks, fits, fast = _rebuild(d)
    return judge("", toks, fits, fast, params=p)  # findings' text comes from the fast ones or the token


def _features(d: dict[str, Any], p: Any) -> list[float]:
    from unspin.core.model_check import score_features

    return list(score_features(d["score"], _judged(d, p), params=p))


def _words(d: dict[str, Any], findings: Any) -> tuple[int, int, int, int, int]:
    subs = d["subs"]
    found = sum(any(f.start < s["e"] and s["s"] < f.end for f in findings) for s in subs)

    def exact(f: Any, s: dict[str, Any]) -> bool:
        return bool(f.suggestion) and (f.start, f.end) == (s["s"], s["e"]) and f.suggestion.lower() == s["orig"].lower()

    restored = sum(any(exact(f, s) for f in findings) for s in subs)
    made = [f for f in findings if f.suggestion]
    right = sum(any(exact(f, s) for s in subs) for f in made)
    return len(subs), found, restored, len(made), right


def fit() -> None:
    from sklearn.linear_model import LogisticRegression

    from unspin.core.model_check import ModelParams, model_score

    tune = [json.loads(x) for x in (OUT / "model_tier_tune.jsonl").open()]
    report = [json.loads(x) for x in (OUT / "model_tier_report.jsonl").open()]
    gains = [(w["gain"], w["s"], d) for d in tune for w in d["words"] if w["gain"] is not None]
    print("gain (nats) -> share of words that are substitutions, tuning half")
    for lo, hi in ((2, 4), (4, 6), (6, 8), (8, 99)):
        sel = [(s, d) for g, s, d in gains if lo <= g < hi]
        subs = sum(any(x["s"] == s for x in d["subs"]) for s, d in sel)
        print(f"  {lo:>2}-{hi:<2}  n {len(sel):4}  share {subs / max(len(sel), 1):.2f}")
    p0 = ModelParams()
    x = np.array([_features(d, p0) for d in tune])
    y = np.array([d["cond"] != "clean" for d in tune])
    w = np.where(y, 1.0, y.sum() / max((~y).sum(), 1))
    lr = LogisticRegression(C=1.0).fit(x, y, sample_weight=w)
    c = lr.coef_[0]
    p = dataclasses.replace(p0, w_fast=round(float(c[0]), 3), w_flagged=round(float(c[1]), 3),
                            w_surprisal=round(float(c[2]), 3), bias=round(float(lr.intercept_[0]), 3))
    print(f"fitted: w_fast={p.w_fast} w_flagged={p.w_flagged} w_surprisal={p.w_surprisal} bias={p.bias}")
    for name, docs in (("tuning half (fitted on)", tune), ("report half (held out)", report)):
        clean = [d for d in docs if d["cond"] == "clean"]
        print(f"\n{name}: {len(clean)} clean articles")
        print(f"  {'tier':6} {'condition':15} {'AUC':>6} {'recall':>7} {'FPR':>5} {'found':>6} {'exact':>6} "
              f"{'sugg.prec':>9}")
        for tier in ("fast", "model"):
            def score(d: dict[str, Any], tier: str = tier) -> float:
                return d["score"] if tier == "fast" else model_score(d["score"], _judged(d, p), params=p)

            def finds(d: dict[str, Any], tier: str = tier) -> Any:
                return _rebuild(d)[2] if tier == "fast" else _judged(d, p).findings

            fpr = float(np.mean([score(d) >= 0.5 for d in clean]))
            for cond in sorted({d["cond"] for d in docs} - {"clean"}):
                pos = [d for d in docs if d["cond"] == cond]
                t = np.sum([_words(d, finds(d)) for d in pos], axis=0)
                print(f"  {tier:6} {cond:15} {roc_auc([score(d) for d in pos], [score(d) for d in clean]):6.3f} "
                      f"{np.mean([score(d) >= 0.5 for d in pos]):7.2f} {fpr:5.2f} {t[1] / t[0]:6.2f} "
                      f"{t[2] / t[0]:6.3f} {t[4] / max(t[3], 1):9.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--half", choices=("tune", "report"), required=True)
    d.add_argument("--articles", type=int, default=12)
    d.add_argument("--conditions", default="common:0.15,uniform:0.08")
    d.add_argument("--shared", default=None)
    sub.add_parser("fit")
    args = ap.parse_args()
    if args.cmd == "dump":
        print(dump(args.half, args.articles, args.conditions.split(","), args.shared))
    else:
        fit()


if __name__ == "__main__":
    main()
