"""unspin scan: verdicts, verified edges with direction, story clusters, tables."""

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq

from unspin import Lexicon
from unspin.api import check
from unspin.core.graph import FoundMatch, build_edges
from unspin.core.trace import match_source
from unspin.engines.local import scan
from unspin.io.tables import DOCUMENT_COLUMNS, EDGE_COLUMNS, write_tables
from unspin.text import tokenize

from .scan_corpus import article, corpus, spin
from .texts import BOE_LONG, BOE_LONG_SPUN, SAME_STORY
from .texts import BOE_SOURCE as SOURCE
from .texts import BOE_SPUN_COPY as SPUN_COPY

ROOT = Path(__file__).resolve().parents[1]
UNRELATED = ("Cats sleep for most of the day in warm places, and many of them hunt at night. "
             "Owners in Leeds said their pets were calmer in winter, according to a survey of 2,000 homes.")


def test_scan_finds_copies_with_direction_and_clusters():
    docs = [("src", BOE_LONG), ("copy", BOE_LONG_SPUN), ("story", SAME_STORY), ("cats", UNRELATED)]
    res = scan(docs)
    assert [r.id for r in res.documents] == ["src", "copy", "story", "cats"]
    derived = [e for e in res.edges if e.relation == "derived"]
    assert [(e.copy_id, e.source_id) for e in derived] == [("copy", "src")]
    assert derived[0].match is not None and derived[0].match.restored == BOE_LONG
    assert all(e.relation != "derived" for e in res.edges if "story" in (e.copy_id, e.source_id))
    assert not any("cats" in (e.copy_id, e.source_id) for e in res.edges)
    big = res.clusters[0]
    assert {"src", "copy"} <= set(big.members) and "cats" not in big.members


def test_tables_in_three_formats(tmp_path):
    res = scan([("src", SOURCE), ("copy", SPUN_COPY), ("cats", UNRELATED)])
    written = write_tables(res, tmp_path)
    assert len(written) == 9
    rows = [json.loads(line) for line in (tmp_path / "edges.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["copy_id"] == "copy" and rows[0]["match"]["substitutions"]
    with (tmp_path / "documents.csv").open(encoding="utf-8") as fh:
        assert tuple(next(csv.reader(fh))) == DOCUMENT_COLUMNS
    assert tuple(pq.read_table(tmp_path / "edges.parquet").column_names) == EDGE_COLUMNS
    docs = pq.read_table(tmp_path / "documents.parquet").to_pylist()
    assert {d["id"] for d in docs} == {"src", "copy", "cats"}


def test_table_lines_survive_unicode_line_separators(tmp_path):
    """An id holding U+2028 (a line break to str.splitlines) stays inside its JSONL record."""
    odd_id = "copy\u2028two"
    write_tables(scan([("src", SOURCE), (odd_id, SPUN_COPY)]), tmp_path, formats=("jsonl",))
    for name in ("documents", "edges"):
        lines = (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert all(json.loads(line) for line in lines)
    docs = [json.loads(x) for x in (tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {d["id"] for d in docs} == {"src", odd_id}


def test_tables_write_booleans_as_check_does_and_every_edge_has_a_match_key(tmp_path):
    res = scan([("src", BOE_LONG), ("copy", BOE_LONG_SPUN), ("story", SAME_STORY)])
    write_tables(res, tmp_path, formats=("jsonl", "csv"))
    with (tmp_path / "documents.csv").open(encoding="utf-8") as fh:
        spun = {row["spun"] for row in csv.DictReader(fh)}
    assert spun <= {"true", "false"} and spun
    edges = [json.loads(line) for line in (tmp_path / "edges.jsonl").read_text(encoding="utf-8").splitlines()]
    same = [e for e in edges if e["relation"] == "same-story"]
    assert same and all(e["match"] is not None for e in edges)
    assert all(e["match"]["source_id"] == e["source_id"] for e in edges)


def test_scan_cli_leaves_inputs_untouched_and_reports_problems(tmp_path, cli):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SOURCE, encoding="utf-8")
    (corpus / "b.txt").write_text(SPUN_COPY, encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\x00\x01binary")
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    report = tmp_path / "report.html"
    p = cli("scan", str(corpus), "--out", str(tmp_path / "out"), "--report", str(report), "--no-progress")
    assert p.returncode == 3, p.stderr
    assert "bad.txt" in p.stderr and "derived edges" in p.stdout
    assert {q.name: q.read_bytes() for q in corpus.iterdir()} == before
    edges = (tmp_path / "out" / "edges.csv").read_text(encoding="utf-8")
    assert "b.txt" in edges and "derived" in edges
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "b.txt" in page and "https://" not in page


def test_scan_learns_into_the_index_only_with_learn(tmp_path, cli, learned_tables):
    from unspin import Index


    db = tmp_path / "archive.db"
    with Index.open(db) as idx:
        idx.add([("boe", SOURCE)])
    suspect = tmp_path / "day.jsonl"
    suspect.write_text(json.dumps({"id": "copy", "text": SPUN_COPY}) + "\n", encoding="utf-8")
    cmd = ["scan", str(suspect), "--db", str(db), "--no-progress"]
    p = cli(*cmd)
    assert p.returncode == 1, p.stderr  # the copy of an indexed document: an external derived edge
    assert learned_tables(db) == [[], []]
    p = cli(*cmd, "--learn")
    assert p.returncode == 1, p.stderr
    provenance = learned_tables(db)[1]
    assert ("hiked loan costs", "raised interest rates", "boe", "copy") in provenance
    p = cli(*cmd[:-3], "--learn", "--no-progress")
    assert p.returncode == 2 and "--learn needs --db" in p.stderr


def test_scan_takes_known_and_reference_like_check(tmp_path, cli):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Glorp snarf models need data.", encoding="utf-8")  # only the list knows it
    known = tmp_path / "known.csv"
    known.write_text("tortured_phrase,expected_phrase\nglorp snarf,deep learning\n", encoding="utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text(UNRELATED * 3, encoding="utf-8")
    cmd = ["scan", str(corpus), "--out", str(tmp_path / "out"), "--no-progress", "--known", str(known),
           "--reference", str(ref)]
    p = cli(*cmd)
    assert p.returncode == 1, p.stderr  # the listed phrase makes the document spun
    row = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "Glorp snarf→Deep learning" in str(row["top_findings"]), row
    tsv = tmp_path / "known.tsv"
    tsv.write_text("tortured_phrase\texpected_phrase\nprofound learning\tdeep learning\n", encoding="utf-8")
    p = cli(*cmd[:-4], "--known", str(tsv))
    assert p.returncode == 2 and "tab-separated" in p.stderr

def test_every_edge_match_reads_copy_to_source():
    """Issue 15 item 4: a pair verified from the source's side (a partial reprint traced to a
    spun copy of the whole) used to keep that side's match, read backwards."""
    whole = article(40)
    cut = len(whole) // 2
    half = whole[: whole.index(". ", cut) + 1]
    docs = [*corpus(), ("battery-spun", spin(whole)), ("battery-partial-reprint", half)]
    res = scan(docs)
    texts = dict(res.texts)
    pairs = {(e.copy_id, e.source_id) for e in res.edges}
    assert any("battery-partial-reprint" in p and "battery-spun" in p for p in pairs)
    assert any(e.relation == "same-story" for e in res.edges)
    for e in res.edges:
        m = e.match
        assert m is not None, e
        assert m.source_id == e.source_id and m.relation == e.relation
        copy, source = texts[e.copy_id], texts[e.source_id]
        for a in m.alignments:
            assert 0 <= a.input_start < a.input_end <= len(copy)
            assert 0 <= a.source_start < a.source_end <= len(source)
        for s in m.substitutions:
            assert copy[s.input_start:s.input_end] == s.text
            assert source[s.source_start:s.source_end] == s.source_text
        if e.relation == "derived":
            assert all(s.source_text in m.restored for s in m.substitutions)


def test_edge_verified_only_from_the_source_side_still_reads_copy_to_source():
    """A short reprint traced to a long spun copy verifies as derived from the reprint's side
    only; the edge (spun copy -> reprint) must not keep that side's match backwards."""
    whole = article(40)
    reprint = whole[: whole.index(". ", len(whole) // 3) + 1]
    spun = spin(whole) + " " + spin(article(43))
    texts = {"battery-spun": spun, "battery-partial-reprint": reprint}
    m = match_source(reprint, tokenize(reprint), "battery-spun", spun)
    assert m is not None and m.relation == "derived"
    results = {i: check(t, id=i, lexicon=Lexicon.default()) for i, t in texts.items()}
    assert results["battery-spun"].score > results["battery-partial-reprint"].score + 0.1
    (edge,) = build_edges([FoundMatch("battery-partial-reprint", m, external=False)], results, texts)
    assert (edge.copy_id, edge.source_id, edge.relation) == ("battery-spun", "battery-partial-reprint", "derived")
    assert edge.match is not None and edge.match.source_id == "battery-partial-reprint"
    for a in edge.match.alignments:
        assert a.input_end <= len(spun) and a.source_end <= len(reprint)
    for sub in edge.match.substitutions:
        assert spun[sub.input_start:sub.input_end] == sub.text
        assert reprint[sub.source_start:sub.source_end] == sub.source_text
    assert edge.match.substitutions and all(sub.source_text in edge.match.restored for sub in edge.match.substitutions)
