"""Options shared by every command that reads documents or writes results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

FORMATS = ("text", "jsonl", "csv")


def input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``INPUT...`` plus the options that say how to read it."""
    f = click.option("--id-field", default="id", show_default=True,
                     help="JSONL/Parquet field holding the document id.")(f)
    f = click.option("--text-field", default="text", show_default=True,
                     help="JSONL/Parquet field holding the document text.")(f)
    f = click.option("--stdin-format", type=click.Choice(["text", "jsonl"]), default="text",
                     show_default=True, help="How to read '-' (standard input).")(f)
    f = click.option("--max-bytes", type=int, default=64 * 1024 * 1024, show_default=True,
                     help="Largest text/HTML file (or JSONL line) to read; larger ones are reported and skipped.")(f)
    f = click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")(f)
    return f


def output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--format`` and ``--output``, the same on every command."""
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                     help="text: readable view; jsonl: one JSON object per document; "
                          "csv: one summary row per document.")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
                     help="Write results to this file instead of standard output.")(f)
    return f


def workers_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--workers``: processes that share the work; the results do not depend on it."""
    return click.option("--workers", type=click.IntRange(1), default=1, show_default=True, metavar="N",
                        help="Worker processes (use up to one per core); results are identical for any N.")(f)
