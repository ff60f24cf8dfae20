"""Schemathesis against a real ``unspin serve`` application on 127.0.0.1: requests generated
from its own ``/openapi.json`` (valid and invalid bodies, odd ids and paths) must never get a
5xx, and every answer must match the schema (status code, content type, body).

Two servers are fuzzed: one over a real SQLite index (read-only, learning off: the default of
``unspin serve --db``) and one without an index. The ``ci`` profile sends a few dozen requests
per operation; ``HYPOTHESIS_PROFILE=long`` sends ``UNSPIN_FUZZ_API_EXAMPLES`` (default 2000).
``bench/fuzz.sh api MINUTES`` fuzzes a ``unspin serve`` process with the schemathesis CLI instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="API fuzzing needs schemathesis (pip install schemathesis)")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from unspin import CheckConfig  # noqa: E402

from .web_server import build_index, running_server  # noqa: E402

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = int(os.environ.get("UNSPIN_FUZZ_API_EXAMPLES", "2000")) if LONG else 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@pytest.fixture(scope="module", params=["index", "no-index"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, bool]]:
    """(base URL, whether it has an index) of a running server."""
    db = build_index(tmp_path_factory.mktemp("api") / "i.db") if request.param == "index" else None
    before = Path(db).read_bytes() if db else None
    with running_server(db=str(db) if db else None, config=CheckConfig(), max_request_bytes=64_000,
                        max_text_chars=20_000) as url:
        yield url, db is not None
    if db is not None:  # learning is off: the fuzz must not have written to the index
        assert Path(db).read_bytes() == before


@pytest.fixture(scope="module")
def api_schema(server: tuple[str, bool]) -> Any:
    return schemathesis.openapi.from_url(server[0] + "/openapi.json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api(api_schema: Any, server: tuple[str, bool], mode: GenerationMode) -> None:
    """Every operation of the schema, with bodies that fit it (positive) and that do not
    (negative: those must get a 4xx, never a 5xx nor a 2xx). The one 5xx allowed is the
    documented 503 of ``/trace`` and ``/documents`` on a server without an index."""
    url, has_index = server
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/check", "/trace", "/documents/{doc_id}", "/health"}
    for op in operations:
        if mode == GenerationMode.NEGATIVE and op.path in ("/health", "/documents/{doc_id}"):
            continue  # no body, and no parameter a string cannot fill: nothing to get wrong
        fuzz_operation(op, url, has_index=has_index, mode=mode)


def fuzz_operation(op: Any, url: str, *, has_index: bool, mode: GenerationMode) -> None:
    """``EXAMPLES`` requests generated for ``op``, each answer validated by ``CHECKS``."""
    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def call(case: Any) -> None:
        response = case.call(base_url=url, timeout=60)
        no_index = not has_index and response.status_code == 503 and op.path != "/check"
        case.validate_response(response, checks=CHECKS[1:] if no_index else CHECKS)

    call()
