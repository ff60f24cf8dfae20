"""The scan's joins, pure: verified matches into derivation edges (one per pair, read copy ->
source), edges into story clusters. Every engine (the local one, Spark) calls these, never a
copy of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from unspin.core.relation import DERIVED, SAME_STORY, RelationParams
from unspin.core.results import CheckResult, Cluster, Edge, Match
from unspin.core.trace import match_source
from unspin.text import tokenize

# Spin scores closer than this cannot tell which of two copies is the source.
DIRECTION_MARGIN = 0.1


@dataclass(frozen=True, slots=True)
class FoundMatch:
    """One verified match found by tracing the scanned document ``query``: what ``build_edges`` joins.

    ``match`` is the ``Match`` of ``query`` against the document ``match.source_id``.
    ``external`` is false when that source is another scanned document, true when it is a
    document of an external index (``--db``) that is not in the scan. ``build_edges`` keeps the
    first of equally good matches of a pair, so both engines list these in one order: documents
    in input order, each with its matches against the scan, then against the index, best first.
    """

    query: str
    match: Match
    external: bool


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def build_edges(found: Iterable[FoundMatch], results: dict[str, CheckResult], texts: dict[str, str], *,
                relation: RelationParams | None = None) -> list[Edge]:
    """Join matches into edges: one per unordered pair, derived winning over same-story.

    Every edge carries its ``match``, read ``copy_id`` -> ``source_id`` (``match.source_id`` is
    the edge's ``source_id``; alignment offsets and substitutions index the copy's text on the
    input side), for same-story edges too (``copy_id`` is then the smaller id).

    Direction of a derived edge between two scanned documents: the more spun one (higher check
    score) is the copy; within ``DIRECTION_MARGIN`` it is a ``tie`` and the pair is kept in id
    order. A match to an index document that is not in the scan makes the scanned one the copy.
    ``relation``: the thresholds the matches were found with (the run's ``TraceConfig.relation``;
    default ``RelationParams()``), used again when a match is aligned from the copy's side.
    """
    best: dict[tuple[str, str], FoundMatch] = {}
    for f in found:
        key = _pair_key(f.query, f.match.source_id) if not f.external else (f.query, f.match.source_id)
        old = best.get(key)
        rank = (f.match.relation == DERIVED, f.match.score)
        if old is None or rank > (old.match.relation == DERIVED, old.match.score):
            best[key] = f
    edges = []
    for (a, b), f in sorted(best.items()):
        m = f.match
        if m.relation == SAME_STORY:
            match = _oriented(m, f.query, a, b, texts, relation)
            edges.append(Edge(a, b, SAME_STORY, match.score, match.coverage, 0, "undirected", match))
            continue
        if f.external:
            edges.append(Edge(f.query, m.source_id, DERIVED, m.score, m.coverage, len(m.substitutions), "external", m))
            continue
        sa, sb = results[a].score, results[b].score
        if abs(sa - sb) < DIRECTION_MARGIN:
            copy, source, how = a, b, "tie"
        else:
            copy, source = (a, b) if sa > sb else (b, a)
            how = "spin-score"
        match = _oriented(m, f.query, copy, source, texts, relation)
        edges.append(Edge(copy, source, DERIVED, match.score, match.coverage, len(match.substitutions), how, match))
    return edges


def _oriented(m: Match, query: str, copy: str, source: str, texts: dict[str, str],
              relation: RelationParams | None) -> Match:
    """``m`` (found by tracing ``query``) as the match of ``copy`` against ``source``: itself when
    ``query`` is the copy, else aligned again from the copy's side, keeping ``m``'s verdict."""
    if query == copy:
        return m
    found = match_source(texts[copy], tokenize(texts[copy]), source, texts[source], params=relation, verified=m)
    assert found is not None  # a verified match is never dropped
    return found


def build_clusters(ids: Iterable[str], edges: Iterable[Edge]) -> list[Cluster]:
    """Story clusters: connected components of the verified edges among scanned documents
    (documents with no edge belong to no cluster). Components are numbered by size, largest first."""
    parent = {i: i for i in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edge_list = [e for e in edges if e.copy_id in parent and e.source_id in parent]
    for e in edge_list:
        ra, rb = root(e.copy_id), root(e.source_id)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for e in edge_list:
        for x in (e.copy_id, e.source_id):
            members.setdefault(root(x), [])
    for x in parent:
        r = root(x)
        if r in members:
            members[r].append(x)
    comps = sorted((sorted(v) for v in members.values()), key=lambda m: (-len(m), m[0]))
    index = {x: n for n, comp in enumerate(comps) for x in comp}
    derived = [0] * len(comps)
    same = [0] * len(comps)
    for e in edge_list:
        c = index[e.copy_id]
        if e.relation == DERIVED:
            derived[c] += 1
        else:
            same[c] += 1
    return [Cluster(n, tuple(comp), derived[n], same[n]) for n, comp in enumerate(comps)]
