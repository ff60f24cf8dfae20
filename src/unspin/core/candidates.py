"""Which indexed documents a query verifies: its band candidates and its containment sources
(and, with the semantic path on, its nearest passages), merged.

A query gets two ranked lists from an index: the documents sharing most of its LSH band keys
(``Store.candidates``, whole copies and same-story reports) and those holding most of its
winnowed content-word hashes (``Store.containment_candidates``, passages copied into a longer or
shorter text); with the semantic path on, also the documents whose passage vectors lie nearest
the query's (``unspin.core.semantic.rank_semantic``, paraphrases: a third list, which only the
local engine computes). ``choose_candidates`` is the one rule that turns them into the list
verified by alignment; the local engine (``unspin.index.Index.trace``) and the Spark engine
(``unspin.engines.spark``) both call it, so they verify the same documents in the same order.

Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from unspin.core.winnow import ContainmentParams, rank_by_containment


@dataclass(frozen=True, slots=True)
class CandidateChoice:
    """What a query verifies. ``contained``: (source id, containment) of the sources kept by
    ``rank_by_containment``, best first; ``ids``: the documents to verify, in order;
    ``similar``: the semantic candidates given (id, score), best first."""

    contained: tuple[tuple[str, float], ...]
    ids: tuple[str, ...]
    similar: tuple[tuple[str, float], ...] = ()


def choose_candidates(band: Iterable[str], held: Iterable[tuple[str, int]], query_keys: int, *,
                      params: ContainmentParams | None = None,
                      similar: Iterable[tuple[str, float]] = ()) -> CandidateChoice:
    """The documents a query verifies.

    ``band``: its band candidates' ids, as the store ranked them. ``held``: (id, number of the
    query's ``query_keys`` distinct winnow keys the document holds), as the store ranked and cut
    them. ``params``: the containment thresholds and limit (default ``ContainmentParams()``).
    Guarantees: ``contained`` is ``rank_by_containment(held, query_keys, ...)`` with those
    thresholds and limit (empty when the query has no winnow keys); ``ids`` holds every band candidate in its order,
    then every contained source that is not a band candidate, in containment order, then every
    ``similar`` document (the semantic path's ``rank_semantic``, as ranked) not listed yet; each id once.
    """
    p = params if params is not None else ContainmentParams()
    contained = tuple(rank_by_containment(held, query_keys, limit=p.limit, min_containment=p.min_containment,
                                          min_shared=p.min_shared, enough_shared=p.enough_shared)) \
        if query_keys else ()
    near = tuple(similar)
    ids = tuple(dict.fromkeys([*band, *(i for i, _c in contained), *(i for i, _s in near)]))
    return CandidateChoice(contained, ids, near)
