"""``unspin scan`` as a Spark job: reads Parquet or JSON Lines, writes the scan tables.

On a cluster (the file is this module; see docs/spark.md for shipping unspin to the executors)::

    spark-submit --master yarn --archives unspin-env.tar.gz#env \\
        "$(python -c 'import unspin.engines.spark_submit as m; print(m.__file__)')" \\
        --input hdfs:///crawl/2024-06/ --out hdfs:///unspin/2024-06/

Locally, without ``spark-submit`` (``--master`` defaults to ``local[2]``)::

    python -m unspin.engines.spark_submit --input crawl.jsonl --out results/

Writes ``OUT/documents``, ``OUT/edges`` and ``OUT/clusters``, each as ``NAME.parquet/``,
``NAME.jsonl/`` and ``NAME.csv/`` directories of part files with the columns of
``unspin scan --out`` (``unspin.io.tables``); per-document rows never pass through the driver.
Prints the run's counts and timings as one JSON object on standard output.
Exit status: 0 done, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

from unspin.core.config import DEFAULT_THRESHOLD, CheckConfig, read_config_file
from unspin.defaults import MAX_BYTES, SPARK_MASTER, TOP_MATCHES
from unspin.io.tables import FORMATS
from unspin.store.base import CANDIDATES_LIMIT, MAX_BUCKET


def build_parser() -> argparse.ArgumentParser:
    """The command line (also documented in docs/spark.md)."""
    ap = argparse.ArgumentParser(prog="python -m unspin.engines.spark_submit",
                                 description="unspin scan on Apache Spark: verdicts, derivation edges and story "
                                             "clusters of a whole collection, written as Parquet, JSONL and CSV.")
    ap.add_argument("--input", action="append", required=True, metavar="PATH",
                    help="Parquet file or directory, or JSON Lines file (.jsonl, .ndjson, .json, optionally .gz); "
                         "repeatable; any path Spark reads (hdfs://, s3a://, file://, globs)")
    ap.add_argument("--out", required=True, metavar="DIR", help="output directory (tables are replaced)")
    ap.add_argument("--input-format", choices=("auto", "parquet", "jsonl"), default="auto",
                    help="default: JSONL if every input ends in a JSONL extension, else Parquet")
    ap.add_argument("--id-field", default="id", help="field or column holding the document id (default: id)")
    ap.add_argument("--text-field", default="text", help="field or column holding the text (default: text)")
    ap.add_argument("--threshold", type=float, default=None,
                    help="score at or above which a document is called spun (default: --config's, else "
                         f"{DEFAULT_THRESHOLD})")
    ap.add_argument("--config", default=None, metavar="FILE.json",
                    help="check settings as JSON, the shape of CheckConfig.to_dict() (as unspin scan --config); "
                         "read here and shipped to the executors")
    ap.add_argument("--top", type=int, default=TOP_MATCHES, help=f"matches kept per document (default: {TOP_MATCHES})")
    ap.add_argument("--max-bucket", type=int, default=MAX_BUCKET,
                    help=f"skip key buckets (band or winnow) holding more documents (default: {MAX_BUCKET}, "
                         "as the local engine)")
    ap.add_argument("--candidates", type=int, default=CANDIDATES_LIMIT,
                    help=f"band and containment candidates ranked per document (default: {CANDIDATES_LIMIT}, "
                         "as the local engine)")
    ap.add_argument("--partitions", type=int, default=None,
                    help="partitions for checking and tracing (default: 4 per core of the cluster)")
    ap.add_argument("--db", default=None, metavar="FILE",
                    help="also trace against this index, read-only, and use what it learned; it must be readable "
                         "on every executor (shared file system, or spark-submit --files FILE)")
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help=f"comma-separated output formats (default: {','.join(FORMATS)})")
    ap.add_argument("--max-bytes", type=int, default=MAX_BYTES,
                    help="largest text (or JSONL line) read, in bytes; larger records are reported and skipped")
    ap.add_argument("--master", default=None,
                    help=f"Spark master; default: the one spark-submit sets, else {SPARK_MASTER}")
    ap.add_argument("--stats", default=None, metavar="FILE", help="also write the run's counts and timings here")
    return ap


def _check_config(path: str | None, threshold: float | None) -> CheckConfig:
    """The ``--config`` file's ``CheckConfig`` (or the defaults), ``--threshold`` replacing its
    threshold; ``ValueError`` saying what is wrong with the file."""
    try:
        data = read_config_file(path) if path is not None else {}
        if threshold is not None:
            data["threshold"] = threshold
        return CheckConfig.from_dict(data)
    except ValueError as e:
        raise ValueError(f"--config {path}: {e}" if path is not None else str(e)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job; returns the exit status."""
    args = build_parser().parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        print(f"unspin: --formats takes {', '.join(FORMATS)}; got {args.formats!r}", file=sys.stderr)
        return 2
    try:
        from pyspark.errors import AnalysisException

        from unspin.engines.spark import SparkScan, SparkScanOptions, spark_session
    except ImportError:
        print("unspin: the Spark engine needs pyspark: pip install 'unspin[spark]'", file=sys.stderr)
        return 2

    try:
        options = SparkScanOptions(config=_check_config(args.config, args.threshold), top=args.top,
                                   max_bucket=args.max_bucket, candidates_limit=args.candidates,
                                   partitions=args.partitions, index_path=args.db)
        options.validate()
    except ValueError as e:
        print(f"unspin: {e}", file=sys.stderr)
        return 2
    under_submit = "PYSPARK_GATEWAY_PORT" in os.environ  # set when spark-submit started this interpreter
    master = args.master or (None if under_submit else SPARK_MASTER)
    try:
        spark = spark_session(master, app_name="unspin-scan")
    except RuntimeError as e:
        print(f"unspin: {e}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        run = SparkScan.run(spark, args.input, options=options, id_field=args.id_field, text_field=args.text_field,
                            input_format=None if args.input_format == "auto" else args.input_format,
                            max_bytes=args.max_bytes)
        t = time.perf_counter()
        written = run.write_tables(args.out, formats=formats)
        run.stats.seconds["write tables"] = round(time.perf_counter() - t, 3)
        run.stats.seconds["total"] = round(time.perf_counter() - t0, 3)
        for src, reason in run.problems[:20]:
            print(f"unspin: skipped {src}: {reason}", file=sys.stderr)
        if len(run.problems) > 20:
            print(f"unspin: ... and {len(run.problems) - 20} more skipped records", file=sys.stderr)
        summary = {"out": args.out, "written": written, **run.stats.to_dict()}
        run.close()
    except (ValueError, AnalysisException) as e:  # a missing input, a missing or mistyped column
        print(f"unspin: {e}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    text = json.dumps(summary, indent=1)
    print(text)
    if args.stats:
        with open(args.stats, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
