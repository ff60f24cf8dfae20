#!/usr/bin/env bash
# The long fuzz: hypothesis on the readers, check and trace, schemathesis on a running server.
#
# Usage: bash bench/fuzz.sh TARGET MINUTES
#   TARGET: files | dirs | stdin | check | trace   (tests/test_fuzz.py, HYPOTHESIS_PROFILE=long)
#           api                                    (schemathesis CLI against 'unspin serve --db')
#           all                                    (each of the above in turn, MINUTES each)
# Environment: PYTHON (default: python3), UNSPIN_TIER (default: fast).
#
# One target runs at a time (they are CPU-bound). Each prints what ran: examples, minutes and,
# on a failure, the shrunk input and how to reproduce it; the exit status is non-zero when
# something was found. Failing examples are kept in .hypothesis/ and replayed by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
export UNSPIN_TIER=${UNSPIN_TIER:-fast}
target=${1:?usage: bash bench/fuzz.sh files|dirs|stdin|check|trace|api|all MINUTES}
minutes=${2:?usage: bash bench/fuzz.sh TARGET MINUTES}
seconds=$(( minutes * 60 ))

run_hypothesis() {  # $1: test name in tests/test_fuzz.py
  echo "fuzz: $1 for $minutes min (HYPOTHESIS_PROFILE=long, tier $UNSPIN_TIER), started $(date -u +%H:%M:%S)"
  HYPOTHESIS_PROFILE=long UNSPIN_FUZZ_SECONDS=$seconds \
    "$PY" -m pytest "tests/test_fuzz.py::$1" -q -s -p no:cacheprovider -p no:logging
}

run_api() {
  local work db port pid status=0
  work=$(mktemp -d)
  db=$work/fuzz.db
  # A real index to trace against: the test suite's reference texts, one file each.
  "$PY" - "$work" <<'EOF'
import sys
from pathlib import Path
sys.path.insert(0, ".")
from tests.test_web_api import DOCS
for i, (_id, text) in enumerate(DOCS):
    (Path(sys.argv[1]) / f"doc{i}.txt").write_text(text, encoding="utf-8")
EOF
  "$PY" -m unspin index add --db "$db" "$work"/doc*.txt >/dev/null
  before=$(sha256sum "$db")
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$PY" -m unspin serve --db "$db" --port "$port" 2>"$work/serve.log" &  # learning off: read-only
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' RETURN
  for _ in $(seq 150); do
    "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/health')" 2>/dev/null && break
    sleep 0.2
  done
  echo "fuzz: schemathesis for $minutes min against unspin serve --db (read-only) on port $port, started $(date -u +%H:%M:%S)"
  "$PY" -m schemathesis.cli run "http://127.0.0.1:$port/openapi.json" --checks all --max-time "$seconds" \
    --workers 1 --suppress-health-check all --request-timeout 60 --report junit \
    --report-junit-path "$work/junit.xml" || status=$?
  if [ "$(sha256sum "$db")" != "$before" ]; then
    echo "fuzz: FAIL: the read-only server changed the index" >&2
    status=1
  fi
  if grep -q "Traceback" "$work/serve.log"; then
    echo "fuzz: the server logged tracebacks (see $work/serve.log):" >&2
    grep -A3 "Traceback" "$work/serve.log" | head -40 >&2
    status=1
  fi
  echo "fuzz: api done at $(date -u +%H:%M:%S), status $status (server log: $work/serve.log)"
  return "$status"
}

case "$target" in
  files) run_hypothesis test_readers_on_files ;;
  dirs) run_hypothesis test_readers_on_directories ;;
  stdin) run_hypothesis test_readers_on_stdin ;;
  check) run_hypothesis test_check ;;
  trace) run_hypothesis test_trace ;;
  api) run_api ;;
  all)
    status=0
    for t in test_readers_on_files test_readers_on_directories test_readers_on_stdin test_check test_trace; do
      run_hypothesis "$t" || status=1
    done
    run_api || status=1
    exit "$status"
    ;;
  *) echo "unknown target $target (files, dirs, stdin, check, trace, api, all)" >&2; exit 2 ;;
esac
