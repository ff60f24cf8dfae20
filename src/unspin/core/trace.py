"""Trace one text against candidate sources: the pure part of ``unspin trace``.

The engine (local index, Spark) finds candidates by LSH band keys; this module verifies each by
alignment, classifies the relation, and builds the evidence. It does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from unspin.core.align import align, restore_from_source
from unspin.core.fingerprint import facts
from unspin.core.relation import DERIVED, RelationParams, classify, content_words, fact_overlap
from unspin.core.results import Match, TraceResult
from unspin.core.text import Token, tokenize


def match_source(text: str, tokens: list[Token], source_id: str, source_text: str, *,
                 params: RelationParams | None = None, input_facts: set[str] | None = None) -> Match | None:
    """Verify one candidate source; ``None`` when the two texts are unrelated."""
    src_tokens = tokenize(source_text)
    report = align(text, tokens, source_text, src_tokens)
    in_facts = input_facts if input_facts is not None else facts(tokens)
    src_facts = facts(src_tokens)
    shared = fact_overlap(in_facts, src_facts)
    vocab = fact_overlap(content_words(tokens), content_words(src_tokens))
    relation, score = classify(report, shared, len(in_facts & src_facts), vocab, params=params)
    if relation is None:
        return None
    derived = relation == DERIVED
    subs = report.substitutions if derived else ()
    return Match(
        source_id=source_id,
        relation=relation,
        score=score,
        coverage=report.coverage,
        alignments=report.alignments,
        substitutions=subs,
        restored=restore_from_source(text, subs) if derived else text,
        stats={"shared_facts": shared, "shared_vocabulary": vocab, "copied_words": float(report.copied_words),
               "mean_similarity": report.mean_similarity},
    )


def trace_text(text: str, candidates: Iterable[tuple[str, str]], *, id: str = "-", top: int = 5,
               params: RelationParams | None = None) -> TraceResult:
    """Rank ``candidates`` ((source id, source text) pairs) as sources of ``text``.

    Every candidate is verified by alignment; unrelated ones are dropped. Matches are ordered
    by score (derived before same-story), ties by source id, and cut to ``top``.
    """
    tokens = tokenize(text)
    in_facts = facts(tokens)
    matches = []
    n = 0
    for source_id, source_text in candidates:
        n += 1
        m = match_source(text, tokens, source_id, source_text, params=params, input_facts=in_facts)
        if m is not None:
            matches.append(m)
    matches.sort(key=lambda m: (-m.score, m.source_id))
    return TraceResult(id=id, matches=tuple(matches[:top]), stats={"candidates": float(n)})
