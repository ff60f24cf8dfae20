"""The tables ``unspin scan --out DIR`` writes: documents, edges and clusters, each as JSONL,
CSV and Parquet with the same columns (documented in README.md, section "unspin scan").

JSONL rows of ``edges`` also carry the full evidence (``match``: alignments, substitutions,
restored text, read copy -> source; same-story edges too); CSV and Parquet
keep the flat columns. CSV booleans are ``true``/``false``, as in ``unspin check --format csv``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from unspin.core.results import ScanResult
from unspin.io.writers import json_line, top_findings

DOCUMENT_COLUMNS = ("id", "spun", "score", "n_words", "n_findings", "top_findings", "cluster",
                    "derived_from", "copied_by", "same_story")
EDGE_COLUMNS = ("copy_id", "source_id", "relation", "score", "coverage", "n_substitutions", "direction",
                "top_substitutions")
CLUSTER_COLUMNS = ("cluster", "size", "n_derived_edges", "n_same_story_edges", "members")
FORMATS = ("jsonl", "csv", "parquet")


def scan_tables(scan: ScanResult) -> dict[str, list[dict[str, Any]]]:
    """The three tables as lists of rows (dicts keyed by the documented columns)."""
    cluster_of = {m: c.id for c in scan.clusters for m in c.members}
    derived_from: dict[str, list[str]] = {}
    copied_by: dict[str, list[str]] = {}
    same: dict[str, list[str]] = {}
    for e in scan.edges:
        if e.relation == "derived":
            derived_from.setdefault(e.copy_id, []).append(e.source_id)
            copied_by.setdefault(e.source_id, []).append(e.copy_id)
        else:
            same.setdefault(e.copy_id, []).append(e.source_id)
            same.setdefault(e.source_id, []).append(e.copy_id)
    docs = [
        {
            "id": r.id, "spun": r.spun, "score": round(r.score, 4), "n_words": r.n_words,
            "n_findings": len(r.findings), "top_findings": top_findings(r.findings),
            "cluster": cluster_of.get(r.id), "derived_from": ";".join(derived_from.get(r.id, [])),
            "copied_by": ";".join(copied_by.get(r.id, [])), "same_story": ";".join(same.get(r.id, [])),
        }
        for r in scan.documents
    ]
    edges = []
    for e in scan.edges:
        row = e.to_dict()
        subs = e.match.substitutions if e.match is not None else ()
        row["top_substitutions"] = "; ".join(f"{s.text}→{s.source_text}" for s in subs[:5])
        edges.append(row)
    clusters = [
        {"cluster": c.id, "size": len(c.members), "n_derived_edges": c.n_derived_edges,
         "n_same_story_edges": c.n_same_story_edges, "members": ";".join(c.members)}
        for c in scan.clusters
    ]
    return {"documents": docs, "edges": edges, "clusters": clusters}


_COLUMNS = {"documents": DOCUMENT_COLUMNS, "edges": EDGE_COLUMNS, "clusters": CLUSTER_COLUMNS}


def csv_cell(value: Any) -> Any:
    """A CSV field as ``unspin check --format csv`` writes it: booleans ``true``/``false``, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_tables(scan: ScanResult, out_dir: str | Path, *, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write every table in every format to ``out_dir`` (created); returns the paths written.

    Parquet needs ``pyarrow``. Existing files of the same names are replaced; nothing else in
    the directory is touched.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = scan_tables(scan)
    written = []
    for name, rows in tables.items():
        cols = _COLUMNS[name]
        if "jsonl" in formats:
            p = out / f"{name}.jsonl"
            with p.open("w", encoding="utf-8") as fh:
                for i, row in enumerate(rows):
                    record = {c: row[c] for c in cols}
                    if name == "edges":  # every edge has its match, same-story ones too
                        m = scan.edges[i].match
                        record["match"] = m.to_dict() if m is not None else None
                    fh.write(json_line(record) + "\n")
            written.append(p)
        if "csv" in formats:
            p = out / f"{name}.csv"
            with p.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(cols)
                for row in rows:
                    w.writerow([csv_cell(row[c]) for c in cols])
            written.append(p)
        if "parquet" in formats:
            import pyarrow as pa
            import pyarrow.parquet as pq

            p = out / f"{name}.parquet"
            table = pa.table({c: [row[c] for row in rows] for c in cols}) if rows else pa.table(
                {c: pa.array([], type=pa.string()) for c in cols})
            pq.write_table(table, p)
            written.append(p)
    return written
