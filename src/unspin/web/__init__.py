"""The HTTP service behind ``unspin serve``: a JSON API over ``unspin.api`` and ``unspin.Index``,
and a self-contained web page.

``create_app`` needs the optional web dependencies (FastAPI and uvicorn); it is imported lazily
so that ``import unspin.web`` stays cheap and the rest of unspin works without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unspin.web.app import create_app

__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "DEFAULT_MAX_TEXT_CHARS", "create_app"]

DEFAULT_MAX_REQUEST_BYTES = 2_000_000
DEFAULT_MAX_TEXT_CHARS = 500_000


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from unspin.web.app import create_app

        return create_app
    raise AttributeError(f"module 'unspin.web' has no attribute {name!r}")
