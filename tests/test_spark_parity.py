"""The Spark engine gives the local engine's answers: verdicts, edges, clusters and tables.

Uses the run's one Spark session (``local[2]``, the ``spark`` fixture of conftest.py; skipped,
with the reason, when pyspark or a Java runtime is missing; CI installs both: ``pip install -e
'.[spark]'`` and Debian's ``default-jre-headless``). The fixture corpus is built here, deterministically: BBC-like
articles from a small template grammar, spun copies made by a fixed word swap, verbatim
copies, a copy of a spun copy, a duplicate id, two independent reports of one story, and
passages copied into longer texts that only the containment path (winnow keys) finds
(``scan_corpus.partial_copies``). Parity is also checked at non-default settings: winnow
parameters (through an index, as ``--db`` gives them), ``top``, a non-default ``CheckConfig``
and ``LexiconSpec``, and a non-default ``TraceConfig`` (fingerprint, relation and containment
thresholds, ``candidates``, ``max_bucket``), all shipped to the executors as data.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from unspin.core.candidates import choose_candidates
from unspin.core.config import TraceConfig
from unspin.core.fingerprint import FingerprintParams
from unspin.core.winnow import winnow_keys_batch
from unspin.engines.local import scan
from unspin.index import Index
from unspin.io.tables import write_tables
from unspin.spec import LexiconSpec
from unspin.store.base import rank_shared

pytest.importorskip("pyspark", reason="the Spark engine needs pyspark: pip install -e '.[spark]'")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs a Java runtime: apt-get install default-jre-headless", allow_module_level=True)

from unspin.engines.spark import SparkScan, SparkScanOptions, SparkScanStats, scan_spark

from .scan_corpus import corpus, non_default_settings, non_default_trace, partial_copies

# The pairs of ``partial_copies``: (copy, source), related by containment only.
PASSAGE = ("passage-of-044", "source-044")  # derived at the default winnow parameters
PASSAGE_AT_K2_W4 = ("passage-of-048", "source-048")  # derived only at NON_DEFAULT below
NON_DEFAULT = FingerprintParams(winnow_k=2, winnow_window=4)

# =========================================================================== fixtures


@pytest.fixture(scope="module")
def docs() -> list[tuple[str, str]]:
    return corpus() + partial_copies()


@pytest.fixture(scope="module")
def local(docs: list[tuple[str, str]]):
    return scan(docs)


@pytest.fixture(scope="module")
def spark_run(spark: object, docs: list[tuple[str, str]]) -> Iterator[SparkScan]:
    run = SparkScan.run(spark, docs, options=SparkScanOptions(partitions=2))
    yield run
    run.close()


def verdicts(res) -> list[tuple[str, bool, float]]:
    return [(r.id, r.spun, round(r.score, 6)) for r in res.documents]


def edges(res) -> list[tuple]:
    return [(e.copy_id, e.source_id, e.relation, round(e.score, 6), round(e.coverage, 6), e.n_substitutions,
             e.direction) for e in res.edges]


def clusters(res) -> list[tuple]:
    return [(c.id, c.members, c.n_derived_edges, c.n_same_story_edges) for c in res.clusters]


# =========================================================================== tests


def test_the_fixture_has_what_the_parity_test_needs(local) -> None:
    kinds = {(e.relation, e.direction) for e in local.edges}
    assert {("derived", "spin-score"), ("derived", "tie"), ("same-story", "undirected")} <= kinds
    derived = {(e.copy_id, e.source_id) for e in local.edges if e.relation == "derived"}
    assert ("spun-000", "bbc-000") in derived
    assert any(r.spun for r in local.documents) and not all(r.spun for r in local.documents)
    assert any(c.n_same_story_edges for c in local.clusters)
    # A passage the band keys cannot find (not a band candidate either way), found by containment.
    assert PASSAGE in derived and PASSAGE_AT_K2_W4 not in {(e.copy_id, e.source_id) for e in local.edges}
    band, contained, _ids, _s, _w = store_candidates(local.texts, trace=TraceConfig())
    for copy, source in (PASSAGE, PASSAGE_AT_K2_W4):
        assert source not in dict(band.get(copy, [])) and copy not in dict(band.get(source, []))
    assert PASSAGE[1] in dict(contained[PASSAGE[0]]) or PASSAGE[0] in dict(contained[PASSAGE[1]])


def test_verdicts_edges_and_clusters_are_identical(local, spark_run: SparkScan) -> None:
    res = spark_run.scan_result()
    assert verdicts(res) == verdicts(local)
    assert edges(res) == edges(local)
    assert clusters(res) == clusters(local)
    assert [e.match for e in res.edges] == [e.match for e in local.edges]
    assert res.texts == local.texts
    assert spark_run.stats.documents == len(local.documents) and spark_run.stats.duplicate_ids == 1


def store_candidates(texts: dict[str, str], *, trace: TraceConfig) -> tuple[dict, dict, dict, int, int]:
    """What the memory store behind the local engine gives ``Index.trace`` for every document
    with ``trace`` (``MemoryStore.candidates`` and ``containment_candidates``, each document
    excluded, merged by ``choose_candidates``): band candidates, contained sources and the ids
    verified (documents with none are absent), and the totals of skipped band and winnow buckets."""
    band, contained, verified, skipped, wskipped = {}, {}, {}, 0, 0
    with Index.open(":memory:", config=trace) as idx:
        idx.add(texts.items())
        params, limit, max_bucket = idx.params, trace.candidates, trace.max_bucket
        wkeys = winnow_keys_batch(list(texts.values()), k=params.winnow_k, window=params.winnow_window)
        for (i, t), w in zip(texts.items(), wkeys, strict=True):
            q = idx.store.candidates(idx._hasher.fingerprint_text(t).all_keys, limit=limit, max_bucket=max_bucket,
                                     exclude=i)
            h = idx.store.containment_candidates(w, limit=limit, max_bucket=max_bucket, exclude=i)
            skipped, wskipped = skipped + q.skipped_buckets, wskipped + h.skipped_buckets
            chosen = choose_candidates([c.id for c in q.candidates], [(c.id, c.shared_bands) for c in h.candidates],
                                       len(w), params=trace.containment)
            if q.candidates:
                band[i] = [(c.id, c.shared_bands) for c in q.candidates]
            if chosen.contained:
                contained[i] = list(chosen.contained)
            if chosen.ids:
                verified[i] = list(chosen.ids)
    return band, contained, verified, skipped, wskipped


def assert_candidates_like_the_store(run: SparkScan, texts: dict[str, str], *, trace: TraceConfig) -> None:
    band, contained, verified, skipped, wskipped = store_candidates(texts, trace=trace)
    assert run.candidates() == band
    assert run.contained() == contained
    assert run.verified_candidates() == verified
    assert (run.stats.lookups_skipped, run.stats.containment_lookups_skipped) == (skipped, wskipped)
    assert run.stats.candidate_pairs == sum(map(len, verified.values()))


def test_candidates_are_ranked_like_the_store(local, spark_run: SparkScan) -> None:
    assert_candidates_like_the_store(spark_run, local.texts, trace=TraceConfig())
    assert spark_run.stats.lookups_skipped == 0
    # Containment brought up sources the bands did not: the path is exercised.
    band = spark_run.candidates()
    assert any(b not in dict(band.get(a, [])) for a, got in spark_run.contained().items() for b, _c in got)


def test_rank_shared_matches_store_order() -> None:
    shared = [("b", 2), ("a", 2), ("self", 9), ("c", 5), ("d", 1)]
    assert rank_shared(shared, limit=3, exclude="self") == [("c", 5), ("a", 2), ("b", 2)]


def _lines(path: Path) -> list[str]:
    if path.is_file():
        return path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    for part in sorted(path.glob("part-*")):
        out += part.read_text(encoding="utf-8").splitlines()
    return out


def _csv_rows(path: Path) -> list[list[str]]:
    files = [path] if path.is_file() else sorted(path.glob("part-*"))
    rows: list[list[str]] = []
    for f in files:
        with f.open(encoding="utf-8", newline="") as fh:
            body = list(csv.reader(fh))
        rows += body if not rows else body[1:]  # every Spark part file starts with the header
    return rows


def test_tables_written_by_spark_match_the_local_tables(tmp_path, local, spark_run: SparkScan) -> None:
    write_tables(local, tmp_path / "local")
    spark_run.write_tables(str(tmp_path / "spark"))
    for name in ("documents", "edges", "clusters"):
        a, b = tmp_path / "local", tmp_path / "spark"
        assert [json.loads(x) for x in _lines(b / f"{name}.jsonl")] == [json.loads(x) for x in
                                                                          _lines(a / f"{name}.jsonl")], name
        assert _lines(b / f"{name}.jsonl") == _lines(a / f"{name}.jsonl"), name
        assert _csv_rows(b / f"{name}.csv") == _csv_rows(a / f"{name}.csv"), name
        ta, tb = pq.read_table(a / f"{name}.parquet"), pq.read_table(b / f"{name}.parquet")
        assert tb.column_names == ta.column_names, name
        assert tb.to_pylist() == ta.to_pylist(), name


def test_non_default_check_config_and_lexicon_give_the_local_answer(spark, docs, local) -> None:
    """A changed detector constant, threshold and odd-pair model (``CheckConfig``) and a known
    list (``LexiconSpec``), shipped to the executors as data: the verdicts differ from the
    default ones (so this test can fail) and are the local engine's, field for field."""
    spec, config = non_default_settings()
    here = scan(docs, lexicon=spec, config=config)
    assert verdicts(here) != verdicts(local)
    assert sum(a.score != b.score for a, b in zip(here.documents, local.documents, strict=True)) > len(docs) // 2
    assert {r.threshold for r in here.documents} == {0.35}
    assert any("known-phrase" in f.evidence for r in here.documents for f in r.findings)
    run = SparkScan.run(spark, docs, options=SparkScanOptions(partitions=2, config=config, lexicon=spec))
    try:
        there = run.scan_result()
    finally:
        run.close()
    assert [r.to_dict(exact=True) for r in there.documents] == [r.to_dict(exact=True) for r in here.documents]
    assert edges(there) == edges(here)
    assert clusters(there) == clusters(here)


def test_non_default_trace_config_gives_the_local_answer(spark, docs, local) -> None:
    """A ``TraceConfig`` with every part changed (fingerprint, relation and containment
    thresholds, candidates, max_bucket), shipped to the executors as data: the edges differ from
    the default ones (so this test can fail), and are the local engine's, candidates included."""
    trace = non_default_trace()
    here = scan(docs, trace=trace)
    assert edges(here) != edges(local) and len(here.edges) > len(local.edges)
    assert PASSAGE_AT_K2_W4 in {(e.copy_id, e.source_id) for e in here.edges}
    run = SparkScan.run(spark, docs, options=SparkScanOptions(partitions=2, trace=trace))
    try:
        there = run.scan_result()
        assert_candidates_like_the_store(run, here.texts, trace=trace)
    finally:
        run.close()
    assert verdicts(there) == verdicts(here)
    assert edges(there) == edges(here)
    assert clusters(there) == clusters(here)
    assert [e.match for e in there.edges] == [e.match for e in here.edges]


def test_jsonl_input_and_small_buckets(tmp_path, spark, docs, local) -> None:
    """Read by Spark from JSON Lines (the local reader's rules), with a tiny ``max_bucket``:
    the same verdicts, and candidates chosen and buckets skipped exactly as the store does."""
    path = tmp_path / "docs.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, t in docs:
            fh.write(json.dumps({"doc": i, "body": t}) + "\n")
        fh.write("\n")  # blank: ignored
        fh.write('{"doc": "no-text"}\n')  # a problem, reported
    run = SparkScan.run(spark, str(path), id_field="doc", text_field="body",
                        options=SparkScanOptions(partitions=2, trace=TraceConfig(max_bucket=2, candidates=2)))
    try:
        res, stats = run.scan_result(texts=False), run.stats
        assert_candidates_like_the_store(run, local.texts, trace=TraceConfig(max_bucket=2, candidates=2))
    finally:
        run.close()
    assert verdicts(res) == verdicts(local)
    assert stats.problems == 1 and "no string field 'body'" in res.problems[0][1]
    assert stats.lookups_skipped > 0 and stats.containment_lookups_skipped > 0 and stats.buckets_skipped > 0


def test_non_default_winnow_params_and_top_from_an_index(tmp_path, spark, docs, local) -> None:
    """Both engines scanning with an index (``--db``) built with non-default winnow parameters,
    and ``top=1``: each takes the parameters from the index, the answer differs from the
    default one (a partial copy found only with these parameters), and it is the same answer."""
    path = str(tmp_path / "k2w4.db")
    Index.open(path, config=TraceConfig(fingerprint=NON_DEFAULT)).close()
    with Index.open(path, read_only=True) as idx:
        here = scan(docs, lexicon=LexiconSpec(index_path=path), index=idx, top=1)
    run = SparkScan.run(spark, docs, options=SparkScanOptions(partitions=2, index_path=path, top=1))
    try:
        there = run.scan_result()
        assert_candidates_like_the_store(run, here.texts, trace=TraceConfig(fingerprint=NON_DEFAULT))
    finally:
        run.close()
    assert PASSAGE_AT_K2_W4 in {(e.copy_id, e.source_id) for e in here.edges} and edges(here) != edges(local)
    assert verdicts(there) == verdicts(here)
    assert edges(there) == edges(here)
    assert clusters(there) == clusters(here)
    assert [e.match for e in there.edges] == [e.match for e in here.edges]


def test_scan_spark_on_parquet_gives_the_local_scan_result(tmp_path, spark, docs, local) -> None:
    import pyarrow as pa

    pq.write_table(pa.table({"id": [i for i, _t in docs], "text": [t for _i, t in docs],
                             "lang": ["en"] * len(docs)}), tmp_path / "docs.parquet")
    stats = SparkScanStats()
    res = scan_spark(spark, str(tmp_path / "docs.parquet"), partitions=2, stats=stats)
    assert (verdicts(res), edges(res), clusters(res)) == (verdicts(local), edges(local), clusters(local))
    assert stats.documents == len(local.documents) and stats.edges == len(local.edges) and not res.problems


def test_cli_engine_spark_writes_the_local_files(tmp_path, spark, docs) -> None:
    from click.testing import CliRunner

    from unspin.cli import main

    corpus = tmp_path / "in"
    corpus.mkdir()
    for i, t in docs[:12] + docs[44:47]:  # three spun copies and their sources among them
        (corpus / f"{i}.txt").write_text(t, encoding="utf-8")
    runner = CliRunner()
    local = runner.invoke(main, ["scan", str(corpus), "--out", str(tmp_path / "local"), "--no-progress"])
    remote = runner.invoke(main, ["scan", str(corpus), "--out", str(tmp_path / "spark"), "--no-progress",
                                  "--engine", "spark", "--partitions", "2"])
    assert (remote.exit_code, remote.stdout) == (local.exit_code, local.stdout) and local.exit_code == 1
    for name in ("documents", "edges", "clusters"):
        for ext in ("jsonl", "csv"):
            assert (tmp_path / "spark" / f"{name}.{ext}").read_bytes() == \
                (tmp_path / "local" / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"
    bad = runner.invoke(main, ["scan", str(corpus), "--partitions", "5"])
    assert bad.exit_code == 2 and "--engine spark" in bad.output


def test_spark_submit_reads_one_config_file_and_writes_the_local_tables(tmp_path, spark, docs) -> None:
    """The spark-submit entry point (the click command sharing scan's options): a ``--config``
    file with check settings and a ``trace`` section, ``--top`` and ``--candidates`` on the
    command line; its tables are those of the local scan at the same settings."""
    from dataclasses import replace

    from unspin.cli.spark_submit import main
    from unspin.engines.spark_submit import main as file_main

    assert file_main is main
    _spec, config = non_default_settings()
    trace = non_default_trace()
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in docs), encoding="utf-8")
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({**config.to_dict(), "trace": trace.to_dict()}), encoding="utf-8")
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    status = main(["--input", str(path), "--out", str(out), "--config", str(cfg), "--top", "2",
                   "--candidates", "6", "--partitions", "2", "--formats", "jsonl,csv", "--stats", str(stats)])
    assert status == 0
    assert json.loads(stats.read_text(encoding="utf-8"))["documents"] == len({i for i, _t in docs})
    write_tables(scan(docs, config=config, trace=replace(trace, candidates=6), top=2), tmp_path / "local")
    for name in ("documents", "edges", "clusters"):
        assert _lines(out / f"{name}.jsonl") == _lines(tmp_path / "local" / f"{name}.jsonl"), name
        assert _csv_rows(out / f"{name}.csv") == _csv_rows(tmp_path / "local" / f"{name}.csv"), name
    assert not (out / "documents.parquet").exists()


def test_spark_submit_usage_errors(tmp_path, capsys) -> None:
    from unspin.cli.spark_submit import main

    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "text": "A text."}\n', encoding="utf-8")
    assert main(["--input", str(path)]) == 2  # --out missing
    assert main(["--input", str(path), "--out", str(tmp_path / "o"), "--formats", "xml"]) == 2
    assert "--formats" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"trace": {"candidates": 0}}), encoding="utf-8")
    assert main(["--input", str(path), "--out", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "trace: candidates must be at least 1" in capsys.readouterr().err
    db = tmp_path / "k2w4.db"
    Index.open(db, config=TraceConfig(fingerprint=NON_DEFAULT)).close()
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"trace": {"fingerprint": {"winnow_k": 5}}}), encoding="utf-8")
    assert main(["--input", str(path), "--out", str(tmp_path / "o"), "--db", str(db), "--config", str(other)]) == 2
    assert "winnow_k: index has 2, asked for 5" in capsys.readouterr().err
    assert main(["--help"]) == 0 and "--spark-master, --master" in capsys.readouterr().out
