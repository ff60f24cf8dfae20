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
