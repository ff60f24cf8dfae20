"""Fingerprints that survive spinning.

Spinners swap content words but leave the *immutables* alone: function words, names, numbers
(the DSpin paper, Zhang, Wang and Voelker, NDSS 2014). The *skeleton* of a text is its sequence
of immutables; shingles of consecutive skeleton tokens are hashed, MinHashed and cut into
locality-sensitive-hashing bands. A copy keeps its source's skeleton whatever share of its
content words was replaced, while two independent reports of one event share names and numbers
but not the function-word scaffolding around them.

Approximate by design: MinHash estimates the Jaccard similarity of the shingle sets; banding
finds pairs above roughly ``(1 / bands) ** (1 / rows)`` with high probability and pairs far
below it rarely. Candidates are always verified by alignment (``unspin.core.align``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
import xxhash

from unspin.core.text import WORD_RE, Token, normalise, sentence_spans

FORMAT_VERSION = 1

# Closed-class words a spinner's thesaurus leaves alone. Kept deliberately small: any word a
# spinner might swap ("said", "also", "however", "many") would break the skeleton of a copy.
SKELETON_WORDS = frozenset(
    """a an the of in on at to for from by with about into through between after before during
    and or but nor if as than that this these those it its he she they we you i his her their our
    your my me him them us is are was were be been being has have had do does did will would can
    could may might must shall should not no which who whom whose what when where why how there
    here then so""".split()
)
_DIGIT = re.compile(r"\d")
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    """Parameters stored with an index; documents fingerprinted with different ones never mix."""

    shingle: int = 4
    num_perm: int = 128
    bands: int = 32
    fact_perm: int = 16
    fact_bands: int = 8
    seed: int = 1
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

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A document's skeleton shingles, MinHash signature and LSH band keys.

    ``band_keys`` come from the skeleton (copies, spun or not); ``fact_keys`` from the set of
    names and numbers (same-story reports and paraphrases), in a separate key space."""

    n_shingles: int
    signature: np.ndarray
    band_keys: tuple[int, ...]
    fact_keys: tuple[int, ...] = ()

    @property
    def all_keys(self) -> tuple[int, ...]:
        return self.band_keys + self.fact_keys


def _has_digit(norm: str) -> bool:
    return not norm.isalpha() and _DIGIT.search(norm) is not None


def is_immutable(tok: Token, first_in_sentence: bool) -> bool:
    """True for tokens a spinner leaves alone: closed-class words, numbers and names."""
    n = tok.norm
    if n in SKELETON_WORDS or _has_digit(n):
        return True
    return tok.surface[:1].isupper() and not first_in_sentence


def facts(tokens: list[Token]) -> set[str]:
    """Names and numbers: capitalised words not opening a sentence, and tokens with digits."""
    out = set()
    prev_sentence = -1
    for t in tokens:
        first = t.sentence != prev_sentence
        prev_sentence = t.sentence
        n = t.norm
        if _has_digit(n) or (not first and len(n) > 1 and t.surface[0].isupper()):
            out.add(n)
    return out


def skeleton(tokens: list[Token]) -> list[tuple[int, str]]:
    """The immutable tokens as (sentence number, normal form), in order."""
    out: list[tuple[int, str]] = []
    prev_sentence = -1
    words = SKELETON_WORDS
    for t in tokens:
        first = t.sentence != prev_sentence
        prev_sentence = t.sentence
        n = t.norm
        if n in words or _has_digit(n) or (not first and t.surface[0].isupper()):
            out.append((t.sentence, n))
    return out


def hash_shingles(sentences: list[list[str]], k: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of every run of ``k`` consecutive words of each sentence's
    skeleton (a sentence with fewer than ``k`` contributes one shorter shingle)."""
    hashes: set[int] = set()
    h = xxhash.xxh64_intdigest
    for words in sentences:
        if len(words) < k:
            if len(words) >= 2:
                hashes.add(h("\x1f".join(words).encode()))
            continue
        for j in range(len(words) - k + 1):
            hashes.add(h("\x1f".join(words[j : j + k]).encode()))
    return np.fromiter(sorted(hashes), dtype=np.uint64, count=len(hashes))


def shingle_hashes(tokens: list[Token], *, k: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of every run of ``k`` consecutive skeleton tokens of one
    sentence (a sentence with fewer than ``k`` immutables contributes one shorter shingle)."""
    by_sentence: dict[int, list[str]] = {}
    for s, w in skeleton(tokens):
        by_sentence.setdefault(s, []).append(w)
    return hash_shingles(list(by_sentence.values()), k)


def skeleton_and_facts(text: str) -> tuple[list[list[str]], set[str]]:
    """Per-sentence skeletons and the fact set of ``text`` straight from the text: the same
    result as ``skeleton(tokenize(text))`` and ``facts(tokenize(text))`` without building
    tokens (the ingest hot path; a test keeps the two in step)."""
    sentences: list[list[str]] = []
    fact_set: set[str] = set()
    words_set = SKELETON_WORDS
    findall = WORD_RE.findall
    for start, end in sentence_spans(text):
        skel: list[str] = []
        first = True
        for surface in findall(text, start, end):
            n = surface.lower() if surface.isascii() else normalise(surface)
            digit = _has_digit(n)
            cap = not first and surface[0].isupper()
            if n in words_set or digit or cap:
                skel.append(n)
            if digit or (cap and len(n) > 1):
                fact_set.add(n)
            first = False
        if skel:
            sentences.append(skel)
    return sentences, fact_set


class MinHasher:
    """MinHash over 64-bit shingle hashes with universal hash functions
    ``(a * x + b) mod (2^61 - 1)`` truncated to 32 bits, as in datasketch."""

    def __init__(self, params: FingerprintParams) -> None:
        params.validate()
        self.params = params
        rng = np.random.RandomState(params.seed)
        n = params.num_perm + params.fact_perm
        self._a = rng.randint(1, int(_MERSENNE), size=n, dtype=np.uint64)
        self._b = rng.randint(0, int(_MERSENNE), size=n, dtype=np.uint64)

    def _minhash(self, hashes: np.ndarray, lo: int, hi: int) -> np.ndarray:
        if hashes.size == 0:
            return np.full(hi - lo, _MAX_HASH, dtype=np.uint32)
        x = (hashes & _MAX_HASH)[:, None]
        phv = ((x * self._a[None, lo:hi] + self._b[None, lo:hi]) % _MERSENNE) & _MAX_HASH
        return phv.min(axis=0).astype(np.uint32)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """The MinHash signature (uint32 per permutation); all-max for an empty set."""
        return self._minhash(hashes, 0, self.params.num_perm)

    @staticmethod
    def _keys(sig: np.ndarray, bands: int, salt: int) -> tuple[int, ...]:
        rows = len(sig) // bands
        keys = []
        for b in range(bands):
            h = xxhash.xxh64_intdigest(sig[b * rows : (b + 1) * rows].tobytes(), seed=salt + b)
            keys.append(h - (1 << 64) if h >= (1 << 63) else h)
        return tuple(keys)

    def band_keys(self, signature: np.ndarray) -> tuple[int, ...]:
        """One signed 64-bit key per band (band number mixed in), ready for an integer column."""
        return self._keys(signature, self.params.bands, 0)

    def fingerprint(self, tokens: list[Token]) -> Fingerprint:
        """Fingerprint a tokenised text. An empty skeleton (or no facts) gives no keys of that kind."""
        return self._from_parts(shingle_hashes(tokens, k=self.params.shingle), facts(tokens))

    def fingerprint_text(self, text: str) -> Fingerprint:
        """``fingerprint(tokenize(text))``, computed without building tokens (faster)."""
        sentences, fact_set = skeleton_and_facts(text)
        return self._from_parts(hash_shingles(sentences, self.params.shingle), fact_set)

    def _from_parts(self, hashes: np.ndarray, fact_set: set[str]) -> Fingerprint:
        p = self.params
        sig = self.signature(hashes)
        keys = self.band_keys(sig) if hashes.size else ()
        fact_keys: tuple[int, ...] = ()
        if len(fact_set) >= 3:
            fh = np.fromiter(sorted(xxhash.xxh64_intdigest(f.encode()) for f in fact_set), dtype=np.uint64)
            fsig = self._minhash(fh, p.num_perm, p.num_perm + p.fact_perm)
            fact_keys = self._keys(fsig, p.fact_bands, 1 << 20)
        return Fingerprint(int(hashes.size), sig, keys, fact_keys)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures of the same hasher."""
    return float(np.mean(a == b))
