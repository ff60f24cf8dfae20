"""``unspin index add|remove|info``: build and maintain a reference index."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from unspin.cli.options import ReadableDocuments, input_options
from unspin.index import Index
from unspin.store import IncompatibleIndexError, StoreError

EXIT_OK, EXIT_USAGE, EXIT_SKIPPED = 0, 2, 3

db_option = click.option("--db", "db", required=True, type=click.Path(dir_okay=False), metavar="FILE",
                         help="The index file (SQLite; created by 'index add' if missing).")


class IndexUnusable(click.ClickException):
    """The index cannot be opened as asked: a usage error (exit status 2, as documented), not a
    result (for ``trace``, status 1 means "derived")."""

    exit_code = EXIT_USAGE


def open_index(db: str, *, read_only: bool = False) -> Index:
    """Open an index for a command, turning store errors into a clean usage message."""
    try:
        return Index.open(db, read_only=read_only)
    except (IncompatibleIndexError, StoreError) as e:
        raise IndexUnusable(str(e)) from e


@click.group("index")
def index_group() -> None:
    """Build and maintain a reference index (for 'unspin trace' and 'unspin check --db')."""


@index_group.command("add", epilog="""\b
Exit status: 0 all inputs indexed (or already present); 2 usage error or incompatible index;
3 some inputs could not be read (reported on stderr; the rest were indexed).
Adding is resumable: documents whose id is already indexed are skipped, so re-running an
interrupted 'index add' continues without duplicates.""")
@db_option
@input_options
@click.option("--batch-size", type=click.IntRange(1), default=None,
              help="Documents per transaction (default: 1,000, growing with the index to 20,000).")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Batches fingerprinted ahead of the writer, in threads (Polars adds its own).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
def index_add(db: str, inputs: tuple[str, ...], id_field: str, text_field: str, stdin_format: str,
              max_bytes: int, batch_size: int | None, workers: int, progress: bool | None) -> None:
    """Index the documents of INPUT... (files, directories, JSONL, Parquet, -)."""
    err = sys.stderr  # read at call time: test runners swap it
    documents = ReadableDocuments(inputs, id_field, text_field, max_bytes, stdin_format, err)

    show = sys.stderr.isatty() if progress is None else progress
    with open_index(db) as idx:
        bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=Console(file=sys.stderr), disable=not show)
        with bar:
            task = bar.add_task("index", total=None)
            report = idx.add(documents.pairs(), batch_size=batch_size, workers=workers,
                             progress=lambda n: bar.advance(task, n))
        err.write(f"unspin: indexed {report.added} document(s), {report.skipped} already present; "
                  f"{len(idx)} in {db}\n")
    if documents.problems:
        err.write(f"unspin: {len(documents.problems)} input(s) could not be read (see messages above)\n")
        sys.exit(EXIT_SKIPPED)


@index_group.command("remove")
@db_option
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
def index_remove(db: str, ids: tuple[str, ...]) -> None:
    """Remove documents by id (unknown ids are reported, not an error)."""
    with open_index(db) as idx:
        n = idx.remove(list(ids))
    click.echo(f"unspin: removed {n} of {len(ids)} document(s)", err=True)


@index_group.command("info")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: readable summary; json: one JSON object.")
def index_info(db: str, fmt: str) -> None:
    """Size, parameters and counts of an index."""
    with open_index(db, read_only=True) as idx:
        info = idx.info()
    data = {"path": info.path, "documents": info.documents, "size_bytes": info.size_bytes,
            "bytes_per_document": round(info.size_bytes / info.documents, 1) if info.documents else None,
            "format_version": info.format_version, "params": info.params,
            "learned_substitutions": info.substitutions, "created": info.created, "updated": info.updated}
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        for k, v in data.items():
            click.echo(f"{k:24} {v}")
