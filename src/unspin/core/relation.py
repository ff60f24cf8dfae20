"""Derived copy or the same story reported independently?

A derived copy keeps its source's sentences: most of its words sit in passages whose skeleton
(function words, names, numbers in order) lines up with the source. Two independent reports of
one event share names, numbers and perhaps a verbatim quote or two, but few of their sentences
line up. ``classify`` turns an alignment and the shared facts into a relation and a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from unspin.core.align import AlignmentReport
from unspin.core.semantic import SemanticAlignment, SemanticParams, is_paraphrase
from unspin.text import Token

DERIVED = "derived"
SAME_STORY = "same-story"


@dataclass(frozen=True, slots=True)
class RelationParams:
    """Thresholds: ``derived_coverage`` of the input aligned, with at least ``min_aligned``
    sentence pairs whose mean similarity is at least ``derived_similarity``; ``same_story_facts``
    Jaccard of shared names and numbers. A rewrite that restructures sentences (a paraphrase) is
    still ``derived`` when nearly all its facts (``paraphrase_facts``) and much of its vocabulary
    (``paraphrase_content``) come from the source: independent reports of one event share many
    facts but far fewer words.

    A *passage* copied into a longer text, or a short text taking part of a longer source, is
    ``derived`` whatever its coverage when at least ``passage_min_sentences`` sentences and
    ``passage_min_words`` input words align at ``passage_similarity`` or more. Sentences that
    are mostly quoted speech count for neither rule, since independent reports repeat quotes;
    except that ``passage_quoted_sentences`` or more quoted sentences aligned that closely are a
    copied passage too (a report rarely repeats four of another's quotes word for word).

    Fitted on real same-story text, the tuning half of ``bench/bench_partial.py``: documents of 8
    MRPC sentence pairs (``../shared/data/mrpc-train.jsonl``, human-judged pairs from news of one
    event). Label 0 ("related, not equivalent") documents align at a mean similarity of 0.64
    (median; 90% below 0.70): ``derived_similarity`` 0.65 called 24 of 80 of them derived, 0.72
    four, 0.75 one (spun copies stay above 0.89 even with 42% of words replaced). Single label-0
    sentence pairs reach 0.85 in 1.6% of pairs (0.9 in 0.6%), so two such sentences outside
    quotes make a passage; a verbatim or lightly spun passage aligns at 0.92 to 1.0."""

    derived_coverage: float = 0.45
    derived_similarity: float = 0.75
    min_aligned: int = 2
    same_story_facts: float = 0.2
    same_story_min_facts: int = 5
    paraphrase_facts: float = 0.72
    paraphrase_min_facts: int = 8
    paraphrase_content: float = 0.42
    passage_similarity: float = 0.85
    passage_min_sentences: int = 2
    passage_min_words: int = 30
    passage_quoted_sentences: int = 4


def fact_overlap(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two fact sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def content_words(tokens: list[Token]) -> set[str]:
    """Lower-case alphabetic words longer than three letters (the vocabulary of a text)."""
    return {t.norm for t in tokens if len(t.norm) > 3 and t.norm.isalpha()}


def classify(report: AlignmentReport, shared_facts: float, n_shared_facts: int, content_overlap: float, *,
             params: RelationParams | None = None, semantic: SemanticAlignment | None = None,
             semantic_params: SemanticParams | None = None) -> tuple[str | None, float]:
    """(relation, score) for one input/source pair; relation is None when they are unrelated.

    Scores: derived pairs land in 0.5..1 (coverage times similarity), same-story pairs in
    0..0.5 (shared facts), so a derived match always ranks above a same-story one.
    ``semantic``: the sentence-vector alignment of the pair (``unspin.core.semantic``), when
    the semantic path is on; a paraphrase it finds (``is_paraphrase`` with ``semantic_params``)
    is ``derived`` with a score in 0.5..0.75, below copies that line up word by word. Without
    it the rules are those of the skeleton alignment alone.
    """
    p = params or RelationParams()
    coverage, n_aligned, similarity = unquoted_alignment(report)
    if coverage >= p.derived_coverage and n_aligned >= p.min_aligned and similarity >= p.derived_similarity:
        return DERIVED, 0.5 + 0.5 * min(1.0, coverage * (0.5 + 0.5 * similarity))
    passage = copied_passage(report, params=p)
    if passage is not None:
        share, similarity = passage
        return DERIVED, 0.5 + 0.5 * min(1.0, share * (0.5 + 0.5 * similarity))
    if semantic is not None and is_paraphrase(semantic, params=semantic_params):
        return DERIVED, 0.5 + 0.25 * min(1.0, semantic.share * (0.5 + 0.5 * semantic.mean_similarity))
    if (shared_facts >= p.paraphrase_facts and n_shared_facts >= p.paraphrase_min_facts
            and content_overlap >= p.paraphrase_content):
        return DERIVED, 0.5 + 0.25 * min(1.0, shared_facts * content_overlap + report.coverage)
    if shared_facts >= p.same_story_facts and n_shared_facts >= p.same_story_min_facts:
        return SAME_STORY, min(0.49, 0.5 * max(shared_facts, report.coverage))
    return None, 0.0


def copied_passage(report: AlignmentReport, *, params: RelationParams | None = None) -> tuple[float, float] | None:
    """(share, mean similarity) of the strongly aligned sentences when they make a copied
    passage (``RelationParams``: enough sentences and words at ``passage_similarity``, quoted
    speech not counted), else ``None``. ``share`` is the larger of the shares of the input's and
    of the source's words that the passage covers: containment both ways."""
    p = params or RelationParams()
    strong = [(a.similarity, n_in, n_src, quoted) for a, (n_in, n_src, quoted)
              in zip(report.alignments, report.sizes, strict=True) if a.similarity >= p.passage_similarity]
    n_quoted = sum(q for *_x, q in strong)
    if n_quoted < p.passage_quoted_sentences:  # a few shared quotes are what same-story reports share
        strong = [s for s in strong if not s[3]]
    words = sum(n for _s, n, _m, _q in strong)
    if len(strong) < p.passage_min_sentences or words < p.passage_min_words:
        return None
    share = max(words / report.input_words if report.input_words else 0.0,
                sum(m for _s, _n, m, _q in strong) / report.source_words if report.source_words else 0.0)
    return share, sum(sim for sim, _n, _m, _q in strong) / len(strong)


def unquoted_alignment(report: AlignmentReport) -> tuple[float, int, float]:
    """(coverage, number, mean similarity) of the alignments whose input sentence is not mostly
    quoted speech: what the writing of two texts shares, beyond the quotes that independent
    reports of one story repeat word for word. Equals the report's own figures without quotes."""
    kept = [(a.similarity, n_in) for a, (n_in, _n_src, quoted) in zip(report.alignments, report.sizes, strict=True)
            if not quoted]
    if len(kept) == len(report.alignments):
        return report.coverage, len(report.alignments), report.mean_similarity
    words = sum(n for _s, n in kept)
    coverage = words / report.input_words if report.input_words else 0.0
    return coverage, len(kept), sum(s for s, _n in kept) / len(kept) if kept else 0.0
