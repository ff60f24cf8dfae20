"""``LexiconSpec``: which lexicon to check with, as plain data every engine can ship.

A ``Lexicon`` holds large shared tables (WordNet, frequencies, pair statistics); what a run
adds to them is small and is described here: known (tortured, expected) pairs, the texts of a
reference corpus, and an index whose learned substitutions and texts strengthen detection.
``LexiconSpec.build`` is the one place that turns that description into a lexicon: the CLI
commands, the web app, the local worker pool and the Spark executors all call it, so the same
spec gives the same lexicon everywhere.

The spec holds data, not the files it was read from: known lists and reference corpora are read
by the front end (which reports what it cannot read) and travel as pairs and texts, so a worker
on another machine needs none of those files. Only the index is named by ``index_path``: it
must be readable where ``build`` runs (the Spark engine also finds a copy shipped with
``spark-submit --files``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from unspin.index import Index
from unspin.lexicon import Lexicon

#: Indexed texts counted as reference statistics when no reference corpus is given.
INDEX_REFERENCE_LIMIT = 5000


@dataclass(frozen=True, slots=True)
class LexiconSpec:
    """What a run's lexicon adds to ``Lexicon.default()``.

    ``known``: (tortured phrase, expected phrase) pairs, flagged exactly and learned from
    (``Lexicon.with_known``). ``reference``: texts of a clean corpus of the same genre whose word
    and pair counts strengthen detection. ``index_path``: an index (``unspin index add``) whose
    learned substitutions are added and whose texts (up to ``index_reference_limit``) are the
    reference statistics when ``reference`` is empty: an explicit corpus replaces them.

    ``LexiconSpec()`` is ``Lexicon.default()``. Equal specs build equal lexicons;
    ``from_dict(s.to_dict()) == s``, through JSON too.
    """

    known: tuple[tuple[str, str], ...] = ()
    reference: tuple[str, ...] = ()
    index_path: str | None = None
    index_reference_limit: int = INDEX_REFERENCE_LIMIT

    def __post_init__(self) -> None:
        if self.index_reference_limit < 0:
            raise ValueError(f"index_reference_limit must be at least 0, got {self.index_reference_limit}")

    @classmethod
    def of(cls, *, known: Iterable[tuple[str, str]] = (), reference: Iterable[str] = (),
           index_path: str | None = None, index_reference_limit: int = INDEX_REFERENCE_LIMIT) -> LexiconSpec:
        """A spec from any iterables (stored as tuples)."""
        return cls(tuple((t, e) for t, e in known), tuple(reference), index_path, index_reference_limit)

    def build(self) -> Lexicon:
        """The lexicon this spec describes: ``Lexicon.default()`` (its tables loaded once per
        process), plus the known pairs, plus the index's learned substitutions (the index opened
        read-only, then closed), with the reference statistics of ``reference`` or, when it is
        empty, of the index's texts. Reads nothing else; a missing index raises the store's
        error."""
        lex = Lexicon.default()
        if self.known:
            lex = lex.with_known(self.known)
        if self.index_path is not None:
            with Index.open(self.index_path, read_only=True) as idx:
                lex = idx.lexicon(lex, reference_limit=0 if self.reference else self.index_reference_limit)
        if self.reference:
            lex = lex.with_reference(self.reference)
        return lex

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data: lists of strings, the path and the limit."""
        return {"known": [list(p) for p in self.known], "reference": list(self.reference),
                "index_path": self.index_path, "index_reference_limit": self.index_reference_limit}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LexiconSpec:
        """The spec ``data`` (``to_dict`` output) describes; missing fields take their defaults,
        unknown fields and wrongly typed values raise ``ValueError``."""
        unknown = sorted(set(data) - {"known", "reference", "index_path", "index_reference_limit"})
        if unknown:
            raise ValueError(f"unknown lexicon spec field(s) {', '.join(map(repr, unknown))}")
        known = data.get("known", [])
        if not isinstance(known, list) or not all(
                isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(w, str) for w in p) for p in known):
            raise ValueError("known: expected a list of [tortured, expected] string pairs")
        reference = data.get("reference", [])
        if not isinstance(reference, list) or not all(isinstance(t, str) for t in reference):
            raise ValueError("reference: expected a list of texts")
        path = data.get("index_path")
        if path is not None and not isinstance(path, str):
            raise ValueError("index_path: expected a string or null")
        limit = data.get("index_reference_limit", INDEX_REFERENCE_LIMIT)
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise ValueError("index_reference_limit: expected an integer")
        return cls.of(known=((t, e) for t, e in known), reference=reference, index_path=path,
                      index_reference_limit=limit)
