"""Typed results returned by the core and every front end.

All offsets are character offsets (Python ``str`` indices) into the text exactly as it was
read, so ``text[f.start:f.end] == f.text`` always holds for a finding ``f``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspicious span and the wording it probably replaced.

    ``confidence`` is the detector's estimate (0..1) that the span is a spinner's substitution.
    ``suggestion`` is the most likely original wording, or ``None`` when the span looks spun
    but no candidate original could be ranked; ``evidence`` names the signals that fired.
    """

    start: int
    end: int
    text: str
    suggestion: str | None
    confidence: float
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        return d


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one document, with the evidence behind it.

    ``score`` is a calibrated probability that the document is machine-spun, assuming a 50/50
    prior between spun and clean documents (see ``unspin.core.calibrate``); ``spun`` is
    ``score >= threshold``. ``restored`` is ``text`` with every suggestion applied.
    """

    id: str
    spun: bool
    score: float
    threshold: float
    findings: tuple[Finding, ...]
    restored: str
    n_words: int
    stats: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "spun": self.spun,
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "n_words": self.n_words,
            "findings": [f.to_dict() for f in self.findings],
            "restored": self.restored,
            "stats": {k: round(v, 4) for k, v in self.stats.items()},
        }


@dataclass(frozen=True, slots=True)
class Alignment:
    """A passage of the input lined up with a passage of the source (character offsets in both)."""

    input_start: int
    input_end: int
    source_start: int
    source_end: int
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Substitution:
    """A phrase of the input that replaced a phrase of the source at the aligned position."""

    input_start: int
    input_end: int
    text: str
    source_start: int
    source_end: int
    source_text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Match:
    """One indexed document the input was traced to, with the evidence.

    ``relation`` is ``derived`` (the input copies the source, spun or not) or ``same-story``
    (they share names, numbers or quotes but not the source's sentences). ``coverage`` is the
    share of the input's words inside aligned passages; ``score`` (0..1) ranks matches.
    ``restored`` is the input with every substitution reverted to the source's wording.
    """

    source_id: str
    relation: str
    score: float
    coverage: float
    alignments: tuple[Alignment, ...]
    substitutions: tuple[Substitution, ...]
    restored: str
    stats: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "relation": self.relation,
            "score": round(self.score, 4),
            "coverage": round(self.coverage, 4),
            "alignments": [a.to_dict() for a in self.alignments],
            "substitutions": [s.to_dict() for s in self.substitutions],
            "restored": self.restored,
            "stats": {k: round(v, 4) for k, v in self.stats.items()},
        }


@dataclass(frozen=True, slots=True)
class TraceResult:
    """Ranked matches of one input against an index (best first; may be empty)."""

    id: str
    matches: tuple[Match, ...]
    stats: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "matches": [m.to_dict() for m in self.matches],
                "stats": {k: round(v, 4) for k, v in self.stats.items()}}


@dataclass(frozen=True, slots=True)
class Edge:
    """A verified derivation or same-story link between two documents of a scan.

    For ``derived`` edges ``copy_id`` is the document judged to be the copy and ``source_id``
    the one it was taken from (the less spun of the two; ``direction`` says how that was
    decided: ``spin-score``, ``external`` for a source found only in ``--db``, or ``tie``
    when both look equally clean). Same-story edges are undirected: ``copy_id`` < ``source_id``.
    """

    copy_id: str
    source_id: str
    relation: str
    score: float
    coverage: float
    n_substitutions: int
    direction: str
    match: Match | None = None

    def to_dict(self, *, with_match: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "copy_id": self.copy_id,
            "source_id": self.source_id,
            "relation": self.relation,
            "score": round(self.score, 4),
            "coverage": round(self.coverage, 4),
            "n_substitutions": self.n_substitutions,
            "direction": self.direction,
        }
        if with_match and self.match is not None:
            d["match"] = self.match.to_dict()
        return d


@dataclass(frozen=True, slots=True)
class Cluster:
    """A story cluster: documents connected by verified edges (derived or same-story)."""

    id: int
    members: tuple[str, ...]
    n_derived_edges: int
    n_same_story_edges: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "size": len(self.members), "members": list(self.members),
                "n_derived_edges": self.n_derived_edges, "n_same_story_edges": self.n_same_story_edges}


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything ``unspin scan`` found in a collection: per-document verdicts, derivation and
    same-story edges, and story clusters. ``texts`` maps document id to its text (for reports)."""

    documents: tuple[CheckResult, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...]
    texts: dict[str, str] = field(default_factory=dict)
    problems: tuple[tuple[str, str], ...] = ()
