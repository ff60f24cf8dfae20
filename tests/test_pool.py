"""The local engine's worker processes give the single-process answer (real processes, real SQLite)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from unspin.engines.local import scan
from unspin.engines.pool import WorkerPool
from unspin.spec import LexiconSpec

from .scan_corpus import corpus, non_default_settings, non_default_trace

KNOWN = [("counterfeit consciousness", "artificial intelligence"), ("irregular timberland", "random forest")]


@pytest.fixture(scope="module")
def docs() -> list[tuple[str, str]]:
    return corpus()


@pytest.fixture(scope="module")
def single(docs: list[tuple[str, str]]):
    return scan(docs)


def test_two_workers_give_the_single_process_result(docs, single):
    pooled = scan(docs, workers=2)
    assert pooled == single
    assert any(e.relation == "derived" for e in pooled.edges)  # the corpus has copies to find


def test_workers_check_at_non_default_settings(docs, single):
    """A non-default ``CheckConfig``, ``LexiconSpec`` and ``TraceConfig`` reach every worker: the
    answer differs from the default one (so this test can fail) and is the single process's."""
    spec, config = non_default_settings()
    alone = scan(docs, lexicon=spec, config=config, trace=non_default_trace())
    assert [r.score for r in alone.documents] != [r.score for r in single.documents]
    assert {r.threshold for r in alone.documents} == {0.35}
    assert len(alone.edges) > len(single.edges)
    pooled = scan(docs, lexicon=spec, config=config, trace=non_default_trace(), workers=2)
    assert [r.to_dict(exact=True) for r in pooled.documents] == [r.to_dict(exact=True) for r in alone.documents]
    assert pooled == alone


def test_index_in_a_file_gives_the_in_memory_result(docs, single, tmp_path):
    work = tmp_path / "scan.db"
    assert scan(docs, work_db=str(work)) == single
    assert work.stat().st_size > 0
    with pytest.raises(FileExistsError, match="name a new file"):
        scan(docs[:2], work_db=str(work))


def test_workers_check_with_the_parents_lexicon():
    lexicon = LexiconSpec(known=tuple(KNOWN))
    texts = [("a", "We trained an irregular timberland on the data."),
             ("b", "Counterfeit consciousness is changing how banks lend money."),
             ("c", "The weather was mild for the time of year.")]
    expected = list(scan(texts, lexicon=lexicon).documents)
    with WorkerPool(2, lexicon, check_chunk=1) as pool:
        got = list(pool.check(texts))
    assert got == expected
    assert any("known-phrase" in f.evidence for f in got[0].findings)


def test_a_pool_needs_two_workers():
    with pytest.raises(ValueError, match="at least 2 workers"):
        WorkerPool(1, LexiconSpec())


def test_cli_check_and_scan_with_workers(docs, tmp_path, cli):
    """``--workers 2`` through the CLI (in this process, through click; the pool still starts real
    worker processes): the same output as one process, bytes for bytes."""
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in docs[:20])
                    + "not json\n", encoding="utf-8")
    one = cli("check", str(path), "--format", "jsonl")
    two = cli("check", str(path), "--format", "jsonl", "--workers", "2")
    assert one.returncode == two.returncode == 3  # the malformed line is reported, the rest checked
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 20
    assert "docs.jsonl:21: malformed JSON" in two.stderr

    outs = []
    for n in ("1", "2"):
        out = tmp_path / f"out{n}"
        res = cli("scan", str(path), "--out", str(out), "--workers", n, "--no-progress")
        assert res.returncode == 3, res.stderr
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".jsonl", ".csv")})
    assert outs[0] == outs[1] and outs[0]

    bad = cli("scan", str(path), "--engine", "spark", "--workers", "2")
    assert bad.returncode == 2 and "--engine local" in bad.stderr


ORPHAN_SCRIPT = """
import os, sys, time
from unspin.engines.pool import WorkerPool
from unspin.spec import LexiconSpec
pool = WorkerPool(2, LexiconSpec(), check_chunk=1)
docs = (("d%d" % i, "The spokesman said the talks would resume next week in Geneva. " * 50) for i in range(100000))
results = pool.check(docs)
next(results)
print(" ".join(str(p) for p in pool._executor._processes), flush=True)
time.sleep(600)
"""


def test_workers_end_when_the_parent_is_killed(tmp_path):
    import os
    import signal
    import time

    parent = subprocess.Popen([sys.executable, "-c", ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        alive = workers
        while alive and time.monotonic() < deadline:
            time.sleep(0.2)
            alive = [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in
                     Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0]]
        assert not alive, f"worker processes {alive} outlived their parent"
    finally:
        parent.kill()
