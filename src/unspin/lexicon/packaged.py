"""Files that PyPI packages install with themselves, and where unspin keeps what it derives
from them.

unspin reads data that packages ship (a language model's GGUF file, word vectors, the Moby
thesaurus) without importing those packages: their own ``__init__`` may pull in dependencies
unspin does not need, or try to fetch files from a hub. What unspin derives from such a file
once (dequantised weights, a reverse index) is cached as plain arrays, never pickled, under
``$UNSPIN_CACHE`` or ``~/.cache/unspin``, keyed by the source file's content so that an
upgraded package gets a fresh cache and a reinstalled one does not.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path


def package_dir(package: str) -> Path | None:
    """Where ``package`` is installed, found without importing it; ``None`` when it is not."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def package_file(package: str, relative: str) -> Path | None:
    """The file ``relative`` inside the installed ``package``; ``None`` when either is missing."""
    root = package_dir(package)
    path = root / relative if root is not None else None
    return path if path is not None and path.is_file() else None


def cache_path(source: Path, name: str) -> Path:
    """Where to cache what is derived from ``source``: ``name`` plus a key of the file's
    *content* (``content_key``), under ``$UNSPIN_CACHE`` or ``~/.cache/unspin``. A package
    reinstalled in a new environment (a fresh virtualenv, each CI run) finds the cache that an
    identical file filled before; an upgraded package, whose file differs, gets a fresh one."""
    root = Path(os.environ.get("UNSPIN_CACHE") or Path.home() / ".cache" / "unspin")
    stat = source.stat()
    return root / name.format(key=content_key(source.resolve(), stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=64)
def content_key(path: Path, size: int, mtime_ns: int) -> str:
    """The first 12 hex digits of the sha1 of the file's size and bytes. Hashed once per
    process and file version (``size`` and ``mtime_ns`` are in the memo's key, so a file
    changed in place is read again): 0.13 s for the language model's 98 MB on the development
    machine. Keyed by the path, size and modification time before, the cache grew by one copy
    (about 600 MB with the model's arrays) per environment that installed the same packages."""
    digest = hashlib.sha1(f"{size}:".encode())
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]
