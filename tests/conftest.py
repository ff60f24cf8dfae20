"""Suite-wide settings and fixtures.

The suite runs the fast tier by default (``UNSPIN_TIER=fast``, inherited by the CLI
subprocesses): most tests pin the behaviour of the word statistics, and the language model
costs seconds per text. The model tier is tested where a test asks for it (``tier="model"``,
``--tier model``): ``tests/test_model_tier.py``.

Fixtures: ``cli`` runs ``unspin ARGS`` in this process through click's ``CliRunner`` (so the
lexicon loads once per test session, not once per command); ``learned_tables`` reads an index
file's learned substitutions and their provenance straight from SQLite; ``spark`` is one local
Spark session per test process (the JVM starts once in each; skipped, with the reason, without pyspark
or Java). Shared texts and fixtures that are not fixtures live in ``texts.py``,
``scan_corpus.py``, ``web_server.py`` and ``report_fixtures.py``: no test module imports another.
"""

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

os.environ.setdefault("UNSPIN_TIER", "fast")

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Ran:
    """What a command did: its exit status and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, stdin: str | None = None) -> Ran:
    """``unspin ARGS`` in this process, from the repository root; an exception that the command
    does not turn into a message fails the test."""
    from unspin.cli import main

    with contextlib.chdir(ROOT):
        result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False, prog_name="unspin")
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli() -> Callable[..., Ran]:
    """``cli("check", path, "--format", "csv", stdin=None)`` -> ``Ran``."""
    return run_cli


def _learned_tables(db: Path) -> list[list[tuple[str, ...]]]:
    c = sqlite3.connect(db)
    try:
        return [sorted(c.execute(f"SELECT * FROM {t}").fetchall()) for t in ("substitutions", "learned_from")]
    finally:
        c.close()


@pytest.fixture
def learned_tables() -> Callable[[Path], list[list[tuple[str, ...]]]]:
    """``learned_tables(db)``: every row of the index file's tables ``substitutions`` and
    ``learned_from``, sorted."""
    return _learned_tables


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """A local Spark session (``SPARK_MASTER``) with small-data settings: start-up and query
    compilation dominate the tests' small scans. Stopped at the end of the run."""
    pytest.importorskip("pyspark", reason="the Spark engine needs pyspark: pip install -e '.[spark]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime: apt-get install default-jre-headless")
    from unspin.defaults import SPARK_MASTER
    from unspin.engines.spark import spark_session

    session = spark_session(SPARK_MASTER, conf={
        "spark.sql.shuffle.partitions": "2", "spark.ui.showConsoleProgress": "false",
        "spark.sql.codegen.wholeStage": "false",
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
