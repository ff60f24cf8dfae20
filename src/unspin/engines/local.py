"""The local scan engine: every document of a collection checked, traced against the others
(and against an index), joined into derivation edges and story clusters.

Only orchestration lives here: checking, fingerprinting, alignment, relation and the joins
(``unspin.core.graph``) come from the pure core, exactly as the Spark engine uses them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace

from unspin.api import check
from unspin.core.config import CheckConfig, TraceConfig
from unspin.core.fingerprint import FingerprintParams
from unspin.core.graph import FoundMatch, build_clusters, build_edges
from unspin.core.results import CheckResult, ScanResult, TraceResult
from unspin.defaults import TOP_MATCHES
from unspin.engines.pool import WorkerPool
from unspin.index import Index
from unspin.spec import LexiconSpec


def scan(docs: Iterable[tuple[str, str]], *, lexicon: LexiconSpec | None = None, index: Index | None = None,
         learn: bool = False, config: CheckConfig | None = None, trace: TraceConfig | None = None,
         top: int = TOP_MATCHES, workers: int = 1, work_db: str | None = None,
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
    the same in every worker. ``trace``: how documents are traced (``TraceConfig``; default:
    ``index.config`` when there is an index, else ``TraceConfig()``), against the collection and
    against ``index`` alike, the same in every worker; the collection's own index is built with
    its fingerprint parameters, or ``index``'s when it names none. ``ValueError`` when
    ``trace`` and ``index.config`` differ (open the index with the run's ``TraceConfig``).
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
    tcfg = run_trace_config(trace, index)
    with ExitStack() as stack:
        pool = stack.enter_context(WorkerPool(workers, spec, config=cfg, trace=tcfg)) if workers > 1 else None
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
        with Index.open(work_db or ":memory:", config=tcfg) as local:
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
    edges = build_edges(found, results, texts, relation=tcfg.relation)
    clusters = build_clusters(texts, edges)
    return ScanResult(tuple(results[i] for i in texts), tuple(edges), tuple(clusters), texts)


def run_trace_config(trace: TraceConfig | None, index: Index | None) -> TraceConfig:
    """The ``TraceConfig`` a scan traces with, fingerprint parameters resolved: ``trace`` (default
    ``index.config``, else ``TraceConfig()``), with ``index``'s fingerprint parameters when it
    names none. ``ValueError`` when it and ``index.config`` still differ."""
    if index is None:
        cfg = trace if trace is not None else TraceConfig()
        return cfg if cfg.fingerprint is not None else replace(cfg, fingerprint=FingerprintParams())
    cfg = trace if trace is not None else index.config
    if cfg.fingerprint is None:
        cfg = replace(cfg, fingerprint=index.params)
    if cfg != index.config:
        raise ValueError("the index was opened with another TraceConfig than the scan's: open it with "
                         "Index.open(path, config=trace)")
    return cfg


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
