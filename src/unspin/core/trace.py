"""Trace one text against candidate sources: the pure part of ``unspin trace``.

The engine (local index, Spark) finds candidates by LSH band keys; this module verifies each by
alignment, classifies the relation, and builds the evidence. It does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

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


#: A text's encoded passages, or a function that computes them when first needed.
LazyEncoded = EncodedText | Callable[[], EncodedText]


def _force(value: LazyEncoded | None, text: str, semantic: SemanticPath) -> EncodedText:
    if value is None:
        return encode_passages(text, semantic.encoder)
    return value if isinstance(value, EncodedText) else value()


def match_source(text: str, tokens: list[Token], source_id: str, source_text: str, *,
                 params: RelationParams | None = None, input_facts: set[str] | None = None,
                 verified: Match | None = None, semantic: SemanticPath | None = None,
                 input_passages: LazyEncoded | None = None,
                 source_passages: LazyEncoded | None = None) -> Match | None:
    """Verify one candidate source; ``None`` when the two texts are unrelated.

    The match always reads input -> source: its offsets, substitutions and ``restored`` text
    index ``text`` on the input side and ``source_text`` on the source side.
    ``verified``: the match of the other direction (``source_text`` traced to ``text``), when
    the pair was verified from that side. Its relation and score are kept (never ``None``)
    if this direction's own verdict differs, for example a copy that takes only part of a
    longer source; the evidence is still this direction's alignment.
    ``semantic``: the semantic path, when on. A pair the skeleton alignment does not call a
    copy has its sentences aligned by vector too (``input_passages``/``source_passages``: each
    text's ``encode_passages``, or a function giving it, when the caller has them), and a
    paraphrase found that way is ``derived`` with the vector-aligned sentences as its
    alignments, no substitutions (its differences are rewording, not swaps) and the input as
    its ``restored`` text (``stats``: ``semantic_sentences``, ``semantic_share``).
    """
    src_tokens = tokenize(source_text)
    report = align(text, tokens, source_text, src_tokens)
    in_facts = input_facts if input_facts is not None else facts(tokens)
    src_facts = facts(src_tokens)
    shared = fact_overlap(in_facts, src_facts)
    vocab = fact_overlap(content_words(tokens), content_words(src_tokens))
    n_shared = len(in_facts & src_facts)
    relation, score = classify(report, shared, n_shared, vocab, params=params)
    sem: SemanticAlignment | None = None
    by_vectors = False
    if semantic is not None and relation != DERIVED:
        # The vector rule comes after the copy rules (``classify``): it is read only when they
        # do not call the pair a copy, and the verdict is what ``classify`` gives with it.
        sem = semantic_alignment(_force(input_passages, text, semantic),
                                 _force(source_passages, source_text, semantic), params=semantic.params)
        relation, score = classify(report, shared, n_shared, vocab, params=params, semantic=sem,
                                   semantic_params=semantic.params)
        by_vectors = is_paraphrase(sem, params=semantic.params)  # what ``classify`` read before the facts rule
    if verified is not None and relation != verified.relation:
        relation, score = verified.relation, verified.score
    if relation is None:
        return None
    derived = relation == DERIVED
    by_vectors = by_vectors and derived
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


class PassageCache:
    """The encoded passages of the texts of one trace call, each computed on first use: from
    the vectors an index stored for a source (``stored``: source id -> its vectors or ``None``;
    ``encoded_from_vectors``), else by the encoder. Not shared between calls."""

    def __init__(self, encoder: SentenceEncoder, stored: Callable[[str], np.ndarray | None] | None = None) -> None:
        self._encoder = encoder
        self._stored = stored
        self._sources: dict[str, EncodedText] = {}

    def source(self, source_id: str, text: str) -> EncodedText:
        """The passages of a candidate source (memoised by id)."""
        found = self._sources.get(source_id)
        if found is None:
            vecs = self._stored(source_id) if self._stored is not None else None
            found = encoded_from_vectors(text, vecs) if vecs is not None else None
            if found is None:
                found = encode_passages(text, self._encoder)
            self._sources[source_id] = found
        return found


def prefilter_profiles(texts: Sequence[str]) -> list[Profile]:
    """The prefilter's view of each text (``trace_text`` computes it for its input and its
    candidates; a batch engine may compute it for many texts at once and pass it in)."""
    return profile_texts(texts, shingle=_PREFILTER_SHINGLE)


def trace_text(text: str, candidates: Iterable[tuple[str, str]], *, id: str = "-", top: int = TOP_MATCHES,
               params: RelationParams | None = None,
               profiles: Sequence[Profile] | None = None, semantic: SemanticPath | None = None,
               similar: Collection[str] = (), own: EncodedText | None = None,
               cache: PassageCache | None = None) -> TraceResult:
    """Rank ``candidates`` ((source id, source text) pairs) as sources of ``text``.

    A cheap prefilter (skeleton-shingle and fact overlap) drops candidates that can be neither
    a copy nor a same-story report; the rest are verified by alignment, and unrelated ones are
    dropped too. Matches are ordered by score (derived before same-story), ties by source id,
    and cut to ``top``. ``profiles``: ``prefilter_profiles([text, *candidate texts])`` when the
    caller has them already (the result is the same). ``semantic``: the semantic path, when on
    (``match_source``); a candidate named in ``similar`` (the semantic path's own, from
    ``unspin.core.semantic.rank_semantic``) that the prefilter drops is still verified when its
    sentences make a paraphrase of the input's by vector (``is_paraphrase``). ``own``: the input's
    ``encode_passages``, and ``cache``: the candidates', when the caller has them (the result
    is the same).
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
    passages = cache if cache is not None or semantic is None else PassageCache(semantic.encoder)
    mine: list[EncodedText] = [own] if own is not None else []

    def input_passages() -> EncodedText:
        if not mine and semantic is not None:
            mine.append(encode_passages(text, semantic.encoder))
        return mine[0]

    query = profiles[0]
    matches = []
    n = verified = 0
    for (source_id, source_text), prof in zip(sources, profiles[1:], strict=True):
        n += 1
        if (_jaccard(query.shingles, prof.shingles) < _PREFILTER_SKELETON
                and _jaccard(query.facts, prof.facts) < p.same_story_facts
                and not (semantic is not None and passages is not None and source_id in similar
                         and is_paraphrase(semantic_alignment(input_passages(), passages.source(source_id, source_text),
                                                              params=semantic.params), params=semantic.params))):
            continue
        verified += 1
        if tokens is None:
            tokens = tokenize(text)
            in_facts = facts(tokens)
        theirs = partial(passages.source, source_id, source_text) if passages is not None else None
        m = match_source(text, tokens, source_id, source_text, params=p, input_facts=in_facts,
                         semantic=semantic, input_passages=input_passages if semantic is not None else None,
                         source_passages=theirs)
        if m is not None:
            matches.append(m)
    matches.sort(key=lambda m: (-m.score, m.source_id))
    return TraceResult(id=id, matches=tuple(matches[:top]),
                       stats={"candidates": float(n), "verified": float(verified)})


def trace_texts(queries: Sequence[tuple[str, str, Sequence[tuple[str, str]]]], *, top: int = TOP_MATCHES,
                params: RelationParams | None = None, semantic: SemanticPath | None = None,
                stored: Callable[[str], np.ndarray | None] | None = None,
                similar: Sequence[Collection[str]] | None = None,
                encoded: Sequence[EncodedText] | None = None) -> list[TraceResult]:
    """``trace_text`` for each (id, text, candidates) of a batch, with the prefilter profiles of
    every query and every distinct candidate (by source id) computed in one call: the same
    results, without the per-call cost of the batched fingerprint path. With ``semantic``:
    ``similar`` holds each query's semantic candidates (``trace_text``), ``encoded`` each
    query's ``encode_passages`` when the caller has them, and a candidate's passages are read
    from the vectors ``stored`` returns for its id when it returns some (``PassageCache``; the
    same vectors, rounded alike), else encoded when first needed."""
    texts: dict[str, str] = {}
    for _id, _text, cands in queries:
        for source_id, source_text in cands:
            texts.setdefault(source_id, source_text)
    profiles = prefilter_profiles([text for _id, text, _c in queries] + list(texts.values()))
    by_id = dict(zip(texts, profiles[len(queries) :], strict=True))
    cache = PassageCache(semantic.encoder, stored) if semantic is not None else None
    if semantic is not None and encoded is None:
        encoded = encode_texts([text for _id, text, _c in queries], semantic.encoder)
    own: Sequence[EncodedText | None] = encoded if encoded is not None else [None] * len(queries)
    near: Sequence[Collection[str]] = similar if similar is not None else [()] * len(queries)
    if len(own) != len(queries) or len(near) != len(queries):
        raise ValueError(f"expected one encoded text and one set of semantic candidates per query ({len(queries)})")
    return [trace_text(text, cands, id=qid, top=top, params=params, profiles=[prof] + [by_id[c] for c, _t in cands],
                       semantic=semantic, similar=sim, own=enc, cache=cache)
            for (qid, text, cands), prof, enc, sim in zip(queries, profiles[: len(queries)], own, near, strict=True)]
