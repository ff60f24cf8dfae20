"""``unspin.defaults`` is the ground floor: it imports nothing, so any module may import it."""

from __future__ import annotations

import ast
from pathlib import Path

import unspin.defaults


def test_defaults_imports_nothing() -> None:
    tree = ast.parse(Path(unspin.defaults.__file__).read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert all(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in imports)
