"""Files that PyPI packages install with themselves, and where unspin keeps what it derives
from them.

unspin reads data that packages ship (a language model's GGUF file, word vectors, the Moby
thesaurus) without importing those packages: their own ``__init__`` may pull in dependencies
unspin does not need, or try to fetch files from a hub. What unspin derives from such a file
once (dequantised weights, a reverse index) is cached as plain arrays, never pickled, under
``$UNSPIN_CACHE`` or ``~/.cache/unspin``, keyed by the source file so that an upgraded
package gets a fresh cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
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
    resolved path, size and modification time, under ``$UNSPIN_CACHE`` or ``~/.cache/unspin``."""
    root = Path(os.environ.get("UNSPIN_CACHE") or Path.home() / ".cache" / "unspin")
    stat = source.stat()
    key = hashlib.sha1(f"{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    return root / name.format(key=key)
