"""The HTTP API and web page of ``unspin serve``.

``create_app`` builds a FastAPI application over the same facade as the command line: ``POST
/check`` answers with ``CheckResult.to_dict()`` and ``POST /trace`` with ``TraceResult.to_dict()``,
exactly the objects ``unspin check --format jsonl`` and ``unspin trace --format jsonl`` write.

Guarantees:

* the lexicon is built once, when the application is created, by ``LexiconSpec.build`` (by
  default ``Lexicon.default()`` strengthened by the index's learned substitutions and texts
  when ``db`` is given), and ``/check`` checks with the given ``CheckConfig``;
  substitutions learned while serving reach ``/check`` after a restart, as with the CLI;
* the index is written only by a server created with ``learn`` (``unspin serve --learn``), and
  only by a ``/trace`` request that asks for it (``"learn": true``; 403 on other servers); without
  ``learn`` the index is opened read-only;
* request bodies larger than ``max_request_bytes`` are refused with 413, by their declared
  ``Content-Length`` or as soon as a streamed body passes the limit, and never held in memory;
  texts longer than ``max_text_chars`` get 413 too;
* with a ``token``, every endpoint except ``GET /health`` and the page ``GET /`` needs
  ``Authorization: Bearer <token>`` (401 otherwise, compared in constant time);
* ``read_only`` opens the index read-only (also the default without ``learn``);
* every error is JSON, ``{"detail": "..."}``, saying what to change.

Endpoints are plain functions, so FastAPI runs them in its thread pool. They share one
``Index``: its ``SQLiteStore`` serialises calls with a lock (the connection is opened with
``check_same_thread=False``) and the lexicon is safe to share between threads.
"""

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unspin import __version__
from unspin.api import check, default_config
from unspin.core.config import CheckConfig, TraceConfig
from unspin.core.results import finite
from unspin.defaults import TOP_MATCHES
from unspin.index import Index
from unspin.spec import LexiconSpec
from unspin.store import StoreError
from unspin.web import DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_TEXT_CHARS
from unspin.web.page import PageConfig, page_headers, render_page

__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "DEFAULT_MAX_TEXT_CHARS", "create_app"]

log = logging.getLogger("unspin.web")

MAX_TOP = 50
MAX_ID_CHARS = 1000

# Sent with every response: JSON must not be sniffed as HTML, and nothing should be cached.
_COMMON_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


# --------------------------------------------------------------------------------------------
# Request and response models (responses are documented by these models but sent as the
# results' own ``to_dict()``, so they are byte-for-byte what the CLI writes)


# What ``str.strip`` removes (the characters ``str.isspace`` accepts). A text made only of
# these is blank; the schema says so with a pattern (JSON Schema's ``\\s`` is ECMAScript's,
# which differs: it lacks U+001C..U+001F and U+0085 and has U+FEFF).
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _not_blank_schema(schema: dict[str, Any]) -> None:
    """Document :func:`_not_blank` in the schema: the text holds a character that is not space."""
    schema["pattern"] = f"[^{_WHITESPACE}]"


def _not_blank(text: str) -> str:
    """The text, unless it is only whitespace: there is nothing to check (the CLI reports such an
    input as empty and exits 3; the API answers 422 instead of calling it clean)."""
    if not text.strip():
        raise ValueError("the text is empty (only whitespace): there is nothing to check")
    return text


def _json_integer(v: Any) -> Any:
    """``v`` unless it is a boolean or a string, which pydantic's lax mode would read as an
    integer (``true``, ``"5"``) although the schema says ``integer``; integral floats (``5.0``)
    are integers to JSON Schema and stay accepted."""
    if isinstance(v, bool | str):
        raise ValueError("must be a whole number (a JSON number, not a string or boolean)")
    return v


_JsonInt = Annotated[int, BeforeValidator(_json_integer)]


class CheckRequest(BaseModel):
    """Body of ``POST /check``."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, json_schema_extra=_not_blank_schema,
                      description="The text to check (plain text; character offsets in the answer refer to "
                                  "it); not only whitespace.")
    id: str = Field("-", min_length=1, max_length=MAX_ID_CHARS, description="An id echoed in the answer.")
    threshold: float | None = Field(None, ge=0, le=1, strict=True,
                                    description="Score at or above which the text is called spun (default: "
                                                "the server's, 0.5 unless it was configured otherwise).")

    @field_validator("text")
    @classmethod
    def _text_has_words(cls, v: str) -> str:
        return _not_blank(v)


class TraceRequest(BaseModel):
    """Body of ``POST /trace``."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, json_schema_extra=_not_blank_schema,
                      description="The suspect text to trace to the indexed documents; not only whitespace.")
    id: str = Field("-", min_length=1, max_length=MAX_ID_CHARS, description="An id echoed in the answer.")
    top: _JsonInt = Field(TOP_MATCHES, ge=1, le=MAX_TOP, description="Matches kept, best first.")
    learn: bool = Field(False, strict=True, description="Write what a verified copy teaches (its swaps, with this "
                                           "pair as their provenance) into the index. Only on a server "
                                           "started with --learn; 403 elsewhere.")

    @field_validator("text")
    @classmethod
    def _text_has_words(cls, v: str) -> str:
        return _not_blank(v)


class FindingOut(BaseModel):
    """A suspicious span (``start``/``end``: character offsets into the text) and its likely original."""

    start: int
    end: int
    text: str
    suggestion: str | None
    confidence: float
    evidence: list[str]


class CheckResponse(BaseModel):
    """``CheckResult.to_dict()``: the same object ``unspin check --format jsonl`` writes."""

    id: str
    spun: bool
    score: float
    threshold: float
    n_words: int
    findings: list[FindingOut]
    restored: str
    stats: dict[str, float]


class AlignmentOut(BaseModel):
    """A passage of the input lined up with a passage of the source (offsets in both)."""

    input_start: int
    input_end: int
    source_start: int
    source_end: int
    similarity: float


class SubstitutionOut(BaseModel):
    """A phrase of the input (``text``) that replaced a phrase of the source (``source_text``)."""

    input_start: int
    input_end: int
    text: str
    source_start: int
    source_end: int
    source_text: str


class MatchOut(BaseModel):
    """One indexed document the input was traced to."""

    source_id: str
    relation: str = Field(description="'derived' or 'same-story'")
    score: float
    coverage: float
    alignments: list[AlignmentOut]
    substitutions: list[SubstitutionOut]
    restored: str
    stats: dict[str, float]


class TraceResponse(BaseModel):
    """``TraceResult.to_dict()``: the same object ``unspin trace --format jsonl`` writes."""

    id: str
    matches: list[MatchOut]
    stats: dict[str, float]


class DocumentResponse(BaseModel):
    """An indexed document."""

    id: str
    text: str


class HealthResponse(BaseModel):
    """Liveness and configuration. ``documents`` is ``null`` when no index is configured;
    ``learn``: ``/trace`` may write learned swaps (the server was started with ``--learn``);
    ``tier``: the ``check`` tier of ``/check`` (``fast``, ``model`` or ``cascade``)."""

    status: str
    version: str
    documents: int | None
    read_only: bool
    learn: bool
    tier: str


class ErrorResponse(BaseModel):
    """Every error: ``detail`` says what went wrong and what to change."""

    detail: str


class ValidationErrorItem(BaseModel):
    """One invalid field: where (``loc``), what is wrong (``msg``) and pydantic's error ``type``."""

    loc: list[str]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    """422: ``detail`` says, field by field, what to fix; ``errors`` lists the same for programs."""

    detail: str
    errors: list[ValidationErrorItem]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "Missing or wrong API token",
        403: "Learning asked of a server started without --learn",
        404: "No such document",
        413: "Request body or text too large",
        422: "Invalid request body",
        503: "No index configured",
    }
    return {c: {"model": ValidationErrorResponse if c == 422 else ErrorResponse, "description": text[c]}
            for c in codes}


# --------------------------------------------------------------------------------------------
# ASGI middleware


def _json_body(detail: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    body = JSONResponse({"detail": detail}).body
    return bytes(body), [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]


async def _send_error(send: Send, status: int, detail: str, *, close: bool = True) -> None:
    body, headers = _json_body(detail)
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *_COMMON_HEADERS]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413; never hold more than ``max_bytes``.

    A declared ``Content-Length`` over the limit is refused without storing anything; a body
    without one (chunked) is read up to the limit and refused as soon as it passes it. Before
    answering 413 the middleware reads and discards at most ``max_bytes`` more of the body, so
    that the client, still sending, can read the answer instead of a connection reset; a
    declared body larger than that, or one sent with ``Expect: 100-continue``, is answered at
    once without reading it. Bodies within the limit are handed to the application whole.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self, size: str) -> str:
        return (f"request body is {size}; this server accepts at most {self.max_bytes:,} bytes "
                "(split the text, or start the server with a larger --max-bytes)")

    async def _discard(self, receive: Receive, limit: int) -> None:
        """Read and drop up to ``limit`` bytes of the rest of the body."""
        seen = 0
        while seen <= limit:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await _send_error(send, 400, "Content-Length header is not a number")
                return
            if length > self.max_bytes:
                if length <= 2 * self.max_bytes and b"100-continue" not in headers.get(b"expect", b"").lower():
                    await self._discard(receive, length)
                await _send_error(send, 413, self._too_large(f"{length:,} bytes"))
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                chunks.clear()
                if message.get("more_body", False):
                    await self._discard(receive, self.max_bytes)
                await _send_error(send, 413, self._too_large(f"over {self.max_bytes:,} bytes"))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class CommonHeadersMiddleware:
    """Add ``nosniff``, ``no-referrer`` and ``no-store`` headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _v in message.get("headers", [])}
                extra = [(k, v) for k, v in _COMMON_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --------------------------------------------------------------------------------------------
# Helpers


def _describe_validation(errors: list[dict[str, Any]]) -> str:
    """One readable sentence per validation error: where, what is wrong."""
    parts = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x != "body"]
        if e.get("type") == "json_invalid":
            reason = (e.get("ctx") or {}).get("error", "")
            parts.append(f"the request body is not valid JSON ({reason}); send a JSON object such as "
                         '{"text": "..."}')
            continue
        where = ".".join(loc) if loc else "request body"
        msg = "field required" if e.get("type") == "missing" else str(e.get("msg", "invalid value"))
        if e.get("type") == "extra_forbidden":
            msg = "unknown field (check its spelling)"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts) or "invalid request"


def _invalid_json(reason: str) -> JSONResponse:
    """The 422 of a body that is not valid JSON, as ``validation_error`` words it."""
    error = {"type": "json_invalid", "loc": ["body"], "msg": "JSON decode error", "ctx": {"error": reason}}
    listed = [{"loc": ["body"], "msg": f"JSON decode error ({reason})", "type": "json_invalid"}]
    return JSONResponse({"detail": _describe_validation([error]), "errors": listed}, status_code=422)


def _open_index(db: str, read_only: bool, trace: TraceConfig | None) -> Index:
    return Index.open(db, read_only=read_only, config=trace)


# --------------------------------------------------------------------------------------------
# The application


def create_app(
    *,
    db: str | None = None,
    read_only: bool = False,
    learn: bool = False,
    token: str | None = None,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
    lexicon: LexiconSpec | None = None,
    config: CheckConfig | None = None,
    trace: TraceConfig | None = None,
) -> FastAPI:
    """Build the ``unspin serve`` application.

    ``db``: an index built by ``unspin index add`` (needed by ``/trace`` and ``/documents``; its
    learned substitutions and texts also strengthen ``/check``). ``learn``: let ``/trace``
    requests that ask for it write learned swaps into the index (otherwise the index is opened
    read-only). ``read_only``: open it read-only (excludes ``learn``). ``token``: when set,
    required as ``Authorization: Bearer <token>`` everywhere except ``/health`` and the page. ``max_request_bytes`` and
    ``max_text_chars``: larger bodies or texts get 413. ``lexicon``: what ``/check`` checks
    with (default ``LexiconSpec(index_path=db)``: the default lexicon, strengthened by the index
    when there is one). ``config``: how
    ``/check`` checks (``unspin.api.check``; default ``default_config()``); a request's
    ``threshold`` replaces the configured one for that request only. ``trace``: how ``/trace``
    traces (the index is opened with it: ``Index.open(db, config=trace)``; default
    ``TraceConfig()``, the index's own fingerprint parameters).

    Opens the index and builds the lexicon now, so a bad ``db`` raises here
    (``unspin.store.StoreError``); the index is closed when the application shuts down.
    """
    cfg = config if config is not None else default_config()
    if max_request_bytes < 1 or max_text_chars < 1:
        raise ValueError("max_request_bytes and max_text_chars must be positive")
    if token is not None and not token:
        raise ValueError("token must be a non-empty string (or None for no token)")
    if learn and read_only:
        raise ValueError("learn and read_only exclude each other: a read-only index cannot learn")
    read_only = read_only or (db is not None and not learn)  # without --learn nothing may write
    index = _open_index(db, read_only, trace) if db is not None else None
    try:
        lex = (lexicon if lexicon is not None else LexiconSpec(index_path=db)).build()
    except BaseException:
        if index is not None:
            index.close()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if index is not None:
            index.close()

    app = FastAPI(
        title="unspin",
        version=__version__,
        summary="Find machine-spun text, trace it to its source, restore what it said.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: the schema is at /openapi.json
        redoc_url=None,
        openapi_url=None,  # served below, behind the token when there is one
        lifespan=lifespan,
    )
    app.state.index = index
    app.state.lexicon = lex
    app.state.read_only = read_only
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_request_bytes)
    app.add_middleware(CommonHeadersMiddleware)

    bearer = HTTPBearer(auto_error=False, description="The token given to `unspin serve --token`.")

    def require_token(creds: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]) -> None:
        """401 unless the request carries the configured token."""
        assert token is not None
        challenge = {"WWW-Authenticate": "Bearer"}
        if creds is None:
            raise HTTPException(401, "this server needs an API token: send the header "
                                     "'Authorization: Bearer <token>' with the token given to unspin serve",
                                headers=challenge)
        if not secrets.compare_digest(creds.credentials.encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(401, "wrong API token: use the token given to unspin serve "
                                     "(--token or UNSPIN_TOKEN)", headers=challenge)

    auth: list[Any] = [Depends(require_token)] if token else []

    def needs_index() -> Index:
        if index is None:
            raise HTTPException(503, "no index configured: start the server with 'unspin serve --db FILE' "
                                     "(an index built by 'unspin index add') to trace texts and read documents")
        return index

    def check_length(text: str) -> None:
        if len(text) > max_text_chars:
            raise HTTPException(413, f"text is {len(text):,} characters; this server accepts at most "
                                     f"{max_text_chars:,} per request (split the text into parts)")

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        detail = _describe_validation(errors)
        listed = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in errors]
        return JSONResponse({"detail": detail, "errors": listed}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers a JSON body it cannot even decode (not UTF-8, nested deeper than the
        # parser's recursion limit, a number longer than Python's limit on integer digits) with
        # a bare 400 "There was an error parsing the body"; it is invalid JSON like any other,
        # so it gets the same 422 saying what to send. (JSONDecodeError never gets here.)
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, ValueError | RecursionError):
            why = ("not UTF-8" if isinstance(cause, UnicodeDecodeError) else "nested too deeply"
                   if isinstance(cause, RecursionError) else "a number has too many digits to read")
            return _invalid_json(why)
        return await http_exception_handler(request, exc)

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        log.error("index error: %s", exc)
        return JSONResponse({"detail": f"the index could not be used: {exc}"}, status_code=503)

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse({"detail": f"internal server error ({type(exc).__name__}); see the server log"},
                            status_code=500)

    @app.post("/check", dependencies=auth, response_model=None, tags=["unspin"],
              responses={200: {"model": CheckResponse}, **_errors(401, 413, 422)})
    def check_text(req: CheckRequest) -> JSONResponse:
        """Is the text machine-spun? The calibrated score, the suspicious spans with their likely
        originals, and the restored text: ``CheckResult.to_dict()``."""
        check_length(req.text)
        asked = cfg if req.threshold is None else replace(cfg, threshold=req.threshold)
        result = check(req.text, id=req.id, lexicon=lex, config=asked)
        return JSONResponse(finite(result.to_dict()))

    @app.post("/trace", dependencies=auth, response_model=None, tags=["unspin"],
              responses={200: {"model": TraceResponse}, **_errors(401, 403, 413, 422, 503)})
    def trace_text(req: TraceRequest, idx: Annotated[Index, Depends(needs_index)]) -> JSONResponse:
        """Trace the text to the indexed documents it was copied from (``derived``) or that
        report the same story (``same-story``): ``TraceResult.to_dict()``. With ``learn`` (on a
        server started with ``--learn`` only), what a verified copy teaches is written to the
        index."""
        check_length(req.text)
        if req.learn and not learn:
            raise HTTPException(403, "this server does not learn: start it with 'unspin serve --db FILE --learn' "
                                     "to let /trace write learned swaps into the index, or send \"learn\": false")
        result = idx.trace(req.text, id=req.id, top=req.top, learn=req.learn)
        return JSONResponse(finite(result.to_dict()))

    @app.get("/documents/{doc_id:path}", dependencies=auth, response_model=DocumentResponse, tags=["unspin"],
             responses=_errors(401, 404, 503))
    def get_document(doc_id: str, idx: Annotated[Index, Depends(needs_index)]) -> DocumentResponse:
        """An indexed document's text, e.g. the ``source_id`` of a trace match."""
        doc = idx.store.get(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document with id {doc_id!r} in the index")
        return DocumentResponse(id=doc.id, text=doc.text)

    @app.get("/health", response_model=HealthResponse, tags=["service"])
    def health() -> HealthResponse:
        """Liveness, version, number of indexed documents (``null`` without an index), read-only
        mode. Never needs the token."""
        return HealthResponse(status="ok", version=__version__,
                              documents=len(index) if index is not None else None, read_only=read_only,
                              learn=learn and index is not None, tier=cfg.tier)

    page_config = PageConfig(has_index=index is not None, needs_token=bool(token), read_only=read_only,
                             version=__version__, max_text_chars=max_text_chars, learn=learn)
    page_html = render_page(page_config)

    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        """The web page: paste or upload a text, see the verdict, the spans and the trace."""
        return HTMLResponse(page_html, headers=page_headers())

    @app.get("/openapi.json", dependencies=auth, include_in_schema=False)
    def openapi() -> JSONResponse:
        """The OpenAPI schema of this API."""
        return JSONResponse(app.openapi())

    return app

