"""Worker processes for the local engine: the same core calls, spread over the cores of one machine.

``unspin.engines.local.scan(..., workers=N)`` checks and traces with ``N`` processes. Each worker
process runs exactly what the single-process engine runs (``unspin.api.check`` with the same
lexicon tables and the same ``CheckConfig``, ``Index.trace_many`` against the same index
file), so the results are the same, in input order; only the wall-clock time changes.

Worker processes are started with ``spawn`` (a fresh interpreter: Polars and SQLite are not
fork-safe). Each worker receives, once, the caller's ``LexiconSpec``, ``CheckConfig`` and
``TraceConfig`` as plain data (``to_dict()``) and builds its lexicon with ``LexiconSpec.build``, the function every
front end builds its lexicon with (``Lexicon.default()``'s shared tables take about a second).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType
from typing import Any

from unspin.api import check
from unspin.core.config import CheckConfig, TraceConfig
from unspin.core.results import CheckResult, TraceResult
from unspin.lexicon import Lexicon
from unspin.spec import LexiconSpec

# Set once in each worker process by ``_start_worker`` (never in the parent): the lexicon and the
# configurations that process checks and traces with, and the index files it has opened.
_WORKER: dict[str, object] = {}


def _exit_with_parent(parent: int, interval: float) -> None:
    """End this worker when its parent is gone (killed without shutting the pool down): an
    orphan would otherwise keep computing results no one will read."""
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)


def _start_worker(spec: dict[str, Any], config: dict[str, Any], trace: dict[str, Any], parent: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent, 0.5), daemon=True, name="unspin-parent-watch").start()
    _WORKER["lexicon"] = LexiconSpec.from_dict(spec).build()
    _WORKER["config"] = CheckConfig.from_dict(config)
    _WORKER["trace"] = TraceConfig.from_dict(trace)


def _check_chunk(chunk: Sequence[tuple[str, str]]) -> list[CheckResult]:
    lexicon, config = _WORKER["lexicon"], _WORKER["config"]
    assert isinstance(lexicon, Lexicon) and isinstance(config, CheckConfig)
    return [check(text, id=doc_id, lexicon=lexicon, config=config) for doc_id, text in chunk]


def _trace_chunk(chunk: Sequence[tuple[str, str]], index_path: str, top: int, exclude_self: bool) -> list[TraceResult]:
    from unspin.index import Index

    key = "index:" + index_path
    index = _WORKER.get(key)
    if index is None:
        trace = _WORKER["trace"]
        assert isinstance(trace, TraceConfig)
        index = _WORKER[key] = Index.open(index_path, read_only=True, config=trace)
    assert isinstance(index, Index)
    return list(index.trace_many(chunk, top=top, exclude_self=exclude_self))


class WorkerPool:
    """``workers`` processes that check and trace (id, text) pairs; results in input order.

    Every worker checks with the lexicon ``lexicon.build()`` gives and with ``config`` (default
    ``CheckConfig()``: the fast tier), and traces with ``trace`` (default ``TraceConfig()``; an
    index whose fingerprint parameters differ from ``trace.fingerprint`` is refused), all
    received once, at start-up, as plain data. Use as a
    context manager. Work is sent in chunks (``check_chunk`` documents per check task,
    ``trace_chunk`` per trace task) and at most ``2 * workers`` chunks are in flight, so memory
    stays bounded whatever the number of documents.
    """

    def __init__(self, workers: int, lexicon: LexiconSpec, *, config: CheckConfig | None = None,
                 trace: TraceConfig | None = None, check_chunk: int = 64, trace_chunk: int = 256) -> None:
        if workers < 2:
            raise ValueError(f"a pool needs at least 2 workers, got {workers}; use the single-process path")
        self.workers = workers
        self.check_chunk = check_chunk
        self.trace_chunk = trace_chunk
        self._executor: Executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(lexicon.to_dict(), (config or CheckConfig()).to_dict(), (trace or TraceConfig()).to_dict(),
                      os.getpid()))

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (pending work is cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _ordered(self, fn: Callable[..., list[Any]], items: Iterable[tuple[str, str]], size: int,
                 *args: Any) -> Iterator[Any]:
        """``fn(chunk, *args)`` for consecutive chunks of ``items``; their results, in order."""
        it = iter(items)
        chunks = iter(lambda: list(itertools.islice(it, size)), [])
        pending = deque(self._executor.submit(fn, c, *args) for c in itertools.islice(chunks, 2 * self.workers))
        while pending:
            done = pending.popleft().result()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(self._executor.submit(fn, nxt, *args))
            yield from done

    def check(self, docs: Iterable[tuple[str, str]]) -> Iterator[CheckResult]:
        """``unspin.api.check`` of every (id, text) with the pool's lexicon and configuration, in order."""
        yield from self._ordered(_check_chunk, docs, self.check_chunk)

    def trace(self, index_path: str, docs: Iterable[tuple[str, str]], *, top: int,
              exclude_self: bool) -> Iterator[TraceResult]:
        """``Index.open(index_path, read_only=True, config=trace).trace_many(docs, ...)``, in order."""
        yield from self._ordered(_trace_chunk, docs, self.trace_chunk, index_path, top, exclude_self)

