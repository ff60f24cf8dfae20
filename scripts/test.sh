#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the linters and the tests.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian data used only by tests and benchmarks: the Moby thesaurus behind the spinner simulator.
if [ ! -f /usr/share/aiksaurus/words.dat ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq libaiksaurus-1.2-data >/dev/null
  else
    echo "note: libaiksaurus-1.2-data is missing (sudo apt-get install libaiksaurus-1.2-data); simulator tests will skip" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test,bench]'
.venv/bin/ruff check src tests bench tools
.venv/bin/python -m pytest "$@"
