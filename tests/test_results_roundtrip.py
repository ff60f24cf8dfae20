"""Lossless JSON round trip of the core's results (how the Spark engine moves them between processes)."""

import json
import math
from dataclasses import fields, is_dataclass, replace
from typing import Any

import pytest

from unspin import Lexicon, check
from unspin.core.results import Alignment, CheckResult, Finding, Match, Substitution, TraceResult
from unspin.core.trace import trace_text
from unspin.engines.local import scan
from unspin.engines.spark import _check_from_json, _match_from_json, _to_json

from .texts import BOE_LONG as SOURCE
from .texts import BOE_LONG_SPUN as SPUN
from .texts import BOE_SPUN_COPY as SPUN_COPY
from .texts import SAME_STORY, SHORT_SPUN

RESULT_TYPES = (Finding, CheckResult, Alignment, Substitution, Match, TraceResult)


def via_json(x: Any) -> Any:
    """``type(x).from_dict`` of the JSON text of ``x.to_dict(exact=True)`` (strict JSON: no NaN tokens)."""
    return type(x).from_dict(json.loads(json.dumps(x.to_dict(exact=True), allow_nan=False)))


def assert_same(a: Any, b: Any, path: str = "result") -> None:
    """Equal, and of the same types all the way down (tuples stay tuples, ints stay ints)."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if is_dataclass(a):
        for f in fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), path
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{k}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), path
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def test_check_results_round_trip(lexicon: Lexicon) -> None:
    results = [check(t, id=i, lexicon=lexicon) for i, t in
               [("short", SHORT_SPUN), ("boe", SPUN), ("copy", SPUN_COPY), ("source", SOURCE), ("story", SAME_STORY)]]
    assert any(r.findings and r.spun for r in results)  # findings with evidence tuples are covered
    for r in results:
        back = via_json(r)
        assert back == r
        assert_same(back, r)
        assert_same(_check_from_json(_to_json(r)), r)  # what the Spark engine stores and reads back
        for f in r.findings:
            assert_same(via_json(f), f)


def test_trace_results_and_matches_round_trip() -> None:
    res = trace_text(SPUN, [("same", SAME_STORY), ("src", SOURCE)], id="q")
    assert {m.relation for m in res.matches} == {"derived", "same-story"}
    assert any(m.substitutions for m in res.matches)
    back = via_json(res)
    assert back == res
    assert_same(back, res)
    for m in res.matches:
        assert via_json(m) == m
        assert_same(_match_from_json(_to_json(m)), m)
        for part in (*m.alignments, *m.substitutions):
            assert_same(via_json(part), part)


def test_scan_results_round_trip(lexicon: Lexicon) -> None:
    res = scan([("src", SOURCE), ("copy", SPUN), ("story", SAME_STORY), ("short", SHORT_SPUN)])
    matches = [e.match for e in res.edges if e.match is not None]
    assert matches and res.documents
    for r in res.documents:
        assert_same(via_json(r), r)
    for m in matches:
        assert_same(via_json(m), m)


def test_exact_keeps_what_the_output_form_rounds(lexicon: Lexicon) -> None:
    r = check(SHORT_SPUN, id="s", lexicon=lexicon)
    r = replace(r, score=1 / 3)
    assert r.to_dict()["score"] == 0.3333  # the written form is unchanged
    assert r.to_dict(exact=True)["score"] == 1 / 3
    assert CheckResult.from_dict(r.to_dict(exact=True)) == r


def test_non_finite_numbers_round_trip_as_strict_json() -> None:
    nan, inf = float("nan"), float("inf")
    finding = Finding(0, 3, "odd", None, inf, ("a", "b"))
    r = CheckResult("x", True, nan, -inf, (finding,), "odd", 1, {"a": nan, "b": inf, "c": -inf, "n": 3})
    m = Match("s", "derived", inf, nan, (Alignment(0, 3, 0, 3, nan),), (Substitution(0, 3, "odd", 0, 4, "even"),),
              "even", {"x": -inf})
    t = TraceResult("x", (m,), {"candidates": nan})
    for x in (finding, r, m, t):
        assert_same(via_json(x), x)
    assert r.to_dict(exact=True)["stats"] == {"a": "nan", "b": "inf", "c": "-inf", "n": 3}


def test_every_result_type_has_from_dict() -> None:
    for cls in RESULT_TYPES:
        assert callable(getattr(cls, "from_dict", None)), cls.__name__
