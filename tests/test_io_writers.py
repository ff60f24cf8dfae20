"""Tests for unspin.io.writers: results built directly, output captured in memory."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

from unspin.core.results import CheckResult, Finding
from unspin.io.readers import InputProblem
from unspin.io.writers import (
    CSV_COLUMNS,
    problem_to_dict,
    render_terminal,
    top_findings,
    write_csv,
    write_jsonl,
    write_problem,
)

TEXT = "Recent work on counterfeit consciousness uses profound learning. Results are [bold]good[/bold]."


def finding(text: str, phrase: str, suggestion: str | None, confidence: float = 0.9) -> Finding:
    start = text.index(phrase)
    return Finding(start, start + len(phrase), phrase, suggestion, confidence, ("lexicon",))


def make_result(
    text: str = TEXT, *, id: str = "doc-1", findings: tuple[Finding, ...] | None = None
) -> CheckResult:
    if findings is None:
        findings = (
            finding(text, "counterfeit consciousness", "artificial intelligence", 0.95),
            finding(text, "profound learning", "deep learning", 0.8),
        )
    restored = text
    for f in sorted(findings, key=lambda f: -f.start):
        if f.suggestion:
            restored = restored[: f.start] + f.suggestion + restored[f.end :]
    return CheckResult(
        id=id,
        spun=bool(findings),
        score=0.97312 if findings else 0.02,
        threshold=0.5,
        findings=findings,
        restored=restored,
        n_words=len(text.split()),
        stats={"density": 0.1234567},
    )


def render(result: CheckResult, text: str, **kwargs: int) -> str:
    console = Console(file=io.StringIO(), width=100, force_terminal=False)
    render_terminal(result, text, console, **kwargs)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def flat(s: str) -> str:
    """``s`` with line wrapping undone (all whitespace runs become one space)."""
    return " ".join(s.split())


# --------------------------------------------------------------------------------------------
# JSON Lines


def test_jsonl_round_trip() -> None:
    results = [make_result(id="a"), make_result("Nothing odd here.", id="b", findings=())]
    out = io.StringIO()
    assert write_jsonl(results, out) == 2
    lines = out.getvalue().splitlines(keepends=True)
    assert len(lines) == 2 and all(line.endswith("\n") for line in lines)
    assert [json.loads(line) for line in lines] == [r.to_dict() for r in results]
    record = json.loads(lines[0])
    f = record["findings"][0]
    assert TEXT[f["start"] : f["end"]] == f["text"] == "counterfeit consciousness"
    assert "text" not in record


def test_jsonl_keeps_non_ascii_and_include_text() -> None:
    text = "Le café — “counterfeit consciousness” ist schön."
    r = make_result(text, id="é1", findings=(finding(text, "counterfeit consciousness", "AI"),))
    out = io.StringIO()
    write_jsonl([r], out, include_text=True, texts={"é1": text})
    line = out.getvalue()
    assert "café" in line and "\\u" not in line
    assert json.loads(line)["text"] == text

    out = io.StringIO()
    write_jsonl([r], out, include_text=True, texts=[text])
    assert json.loads(out.getvalue())["text"] == text


def test_jsonl_escapes_unicode_line_separators() -> None:
    # Found by tests/test_fuzz.py: a text holding U+2028 was written raw, and a reader splitting
    # with str.splitlines (or JavaScript) saw the record cut in two.
    text = "one\u2028two\u2029three\x85four"
    r = make_result(text, id="ls\u2028", findings=())
    out = io.StringIO()
    write_jsonl([r], out, include_text=True, texts=[text])
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "\\u2028" in lines[0] and "\\u0085" in lines[0]
    record = json.loads(lines[0])
    assert record["text"] == text and record["id"] == "ls\u2028"


def test_jsonl_include_text_errors() -> None:
    r = make_result()
    with pytest.raises(ValueError):
        write_jsonl([r], io.StringIO(), include_text=True)
    with pytest.raises(KeyError):
        write_jsonl([r], io.StringIO(), include_text=True, texts={"other": "x"})
    with pytest.raises(ValueError, match="fewer"):
        write_jsonl([r, r], io.StringIO(), include_text=True, texts=[TEXT])
    with pytest.raises(ValueError, match="more"):
        write_jsonl([r], io.StringIO(), include_text=True, texts=[TEXT, TEXT])


def test_jsonl_non_finite_numbers_become_null() -> None:
    r = CheckResult("x", False, float("nan"), 0.5, (), "", 0, {"ratio": float("inf")})
    out = io.StringIO()
    write_jsonl([r], out)
    record = json.loads(out.getvalue())  # strict JSON: no NaN / Infinity tokens
    assert record["score"] is None and record["stats"]["ratio"] is None


# --------------------------------------------------------------------------------------------
# CSV


def test_csv_header_and_rows() -> None:
    results = [make_result(id="a,with comma"), make_result("Fine text.", id="b", findings=())]
    out = io.StringIO()
    assert write_csv(results, out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert (
        rows[0]
        == list(CSV_COLUMNS)
        == [
            "id",
            "spun",
            "score",
            "threshold",
            "n_words",
            "n_findings",
            "top_findings",
        ]
    )
    assert rows[1] == [
        "a,with comma",
        "true",
        "0.9731",
        "0.5",
        str(len(TEXT.split())),
        "2",
        "counterfeit consciousness→artificial intelligence; profound learning→deep learning",
    ]
    assert rows[2] == ["b", "false", "0.02", "0.5", "2", "0", ""]
    assert "\r" not in out.getvalue()


def test_csv_without_header_for_appending() -> None:
    out = io.StringIO()
    write_csv([make_result()], out, header=False)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(rows) == 1 and rows[0][0] == "doc-1"


def test_top_findings_ranked_deduplicated_and_limited() -> None:
    text = " ".join(f"phrase{i}" for i in range(8)) + " phrase0"
    fs = [Finding(text.index(f"phrase{i}"), 0, f"phrase{i}", f"orig{i}", 0.1 * i) for i in range(8)]
    fs.append(Finding(text.rindex("phrase0"), 0, "Phrase0", "orig0", 0.95))  # same phrase again
    fs.append(Finding(0, 0, "nosugg", None, 0.99))
    assert top_findings(fs) == "nosugg; Phrase0→orig0; phrase7→orig7; phrase6→orig6; phrase5→orig5"
    assert top_findings(fs, limit=2) == "nosugg; Phrase0→orig0"
    assert top_findings([]) == ""


# --------------------------------------------------------------------------------------------
# Problems


def test_problem_to_dict_and_write_problem() -> None:
    p = InputProblem("data.jsonl:17", "malformed JSON (Expecting ',' delimiter at column 17)")
    assert problem_to_dict(p) == {
        "source": "data.jsonl:17",
        "skipped": True,
        "ignored": False,
        "reason": "malformed JSON (Expecting ',' delimiter at column 17)",
    }
    assert json.loads(json.dumps(problem_to_dict(p))) == problem_to_dict(p)
    err = io.StringIO()
    write_problem(p, err)
    assert err.getvalue() == (
        "unspin: skipped data.jsonl:17: malformed JSON (Expecting ',' delimiter at column 17)\n"
    )
    err = io.StringIO()
    write_problem(InputProblem("crawl/paper.pdf", "unspin does not read '.pdf' files", ignored=True), err)
    assert err.getvalue() == "unspin: passed over crawl/paper.pdf: unspin does not read '.pdf' files\n"


def test_write_problem_is_always_one_line() -> None:
    err = io.StringIO()
    write_problem(InputProblem("evil\nname\x1b[2J.txt", "empty document"), err)
    assert err.getvalue().count("\n") == 1
    assert "\x1b" not in err.getvalue()
    assert err.getvalue() == "unspin: skipped evil\\nname\\x1b[2J.txt: empty document\n"


# --------------------------------------------------------------------------------------------
# Terminal


def test_render_shows_header_findings_and_suggestions() -> None:
    out = render(make_result(), TEXT)
    lines = out.splitlines()
    assert lines[0] == "doc-1  SPUN  score 0.97  2 findings"
    assert "counterfeit consciousness [→ artificial intelligence]" in out
    assert "profound learning [→ deep learning]" in flat(out)
    assert flat(out).endswith("Results are [bold]good[/bold].")


def test_render_does_not_interpret_markup_in_document_text() -> None:
    out = render(make_result(id="[red]id[/red]"), TEXT)
    assert "[bold]good[/bold]" in out
    assert out.startswith("[red]id[/red]  SPUN")


def test_render_styles_with_a_terminal() -> None:
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="standard")
    render_terminal(make_result(), TEXT, console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[" in out  # styled
    assert "[bold]good[/bold]" in out  # ...but document markup is shown literally


def test_render_escapes_control_characters() -> None:
    text = "Evil \x1b[2J clear screen with counterfeit consciousness here."
    r = make_result(text, findings=(finding(text, "counterfeit consciousness", "AI"),))
    console = Console(file=io.StringIO(), width=100, force_terminal=True)
    render_terminal(r, text, console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[2J" not in out
    assert "\\x1b[2J" in out


def test_render_clean_document_prints_only_the_header() -> None:
    r = make_result("Nothing odd here.", id="ok", findings=())
    assert render(r, "Nothing odd here.") == "ok  clean  score 0.02  0 findings\n"


def test_render_long_text_shows_excerpts() -> None:
    filler = "This filler sentence says nothing at all. " * 60
    text = (
        filler + "We used counterfeit consciousness in the lab. " + filler + "It was a big information study."
    )
    fs = (
        finding(text, "counterfeit consciousness", "artificial intelligence"),
        finding(text, "big information", "big data"),
    )
    out = render(make_result(text, findings=fs), text)
    lines = out.splitlines()
    assert lines[1] == "… We used counterfeit consciousness [→ artificial intelligence] in the lab. …"
    assert lines[2] == "… It was a big information [→ big data] study."
    assert len(lines) == 3
    assert "filler" not in out


def test_render_long_sentence_is_clipped_around_the_finding() -> None:
    text = "word " * 500 + "counterfeit consciousness " + "word " * 500
    fs = (finding(text, "counterfeit consciousness", "artificial intelligence"),)
    out = render(make_result(text, findings=fs), text, context_chars=40)
    assert "counterfeit consciousness [→ artificial intelligence]" in out
    assert out.count("…") == 2  # text cut on both sides
    assert len(out) < 250


def test_render_adjacent_sentences_merge_into_one_excerpt() -> None:
    text = "Padding sentence here. " * 100 + "First counterfeit consciousness. Then profound learning. "
    text += "Padding sentence here. " * 100
    out = render(make_result(text), text)
    assert flat(out).endswith(
        "… First counterfeit consciousness [→ artificial intelligence]. "
        "Then profound learning [→ deep learning]. …"
    )
    assert out.count("…") == 2
    assert "Padding" not in out


def test_render_skips_bad_offsets_and_overlaps() -> None:
    text = "counterfeit consciousness rules."
    fs = (
        Finding(0, 25, "counterfeit consciousness", "artificial intelligence", 0.9),
        Finding(12, 25, "consciousness", "intelligence", 0.5),  # overlaps the first
        Finding(100, 120, "out of range", "x", 0.5),
    )
    out = render(make_result(text, findings=fs), text)
    assert "counterfeit consciousness [→ artificial intelligence] rules." in out
    assert "intelligence]" in out and "[→ intelligence]" not in out and "[→ x]" not in out


def test_render_marks_findings_without_a_suggestion() -> None:
    text = "All devices speak the Web Protocol (IP) today."
    out = render(make_result(text, findings=(finding(text, "Web Protocol", None),)), text)
    assert "the Web Protocol [?] (IP) today." in flat(out)
