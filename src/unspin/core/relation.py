"""Derived copy or the same story reported independently?

A derived copy keeps its source's sentences: most of its words sit in passages whose skeleton
(function words, names, numbers in order) lines up with the source. Two independent reports of
one event share names, numbers and perhaps a verbatim quote or two, but few of their sentences
line up. ``classify`` turns an alignment and the shared facts into a relation and a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from unspin.core.align import AlignmentReport
from unspin.core.text import Token

DERIVED = "derived"
SAME_STORY = "same-story"


@dataclass(frozen=True, slots=True)
class RelationParams:
    """Thresholds: ``derived_coverage`` of the input aligned, with at least ``min_aligned``
    sentence pairs whose mean similarity is at least ``derived_similarity`` (unrelated sentences
    with the same function-word pattern align at 0.4-0.6; copies, even 70% spun, at 0.8 and
    more); ``same_story_facts`` Jaccard of shared names and numbers. A rewrite that
    restructures sentences (a paraphrase) is still ``derived`` when nearly all its facts
    (``paraphrase_facts``) and much of its vocabulary (``paraphrase_content``) come from the
    source: independent reports of one event share many facts but far fewer words."""

    derived_coverage: float = 0.45
    derived_similarity: float = 0.65
    min_aligned: int = 2
    same_story_facts: float = 0.2
    same_story_min_facts: int = 5
    paraphrase_facts: float = 0.72
    paraphrase_min_facts: int = 8
    paraphrase_content: float = 0.42


def fact_overlap(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two fact sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def content_words(tokens: list[Token]) -> set[str]:
    """Lower-case alphabetic words longer than three letters (the vocabulary of a text)."""
    return {t.norm for t in tokens if len(t.norm) > 3 and t.norm.isalpha()}


def classify(report: AlignmentReport, shared_facts: float, n_shared_facts: int, content_overlap: float, *,
             params: RelationParams | None = None) -> tuple[str | None, float]:
    """(relation, score) for one input/source pair; relation is None when they are unrelated.

    Scores: derived pairs land in 0.5..1 (coverage times similarity), same-story pairs in
    0..0.5 (shared facts), so a derived match always ranks above a same-story one.
    """
    p = params or RelationParams()
    if (report.coverage >= p.derived_coverage and len(report.alignments) >= p.min_aligned
            and report.mean_similarity >= p.derived_similarity):
        return DERIVED, 0.5 + 0.5 * min(1.0, report.coverage * (0.5 + 0.5 * report.mean_similarity))
    if (shared_facts >= p.paraphrase_facts and n_shared_facts >= p.paraphrase_min_facts
            and content_overlap >= p.paraphrase_content):
        return DERIVED, 0.5 + 0.25 * min(1.0, shared_facts * content_overlap + report.coverage)
    if shared_facts >= p.same_story_facts and n_shared_facts >= p.same_story_min_facts:
        return SAME_STORY, min(0.49, 0.5 * max(shared_facts, report.coverage))
    return None, 0.0
