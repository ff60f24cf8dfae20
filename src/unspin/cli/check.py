"""``unspin check``: is each document machine-spun? Findings, suggestions, restored text."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack

import click
from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from unspin.api import check
from unspin.cli.exit_codes import ExitCode
from unspin.cli.options import (
    ReadableDocuments,
    check_config,
    config_option,
    input_options,
    known_option,
    lexicon_spec,
    output_options,
    reference_option,
    threshold_option,
    tier_option,
    workers_option,
)
from unspin.io.readers import Document
from unspin.io.writers import render_terminal, write_csv, write_jsonl


@click.command("check", epilog="""\b
Exit status:
  0  every document was read and none is spun
  1  at least one document is spun (score >= --threshold)
  2  usage error (bad option, unreadable --known/--reference)
  3  at least one input could not be read; it was reported on stderr and skipped,
     the other documents were still checked (takes precedence over 1)

\b
Examples:
  unspin check article.txt
  unspin check crawl/ --format jsonl -o verdicts.jsonl
  cat page.html | unspin check -
  unspin check papers.jsonl --text-field abstract --format csv
""")
@input_options
@output_options
@threshold_option
@config_option
@reference_option
@known_option
@click.option("--db", "db", type=click.Path(dir_okay=False, exists=True), metavar="FILE", default=None,
              help="An index built by 'unspin index add': its learned substitutions and its texts (as "
                   "reference statistics) strengthen detection.")
@click.option("--include-text", is_flag=True, help="JSONL: also write each document's text.")
@tier_option(None)
@click.option("--progress/--no-progress", default=None,
              help="Count checked documents and megabytes on standard error (default: when it is a terminal).")
@workers_option
def check_command(inputs: tuple[str, ...], id_field: str, text_field: str, stdin_format: str, max_bytes: int,
                  fmt: str, output: str | None, threshold: float | None, config_file: str | None,
                  references: tuple[str, ...],
                  known_files: tuple[str, ...], db: str | None, include_text: bool, tier: str | None,
                  progress: bool | None, workers: int) -> None:
    """Score each INPUT for machine spinning, with the suspicious spans and their likely originals.

    INPUT is a file (.txt, .md, .html, .jsonl, .parquet), a directory (read recursively) or -
    for standard input. No reference corpus is needed.
    """
    err = sys.stderr  # read at call time: test runners swap it
    config = check_config(config_file=config_file, threshold=threshold, tier=tier, default_tier=None)
    spec = lexicon_spec(known_files=known_files, references=references, db=db, id_field=id_field,
                        text_field=text_field, max_bytes=max_bytes, err=err)

    spun = 0
    documents = ReadableDocuments(inputs, id_field, text_field, max_bytes, stdin_format, err)
    read: deque[Document] = deque()

    def pairs() -> Iterator[tuple[str, str]]:
        for doc in documents:
            read.append(doc)
            yield doc.id, doc.text

    with ExitStack() as stack:
        out = stack.enter_context(open(output, "w", encoding="utf-8")) if output else sys.stdout
        console = Console(file=out, highlight=False, soft_wrap=False) if fmt == "text" else None
        first_csv = True
        show = err.isatty() if progress is None else progress
        counts = TextColumn("checked {task.completed:.0f} documents, {task.fields[mb]:.1f} MB")
        bar = stack.enter_context(Progress(counts, TimeElapsedColumn(),
                                           console=Console(file=err), disable=not show))
        task = bar.add_task("check", total=None, mb=0.0)
        done_chars = 0  # characters of the documents already checked

        def within(chars: int) -> None:  # a long document reports its windows as they are checked
            bar.update(task, mb=(done_chars + chars) / 1e6)

        if workers > 1:
            from unspin.engines.pool import WorkerPool

            pool = stack.enter_context(WorkerPool(workers, spec, config=config))
            results = pool.check(pairs())
        else:
            lexicon = spec.build()
            results = (check(text, id=doc_id, lexicon=lexicon, config=config, progress=within if show else None)
                       for doc_id, text in pairs())
        for result in results:
            doc = read.popleft()
            done_chars += len(doc.text)
            bar.update(task, advance=1, mb=done_chars / 1e6)
            spun += result.spun
            if fmt == "jsonl":
                write_jsonl([result], out, include_text=include_text, texts=[doc.text])
            elif fmt == "csv":
                write_csv([result], out, header=first_csv)
                first_csv = False
            else:
                assert console is not None
                render_terminal(result, doc.text, console)
            out.flush()
        if fmt == "csv" and first_csv:  # nothing could be read: still a valid (empty) table
            write_csv([], out, header=True)
    if (summary := documents.summary()) is not None:
        err.write(summary + "\n")
    if documents.problems:
        sys.exit(ExitCode.SKIPPED)
    sys.exit(ExitCode.FOUND if spun else ExitCode.OK)

