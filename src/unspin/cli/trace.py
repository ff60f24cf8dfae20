"""``unspin trace``: find the source of each input in an index, with the evidence."""

from __future__ import annotations

import itertools
import sys
from contextlib import ExitStack

import click
from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from unspin.cli.exit_codes import ExitCode
from unspin.cli.index import db_option, open_index
from unspin.cli.options import ReadableDocuments, config_option, input_options, output_options, top_option, trace_config
from unspin.index import LEARN_MIN_SCORE
from unspin.io.writers import render_trace_terminal, write_jsonl, write_trace_csv

# Inputs traced together (one fingerprinting and prefilter batch); output stays in input order.
TRACE_CHUNK = 64


@click.command("trace", epilog="""\b
Exit status:
  0  every input was read and none is derived from an indexed document
  1  at least one input is derived from an indexed document
  2  usage error (missing or incompatible index)
  3  at least one input could not be read (reported on stderr; takes precedence over 1)

\b
Examples:
  unspin index add --db news.db archive/
  unspin trace --db news.db suspect.html
  unspin trace --db news.db crawl.jsonl --format jsonl -o matches.jsonl
  unspin trace --db news.db copy.txt --learn     # also store its swaps (see 'unspin index learned')
""")
@db_option
@input_options
@output_options
@top_option
@click.option("--learn/--no-learn", default=False, show_default=True,
              help=f"Write the swaps of verified copies (derived matches scoring at least {LEARN_MIN_SCORE}) into "
                   "the index, "
                   "with the pair they came from, for 'check --db' to use. Off by default: tracing never "
                   "changes the index unless asked.")
@click.option("--include-text", is_flag=True, help="JSONL: also write each input's text.")
@click.option("--progress/--no-progress", default=None,
              help="Count traced documents and megabytes on standard error (default: when it is a terminal).")
@config_option
def trace_command(db: str, inputs: tuple[str, ...], id_field: str, text_field: str, stdin_format: str,
                  max_bytes: int, fmt: str, output: str | None, top: int, learn: bool, include_text: bool,
                  progress: bool | None, config_file: str | None) -> None:
    """Trace each INPUT to the indexed documents it was copied from (spun or not), and tell
    copies ('derived') from independent reports of the same story ('same-story')."""
    err = sys.stderr  # read at call time: test runners swap it
    trace = trace_config(config_file=config_file)
    derived = 0
    with ExitStack() as stack:
        idx = stack.enter_context(open_index(db, read_only=not learn, config=trace))
        out = stack.enter_context(open(output, "w", encoding="utf-8", newline="")) if output else sys.stdout
        console = Console(file=out, highlight=False, soft_wrap=False) if fmt == "text" else None
        first = True
        show = err.isatty() if progress is None else progress
        counts = TextColumn("traced {task.completed:.0f} documents, {task.fields[mb]:.1f} MB")
        bar = stack.enter_context(Progress(counts, TimeElapsedColumn(), console=Console(file=err), disable=not show))
        task = bar.add_task("trace", total=None, mb=0.0)
        done_chars = 0
        documents = ReadableDocuments(inputs, id_field, text_field, max_bytes, stdin_format, err)
        items = iter(documents)
        # A few inputs at a time: Index.trace_many fingerprints them together; output keeps input order.
        while chunk := list(itertools.islice(items, TRACE_CHUNK)):
            results = idx.trace_many([(doc.id, doc.text) for doc in chunk], top=top, learn=learn, chunk=TRACE_CHUNK)
            for doc, result in zip(chunk, results, strict=True):
                done_chars += len(doc.text)
                bar.update(task, advance=1, mb=done_chars / 1e6)
                derived += any(m.relation == "derived" for m in result.matches)
                if fmt == "jsonl":
                    write_jsonl([result], out, include_text=include_text, texts=[doc.text])
                elif fmt == "csv":
                    write_trace_csv([result], out, header=first)
                    first = False
                else:
                    assert console is not None
                    render_trace_terminal(result, doc.text, console)
            out.flush()
        if fmt == "csv" and first:  # nothing could be read: still a valid (empty) table
            write_trace_csv([], out, header=True)
    if (summary := documents.summary()) is not None:
        err.write(summary + "\n")
    if documents.problems:
        sys.exit(ExitCode.SKIPPED)
    sys.exit(ExitCode.FOUND if derived else ExitCode.OK)
