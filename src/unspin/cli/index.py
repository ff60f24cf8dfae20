"""``unspin index add|remove|info|learned|forget``: build and maintain a reference index."""

from __future__ import annotations

import csv
import json
import os
import sys
from contextlib import ExitStack
from typing import TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from unspin.cli.exit_codes import ExitCode
from unspin.cli.options import ReadableDocuments, config_option, input_options, output_options, trace_config
from unspin.core.config import TraceConfig
from unspin.index import Index
from unspin.io.writers import json_line
from unspin.store import IncompatibleIndexError, LearnedSwap, StoreError

db_option = click.option("--db", "db", required=True, type=click.Path(dir_okay=False), metavar="FILE",
                         help="The index file (SQLite; created by 'index add' if missing, an error elsewhere).")


class IndexUnusable(click.ClickException):
    """The index cannot be opened as asked: a usage error (exit status 2, as documented), not a
    result (for ``trace``, status 1 means "derived")."""

    exit_code = ExitCode.USAGE


def open_index(db: str, *, read_only: bool = False, create: bool = False,
               config: TraceConfig | None = None) -> Index:
    """Open an index for a command, to trace with ``config`` (``Index.open``), turning store
    errors (an incompatible index included: fingerprint parameters other than the ones it was
    built with) and a semantic path that cannot run (``trace.semantic`` without the word
    vectors) into a clean usage message. Only with ``create`` (``index add``) may the file be
    missing: a mistyped ``--db`` must never become a new, empty index that silently answers
    "nothing found"."""
    if not create and db != ":memory:" and not os.path.exists(db):
        raise IndexUnusable(f"no index at {db} (file not found): check the path, or build one with "
                            f"'unspin index add --db {db} INPUT...'")
    try:
        return Index.open(db, read_only=read_only, config=config)
    except (IncompatibleIndexError, StoreError) as e:
        raise IndexUnusable(str(e)) from e
    except ValueError as e:  # trace.semantic without the wordllama vectors
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
@config_option
def index_add(db: str, inputs: tuple[str, ...], id_field: str, text_field: str, stdin_format: str,
              max_bytes: int, batch_size: int | None, workers: int, progress: bool | None,
              config_file: str | None) -> None:
    """Index the documents of INPUT... (files, directories, JSONL, Parquet, -). A new index
    records the fingerprint parameters of --config's trace.fingerprint (default: the built-in
    ones); an existing one is extended with its own, and a --config naming others is refused."""
    err = sys.stderr  # read at call time: test runners swap it
    trace = trace_config(config_file=config_file)
    documents = ReadableDocuments(inputs, id_field, text_field, max_bytes, stdin_format, err)

    show = sys.stderr.isatty() if progress is None else progress
    with open_index(db, create=True, config=trace) as idx:
        bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=Console(file=sys.stderr), disable=not show)
        with bar:
            task = bar.add_task("index", total=None)
            report = idx.add(documents.pairs(), batch_size=batch_size, workers=workers,
                             progress=lambda n: bar.advance(task, n))
        err.write(f"unspin: indexed {report.added} document(s), {report.skipped} already present; "
                  f"{len(idx)} in {db}\n")
    if (summary := documents.summary()) is not None:
        err.write(summary + "\n")
    if documents.problems:
        sys.exit(ExitCode.SKIPPED)


@index_group.command("remove", epilog="""\b
Exit status: 0 done (ids not in the index are named on stderr); 2 usage error, missing or
unusable index.""")
@db_option
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
def index_remove(db: str, ids: tuple[str, ...]) -> None:
    """Remove documents by id (unknown ids are named, not an error)."""
    with open_index(db) as idx:
        present = idx.store.contains(list(ids))
        n = idx.remove(list(ids))
    for doc_id in dict.fromkeys(ids):
        if doc_id not in present:
            click.echo(f"unspin: no document {doc_id!r} in {db}", err=True)
    click.echo(f"unspin: removed {n} of {len(ids)} document(s)", err=True)


@index_group.command("info", epilog="""\b
Exit status: 0 reported; 2 usage error, missing or unusable index.""")
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
        for label, value in info_lines(data):
            click.echo(f"{label:24} {value}")


def info_lines(data: dict[str, object]) -> list[tuple[str, str]]:
    """``index info``'s text view: one (label, value) per line; each parameter on its own line
    (``params.shingle``), numbers with thousands separators, a missing value as "-"."""
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend((f"{key}.{k}", _shown(v)) for k, v in value.items())
            if not value:
                out.append((key, "-"))
        else:
            out.append((key, _shown(value)))
    return out


def _shown(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict | bool) else str(value)
    return f"{value:,}"


@index_group.command("learned", epilog="""\b
Exit status: 0 listed (also when nothing was learned); 2 usage error or unusable index.
Swaps are learned only by 'trace --learn', 'scan --learn' and 'serve --learn'.""")
@db_option
@output_options
@click.option("--min-count", type=click.IntRange(1), default=1, show_default=True,
              help="List only swaps learned at least this many times.")
def index_learned(db: str, fmt: str, output: str | None, min_count: int) -> None:
    """List the learned swaps (spun phrase -> source phrase), how many times each was learned,
    and the (source id, copy id) pairs it was learned from."""
    with open_index(db, read_only=True) as idx:
        swaps = idx.learned(min_count=min_count)
    with ExitStack() as stack:
        out = stack.enter_context(open(output, "w", encoding="utf-8", newline="")) if output else sys.stdout
        if fmt == "jsonl":
            for s in swaps:
                out.write(json_line(_swap_dict(s)) + "\n")
        elif fmt == "csv":
            _write_swaps_csv(swaps, out)
        else:
            _print_swaps(swaps, out)
    click.echo(f"unspin: {len(swaps)} learned swap(s) in {db}", err=True)


def _swap_dict(s: LearnedSwap) -> dict[str, object]:
    """One learned swap as ``index learned --format jsonl`` writes it."""
    return {"spun": s.spun, "source": s.source, "count": s.count,
            "learned_from": [{"source_id": src, "copy_id": copy} for src, copy in s.learned_from]}


def _write_swaps_csv(swaps: list[LearnedSwap], out: TextIO) -> None:
    """A header and one row per swap; ``source_ids`` and ``copy_ids`` are ``;``-separated, pair by pair."""
    w = csv.writer(out)
    w.writerow(["spun", "source", "count", "source_ids", "copy_ids"])
    for s in swaps:
        w.writerow([s.spun, s.source, s.count, ";".join(p[0] for p in s.learned_from),
                    ";".join(p[1] for p in s.learned_from)])


def _print_swaps(swaps: list[LearnedSwap], out: TextIO, shown_pairs: int = 3) -> None:
    """A readable table: each swap, its count and the first ``shown_pairs`` pairs (copy <- source)."""
    if not swaps:
        out.write("no learned swaps\n")
        return
    table = Table("spun", "source", "count", "learned from (copy <- source)", title="learned swaps")
    for s in swaps:
        pairs = [f"{copy} <- {src}" for src, copy in s.learned_from[:shown_pairs]]
        if len(s.learned_from) > shown_pairs:
            pairs.append(f"and {len(s.learned_from) - shown_pairs} more")
        table.add_row(s.spun, s.source, str(s.count), "\n".join(pairs) or "(not recorded)")
    Console(file=out, highlight=False, soft_wrap=False).print(table)


def parse_swap(text: str) -> tuple[str, str | None]:
    """``SPUN->SOURCE`` as (spun, source), or a bare ``SPUN`` as (spun, None): every swap of it."""
    spun, arrow, source = text.partition("->")
    spun, source = " ".join(spun.lower().split()), " ".join(source.lower().split())
    if not spun or (arrow and not source):
        raise click.BadParameter(f"{text!r}: write a swap as 'SPUN->SOURCE' (or 'SPUN' for all its swaps)",
                                 param_hint="SWAP")
    return spun, source if arrow else None


@index_group.command("forget", epilog="""\b
Exit status: 0 done (swaps not in the index are named on stderr); 2 usage error or unusable index.

\b
Examples:
  unspin index forget --db news.db "she->benning"
  unspin index forget --db news.db "dunmore"        # every swap of 'dunmore'
  unspin index forget --db news.db --all""")
@db_option
@click.argument("swaps", nargs=-1, metavar="[SWAP...]")
@click.option("--all", "forget_all", is_flag=True, help="Forget every learned swap.")
def index_forget(db: str, swaps: tuple[str, ...], forget_all: bool) -> None:
    """Remove learned swaps (written SPUN->SOURCE, or SPUN for all of its swaps, as 'index learned'
    lists them) and their provenance."""
    if bool(swaps) == forget_all:
        raise click.UsageError("name the swaps to forget (SPUN->SOURCE or SPUN), or give --all")
    wanted = [parse_swap(s) for s in swaps]
    with open_index(db) as idx:
        gone = idx.forget(None if forget_all else wanted)
    for spun, source in wanted:
        if not any(g[0] == spun and (source is None or g[1] == source) for g in gone):
            shown = spun if source is None else f"{spun}->{source}"
            click.echo(f"unspin: no learned swap {shown!r} in {db}", err=True)
    click.echo(f"unspin: forgot {len(gone)} learned swap(s)", err=True)
