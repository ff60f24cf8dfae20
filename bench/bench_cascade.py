"""The ``cascade`` tier: how much model work each clearing cut saves, and what it lets through.

    PYTHONPATH=src python bench/bench_cascade.py --half tune            # where CASCADE_CLEAR was read off
    PYTHONPATH=src python bench/bench_cascade.py --half report --articles 400

At the ``cascade`` tier ``check`` runs the fast tier on every document and the language model
only on those whose fast score reaches ``CheckConfig.cascade_clear``. A document cleared below
the cut keeps the fast tier's verdict (clean), so a spun document cleared there is missed
whatever the model would have said. This script reads the fast tier alone (hundreds of
articles per second): per cut, the share of clean BBC articles cleared (the model work saved on
a clean crawl) and, per simulator and rate, the share of spun articles cleared (an upper bound
on the recall the cascade loses against the model tier). Baseline: the ``model`` tier, which
clears nothing (cut 0).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_check import DEFAULT_SEED, print_table, spin_seed, split_articles  # noqa: E402
from evaldata import data_dir, load_articles  # noqa: E402
from spinner import SIMULATORS, make_simulator  # noqa: E402

CUTS = (0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.05)
RATES = (0.08, 0.15)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--half", choices=("tune", "report"), default="report")
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--shared", default=None)
    args = ap.parse_args(argv)

    from unspin import CheckConfig, api
    from unspin.core.config import CASCADE_CLEAR
    from unspin.lexicon import Lexicon

    ref, test = split_articles(load_articles(data_dir(args.shared)), DEFAULT_SEED)
    articles = (ref if args.half == "tune" else test)[: args.articles]
    lex, cfg = Lexicon.default(), CheckConfig(tier="fast")

    def scores(texts: list[str]) -> list[float]:
        return [api.check(t, lexicon=lex, config=cfg).score for t in texts]

    def cleared(values: list[float], cut: float) -> float:
        return sum(v < cut for v in values) / len(values)

    clean = scores([a.text for a in articles])
    rows = [["clean news (work saved)", *(cleared(clean, c) for c in CUTS)]]
    for name in SIMULATORS:
        sim = make_simulator(name)
        for rate in RATES:
            spun = scores([sim.spin(a.text, rate=rate, seed=spin_seed(a.id, rate, DEFAULT_SEED)).text
                           for a in articles])
            rows.append([f"{name} {rate:.0%} (spun cleared)", *(cleared(spun, c) for c in CUTS)])
    print_table(f"cascade: share of documents cleared by the fast tier ({args.half} half, n={len(articles)})",
                ["documents", *(f"cut {c}" for c in CUTS)], rows,
                note=f"default cut CASCADE_CLEAR = {CASCADE_CLEAR}; baseline: the model tier clears none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
