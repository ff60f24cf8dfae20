"""Typed results returned by the core and every front end.

All offsets are character offsets (Python ``str`` indices) into the text exactly as it was
read, so ``text[f.start:f.end] == f.text`` always holds for a finding ``f``.

``to_dict()`` gives the JSON objects the front ends write (scores rounded to 4 places).
``to_dict(exact=True)`` gives a lossless JSON-ready form instead, and ``from_dict`` rebuilds the
result from it: ``R.from_dict(json.loads(json.dumps(r.to_dict(exact=True)))) == r`` for every
``Finding``, ``CheckResult``, ``Alignment``, ``Substitution``, ``Match`` and ``TraceResult``
(floats unrounded, which JSON keeps exactly; NaN and infinities as the strings ``"nan"``,
``"inf"``, ``"-inf"``, so the JSON stays strict; tuples and nested results rebuilt), provided
their strings are valid Unicode (JSON reads a lone high and a lone low surrogate written one
after the other, ``"\\ud800\\udcff"``, back as the one character they encode). This is how the
Spark engine moves results between processes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


def _exact_out(x: Any) -> Any:
    """A number as ``to_dict(exact=True)`` stores it: unchanged, or a non-finite float as a string."""
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)  # "nan", "inf" or "-inf"
    return x


def _exact_in(x: Any) -> Any:
    """The inverse of :func:`_exact_out` (ints stay ints, floats stay floats)."""
    return float(x) if isinstance(x, str) else x


def finite(value: Any) -> Any:
    """``value`` (a ``to_dict()`` form) with NaN and infinities, which strict JSON cannot hold,
    replaced by ``None``: what the JSONL writers and the HTTP service send."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def _stats_out(stats: Mapping[str, Any], exact: bool) -> dict[str, Any]:
    if exact:
        return {k: _exact_out(v) for k, v in stats.items()}
    return {k: round(v, 4) for k, v in stats.items()}


def _stats_in(stats: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _exact_in(v) for k, v in stats.items()}


class Evidence(StrEnum):
    """The signals a finding names (``Finding.evidence``). String-valued, so that results
    compare equal to, and serialise as, the plain names the JSON output has always carried."""

    KNOWN_PHRASE = "known-phrase"  #: an exact match of a known tortured phrase (``--known``)
    LEARNED_SWAP = "learned-swap"  #: a swap learned from a known list or from traced copies
    ACRONYM_MISMATCH = "acronym-mismatch"  #: the words before a bracketed acronym no longer spell it
    CONTEXT_FIT = "context-fit"  #: the likely original forms a common phrase with the neighbours
    RARE_SYNONYM = "rare-synonym"  #: a rare word where a common synonym was expected
    ODD_WORD = "odd-word"  #: a word the per-word spin model finds very unlikely for a writer
    ODD_PAIR = "odd-pair"  #: two words that form no known pair and look like a spinner's picks
    MODEL_FIT = "model-fit"  #: the language model reads a candidate original far better (model tier)
    MODEL_MISFIT = "model-misfit"  #: the model reads a word of its own far better; no thesaurus says which
    MODEL_PHRASE = "model-phrase"  #: the model reads a thesaurus's word or phrase far better in a span's place


#: Evidence from a list (``--known``, learned swaps, acronyms): the model tier keeps its suggestion.
LISTED_EVIDENCE = frozenset({Evidence.KNOWN_PHRASE, Evidence.LEARNED_SWAP, Evidence.ACRONYM_MISMATCH})
#: Evidence already weighed by the document's per-word oddness: not counted again in its score.
PER_WORD_EVIDENCE = frozenset({Evidence.ODD_WORD, Evidence.ODD_PAIR})


def _evidence(name: str) -> str:
    """``Evidence(name)``, or ``name`` itself for a signal this version does not know."""
    try:
        return Evidence(name)
    except ValueError:
        return name


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspicious span and the wording it probably replaced.

    ``confidence`` is the detector's estimate (0..1) that the span is a spinner's substitution.
    ``suggestion`` is the most likely original wording, or ``None`` when the span looks spun
    but no candidate original could be ranked; ``evidence`` names the signals that fired
    (:class:`Evidence` values).
    """

    start: int
    end: int
    text: str
    suggestion: str | None
    confidence: float
    evidence: tuple[str, ...] = ()

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """A JSON-ready dict (``evidence`` as a list); ``exact``: see the module docstring."""
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        if exact:
            d["confidence"] = _exact_out(self.confidence)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The finding ``to_dict(exact=True)`` describes."""
        return cls(data["start"], data["end"], data["text"], data["suggestion"], _exact_in(data["confidence"]),
                   tuple(_evidence(e) for e in data["evidence"]))


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

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """The object ``unspin check --format jsonl`` writes; ``exact``: see the module docstring."""
        return {
            "id": self.id,
            "spun": self.spun,
            "score": _exact_out(self.score) if exact else round(self.score, 4),
            "threshold": _exact_out(self.threshold) if exact else self.threshold,
            "n_words": self.n_words,
            "findings": [f.to_dict(exact=exact) for f in self.findings],
            "restored": self.restored,
            "stats": _stats_out(self.stats, exact),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        """The result ``to_dict(exact=True)`` describes."""
        return cls(
            id=data["id"],
            spun=data["spun"],
            score=_exact_in(data["score"]),
            threshold=_exact_in(data["threshold"]),
            findings=tuple(Finding.from_dict(f) for f in data["findings"]),
            restored=data["restored"],
            n_words=data["n_words"],
            stats=_stats_in(data["stats"]),
        )


@dataclass(frozen=True, slots=True)
class Alignment:
    """A passage of the input lined up with a passage of the source (character offsets in both)."""

    input_start: int
    input_end: int
    source_start: int
    source_end: int
    similarity: float

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; ``exact``: see the module docstring."""
        d = asdict(self)
        if exact:
            d["similarity"] = _exact_out(self.similarity)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Alignment:
        """The alignment ``to_dict(exact=True)`` describes."""
        return cls(data["input_start"], data["input_end"], data["source_start"], data["source_end"],
                   _exact_in(data["similarity"]))


@dataclass(frozen=True, slots=True)
class Substitution:
    """A phrase of the input that replaced a phrase of the source at the aligned position."""

    input_start: int
    input_end: int
    text: str
    source_start: int
    source_end: int
    source_text: str

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """A JSON-ready dict (always exact: it holds no floats)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Substitution:
        """The substitution ``to_dict()`` describes."""
        return cls(data["input_start"], data["input_end"], data["text"], data["source_start"], data["source_end"],
                   data["source_text"])


@dataclass(frozen=True, slots=True)
class Match:
    """One indexed document the input was traced to, with the evidence.

    ``relation`` is ``derived`` (the input copies the source, spun or not) or ``same-story``
    (they share names, numbers or quotes but not the source's sentences). ``coverage`` is the
    share of the input's words inside aligned passages (how much of the input comes from the
    source); ``stats["source_coverage"]`` the share of the source's words inside them (how much
    of the source was used); ``score`` (0..1) ranks matches.
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

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """The match as ``unspin trace --format jsonl`` writes it; ``exact``: see the module docstring."""
        return {
            "source_id": self.source_id,
            "relation": self.relation,
            "score": _exact_out(self.score) if exact else round(self.score, 4),
            "coverage": _exact_out(self.coverage) if exact else round(self.coverage, 4),
            "alignments": [a.to_dict(exact=exact) for a in self.alignments],
            "substitutions": [s.to_dict() for s in self.substitutions],
            "restored": self.restored,
            "stats": _stats_out(self.stats, exact),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Match:
        """The match ``to_dict(exact=True)`` describes."""
        return cls(
            source_id=data["source_id"],
            relation=data["relation"],
            score=_exact_in(data["score"]),
            coverage=_exact_in(data["coverage"]),
            alignments=tuple(Alignment.from_dict(a) for a in data["alignments"]),
            substitutions=tuple(Substitution.from_dict(s) for s in data["substitutions"]),
            restored=data["restored"],
            stats=_stats_in(data["stats"]),
        )


@dataclass(frozen=True, slots=True)
class TraceResult:
    """Ranked matches of one input against an index (best first; may be empty)."""

    id: str
    matches: tuple[Match, ...]
    stats: dict[str, float] = field(default_factory=dict)

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """The object ``unspin trace --format jsonl`` writes; ``exact``: see the module docstring."""
        return {"id": self.id, "matches": [m.to_dict(exact=exact) for m in self.matches],
                "stats": _stats_out(self.stats, exact)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TraceResult:
        """The result ``to_dict(exact=True)`` describes."""
        return cls(data["id"], tuple(Match.from_dict(m) for m in data["matches"]), _stats_in(data["stats"]))


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
