"""The semantic path's cost, and exact (numpy) against approximate (usearch) nearest neighbours.

    PYTHONPATH=src python bench/bench_semantic.py [--shared ../shared] [--queries 200] [--scale 1,8]

Measured on ``bbc-news.jsonl`` (see bench/README.md, "The semantic path"):

* **per article**: passage vectors (``unspin.core.semantic.passage_vectors``: sentences, quotes
  blanked, wordllama static vectors averaged) in ms per article, passages per article, and the
  bytes stored (float16, 2 bytes a dimension);
* **search**: for ``--queries`` articles' passages, the candidates ``rank_semantic`` computes
  (brute force over every stored passage, float32 matrix product) on the first 64 dimensions
  (``SemanticParams.search_dims``, the default) and on all 256, against an HNSW index of the
  same vectors (``usearch``, cosine, float16, its default connectivity, all 256 dimensions; only
  when ``usearch`` is importable: it is not a dependency of unspin), at each ``--scale``: the BBC
  passages (1) and that set repeated with small Gaussian noise (renormalised) to N times as many
  rows. Reported: build seconds, memory bytes per stored passage, query ms per article (all of
  its passages at once: for numpy the whole ``rank_semantic`` at the default thresholds, for
  usearch the search alone), and the share of the exact 10 nearest passages (by all 256
  dimensions) that each search returns as its 10 nearest (the 64-dimension search returns
  other near passages: what counts for it is whether the source *document* comes up, which
  ``bench/bench_partial.py`` measures).

The noise-tiled scales are synthetic: they time the search, and their recall is a lower bound
for real text (near-copies of each passage crowd each neighbourhood). JSON goes to
``bench/out/semantic.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from bench_check import print_table  # noqa: E402
from bench_trace import jsonable, percentile  # noqa: E402
from evaldata import BBC_FILE, data_dir, load_articles  # noqa: E402

K = 10  # neighbours per query passage (SemanticParams.neighbours)
NOISE = 0.05  # standard deviation per dimension of the tiled copies (unit vectors of 256 dims)


def tiled(matrix: np.ndarray, times: int, seed: int) -> np.ndarray:
    """``matrix`` and ``times - 1`` noisy copies of it, each row renormalised (float32)."""
    if times == 1:
        return matrix
    rng = np.random.default_rng(seed)
    parts = [matrix]
    for _ in range(times - 1):
        noisy = matrix + rng.normal(0.0, NOISE, size=matrix.shape).astype(np.float32)
        parts.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    return np.concatenate(parts)


def exact_top(queries: np.ndarray, matrix: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of the ``k`` nearest rows of ``matrix`` to each query (cosine; unit rows)."""
    sims = queries @ matrix.T
    return np.argpartition(-sims, k - 1, axis=1)[:, :k]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None, help="the shared folder holding data/")
    ap.add_argument("--queries", type=int, default=200, help="articles whose passages are the queries")
    ap.add_argument("--scale", default="1,8", help="comma-separated multiples of the BBC passages to search")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--out", default=str(BENCH_DIR / "out" / "semantic.json"))
    args = ap.parse_args(argv)
    data = data_dir(args.shared)
    if not (data / BBC_FILE).is_file():
        print(f"evaluation data not found: {data / BBC_FILE} (pass --shared or set UNSPIN_SHARED)")
        return 2
    from unspin.core.semantic import SemanticParams, VectorTable, pack_vectors, passage_vectors, rank_semantic
    from unspin.index import sentence_encoder

    encoder = sentence_encoder()
    articles = load_articles(data)
    texts = [a.text for a in articles]
    passage_vectors(texts[:20], encoder)  # warm up
    t0 = time.perf_counter()
    vecs = passage_vectors(texts, encoder)
    encode_s = time.perf_counter() - t0
    blobs = [pack_vectors(v) for v in vecs]
    res: dict[str, Any] = {"per_article": {
        "articles": len(texts), "encode_ms": 1000 * encode_s / len(texts),
        "passages": sum(len(v) for v in vecs) / len(texts),
        "bytes": sum(len(b) for b in blobs) / len(texts)}}
    pa = res["per_article"]
    print_table("The semantic path per article (all of bbc-news.jsonl)",
                ["articles", "encode ms/article", "passages/article", "vector bytes/article (float16)"],
                [[pa["articles"], pa["encode_ms"], pa["passages"], pa["bytes"]]])

    try:
        from usearch.index import Index as UIndex
    except ImportError:
        UIndex = None
        print("\n  (usearch is not importable: exact search only)")
    full = np.concatenate([v for v in vecs if len(v)])
    sizes = [len(v) for v in vecs if len(v)]
    base_ids = [str(i) for i, v in enumerate(vecs) if len(v)]
    picks = random.Random(args.seed).sample(range(len(texts)), min(args.queries, len(texts)))
    queries = [vecs[i] for i in picks if len(vecs[i])]
    rows = []
    res["search"] = []
    for scale in (int(x) for x in args.scale.split(",")):
        matrix = tiled(full, scale, args.seed)
        ids = [f"{k}:{i}" for k in range(scale) for i in base_ids]
        truth = [exact_top(q, matrix, K) for q in queries]
        entry: dict[str, Any] = {"scale": scale, "passages": len(matrix)}
        for dims in (64, encoder.dim):
            t0 = time.perf_counter()
            table = VectorTable.from_matrix(ids, sizes * scale, matrix, search_dims=dims)
            build_np = time.perf_counter() - t0
            params = SemanticParams(search_dims=dims)
            lat_np = []
            for q in queries:
                t = time.perf_counter()
                rank_semantic(q, table, params=params)
                lat_np.append(1000 * (time.perf_counter() - t))
            hits = 0
            for q, tr in zip(queries, truth, strict=True):
                head = q[:, :dims] / np.linalg.norm(q[:, :dims], axis=1, keepdims=True)
                for row, exact in zip(exact_top(head, table.search, K), tr, strict=True):
                    hits += len(set(row.tolist()) & set(exact.tolist()))
            recall = hits / (K * sum(len(q) for q in queries))
            per = (table.matrix.nbytes + table.search.nbytes) / len(matrix)
            entry[f"numpy_{dims}"] = {"build_s": build_np, "bytes_per_passage": per,
                                      "query_p50_ms": percentile(lat_np, 50), "query_p95_ms": percentile(lat_np, 95),
                                      "recall_at_10": recall}
            rows.append([f"numpy exact, {dims} dims, x{scale}", len(matrix), build_np, per, percentile(lat_np, 50),
                         percentile(lat_np, 95), recall])
        if UIndex is not None:
            t0 = time.perf_counter()
            uidx = UIndex(ndim=encoder.dim, metric="cos", dtype="f16")
            uidx.add(np.arange(len(matrix)), matrix, threads=1)
            build_u = time.perf_counter() - t0
            lat_u = []
            hits = total = 0
            for q in queries:
                t = time.perf_counter()
                uidx.search(q, K, threads=1)
                lat_u.append(1000 * (time.perf_counter() - t))
            for q, tr in zip(queries, truth, strict=True):
                found = uidx.search(q, K, threads=1)
                keys = found.keys if q.ndim == 2 else [found.keys]
                for row, exact in zip(keys, tr, strict=True):
                    hits += len(set(np.asarray(row).tolist()) & set(exact.tolist()))
                    total += K
            recall = hits / total if total else float("nan")
            per = uidx.memory_usage / len(matrix)
            entry["usearch"] = {"build_s": build_u, "bytes_per_passage": per, "query_p50_ms": percentile(lat_u, 50),
                                "query_p95_ms": percentile(lat_u, 95), "recall_at_10": recall}
            rows.append([f"usearch HNSW x{scale}", len(matrix), build_u, per, percentile(lat_u, 50),
                         percentile(lat_u, 95), recall])
            del uidx
        res["search"].append(entry)
    print_table(f"Nearest passages: {len(queries)} articles' passages as queries, {K} neighbours each",
                ["search", "passages", "build s", "bytes/passage in memory", "query p50 ms", "query p95 ms",
                 "recall of exact top 10"], rows,
                note="x1: the BBC passages; xN: N noisy copies of them (synthetic, for timing); one thread")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(jsonable(res), indent=1), encoding="utf-8")
    print(f"\n  (JSON: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
