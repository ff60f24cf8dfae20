"""``unspin scan`` on Apache Spark: the local pipeline as a library, not a second implementation.

Every decision is made by the pure functions the local engine (``unspin.engines.local.scan``) calls:

* verdicts: ``unspin.api.check`` with the run's ``CheckConfig`` and the lexicon of its
  ``LexiconSpec`` (``LexiconSpec.build``, as every front end builds it), both shipped as plain
  data (the spec in a broadcast variable: it may hold a reference corpus), the lexicon built
  once per Python worker and reused by every partition it runs;
* band and winnow keys: ``unspin.index.fingerprint_documents`` (what ``Index.add`` stores:
  skeleton and fact bands of ``MinHasher``, and the winnowed content-word hashes of
  ``unspin.core.winnow`` with the params' ``winnow_k`` and ``winnow_window``), with the run's
  ``TraceConfig.fingerprint`` (the ``--db`` index's when it names none);
* candidates: one key join counts, for every pair of documents, the distinct band keys and the
  distinct winnow keys of each that the other holds, in buckets of at most ``TraceConfig.max_bucket``
  documents (larger buckets are skipped and counted, as the store skips them). A bucket is what
  the memory store files under a key: every document holding it, as a band or a winnow key.
  Then ``unspin.store.base.rank_shared`` ranks each document's band candidates and its
  containment candidates exactly like ``Store.candidates`` and ``Store.containment_candidates``
  (most keys held, then id; not itself; ``TraceConfig.candidates`` each), and
  ``unspin.core.candidates.choose_candidates`` (what ``Index.trace`` calls, with
  ``TraceConfig.containment``) keeps the contained
  sources and merges the two lists into the documents to verify;
* verification: ``unspin.core.trace.trace_texts`` (``trace_text`` per document) with the run's
  ``TraceConfig.relation`` (what ``Index.trace`` does), and ``Index.trace`` itself, opened with
  the run's ``TraceConfig``, against an external index (``--db``). The ``TraceConfig`` travels
  to the executors as ``TraceConfig.to_dict()``, like the ``CheckConfig``;
* edges and clusters: ``unspin.core.graph.build_edges`` and ``build_clusters`` on the driver, over the
  collected matches in the local engine's order (so ties resolve the same way);
* table rows: ``unspin.io.tables.scan_tables``, per partition for the documents table.

Spark only moves data: it reads, deduplicates ids (first occurrence wins), runs those
functions in ``mapPartitions`` and does the key join. Results cross the Python/JVM boundary
as JSON of the core's own dataclasses (``to_dict(exact=True)``, rebuilt by ``from_dict``: floats
unrounded), so scores are bit-identical to the local engine's.

Two entry points: :func:`scan_spark` returns a ``ScanResult`` (everything collected on the
driver, like the local engine), and :class:`SparkScan` keeps per-document data distributed and
writes the tables with Spark (``python -m unspin.engines.spark_submit``). See docs/spark.md.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from unspin.api import check
from unspin.core.candidates import choose_candidates
from unspin.core.config import CheckConfig, TraceConfig
from unspin.core.fingerprint import FingerprintParams
from unspin.core.graph import FoundMatch, build_clusters, build_edges
from unspin.core.results import CheckResult, Cluster, Edge, Match, ScanResult
from unspin.core.trace import trace_texts
from unspin.defaults import MAX_BYTES, SPARK_MASTER, TOP_MATCHES
from unspin.index import Index, fingerprint_documents
from unspin.io.readers import Document, InputProblem, ReadOptions, document_from_value, parse_jsonl_line
from unspin.io.tables import CLUSTER_COLUMNS, DOCUMENT_COLUMNS, EDGE_COLUMNS, FORMATS, csv_cell, scan_tables
from unspin.io.writers import json_line
from unspin.lexicon import Lexicon
from unspin.spec import LexiconSpec
from unspin.store.base import distinct_keys, rank_shared

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "SparkScan",
    "SparkScanOptions",
    "SparkScanStats",
    "active_session",
    "load_documents",
    "scan_spark",
    "spark_session",
]

ROWS_PER_FILE = 500_000  # documents-table rows per written part file
_JSONL_EXTENSIONS = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz")


# =========================================================================== options and stats


@dataclass(frozen=True, slots=True)
class SparkScanOptions:
    """What the Spark scan computes, and the knobs of its memory hot spot (the key join).

    ``config`` (how every document is checked: ``unspin.api.check``'s ``CheckConfig``, shipped
    to the executors as ``CheckConfig.to_dict()``), ``trace`` (how every document is traced:
    ``TraceConfig``, shipped as ``TraceConfig.to_dict()``: fingerprint parameters, relation and
    containment thresholds, ``candidates`` per document and ``max_bucket``, the key join's memory
    hot spot: larger buckets are skipped and counted, as the store skips them) and ``top`` mean
    what they mean for the local engine. ``partitions``: how many
    partitions the documents are spread over for checking and tracing (CPU-bound Python work;
    default four per core of the cluster). ``index_path``: an index (``unspin index add``) every
    document is also traced against, and whose learned substitutions and texts strengthen the
    lexicon, as ``--db`` does locally; it must be readable on every executor (a shared file
    system, or shipped with ``spark-submit --files`` and named by its file name). With
    ``trace.fingerprint`` None the index's own parameters are used (else ``FingerprintParams()``);
    given, they must be the index's (``IncompatibleIndexError`` otherwise).
    ``lexicon``: what documents are checked with (default
    ``LexiconSpec(index_path=index_path)``: the default lexicon, strengthened by the index).
    """

    config: CheckConfig = field(default_factory=CheckConfig)
    trace: TraceConfig = field(default_factory=TraceConfig)
    top: int = TOP_MATCHES
    partitions: int | None = None
    index_path: str | None = None
    lexicon: LexiconSpec | None = None

    def lexicon_spec(self) -> LexiconSpec:
        """The spec documents are checked with: ``lexicon``, or by default the index's."""
        return self.lexicon if self.lexicon is not None else LexiconSpec(index_path=self.index_path)

    def validate(self) -> None:
        """Raise ``ValueError`` naming the option that cannot work."""
        if self.top < 1:
            raise ValueError(f"top must be at least 1, got {self.top}")
        if self.partitions is not None and self.partitions < 1:
            raise ValueError(f"partitions must be at least 1, got {self.partitions}")
        if self.trace.semantic is not None:
            raise ValueError("trace.semantic (the semantic path for paraphrases) is not implemented by the Spark "
                             "engine: scan with the local engine, or without trace.semantic")


@dataclass(slots=True)
class SparkScanStats:
    """Counts and timings of one Spark scan (printed by ``spark_submit``, kept by ``SparkScan``).

    ``key_rows``: (document, distinct band key) rows, ``winnow_key_rows``: (document, distinct
    winnow key) rows fed to the key join. ``buckets_skipped``: distinct keys whose bucket held
    more than ``max_bucket`` documents; ``lookups_skipped``: the (document, band key) pairs those
    buckets held, i.e. the sum over documents of what the local store reports as
    ``skipped_buckets`` (``Store.candidates``); ``containment_lookups_skipped``: the same for
    winnow keys (``Store.containment_candidates``); ``documents_with_skipped``: documents with
    at least one skipped band bucket. ``candidate_pairs``: ordered (document, candidate) pairs
    verified (band candidates and contained sources, merged).
    """

    documents: int = 0
    problems: int = 0
    duplicate_ids: int = 0
    key_rows: int = 0
    winnow_key_rows: int = 0
    buckets_skipped: int = 0
    lookups_skipped: int = 0
    containment_lookups_skipped: int = 0
    documents_with_skipped: int = 0
    largest_bucket: int = 0
    candidate_pairs: int = 0
    matches: int = 0
    external_matches: int = 0
    edges: int = 0
    clusters: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {name: getattr(self, name) for name in self.__slots__}


# =========================================================================== session


def spark_session(master: str | None = SPARK_MASTER, *, app_name: str = "unspin-scan",
                  conf: dict[str, str] | None = None) -> SparkSession:
    """A ``SparkSession`` for the scan (an active one is reused by ``getOrCreate``).

    For a ``local`` master the Python workers run this interpreter (``PYSPARK_PYTHON``, unless
    set), the UI is off and the driver gets 4 GB (it collects the matches, and for
    ``scan_spark`` every verdict). ``master=None`` leaves the master to ``spark-submit``.
    Raises ``RuntimeError`` saying what to install when pyspark or Java is missing.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise RuntimeError("the Spark engine needs pyspark: pip install 'unspin[spark]'") from e
    builder = SparkSession.builder.appName(app_name)
    settings: dict[str, str] = {}
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            settings = {"spark.ui.enabled": "false", "spark.driver.memory": "4g",
                        "spark.driver.maxResultSize": "0", "spark.driver.host": "127.0.0.1",
                        "spark.driver.bindAddress": "127.0.0.1"}
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as e:  # pyspark raises its own error types when the JVM cannot start
        if "JAVA" in str(e).upper():
            raise RuntimeError(f"Spark could not start Java ({e}); install a Java runtime, e.g. "
                               "'apt-get install default-jre-headless', or set JAVA_HOME") from e
        raise


def active_session() -> SparkSession | None:
    """The active ``SparkSession`` of this thread, if any (``None`` also without pyspark)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


# =========================================================================== worker side
# Everything below runs in Python workers; caches live as long as the worker process (Spark
# reuses workers across tasks by default, so the lexicon is built once per worker).

_LEXICONS: dict[str, Lexicon] = {}
_INDEXES: dict[str, Index] = {}


def _resolve_index_path(path: str) -> str:
    """``path`` if it exists here, else the copy ``spark-submit --files`` shipped."""
    if os.path.exists(path):
        return path
    try:
        from pyspark import SparkFiles

        shipped = SparkFiles.get(os.path.basename(path))
    except Exception:  # no SparkContext files here
        return path
    return shipped if os.path.exists(shipped) else path


def _worker_index(path: str, trace: dict[str, Any]) -> Index:
    key = json.dumps([path, trace], sort_keys=True)
    idx = _INDEXES.get(key)
    if idx is None:
        idx = _INDEXES[key] = Index.open(_resolve_index_path(path), read_only=True,
                                         config=TraceConfig.from_dict(trace))
    return idx


def worker_lexicon(spec: str) -> Lexicon:
    """``LexiconSpec.build()`` of the spec whose ``to_dict()`` is the JSON ``spec``, its index
    found where ``spark-submit --files`` put it when its path does not exist here. Cached per
    process (keyed by the JSON text)."""
    lex = _LEXICONS.get(spec)
    if lex is None:
        parsed = LexiconSpec.from_dict(json.loads(spec))
        if parsed.index_path is not None:
            parsed = replace(parsed, index_path=_resolve_index_path(parsed.index_path))
        lex = _LEXICONS[spec] = parsed.build()
    return lex


def _normalise_partition(rows: Iterable[Any], *, kind: str, id_field: str, text_field: str,
                         max_bytes: int) -> Iterator[tuple[Any, ...]]:
    """Apply the local reader's per-record rules (``unspin.io.readers``) to raw rows.

    ``kind`` is ``"jsonl"`` (rows carry one line) or ``"table"`` (raw id and text). Yields
    ``(id, text, src, pos, problem)``; a row that cannot be a document has ``problem`` set (its
    source and reason). Unlike the local reader, a record with no usable id is a problem: a
    distributed reader has no stable line number to name it by.
    """
    opts = ReadOptions(id_field=id_field, text_field=text_field, max_bytes=max_bytes)
    for r in rows:
        source = f"{r.src}#{r.pos}" if r.src else f"row#{r.pos}"
        item: Document | InputProblem | None
        if kind == "jsonl":
            line = r.line.removeprefix("\ufeff")
            if len(line) * 4 > max_bytes and len(line.encode("utf-8", "surrogatepass")) > max_bytes:
                item = InputProblem(source, "too large: the line exceeds the --max-bytes limit")
            else:
                item = parse_jsonl_line(line, 2, source, options=opts)  # BOM already removed
            if item is None:  # blank line
                continue
        elif r.text is None:
            item = InputProblem(source, f"empty document (null in column '{text_field}')")
        else:
            raw_id = r.raw_id if r.raw_id is None or isinstance(r.raw_id, str) else str(r.raw_id)
            item = document_from_value(r.text, raw_id, source, options=opts)
        if isinstance(item, Document) and item.id == source:
            item = InputProblem(source, f"no usable id in field '{id_field}' (the Spark engine needs a "
                                        "non-empty string or number id); choose it with --id-field")
        if isinstance(item, InputProblem):
            yield None, None, r.src, r.pos, f"{item.source}\t{item.reason}"
        else:
            yield item.id, item.text, r.src, r.pos, None


def _to_json(result: CheckResult | Match) -> str:
    """``result`` as the JSON string stored in the ``check``/``match`` columns (lossless)."""
    return json.dumps(result.to_dict(exact=True), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _check_from_json(data: str) -> CheckResult:
    return CheckResult.from_dict(json.loads(data))


def _match_from_json(data: str) -> Match:
    return Match.from_dict(json.loads(data))


def _analyse_partition(rows: Iterable[Any], *, config: dict[str, Any], params: FingerprintParams,
                       lexicon: Any, chunk: int = 500) -> Iterator[tuple[Any, ...]]:
    """Check every document (``unspin.api.check`` with the shipped ``CheckConfig.to_dict()`` and
    the lexicon of the ``LexiconSpec`` JSON broadcast as ``lexicon``) and fingerprint it with the
    function ``Index.add`` uses (``fingerprint_documents``: skeleton and fact band keys, winnow
    keys)."""
    lex = worker_lexicon(lexicon.value)
    cfg = CheckConfig.from_dict(config)
    it = iter(rows)
    while batch := list(itertools.islice(it, chunk)):
        stored = fingerprint_documents(params, [(r.id, r.text) for r in batch])
        for r, doc in zip(batch, stored, strict=True):
            res = check(r.text, id=r.id, lexicon=lex, config=cfg)
            yield (r.id, r.text, r.src, r.pos, distinct_keys(doc.band_keys), list(doc.winnow_keys),
                   float(res.score), bool(res.spun), _to_json(res))


def _by_document(rows: Iterable[Any]) -> Iterator[tuple[str, list[Any]]]:
    """Consecutive rows with the same ``a`` (rows arrive sorted by ``a`` within a partition)."""
    for a, group in itertools.groupby(rows, key=lambda r: r.a):
        yield a, list(group)


def _rank_partition(rows: Iterable[Any], *, trace: dict[str, Any], counter: Any) -> Iterator[tuple[Any, ...]]:
    """Each document's candidates, as ``Index.trace`` chooses them with the shipped
    ``TraceConfig.to_dict()`` ``trace``: band candidates and containment candidates each ranked
    by ``rank_shared`` (the store's rule, ``candidates`` each), merged by ``choose_candidates``.
    Rows of one document ``a`` carry ``q`` (its number of winnow keys), and for each other
    document ``b`` the band keys (``nb``) and winnow keys (``nw``) of ``a`` that ``b`` holds.
    Yields ``(a, rank, b, n, band_rank, containment, contained_rank)``: ``rank`` orders
    verification; the others are null when ``b`` is not on that list."""
    cfg = TraceConfig.from_dict(trace)
    for a, group in _by_document(rows):
        band = rank_shared(((r.b, int(r.nb)) for r in group if r.nb), limit=cfg.candidates, exclude=a)
        held = rank_shared(((r.b, int(r.nw)) for r in group if r.nw), limit=cfg.candidates, exclude=a)
        chosen = choose_candidates([b for b, _n in band], held, int(group[0].q), params=cfg.containment)
        counter.add(len(chosen.ids))
        band_at = {b: (k, n) for k, (b, n) in enumerate(band)}
        contained_at = {b: (k, c) for k, (b, c) in enumerate(chosen.contained)}
        for rank, b in enumerate(chosen.ids):
            bk, n = band_at.get(b, (None, None))
            ck, c = contained_at.get(b, (None, None))
            yield a, rank, b, n, bk, c, ck


def _trace_partition(rows: Iterable[Any], *, trace: dict[str, Any], top: int,
                     chunk: int = 256) -> Iterator[tuple[Any, ...]]:
    """Verify each document's candidates with ``trace_texts`` (``chunk`` documents at a time)
    and the relation thresholds of the shipped ``TraceConfig.to_dict()`` ``trace``, as
    ``Index.trace_many`` does. A
    document's rows come sorted by rank: its own (rank -1, its text), then its candidates'."""
    relation = TraceConfig.from_dict(trace).relation
    groups = ((a, g) for a, g in _by_document(rows) if len(g) >= 2 and g[0].rank == -1)  # with candidates
    while batch := list(itertools.islice(groups, chunk)):
        found = trace_texts([(a, g[0].text, [(c.b, c.text) for c in g[1:]]) for a, g in batch], top=top,
                            params=relation)
        for (a, group), res in zip(batch, found, strict=True):
            for k, m in enumerate(res.matches):
                yield a, group[0].src, group[0].pos, False, k, m.source_id, _to_json(m)


def _external_partition(rows: Iterable[Any], *, index_path: str, trace: dict[str, Any],
                        top: int) -> Iterator[tuple[Any, ...]]:
    """Trace each document against the external index with ``Index.trace`` (read-only, no
    learning, opened with the shipped ``TraceConfig.to_dict()`` ``trace``)."""
    idx = _worker_index(index_path, trace)
    it = iter(rows)
    while batch := list(itertools.islice(it, 256)):
        for r, res in zip(batch, idx.trace_many(((r.id, r.text) for r in batch), top=top), strict=True):
            for k, m in enumerate(res.matches):
                yield r.id, r.src, r.pos, True, k, m.source_id, _to_json(m)


def _csv_line(values: Sequence[Any]) -> str:
    """One CSV record exactly as ``unspin.io.tables.write_tables`` writes it (no line end)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([csv_cell(v) for v in values])
    return buf.getvalue()[:-1]


def _jsonl_line(row: dict[str, Any], columns: Sequence[str], match: Match | None = None, *,
                edge: bool = False) -> str:
    """One JSONL record exactly as ``write_tables`` writes it (no line end); an ``edge`` always
    has ``match`` (read copy -> source; null only for an edge without one)."""
    record = {c: row[c] for c in columns}
    if edge:
        record["match"] = match.to_dict() if match is not None else None
    return json_line(record)


def _line_row(row: dict[str, Any], columns: Sequence[str], match: Match | None = None, *,
              edge: bool = False) -> tuple[Any, ...]:
    """A table row's values followed by its JSONL and CSV lines."""
    values = [row[c] for c in columns]
    return (*values, _jsonl_line(row, columns, match, edge=edge), _csv_line(values))


def _documents_partition(rows: Iterable[Any], *, shared: Any, chunk: int = 2000) -> Iterator[tuple[Any, ...]]:
    """Documents-table rows of one partition, made by ``scan_tables`` on partial ``ScanResult``s
    holding ``chunk`` verdicts at a time and the edges and clusters that touch them."""
    edges, edges_of, cluster_of = shared.value
    it = iter(rows)
    while batch := list(itertools.islice(it, chunk)):
        ids = {r.id for r in batch}
        touching = sorted({k for i in ids for k in edges_of.get(i, ())})
        members: dict[int, list[str]] = {}
        for i in ids:
            if i in cluster_of:
                members.setdefault(cluster_of[i], []).append(i)
        partial_result = ScanResult(tuple(_check_from_json(r.check) for r in batch), tuple(edges[k] for k in touching),
                                    tuple(Cluster(c, tuple(m), 0, 0) for c, m in members.items()))
        for r, row in zip(batch, scan_tables(partial_result)["documents"], strict=True):
            yield (r.src, r.pos, *_line_row(row, DOCUMENT_COLUMNS))


def _with_header(rows: Iterable[Any], *, header: str) -> Iterator[tuple[str]]:
    yield (header,)
    for r in rows:
        yield (r.csv,)


# =========================================================================== reading


def _schemas() -> dict[str, Any]:
    from pyspark.sql import types as T

    s, b, d, lg = T.StringType(), T.BooleanType(), T.DoubleType(), T.LongType()
    return {
        "raw_docs": T.StructType([T.StructField("id", s), T.StructField("text", s), T.StructField("src", s),
                                  T.StructField("pos", lg)]),
        "loaded": T.StructType([T.StructField("id", s), T.StructField("text", s), T.StructField("src", s),
                                T.StructField("pos", lg), T.StructField("problem", s)]),
        "analysed": T.StructType([T.StructField("id", s), T.StructField("text", s), T.StructField("src", s),
                                  T.StructField("pos", lg), T.StructField("keys", T.ArrayType(lg)),
                                  T.StructField("wkeys", T.ArrayType(lg)), T.StructField("score", d),
                                  T.StructField("spun", b), T.StructField("check", s)]),
        "ranked": T.StructType([T.StructField("a", s), T.StructField("rank", T.IntegerType()),
                                T.StructField("b", s), T.StructField("n", lg),
                                T.StructField("band_rank", T.IntegerType()), T.StructField("containment", d),
                                T.StructField("contained_rank", T.IntegerType())]),
        "found": T.StructType([T.StructField("query", s), T.StructField("src", s), T.StructField("pos", lg),
                               T.StructField("external", b), T.StructField("mpos", T.IntegerType()),
                               T.StructField("source_id", s), T.StructField("match", s)]),
        "documents": T.StructType([
            T.StructField("src", s), T.StructField("pos", lg), T.StructField("id", s), T.StructField("spun", b),
            T.StructField("score", d), T.StructField("n_words", lg), T.StructField("n_findings", lg),
            T.StructField("top_findings", s), T.StructField("cluster", lg), T.StructField("derived_from", s),
            T.StructField("copied_by", s), T.StructField("same_story", s), T.StructField("jsonl", s),
            T.StructField("csv", s)]),
        "edges": T.StructType([
            T.StructField("copy_id", s), T.StructField("source_id", s), T.StructField("relation", s),
            T.StructField("score", d), T.StructField("coverage", d), T.StructField("n_substitutions", lg),
            T.StructField("direction", s), T.StructField("top_substitutions", s)]),
        "clusters": T.StructType([
            T.StructField("cluster", lg), T.StructField("size", lg), T.StructField("n_derived_edges", lg),
            T.StructField("n_same_story_edges", lg), T.StructField("members", s)]),
        "line": T.StructType([T.StructField("value", s)]),
    }


def _file_column(df: DataFrame) -> Any:
    from pyspark.sql import functions as F

    try:
        df.select("_metadata.file_path")
        return F.col("_metadata.file_path")
    except Exception:  # not a file source
        return F.lit("")


def load_documents(spark: SparkSession, source: Any, *, id_field: str = "id", text_field: str = "text",
                   input_format: str | None = None, max_bytes: int = MAX_BYTES) -> DataFrame:
    """The documents to scan as a DataFrame ``(id, text, src, pos, problem)``.

    ``source`` is a sequence of ``(id, text)`` pairs (kept in order, as the local engine takes
    them), a DataFrame with ``id_field`` and ``text_field`` columns, or a path or list of paths
    (Parquet files or directories; JSON Lines when the name ends in .jsonl, .ndjson or .json,
    optionally .gz, or when ``input_format="jsonl"``). Records are validated by the local
    reader's rules; a record that cannot be a document keeps ``id`` null and says why in
    ``problem`` (``source<TAB>reason``). ``src``/``pos`` order the records: the first of several
    records with one id, by file path and then position, is the one scanned.
    """
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    schemas = _schemas()
    if isinstance(source, DataFrame):
        raw, kind = source, "table"
    elif isinstance(source, str | os.PathLike) or (
            isinstance(source, Sequence) and source and all(isinstance(p, str | os.PathLike) for p in source)):
        paths = [os.fspath(source)] if isinstance(source, str | os.PathLike) else [os.fspath(p) for p in source]
        fmt = input_format or ("jsonl" if all(p.lower().endswith(_JSONL_EXTENSIONS) for p in paths) else "parquet")
        if fmt == "jsonl":
            raw, kind = spark.read.text(paths), "jsonl"
        elif fmt == "parquet":
            raw, kind = spark.read.parquet(*paths), "table"
        else:
            raise ValueError(f"input_format must be 'jsonl' or 'parquet', not {fmt!r}")
    else:
        pairs = [(str(i), t, "", n) for n, (i, t) in enumerate(source)]
        df = spark.createDataFrame(pairs, schemas["raw_docs"])
        return df.withColumn("problem", F.lit(None).cast("string"))
    src = _file_column(raw)
    if kind == "jsonl":
        raw = raw.select(F.col("value").alias("line"), src.alias("src"))
    else:
        if text_field not in raw.columns:
            raise ValueError(f"no column '{text_field}' (columns: {', '.join(raw.columns)}); "
                             "choose the text column with text_field / --text-field")
        if raw.schema[text_field].dataType.typeName() != "string":
            raise ValueError(f"column '{text_field}' has type {raw.schema[text_field].dataType.simpleString()}, "
                             "not string; choose the text column with text_field / --text-field")
        id_col = F.col(id_field) if id_field in raw.columns else F.lit(None).cast("string")
        raw = raw.select(id_col.alias("raw_id"), F.col(text_field).alias("text"), src.alias("src"))
    raw = raw.withColumn("pos", F.monotonically_increasing_id())
    fn = partial(_normalise_partition, kind=kind, id_field=id_field, text_field=text_field, max_bytes=max_bytes)
    return spark.createDataFrame(raw.rdd.mapPartitions(fn), schemas["loaded"])


# =========================================================================== the scan


def _timed(stats: SparkScanStats, stage: str, t0: float) -> float:
    now = time.perf_counter()
    stats.seconds[stage] = round(stats.seconds.get(stage, 0.0) + now - t0, 3)
    return now


class SparkScan:
    """One scan on Spark: per-document data stays distributed, matches, edges and clusters are
    on the driver. Build with :meth:`run`; then :meth:`scan_result` (collect everything, like
    the local engine) or :meth:`write_tables` (Spark writes the tables); :meth:`close` frees the
    cached DataFrames.

    Attributes: ``analysed`` (DataFrame ``id, text, src, pos, keys, wkeys, score, spun, check``:
    one row per scanned document, ``keys`` its distinct band keys, ``wkeys`` its winnow keys,
    ``check`` its ``CheckResult`` as JSON (``CheckResult.to_dict(exact=True)``, read back with
    ``CheckResult.from_dict``); persisted), ``found`` (matches in the local engine's order),
    ``edges``, ``clusters``, ``problems`` (source, reason) and ``stats``.
    """

    def __init__(self, spark: SparkSession, options: SparkScanOptions) -> None:
        self.spark = spark
        self.options = options
        self.stats = SparkScanStats()
        self.analysed: DataFrame | None = None
        self.found: list[FoundMatch] = []
        self.edges: list[Edge] = []
        self.clusters: list[Cluster] = []
        self.problems: list[tuple[str, str]] = []
        self._involved: dict[str, CheckResult] = {}
        self._involved_texts: dict[str, str] = {}
        self._cached: list[DataFrame] = []
        self._trace = options.trace
        self._ranked: DataFrame | None = None
        self._pairs: Any = None  # accumulator: candidates chosen
        self._spec: Any = None  # broadcast: the LexiconSpec as JSON

    # ------------------------------------------------------------------ pipeline

    @classmethod
    def run(cls, spark: SparkSession, source: Any, *, options: SparkScanOptions | None = None,
            id_field: str = "id", text_field: str = "text", input_format: str | None = None,
            max_bytes: int = MAX_BYTES) -> SparkScan:
        """Scan ``source`` (see :func:`load_documents`): check and fingerprint every document,
        join candidates by band key, verify them, collect the matches, and build edges and
        clusters on the driver (with the verdicts and texts of the documents in matches only)."""
        opts = options or SparkScanOptions()
        opts.validate()
        self = cls(spark, opts)
        trace = opts.trace
        if opts.index_path is not None:  # the index's parameters, or an error when the config's differ
            with Index.open(opts.index_path, read_only=True, config=trace) as idx:
                trace = idx.config
        elif trace.fingerprint is None:
            trace = replace(trace, fingerprint=FingerprintParams())
        self._trace = trace
        t = time.perf_counter()
        loaded = load_documents(spark, source, id_field=id_field, text_field=text_field,
                                input_format=input_format, max_bytes=max_bytes)
        self._analyse(loaded)
        t = _timed(self.stats, "read+check+fingerprint", t)
        found_df = self._candidates_and_trace()
        rows = found_df.collect()
        for df in self._cached:  # the key join's intermediate rows are no longer needed
            df.unpersist()
        t = _timed(self.stats, "key join+trace", t)
        self.stats.candidate_pairs = int(self._pairs.value)
        rows.sort(key=lambda r: (r.src, r.pos, r.external, r.mpos))
        self.found = [FoundMatch(r.query, _match_from_json(r.match), r.external) for r in rows]
        self.stats.matches = len(self.found)
        self.stats.external_matches = sum(f.external for f in self.found)
        self._fetch_involved()
        t = _timed(self.stats, "collect matches", t)
        self.edges = build_edges(self.found, self._involved, self._involved_texts, relation=self._trace.relation)
        involved_ids = {f.query for f in self.found} | {f.match.source_id for f in self.found if not f.external}
        self.clusters = build_clusters(sorted(involved_ids), self.edges)
        self.stats.edges, self.stats.clusters = len(self.edges), len(self.clusters)
        _timed(self.stats, "edges+clusters (driver)", t)
        return self

    def _partitions(self) -> int:
        if self.options.partitions:
            return self.options.partitions
        return max(2, 4 * self.spark.sparkContext.defaultParallelism)

    def _analyse(self, loaded: DataFrame) -> None:
        from pyspark import StorageLevel
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        loaded = loaded.persist(StorageLevel.MEMORY_AND_DISK)
        n_loaded = 0
        for r in loaded.groupBy("problem").count().toLocalIterator():  # one row per problem, one for the rest
            if r.problem is None:
                n_loaded = int(r["count"])
            else:
                src, _, reason = r.problem.partition("\t")
                self.problems.extend([(src, reason)] * int(r["count"]))
        self.problems.sort()
        self.stats.problems = len(self.problems)
        docs = loaded.where(F.col("problem").isNull()).drop("problem").repartition(self._partitions(), "id")
        first = Window.partitionBy("id").orderBy("src", "pos")
        docs = docs.withColumn("_n", F.row_number().over(first)).where(F.col("_n") == 1).drop("_n")
        self._spec = self.spark.sparkContext.broadcast(json.dumps(self.options.lexicon_spec().to_dict()))
        assert self._trace.fingerprint is not None  # resolved by run()
        fn = partial(_analyse_partition, config=self.options.config.to_dict(), params=self._trace.fingerprint,
                     lexicon=self._spec)
        analysed = self.spark.createDataFrame(docs.rdd.mapPartitions(fn), _schemas()["analysed"])
        self.analysed = analysed.persist(StorageLevel.MEMORY_AND_DISK)
        agg = self.analysed.agg(F.count(F.lit(1)).alias("n"), F.sum(F.size("keys")).alias("k"),
                                F.sum(F.size("wkeys")).alias("w")).first()
        assert agg is not None  # an aggregate without grouping has exactly one row
        loaded.unpersist()
        self.stats.documents = int(agg.n)
        self.stats.key_rows = int(agg.k or 0)
        self.stats.winnow_key_rows = int(agg.w or 0)
        self.stats.duplicate_ids = int(n_loaded - agg.n)

    def _candidates_and_trace(self) -> DataFrame:
        """The key join (JVM), candidate ranking and verification (Python); returns the matches.

        Every step streams: rows are hash-partitioned by document and sorted within the
        partition, and the Python side walks each document's consecutive rows, so no document's
        candidates are ever gathered into one JVM array. Candidate texts cross the network once.
        """
        from pyspark import StorageLevel
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        assert self.analysed is not None
        opts, schemas, n_parts = self.options, _schemas(), self._partitions()
        # One row per (document, distinct key it is filed under), band and winnow keys together as
        # the memory store files them, flagged by the queries that look the key up.
        doc_keys = (self.analysed.select("id", F.size("wkeys").alias("q"), "keys", "wkeys",
                                         F.explode(F.array_union("keys", "wkeys")).alias("key"))
                    .select("id", "q", "key", F.expr("array_contains(keys, key)").alias("band"),
                            F.expr("array_contains(wkeys, key)").alias("win"))
                    .repartition(n_parts, "key"))
        keyed = doc_keys.withColumn("size", F.count(F.lit(1)).over(Window.partitionBy("key")))
        keyed = keyed.persist(StorageLevel.MEMORY_AND_DISK)
        self._cached.append(keyed)
        trace = self._trace
        over = F.col("size") > trace.max_bucket
        big = keyed.agg(F.countDistinct(F.when(over, F.col("key"))).alias("buckets"),
                        F.count(F.when(over & F.col("band"), F.lit(1))).alias("lookups"),
                        F.count(F.when(over & F.col("win"), F.lit(1))).alias("wlookups"),
                        F.countDistinct(F.when(over & F.col("band"), F.col("id"))).alias("docs"),
                        F.max("size").alias("largest")).first()
        assert big is not None  # an aggregate without grouping has exactly one row
        self.stats.buckets_skipped, self.stats.lookups_skipped = int(big.buckets), int(big.lookups)
        self.stats.containment_lookups_skipped = int(big.wlookups)
        self.stats.documents_with_skipped, self.stats.largest_bucket = int(big.docs), int(big.largest or 0)

        # Per unordered pair, over the buckets that are not skipped (buckets of one document make
        # no pair): how many of each one's band keys and winnow keys the other holds; then both
        # directions of every pair, with the querying document's number of winnow keys.
        kept = keyed.where((F.col("size") >= 2) & (F.col("size") <= trace.max_bucket))
        kept = kept.select("key", "id", "q", F.col("band").cast("long").alias("band"),
                           F.col("win").cast("long").alias("win"))
        x, y = kept.alias("x"), kept.alias("y")
        pairs = (x.join(y, F.col("x.key") == F.col("y.key")).where(F.col("x.id") < F.col("y.id"))
                 .groupBy(F.col("x.id").alias("a"), F.col("x.q").alias("qa"), F.col("y.id").alias("b"),
                          F.col("y.q").alias("qb"))
                 .agg(F.sum("x.band").alias("nb_ab"), F.sum("y.band").alias("nb_ba"),
                      F.sum("x.win").alias("nw_ab"), F.sum("y.win").alias("nw_ba")))
        forward = F.struct("a", "b", F.col("qa").alias("q"), F.col("nb_ab").alias("nb"), F.col("nw_ab").alias("nw"))
        backward = F.struct(F.col("b").alias("a"), F.col("a").alias("b"), F.col("qb").alias("q"),
                            F.col("nb_ba").alias("nb"), F.col("nw_ba").alias("nw"))
        both = pairs.select(F.explode(F.array(forward, backward)).alias("p"))
        both = both.select("p.a", "p.b", "p.q", "p.nb", "p.nw").repartition(n_parts, "a").sortWithinPartitions("a")
        self._pairs = self.spark.sparkContext.accumulator(0)
        ranked_rdd = both.rdd.mapPartitions(partial(_rank_partition, trace=trace.to_dict(), counter=self._pairs))
        ranked = self.spark.createDataFrame(ranked_rdd, schemas["ranked"])
        self._ranked = ranked

        # Each document's row (rank -1) followed by its candidates' rows, with their texts.
        texts = self.analysed.select(F.col("id").alias("b"), F.col("text").alias("src_text"))
        null_s, null_l = F.lit(None).cast("string"), F.lit(None).cast("long")
        cand_rows = ranked.join(texts, "b").select("a", "rank", "b", F.col("src_text").alias("text"),
                                                   null_s.alias("src"), null_l.alias("pos"))
        query_rows = self.analysed.select(F.col("id").alias("a"), F.lit(-1).alias("rank"), null_s.alias("b"),
                                          "text", "src", "pos")
        grouped = (cand_rows.unionByName(query_rows).repartition(n_parts, "a").sortWithinPartitions("a", "rank"))
        traced = self.spark.createDataFrame(
            grouped.rdd.mapPartitions(partial(_trace_partition, trace=trace.to_dict(), top=opts.top)),
            schemas["found"])
        if opts.index_path is None:
            return traced
        ext_rdd = self.analysed.select("id", "text", "src", "pos").rdd.mapPartitions(
            partial(_external_partition, index_path=opts.index_path, trace=trace.to_dict(), top=opts.top))
        external = self.spark.createDataFrame(ext_rdd, schemas["found"])
        scanned = self.analysed.select(F.col("id").alias("source_id"))
        external = external.join(scanned, "source_id", "left_anti")  # sources in the scan are traced above
        return traced.unionByName(external)

    def _fetch_involved(self) -> None:
        """Verdicts and texts of the documents that appear in matches (``build_edges`` needs the
        scores, and the texts to align a derived pair again from the copy's side)."""
        assert self.analysed is not None
        ids = {f.query for f in self.found} | {f.match.source_id for f in self.found if not f.external}
        if not ids:
            return
        wanted = self.spark.createDataFrame([(i,) for i in sorted(ids)], "id string")
        rows = self.analysed.join(wanted, "id").select("id", "text", "check").toLocalIterator()
        for r in rows:
            self._involved[r.id] = _check_from_json(r.check)
            self._involved_texts[r.id] = r.text

    # ------------------------------------------------------------------ results

    def _ranked_lists(self, rank: str, value: str) -> dict[str, list[Any]]:
        """``(b, value)`` of each document's ranked rows with ``rank`` set, in ``rank`` order."""
        if self._ranked is None:
            raise RuntimeError("run the scan first (SparkScan.run)")
        out: dict[str, list[tuple[int, str, Any]]] = {}
        for r in self._ranked.where(f"{rank} IS NOT NULL").select("a", rank, "b", value).collect():
            out.setdefault(r.a, []).append((r[rank], r.b, r[value]))
        return {a: [(b, v) for _k, b, v in sorted(rows)] for a, rows in out.items()}

    def candidates(self) -> dict[str, list[tuple[str, int]]]:
        """Each document's band candidates ``(id, shared band keys)``, as ``Store.candidates``
        ranks them (collected; for tests and debugging). Documents without any are absent."""
        return self._ranked_lists("band_rank", "n")

    def contained(self) -> dict[str, list[tuple[str, float]]]:
        """Each document's contained sources ``(id, containment)``, as ``Index.trace`` keeps them
        (``choose_candidates``; collected, for tests and debugging). Documents without any are absent."""
        return self._ranked_lists("contained_rank", "containment")

    def verified_candidates(self) -> dict[str, list[str]]:
        """Each document's candidates in the order they are verified (band candidates, then
        contained sources that are not among them; collected). Documents without any are absent."""
        return {a: [b for b, _r in rows] for a, rows in self._ranked_lists("rank", "rank").items()}

    def scan_result(self, *, texts: bool = True) -> ScanResult:
        """Collect everything into the ``ScanResult`` the local ``scan`` returns: verdicts in input
        order (first occurrence of each id), edges, clusters, and (with ``texts``) every text."""
        assert self.analysed is not None
        cols = ["id", "src", "pos", "check"] + (["text"] if texts else [])
        rows = sorted(self.analysed.select(*cols).toLocalIterator(), key=lambda r: (r.src, r.pos))
        documents = tuple(_check_from_json(r.check) for r in rows)
        all_texts = {r.id: r.text for r in rows} if texts else dict(self._involved_texts)
        return ScanResult(documents, tuple(self.edges), tuple(self.clusters), all_texts, tuple(self.problems))

    def tables(self) -> dict[str, DataFrame]:
        """The documents, edges and clusters tables as DataFrames with the columns of
        ``unspin.io.tables`` (documents in input order), plus ``jsonl``/``csv`` line columns
        used by :meth:`write_tables`."""
        from pyspark.sql import types as T

        assert self.analysed is not None
        light = tuple(replace(e, match=None) for e in self.edges)
        edges_of: dict[str, list[int]] = {}
        for k, e in enumerate(light):
            edges_of.setdefault(e.copy_id, []).append(k)
            if e.source_id != e.copy_id:
                edges_of.setdefault(e.source_id, []).append(k)
        cluster_of = {m: c.id for c in self.clusters for m in c.members}
        shared = self.spark.sparkContext.broadcast((light, edges_of, cluster_of))
        schemas = _schemas()
        doc_rdd = self.analysed.select("id", "src", "pos", "check").rdd.mapPartitions(
            partial(_documents_partition, shared=shared))
        n_files = max(1, -(-self.stats.documents // ROWS_PER_FILE))
        documents = (self.spark.createDataFrame(doc_rdd, schemas["documents"])
                     .repartitionByRange(n_files, "src", "pos").sortWithinPartitions("src", "pos"))

        small = scan_tables(ScanResult((), tuple(self.edges), tuple(self.clusters)))
        edge_rows = [_line_row(row, EDGE_COLUMNS, e.match, edge=True)
                     for row, e in zip(small["edges"], self.edges, strict=True)]
        cluster_rows = [_line_row(row, CLUSTER_COLUMNS) for row in small["clusters"]]
        extra = [T.StructField("jsonl", T.StringType()), T.StructField("csv", T.StringType())]
        edges = self.spark.createDataFrame(edge_rows, T.StructType(schemas["edges"].fields + extra), verifySchema=False)
        clusters = self.spark.createDataFrame(cluster_rows, T.StructType(schemas["clusters"].fields + extra),
                                              verifySchema=False)
        return {"documents": documents, "edges": edges.coalesce(1), "clusters": clusters.coalesce(1)}

    def write_tables(self, out_dir: str, *, formats: Sequence[str] = FORMATS) -> list[str]:
        """Write every table in every format under ``out_dir`` (any path Spark can write):
        ``NAME.parquet/``, ``NAME.jsonl/`` and ``NAME.csv/`` directories of part files with the
        columns of ``unspin.io.tables`` (JSONL and CSV lines byte-identical to the local
        writer's; every CSV part file starts with the header). Replaces existing output."""
        from pyspark import StorageLevel

        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise ValueError(f"unknown formats {sorted(unknown)}; choose from {', '.join(FORMATS)}")
        columns = {"documents": DOCUMENT_COLUMNS, "edges": EDGE_COLUMNS, "clusters": CLUSTER_COLUMNS}
        written = []
        base = out_dir.rstrip("/")
        for name, df in self.tables().items():
            df = df.persist(StorageLevel.MEMORY_AND_DISK)
            if "parquet" in formats:
                path = f"{base}/{name}.parquet"
                df.select(*columns[name]).write.mode("overwrite").parquet(path)
                written.append(path)
            if "jsonl" in formats:
                path = f"{base}/{name}.jsonl"
                df.select("jsonl").write.mode("overwrite").text(path)
                written.append(path)
            if "csv" in formats:
                path = f"{base}/{name}.csv"
                header = _csv_line(columns[name])
                with_header = df.select("csv").rdd.mapPartitions(partial(_with_header, header=header))
                self.spark.createDataFrame(with_header, _schemas()["line"]).write.mode("overwrite").text(path)
                written.append(path)
            df.unpersist()
        return written

    def close(self) -> None:
        """Unpersist the cached DataFrames."""
        for df in self._cached:
            df.unpersist()
        self._cached.clear()
        if self.analysed is not None:
            self.analysed.unpersist()
        if self._spec is not None:
            self._spec.unpersist()
            self._spec = None


def scan_spark(spark: SparkSession, source: Any, *, id_field: str = "id", text_field: str = "text",
               config: CheckConfig | None = None, top: int = TOP_MATCHES,
               trace: TraceConfig | None = None, partitions: int | None = None, index_path: str | None = None,
               lexicon: LexiconSpec | None = None, input_format: str | None = None, max_bytes: int = MAX_BYTES,
               texts: bool = True,
               stats: SparkScanStats | None = None) -> ScanResult:
    """``unspin.engines.local.scan`` on Spark: the same ``ScanResult`` (verdicts, edges, clusters) for the
    same documents. ``source``: ``(id, text)`` pairs, a DataFrame or Parquet/JSONL path(s) (see
    :func:`load_documents`). Everything is collected on the driver, as the local engine holds
    it; for collections whose verdicts do not fit there use :class:`SparkScan` and
    ``write_tables`` (or ``python -m unspin.engines.spark_submit``). ``stats``, if given, is
    filled in with the counts and timings of the run. ``config`` and ``trace``: as
    ``unspin.engines.local.scan``'s (default ``CheckConfig()`` and ``TraceConfig()``, whose
    fingerprint parameters are ``index_path``'s when it names none).
    """
    opts = SparkScanOptions(config=config if config is not None else CheckConfig(),
                            trace=trace if trace is not None else TraceConfig(), top=top, partitions=partitions,
                            index_path=index_path, lexicon=lexicon)
    run = SparkScan.run(spark, source, options=opts, id_field=id_field, text_field=text_field,
                        input_format=input_format, max_bytes=max_bytes)
    try:
        return run.scan_result(texts=texts)
    finally:
        if stats is not None:
            for name in SparkScanStats.__slots__:
                setattr(stats, name, getattr(run.stats, name))
        run.close()
