"""The model tier reading the fast tier's suggestions in place, and its veto (``ModelParams.veto_gain``).

    PYTHONPATH=src python bench/bench_model_veto.py --part tune --pairs 60 --articles 6
    PYTHONPATH=src python bench/bench_model_veto.py --part report --pairs 60 --articles 8
    PYTHONPATH=src python bench/bench_model_veto.py --part tune --pairs 0 --articles 6 --vetos 0 \
        --phrases 2,4,6,8 --simulators phrases,fluent-mythes,moby-common,names

Every document is checked once at the model tier; the judge (``unspin.core.model_check.judge``)
is then run again on the same word fits and span readings under each setting, so all settings
see the same model output (the bench records what ``check`` computes through ``api.judge``;
nothing else changes). Settings: ``before`` (no span readings, no veto: the model tier before
span readings), ``spans`` (multiword suggestions judged by their span reading, no veto) and
``veto=G`` for each ``--vetos`` gain, and ``phrases=G`` for each ``--phrases`` gain: the
multiword pass (``ModelParams.phrases``) flagging at G nats, with the last veto; with
``--phrases``, every setting's run reads the pass's spans too (settings without it ignore them).

Two sets of documents, each split in a tuning part and a report part:

* tortured phrases (``bench_check.run_phrases``: carrier sentences, 2-fold cross-validated
  known lists, plus no known list): ``tune`` scores the ``--pairs`` pairs that ``bench_check``
  samples with its seed, ``report`` as many other pairs (none of the tuning ones);
* BBC news (``bench_check.split_articles``: ``tune`` its reference half, ``report`` its test
  half), clean and spun at ``--rate`` by each simulator: findings per 1,000 clean words,
  substituted words found and restored exactly (``bench_check.judge_edits``), and the share of
  suggestions that restore a substitution exactly.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bench_check as bc  # noqa: E402
from evaldata import data_dir, load_articles, load_pairs  # noqa: E402
from spinner import PHRASE_SWAPS, make_simulator  # noqa: E402

Settings = dict[str, tuple[bool, float | None, float | None]]  # name -> (read spans, veto gain, phrase flag gain)


class Recorder:
    """Wraps ``unspin.api.judge``: each call also judges under every setting; ``take(text)``
    returns the findings per setting of the last ``check`` of ``text``, offsets into ``text``."""

    def __init__(self, settings: Settings, phrase_sources: str | None = None) -> None:
        import unspin.api as api

        self.api, self.real, self.real_read, self.settings = api, api.judge, api.read_fits, settings
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.phrases = any(g is not None for _, _, g in settings.values())
        self.phrase_sources = phrase_sources
        #: the multiword pass's cost: words checked, phrase variants read, model tokens they read
        self.cost = [0, 0, 0]

    def __enter__(self) -> Recorder:
        def judged(window: str, words: Any, fits: Any, local: Any, *, params: Any, span_gains: Any,
                   phrase_choices: Any = ()) -> Any:
            per = {name: self.real(window, words, fits, local, span_gains=span_gains if spans else {},
                                   params=replace(params, veto_gain=veto,
                                                  phrases=replace(params.phrases, flag_gain=g or 0.0)),
                                   phrase_choices=phrase_choices if g is not None else ()).findings
                   for name, (spans, veto, g) in self.settings.items()}
            self.calls.append((window, per))
            return self.real(window, words, fits, local, params=params, span_gains=span_gains,
                             phrase_choices=phrase_choices)

        def read(window: str, words: Any, *args: Any, span_choices: Any = (), **kw: Any) -> Any:
            got = self.real_read(window, words, *args, span_choices=span_choices, **kw)
            model, p = args[2], kw["params"]
            wanted = {(s, e, r) for s, e, rs in span_choices for r in rs}
            self.cost[0] += len(words)
            for _s, _e, r in wanted.intersection(got.spans):
                self.cost[1] += 1
                self.cost[2] += len(model.word_ids(r, space=True)) + p.right_tokens
            return got

        self.api.judge = judged
        self.api.read_fits = read
        return self

    def __exit__(self, *exc: object) -> None:
        self.api.judge = self.real
        self.api.read_fits = self.real_read

    def check(self, text: str, lexicon: Any) -> tuple[Any, dict[str, list[Any]]]:
        from unspin.api import CheckConfig, check
        from unspin.core.model_check import ModelParams, PhraseParams

        self.calls.clear()
        phrases = PhraseParams(on=True) if self.phrases else PhraseParams(on=False)
        if self.phrase_sources is not None:
            phrases = replace(phrases, sources=self.phrase_sources)
        model = ModelParams(phrases=phrases)
        result = check(text, id="bench", lexicon=lexicon,
                       config=CheckConfig(tier="model", threshold=bc.THRESHOLD, model=model))
        per: dict[str, list[Any]] = {name: [] for name in self.settings}
        for window, found in self.calls:
            off = text.find(window)
            for name, fs in found.items():
                per[name] += [replace(f, start=f.start + off, end=f.end + off) for f in fs]
        return result, per


def phrase_rows(rec: Recorder, part: str, n: int) -> list[list[Any]]:
    """``bench_check.run_phrases`` per setting, from one model pass per sentence."""
    from unspin import Lexicon

    pairs = load_pairs(data_dir(None))
    sample = bc.sample_indices
    tune = sample(len(pairs), n, bc.DEFAULT_SEED)
    chosen = tune if part == "tune" else [i for i in sample(len(pairs), 4 * n, bc.DEFAULT_SEED + 1)
                                          if i not in set(tune)][:n]
    cache: dict[tuple[int, str], tuple[Any, dict[str, list[Any]]]] = {}
    current = [""]
    base = Lexicon.default()
    lexicons: dict[tuple[tuple[str, str], ...], Any] = {}

    class Memo:
        """``base`` for ``run_phrases``: one lexicon per known list, so that every setting
        reads the same checks from the cache."""

        def with_known(self, known: Sequence[tuple[str, str]]) -> Any:
            key = tuple(sorted(known))
            if key not in lexicons:
                lexicons[key] = base.with_known(known)
            return lexicons[key]

    memo = Memo()

    def detector(lexicon: Any, threshold: float = bc.THRESHOLD) -> Callable[[str], Any]:
        lex = base if lexicon is memo else lexicon

        def run(text: str) -> Any:
            key = (id(lex), text)
            if key not in cache:
                cache[key] = rec.check(text, lex)
            r, per = cache[key]
            spans = tuple(bc.Span(f.start, f.end, f.suggestion) for f in per[current[0]])
            return bc.Verdict(float(r.score), bool(r.spun), spans, int(r.n_words))
        return run

    rows: list[list[Any]] = []
    real_sample, real_detector = bc.sample_indices, bc.unspin_detector
    bc.sample_indices = lambda total, limit, seed: sorted(chosen)  # type: ignore[assignment]
    bc.unspin_detector = detector  # type: ignore[assignment]
    try:
        for name in rec.settings:
            current[0] = name
            for cond, m in bc.run_phrases(pairs, limit=n, seed=bc.DEFAULT_SEED, base_lexicon=memo).items():
                if cond.startswith("unspin"):
                    rows.append([name, cond.split("/", 1)[1], m.recall, m.fpr, m.precision, m.suggestion_exact])
    finally:
        bc.sample_indices, bc.unspin_detector = real_sample, real_detector
    return rows


def news_rows(rec: Recorder, part: str, n: int, simulators: Sequence[str], rate: float) -> list[list[Any]]:
    """Per setting and condition: findings per 1,000 words (clean), words found, restored
    exactly, suggestion precision (spun)."""
    from unspin import Lexicon

    ref, test = bc.split_articles(load_articles(data_dir(None)), bc.DEFAULT_SEED)
    articles = (ref if part == "tune" else test)[:n]
    lex = Lexicon.default()
    conds: list[tuple[str, Any]] = [("clean", None)] + [(s, make_simulator(s)) for s in simulators]
    # per (condition, setting): edits (clean: findings), found, exact, suggestions, exact suggestions, clean words
    tally = {(c, s): [0, 0, 0, 0, 0, 0] for c, _ in conds for s in rec.settings}
    for k, a in enumerate(articles):
        for cond, sim in conds:
            if sim is None:
                text, edits = a.text, []
            else:
                spun = sim.spin(a.text, rate=rate, seed=bc.spin_seed(a.id, rate, bc.DEFAULT_SEED))
                text, edits = spun.text, [bc.Edit(s.start, s.end, (s.original,)) for s in spun.substitutions]
            r, per = rec.check(text, lex)
            for name, fs in per.items():
                t = tally[(cond, name)]
                if sim is None:
                    t[0] += len(fs)
                    t[5] += r.n_words
                    continue
                res = bc.judge_edits(text, [bc.Span(f.start, f.end, f.suggestion) for f in fs], edits)
                t[0] += len(edits)
                t[1] += sum(c for c, _ in res)
                t[2] += sum(e for _, e in res)
                if cond == "phrases":  # the share of the hand-written table's swaps (evaluation only)
                    table = [k for k, s in enumerate(spun.substitutions) if s.replacement.lower()
                             in PHRASE_SWAPS.get(" ".join(s.original.lower().split()), ())]
                    u = tally.setdefault(("phrases (table swaps only)", name), [0, 0, 0, 0, 0, 0])
                    u[0] += len(table)
                    u[1] += sum(res[k][0] for k in table)
                    u[2] += sum(res[k][1] for k in table)
                sugg = [f for f in fs if f.suggestion]
                t[3] += len(sugg)
                t[4] += sum(any((e.start, e.end) == (f.start, f.end)
                                and f.suggestion.casefold() == e.accepted[0].casefold() for e in edits) for f in sugg)
        print(f"  news {k + 1}/{len(articles)}", file=sys.stderr, flush=True)
    rows = []
    for (cond, name), t in tally.items():
        if cond == "clean":
            rows.append([name, cond, 1000 * t[0] / max(t[5], 1), None, None, None])
        else:
            rows.append([name, f"{cond} {rate:.0%}", None, t[1] / max(t[0], 1), t[2] / max(t[0], 1),
                         t[4] / t[3] if t[3] else None])
    return rows


def _fmt(v: Any) -> str:
    return "" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=("tune", "report"), default="report")
    ap.add_argument("--pairs", type=int, default=60, help="tortured-phrase pairs scored (0: none)")
    ap.add_argument("--articles", type=int, default=8, help="BBC articles, each clean and spun (0: none)")
    ap.add_argument("--vetos", default="0,2", help="comma-separated veto gains (nats)")
    ap.add_argument("--phrases", default="", help="comma-separated flag gains of the multiword pass (nats; "
                    "each a setting with the last veto); the pass reads its spans in every setting's run")
    ap.add_argument("--phrase-sources", default=None,
                    help="comma-separated thesauri the multiword pass reads (default: all; leave-one-out)")
    ap.add_argument("--simulators", default="fluent-mythes,moby-common,phrases,names")
    ap.add_argument("--rate", type=float, default=0.15)
    args = ap.parse_args(argv)
    settings: Settings = {"before": (False, None, None), "spans": (True, None, None)}
    vetos = [float(v) for v in args.vetos.split(",") if v.strip()]
    settings |= {f"veto={v:g}": (True, v, None) for v in vetos}
    settings |= {f"phrases={float(g):g}": (True, vetos[-1] if vetos else None, float(g))
                 for g in args.phrases.split(",") if g.strip()}
    t0 = time.perf_counter()
    with Recorder(settings, args.phrase_sources) as rec:
        if args.pairs:
            print(f"\n## tortured phrases, {args.part} sample ({args.pairs} pairs), model tier\n")
            print("| setting | known list | recall | expected flagged | precision | suggestion exact |")
            print("|---|---|---|---|---|---|")
            for row in phrase_rows(rec, args.part, args.pairs):
                print("| " + " | ".join(_fmt(v) for v in row) + " |", flush=True)
        if args.articles:
            sims = [s.strip() for s in args.simulators.split(",") if s.strip()]
            rows = news_rows(rec, args.part, args.articles, sims, args.rate)
            print(f"\n## BBC news, {args.part} half ({args.articles} articles), model tier\n")
            print("| setting | documents | findings / 1,000 clean words | words found | restored exact | "
                  "suggestion precision |")
            print("|---|---|---|---|---|---|")
            for row in sorted(rows, key=lambda r: (r[1] != "clean", r[1], list(settings).index(r[0]))):
                print("| " + " | ".join(_fmt(v) for v in row) + " |")
        if rec.phrases and rec.cost[0]:
            print(f"\nmultiword pass: {rec.cost[1]} phrase variants read over {rec.cost[0]} words checked, "
                  f"{rec.cost[2] / rec.cost[0]:.3f} extra model tokens read per word")
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
