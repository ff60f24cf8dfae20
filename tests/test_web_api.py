"""The HTTP API of ``unspin serve``, against real uvicorn servers on 127.0.0.1 over a real
SQLite index: responses are the CLI's own JSONL objects, limits, token, read-only mode, schema
and concurrency."""

from __future__ import annotations

import json
import re
import shutil
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web service needs fastapi (pip install fastapi uvicorn)")
uvicorn = pytest.importorskip("uvicorn", reason="the web service needs uvicorn (pip install fastapi uvicorn)")
httpx = pytest.importorskip("httpx", reason="these tests call the server with httpx (pip install httpx)")

from click.testing import CliRunner  # noqa: E402

from unspin import CheckConfig, Index, Lexicon, __version__, check  # noqa: E402
from unspin.cli import main as cli_main  # noqa: E402
from unspin.spec import LexiconSpec  # noqa: E402
from unspin.web.app import create_app  # noqa: E402

from .web_server import DOCS, SLASH_ID, SOURCE, SPUN, build_index, running_server  # noqa: E402

# Small limits so that oversized requests stay small (and fast) in the tests.
MAX_BYTES = 16_000
MAX_CHARS = 6_000
TOKEN = "s3cret-token"


def substitution_count(db: Path) -> int:
    """Distinct learned substitutions in the index (read through a separate connection)."""
    with Index.open(db, read_only=True) as idx:
        return idx.info().substitutions


def learned_rows(db: Path) -> list[tuple[str, str, str, str]]:
    """Every learned (spun, source, source id, copy id) in the index, read from the SQLite file."""
    with Index.open(db, read_only=True) as idx:
        return [(s.spun, s.source, src, copy) for s in idx.learned() for src, copy in s.learned_from]


def as_json(obj: dict[str, Any]) -> Any:
    """What a dict looks like after a JSON round trip (tuples become lists)."""
    return json.loads(json.dumps(obj))


@dataclass
class Served:
    """A running server and what it was started with."""

    url: str
    db: Path | None
    pristine: Path | None
    lexicon: Lexicon | None


# --------------------------------------------------------------------------------------------
# Fixtures: one server per configuration, per module


@pytest.fixture(scope="module")
def base_lexicon() -> Lexicon:
    return Lexicon.default()


@pytest.fixture(scope="module")
def pristine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index as built, never served (so expectations do not depend on test order)."""
    return build_index(tmp_path_factory.mktemp("web") / "pristine.db")


@pytest.fixture(scope="module")
def served(pristine_db: Path, base_lexicon: Lexicon, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A learning server (``--learn``) over a copy of the index."""
    db = tmp_path_factory.mktemp("served") / "served.db"
    shutil.copy(pristine_db, db)
    expected_lexicon = LexiconSpec(index_path=str(pristine_db)).build()  # what the server must build at startup
    with running_server(db=str(db), learn=True, max_request_bytes=MAX_BYTES,
                        max_text_chars=MAX_CHARS) as url:
        yield Served(url, db, pristine_db, expected_lexicon)


@pytest.fixture(scope="module")
def read_only(pristine_db: Path, base_lexicon: Lexicon, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A read-only server over another copy of the index."""
    db = tmp_path_factory.mktemp("ro") / "ro.db"
    shutil.copy(pristine_db, db)
    with running_server(db=str(db), read_only=True) as url:
        yield Served(url, db, pristine_db, None)


@pytest.fixture(scope="module")
def secured(base_lexicon: Lexicon) -> Iterator[Served]:
    """A server with an API token and no index."""
    with running_server(token=TOKEN) as url:
        yield Served(url, None, None, base_lexicon)


@pytest.fixture()
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=30) as c:
        yield c


# --------------------------------------------------------------------------------------------
# The responses are the API's and the CLI's own objects


def test_check_is_the_api_result(served: Served, client: httpx.Client) -> None:
    for text, doc_id, threshold in [(SPUN, "spun", 0.5), (SOURCE, "source", 0.5), (SPUN, "strict", 0.99)]:
        r = client.post("/check", json={"text": text, "id": doc_id, "threshold": threshold})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/json")
        expected = check(text, id=doc_id, lexicon=served.lexicon, config=CheckConfig(threshold=threshold)).to_dict()
        assert r.json() == as_json(expected)
    spun = client.post("/check", json={"text": SPUN}).json()
    assert spun["id"] == "-" and spun["spun"] is True and spun["threshold"] == 0.5
    assert {f["suggestion"] for f in spun["findings"]} >= {"training data"}
    assert client.post("/check", json={"text": SOURCE}).json()["spun"] is False


def test_check_uses_the_servers_configuration(base_lexicon: Lexicon) -> None:
    """A server created with a non-default ``CheckConfig`` answers ``/check`` with it (a
    request's threshold replaces only the threshold), and its lexicon is the spec's."""
    from dataclasses import replace

    from unspin.core.detect import DetectorParams
    from unspin.core.spin_evidence import SpinModel

    config = CheckConfig(threshold=0.8, detector=replace(DetectorParams(), spin=replace(SpinModel(), pivot_zipf=4.4)))
    spec = LexiconSpec(known=(("preparation information", "training data"),))
    lexicon = spec.build()
    with running_server(config=config, lexicon=spec) as url, httpx.Client(base_url=url, timeout=30) as c:
        got = c.post("/check", json={"text": SPUN}).json()
        asked = c.post("/check", json={"text": SPUN, "threshold": 0.2}).json()
    assert got == as_json(check(SPUN, lexicon=lexicon, config=config).to_dict())
    assert got != as_json(check(SPUN, lexicon=base_lexicon, config=CheckConfig(threshold=0.8)).to_dict())
    assert asked == as_json(check(SPUN, lexicon=lexicon, config=replace(config, threshold=0.2)).to_dict())


def test_check_and_trace_match_the_cli_jsonl(served: Served, client: httpx.Client, tmp_path: Path) -> None:
    """Same text, same index: the server answers exactly the object the CLI writes as JSONL."""
    suspect = tmp_path / "suspect.txt"
    suspect.write_text(SPUN, encoding="utf-8")
    runner = CliRunner()
    cli_check = runner.invoke(cli_main, ["check", "--db", str(served.pristine), str(suspect), "--format", "jsonl"])
    assert cli_check.exit_code == 1, cli_check.output  # 1: spun
    cli_trace = runner.invoke(cli_main, ["trace", "--db", str(served.pristine), str(suspect), "--format", "jsonl",
                                         "--no-learn"])
    assert cli_trace.exit_code == 1, cli_trace.output  # 1: derived
    doc_id = json.loads(cli_check.output)["id"]
    web_check = client.post("/check", json={"text": SPUN, "id": doc_id})
    web_trace = client.post("/trace", json={"text": SPUN, "id": doc_id, "learn": False})
    assert web_check.json() == json.loads(cli_check.output)
    assert web_trace.json() == json.loads(cli_trace.output)


def test_trace_is_the_index_result_and_learns(served: Served, client: httpx.Client) -> None:
    assert served.db is not None and served.pristine is not None
    with Index.open(served.pristine, read_only=True) as idx:
        expected = idx.trace(SPUN, id="q", top=3, learn=False).to_dict()
    before = learned_rows(served.db)
    r = client.post("/trace", json={"text": SPUN, "id": "q", "top": 3})
    assert r.status_code == 200, r.text
    assert r.json() == as_json(expected)
    assert learned_rows(served.db) == before  # learning is asked for, never the default
    r = client.post("/trace", json={"text": SPUN, "id": "q", "top": 3, "learn": True})
    assert r.status_code == 200 and r.json() == as_json(expected)
    best = r.json()["matches"][0]
    assert best["source_id"] == "bristol-ai" and best["relation"] == "derived"
    assert {"text": "counterfeit consciousness", "source_text": "artificial intelligence"}.items() <= next(
        s for s in best["substitutions"] if s["text"] == "counterfeit consciousness").items()
    after = learned_rows(served.db)
    assert len(after) > len(before)  # the verified copy taught the index, with its provenance
    assert {("counterfeit consciousness", "artificial intelligence", "bristol-ai", "q")} <= set(after)
    unrelated = client.post("/trace", json={"text": "Nothing here resembles any indexed article at all."})
    assert unrelated.status_code == 200 and unrelated.json()["matches"] == []


def test_read_only_server_never_learns(read_only: Served) -> None:
    assert read_only.db is not None
    before = substitution_count(read_only.db)
    with httpx.Client(base_url=read_only.url, timeout=30) as c:
        for body in ({"text": SPUN}, {"text": SPUN, "learn": False}, {"text": SPUN, "top": 1}):
            r = c.post("/trace", json=body)
            assert r.status_code == 200, r.text
            assert r.json()["matches"][0]["relation"] == "derived"
        refused = c.post("/trace", json={"text": SPUN, "learn": True})
        health = c.get("/health").json()
        page = c.get("/").text
    assert refused.status_code == 403 and "--learn" in refused.json()["detail"]
    assert health["read_only"] is True and health["learn"] is False and health["documents"] == len(DOCS)
    assert substitution_count(read_only.db) == before
    assert 'data-learn="0"' in page


def test_a_server_learns_only_when_started_with_learn(pristine_db: Path, base_lexicon: Lexicon,
                                                      tmp_path: Path) -> None:
    """Without --learn the index is opened read-only and a request to learn is refused; the
    learning server's page offers the control, unticked, and says that it writes to the index."""
    db = tmp_path / "default.db"
    shutil.copy(pristine_db, db)
    before = learned_rows(db)
    with running_server(db=str(db)) as url, httpx.Client(base_url=url, timeout=30) as c:
        assert c.post("/trace", json={"text": SPUN, "learn": True}).status_code == 403
        assert c.post("/trace", json={"text": SPUN}).status_code == 200
        assert c.get("/health").json()["read_only"] is True
    assert learned_rows(db) == before
    with pytest.raises(ValueError, match="exclude"):
        create_app(db=str(db), learn=True, read_only=True)


def test_the_learning_page_says_it_writes_to_the_index(client: httpx.Client) -> None:
    page = client.get("/").text
    assert 'data-learn="1"' in page and '<input id="learn" type="checkbox">' in page
    assert "writes to the index" in page


def test_documents(client: httpx.Client) -> None:
    r = client.get("/documents/bristol-ai")
    assert r.status_code == 200 and r.json() == {"id": "bristol-ai", "text": SOURCE}
    slash = client.get("/documents/" + SLASH_ID.replace("/", "%2F"))
    assert slash.status_code == 200 and slash.json()["id"] == SLASH_ID
    assert client.get("/documents/" + SLASH_ID).json()["id"] == SLASH_ID
    missing = client.get("/documents/no-such-doc")
    assert missing.status_code == 404
    assert "no-such-doc" in missing.json()["detail"]


def test_health(served: Served, client: httpx.Client) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": __version__, "documents": len(DOCS), "read_only": False,
                        "learn": True, "tier": "fast"}
    assert r.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_the_endpoints_and_cdn_pages_are_off(client: httpx.Client) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert {"/check", "/trace", "/documents/{doc_id}", "/health"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/check"] and "post" in schema["paths"]["/trace"]
    assert {"CheckRequest", "TraceRequest", "CheckResponse", "TraceResponse"} <= set(schema["components"]["schemas"])
    for page in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert client.get(page).status_code == 404


def test_the_schema_says_which_texts_are_blank(client: httpx.Client) -> None:
    # Found by schemathesis: "\x1c" (a space to str.strip) fits "minLength: 1" but got 422; the
    # schema now has the pattern of a text that is not only whitespace, exactly as Python sees it.
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("CheckRequest", "TraceRequest"):
        pattern = re.compile(schemas[name]["properties"]["text"]["pattern"])
        for c in map(chr, range(0x3100)):
            assert bool(pattern.search(c)) == bool(c.strip()), (name, hex(ord(c)))
    for text in ("\x1c", "\x1f\x85", "\u3000 \u2028"):
        assert client.post("/check", json={"text": text}).status_code == 422
    assert client.post("/check", json={"text": "\ufeff"}).status_code == 200  # not a space to Python


def test_page_is_served_with_a_strict_policy(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "http" not in csp  # no external origin is allowed
    assert "innerHTML" not in r.text and "insertAdjacentHTML" not in r.text and "document.write" not in r.text
    assert 'data-index="1"' in r.text and 'data-auth="0"' in r.text


# --------------------------------------------------------------------------------------------
# Errors


def test_validation_errors_say_what_to_fix(client: httpx.Client) -> None:
    cases = [
        ({"id": "x"}, "text: field required"),
        ({"text": "x", "threshold": 2}, "threshold"),
        ({"text": "x", "thresold": 0.4}, "thresold: unknown field"),
        ({"text": ""}, "text"),
        ({"text": 12}, "text"),
        ({"text": " \n\t "}, "text: Value error, the text is empty (only whitespace)"),  # not "clean"
    ]
    for body, needle in cases:
        r = client.post("/check", json=body)
        assert r.status_code == 422, body
        assert needle in r.json()["detail"], r.json()
    assert client.post("/trace", json={"text": "   "}).status_code == 422
    bad_top = client.post("/trace", json={"text": "x", "top": 0})
    assert bad_top.status_code == 422 and "top" in bad_top.json()["detail"]
    not_json = client.post("/check", content=b"{not json", headers={"content-type": "application/json"})
    assert not_json.status_code == 422 and "not valid JSON" in not_json.json()["detail"]
    # Found by schemathesis: bodies the JSON parser cannot even decode got FastAPI's bare 400
    # "There was an error parsing the body", a status the schema does not list.
    for body, reason in [(b"\xff\xfe{\"text\": \"x\"}", "not UTF-8"), (b"[" * 10_000, "nested too deeply"),
                         (b'{"text": "x", "id": ' + b"1" * 5000 + b"}", "too many digits")]:
        r = client.post("/check", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, (body[:10], r.text)
        assert "not valid JSON" in r.json()["detail"] and reason in r.json()["detail"]
        assert r.json()["errors"][0]["type"] == "json_invalid"
    # Found by schemathesis: pydantic's lax mode took false for a threshold of 0, 0 for
    # "learn": false and "5" for a top of 5, though the schema says number, boolean, integer.
    for path, body in [("/check", {"text": "x", "threshold": False}), ("/check", {"text": "x", "threshold": "0.5"}),
                       ("/trace", {"text": "x", "learn": 0}), ("/trace", {"text": "x", "top": "5"}),
                       ("/trace", {"text": "x", "top": True})]:
        r = client.post(path, json=body)
        assert r.status_code == 422, (body, r.text)
        assert (set(body) - {"text"}).pop() in r.json()["detail"]
    assert client.post("/check", json={"text": "x", "threshold": 1}).status_code == 200  # an int is a number
    assert client.post("/trace", json={"text": "x", "top": 5.0}).status_code == 200  # and 5.0 an integer
    wrong_method = client.get("/check")
    assert wrong_method.status_code == 405 and "detail" in wrong_method.json()


def test_oversized_bodies_and_texts_get_413(served: Served, client: httpx.Client) -> None:
    # A body over the limit, with Content-Length.
    big = json.dumps({"text": "word " * (MAX_BYTES // 4)}).encode()
    assert len(big) > MAX_BYTES
    r = client.post("/check", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and f"{MAX_BYTES:,} bytes" in r.json()["detail"]

    # A streamed (chunked) body with no Content-Length is cut off once it passes the limit.
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(MAX_BYTES // 1000 + 4):
            yield b"x" * 1000
        yield b'"}'

    r = client.post("/trace", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413, r.text

    # A huge declared Content-Length is refused before any of the body is sent.
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"POST /check HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 900000000\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            part = s.recv(65536)
            if not part:
                break
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"900,000,000 bytes" in answer

    # A text over max_text_chars in a body under max_request_bytes.
    long_text = "a" * (MAX_CHARS + 1)
    for path in ("/check", "/trace"):
        r = client.post(path, json={"text": long_text})
        assert r.status_code == 413 and "characters" in r.json()["detail"], r.text
    # At the limit it is accepted.
    assert client.post("/check", json={"text": "a " * (MAX_CHARS // 2)}).status_code == 200


# --------------------------------------------------------------------------------------------
# Token and missing index


def test_token_is_required_except_for_health_and_the_page(secured: Served) -> None:
    good = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=secured.url, timeout=30) as c:
        assert c.get("/health").status_code == 200
        page = c.get("/")
        assert page.status_code == 200 and 'data-auth="1"' in page.text and TOKEN not in page.text
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                        {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer"}):
            r = c.post("/check", json={"text": SPUN}, headers=headers)
            assert r.status_code == 401, headers
            assert "token" in r.json()["detail"]
            assert r.headers["www-authenticate"] == "Bearer"
            assert c.get("/documents/x", headers=headers).status_code == 401
            assert c.get("/openapi.json", headers=headers).status_code == 401
            assert c.post("/trace", json={"text": SPUN}, headers=headers).status_code == 401
        r = c.post("/check", json={"text": SPUN, "id": "t"}, headers=good)
        assert r.status_code == 200
        assert r.json() == as_json(check(SPUN, id="t", lexicon=secured.lexicon).to_dict())
        assert c.get("/openapi.json", headers=good).status_code == 200
        # No index: trace and documents say how to configure one.
        for r in (c.post("/trace", json={"text": SPUN}, headers=good), c.get("/documents/x", headers=good)):
            assert r.status_code == 503
            assert "no index configured" in r.json()["detail"] and "--db" in r.json()["detail"]
        assert c.get("/health").json()["documents"] is None


# --------------------------------------------------------------------------------------------
# Concurrency


def test_concurrent_requests_all_succeed(served: Served) -> None:
    expected_check = as_json(check(SPUN, id="c", lexicon=served.lexicon).to_dict())

    def worker(k: int) -> list[tuple[str, int, bool]]:
        out = []
        with httpx.Client(base_url=served.url, timeout=60) as c:
            for i in range(10):
                kind = ("check", "trace", "doc", "health")[(k + i) % 4]
                if kind == "check":
                    r = c.post("/check", json={"text": SPUN, "id": "c"})
                    out.append((kind, r.status_code, r.json() == expected_check))
                elif kind == "trace":
                    r = c.post("/trace", json={"text": SPUN, "id": f"t{k}-{i}"})
                    ok = r.status_code == 200 and r.json()["matches"][0]["source_id"] == "bristol-ai"
                    out.append((kind, r.status_code, ok))
                elif kind == "doc":
                    r = c.get("/documents/bristol-ai")
                    out.append((kind, r.status_code, r.json().get("text") == SOURCE))
                else:
                    r = c.get("/health")
                    out.append((kind, r.status_code, r.json().get("status") == "ok"))
        return out

    with ThreadPoolExecutor(8) as pool:
        results = [x for part in pool.map(worker, range(8)) for x in part]
    assert len(results) == 80
    assert all(status == 200 and ok for _kind, status, ok in results), [r for r in results if r[1] != 200 or not r[2]]
