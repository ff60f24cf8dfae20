"""The local scan engine: every document of a collection checked, traced against the others
(and against an index), joined into derivation edges and story clusters.

Only orchestration lives here: checking, fingerprinting, alignment and relation come from the
pure core, exactly as the Spark engine uses them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

from unspin.api import check
from unspin.core.config import CheckConfig
from unspin.core.relation import DERIVED, SAME_STORY
from unspin.core.results import CheckResult, Cluster, Edge, Match, ScanResult, TraceResult
from unspin.core.trace import match_source
from unspin.defaults import TOP_MATCHES
from unspin.engines.pool import WorkerPool
from unspin.index import Index
from unspin.spec import LexiconSpec
from unspin.store.base import CANDIDATES_LIMIT, rank_shared
from unspin.text import tokenize

# Spin scores closer than this cannot tell which of two copies is the source.
DIRECTION_MARGIN = 0.1



@dataclass(frozen=True, slots=True)
class FoundMatch:
    """One verified match found by tracing the scanned document ``query``: what ``build_edges`` joins.

    ``match`` is the ``Match`` of ``query`` against the document ``match.source_id``.
    ``external`` is false when that source is another scanned document, true when it is a
    document of an external index (``--db``) that is not in the scan. ``build_edges`` keeps the
    first of equally good matches of a pair, so both engines list these in one order: documents
    in input order, each with its matches against the scan, then against the index, best first.
    """

    query: str
    match: Match
    external: bool


def rank_candidates(shared: Iterable[tuple[str, int]], *, limit: int = CANDIDATES_LIMIT,
                    exclude: str | None = None) -> list[tuple[str, int]]:
    """Choose the candidate sources of one document exactly as ``Store.candidates`` (band keys)
    and ``Store.containment_candidates`` (winnow keys) do: with ``rank_shared``, the memory
    store's own rule.

    ``shared`` holds (document id, number of the document's distinct query keys it holds),
    counted over the buckets that were not skipped as larger than ``max_bucket``. Returns at
    most ``limit`` pairs, most shared keys first, ties by id (code-point order), without
    ``exclude`` (the document itself). Pure; the Spark engine calls it for every document.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return rank_shared(shared, limit=limit, exclude=exclude)


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def build_edges(found: Iterable[FoundMatch], results: dict[str, CheckResult], texts: dict[str, str]) -> list[Edge]:
    """Join matches into edges: one per unordered pair, derived winning over same-story.

    Every edge carries its ``match``, read ``copy_id`` -> ``source_id`` (``match.source_id`` is
    the edge's ``source_id``; alignment offsets and substitutions index the copy's text on the
    input side), for same-story edges too (``copy_id`` is then the smaller id).

    Direction of a derived edge between two scanned documents: the more spun one (higher check
    score) is the copy; within ``DIRECTION_MARGIN`` it is a ``tie`` and the pair is kept in id
    order. A match to an index document that is not in the scan makes the scanned one the copy.
    """
    best: dict[tuple[str, str], FoundMatch] = {}
    for f in found:
        key = _pair_key(f.query, f.match.source_id) if not f.external else (f.query, f.match.source_id)
        old = best.get(key)
        rank = (f.match.relation == DERIVED, f.match.score)
        if old is None or rank > (old.match.relation == DERIVED, old.match.score):
            best[key] = f
    edges = []
    for (a, b), f in sorted(best.items()):
        m = f.match
        if m.relation == SAME_STORY:
            match = _oriented(m, f.query, a, b, texts)
            edges.append(Edge(a, b, SAME_STORY, match.score, match.coverage, 0, "undirected", match))
            continue
        if f.external:
            edges.append(Edge(f.query, m.source_id, DERIVED, m.score, m.coverage, len(m.substitutions), "external", m))
            continue
        sa, sb = results[a].score, results[b].score
        if abs(sa - sb) < DIRECTION_MARGIN:
            copy, source, how = a, b, "tie"
        else:
            copy, source = (a, b) if sa > sb else (b, a)
            how = "spin-score"
        match = _oriented(m, f.query, copy, source, texts)
        edges.append(Edge(copy, source, DERIVED, match.score, match.coverage, len(match.substitutions), how, match))
    return edges


def _oriented(m: Match, query: str, copy: str, source: str, texts: dict[str, str]) -> Match:
    """``m`` (found by tracing ``query``) as the match of ``copy`` against ``source``: itself when
    ``query`` is the copy, else aligned again from the copy's side, keeping ``m``'s verdict."""
    if query == copy:
        return m
    found = match_source(texts[copy], tokenize(texts[copy]), source, texts[source], verified=m)
    assert found is not None  # a verified match is never dropped
    return found


def build_clusters(ids: Iterable[str], edges: Iterable[Edge]) -> list[Cluster]:
    """Story clusters: connected components of the verified edges among scanned documents
    (documents with no edge belong to no cluster). Components are numbered by size, largest first."""
    parent = {i: i for i in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edge_list = [e for e in edges if e.copy_id in parent and e.source_id in parent]
    for e in edge_list:
        ra, rb = root(e.copy_id), root(e.source_id)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for e in edge_list:
        for x in (e.copy_id, e.source_id):
            members.setdefault(root(x), [])
    for x in parent:
        r = root(x)
        if r in members:
            members[r].append(x)
    comps = sorted((sorted(v) for v in members.values()), key=lambda m: (-len(m), m[0]))
    index = {x: n for n, comp in enumerate(comps) for x in comp}
    derived = [0] * len(comps)
    same = [0] * len(comps)
    for e in edge_list:
        c = index[e.copy_id]
        if e.relation == DERIVED:
            derived[c] += 1
        else:
            same[c] += 1
    return [Cluster(n, tuple(comp), derived[n], same[n]) for n, comp in enumerate(comps)]


def scan(docs: Iterable[tuple[str, str]], *, lexicon: LexiconSpec | None = None, index: Index | None = None,
         learn: bool = False, config: CheckConfig | None = None, top: int = TOP_MATCHES, workers: int = 1,
         work_db: str | None = None,
         progress: Callable[[str, int], None] | None = None) -> ScanResult:
    """Check every (id, text) document, trace each against the others and against ``index``,
    and return verdicts, verified edges and story clusters.

    Holds the texts and verdicts in memory (the Spark engine is for collections that do not
    fit). The collection's own index is in memory too, unless ``work_db`` names a SQLite file
    for it (created, and left for the caller to delete) or ``workers`` is 2 or more (then a
    temporary file is used and deleted): about 20 KB per document less memory.
    ``lexicon``: what every document is checked with (default ``LexiconSpec()``, the default
    lexicon; built here, or by each worker). ``index`` is only traced against (and learned
    into): to check with what it knows, name it in ``lexicon`` (``LexiconSpec.index_path``).
    ``workers`` processes check and trace in parallel (``unspin.engines.pool``); the result is
    the same for any number of workers. Duplicate ids keep their first document.
    ``progress(stage, n)`` is called as work is done. ``learn``: write what verified copies of
    ``index`` documents teach into ``index`` (``Index.learn``; off by default). ``config``: how
    every document is checked (``unspin.api.check``; default ``CheckConfig()``, the fast tier),
    the same in every worker.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if work_db is not None and os.path.exists(work_db):
        raise FileExistsError(f"{work_db} exists: scan builds its own index there; name a new file")
    texts: dict[str, str] = {}
    for doc_id, text in docs:
        texts.setdefault(doc_id, text)
    spec = lexicon if lexicon is not None else LexiconSpec()
    cfg = config if config is not None else CheckConfig()
    with ExitStack() as stack:
        pool = stack.enter_context(WorkerPool(workers, spec, config=cfg)) if workers > 1 else None
        if pool is not None:
            checked = pool.check(texts.items())
        else:
            lex = spec.build()
            checked = (check(text, id=doc_id, lexicon=lex, config=cfg) for doc_id, text in texts.items())
        results: dict[str, CheckResult] = {}
        for res in checked:
            results[res.id] = res
            if progress:
                progress("check", 1)
        if work_db is None and pool is not None:
            work_db = os.path.join(stack.enter_context(tempfile.TemporaryDirectory(prefix="unspin-scan-")), "scan.db")
        params = index.params if index is not None else None
        with Index.open(work_db or ":memory:", params=params) as local:
            local.add(texts.items())
            if progress:
                progress("index", len(texts))
            if pool is not None and work_db is not None:
                local.close()
                traced = pool.trace(work_db, texts.items(), top=top, exclude_self=True)
            else:
                traced = local.trace_many(texts.items(), top=top, exclude_self=True)
            outside = index.trace_many(texts.items(), top=top, learn=learn) if index else None
            found = _found_matches(texts, traced, outside, progress)
    edges = build_edges(found, results, texts)
    clusters = build_clusters(texts, edges)
    return ScanResult(tuple(results[i] for i in texts), tuple(edges), tuple(clusters), texts)


def _found_matches(texts: dict[str, str], traced: Iterable[TraceResult], outside: Iterator[TraceResult] | None,
                   progress: Callable[[str, int], None] | None) -> list[FoundMatch]:
    """The matches of every scanned document, in ``FoundMatch`` order: against the scan, then
    against the external index (sources that are not in the scan)."""
    found: list[FoundMatch] = []
    for doc_id, res in zip(texts, traced, strict=True):
        for m in res.matches:
            found.append(FoundMatch(doc_id, m, external=False))
        if outside is not None:
            for m in next(outside).matches:
                if m.source_id not in texts:
                    found.append(FoundMatch(doc_id, m, external=True))
        if progress:
            progress("trace", 1)
    return found
