"""End-to-end tests of the command line, run as a real subprocess on real files."""

import json
import re
import subprocess
import sys
from pathlib import Path

import click

from unspin.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPUN = "Our method trains a classifier on preparation information collected from patients."
CLEAN = "The council approved the budget on Tuesday after a long debate about schools."


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "unspin", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_jsonl_output_has_the_documented_fields(tmp_path):
    (tmp_path / "a.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "b.md").write_text(CLEAN, encoding="utf-8")
    p = run("check", str(tmp_path), "--format", "jsonl")
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"id", "spun", "score", "findings", "restored"} <= row.keys()
        assert 0 <= row["score"] <= 1
    spun = next(r for r in rows if r["id"].endswith("a.txt"))
    f = next(f for f in spun["findings"] if f["suggestion"] == "training data")
    assert SPUN[f["start"] : f["end"]] == f["text"] == "preparation information"
    assert {"start", "end", "text", "suggestion", "confidence"} <= f.keys()
    assert "training data" in spun["restored"]
    assert p.returncode == (1 if any(r["spun"] for r in rows) else 0)


def test_threshold_sets_verdict_and_exit_status(tmp_path):
    (tmp_path / "a.txt").write_text(CLEAN, encoding="utf-8")
    assert run("check", str(tmp_path / "a.txt"), "--threshold", "1.0", "--format", "csv").returncode == 0
    p = run("check", str(tmp_path / "a.txt"), "--threshold", "0.0", "--format", "csv")
    assert p.returncode == 1
    header, row = p.stdout.splitlines()[:2]
    assert header.startswith("id,spun,score") and ",true," in row


def test_bad_inputs_are_reported_and_the_rest_still_checked(tmp_path):
    (tmp_path / "good.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x00" * 100)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    lines = [json.dumps({"id": "j1", "text": CLEAN}), "{not json", json.dumps({"id": "j3", "body": "x"})]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = run("check", str(tmp_path), "--format", "jsonl")
    ids = [json.loads(line)["id"] for line in p.stdout.splitlines()]
    assert sorted(ids) == sorted(["j1", str(tmp_path / "good.txt")]) or len(ids) == 2
    assert p.returncode == 3
    assert "binary.txt" in p.stderr and "empty.txt" in p.stderr
    assert "docs.jsonl:2" in p.stderr and "docs.jsonl:3" in p.stderr


def test_stdin_and_terminal_view():
    p = run("check", "-", stdin=SPUN)
    assert "training data" in p.stdout and p.returncode in (0, 1)


def test_known_list_and_reference_options(tmp_path):
    known = tmp_path / "known.csv"
    known.write_text("tortured_phrase,expected_phrase\n\"profound learning\",deep learning\n", encoding="utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text(CLEAN * 3, encoding="utf-8")
    p = run("check", "-", "--known", str(known), "--reference", str(ref), "--format", "jsonl",
            stdin="Profound learning models need data.")
    row = json.loads(p.stdout)
    assert row["findings"][0]["suggestion"] == "Deep learning"


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ctx = click.Context(main)
    for name, cmd in main.commands.items():
        assert re.search(rf"unspin {name}\b", readme), f"command {name!r} is not documented in README.md"
        for param in cmd.get_params(ctx):
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"option {opt} of {name!r} is not documented in README.md"
