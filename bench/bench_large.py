"""Large documents: ``unspin check`` time and peak memory against document size (issue 16).

    PYTHONPATH=src python bench/bench_large.py                    # 1, 4, 16, 50 MB (about 10 min)
    PYTHONPATH=src python bench/bench_large.py --sizes 1,4 --baseline-max 4

Each document is the BBC news set (``../shared/data/bbc-news.jsonl``) joined with blank lines
and repeated or cut to the size asked for, written to a temporary file and checked by the real
command, ``unspin check FILE --tier fast --format jsonl``, in a fresh process each time; wall
time and the process's peak resident memory come from ``wait4``. Baseline, in the same run:
the same read, check and JSONL output in a fresh process with the whole text as one window
(``unspin.api.check(..., config=CheckConfig(window_chars=len(text) + 1))``, the behaviour
before windows), for sizes up to ``--baseline-max`` MB (beyond that it needs more memory than a worker may have).
Target (issue 16): 50 MB in under 10 minutes and 1.5 GB, time per MB flat.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from bench_check import print_table  # noqa: E402
from evaldata import BBC_FILE, data_dir, have_data  # noqa: E402

MB = 1 << 20


def make_text(size: int, data: Path) -> str:
    """``size`` characters of BBC news (ASCII-only, so characters equal bytes)."""
    with (data / BBC_FILE).open(encoding="utf-8") as f:
        blob = "\n\n".join(json.loads(line)["text"] for line in f if line.strip())
    blob = blob.encode("ascii", "replace").decode("ascii")
    return (blob * (size // len(blob) + 1))[:size]


_ONE_WINDOW = """\
import sys
from unspin.api import CheckConfig, check
from unspin.io.readers import iter_documents
from unspin.io.writers import write_jsonl
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for doc in iter_documents([sys.argv[1]]):
        write_jsonl([check(doc.text, id=doc.id, config=CheckConfig(window_chars=len(doc.text) + 1))], out)
"""


def run_check(path: Path, *, one_window: bool) -> tuple[float, float, int]:
    """(seconds, peak MB, exit status) of one process checking ``path``: ``unspin check``, or
    the baseline (``one_window``)."""
    env = dict(os.environ, UNSPIN_TIER="fast")
    if one_window:
        cmd = [sys.executable, "-c", _ONE_WINDOW, str(path), os.devnull]
    else:
        cmd = [sys.executable, "-m", "unspin", "check", str(path), "--tier", "fast", "--format", "jsonl",
               "-o", os.devnull, "--no-progress"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"unspin check failed on {path} (exit {code}):\n{err}")
    return seconds, usage.ru_maxrss / 1024, code


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,4,16,50", help="document sizes in MB, comma-separated")
    ap.add_argument("--baseline-max", type=float, default=4, help="largest size (MB) run as one window")
    ap.add_argument("--shared", default=None, help="the folder that holds data/ (default ../shared)")
    args = ap.parse_args(argv)
    if not have_data(args.shared):
        print(f"no evaluation data in {data_dir(args.shared)}", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in [float(s) for s in args.sizes.split(",")]:
            path = Path(tmp) / f"large-{mb:g}MB.txt"
            path.write_text(make_text(int(mb * MB), data_dir(args.shared)), encoding="ascii")
            for name, one_window in (("unspin check (windows)", False), ("one window (baseline)", True)):
                if one_window and mb > args.baseline_max:
                    continue
                print(f"checking {mb:g} MB, {name} ...", file=sys.stderr)
                seconds, peak, _code = run_check(path, one_window=one_window)
                rows.append([f"{mb:g}", name, f"{seconds:.1f}", f"{seconds / mb:.2f}", f"{peak:.0f}"])
            path.unlink()
    print_table("check of one large document (fast tier, one process)",
                ["MB", "how", "seconds", "s per MB", "peak MB"], rows,
                note="time includes start-up and loading the lexicon (about 3 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
