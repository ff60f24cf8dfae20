"""``unspin scan`` as a Spark job: reads Parquet or JSON Lines, writes the scan tables.

The command-line entry point for ``spark-submit``, run as the file ``unspin/engines/spark_submit.py``
(see that module and docs/spark.md). Every option that ``unspin scan`` also has is the same
click option (``unspin.cli.options``): one definition, one help text, one default, one parser.

Writes ``OUT/documents``, ``OUT/edges`` and ``OUT/clusters``, each as ``NAME.parquet/``,
``NAME.jsonl/`` and ``NAME.csv/`` directories of part files with the columns of
``unspin scan --out`` (``unspin.io.tables``); per-document rows never pass through the driver.
Prints the run's counts and timings as one JSON object on standard output.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence

import click

from unspin.cli.exit_codes import ExitCode
from unspin.cli.index import open_index
from unspin.cli.options import (
    candidate_options,
    check_config,
    config_option,
    partitions_option,
    record_options,
    scan_db_option,
    spark_master_option,
    threshold_option,
    tier_option,
    top_option,
    trace_config,
)
from unspin.defaults import SPARK_MASTER
from unspin.io.tables import FORMATS

PROG = "python -m unspin.engines.spark_submit"
INPUT_FORMATS = ("auto", "parquet", "jsonl")
#: Unreadable records named on stderr; the rest are counted.
SHOWN_PROBLEMS = 20


def _formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    """``--formats`` as a tuple of known formats, or a usage error."""
    formats = tuple(f.strip() for f in value.split(",") if f.strip())
    if not formats or set(formats) - set(FORMATS):
        raise click.BadParameter(f"takes {', '.join(FORMATS)} (comma-separated); got {value!r}")
    return formats


@click.command("spark_submit", epilog="""\b
Exit status: 0 done; 2 usage error (bad option, missing input or column, pyspark or Java
missing, unusable --db).

\b
Examples:
  spark-submit --master yarn "$(python -c 'import unspin.engines.spark_submit as m; print(m.__file__)')" \\
      --input hdfs:///crawl/2024-06/ --out hdfs:///unspin/2024-06/
  python -m unspin.engines.spark_submit --input crawl.jsonl --out results/    # local[2], no cluster
""")
@click.option("--input", "inputs", multiple=True, required=True, metavar="PATH",
              help="Parquet file or directory, or JSON Lines file (.jsonl, .ndjson, .json, optionally .gz); "
                   "repeatable; any path Spark reads (hdfs://, s3a://, file://, globs).")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Output directory (tables are replaced).")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default="auto", show_default=True,
              help="auto: JSON Lines if every input ends in a JSONL extension, else Parquet.")
@record_options
@scan_db_option
@threshold_option
@config_option
@tier_option("fast")
@top_option
@candidate_options
@partitions_option
@click.option("--formats", default=",".join(FORMATS), show_default=True, callback=_formats,
              help="Comma-separated output formats.")
@spark_master_option(submit=True)
@click.option("--stats", "stats_file", default=None, metavar="FILE",
              help="Also write the run's counts and timings here.")
def spark_submit_command(inputs: tuple[str, ...], out_dir: str, input_format: str, id_field: str, text_field: str,
                         max_bytes: int, db: str | None, threshold: float | None, config_file: str | None,
                         tier: str | None, top: int, candidates: int | None, max_bucket: int | None,
                         partitions: int | None, formats: tuple[str, ...], spark_master: str | None,
                         stats_file: str | None) -> None:
    """unspin scan on Apache Spark: verdicts, derivation edges and story clusters of a whole
    collection, written as Parquet, JSONL and CSV."""
    config = check_config(config_file=config_file, threshold=threshold, tier=tier, default_tier="fast")
    trace = trace_config(config_file=config_file, candidates=candidates, max_bucket=max_bucket)
    if db is not None:  # an incompatible index is a usage error before Spark starts
        open_index(db, read_only=True, config=trace).close()
    try:
        from pyspark.errors import AnalysisException

        from unspin.engines.spark import SparkScan, SparkScanOptions, active_session, spark_session
    except ImportError:
        raise click.UsageError("the Spark engine needs pyspark: pip install 'unspin[spark]'") from None

    options = SparkScanOptions(config=config, trace=trace, top=top, partitions=partitions, index_path=db)
    under_submit = "PYSPARK_GATEWAY_PORT" in os.environ  # set when spark-submit started this interpreter
    master = spark_master or (None if under_submit else SPARK_MASTER)
    existing = active_session()  # e.g. when called from a notebook or a test: used, not stopped
    try:
        spark = existing or spark_session(master, app_name="unspin-scan")
    except RuntimeError as e:
        raise click.UsageError(str(e)) from None
    t0 = time.perf_counter()
    try:
        run = SparkScan.run(spark, list(inputs), options=options, id_field=id_field, text_field=text_field,
                            input_format=None if input_format == "auto" else input_format, max_bytes=max_bytes)
        t = time.perf_counter()
        written = run.write_tables(out_dir, formats=formats)
        run.stats.seconds["write tables"] = round(time.perf_counter() - t, 3)
        run.stats.seconds["total"] = round(time.perf_counter() - t0, 3)
        for src, reason in run.problems[:SHOWN_PROBLEMS]:
            click.echo(f"unspin: skipped {src}: {reason}", err=True)
        if len(run.problems) > SHOWN_PROBLEMS:
            click.echo(f"unspin: ... and {len(run.problems) - SHOWN_PROBLEMS} more skipped records", err=True)
        summary = {"out": out_dir, "written": written, **run.stats.to_dict()}
        run.close()
    except (ValueError, AnalysisException) as e:  # a missing input, a missing or mistyped column
        raise click.UsageError(str(e)) from None
    finally:
        if existing is None:
            spark.stop()
    text = json.dumps(summary, indent=1)
    click.echo(text)
    if stats_file:
        with open(stats_file, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job with ``argv`` (default: ``sys.argv[1:]``); returns the exit status
    (``ExitCode.OK``, or ``ExitCode.USAGE`` with the reason on standard error)."""
    try:  # click's standalone mode always ends with SystemExit
        spark_submit_command.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name=PROG,
                                  standalone_mode=True)
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else ExitCode.USAGE
