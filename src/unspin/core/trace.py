"""Trace one text against candidate sources: the pure part of ``unspin trace``.

The engine (local index, Spark) finds candidates by LSH band keys; this module verifies each by
alignment, classifies the relation, and builds the evidence. It does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from unspin.core.align import align, restore_from_source
from unspin.core.fingerprint import Profile, facts, profile_texts
from unspin.core.relation import DERIVED, RelationParams, classify, content_words, fact_overlap
from unspin.core.results import Match, TraceResult
from unspin.defaults import TOP_MATCHES
from unspin.text import Token, tokenize


def match_source(text: str, tokens: list[Token], source_id: str, source_text: str, *,
                 params: RelationParams | None = None, input_facts: set[str] | None = None,
                 verified: Match | None = None) -> Match | None:
    """Verify one candidate source; ``None`` when the two texts are unrelated.

    The match always reads input -> source: its offsets, substitutions and ``restored`` text
    index ``text`` on the input side and ``source_text`` on the source side.
    ``verified``: the match of the other direction (``source_text`` traced to ``text``), when
    the pair was verified from that side. Its relation and score are kept (never ``None``)
    if this direction's own verdict differs, for example a copy that takes only part of a
    longer source; the evidence is still this direction's alignment.
    """
    src_tokens = tokenize(source_text)
    report = align(text, tokens, source_text, src_tokens)
    in_facts = input_facts if input_facts is not None else facts(tokens)
    src_facts = facts(src_tokens)
    shared = fact_overlap(in_facts, src_facts)
    vocab = fact_overlap(content_words(tokens), content_words(src_tokens))
    relation, score = classify(report, shared, len(in_facts & src_facts), vocab, params=params)
    if verified is not None and relation != verified.relation:
        relation, score = verified.relation, verified.score
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
               "mean_similarity": report.mean_similarity, "source_coverage": report.source_coverage},
    )


# Shingle size of the prefilter's skeleton comparison (independent of the index parameters).
_PREFILTER_SHINGLE = 4
# A candidate sharing less than this share of skeleton shingles with the input cannot be a copy
# (copies keep 0.5 and more, even 70% spun or cut to half); it is verified only if it shares
# enough facts to be a same-story report or a paraphrase.
_PREFILTER_SKELETON = 0.05


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted arrays of distinct values."""
    union = a.size + b.size
    if not union:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (union - inter)


def prefilter_profiles(texts: Sequence[str]) -> list[Profile]:
    """The prefilter's view of each text (``trace_text`` computes it for its input and its
    candidates; a batch engine may compute it for many texts at once and pass it in)."""
    return profile_texts(texts, shingle=_PREFILTER_SHINGLE)


def trace_text(text: str, candidates: Iterable[tuple[str, str]], *, id: str = "-", top: int = TOP_MATCHES,
               params: RelationParams | None = None,
               profiles: Sequence[Profile] | None = None) -> TraceResult:
    """Rank ``candidates`` ((source id, source text) pairs) as sources of ``text``.

    A cheap prefilter (skeleton-shingle and fact overlap) drops candidates that can be neither
    a copy nor a same-story report; the rest are verified by alignment, and unrelated ones are
    dropped too. Matches are ordered by score (derived before same-story), ties by source id,
    and cut to ``top``. ``profiles``: ``prefilter_profiles([text, *candidate texts])`` when the
    caller has them already (the result is the same).
    """
    p = params or RelationParams()
    tokens: list[Token] | None = None  # tokenised when the first candidate passes the prefilter
    in_facts: set[str] = set()
    sources = list(candidates)
    if profiles is None:
        profiles = prefilter_profiles([text] + [t for _i, t in sources])
    elif len(profiles) != len(sources) + 1:
        raise ValueError(f"expected {len(sources) + 1} profiles (the input's, then each candidate's), "
                         f"got {len(profiles)}")
    query = profiles[0]
    matches = []
    n = verified = 0
    for (source_id, source_text), prof in zip(sources, profiles[1:], strict=True):
        n += 1
        if (_jaccard(query.shingles, prof.shingles) < _PREFILTER_SKELETON
                and _jaccard(query.facts, prof.facts) < p.same_story_facts):
            continue
        verified += 1
        if tokens is None:
            tokens = tokenize(text)
            in_facts = facts(tokens)
        m = match_source(text, tokens, source_id, source_text, params=p, input_facts=in_facts)
        if m is not None:
            matches.append(m)
    matches.sort(key=lambda m: (-m.score, m.source_id))
    return TraceResult(id=id, matches=tuple(matches[:top]),
                       stats={"candidates": float(n), "verified": float(verified)})


def trace_texts(queries: Sequence[tuple[str, str, Sequence[tuple[str, str]]]], *, top: int = TOP_MATCHES,
                params: RelationParams | None = None) -> list[TraceResult]:
    """``trace_text`` for each (id, text, candidates) of a batch, with the prefilter profiles of
    every query and every distinct candidate (by source id) computed in one call: the same
    results, without the per-call cost of the batched fingerprint path."""
    texts: dict[str, str] = {}
    for _id, _text, cands in queries:
        for source_id, source_text in cands:
            texts.setdefault(source_id, source_text)
    profiles = prefilter_profiles([text for _id, text, _c in queries] + list(texts.values()))
    by_id = dict(zip(texts, profiles[len(queries) :], strict=True))
    return [trace_text(text, cands, id=qid, top=top, params=params, profiles=[own] + [by_id[c] for c, _t in cands])
            for (qid, text, cands), own in zip(queries, profiles[: len(queries)], strict=True)]
