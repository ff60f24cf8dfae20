"""A bounded load test of ``unspin serve`` on this machine (127.0.0.1 only).

Builds an index (the BBC News articles of ``../shared/data/bbc-news.jsonl`` when present, else
generated articles), starts ``unspin serve`` on it in a subprocess on a free loopback port, then
runs N concurrent clients (threads, one keep-alive connection each) sending a mix of
``POST /check`` and ``POST /trace`` requests: spun copies of indexed articles, verbatim copies,
and spun articles that are not indexed. It stops by itself after ``--seconds`` or
``--max-requests`` requests, whichever comes first, stops the server, and prints throughput,
p50/p95/p99 latency per endpoint and the error count as a table (also written as JSON to
``bench/out/load.json``).

    python bench/load.py                        # 8 clients, 60 s
    python bench/load.py --clients 4 --seconds 20 --docs 500

The target is always 127.0.0.1: there is deliberately no option to point it anywhere else.
Not part of the test suite. Clients and server share the machine's cores, so the numbers are a
floor for the server alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
HOST = "127.0.0.1"  # never anything else
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
if str(REPO_ROOT / "src") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "src"))

import httpx  # noqa: E402
from evaldata import BBC_FILE, data_dir, load_articles  # noqa: E402

from unspin import Index  # noqa: E402

ENDPOINTS = ("check", "trace")

# A small swap table for when the Moby thesaurus (bench/spinner.py) is not installed.
_FALLBACK_SWAPS = {
    "said": "stated", "big": "huge", "company": "firm", "people": "individuals", "new": "novel",
    "help": "assist", "government": "administration", "market": "marketplace", "show": "demonstrate",
    "use": "utilize", "rise": "ascent", "sales": "deals", "profits": "benefits", "major": "significant",
    "game": "match", "film": "movie", "music": "melodies", "plan": "scheme", "report": "account",
    "told": "informed", "figures": "numbers", "increase": "expansion", "expected": "anticipated",
    "fast": "quick", "world": "globe", "year": "twelvemonth", "began": "commenced", "buy": "purchase",
    "result": "outcome", "results": "outcomes", "problem": "issue", "chief": "head", "work": "labour",
}


# --------------------------------------------------------------------------------------------
# Data


def bbc_articles(limit: int | None) -> list[tuple[str, str]] | None:
    """(id, text) of the BBC articles, or ``None`` when the shared data is absent."""
    data = data_dir()
    if not (data / BBC_FILE).is_file():
        return None
    arts = [(a.id, a.text) for a in load_articles(data)]
    return arts[:limit] if limit else arts


def generated_articles(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` news-like articles from templates (names, places and numbers vary)."""
    rng = random.Random(seed)
    names = ["Sarah Mills", "John Carter", "Amira Khan", "Li Wei", "Tom Baker", "Maria Lopez", "Ravi Patel"]
    places = ["Bristol", "Leeds", "Glasgow", "Cardiff", "Belfast", "Norwich", "York", "Dundee"]
    subjects = ["the council", "the company", "the hospital", "the university", "the club", "the bank"]
    verbs = ["approved", "announced", "rejected", "delayed", "launched", "reviewed"]
    objects = ["a new budget", "a transport plan", "a research programme", "a pay deal", "a housing scheme",
               "a trial of the system"]
    tails = ["after a long debate", "despite strong criticism", "following a public consultation",
             "to the surprise of many", "after months of talks"]
    out = []
    for i in range(n):
        sents = []
        for _ in range(rng.randint(6, 14)):
            sents.append(
                f"{rng.choice(subjects).capitalize()} in {rng.choice(places)} {rng.choice(verbs)} "
                f"{rng.choice(objects)} {rng.choice(tails)}, {rng.choice(names)} said on "
                f"{rng.choice(['Monday', 'Tuesday', 'Friday'])}, adding that {rng.randint(2, 900)} people "
                f"would be affected by {rng.randint(2000, 2030)}."
            )
        out.append((f"gen-{i:05d}", " ".join(sents)))
    return out


def make_spinner(seed: int) -> Callable[[str, float, int], str]:
    """``spin(text, rate, seed)``: bench/spinner.py's Moby spinner when installed, else a swap table."""
    try:
        from spinner import Spinner

        sp = Spinner.from_aiksaurus(weighting="common")
        return lambda text, rate, s: sp.spin(text, rate=rate, seed=s).text
    except Exception:  # the thesaurus is optional: fall back to the small table
        def spin(text: str, rate: float, s: int) -> str:
            rng = random.Random(s)
            words = text.split(" ")
            for i, w in enumerate(words):
                core = w.strip(".,;:!?\"'()")
                if core in _FALLBACK_SWAPS and rng.random() < max(rate * 2, 0.5):
                    words[i] = w.replace(core, _FALLBACK_SWAPS[core])
            return " ".join(words)

        return spin


@dataclass
class Workload:
    """Query texts: spun copies of indexed articles, verbatim copies, spun unindexed articles."""

    texts: list[tuple[str, str]]  # (kind, text)


def build_workload(indexed: list[tuple[str, str]], held_out: list[tuple[str, str]], n: int,
                   seed: int) -> Workload:
    rng = random.Random(seed)
    spin = make_spinner(seed)
    texts: list[tuple[str, str]] = []
    for k in range(n):
        r = rng.random()
        if r < 0.7 or not held_out:
            _id, text = rng.choice(indexed)
            texts.append(("spun-copy", spin(text, rng.choice([0.1, 0.3, 0.5]), seed + k)))
        elif r < 0.85:
            texts.append(("verbatim-copy", rng.choice(indexed)[1]))
        else:
            texts.append(("unindexed", spin(rng.choice(held_out)[1], 0.3, seed + k)))
    return Workload(texts)


# --------------------------------------------------------------------------------------------
# Server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT / "src") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("UNSPIN_TOKEN", None)
    # --learn and "learn": true on /trace: the load includes the index's write path, as it did
    # when tracing learned by default.
    cmd = [sys.executable, "-m", "unspin", "serve", "--db", str(db), "--host", HOST, "--port", str(port), "--learn"]
    with open(log, "wb") as fh:
        return subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before it was ready")
        try:
            r = httpx.get(base + "/health", timeout=2)
            if r.status_code == 200:
                return r.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready after {timeout:.0f} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory (Linux ``VmHWM``), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --------------------------------------------------------------------------------------------
# Clients


@dataclass
class Sample:
    endpoint: str
    seconds: float
    ok: bool
    status: int


@dataclass
class Shared:
    """State shared by the client threads: the request budget and the results."""

    deadline: float
    budget: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: list[Sample] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0 or time.monotonic() >= self.deadline:
                return False
            self.budget -= 1
            return True

    def record(self, sample: Sample, error: str | None) -> None:
        with self.lock:
            self.samples.append(sample)
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1


def client(k: int, base: str, work: Workload, shared: Shared, trace_share: float, seed: int) -> None:
    rng = random.Random(seed * 1000 + k)
    with httpx.Client(base_url=base, timeout=120) as c:
        while shared.take():
            endpoint = "trace" if rng.random() < trace_share else "check"
            kind, text = rng.choice(work.texts)
            body: dict[str, object] = {"text": text, "id": f"client{k}-{kind}"}
            if endpoint == "trace":
                body["learn"] = True
            t0 = time.perf_counter()
            error = None
            status = 0
            try:
                r = c.post("/" + endpoint, json=body)
                status = r.status_code
                ok = status == 200 and ("matches" in r.json() if endpoint == "trace" else "score" in r.json())
                if not ok:
                    error = f"{endpoint}: HTTP {status}"
            except httpx.HTTPError as e:
                ok = False
                error = f"{endpoint}: {type(e).__name__}"
            shared.record(Sample(endpoint, time.perf_counter() - t0, ok, status), error)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise(samples: list[Sample], elapsed: float) -> list[dict[str, Any]]:
    rows = []
    for name in (*ENDPOINTS, "all"):
        part = [s for s in samples if name == "all" or s.endpoint == name]
        if not part:
            continue
        ms = [s.seconds * 1000 for s in part]
        rows.append({
            "endpoint": name, "requests": len(part), "errors": sum(not s.ok for s in part),
            "req_per_s": len(part) / elapsed, "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99), "max_ms": max(ms),
        })
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    head = ["endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"]
    lines = [head, *[[r["endpoint"], str(r["requests"]), str(r["errors"]), f"{r['req_per_s']:.1f}",
                      f"{r['p50_ms']:.0f}", f"{r['p95_ms']:.0f}", f"{r['p99_ms']:.0f}", f"{r['max_ms']:.0f}"]
                     for r in rows]]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for j, line in enumerate(lines):
        print("| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                                enumerate(zip(line, widths, strict=True))) + " |")
        if j == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    ap.add_argument("--seconds", type=float, default=60.0, help="duration of the measured run (default 60)")
    ap.add_argument("--max-requests", type=int, default=20_000, help="stop after this many requests (default 20000)")
    ap.add_argument("--docs", type=int, default=None, help="index at most this many articles (default all)")
    ap.add_argument("--trace-share", type=float, default=0.5, help="share of trace requests (default 0.5)")
    ap.add_argument("--queries", type=int, default=300, help="distinct query texts (default 300)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ready-timeout", type=float, default=300.0, help="seconds to wait for the server to start")
    args = ap.parse_args(argv)
    if not (1 <= args.clients <= 64 and 0 < args.seconds <= 600 and 1 <= args.max_requests <= 1_000_000):
        ap.error("--clients 1..64, --seconds up to 600 and --max-requests 1..1000000 keep the test bounded")

    articles = bbc_articles(args.docs)
    source = "BBC News (../shared/data/bbc-news.jsonl)"
    if articles is None:
        articles = generated_articles(args.docs or 1000, args.seed)
        source = "generated articles"
    rng = random.Random(args.seed)
    rng.shuffle(articles)
    n_held = max(1, len(articles) // 10)
    held_out, indexed = articles[:n_held], articles[n_held:]

    tmp = Path(tempfile.mkdtemp(prefix="unspin-load-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        db = tmp / "load.db"
        t0 = time.perf_counter()
        with Index.open(db) as idx:
            idx.add(indexed, batch_size=500, workers=min(2, os.cpu_count() or 1))
        index_s = time.perf_counter() - t0
        print(f"indexed {len(indexed)} {source} in {index_s:.1f} s ({len(held_out)} held out)", file=sys.stderr)
        work = build_workload(indexed, held_out, args.queries, args.seed)
        mean_chars = sum(len(t) for _k, t in work.texts) / len(work.texts)

        port = free_port()
        base = f"http://{HOST}:{port}"
        t0 = time.perf_counter()
        proc = start_server(db, port, tmp / "server.log")
        health = wait_ready(base, proc, args.ready_timeout)
        startup_s = time.perf_counter() - t0
        print(f"server ready in {startup_s:.1f} s: {health}", file=sys.stderr)
        with httpx.Client(base_url=base, timeout=120) as c:  # warm-up, not measured
            for endpoint in ENDPOINTS:
                c.post("/" + endpoint, json={"text": work.texts[0][1]}).raise_for_status()
        with Index.open(db, read_only=True) as idx:
            learned_before = idx.info().substitutions

        shared = Shared(deadline=time.monotonic() + args.seconds, budget=args.max_requests)
        threads = [threading.Thread(target=client, args=(k, base, work, shared, args.trace_share, args.seed),
                                    name=f"client-{k}") for k in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        rss = peak_rss_mib(proc.pid)
        with Index.open(db, read_only=True) as idx:
            learned_after = idx.info().substitutions
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    rows = summarise(shared.samples, elapsed)
    print(f"\nunspin serve on {HOST}: {len(indexed)} indexed documents ({source}), {args.clients} clients, "
          f"{elapsed:.1f} s, {args.trace_share:.0%} trace, mean text {mean_chars:,.0f} characters\n")
    print_table(rows)
    memory = f"server peak RSS {rss:.0f} MiB; " if rss is not None else ""
    print(f"\n{memory}startup {startup_s:.1f} s; learned substitutions {learned_before} -> {learned_after}")
    if shared.errors:
        print("errors: " + ", ".join(f"{k} x{v}" for k, v in sorted(shared.errors.items())))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    report = {"host": HOST, "documents": len(indexed), "source": source, "clients": args.clients,
              "seconds": elapsed, "trace_share": args.trace_share, "mean_text_chars": mean_chars,
              "index_seconds": index_s, "startup_seconds": startup_s, "server_peak_rss_mib": rss,
              "learned_substitutions": [learned_before, learned_after], "rows": rows, "errors": shared.errors}
    (OUT_DIR / "load.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
