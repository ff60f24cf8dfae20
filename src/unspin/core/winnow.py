"""Containment candidates: winnowed hashes of content-word shingles (as MOSS does).

The skeleton bands of ``unspin.core.fingerprint`` find whole copies (resemblance of two
documents). A passage copied into a longer text, or a short text that takes part of a longer
one, shares few band keys with its source; what it shares is runs of the source's words. This
module selects a small, position-robust subset of the hashes of content-word ``k``-grams
(winnowing, Schleimer, Wilkerson & Aiken 2003), which the index stores per document and
queries by *containment*: the share of the query's hashes that a source holds.

Choices, and why:

* **content words only**: words are the lower-cased runs of letters and digits, with a plural
  ``s`` cut; stopwords (``unspin.core.stopwords``) and one-letter words are
  dropped, so that shingles skip the function words that every news text shares and survive
  "the"/"a" edits and plural changes;
* ``WINNOW_K = 3`` content words: one content-word 3-gram rarely recurs between independent
  news texts (two words often do: "prime minister"), while a light spin that changes 15% of
  the words leaves about 0.85**3 = 61% of the 3-grams intact (5-grams would keep 44%);
* ``WINNOW_WINDOW = 10``: any run of ``k + w - 1 = 12`` shared content words (about one news
  sentence) is guaranteed to share a selected hash, and the expected density is
  ``2 / (w + 1)``, about 0.18 hashes per content word: some 35 keys for a BBC article
  (about 1 KB in SQLite), which keeps the index under its 2.5 KB per article budget; window 6
  found no more sources on the tuning half and cost 1.5 KB per article.

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from unspin.core.stopwords import STOPWORDS
from unspin.text import encodable

WINNOW_K = 3
WINNOW_WINDOW = 10
# A containment candidate must hold at least this share of the query's hashes (and two of
# them), or at least ``ENOUGH_SHARED`` of them whatever their share: below that, shared hashes
# are chance 3-grams that alignment would reject anyway. A lightly spun passage of five
# sentences inside a long article keeps about four hashes, under 5% of the query's (bench
# partial, report half: 4 of 83 for bbc-tech-205).
MIN_CONTAINMENT = 0.05
MIN_SHARED = 2
ENOUGH_SHARED = 4
# Containment candidates verified per query, beside the band candidates.
CONTAINMENT_LIMIT = 10
_STOP = sorted(STOPWORDS)
_SEED = 0x756E7370  # xxh64 seed of word hashes ("unsp")


@dataclass(frozen=True, slots=True)
class ContainmentParams:
    """Which containment candidates a query verifies (query time only: nothing here is stored
    in an index). A source is kept when it holds at least ``min_shared`` of the query's winnowed
    hashes and at least ``min_containment`` of them, or at least ``enough_shared`` whatever their
    share; at most ``limit`` are kept, beside the band candidates. Defaults: the module constants."""

    min_containment: float = MIN_CONTAINMENT
    min_shared: int = MIN_SHARED
    enough_shared: int = ENOUGH_SHARED
    limit: int = CONTAINMENT_LIMIT

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_containment <= 1.0:
            raise ValueError(f"min_containment must be between 0 and 1, got {self.min_containment!r}")
        for name in ("min_shared", "enough_shared", "limit"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")


def _content_words(texts: Sequence[str]) -> tuple[np.ndarray, pl.Series]:
    """(document number of each word, the words) of a batch, in text order, vectorised."""
    df = pl.DataFrame({"doc": np.arange(len(texts), dtype=np.int64), "w": pl.Series([encodable(t) for t in texts],
                                                                            dtype=pl.String)})
    w = pl.col("w")
    df = (df.with_columns(w.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
                          .str.split(" "))
          .explode("w")
          .filter((w.str.len_chars() > 1) & ~w.is_in(_STOP))
          .with_columns(pl.when((w.str.len_chars() > 4) & w.str.ends_with("s") & ~w.str.ends_with("ss"))
                        .then(w.str.slice(0, w.str.len_chars() - 1)).otherwise(w).alias("w")))
    return df["doc"].to_numpy(), df["w"]


def content_words(text: str) -> list[str]:
    """The normalised content words of ``text``, in order (see the module docstring)."""
    return _content_words([text])[1].to_list()


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_hashes(words: Sequence[str], k: int = WINNOW_K) -> np.ndarray:
    """Signed 64-bit hashes of the ``k``-grams of ``words`` (one hash of all when fewer),
    stable across runs and machines: xxh64 of each word, mixed in order."""
    return _gram_hashes(_word_hashes(pl.Series([encodable(w) for w in words], dtype=pl.String)), k)


def _word_hashes(words: pl.Series) -> np.ndarray:
    """xxh64 (seeded) of each word, one Python call per distinct word."""
    if words.len() == 0:
        return np.zeros(0, dtype=np.uint64)
    # pyarrow's stubs type the result as the input's array type; it is a DictionaryArray.
    enc = cast("pa.DictionaryArray[Any, Any]", pc.dictionary_encode(words.to_arrow()))
    h = xxhash.xxh64_intdigest
    distinct = cast("list[str]", enc.dictionary.to_pylist())  # nulls are in the indices, never here
    table = np.fromiter((h(x.encode("utf-8"), _SEED) for x in distinct), dtype=np.uint64,
                        count=len(enc.dictionary))
    return table[enc.indices.to_numpy(zero_copy_only=False)]  # type: ignore[no-any-return]  # numpy stubs: indexing is Any


def _gram_hashes(wh: np.ndarray, k: int) -> np.ndarray:
    """Signed 64-bit hashes of the ``k``-grams of a word-hash sequence (one of all when shorter)."""
    n = max(1, len(wh) - k + 1)
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(min(k, len(wh))):
            acc = _mix(acc ^ wh[j : j + n])
    return acc.view(np.int64)


def winnow(hashes: Sequence[int] | np.ndarray, window: int = WINNOW_WINDOW) -> tuple[int, ...]:
    """The winnowed subset of ``hashes``: the smallest of every ``window`` consecutive hashes
    (the rightmost on ties), distinct, in first-selection order. Fewer than ``window`` hashes:
    their minimum. Guarantee: two sequences sharing a run of ``window`` hashes share a selection."""
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    h = np.asarray(hashes, dtype=np.int64)
    if not h.size:
        return ()
    if h.size <= window:
        return (int(h.min()),)
    # argmin over each window reversed: the rightmost smallest hash of every window.
    rev = np.lib.stride_tricks.sliding_window_view(h, window)[:, ::-1]
    pos = np.arange(len(h) - window + 1) + (window - 1 - rev.argmin(axis=1))
    return tuple(dict.fromkeys(h[np.unique(pos)].tolist()))


def winnow_keys(text: str, *, k: int = WINNOW_K, window: int = WINNOW_WINDOW) -> tuple[int, ...]:
    """The winnowed content-word ``k``-gram hashes of ``text`` (signed 64-bit, distinct)."""
    return winnow_keys_batch([text], k=k, window=window)[0]


def containment(shared: int, query_keys: int) -> float:
    """Share of a query's ``query_keys`` winnowed hashes that a source holds (0 for none)."""
    return shared / query_keys if query_keys else 0.0


def rank_by_containment(shared: Iterable[tuple[str, int]], query_keys: int, *, limit: int,
                        min_containment: float = MIN_CONTAINMENT, min_shared: int = MIN_SHARED,
                        enough_shared: int = ENOUGH_SHARED) -> list[tuple[str, float]]:
    """(source id, containment) of the sources worth verifying, best first, ties by id, at most
    ``limit``: those holding at least ``min_shared`` of the query's hashes and at least
    ``min_containment`` of them, or at least ``enough_shared`` hashes whatever their share.
    ``shared``: (source id, number of the query's hashes it holds)."""
    counted = [(i, n, containment(n, query_keys)) for i, n in shared if n >= min_shared]
    kept = [(i, c) for i, n, c in counted if c >= min_containment or n >= enough_shared]
    kept.sort(key=lambda ic: (-ic[1], ic[0]))
    return kept[:limit]


def winnow_keys_batch(texts: Sequence[str], *, k: int = WINNOW_K,
                      window: int = WINNOW_WINDOW) -> list[tuple[int, ...]]:
    """``winnow_keys`` of each text, computed for the whole batch at once (each word hashed
    once per batch, shingles and windows vectorised): the same keys, several times faster."""
    if k < 1 or window < 1:
        raise ValueError(f"k and window must be at least 1, got {k} and {window}")
    doc_of, flat = _content_words(texts)
    lens = np.bincount(doc_of, minlength=len(texts)).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(lens)[:-1])).astype(np.int64) if len(texts) else lens
    wh = _word_hashes(flat)
    out: list[tuple[int, ...]] = []
    # Shingle j of the flat array mixes words j..j+k-1; valid when they lie in one document.
    n = max(0, len(wh) - k + 1)
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = _mix(acc ^ wh[j : j + n])
    grams = acc.view(np.int64)
    # Rightmost minimum of every window of consecutive shingles (windows across documents unused).
    m = max(0, n - window + 1)
    pick = (np.arange(m) + (window - 1 - np.lib.stride_tricks.sliding_window_view(grams, window)[:, ::-1]
                             .argmin(axis=1))) if m else np.zeros(0, dtype=np.int64)
    for d in range(len(texts)):
        size, s = int(lens[d]), int(starts[d])
        if size == 0:
            out.append(())
        elif size < k or size - k + 1 <= window:
            out.append(winnow(_gram_hashes(wh[s : s + size], k), window))
        else:
            g = size - k + 1
            pos = np.unique(pick[s : s + g - window + 1])
            out.append(tuple(dict.fromkeys(grams[pos].tolist())))
    return out
