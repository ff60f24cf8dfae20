"""Partial reuse: a share of a source's sentences copied into another article, found or not.

    PYTHONPATH=src python bench/bench_partial.py [--shared ../shared] [--half report|tune] [--n 40] [--quick]
                                                 [--no-semantic]

Fixtures (issue 15, "Evaluation"), built from ``bbc-news.jsonl`` and seeded:

* the articles are split in two halves by a hash of their id: ``--half tune`` draws every
  fixture from one half (use it to choose parameters), ``--half report`` (the default) from the
  other (the numbers to report). The index always holds every article except the hosts;
* a **host** is an article removed from the index (with its near-duplicates: articles holding
  20% or more of its word 5-grams); a
  **source** is an indexed article of another topic;
* a fixture takes ``share`` (30%, 50%, 70%, 100%) of the source's sentences (a contiguous run,
  seeded start) and inserts them as one block at a seeded position among the host's
  sentences, at three strengths: ``cut`` (verbatim), ``light`` (``bench/spinner.py`` swaps 15%
  of the eligible words, then the taken sentences are shuffled) and ``heavy``
  (``bench/rewrite.py``: 40% of the units swapped by the phrase simulator, reported speech and
  closing time phrases turned around, clauses split and short sentences merged, shuffled; the
  names and numbers kept);
* **negatives**: each host traced as it is (an independent article never indexed; the index
  holds many articles of its topic). Calling one ``derived`` is a false positive;
* **real same-story sentences** (``mrpc-train.jsonl``, human-judged pairs from news of one
  event, split by the same hash of ``id1``): documents of 8 label-0 pairs ("related, not
  equivalent"), side 1 indexed, side 2 traced: any ``derived`` match is a false positive; and
  documents of 8 label-1 pairs (human paraphrases): recall@1 as ``derived``.

* **paraphrased passages in a host**: the 8 side-2 sentences of a label-1 MRPC document inserted
  as one block at a seeded position among a host's sentences (hosts reused in turn): recall@1
  as ``derived`` to the side-1 document.

Every query is traced twice in the same run: ``before``, the default ``TraceConfig()`` (an index
built without passage vectors), and ``after``, ``TraceConfig(semantic=SemanticParams())`` (the
semantic path, ``unspin.core.semantic``; the same documents indexed again with their passage
vectors). ``--no-semantic`` skips the second.

Reported: recall@1 as ``derived`` (the top match is the source, or an article of the same text,
and its relation is ``derived``) by strength and share; negatives called ``derived``; for the
datasketch ``MinHashLSH`` baseline (word 5-gram shingles, threshold 0.5, 128 permutations, as in
``bench_trace.py``) on the same index and queries: recall@1 (top LSH candidate) and negatives
with any candidate. Also ingest rate and index size per article (SQLite, temporary file) and
query latency for each. JSON goes to ``bench/out/partial.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from bench_check import fmt, print_table  # noqa: E402
from bench_trace import (  # noqa: E402
    MinHashBaseline,
    disk_bytes,
    duplicate_groups,
    index_class,
    jsonable,
    percentile,
    time_baseline_ingest,
    word_shingles,
)
from evaldata import BBC_FILE, Article, data_dir, load_articles  # noqa: E402
from rewrite import SpinnerLike, heavy_rewrite  # noqa: E402
from spinner import Spinner, phrase_spinner  # noqa: E402

DEFAULT_SEED = 20261203
SHARES: tuple[float, ...] = (0.3, 0.5, 0.7, 1.0)
STRENGTHS: tuple[str, ...] = ("cut", "light", "heavy")
LIGHT_RATE = 0.15
NEAR_DUP = 0.2
_SENT_RE = re.compile(r"(?<=[.!?\"'])\s+(?=[A-Z\"'])")


def half_of(article_id: str) -> str:
    """``tune`` or ``report``: a stable split of the articles by a hash of the id."""
    return "tune" if zlib.crc32(article_id.encode()) % 2 == 0 else "report"


def split_sentences(text: str) -> list[str]:
    """Sentences of a BBC article (paragraphs, then sentence ends); never empty strings."""
    out: list[str] = []
    for para in text.split("\n"):
        out += [s.strip() for s in _SENT_RE.split(para) if s.strip()]
    return out


def near_duplicates(host: Article, articles: Sequence[Article]) -> set[str]:
    """``host`` and every article holding at least ``NEAR_DUP`` of its word 5-grams (BBC News
    re-published some stories with small edits): all are kept out of the index, so that a
    host is an independent text."""
    own = set(word_shingles(host.text))
    return {a.id for a in articles
            if a.id == host.id or len(own & set(word_shingles(a.text))) >= NEAR_DUP * max(1, len(own))}


@dataclass(frozen=True)
class Fixture:
    """One query: ``share`` of ``source_id``'s sentences embedded in host ``host_id`` at ``strength``."""

    strength: str
    share: float
    source_id: str
    host_id: str
    text: str
    taken_words: int


def make_fixture(source: Article, host: Article, *, strength: str, share: float, spinner: Spinner,
                 seed: int, rewriter: SpinnerLike | None = None) -> Fixture:
    """Take ``share`` of ``source``'s sentences (a contiguous run) and insert them as one block
    into ``host``'s sentences; ``light`` spins the taken sentences and shuffles them, ``heavy``
    rewrites them (``rewrite.heavy_rewrite`` with ``rewriter``, default the phrase simulator)."""
    rng = random.Random(seed)
    src = split_sentences(source.text)
    n = max(1, round(share * len(src)))
    start = rng.randrange(0, len(src) - n + 1)
    taken = src[start : start + n]
    if strength == "light":
        taken = [spinner.spin(s, rate=LIGHT_RATE, seed=seed + k).text for k, s in enumerate(taken)]
        rng.shuffle(taken)
    elif strength == "heavy":
        taken = heavy_rewrite(taken, spinner=rewriter or phrase_spinner(), seed=seed)
    elif strength != "cut":
        raise ValueError(f"unknown strength {strength!r}")
    body = split_sentences(host.text)
    at = rng.randrange(0, len(body) + 1)
    text = " ".join(body[:at] + taken + body[at:])
    return Fixture(strength, share, source.id, host.id, text, sum(len(s.split()) for s in taken))


def build(articles: Sequence[Article], *, half: str, n: int, seed: int,
          spinner: Spinner, rewriter: SpinnerLike | None = None) -> tuple[list[Article], list[Fixture]]:
    """The hosts (``n``, removed from the index) and every fixture, all drawn from ``half``."""
    rng = random.Random(seed)
    pool = sorted((a for a in articles if half_of(a.id) == half and len(split_sentences(a.text)) >= 6),
                  key=lambda a: a.id)
    hosts = rng.sample(pool, n)
    host_ids = {i for h in hosts for i in near_duplicates(h, articles)}
    sources = [a for a in pool if a.id not in host_ids]
    fixtures = []
    rewriter = rewriter or phrase_spinner()
    for k, host in enumerate(hosts):
        others = [a for a in sources if a.topic != host.topic]
        source = others[rng.randrange(len(others))]
        for strength in STRENGTHS:
            for share in SHARES:
                fixtures.append(make_fixture(source, host, strength=strength, share=share, spinner=spinner,
                                             seed=seed * 31 + k * 997 + int(share * 100), rewriter=rewriter))
    return hosts, fixtures


MRPC_FILE = "mrpc-train.jsonl"
MRPC_PER_DOC = 8  # sentence pairs per MRPC document


def mrpc_documents(data: Path, *, half: str, label: int, n: int, seed: int) -> list[tuple[str, str, str]]:
    """``n`` (id, side-1 text, side-2 text) documents of ``MRPC_PER_DOC`` MRPC pairs of ``label``
    each, pairs drawn from ``half`` (by a hash of ``id1``): each side joins its sentences in the
    same order. Label 0 (same-story sentences, "related, not equivalent"): side 2 must not be
    called a copy of side 1; label 1 (human paraphrases): it is a rewrite of side 1."""
    path = data / MRPC_FILE
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as f:
        rows = [r for r in map(json.loads, f) if r["label"] == label and half_of(str(r["id1"])) == half]
    rng = random.Random(seed * 7 + label)
    rng.shuffle(rows)
    docs = []
    for k in range(min(n, len(rows) // MRPC_PER_DOC)):
        part = rows[k * MRPC_PER_DOC:(k + 1) * MRPC_PER_DOC]
        docs.append((f"mrpc-{label}-{k}", " ".join(r["sentence1"] for r in part),
                     " ".join(r["sentence2"] for r in part)))
    return docs


def embed_passages(mrpc: Sequence[tuple[str, str, str]], hosts: Sequence[Article], *,
                   seed: int) -> list[tuple[str, str]]:
    """(side-1 id, query) per MRPC document: its side-2 sentences (a human paraphrase of the
    indexed side 1) inserted as one block at a seeded position among a host's sentences, hosts
    taken in turn."""
    rng = random.Random(seed * 13)
    out = []
    for k, (doc_id, _side1, side2) in enumerate(mrpc):
        body = split_sentences(hosts[k % len(hosts)].text)
        at = rng.randrange(0, len(body) + 1)
        out.append((doc_id, " ".join([*body[:at], side2, *body[at:]])))
    return out


@dataclass
class Traced:
    """What one configuration found for every query of the run."""

    found: list[tuple[str, str, float]]
    latency_ms: list[float]
    negatives: list[Any]
    mrpc: dict[int, list[tuple[str, Any]]]
    embedded: list[tuple[str, Any]]


def trace_all(idx: Any, fixtures: Sequence[Fixture], hosts: Sequence[Article],
              mrpc: dict[int, list[tuple[str, str, str]]], embedded: Sequence[tuple[str, str]]) -> Traced:
    """Trace every query of the run with one index (one configuration)."""
    idx.trace(hosts[0].text, id="warm-up")
    lat: list[float] = []
    found: list[tuple[str, str, float]] = []
    for f in fixtures:
        t = time.perf_counter()
        r = idx.trace(f.text, id=f.host_id)
        lat.append((time.perf_counter() - t) * 1000)
        top = r.matches[0] if r.matches else None
        found.append((top.source_id, top.relation, top.coverage) if top else ("", "", 0.0))
    neg = [idx.trace(h.text, id=h.id) for h in hosts]
    mrpc_traced = {label: [(i, idx.trace(side2, id=f"{i}-side2")) for i, _s1, side2 in mrpc[label]]
                   for label in (0, 1)}
    emb = [(i, idx.trace(text, id=f"{i}-in-host")) for i, text in embedded]
    return Traced(found, lat, neg, mrpc_traced, emb)


def _derived_at_1(results: Sequence[tuple[str, Any]]) -> float:
    return (sum(bool(r.matches) and r.matches[0].source_id == i and r.matches[0].relation == "derived"
                for i, r in results) / len(results)) if results else float("nan")


def _any_derived(results: Sequence[Any]) -> int:
    return sum(any(m.relation == "derived" for m in r.matches) for r in results)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None, help="the shared folder holding data/")
    ap.add_argument("--half", choices=("report", "tune"), default="report",
                    help="which half of the articles the fixtures come from (tune on one, report the other)")
    ap.add_argument("--n", type=int, default=40, help="hosts (= sources per cell and negatives)")
    ap.add_argument("--quick", action="store_true", help="--n 12")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", default=str(BENCH_DIR / "out" / "partial.json"))
    ap.add_argument("--no-semantic", action="store_true", help="trace with the default configuration only")
    args = ap.parse_args(argv)
    n = 12 if args.quick else args.n
    data = data_dir(args.shared)
    if not (data / BBC_FILE).is_file():
        print(f"evaluation data not found: {data / BBC_FILE} (pass --shared or set UNSPIN_SHARED)")
        return 2
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    articles = load_articles(data)
    groups = duplicate_groups(articles)
    spinner = Spinner.from_aiksaurus()
    hosts, fixtures = build(articles, half=args.half, n=n, seed=args.seed, spinner=spinner)
    host_ids = {i for h in hosts for i in near_duplicates(h, articles)}
    docs = [(a.id, a.text) for a in articles if a.id not in host_ids]
    mrpc = {label: mrpc_documents(data, half=args.half, label=label, n=n, seed=args.seed) for label in (0, 1)}
    docs += [(i, side1) for label in (0, 1) for i, side1, _side2 in mrpc[label]]
    embedded = embed_passages(mrpc[1], hosts, seed=args.seed)
    Index = index_class()
    from unspin.core.config import TraceConfig
    from unspin.core.semantic import SemanticParams
    configs = {"before": TraceConfig()}
    if not args.no_semantic:
        configs["after"] = TraceConfig(semantic=SemanticParams())
    res: dict[str, Any] = {"meta": {"half": args.half, "n": n, "seed": args.seed, "indexed": len(docs),
                                    "configs": {k: c.to_dict() for k, c in configs.items()}}, "ingest": {}}
    traced: dict[str, Traced] = {}
    text_bytes = sum(len(t.encode()) for _i, t in docs)
    with tempfile.TemporaryDirectory(prefix="unspin-partial-") as tmp:
        for name, cfg in configs.items():
            db = Path(tmp) / f"partial-{name}.sqlite"
            log(f"indexing {len(docs)} articles ({name})")
            t0 = time.perf_counter()
            idx = Index.open(db, config=cfg)
            idx.add(docs)
            ingest_s = time.perf_counter() - t0
            idx.close()
            size = disk_bytes(db)
            res["ingest"][name] = {"unspin_docs_per_s": len(docs) / ingest_s,
                                   "ingest_ms_per_doc": 1000 * ingest_s / len(docs),
                                   "bytes_per_doc_excl_text": (size - text_bytes) / len(docs),
                                   "bytes_per_doc_incl_text": size / len(docs)}
            idx = Index.open(db, config=cfg)
            try:
                log(f"tracing {len(fixtures)} fixtures, {len(hosts)} negatives, MRPC documents ({name})")
                traced[name] = trace_all(idx, fixtures, hosts, mrpc, embedded)
            finally:
                idx.close()
    base_s = time_baseline_ingest(docs)
    res["ingest"]["datasketch_docs_per_s"] = len(docs) / base_s
    bl = MinHashBaseline()
    bl.add(docs)
    bl_lat: list[float] = []
    bl_top: list[str] = []
    for f in fixtures:
        t = time.perf_counter()
        ranked = bl.query(f.text)
        bl_lat.append((time.perf_counter() - t) * 1000)
        bl_top.append(ranked[0][0] if ranked else "")
    bl_neg = sum(bool(bl.query(h.text)) for h in hosts)

    names = list(traced)
    rows = []
    cells: dict[str, Any] = {}
    for strength in STRENGTHS:
        for share in SHARES:
            ks = [k for k, f in enumerate(fixtures) if f.strength == strength and f.share == share]
            in_query = sum(fixtures[k].taken_words / len(fixtures[k].text.split()) for k in ks) / len(ks)
            cell: dict[str, Any] = {"n": len(ks), "share_of_query_from_source": in_query,
                                    "datasketch_recall_at_1": sum(bl_top[k] in groups[fixtures[k].source_id]
                                                                  for k in ks) / len(ks)}
            for name in names:
                found = traced[name].found
                cell[name] = {
                    "recall_at_1_derived": sum(found[k][0] in groups[fixtures[k].source_id] and found[k][1] == "derived"
                                               for k in ks) / len(ks),
                    "top1_any_relation": sum(found[k][0] in groups[fixtures[k].source_id] for k in ks) / len(ks)}
            cells[f"{strength} {round(share * 100)}%"] = cell
            rows.append([strength, f"{round(share * 100)}%", len(ks), in_query]
                        + [cell[name]["recall_at_1_derived"] for name in names] + [cell["datasketch_recall_at_1"]])
    res["cells"] = cells
    res["negatives"] = {"n": len(hosts), "datasketch_any_candidate": bl_neg}
    res["mrpc"] = {"same_story_docs": len(mrpc[0]), "paraphrase_docs": len(mrpc[1])}
    res["latency"] = {"datasketch_p50_ms": percentile(bl_lat, 50)}
    for name in names:
        t = traced[name]
        res["negatives"][name] = {
            "unspin_called_derived": _any_derived(t.negatives),
            "unspin_derived_examples": [[r.id, m.source_id, round(m.score, 3)] for r in t.negatives
                                        for m in r.matches if m.relation == "derived"][:10]}
        res["mrpc"][name] = {
            "same_story_called_derived": _any_derived([r for _i, r in t.mrpc[0]]),
            "paraphrase_recall_at_1_derived": _derived_at_1(t.mrpc[1]),
            "paraphrase_in_host_recall_at_1_derived": _derived_at_1(t.embedded),
            "same_story_derived_examples": [[i, m.source_id, round(m.score, 3)] for i, r in t.mrpc[0]
                                            for m in r.matches if m.relation == "derived"][:10]}
        res["latency"][f"unspin_{name}_p50_ms"] = percentile(t.latency_ms, 50)
    print_table(f"Partial reuse ({args.half} half, {n} sources a cell, {len(docs)} articles indexed)",
                ["strength", "share taken", "n", "share of query"] + [f"R@1 derived {name}" for name in names]
                + ["datasketch R@1"], rows,
                note="share of query: words of the query that come from the source; before: TraceConfig(); "
                     "after: TraceConfig(semantic=SemanticParams())")
    print_table("Same-topic independent negatives (hosts, never indexed)",
                ["n"] + [f"called derived {name}" for name in names] + ["datasketch: any LSH candidate"],
                [[len(hosts)] + [res["negatives"][name]["unspin_called_derived"] for name in names] + [bl_neg]])
    print_table(f"Real same-story sentences and human rewrites (MRPC, {MRPC_PER_DOC} sentence pairs a document)",
                ["documents", "kind", "measure", *names],
                [[len(mrpc[0]), "same story, not equivalent (label 0): negatives", "called derived"]
                 + [res["mrpc"][name]["same_story_called_derived"] for name in names],
                 [len(mrpc[1]), "human paraphrases (label 1)", "R@1 derived"]
                 + [res["mrpc"][name]["paraphrase_recall_at_1_derived"] for name in names],
                 [len(embedded), "human paraphrases (label 1) inside a host article", "R@1 derived"]
                 + [res["mrpc"][name]["paraphrase_in_host_recall_at_1_derived"] for name in names]],
                note="side 1 of each document indexed; side 2 traced (alone, or as one block among a host's sentences)")
    ing = res["ingest"]
    print_table("Ingest and latency", ["", "docs/s", "ms/article", "bytes/article excl text", "query p50 ms"],
                [[f"unspin {name} (SQLite)", ing[name]["unspin_docs_per_s"], ing[name]["ingest_ms_per_doc"],
                  ing[name]["bytes_per_doc_excl_text"], res["latency"][f"unspin_{name}_p50_ms"]] for name in names]
                + [["datasketch MinHashLSH", ing["datasketch_docs_per_s"], 1000 / ing["datasketch_docs_per_s"],
                    float("nan"), res["latency"]["datasketch_p50_ms"]]])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(jsonable(res), indent=1), encoding="utf-8")
    print(f"\n  (JSON: {out}; " + ", ".join(f"{fmt(sum(traced[k].latency_ms) / 1000)} s tracing {k}" for k in names)
          + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
