"""``unspin scan``: a whole collection: verdicts, who copied whom, story clusters."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from unspin.cli.exit_codes import ExitCode
from unspin.cli.index import open_index
from unspin.cli.options import (
    ReadableDocuments,
    candidate_options,
    check_config,
    config_option,
    input_options,
    known_option,
    lexicon_spec,
    partitions_option,
    reference_option,
    scan_db_option,
    spark_master_option,
    threshold_option,
    tier_option,
    trace_config,
    workers_option,
)
from unspin.core.config import CheckConfig, TraceConfig
from unspin.core.results import ScanResult
from unspin.engines.local import scan
from unspin.io.tables import write_tables
from unspin.spec import LexiconSpec


@click.command("scan", epilog="""\b
Exit status:
  0  every input was read; no document is spun and none is derived from another
  1  at least one document is spun or derived from another
  2  usage error
  3  at least one input could not be read (reported on stderr; takes precedence over 1)

\b
Examples:
  unspin scan crawl/ --out results/ --report report.html
  unspin scan day.jsonl --db archive.db --out results/
""")
@input_options
@scan_db_option
@reference_option
@known_option
@click.option("--learn", is_flag=True,
              help="Write the swaps of documents that are verified copies of --db documents into that index "
                   "(local engine). Off by default: scanning never changes the index unless asked.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write documents, edges and clusters tables (JSONL, CSV, Parquet) to DIR.")
@click.option("--report", "report", type=click.Path(dir_okay=False), default=None, metavar="FILE.html",
              help="Write a self-contained HTML report.")
@threshold_option
@config_option
@click.option("--progress/--no-progress", default=None, help="Show progress bars (default: on a terminal).")
@tier_option("fast")
@workers_option
@click.option("--work-db", "work_db", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Local engine: keep the collection's own index in this new SQLite file instead of memory "
                   "(large collections; the file is left for you to delete).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: this process; spark: Apache Spark (pip install 'unspin[spark]' and Java), same results.")
@spark_master_option(submit=False)
@partitions_option
@candidate_options
def scan_command(inputs: tuple[str, ...], id_field: str, text_field: str, stdin_format: str, max_bytes: int,
                 db: str | None, references: tuple[str, ...], known_files: tuple[str, ...], learn: bool,
                 out_dir: str | None, report: str | None, threshold: float | None, config_file: str | None,
                 progress: bool | None, tier: str | None, workers: int, work_db: str | None, engine: str,
                 spark_master: str, partitions: int | None, max_bucket: int | None,
                 candidates: int | None) -> None:
    """Check every document of INPUT..., trace each against the others (and --db), and report
    derivation edges (copy -> source) and story clusters. Inputs are never modified."""
    err = sys.stderr  # read at call time: test runners swap it
    config = check_config(config_file=config_file, threshold=threshold, tier=tier, default_tier="fast")
    trace = trace_config(config_file=config_file, candidates=candidates, max_bucket=max_bucket)
    if engine == "local" and partitions is not None:
        raise click.UsageError("--partitions only applies to --engine spark")
    if engine == "spark" and (workers != 1 or work_db is not None):
        raise click.UsageError("--workers and --work-db apply to --engine local (Spark sizes its own work: "
                               "--spark-master local[N], --partitions)")
    if learn and (db is None or engine != "local"):
        raise click.UsageError("--learn needs --db FILE (the index it writes to) and --engine local")
    if work_db is not None and os.path.exists(work_db):
        raise click.UsageError(f"--work-db {work_db} exists: name a new file (scan builds its own index there)")
    spec = lexicon_spec(known_files=known_files, references=references, db=db, id_field=id_field,
                        text_field=text_field, max_bytes=max_bytes, err=err)
    documents = ReadableDocuments(inputs, id_field, text_field, max_bytes, stdin_format, err)
    problems = documents.problems

    show = sys.stderr.isatty() if progress is None else progress
    if engine == "spark":
        result = _scan_with_spark(list(documents.pairs()), db=spec.index_path, lexicon=spec, config=config,
                                  trace=trace, master=spark_master, show=show, partitions=partitions)
    else:
        result = _scan_locally(documents.pairs(), lexicon=spec, db=db, learn=learn, config=config, trace=trace,
                               show=show, workers=workers, work_db=work_db)
    result = type(result)(result.documents, result.edges, result.clusters, result.texts, tuple(problems))
    if out_dir:
        for p in write_tables(result, out_dir):
            err.write(f"unspin: wrote {p}\n")
    if report:
        from unspin.report import render_report

        with open(report, "w", encoding="utf-8") as fh:
            fh.write(render_report(result))
        err.write(f"unspin: wrote {report}\n")

    n_spun = sum(r.spun for r in result.documents)
    n_derived = sum(e.relation == "derived" for e in result.edges)
    n_same = len(result.edges) - n_derived
    table = Table(title="unspin scan", show_header=False)
    for label, value in (("documents", len(result.documents)), ("spun", n_spun), ("derived edges", n_derived),
                         ("same-story edges", n_same), ("story clusters", len(result.clusters)),
                         ("unreadable inputs", len(problems)), ("files passed over", len(documents.ignored))):
        table.add_row(label, str(value))
    Console(highlight=False).print(table)
    if (summary := documents.summary()) is not None:
        err.write(summary + "\n")
    if problems:
        sys.exit(ExitCode.SKIPPED)
    sys.exit(ExitCode.FOUND if n_spun or n_derived else ExitCode.OK)


def _scan_locally(docs: Iterator[tuple[str, str]], *, lexicon: LexiconSpec, db: str | None, learn: bool,
                  config: CheckConfig, trace: TraceConfig, show: bool, workers: int,
                  work_db: str | None) -> ScanResult:
    """The local engine (``unspin.engines.local.scan``) with progress bars, checking with ``lexicon``
    and tracing against the index ``db`` too (opened with ``trace``)."""
    with ExitStack() as stack:
        idx = stack.enter_context(open_index(db, read_only=not learn, config=trace)) if db else None
        collected = list(docs)
        bar = stack.enter_context(Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                           TimeElapsedColumn(), console=Console(file=sys.stderr),
                                           disable=not show))
        tasks = {stage: bar.add_task(stage, total=len(collected)) for stage in ("check", "index", "trace")}
        return scan(collected, lexicon=lexicon, index=idx, learn=learn, config=config,
                    trace=idx.config if idx is not None else trace, workers=workers, work_db=work_db,
                    progress=lambda stage, n: bar.advance(tasks[stage], n))


def _scan_with_spark(docs: list[tuple[str, str]], *, db: str | None, lexicon: LexiconSpec, config: CheckConfig,
                     trace: TraceConfig, master: str, show: bool, partitions: int | None) -> ScanResult:
    """The Spark engine (``unspin.engines.spark.scan_spark``) on documents read by the local reader,
    so that input rules, ids and problems are those of the local engine."""
    if db is not None:  # an incompatible index is a usage error here, as for the local engine
        open_index(db, read_only=True, config=trace).close()
    try:
        from unspin.engines.spark import active_session, scan_spark, spark_session

        existing = active_session()  # e.g. when called from a notebook or a test: used, not stopped
        spark = existing or spark_session(master, conf={"spark.ui.showConsoleProgress": "true" if show else "false"})
    except RuntimeError as e:
        raise click.UsageError(str(e)) from None
    if existing is None:
        spark.sparkContext.setLogLevel("ERROR")
    try:
        return scan_spark(spark, docs, config=config, trace=trace, lexicon=lexicon, partitions=partitions,
                          index_path=db)
    finally:
        if existing is None:
            spark.stop()
