"""Fast tier: CPU articles per second of ``unspin.api.check`` (``tier="fast"``), and a golden check.

    PYTHONPATH=src python bench/bench_fast_speed.py                     # CPU articles/s, 3 repeats
    PYTHONPATH=src python bench/bench_fast_speed.py --whole 1000        # + a fresh process, 1,000 articles
    PYTHONPATH=src python bench/bench_fast_speed.py --golden bench/out/fast-golden.jsonl  # write
    PYTHONPATH=src python bench/bench_fast_speed.py --compare bench/out/fast-golden.jsonl # compare

Speed is CPU time of this process (``time.process_time``), not wall-clock time: the machine is
shared, and CPU seconds are what a core spends. The workload is the first ``--articles`` clean
BBC articles of the test half of ``bench_check.split_articles`` (newswire, ~300-500 words),
checked ``--repeats`` times after one warm pass; the fastest pass is reported, with
``Lexicon.default()``'s load time apart. ``--whole N`` also runs a fresh Python process that
loads the lexicon and checks N articles (the test half, cycled), and reports its CPU articles/s
including the load: what a ``unspin check`` of N files costs.

The golden set (``--golden`` writes it, ``--compare`` checks the current code against it, byte
for byte): ``--golden-articles`` test articles clean and spun at 15% and 40% by every simulator
of ``bench/spinner.py``, the texts of ``examples/``, and a third of them again with a lexicon that
knows every tortured phrase of the development list plus ``examples/known-phrases.csv``. One line
per document: its name, then ``json.dumps(result.to_dict(exact=True), sort_keys=True)``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_check import DEFAULT_SEED, ensure_unspin_importable, split_articles  # noqa: E402
from evaldata import REPO_ROOT, data_dir, load_articles, load_pairs  # noqa: E402

GOLDEN_RATES = (0.15, 0.4)


def test_texts(seed: int = DEFAULT_SEED) -> list[tuple[str, str]]:
    """``(id, text)`` of the test half of the BBC articles, in ``split_articles`` order."""
    _ref, test = split_articles(load_articles(data_dir()), seed)
    return [(a.id, a.text) for a in test]


def golden_documents(n_articles: int, seed: int = DEFAULT_SEED) -> Iterator[tuple[str, str]]:
    """``(name, text)`` of the golden set without a known list (see the module docstring)."""
    from spinner import SIMULATORS, make_simulator

    articles = test_texts(seed)[:n_articles]
    yield from ((f"clean/{i}", t) for i, t in articles)
    for sim in SIMULATORS:
        spinner = make_simulator(sim)
        for rate in GOLDEN_RATES:
            for i, t in articles:
                spun = spinner.spin(t, rate=rate, seed=zlib.crc32(f"{seed}|{i}|{rate}|{sim}".encode()))
                yield f"{sim}@{rate}/{i}", spun.text
    for p in sorted((REPO_ROOT / "examples").glob("*.txt")):
        yield f"examples/{p.name}", p.read_text(encoding="utf-8")


def known_lexicon(lex: Any) -> Any:
    """``lex`` knowing the development tortured phrases and ``examples/known-phrases.csv``."""
    pairs = [(p.tortured, p.expected) for p in load_pairs(data_dir())]
    with open(REPO_ROOT / "examples" / "known-phrases.csv", encoding="utf-8", newline="") as fh:
        pairs += [(r["tortured_phrase"], r["expected_phrase"]) for r in csv.DictReader(fh)]
    return lex.with_known(pairs)


def golden_lines(n_articles: int) -> Iterator[str]:
    """One line per golden document: ``name<TAB>exact JSON of the fast check``."""
    from unspin.api import CheckConfig, check
    from unspin.lexicon.model import Lexicon

    config = CheckConfig(tier="fast")
    plain = Lexicon.default()
    known = known_lexicon(plain)
    docs = list(golden_documents(n_articles))
    runs = [("", plain, docs), ("known:", known, docs[::3])]
    for prefix, lex, batch in runs:
        for name, text in batch:
            r = check(text, lexicon=lex, config=config)
            yield f"{prefix}{name}\t{json.dumps(r.to_dict(exact=True), sort_keys=True)}"


def compare(path: Path, n_articles: int) -> int:
    """Compare the current code's golden lines with ``path``; print the result; exit status."""
    want = path.read_text(encoding="utf-8").splitlines()
    got = list(golden_lines(n_articles))
    diff = [w.split("\t", 1)[0] for w, g in zip(want, got, strict=False) if w != g]
    if len(want) != len(got):
        print(f"golden: {len(want)} documents, now {len(got)}")
        return 1
    if diff:
        print(f"golden: {len(diff)} of {len(want)} documents differ, first: {', '.join(diff[:5])}")
        return 1
    print(f"golden: all {len(want)} documents byte-identical")
    return 0


def cpu_rate(n_articles: int, repeats: int) -> dict[str, float]:
    """CPU articles/s of the fast check on the first ``n_articles`` test articles: the load of
    ``Lexicon.default()`` (CPU s), and the fastest of ``repeats`` passes after a warm one, with
    the garbage collector paused during a pass."""
    ensure_unspin_importable()
    from unspin.api import CheckConfig, check
    from unspin.lexicon.model import Lexicon

    texts = [t for _i, t in test_texts()[:n_articles]]
    config = CheckConfig(tier="fast")
    t0 = time.process_time()
    lex = Lexicon.default()
    load = time.process_time() - t0
    for t in texts:
        check(t, lexicon=lex, config=config)
    best = float("inf")
    for _ in range(repeats):
        gc.disable()
        t0 = time.process_time()
        for t in texts:
            check(t, lexicon=lex, config=config)
        best = min(best, time.process_time() - t0)
        gc.enable()
    words = sum(len(t.split()) for t in texts) / len(texts)
    return {"articles": len(texts), "load_cpu_s": load, "best_pass_cpu_s": best,
            "articles_per_cpu_s": len(texts) / best, "mean_words": words}


def whole_child(n: int) -> None:
    """Run in a fresh process: load the lexicon, check ``n`` articles, print CPU seconds (JSON)."""
    texts = [t for _i, t in test_texts()]
    ensure_unspin_importable()
    t0 = time.process_time()
    from unspin.api import CheckConfig, check
    from unspin.lexicon.model import Lexicon

    lex = Lexicon.default()
    config = CheckConfig(tier="fast")
    for k in range(n):
        check(texts[k % len(texts)], lexicon=lex, config=config)
    print(json.dumps({"articles": n, "cpu_s": time.process_time() - t0}))


def whole_process(n: int) -> dict[str, float]:
    """CPU articles/s of a fresh process checking ``n`` articles, import and lexicon load included
    (reading the BBC file is not counted)."""
    out = subprocess.run([sys.executable, __file__, "--whole-child", str(n)], check=True, capture_output=True,
                         text=True)
    d = json.loads(out.stdout.strip().splitlines()[-1])
    return {"articles": n, "cpu_s": d["cpu_s"], "articles_per_cpu_s": n / d["cpu_s"]}


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--whole", type=int, default=0, metavar="N")
    ap.add_argument("--whole-child", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--golden", type=Path, help="write the golden file")
    ap.add_argument("--compare", type=Path, help="compare with the golden file")
    ap.add_argument("--golden-articles", type=int, default=60)
    args = ap.parse_args(argv)
    ensure_unspin_importable()
    if args.whole_child:
        whole_child(args.whole_child)
        return 0
    if args.golden:
        args.golden.parent.mkdir(parents=True, exist_ok=True)
        lines = list(golden_lines(args.golden_articles))
        args.golden.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"golden: {len(lines)} documents written to {args.golden}")
        return 0
    if args.compare:
        return compare(args.compare, args.golden_articles)
    print(json.dumps(cpu_rate(args.articles, args.repeats)))
    if args.whole:
        print(json.dumps(whole_process(args.whole)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
