"""The semantic path: passage vectors for paraphrased copies, found by nearest neighbour and
told apart from independent reports of the same story by sentence-to-sentence alignment.

A human paraphrase keeps a source's meaning sentence by sentence but few of its word runs, so
neither the skeleton bands nor the winnowed content-word hashes find it. What it keeps is
*what each sentence says*: each of its sentences has a source sentence with nearly the same
vector. Two independent reports of one event share names, numbers and quotes, but their
sentences say different things in a different order, so few of them have such a twin.

* A **passage** is one sentence (``unspin.text.sentence_spans``) with its double-quoted spans
  blanked out: quoted speech is what independent reports repeat word for word, evidence of the
  same story and not of copying, so it counts for nothing here. A sentence that is mostly quoted
  (half of its characters or more) is not a passage at all.
* A passage's **vector** is a sentence vector of an encoder (``SentenceEncoder``; unspin's is
  the static ``wordllama`` token embeddings averaged, ``unspin.lexicon.vectors``), unit length.
  The index stores each document's passage vectors as float16 (``pack_vectors``).
* **Candidates** (``rank_semantic``): each query passage votes for the documents of its
  ``neighbours`` nearest stored passages with a cosine of at least ``candidate_similarity``, with
  its best cosine in each; a document's score is the sum of its votes. Cosines of the first
  ``search_dims`` dimensions (renormalised), exact (brute force) over the vectors given: an
  approximate index would only have to return the same neighbours. Time and memory grow
  linearly with the stored passages (``bench/bench_semantic.py``).
* **Relation** (``semantic_alignment``): input and source sentences are paired one to one,
  greedily by descending cosine; the pairs at ``sentence_similarity`` or more are the aligned
  sentences. ``unspin.core.relation.classify`` calls a pair ``derived`` when at least
  ``min_sentences`` align and cover ``min_share`` of the input's words or of the source's.

Engines: the local ``Index`` (and through it ``scan``'s local engine, the worker pool and
``serve``) runs this module with ``TraceConfig.semantic``; the Spark engine refuses the option.
Pure functions; the encoder is passed in. Vectors are static: word order is invisible to them,
so a sentence and its scrambled words align; the rule leans on *many* sentences aligning, which
scrambled or same-topic text does not give.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from unspin.core.align import quoted_spans
from unspin.text import sentence_spans

#: Nearest stored passages each query passage looks at.
NEIGHBOURS = 10
#: Lowest cosine between a query passage and a stored passage that votes for its document.
#: Sentences of unrelated news have a median cosine of 0.02 (99th percentile 0.22) and
#: same-story MRPC sentences judged "not equivalent" a median of 0.72 (``mrpc-train.jsonl``,
#: tuning half): the vote only brings candidates up, verification decides.
CANDIDATE_SIMILARITY = 0.7
#: Dimensions the candidate search reads: the first 64 of each vector, renormalised. WordLlama
#: trains its embeddings so that a prefix is an embedding itself (Matryoshka representations),
#: and the search only proposes candidates (the relation reads every dimension): 4 times less
#: arithmetic and memory than all 256 (``bench/bench_semantic.py`` measures both).
SEARCH_DIMS = 64
#: Semantic candidates verified per query, beside the band and containment candidates.
SEMANTIC_LIMIT = 5
#: Cosine at or above which two sentences count as one said twice, and the number and share of
#: such sentences that make a paraphrase. Chosen on tuning data only: every MRPC document of
#: ``bench/bench_partial.py``'s tuning half (8 sentence pairs each; side 2 against side 1: 84
#: label-0 "same story, not equivalent" documents, 174 label-1 human paraphrases) and
#: ``bench/fixtures/paraphrase.jsonl``/``same_story.jsonl``: the loosest setting that calls no
#: label-0 document a paraphrase. At 0.88 with 3 sentences and 30%: 0 of 84 label-0 and 70 of
#: 174 label-1 documents (at 0.86: 6 and 94; at 0.90: 0 and 43); no same-story fixture at any
#: of them. Static vectors separate MRPC's labels only so far (sentence-pair AUC 0.71): label-0
#: pairs are often one sentence with a clause added or dropped.
SENTENCE_SIMILARITY = 0.88
MIN_SENTENCES = 3
MIN_SHARE = 0.3
#: Dimensions of the stored vectors (wordllama's ``l2_supercat_256``: all of them).
VECTOR_DIM = 256
#: Version of the passage definition and vector encoding; recorded with the vectors in an index.
VECTOR_FORMAT = 1


class SentenceEncoder(Protocol):
    """Texts to unit-length sentence vectors (float32 rows, zeros for a text with no tokens)."""

    @property
    def dim(self) -> int: ...

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class SemanticParams:
    """The semantic path's settings (``TraceConfig.semantic``; all read at query time).

    Candidates: ``neighbours`` nearest stored passages per query passage by the cosine of their
    first ``search_dims`` dimensions, counted from a cosine of ``candidate_similarity``; at most
    ``limit`` semantic candidates per query. Relation: two sentences at ``sentence_similarity``
    or more (all dimensions) are the same sentence reworded, and ``min_sentences`` of them
    covering ``min_share`` of the input's or the source's words make
    a ``derived`` paraphrase. Defaults: the module constants."""

    neighbours: int = NEIGHBOURS
    search_dims: int = SEARCH_DIMS
    candidate_similarity: float = CANDIDATE_SIMILARITY
    limit: int = SEMANTIC_LIMIT
    sentence_similarity: float = SENTENCE_SIMILARITY
    min_sentences: int = MIN_SENTENCES
    min_share: float = MIN_SHARE

    def __post_init__(self) -> None:
        for name in ("neighbours", "search_dims", "limit", "min_sentences"):
            value = getattr(self, name)
            if isinstance(value, bool) or value < 1:
                raise ValueError(f"semantic.{name} must be at least 1, got {value!r}")
        for name in ("candidate_similarity", "sentence_similarity", "min_share"):
            value = getattr(self, name)
            if isinstance(value, bool) or not -1.0 <= value <= 1.0:
                raise ValueError(f"semantic.{name} must be between -1 and 1, got {value!r}")


def vector_params(encoder: SentenceEncoder) -> dict[str, int]:
    """What an index records about its stored vectors: passages of another format or another
    dimension never mix."""
    return {"vector_format": VECTOR_FORMAT, "dim": encoder.dim}


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence: its span in the text, the text the encoder reads (quoted spans blanked),
    its words, and whether it is mostly quoted speech (then it is no passage)."""

    start: int
    end: int
    text: str
    words: int
    quoted: bool


def passages(text: str) -> list[Passage]:
    """The sentences of ``text`` as passages (see the module docstring), in order."""
    quotes = quoted_spans(text)
    out = []
    for a, b in sentence_spans(text):
        chars = list(text[a:b])
        inside = 0
        for qa, qe in quotes:
            lo, hi = max(a, qa), min(b, qe)
            if lo < hi:
                inside += hi - lo
                chars[lo - a : hi - a] = " " * (hi - lo)
        out.append(Passage(a, b, "".join(chars), len(text[a:b].split()), 2 * inside >= b - a))
    return out


def passage_vectors(texts: Sequence[str], encoder: SentenceEncoder) -> list[np.ndarray]:
    """For each text, the float32 vectors of its passages that count (not mostly quoted, with
    tokens; rows in text order): what an index stores (as ``pack_vectors``) and searches. One
    encoder call for the whole batch."""
    return [e.vectors for e in encode_texts(texts, encoder)]


def pack_vectors(vectors: np.ndarray) -> bytes:
    """Rows as little-endian float16 bytes (what a store keeps: 2 bytes a dimension)."""
    return np.ascontiguousarray(vectors, dtype="<f2").tobytes()


def unpack_vectors(blob: bytes, dim: int) -> np.ndarray:
    """Inverse of ``pack_vectors`` (float16 rows of ``dim``); ``ValueError`` for a blob that
    is not whole rows."""
    if len(blob) % (2 * dim):
        raise ValueError(f"a vector blob of {len(blob)} bytes is not whole rows of {dim} float16 values")
    return np.frombuffer(blob, dtype="<f2").reshape(-1, dim)


def _prefix(matrix: np.ndarray, dims: int) -> np.ndarray:
    """The first ``dims`` columns of ``matrix`` as unit rows (float32; zero rows stay zero)."""
    head = np.asarray(matrix[:, :dims], dtype=np.float32)
    norms = np.linalg.norm(head, axis=1, keepdims=True)
    out: np.ndarray = head / np.where(norms > 0, norms, 1.0)
    return out


@dataclass(frozen=True)
class VectorTable:
    """Every stored passage vector of an index, ready to search: ``matrix`` (float16 rows, as
    stored), ``owner`` (the document number of each row), ``ids`` (document ids by number),
    ``rows`` (id -> its first and end row) and ``search``: the first ``search_dims`` columns of
    ``matrix`` renormalised, float32, what ``rank_semantic`` multiplies. Immutable once built;
    ``from_blobs`` builds it from (id, packed vectors) pairs. Memory: 2 bytes per dimension
    and 4 per search dimension, per passage."""

    ids: tuple[str, ...]
    owner: np.ndarray
    matrix: np.ndarray
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    search_dims: int = 0
    search: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    @classmethod
    def from_blobs(cls, rows: Iterable[tuple[str, bytes]], dim: int, *,
                   search_dims: int = 0) -> VectorTable:
        """The table of (id, ``pack_vectors`` blob) rows of ``dim`` dimensions (empty blobs
        skipped); ``search_dims`` (0: all) columns are searched."""
        ids: list[str] = []
        blocks: list[np.ndarray] = []
        for doc_id, blob in rows:
            vecs = unpack_vectors(blob, dim)
            if len(vecs):
                ids.append(doc_id)
                blocks.append(vecs)
        matrix = np.concatenate(blocks) if blocks else np.zeros((0, dim), dtype=np.float16)
        return cls.from_matrix(ids, [len(b) for b in blocks], matrix, search_dims=search_dims)

    @classmethod
    def from_matrix(cls, ids: Sequence[str], sizes: Sequence[int], matrix: np.ndarray, *,
                    search_dims: int = 0) -> VectorTable:
        """The table of ``matrix``'s rows (stored as float16), the first ``sizes[k]`` of them
        ``ids[k]``'s, the next ones the next id's; ``search_dims`` (0: all) columns searched."""
        if sum(sizes) != len(matrix) or len(sizes) != len(ids):
            raise ValueError(f"{len(ids)} ids of {sum(sizes)} rows in all do not describe {len(matrix)} rows")
        stored = np.asarray(matrix, dtype=np.float16)
        owner = np.repeat(np.arange(len(ids), dtype=np.int64), sizes)
        ends = np.cumsum(sizes).tolist()
        spans = {i: (int(e) - n, int(e)) for i, n, e in zip(ids, sizes, ends, strict=True)}
        dims = min(search_dims or stored.shape[1], stored.shape[1])
        return cls(tuple(ids), owner, stored, spans, dims, _prefix(stored, dims))

    def vectors_of(self, doc_id: str) -> np.ndarray | None:
        """The stored vectors of one document (float32 rows), or ``None`` when it has none."""
        span = self.rows.get(doc_id)
        return None if span is None else self.matrix[span[0] : span[1]].astype(np.float32)

    def __len__(self) -> int:
        return int(self.matrix.shape[0])


def rank_semantic(query: np.ndarray, table: VectorTable, *, params: SemanticParams | None = None,
                  exclude: str | None = None) -> list[tuple[str, float]]:
    """(document id, score) of the documents worth verifying as sources of a text whose passage
    vectors are ``query``, best first, ties by id, at most ``params.limit``: each query passage
    gives each document among its ``neighbours`` nearest passages (cosine at least
    ``candidate_similarity``; ``exclude``'s passages skipped) its best cosine there, and a
    document's score is the sum. Cosines are those of the first ``search_dims`` dimensions
    (renormalised); the nearest neighbours by them are exact (brute force, float32)."""
    p = params if params is not None else SemanticParams()
    if not len(query) or not len(table):
        return []
    dims = min(p.search_dims, table.matrix.shape[1])
    search = table.search if table.search_dims == dims else _prefix(table.matrix, dims)
    sims = _prefix(np.asarray(query), dims) @ search.T
    if exclude is not None and exclude in table.rows:
        a, b = table.rows[exclude]
        sims[:, a:b] = -2.0
    # The passages at the floor or above, then each query passage's ``neighbours`` best of them
    # (ties: the earlier stored passage): the top ``neighbours`` cut at the floor, without a partition
    # of every row.
    q_row, col = np.nonzero(sims >= p.candidate_similarity)
    val = sims[q_row, col]
    order = np.lexsort((col, -val, q_row))
    q_row, col, val = q_row[order], col[order], val[order]
    first = np.searchsorted(q_row, q_row, side="left")
    keep = np.arange(len(q_row)) - first < p.neighbours
    q_row, docs, cos = q_row[keep], table.owner[col[keep]], val[keep].astype(np.float64)
    scores: dict[int, float] = {}
    seen: dict[tuple[int, int], float] = {}
    for r, d, c in zip(q_row.tolist(), docs.tolist(), cos.tolist(), strict=True):
        seen[(r, d)] = max(seen.get((r, d), -2.0), c)
    for (_r, d), c in sorted(seen.items()):
        scores[d] = scores.get(d, 0.0) + c
    return heapq.nsmallest(p.limit, ((table.ids[d], round(s, 6)) for d, s in scores.items()),
                           key=lambda kv: (-kv[1], kv[0]))


@dataclass(frozen=True, slots=True)
class SemanticAlignment:
    """Sentences of an input paired one to one with sentences of a source by vector.

    ``pairs``: (input passage, source passage, cosine) at ``sentence_similarity`` or more, best
    first; ``input_words``/``source_words``: the words of each text (all sentences, quoted ones
    too); ``aligned_input_words``/``aligned_source_words``: the words of the paired sentences
    (words: whitespace-separated, ``Passage.words``)."""

    pairs: tuple[tuple[Passage, Passage, float], ...]
    input_words: int
    source_words: int

    @property
    def aligned_input_words(self) -> int:
        return sum(a.words for a, _b, _s in self.pairs)

    @property
    def aligned_source_words(self) -> int:
        return sum(b.words for _a, b, _s in self.pairs)

    @property
    def share(self) -> float:
        """The larger of the shares of the input's and of the source's words in paired
        sentences: containment both ways, as for a copied passage."""
        return max(self.aligned_input_words / self.input_words if self.input_words else 0.0,
                   self.aligned_source_words / self.source_words if self.source_words else 0.0)

    @property
    def mean_similarity(self) -> float:
        return sum(s for _a, _b, s in self.pairs) / len(self.pairs) if self.pairs else 0.0


@dataclass(frozen=True, slots=True)
class EncodedText:
    """The passages of a text that count (not mostly quoted, with tokens), their vectors (float32
    rows, same order) and the words of the whole text (quoted sentences too)."""

    passages: tuple[Passage, ...]
    vectors: np.ndarray
    words: int


def encode_passages(text: str, encoder: SentenceEncoder) -> EncodedText:
    """``text``'s passages that count and their vectors (one encoder call)."""
    return encode_texts([text], encoder)[0]


def encode_texts(texts: Sequence[str], encoder: SentenceEncoder) -> list[EncodedText]:
    """``encode_passages`` of each text, with one encoder call for the whole batch."""
    every = [passages(t) for t in texts]
    kept = [[p for p in e if not p.quoted and p.text.strip()] for e in every]
    # Rounded to float16 as an index stores them: a stored document and the same text encoded
    # afresh align alike (``encoded_from_vectors``).
    flat = encoder.sentence_vectors([p.text for k in kept for p in k]).astype(np.float16).astype(np.float32)
    out = []
    at = 0
    for e, k in zip(every, kept, strict=True):
        vecs = flat[at : at + len(k)]
        at += len(k)
        has = np.linalg.norm(vecs, axis=1) > 0
        out.append(EncodedText(tuple(p for p, h in zip(k, has, strict=True) if h), vecs[has],
                               sum(p.words for p in e)))
    return out


def encoded_from_vectors(text: str, vectors: np.ndarray) -> EncodedText | None:
    """``encode_passages(text, encoder)`` rebuilt from the vectors an index stored for ``text``
    (``passage_vectors``, float16), without the encoder; ``None`` when the rows do not match the
    passages (then encode afresh)."""
    every = passages(text)
    kept = tuple(p for p in every if not p.quoted and p.text.strip())
    if len(kept) != len(vectors):
        return None
    return EncodedText(kept, np.asarray(vectors, dtype=np.float32), sum(p.words for p in every))


def semantic_alignment(inp: EncodedText, src: EncodedText, *,
                       params: SemanticParams | None = None) -> SemanticAlignment:
    """Pair the passages of an input with those of a source one to one, greedily by descending
    cosine (ties: earlier input, then earlier source sentence), and keep the pairs at
    ``params.sentence_similarity`` or more. Word counts are whitespace-separated words."""
    p = params if params is not None else SemanticParams()
    if not inp.passages or not src.passages:
        return SemanticAlignment((), inp.words, src.words)
    sims = inp.vectors @ src.vectors.T
    rows, cols = np.nonzero(sims >= p.sentence_similarity)
    order = sorted(zip(rows.tolist(), cols.tolist(), strict=True), key=lambda ij: (-float(sims[ij]), ij[0], ij[1]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for i, j in order:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((inp.passages[i], src.passages[j], round(float(sims[i, j]), 4)))
    return SemanticAlignment(tuple(pairs), inp.words, src.words)


def is_paraphrase(alignment: SemanticAlignment, *, params: SemanticParams | None = None) -> bool:
    """Whether the aligned sentences make a paraphrased copy (``SemanticParams``: at least
    ``min_sentences`` of them, covering ``min_share`` of either text's words)."""
    p = params if params is not None else SemanticParams()
    return len(alignment.pairs) >= p.min_sentences and alignment.share >= p.min_share
