"""A real ``unspin serve`` application under uvicorn in a background thread, over a real index,
and the texts the web tests index: shared by the web, page and fuzzing tests (not a test module;
the modules that use it skip first when fastapi, uvicorn or httpx is missing).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from unspin import Index

SOURCE = (
    "Researchers at a university in Bristol said on Monday that artificial intelligence could help doctors "
    "read heart scans faster. The team trained a deep learning model on training data from 12,000 patients "
    "and tested it in three hospitals.\n\n"
    "Dr Sarah Mills, who led the study, told reporters that the random forest baseline was beaten by a wide "
    "margin. The hospitals plan to use the system next year, although critics warned that the results had "
    "not yet been checked by independent experts."
)
SPUN = (
    "Researchers at a university in Bristol said on Monday that counterfeit consciousness could help doctors "
    "read heart scans quicker. The team trained a profound learning model on preparation information from "
    "12,000 patients and tested it in three hospitals.\n\n"
    "Dr Sarah Mills, who led the study, told journalists that the irregular timberland baseline was beaten by "
    "a wide margin. The hospitals plan to utilize the system next year, although critics cautioned that the "
    "outcomes had not yet been checked by independent specialists."
)
OTHER = (
    "Cats sleep for most of the day in warm places, and many of them hunt at night. Owners in Leeds said "
    "their pets were calmer in winter, according to a survey of 2,000 homes."
)
SLASH_ID = "news/2024/cats.txt"
DOCS = [("bristol-ai", SOURCE), ("cats", OTHER), (SLASH_ID, OTHER + " A second paragraph about dogs.")]


# --------------------------------------------------------------------------------------------
# A real server in a background thread


@contextmanager
def running_server(**app_options: Any) -> Iterator[str]:
    """Run ``create_app(**app_options)`` under uvicorn on 127.0.0.1 (a free port, bound before
    the server starts so nothing can take it); yields the base URL; stops the server after."""
    import uvicorn

    from unspin.web.app import create_app

    app = create_app(**app_options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def build_index(path: Path, docs: list[tuple[str, str]] = DOCS) -> Path:
    """A real SQLite index at ``path`` holding ``docs``."""
    with Index.open(path) as idx:
        idx.add(docs)
    return path
