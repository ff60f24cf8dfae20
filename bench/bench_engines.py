"""Local versus Spark ``unspin scan``: documents per second, peak memory, and whether they agree.

    PYTHONPATH=src python bench/bench_engines.py                       # 10,000 documents
    PYTHONPATH=src python bench/bench_engines.py --sizes 2500,5000,10000,100000
    PYTHONPATH=src python bench/bench_engines.py --max 1000000 --engines local:2,spark

Corpus: synthetic news articles from ``bench/scale.py``'s generator (300-500 words; article
``i`` depends only on the seed and ``i``); every ``--copy-every``-th document is a copy of an
earlier article, spun at 30% by ``bench/spinner.py`` (alternately verbatim), so the scan has
edges to find. Each corpus is written once to a Parquet file (``id``, ``text``) in a temporary
folder.

Engines: ``local`` (``unspin.engines.local.scan`` in one process), ``local:N`` (the same with ``N``
worker processes, ``scan(workers=N)``; its own index in a temporary SQLite file) and ``spark``.
Each engine runs in a fresh child process, timed from before reading the corpus to the
collected ``ScanResult`` (Spark: start-up of the session included, and reported separately).
Peak memory is the largest total RSS of the child's whole process tree (for Spark: the driver
interpreter, the JVM and the Python workers), sampled every 0.2 s. Both engines' verdicts and
edges are hashed; the ``agree`` column says whether the digests are equal.

Results: a table on stdout and ``bench/out/engines.json``. ``--sizes`` lists corpus sizes;
``--max N`` adds the sizes 10k, 100k, 1M... up to ``N``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

DEFAULT_SEED = 20240601


# =========================================================================== corpus


def write_corpus(n: int, path: Path, *, seed: int, copy_every: int) -> dict[str, Any]:
    """Generate ``n`` documents into a Parquet file; returns facts about the corpus."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from scale import ArticleGenerator, build_vocabulary, doc_id
    from spinner import Spinner

    spinner = Spinner.from_aiksaurus()
    gen = ArticleGenerator(build_vocabulary(lambda w: bool(spinner.synonyms(w))), seed)
    rng = random.Random(seed)
    writer = None
    ids: list[str] = []
    texts: list[str] = []
    copies = 0
    t0 = time.perf_counter()
    for i in range(n):
        if i >= copy_every and i % copy_every == copy_every - 1:
            src = rng.randrange(i)
            text = gen.article(src)
            if copies % 2 == 0:
                text = spinner.spin(text, rate=0.3, seed=zlib.crc32(f"{seed}|{i}".encode())).text
            copies += 1
        else:
            text = gen.article(i)
        ids.append(doc_id(i))
        texts.append(text)
        if len(ids) == 10000 or i == n - 1:
            table = pa.table({"id": ids, "text": texts})
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            ids, texts = [], []
    if writer is not None:
        writer.close()
    return {"documents": n, "copies": copies, "bytes": path.stat().st_size,
            "generate_s": time.perf_counter() - t0}


# =========================================================================== children


def digest(result: Any) -> str:
    """A hash of the verdicts and edges (scores rounded to 6 places)."""
    h = hashlib.sha256()
    for r in result.documents:
        h.update(f"{r.id}\t{r.spun}\t{round(r.score, 6)}\n".encode())
    for e in result.edges:
        h.update(f"{e.copy_id}\t{e.source_id}\t{e.relation}\t{round(e.score, 6)}\t{round(e.coverage, 6)}\t"
                 f"{e.n_substitutions}\t{e.direction}\n".encode())
    return h.hexdigest()[:16]


def child(engine: str, corpus: Path, master: str, partitions: int | None, result_path: Path) -> None:
    """Run one engine on the corpus; writes timings, counts and the digest as JSON."""
    t0 = time.perf_counter()
    out: dict[str, Any] = {"engine": engine}
    if engine.startswith("local"):
        import pyarrow.parquet as pq

        from unspin.engines.local import scan

        table = pq.read_table(corpus)
        docs = list(zip(table.column("id").to_pylist(), table.column("text").to_pylist(), strict=True))
        del table
        workers = int(engine.partition(":")[2] or 1)
        res = scan(docs, workers=workers)
        out["startup_s"] = 0.0
    else:
        from unspin.engines.spark import SparkScan, SparkScanOptions, spark_session

        spark = spark_session(master, conf={"spark.ui.showConsoleProgress": "false"})
        spark.sparkContext.setLogLevel("ERROR")
        out["startup_s"] = time.perf_counter() - t0
        run = SparkScan.run(spark, str(corpus), options=SparkScanOptions(partitions=partitions))
        res = run.scan_result(texts=False)
        out["stages_s"] = run.stats.seconds
        out["stats"] = {k: v for k, v in run.stats.to_dict().items() if k != "seconds"}
        run.close()
        spark.stop()
    out["total_s"] = time.perf_counter() - t0
    out["documents"] = len(res.documents)
    out["derived_edges"] = sum(e.relation == "derived" for e in res.edges)
    out["same_story_edges"] = sum(e.relation != "derived" for e in res.edges)
    out["clusters"] = len(res.clusters)
    out["digest"] = digest(res)
    result_path.write_text(json.dumps(out), encoding="utf-8")


# =========================================================================== memory


def tree_rss(root: int) -> int:
    """Total resident memory (bytes) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_child(engine: str, corpus: Path, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Run ``child`` in a fresh interpreter and sample its tree's memory."""
    result_path = tmp / f"{engine.replace(':', '-')}-{corpus.stem}.json"
    cmd = [sys.executable, __file__, "--child", engine, "--corpus", str(corpus), "--result", str(result_path),
           "--master", args.master] + (["--partitions", str(args.partitions)] if args.partitions else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} failed ({proc.returncode}):\n{err[-3000:]}")
    out = json.loads(result_path.read_text(encoding="utf-8"))
    out["peak_mb"] = peak / 2**20
    return out


# =========================================================================== main


def main(argv: Sequence[str] | None = None) -> int:
    from unspin.defaults import SPARK_MASTER

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000", help="comma-separated corpus sizes (default: 10000)")
    ap.add_argument("--max", type=int, default=0, help="also run 10k, 100k, 1M, ... up to this size")
    ap.add_argument("--engines", default="local,local:2,spark",
                    help="comma-separated: local (one process), local:N (N worker processes), spark")
    ap.add_argument("--master", default=SPARK_MASTER, help=f"Spark master (default: {SPARK_MASTER})")
    ap.add_argument("--partitions", type=int, default=None, help="Spark partitions (default: 4 per core)")
    ap.add_argument("--copy-every", type=int, default=10, help="every N-th document is a copy (default: 10)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", default=str(BENCH_DIR / "out" / "engines.json"))
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--result", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, Path(args.corpus), args.master, args.partitions, Path(args.result))
        return 0

    from bench_check import print_table

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} |
                   {10**k for k in range(4, 10) if 10**k <= args.max})
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="unspin-engines-") as tmp_name:
        tmp = Path(tmp_name)
        for n in sizes:
            corpus = tmp / f"corpus-{n}.parquet"
            facts = write_corpus(n, corpus, seed=args.seed, copy_every=args.copy_every)
            log(f"{n:,} documents ({facts['copies']:,} copies, {facts['bytes'] / 2**20:.0f} MB Parquet) generated "
                f"in {facts['generate_s']:.0f} s")
            for engine in engines:
                r = run_child(engine, corpus, args, tmp)
                r.update(size=n, corpus=facts)
                results.append(r)
                log(f"  {engine}: {r['total_s']:.0f} s, {n / r['total_s']:.0f} docs/s, peak {r['peak_mb']:.0f} MB, "
                    f"{r['derived_edges']} derived edges, digest {r['digest']}")
            corpus.unlink()
    digests: dict[int, set[str]] = {}
    for r in results:
        digests.setdefault(r["size"], set()).add(r["digest"])
    rows = []
    for r in results:
        scan_s = r["total_s"] - r["startup_s"]
        rows.append([r["size"], r["engine"], r["total_s"], r["startup_s"], r["size"] / r["total_s"],
                     r["size"] / scan_s, r["peak_mb"], r["derived_edges"], r["same_story_edges"],
                     "yes" if len(digests[r["size"]]) == 1 else "NO"])
    print_table(f"unspin scan: local engine vs Spark ({args.master}), synthetic news, 1 in {args.copy_every} a copy",
                ["docs", "engine", "total s", "startup s", "docs/s", "docs/s excl startup", "peak MB",
                 "derived", "same-story", "agree"], rows,
                note="peak MB = largest total RSS of the engine's process tree (Spark: driver, JVM, Python workers); "
                     "agree = identical verdicts and edges across engines")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"master": args.master, "partitions": args.partitions, "results": results}, indent=1),
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
