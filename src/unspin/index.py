"""The local engine: a persistent, incremental index of reference documents, and tracing
against it. Orchestrates the pure core (tokenise, fingerprint, align, classify) over a
``Store`` (SQLite by default); knows nothing of the CLI or HTTP.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any

from unspin.core.candidates import choose_candidates
from unspin.core.config import TraceConfig
from unspin.core.fingerprint import FORMAT_VERSION, FingerprintParams, MinHasher
from unspin.core.relation import DERIVED
from unspin.core.results import Match, Substitution, TraceResult
from unspin.core.semantic import (
    SentenceEncoder,
    VectorTable,
    encode_texts,
    pack_vectors,
    passage_vectors,
    rank_semantic,
    vector_params,
)
from unspin.core.stopwords import STOPWORDS
from unspin.core.trace import SemanticPath, trace_texts
from unspin.core.winnow import winnow_keys_batch
from unspin.defaults import TOP_MATCHES
from unspin.lexicon import KnownSubstitutions, Lexicon
from unspin.store import (
    IncompatibleIndexError,
    IndexInfo,
    LearnedSwap,
    MemoryStore,
    SQLiteStore,
    Store,
    StoredDocument,
)

MAX_LEARNED_WORDS = 3
"""Longest phrase (in words, either side) a traced substitution may be to be learned: spinners
swap words and short terms; longer differences are rewrites, not swaps."""

LEARN_MIN_SCORE = 0.8
"""Lowest match score of a derived match whose substitutions are learned. Derived matches found
by sentence alignment score 0.5 + 0.5 * coverage * (0.5 + 0.5 * similarity) and restructured
paraphrases at most 0.75 (``unspin.core.relation.classify``): at 0.8 only copies whose sentences
line up with the source over most of their length (coverage about 0.7 and more at the usual
similarity of spun copies) teach. A paraphrase, or an independent report the relation takes for
one, lines up few sentences, and its "substitutions" are different wordings of different
sentences ("she" -> "benning"): learning them would poison the index."""


@dataclass(frozen=True, slots=True)
class AddReport:
    """What one ``Index.add`` call did: documents added, and skipped because already indexed."""

    added: int
    skipped: int


def fingerprint_documents(params: FingerprintParams, docs: Sequence[tuple[str, str]], *,
                          encoder: SentenceEncoder | None = None) -> list[StoredDocument]:
    """Fingerprint (id, text) pairs for storage, as one batch. Pure: the unit of parallel work
    (``Index.add`` and the Spark engine call it). ``encoder``: also compute each document's
    passage vectors (the semantic path, ``unspin.core.semantic.passage_vectors``)."""
    texts = [text for _id, text in docs]
    fps = MinHasher(params).fingerprint_texts(texts)
    wkeys = winnow_keys_batch(texts, k=params.winnow_k, window=params.winnow_window)
    vecs = [pack_vectors(v) for v in passage_vectors(texts, encoder)] if encoder is not None else [b""] * len(docs)
    return [StoredDocument(id=doc_id, text=text, signature=b"", band_keys=fp.all_keys, winnow_keys=wk, vectors=v)
            for (doc_id, text), fp, wk, v in zip(docs, fps, wkeys, vecs, strict=True)]


def sentence_encoder() -> SentenceEncoder:
    """The encoder of the semantic path: the ``wordllama`` static vectors
    (``unspin.lexicon.vectors``), or ``ValueError`` saying how to get them."""
    from unspin.lexicon.vectors import WordVectors

    vectors = WordVectors.load()
    if vectors is None:
        raise ValueError("the semantic path (trace.semantic) needs the word vectors of the wordllama package: "
                         "pip install wordllama, or trace without trace.semantic")
    return vectors


def _stored_params(stored: dict[str, Any]) -> FingerprintParams:
    """The parameters an index records, or ``IncompatibleIndexError`` saying how to go on."""
    version = stored.get("format_version")
    if version != FORMAT_VERSION:
        raise IncompatibleIndexError(
            f"the index holds fingerprints of format {version}, and this unspin computes format "
            f"{FORMAT_VERSION}: build a new index from the same documents (unspin index add --db NEW.db ...)")
    try:
        return FingerprintParams(**stored)
    except TypeError as e:
        raise IncompatibleIndexError(f"the index records parameters this unspin does not know ({e}): "
                                     "open it with the unspin version that built it") from None


def auto_batch_size(indexed: int) -> int:
    """Documents per transaction when adding to an index of ``indexed`` documents: 1,000, and
    one per hundred indexed documents beyond 100,000, up to 20,000 (about 60 MB of text)."""
    return max(1000, min(20_000, indexed // 100))


def _batches(items: Iterable[tuple[str, str]], sizes: Iterable[int]) -> Iterator[list[tuple[str, str]]]:
    """Consecutive batches of ``items``, the k-th of ``sizes[k]`` items (read lazily)."""
    it = iter(items)
    for size in sizes:
        batch = list(itertools.islice(it, size))
        if not batch:
            return
        yield batch


class Index:
    """A reference corpus indexed for tracing.

    ``Index.open(path)`` opens (or creates) a SQLite index; ``":memory:"`` gives an in-memory
    one. ``config`` (a ``TraceConfig``, default ``TraceConfig()``) says how texts are traced.
    The fingerprint parameters are fixed when the index is built and recorded in it: with
    ``config.fingerprint`` None an existing index is read with its own, and a new one records
    ``FingerprintParams()``; given explicitly they must equal an existing index's, or the
    store's ``IncompatibleIndexError`` names every difference. ``config`` afterwards holds the
    parameters in force (``config.fingerprint`` is never None), ready to ship to workers.

    With ``config.semantic`` set, documents added store their passage vectors too, and traces
    add the nearest of them as candidates and align sentences by vector
    (``unspin.core.semantic``). The vectors are searched exactly (brute force) in a table this
    object loads on the first trace and reloads after its own ``add``/``remove``: documents
    another process adds meanwhile are seen by their bands and hashes at once, by their vectors
    after reopening. Documents added without the semantic path have no vectors.
    """

    def __init__(self, store: Store, *, config: TraceConfig | None = None) -> None:
        cfg = config if config is not None else TraceConfig()
        params = cfg.fingerprint
        if params is None:
            stored = store.params()
            params = _stored_params(stored) if stored else FingerprintParams()
        store.ensure_params(params.to_dict())
        self.store = store
        self.config = replace(cfg, fingerprint=params)
        self.params = params
        self._hasher = MinHasher(params)
        self._semantic: SemanticPath | None = None
        self._table: VectorTable | None = None
        if cfg.semantic is not None:
            encoder = sentence_encoder()
            self._semantic = SemanticPath(cfg.semantic, encoder)
            self._vector_params = vector_params(encoder)
            if store.vector_params() is not None:
                store.ensure_vector_params(self._vector_params)

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, config: TraceConfig | None = None) -> Index:
        """Open or create the index at ``path`` (``":memory:"`` for a throw-away one), to trace
        with ``config`` (see the class)."""
        if str(path) == ":memory:":
            return cls(MemoryStore(), config=config)
        store = SQLiteStore(path, read_only=read_only)
        try:
            return cls(store, config=config)
        except BaseException:
            store.close()
            raise

    def __enter__(self) -> Index:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying store."""
        self.store.close()

    def add(self, docs: Iterable[tuple[str, str]], *, batch_size: int | None = None, workers: int = 1,
            progress: Callable[[int], None] | None = None) -> AddReport:
        """Index (id, text) pairs, one transaction per batch.

        Ids already in the index are skipped, so re-running an interrupted ``add`` resumes
        without duplicates; to replace a document, ``remove`` it first. Batches are
        fingerprinted in ``workers`` background threads (the vectorised fingerprint releases
        the interpreter lock) while this thread writes the previous ones, in input order.

        Raises ``ValueError`` naming the document when an id or text is not valid Unicode
        (holds lone surrogates, which no index can store), before its batch is written; the
        batches before it are kept, as after an interruption.

        ``batch_size`` None grows batches with the index (``auto_batch_size``): band keys are
        random, so a batch touches pages all over the key table, and writing each page once
        per many documents keeps large indexes fast to extend.
        """
        added = total = 0
        indexed = len(self.store) if batch_size is None else 0
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="unspin-fingerprint") as pool:
            pending: deque[tuple[int, Future[list[StoredDocument]]]] = deque()

            def write_oldest() -> None:
                nonlocal added
                size, future = pending.popleft()
                added += self.store.add(future.result())
                if progress is not None:
                    progress(size)

            sizes = (batch_size or auto_batch_size(indexed + total) for _ in itertools.count())
            for batch in _batches(docs, sizes):
                try:
                    for doc_id, text in batch:
                        _require_unicode(doc_id, text)
                except ValueError:
                    while pending:  # keep what came before, as an interruption would
                        write_oldest()
                    raise
                total += len(batch)
                present = self.store.contains([i for i, _t in batch])
                fresh: dict[str, tuple[str, str]] = {}
                for doc_id, text in batch:  # the first of repeated ids counts
                    if doc_id not in present and doc_id not in fresh:
                        fresh[doc_id] = (doc_id, text)
                if fresh and self._semantic is not None:
                    self.store.ensure_vector_params(self._vector_params)
                    self._table = None
                pending.append((len(batch), pool.submit(fingerprint_documents, self.params, list(fresh.values()),
                                                        encoder=self._semantic.encoder if self._semantic else None)))
                if len(pending) > max(1, workers):
                    write_oldest()
            while pending:
                write_oldest()
        return AddReport(added, total - added)

    def remove(self, ids: Sequence[str]) -> int:
        """Remove documents by id; returns how many were present."""
        self._table = None
        return self.store.remove(ids)

    def info(self) -> IndexInfo:
        """Size, parameters and counts of the index."""
        return self.store.info()

    def __len__(self) -> int:
        return len(self.store)

    def trace(self, text: str, *, id: str = "-", top: int = TOP_MATCHES, learn: bool = False,
              exclude: str | None = None) -> TraceResult:
        """Find the sources of ``text`` in the index, as ``config`` says.

        LSH band keys give up to ``config.candidates`` candidates (skeleton bands find copies,
        fact bands find same-story reports and paraphrases; buckets over ``config.max_bucket``
        skipped), and containment of the text's winnowed content-word hashes
        (``unspin.core.winnow``) up to ``config.containment.limit`` more (passages copied into a
        longer or shorter text), with ``config.semantic`` the nearest passage vectors up to
        ``config.semantic.limit`` more (paraphrases), merged by ``unspin.core.candidates.choose_candidates`` (the rule
        the Spark engine uses too); each is verified by alignment (``config.relation``). With ``learn``
        (off by default: it writes to the index), what verified copies teach is recorded
        (``Index.learn``) for ``check`` to use. ``exclude`` skips one indexed id
        (for tracing an indexed document against the others).
        """
        (result,) = self._trace_batch([(id, text, exclude)], top=top, learn=learn)
        return result

    def trace_many(self, docs: Iterable[tuple[str, str]], *, top: int = TOP_MATCHES, learn: bool = False,
                   exclude_self: bool = False, chunk: int = 256) -> Iterator[TraceResult]:
        """``trace`` for each (id, text), in order, fingerprinting and prefiltering ``chunk``
        documents at a time (much faster than one ``trace`` call each; the results are the
        same). ``exclude_self`` skips each document's own id in the index."""
        for batch in _batches(docs, itertools.repeat(chunk)):
            yield from self._trace_batch([(i, t, i if exclude_self else None) for i, t in batch],
                                         top=top, learn=learn)

    def _trace_batch(self, batch: Sequence[tuple[str, str, str | None]], *, top: int,
                     learn: bool) -> list[TraceResult]:
        cfg = self.config
        fps = self._hasher.fingerprint_texts([text for _i, text, _x in batch])
        all_wkeys = winnow_keys_batch([text for _i, text, _x in batch], k=self.params.winnow_k,
                                      window=self.params.winnow_window)
        texts: dict[str, str] = {}  # candidate id -> text, shared by the batch
        plans = []
        sem = self._semantic
        encoded = encode_texts([text for _i, text, _x in batch], sem.encoder) if sem is not None else None
        table = self._vector_table() if sem is not None else None
        near: list[set[str]] = []
        for k, ((doc_id, text, exclude), fp, wkeys) in enumerate(zip(batch, fps, all_wkeys, strict=True)):
            query = self.store.candidates(fp.all_keys, limit=cfg.candidates, max_bucket=cfg.max_bucket,
                                          exclude=exclude)
            held = self.store.containment_candidates(wkeys, limit=cfg.candidates, max_bucket=cfg.max_bucket,
                                                     exclude=exclude).candidates if wkeys else ()
            similar = rank_semantic(encoded[k].vectors, table, params=sem.params, exclude=exclude) \
                if sem is not None and encoded is not None and table is not None else []
            near.append({i for i, _s in similar})
            chosen = choose_candidates([c.id for c in query.candidates], [(c.id, c.shared_bands) for c in held],
                                       len(wkeys), params=cfg.containment, similar=similar)
            ids = []
            for cand_id in chosen.ids:
                if cand_id not in texts:
                    doc = self.store.get(cand_id)
                    if doc is None:
                        continue
                    texts[cand_id] = doc.text
                ids.append(cand_id)
            plans.append((doc_id, text, ids, query.skipped_buckets))
        found = trace_texts([(doc_id, text, [(c, texts[c]) for c in ids]) for doc_id, text, ids, _s in plans],
                            top=top, params=cfg.relation, semantic=sem,
                            stored=table.vectors_of if table is not None else None,
                            similar=near if sem is not None else None, encoded=encoded)
        for result, (_i, text, _ids, skipped) in zip(found, plans, strict=True):
            result.stats["skipped_buckets"] = float(skipped)
            if learn:
                self.learn(result, text)
        return found

    def _vector_table(self) -> VectorTable:
        """Every stored passage vector, loaded once and kept until this index adds or removes."""
        if self._table is None:
            dim = self._semantic.encoder.dim if self._semantic is not None else 0
            dims = self._semantic.params.search_dims if self._semantic is not None else 0
            self._table = VectorTable.from_blobs(self.store.vectors(), dim, search_dims=dims)
        return self._table

    def learn(self, result: TraceResult, text: str) -> int:
        """Record what the verified copies in ``result`` (the trace of ``text``) teach: the
        learnable substitutions (``learnable``) of each derived match scoring at least
        ``LEARN_MIN_SCORE``, with the (source id, copy id) pair they came from. Same-story and
        weaker derived matches teach nothing; a pair that taught a swap before does not count
        it again. Returns how many new (swap, pair) records were made."""
        rows = []
        for m in result.matches:
            if not teaches(m):
                continue
            source = self.store.get(m.source_id)
            if source is None:
                continue
            for s in m.substitutions:
                if learnable(s, text, source.text):
                    rows.append((" ".join(_words(s.text)), " ".join(_words(s.source_text)), m.source_id,
                                 result.id))
        return self.store.learn_substitutions(rows) if rows else 0

    def learned(self, *, min_count: int = 1) -> list[LearnedSwap]:
        """The learned swaps with their counts and the (source id, copy id) pairs they came from."""
        return self.store.learned(min_count=min_count)

    def forget(self, swaps: Sequence[tuple[str, str | None]] | None) -> list[tuple[str, str]]:
        """Remove learned swaps: (spun, source), (spun, None) for every swap of ``spun``, or
        ``None`` for all. Returns the (spun, source) pairs removed."""
        return self.store.forget(swaps)

    def learned_substitutions(self, *, min_count: int = 1) -> KnownSubstitutions:
        """The substitutions learned so far, as a table ``Lexicon.with_substitutions`` takes."""
        known = KnownSubstitutions()
        for spun, source, count in self.store.substitutions(min_count=min_count):
            known.add(spun, source, count=count, learned=True)
        return known

    def reference_texts(self, *, limit: int = 5000) -> Iterator[str]:
        """Up to ``limit`` indexed texts, for reference statistics."""
        for doc_id in itertools.islice(self.store.iter_ids(), limit):
            doc = self.store.get(doc_id)
            if doc is not None:
                yield doc.text

    def lexicon(self, base: Lexicon | None = None, *, reference_limit: int = 5000) -> Lexicon:
        """``base`` (default ``Lexicon.default()``) strengthened by what the index knows: its
        learned substitutions and, as reference statistics, up to ``reference_limit`` texts."""
        lex = base if base is not None else Lexicon.default()
        lex = lex.with_substitutions(self.learned_substitutions())
        if len(self) and reference_limit:
            lex = lex.with_reference(self.reference_texts(limit=reference_limit))
        return lex


def _require_unicode(doc_id: str, text: str) -> None:
    """``ValueError`` unless ``doc_id`` and ``text`` can be encoded as UTF-8."""
    for what, value in (("id", doc_id), ("text", text)):
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as e:
                raise ValueError(f"document {doc_id!r}: its {what} is not valid Unicode (a lone surrogate "
                                 f"{value[e.start]!r} at {e.start}); decode it strictly, or replace them") from None


def teaches(match: Match) -> bool:
    """Whether a match may teach the index: a derived match scoring at least ``LEARN_MIN_SCORE``."""
    return match.relation == DERIVED and match.score >= LEARN_MIN_SCORE


def _words(phrase: str) -> list[str]:
    """Lower-case words: how a learned swap is stored (and named to ``index forget``)."""
    return phrase.lower().split()


def _names_inside(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a capitalised word that does not begin a sentence (a
    name: spinners leave names alone, so a "swap" of one is a misalignment)."""
    pos = start
    for word in text[start:end].split():
        at = text.index(word, pos)
        pos = at + len(word)
        before = at - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        starts_sentence = before < 0 or text[before] in '.!?"\u201c\u201d:'
        if word[:1].isupper() and not starts_sentence:
            return True
    return False


def learnable(sub: Substitution, text: str, source_text: str) -> bool:
    """Whether a substitution of a verified copy looks like a spinner's swap worth learning:
    both sides different, at most ``MAX_LEARNED_WORDS`` words of letters (numbers are facts, not
    swaps), sharing no content word ("dunmore" -> "dunmore early" is an insertion), the spun
    side holding a content word (spinners leave function words alone: "she" -> "benning" is a
    misalignment), and no name on either side."""
    spun, orig = _words(sub.text), _words(sub.source_text)
    if not spun or not orig or spun == orig or max(len(spun), len(orig)) > MAX_LEARNED_WORDS:
        return False
    if not all(w.replace("-", "").replace("'", "").isalpha() for w in spun + orig):
        return False
    content = [w for w in spun if w not in STOPWORDS]
    if not content or set(content) & {w for w in orig if w not in STOPWORDS}:
        return False
    return not (_names_inside(text, sub.input_start, sub.input_end)
                or _names_inside(source_text, sub.source_start, sub.source_end))
