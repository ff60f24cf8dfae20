"""Fingerprints that survive spinning.

Spinners swap content words but leave the *immutables* alone: function words, names, numbers
(the DSpin paper, Zhang, Wang and Voelker, NDSS 2014). The *skeleton* of a text is its sequence
of immutables; shingles of consecutive skeleton tokens of one sentence are hashed, MinHashed and
cut into locality-sensitive-hashing bands. A copy keeps its source's skeleton whatever share of
its content words was replaced, while two independent reports of one event share names and
numbers but not the function-word scaffolding around them. The set of names and numbers (the
*facts*) is MinHashed and banded separately, to find same-story reports and paraphrases.

The whole path runs on a batch of texts at once, in one Polars query (tokens, sentence marks,
word flags) and numpy (shingles, MinHash, bands), with no Python loop per word, so that indexing
costs well under a hundred microseconds per article; a query is a batch of one (about 2 ms of
fixed cost, so ``Index.trace_many`` batches queries). Every engine (local index, trace, Spark)
calls :meth:`MinHasher.fingerprint_texts` or :func:`profile_texts`, never a copy of them.

Approximate by design:

* Sentences, immutables and facts follow the per-token rules (``unspin.text`` for what a
  sentence is, ``is_immutable`` and ``is_fact`` here), computed vectorised; a test pins the two
  to the same words on the whole BBC set. Words are read from the NFKC form of the whole text
  and lower-cased, where the tokenizer case-folds each word: they differ only for the few
  letters whose case folding is not their lower case ("ß").
* The signature is *one-permutation* MinHash (Li, Owen and Zhang, NIPS 2012) with optimal
  densification (Shrivastava, ICML 2017): one hash per shingle, the minimum per bin, empty bins
  filled from a fixed pseudo-random sequence of other bins. Two signatures agree in a bin with
  probability close to the Jaccard similarity of the shingle sets, as with ``num_perm`` separate
  permutations, at a fraction of the cost.
* Banding finds pairs above roughly ``(1 / bands) ** (1 / rows)`` with high probability and pairs
  far below it rarely. Candidates are always verified by alignment (``unspin.core.align``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from unspin.text import ABBREVIATION_DOT, SENTENCE_CLOSERS, SENTENCE_OPENERS, Token, encodable

FORMAT_VERSION = 3

# Closed-class words a spinner's thesaurus leaves alone. Kept deliberately small: any word a
# spinner might swap ("said", "also", "however", "many") would break the skeleton of a copy.
SKELETON_WORDS = frozenset(
    """a an the of in on at to for from by with about into through between after before during
    and or but nor if as than that this these those it its he she they we you i his her their our
    your my me him them us is are was were be been being has have had do does did will would can
    could may might must shall should not no which who whom whose what when where why how there
    here then so""".split()
)
# Words after which ". " does not end a sentence (single letters cover initials: "U.S.", "e.g.").

# A word: letters and digits, with inner apostrophes or hyphens ("don't", "high-speed"); or the
# mark put where a sentence ends.
_MARK = "\x00"
_WORD_OR_MARK = r"[^\W_]+(?:['\-][^\W_]+)*|\x00"
_SKELETON_LIST = sorted(SKELETON_WORDS)
# The sentence rule of ``unspin.text`` (one definition), as Polars regular expressions: the
# dot after an abbreviation or an initial is hidden before sentence ends are marked.
_ABBREVIATION_DOT = ABBREVIATION_DOT
_SENTENCE_END = f"([.!?][{re.escape(SENTENCE_CLOSERS)}]*\\s+)([{re.escape(SENTENCE_OPENERS)}]?[A-Z0-9])"
_BLANK_LINE = r"\n\s*\n"
_MAX32 = np.uint64(0xFFFFFFFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_FACT_SALT = 1 << 20
_MIN_FACTS = 3


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    """Parameters stored with an index; documents fingerprinted with different ones never mix."""

    shingle: int = 4
    num_perm: int = 128
    bands: int = 32
    fact_perm: int = 16
    fact_bands: int = 8
    seed: int = 1
    winnow_k: int = 3
    winnow_window: int = 10
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    def validate(self) -> None:
        """Raise ``ValueError`` with the fix when the parameters cannot work."""
        if self.shingle < 1:
            raise ValueError("shingle must be at least 1")
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a positive multiple of bands ({self.bands})")
        if self.fact_perm < 1 or self.fact_bands < 1 or self.fact_perm % self.fact_bands:
            raise ValueError(f"fact_perm ({self.fact_perm}) must be a positive multiple of fact_bands "
                             f"({self.fact_bands})")
        if self.winnow_k < 1 or self.winnow_window < 1:
            raise ValueError("winnow_k and winnow_window must be at least 1")
        if self.format_version != FORMAT_VERSION:
            raise ValueError(f"fingerprint format {self.format_version} is not the one this unspin computes "
                             f"({FORMAT_VERSION}): rebuild the index with `unspin index add`")

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A document's MinHash signature and LSH band keys.

    ``band_keys`` come from the skeleton (copies, spun or not); ``fact_keys`` from the set of
    names and numbers (same-story reports and paraphrases), in a separate key space. A text
    without skeleton shingles has no ``band_keys``; one with fewer than three facts no
    ``fact_keys``."""

    signature: np.ndarray
    band_keys: tuple[int, ...]
    fact_keys: tuple[int, ...] = ()

    @property
    def all_keys(self) -> tuple[int, ...]:
        return self.band_keys + self.fact_keys


@dataclass(frozen=True, slots=True)
class Profile:
    """A text's distinct skeleton-shingle hashes and fact hashes (sorted uint64 arrays)."""

    shingles: np.ndarray
    facts: np.ndarray


def has_capital(surface: str) -> bool:
    """A capital letter anywhere in the word ("London", "IBM", "eBay", "iPhone")."""
    return surface != surface.lower()


def has_digit(norm: str) -> bool:
    """A decimal digit anywhere in the word ("2024", "4.75%" gives "4", "covid-19")."""
    return any(c.isdecimal() for c in norm)


def is_immutable(tok: Token, first_in_sentence: bool) -> bool:
    """True for tokens a spinner leaves alone: skeleton words, words with a digit, and names (a
    capital letter, not opening the sentence). The specification: the fingerprint's vectorised
    ``_Words.immutable`` computes the same flags (pinned by a test)."""
    return tok.norm in SKELETON_WORDS or has_digit(tok.norm) or (has_capital(tok.surface) and not first_in_sentence)


def is_fact(tok: Token, first_in_sentence: bool) -> bool:
    """Names and numbers: words with a digit, and words of two or more letters with a capital
    letter that do not open a sentence. The specification of the vectorised ``is_fact``."""
    return has_digit(tok.norm) or (not first_in_sentence and len(tok.norm) > 1 and has_capital(tok.surface))


def facts(tokens: list[Token]) -> set[str]:
    """The facts (``is_fact``) of a tokenised text, as normal forms: what verification compares."""
    return {t.norm for i, t in enumerate(tokens) if is_fact(t, i == 0 or tokens[i - 1].sentence != t.sentence)}


# --------------------------------------------------------------------------- vectorised parts


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: a bijective 64-bit mixer (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _hash_strings(values: pl.Series) -> np.ndarray:
    """xxh64 of each string (one Python call per distinct value)."""
    if values.len() == 0:
        return np.zeros(0, dtype=np.uint64)
    # pyarrow's stubs type the result as the input's array type; it is a DictionaryArray.
    enc = cast("pa.DictionaryArray[Any, Any]", pc.dictionary_encode(values.to_arrow()))
    h = xxhash.xxh64_intdigest
    distinct = cast("list[str]", enc.dictionary.to_pylist())  # nulls are in the indices, never here
    table = np.fromiter((h(s.encode()) for s in distinct), dtype=np.uint64,
                        count=len(enc.dictionary))
    return table[enc.indices.to_numpy(zero_copy_only=False)]  # type: ignore[no-any-return]  # numpy stubs: indexing is Any


@dataclass(frozen=True, slots=True)
class _Words:
    """Every word of a batch (NFKC, lower case) with its document, whether it opens a
    sentence, has a capital letter ("London", "IBM", "eBay": a name when it does not open the
    sentence), contains a digit, or is a skeleton word."""

    lower: pl.Series
    doc: np.ndarray
    first: npt.NDArray[np.bool_]
    cap: npt.NDArray[np.bool_]
    digit: npt.NDArray[np.bool_]
    skeleton_word: npt.NDArray[np.bool_]

    @property
    def immutable(self) -> npt.NDArray[np.bool_]:
        """The skeleton: skeleton words, words with a digit, and names (a capital letter, not
        opening the sentence)."""
        return self.skeleton_word | self.digit | (self.cap & ~self.first)


def _plain(text: str) -> str:
    """NFKC with typographic apostrophes made plain, lone surrogates as U+FFFD (ASCII text is
    returned as is)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", encodable(text)).replace("’", "'")


def _words(texts: Sequence[str]) -> _Words:
    """Tokenise a batch in one Polars query: hide abbreviation dots, mark sentence ends, extract
    words and marks, then flag the words."""
    word = pl.col("word")
    lower = pl.col("lower")
    frame = (
        pl.DataFrame({"text": [_plain(t) for t in texts]}, schema={"text": pl.String})
        .lazy()
        .with_row_index("doc")
        .select(
            "doc",
            word=pl.col("text")
            .str.replace_all(_ABBREVIATION_DOT, "${1}\x01")  # "Mr. Smith", "U.S. Army": no sentence end
            .str.replace_all(_SENTENCE_END, "${1}\x00${2}")
            .str.replace_all(_BLANK_LINE, "\n\x00\n")
            .str.extract_all(_WORD_OR_MARK),
        )
        .explode("word")
        .drop_nulls("word")
        .with_columns(marker=word == _MARK)
        .with_columns(marks=pl.col("marker").cum_sum())
        .filter(~pl.col("marker"))
        .with_columns(lower=word.str.to_lowercase())
        .select(
            "doc",
            "marks",
            "lower",
            cap=word != lower,
            digit=lower.str.contains(r"\d"),
            skeleton_word=lower.is_in(_SKELETON_LIST),
        )
        .collect()
    )
    doc = frame["doc"].to_numpy().astype(np.int64)
    marks = frame["marks"].to_numpy()
    # A word opens a sentence at the start of its document or after a sentence mark.
    opens = np.ones(doc.size, dtype=bool)
    if doc.size > 1:
        opens[1:] = (doc[1:] != doc[:-1]) | (marks[1:] != marks[:-1])
    return _Words(frame["lower"], doc, opens, frame["cap"].to_numpy(), frame["digit"].to_numpy(),
                  frame["skeleton_word"].to_numpy())


@dataclass(frozen=True, slots=True)
class _Extracted:
    """Flat per-batch arrays: shingle hashes and fact hashes with the document each belongs to."""

    n_docs: int
    shingle_doc: np.ndarray
    shingles: np.ndarray
    fact_doc: np.ndarray
    facts: np.ndarray


def _extract(texts: Sequence[str], k: int) -> _Extracted:
    """Skeleton shingles (runs of ``k`` immutables of one sentence; a sentence with 2..k-1
    immutables gives one shorter shingle) and facts (words of two or more letters with a capital
    letter that do not open a sentence, and words with a digit), hashed, for each text of a batch."""
    w = _words(texts)
    n = w.lower.len()
    if n == 0:
        z = np.zeros(0, dtype=np.uint64)
        zi = np.zeros(0, dtype=np.int64)
        return _Extracted(len(texts), zi, z, zi, z)
    lower, doc, first = w.lower, w.doc, w.first
    immutable = w.immutable
    is_fact = w.digit | (w.cap & ~first & (lower.str.len_chars().to_numpy() > 1))

    sentence = np.cumsum(first)
    idx = np.flatnonzero(immutable)
    tok = _hash_strings(lower.gather(idx))
    sent = sentence[idx]
    sk_doc = doc[idx]

    # Rolling combination of up to k consecutive token hashes; a window is a shingle when it
    # stays in one sentence.
    m = len(idx)
    shingle_parts: list[np.ndarray] = []
    doc_parts: list[np.ndarray] = []
    if m:
        run_start = np.r_[True, sent[1:] != sent[:-1]]
        starts = np.flatnonzero(run_start)
        lengths = np.diff(np.r_[starts, m])
        acc = tok.copy()
        for j in range(1, k):
            if m - j <= 0:
                break
            acc = acc[:-1] * _GOLDEN + tok[j:]
            width = j + 1
            if width < k:  # short sentences of exactly `width` immutables: one shingle each
                short = starts[lengths == width]
                if short.size:
                    shingle_parts.append(_mix(acc[short] ^ np.uint64(width)))
                    doc_parts.append(sk_doc[short])
            else:
                full = np.flatnonzero(sent[: m - j] == sent[j:])
                shingle_parts.append(_mix(acc[full] ^ np.uint64(width)))
                doc_parts.append(sk_doc[full])
        if k == 1:
            shingle_parts.append(_mix(tok ^ np.uint64(1)))
            doc_parts.append(sk_doc)
    shingles = np.concatenate(shingle_parts) if shingle_parts else np.zeros(0, dtype=np.uint64)
    sh_doc = np.concatenate(doc_parts) if doc_parts else np.zeros(0, dtype=np.int64)

    fidx = np.flatnonzero(is_fact)
    fact_hashes = _hash_strings(lower.gather(fidx))
    return _Extracted(len(texts), sh_doc.astype(np.int64), shingles, doc[fidx].astype(np.int64), fact_hashes)


def _distinct_counts(n_docs: int, doc: np.ndarray, values: np.ndarray) -> np.ndarray:
    """How many distinct values each document has (values compared on their top 40 bits; the
    count depends on the document alone, never on the rest of the batch)."""
    if not values.size:
        return np.zeros(n_docs, dtype=np.int64)
    comp = np.sort((doc.astype(np.uint64) << np.uint64(40)) | (values >> np.uint64(24)))
    first = np.r_[True, comp[1:] != comp[:-1]]
    return np.bincount((comp[first] >> np.uint64(40)).astype(np.int64), minlength=n_docs)


def _per_doc_sets(n_docs: int, doc: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    """Sorted distinct values of each document."""
    order = np.lexsort((values, doc))
    d, v = doc[order], values[order]
    keep = np.r_[True, (d[1:] != d[:-1]) | (v[1:] != v[:-1])] if d.size else np.zeros(0, bool)
    d, v = d[keep], v[keep]
    bounds = np.searchsorted(d, np.arange(n_docs + 1))
    return [v[bounds[i] : bounds[i + 1]] for i in range(n_docs)]


def profile_texts(texts: Sequence[str], *, shingle: int = 4) -> list[Profile]:
    """Distinct skeleton-shingle hashes and fact hashes of each text (for exact set overlaps,
    such as trace's candidate prefilter)."""
    ex = _extract(texts, shingle)
    sh = _per_doc_sets(ex.n_docs, ex.shingle_doc, ex.shingles)
    fa = _per_doc_sets(ex.n_docs, ex.fact_doc, ex.facts)
    return [Profile(s, f) for s, f in zip(sh, fa, strict=True)]


def skeleton_words(text: str) -> list[list[str]]:
    """The immutable words of each sentence of ``text``, for inspection and tests (the
    fingerprint hashes exactly these, in runs of ``shingle``)."""
    return immutable_words([text])[0][0]


def fact_words(text: str) -> set[str]:
    """The facts of ``text`` as the fingerprint finds them (lower case), for tests: the fact
    bands hash exactly these."""
    return immutable_words([text])[0][1]


def immutable_words(texts: Sequence[str]) -> list[tuple[list[list[str]], set[str]]]:
    """``(skeleton_words(t), fact_words(t))`` of each of ``texts``, from one batch query (the
    batched form, for checking the vectorised rules against the per-token ones on a corpus)."""
    w = _words(texts)
    lengths = w.lower.str.len_chars().to_numpy()
    fact = w.digit | (w.cap & ~w.first & (lengths > 1))
    out: list[tuple[list[list[str]], set[str]]] = [([], set()) for _ in texts]
    for word, doc, first, keep, is_fact in zip(w.lower.to_list(), w.doc.tolist(), w.first, w.immutable, fact,
                                               strict=True):
        sentences, facts = out[doc]
        if first:
            sentences.append([])
        if keep:
            sentences[-1].append(word)
        if is_fact:
            facts.add(word)
    return [([s for s in sentences if s], facts) for sentences, facts in out]


class MinHasher:
    """One-permutation MinHash with optimal densification, and LSH band keys, for batches of
    texts. Deterministic for given parameters (the seed fixes every hash)."""

    def __init__(self, params: FingerprintParams) -> None:
        params.validate()
        self.params = params
        rng = np.random.RandomState(params.seed)
        self._seed = np.uint64(rng.randint(1, 2**62, dtype=np.int64))
        self._fact_seed = np.uint64(rng.randint(1, 2**62, dtype=np.int64))
        # For each bin, the order in which to borrow from other bins when it is empty.
        self._probe = np.stack([rng.permutation(params.num_perm) for _ in range(params.num_perm)])
        self._fact_probe = np.stack([rng.permutation(params.fact_perm) for _ in range(params.fact_perm)])

    def _signatures(self, n_docs: int, doc: np.ndarray, hashes: np.ndarray, bins: int, seed: np.uint64,
                    probe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n_docs x bins) uint32 signatures and which documents had any hash."""
        sig: npt.NDArray[np.uint64] = np.full(n_docs * bins, np.iinfo(np.uint64).max, dtype=np.uint64)
        if hashes.size:
            h = _mix(hashes ^ seed)
            b = (((h >> np.uint64(32)) * np.uint64(bins)) >> np.uint64(32)).astype(np.int64)  # in [0, bins)
            np.minimum.at(sig, doc * bins + b, h & _MAX32)
        sig = sig.reshape(n_docs, bins)
        filled = sig != np.iinfo(np.uint64).max
        present = filled.any(axis=1)
        todo = present & ~filled.all(axis=1)
        rows = np.flatnonzero(todo)
        if rows.size:
            sub = sig[rows]
            have = filled[rows]
            out = sub.copy()
            done = have.copy()
            active = np.arange(rows.size)  # rows that still have an empty bin
            for t in range(bins):  # each empty bin borrows from the first filled bin in its probe order
                src = probe[:, t]
                h_a = have[active][:, src]
                take = ~done[active] & h_a
                if take.any():
                    r, c = np.nonzero(take)
                    out[active[r], c] = sub[active[r], src[c]]
                    done[active[r], c] = True
                active = active[~done[active].all(axis=1)]
                if not active.size:
                    break
            sig[rows] = out
        sig[~present] = _MAX32
        return sig.astype(np.uint32), present

    @staticmethod
    def _band_keys(sig: np.ndarray, bands: int, salt: int) -> np.ndarray:
        """(n_docs x bands) signed 64-bit keys; the band number is mixed in."""
        n, width = sig.shape
        rows = width // bands
        s = sig.astype(np.uint64).reshape(n, bands, rows)
        acc = np.zeros((n, bands), dtype=np.uint64)
        for r in range(rows):
            acc = _mix(acc * _GOLDEN + s[:, :, r])
        band_ids = np.arange(bands, dtype=np.uint64) + np.uint64(salt)
        return _mix(acc ^ _mix(band_ids)[None, :]).view(np.int64)

    def fingerprint_texts(self, texts: Sequence[str]) -> list[Fingerprint]:
        """Fingerprint each text of a batch (the result for a text does not depend on the rest
        of the batch)."""
        p = self.params
        if not texts:
            return []
        ex = _extract(texts, p.shingle)
        n = ex.n_docs
        sig, present = self._signatures(n, ex.shingle_doc, ex.shingles, p.num_perm, self._seed, self._probe)
        keys = self._band_keys(sig, p.bands, 0)
        n_facts = _distinct_counts(n, ex.fact_doc, ex.facts)
        fsig, _ = self._signatures(n, ex.fact_doc, ex.facts, p.fact_perm, self._fact_seed, self._fact_probe)
        fkeys = self._band_keys(fsig, p.fact_bands, _FACT_SALT)
        out = []
        for d in range(n):
            band = tuple(keys[d].tolist()) if present[d] else ()
            fact = tuple(fkeys[d].tolist()) if n_facts[d] >= _MIN_FACTS else ()
            out.append(Fingerprint(sig[d], band, fact))
        return out

    def fingerprint_text(self, text: str) -> Fingerprint:
        """The fingerprint of one text (a batch of one)."""
        return self.fingerprint_texts([text])[0]


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures of the same hasher."""
    return float(np.mean(a == b))
