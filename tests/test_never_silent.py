"""Issue 16's target, as one table: no bad input gives a silent result, in any command that reads
documents. Each case must name the input and say why, and the exit status must say so (3: an
input could not be read; 2: a usage error), with the good document still processed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Ran

GOOD = "The council approved the budget on Tuesday after a long debate about schools and roads."
HTML_PAGE = ("<!DOCTYPE html><html><head><title>x</title></head><body><article><p>" + GOOD
             + "</p></article></body></html>")


def _inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Bad inputs beside one good file: name -> (path, what the message must say)."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    cases = {
        "empty.txt": (b"", "empty document"),
        "binary.txt": (b"\x00\x01\x02PK\x03\x04" * 64, "binary"),
        "broken.txt": (b"caf\xe9 \xff\xfe\x00\x81" * 3, "binary"),
        "records.jsonl": (json.dumps({"id": "r1", "text": GOOD}).encode() + b"\n{not json\n", "malformed JSON"),
        "paper.pdf": (b"%PDF-1.4\n\x00\x01", "'.pdf'"),
    }
    out = {}
    for name, (data, said) in cases.items():
        (d / name).write_bytes(data)
        out[name] = (d / name, said)
    huge = d / "huge.txt"
    with huge.open("wb") as f:  # 200 MB, sparse: the size check refuses it before reading
        f.truncate(200 * 1024 * 1024)
    out["huge.txt"] = (huge, "too large")
    return out


@pytest.mark.parametrize("command", [["check"], ["scan", "--no-progress"], ["index", "add", "--db", "{db}"],
                                     ["trace", "--db", "{db}"]])
def test_every_bad_input_is_named_with_its_reason(tmp_path: Path, cli: Callable[..., Ran],
                                                  command: list[str]) -> None:
    db = tmp_path / "index.db"
    if "trace" in command:
        assert cli("index", "add", "--db", str(db), "-", stdin=GOOD).returncode == 0
    cases = _inputs(tmp_path)
    args = [a.replace("{db}", str(db)) for a in command]
    output = ["--format", "jsonl"] if command[0] in ("check", "trace") else []
    if command[0] == "scan":
        output = ["--out", str(tmp_path / "out")]
    p = cli(*args, str(tmp_path / "in"), *output)
    assert p.returncode == 3, (command, p.stderr)
    assert "Traceback" not in p.stderr
    lines = p.stderr.splitlines()
    for name, (_path, said) in cases.items():
        line = next((x for x in lines if name in x), None)
        assert line is not None, (name, p.stderr)
        if name == "records.jsonl":
            line = next(x for x in lines if "records.jsonl:2" in x)
        assert said in line, (name, line)
    assert "passed over" in p.stderr and "could not be read" in p.stderr  # the closing line counts both
    if command[0] in ("check", "trace"):  # the good documents were still processed
        ids = [json.loads(x)["id"] for x in p.stdout.splitlines()]
        assert ids == ["in/good.txt", "r1"], ids


def test_html_on_stdin_and_ambiguous_stdin(cli: Callable[..., Ran]) -> None:
    page = cli("check", "-", "--format", "jsonl", stdin=HTML_PAGE)
    assert page.returncode == 0, page.stderr
    assert json.loads(page.stdout)["n_words"] == len(GOOD.split())  # the page's text, not its markup
    unclear = cli("check", "-", stdin="<b>Bold</b> claims about the budget.")
    assert unclear.returncode == 3 and "<stdin>" in unclear.stderr and "--stdin-format" in unclear.stderr
    jsonl = cli("check", "-", "--format", "jsonl", stdin=json.dumps({"id": "a", "text": GOOD}) + "\n")
    assert [json.loads(x)["id"] for x in jsonl.stdout.splitlines()] == ["a"]


def test_a_mistyped_path_is_named(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    p = cli("check", str(tmp_path / "artcle.txt"))
    assert p.returncode == 3 and "artcle.txt" in p.stderr and "no such file" in p.stderr
