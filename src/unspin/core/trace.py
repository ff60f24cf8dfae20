"""Trace one text against candidate sources: the pure part of ``unspin trace``.

The engine (local index, Spark) finds candidates by LSH band keys; this module verifies each by
alignment, classifies the relation, and builds the evidence. It does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from unspin.core.align import align, restore_from_source
from unspin.core.fingerprint import Profile, facts, profile_texts
from unspin.core.relation import DERIVED, RelationParams, classify, content_words, fact_overlap
from unspin.core.results import Alignment, Match, TraceResult
from unspin.core.semantic import (
    EncodedText,
    SemanticAlignment,
    SemanticParams,
    SentenceEncoder,
    encode_passages,
    encode_texts,
    encoded_from_vectors,
    is_paraphrase,
    semantic_alignment,
)
from unspin.defaults import TOP_MATCHES
from unspin.text import Token, tokenize


@dataclass(frozen=True, slots=True)
class SemanticPath:
    """The semantic path of one trace: its settings and the sentence encoder (the same in every
    engine; see ``unspin.core.semantic``)."""

    params: SemanticParams
    encoder: SentenceEncoder


def match_source(text: str, tokens: list[Token], source_id: str, source_text: str, *,
                 params: RelationParams | None = None, input_facts: set[str] | None = None,
                 verified: Match | None = None, semantic: SemanticPath | None = None,
                 input_passages: EncodedText | None = None,
                 source_passages: EncodedText | None = None) -> Match | None:
    """Verify one candidate source; ``None`` when the two texts are unrelated.

    The match always reads input -> source: its offsets, substitutions and ``restored`` text
    index ``text`` on the input side and ``source_text`` on the source side.
    ``verified``: the match of the other direction (``source_text`` traced to ``text``), when
    the pair was verified from that side. Its relation and score are kept (never ``None``)
    if this direction's own verdict differs, for example a copy that takes only part of a
    longer source; the evidence is still this direction's alignment.
    ``semantic``: the semantic path, when on: the pair's sentences are also aligned by vector
    (``input_passages``/``source_passages``: each text's ``encode_passages``, when the caller
    has them), and a
    paraphrase found only that way is ``derived`` with the vector-aligned sentences as its
    alignments, no substitutions (its differences are rewording, not swaps) and the input as
    its ``restored`` text.
    """
    src_tokens = tokenize(source_text)
    report = align(text, tokens, source_text, src_tokens)
    in_facts = input_facts if input_facts is not None else facts(tokens)
    src_facts = facts(src_tokens)
    shared = fact_overlap(in_facts, src_facts)
    vocab = fact_overlap(content_words(tokens), content_words(src_tokens))
    sem: SemanticAlignment | None = None
    if semantic is not None:
        own = input_passages if input_passages is not None else encode_passages(text, semantic.encoder)
        theirs = source_passages if source_passages is not None else encode_passages(source_text, semantic.encoder)
        sem = semantic_alignment(own, theirs, params=semantic.params)
    n_shared = len(in_facts & src_facts)
    relation, score = classify(report, shared, n_shared, vocab, params=params, semantic=sem,
                               semantic_params=semantic.params if semantic is not None else None)
    by_vectors = (sem is not None and relation == DERIVED
                  and classify(report, shared, n_shared, vocab, params=params)[0] != DERIVED)
    if verified is not None and relation != verified.relation:
        relation, score = verified.relation, verified.score
    if relation is None:
        return None
    derived = relation == DERIVED
    subs = report.substitutions if derived and not by_vectors else ()
    stats = {"shared_facts": shared, "shared_vocabulary": vocab, "copied_words": float(report.copied_words),
             "mean_similarity": report.mean_similarity, "source_coverage": report.source_coverage}
    if sem is not None:
        stats["semantic_sentences"] = float(len(sem.pairs))
        stats["semantic_share"] = sem.share
    coverage, alignments = report.coverage, report.alignments
    if by_vectors and sem is not None:
        coverage = sem.aligned_input_words / sem.input_words if sem.input_words else 0.0
        stats["source_coverage"] = sem.aligned_source_words / sem.source_words if sem.source_words else 0.0
        stats["mean_similarity"] = sem.mean_similarity
        alignments = tuple(Alignment(a.start, a.end, b.start, b.end, sim)
                           for a, b, sim in sorted(sem.pairs, key=lambda ab: (ab[0].start, ab[1].start)))
    return Match(
        source_id=source_id,
        relation=relation,
        score=score,
        coverage=coverage,
        alignments=alignments,
        substitutions=subs,
        restored=restore_from_source(text, subs) if derived else text,
        stats=stats,
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


def _semantic_paraphrase(own: EncodedText | None, theirs: EncodedText | None, semantic: SemanticPath | None) -> bool:
    """Whether the semantic path is on and a source (whose passages are ``theirs``) is a
    paraphrase of the input (``own``) by vector alone: such a candidate is verified whatever
    its overlap."""
    if semantic is None or own is None or theirs is None:
        return False
    return is_paraphrase(semantic_alignment(own, theirs, params=semantic.params), params=semantic.params)


def prefilter_profiles(texts: Sequence[str]) -> list[Profile]:
    """The prefilter's view of each text (``trace_text`` computes it for its input and its
    candidates; a batch engine may compute it for many texts at once and pass it in)."""
    return profile_texts(texts, shingle=_PREFILTER_SHINGLE)


def trace_text(text: str, candidates: Iterable[tuple[str, str]], *, id: str = "-", top: int = TOP_MATCHES,
               params: RelationParams | None = None,
               profiles: Sequence[Profile] | None = None, semantic: SemanticPath | None = None,
               encoded: Sequence[EncodedText] | None = None) -> TraceResult:
    """Rank ``candidates`` ((source id, source text) pairs) as sources of ``text``.

    A cheap prefilter (skeleton-shingle and fact overlap) drops candidates that can be neither
    a copy nor a same-story report; the rest are verified by alignment, and unrelated ones are
    dropped too. Matches are ordered by score (derived before same-story), ties by source id,
    and cut to ``top``. ``profiles``: ``prefilter_profiles([text, *candidate texts])`` when the
    caller has them already (the result is the same). ``semantic``: the semantic path, when on
    (``match_source``); a candidate the prefilter drops is still verified when its sentences
    make a paraphrase of the input's by vector (``unspin.core.semantic.is_paraphrase``).
    ``encoded``: ``encode_texts([text, *candidate texts])`` when the caller has them (the
    result is the same).
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
    if semantic is not None and encoded is None:
        encoded = encode_texts([text] + [t for _i, t in sources], semantic.encoder)
    elif encoded is not None and len(encoded) != len(sources) + 1:
        raise ValueError(f"expected {len(sources) + 1} encoded texts, got {len(encoded)}")
    own = encoded[0] if semantic is not None and encoded is not None else None
    query = profiles[0]
    matches = []
    n = verified = 0
    for k, ((source_id, source_text), prof) in enumerate(zip(sources, profiles[1:], strict=True)):
        n += 1
        theirs = encoded[k + 1] if semantic is not None and encoded is not None else None
        if (_jaccard(query.shingles, prof.shingles) < _PREFILTER_SKELETON
                and _jaccard(query.facts, prof.facts) < p.same_story_facts
                and not _semantic_paraphrase(own, theirs, semantic)):
            continue
        verified += 1
        if tokens is None:
            tokens = tokenize(text)
            in_facts = facts(tokens)
        m = match_source(text, tokens, source_id, source_text, params=p, input_facts=in_facts,
                         semantic=semantic, input_passages=own, source_passages=theirs)
        if m is not None:
            matches.append(m)
    matches.sort(key=lambda m: (-m.score, m.source_id))
    return TraceResult(id=id, matches=tuple(matches[:top]),
                       stats={"candidates": float(n), "verified": float(verified)})


def trace_texts(queries: Sequence[tuple[str, str, Sequence[tuple[str, str]]]], *, top: int = TOP_MATCHES,
                params: RelationParams | None = None, semantic: SemanticPath | None = None,
                stored: Callable[[str], np.ndarray | None] | None = None) -> list[TraceResult]:
    """``trace_text`` for each (id, text, candidates) of a batch, with the prefilter profiles of
    every query and every distinct candidate (by source id) computed in one call: the same
    results, without the per-call cost of the batched fingerprint path. With ``semantic``, the
    passages of every text are encoded in one call too, except a candidate's whose vectors
    ``stored`` (source id -> the vectors an index stored for it, or ``None``) returns: those are
    read from it (``encoded_from_vectors``; the same vectors, rounded alike)."""
    texts: dict[str, str] = {}
    for _id, _text, cands in queries:
        for source_id, source_text in cands:
            texts.setdefault(source_id, source_text)
    profiles = prefilter_profiles([text for _id, text, _c in queries] + list(texts.values()))
    by_id = dict(zip(texts, profiles[len(queries) :], strict=True))
    enc: dict[str, EncodedText] = {}
    own_enc: list[EncodedText | None] = [None] * len(queries)
    if semantic is not None:
        for source_id, source_text in texts.items():
            vecs = stored(source_id) if stored is not None else None
            found = encoded_from_vectors(source_text, vecs) if vecs is not None else None
            if found is not None:
                enc[source_id] = found
        fresh = [i for i in texts if i not in enc]
        every = encode_texts([text for _id, text, _c in queries] + [texts[i] for i in fresh], semantic.encoder)
        own_enc = list(every[: len(queries)])
        enc.update(zip(fresh, every[len(queries) :], strict=True))
    return [trace_text(text, cands, id=qid, top=top, params=params, profiles=[own] + [by_id[c] for c, _t in cands],
                       semantic=semantic,
                       encoded=[e, *(enc[c] for c, _t in cands)] if e is not None else None)
            for (qid, text, cands), own, e in zip(queries, profiles[: len(queries)], own_enc, strict=True)]
