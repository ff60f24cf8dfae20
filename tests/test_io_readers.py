"""Tests for unspin.io.readers: real files in tmp_path, no mocks."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from unspin.io.readers import (
    Document,
    InputProblem,
    ReadOptions,
    document_from_value,
    iter_documents,
    parse_jsonl_line,
)


def read(*inputs: str | Path, **kwargs: object) -> list[Document | InputProblem]:
    return list(iter_documents([str(i) for i in inputs], **kwargs))  # type: ignore[arg-type]


def only(items: list[Document | InputProblem]) -> Document | InputProblem:
    assert len(items) == 1, items
    return items[0]


def write_jsonl(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Plain text


@pytest.mark.parametrize("ext", [".txt", ".md", ".text", ".TXT"])
def test_plain_text_is_read_exactly(tmp_path: Path, ext: str) -> None:
    text = "  Leading space.\n\nSecond paragraph with a trailing newline.\n"
    p = tmp_path / f"doc{ext}"
    p.write_text(text, encoding="utf-8")
    doc = only(read(p))
    assert doc == Document(id=str(p), text=text, source=str(p))


def test_id_is_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    doc = only(read("a.txt"))
    assert isinstance(doc, Document)
    assert (doc.id, doc.source) == ("a.txt", "a.txt")


def test_crlf_and_unicode_are_not_altered(tmp_path: Path) -> None:
    text = "Ligne une\r\nCafé — “quoted” ﬁ ligature\r\n"
    p = tmp_path / "w.txt"
    p.write_bytes(text.encode("utf-8"))
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.text == text


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfHello there")
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.text == "Hello there"


def test_utf16_with_bom_is_decoded_not_called_binary(tmp_path: Path) -> None:
    p = tmp_path / "u16.txt"
    p.write_bytes("Hello UTF-16 world".encode("utf-16"))
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.text == "Hello UTF-16 world"


def test_latin1_bytes_are_decoded(tmp_path: Path) -> None:
    text = "Le café est très bon, à bientôt. Ça va très bien, merci."
    p = tmp_path / "latin1.txt"
    p.write_bytes(text.encode("latin-1"))
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.text == text


def test_cp1251_bytes_are_decoded(tmp_path: Path) -> None:
    text = "Привет, как дела? Это текст на русском языке, довольно обычный."
    p = tmp_path / "ru.txt"
    p.write_bytes(text.encode("cp1251"))
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.text == text


def test_undecodable_bytes_are_a_problem(tmp_path: Path) -> None:
    p = tmp_path / "junk.txt"
    p.write_bytes(bytes(range(128, 256)) * 4)
    problem = only(read(p))
    assert problem == InputProblem(str(p), "cannot decode bytes as text (tried UTF-8 and charset detection)")


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    problem = only(read(p))
    assert problem == InputProblem(str(p), "looks binary (NUL bytes); not a text document")


def test_many_control_characters_mean_binary(tmp_path: Path) -> None:
    p = tmp_path / "ctl.txt"
    p.write_bytes(b"\x01\x02\x03\x04\x05abc" * 100)
    problem = only(read(p))
    assert isinstance(problem, InputProblem)
    assert problem.reason.startswith("looks binary")


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  "])
def test_empty_or_blank_file_is_a_problem(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(content)
    assert only(read(p)) == InputProblem(str(p), "empty document")


def test_missing_path(tmp_path: Path) -> None:
    p = tmp_path / "nope.txt"
    assert only(read(p)) == InputProblem(str(p), "no such file or directory")


def test_too_large_file_is_not_read(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text("word " * 400, encoding="utf-8")  # 2000 bytes
    problem = only(read(p, max_bytes=1024))
    assert problem == InputProblem(
        str(p),
        "too large: 2.0 KB exceeds the 1.0 KB limit; raise it with --max-bytes or split the file",
    )


def test_size_message_in_megabytes(tmp_path: Path) -> None:
    p = tmp_path / "big.md"
    with p.open("wb") as f:  # sparse-ish: the reader must refuse from the size alone
        f.truncate(3 * 1024 * 1024)
    problem = only(read(p, max_bytes=2 * 1024 * 1024))
    assert isinstance(problem, InputProblem)
    assert problem.reason.startswith("too large: 3.0 MB exceeds the 2.0 MB limit")


def test_file_at_exactly_the_limit_is_read(tmp_path: Path) -> None:
    p = tmp_path / "edge.txt"
    p.write_bytes(b"x" * 100)
    doc = only(read(p, max_bytes=100))
    assert isinstance(doc, Document)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file_gives_the_os_reason(tmp_path: Path) -> None:
    p = tmp_path / "secret.txt"
    p.write_text("hidden", encoding="utf-8")
    p.chmod(0)
    try:
        problem = only(read(p))
    finally:
        p.chmod(0o600)
    assert isinstance(problem, InputProblem)
    assert "permission denied" in problem.reason


def test_explicit_file_with_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    p = tmp_path / "notes.log"
    p.write_text("some log text", encoding="utf-8")
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.text == "some log text"


def test_bad_documents_do_not_stop_the_others(tmp_path: Path) -> None:
    good1 = tmp_path / "good1.txt"
    good1.write_text("first", encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02")
    good2 = tmp_path / "good2.txt"
    good2.write_text("second", encoding="utf-8")
    items = read(good1, tmp_path / "missing.txt", binary, good2)
    assert [type(i).__name__ for i in items] == ["Document", "InputProblem", "InputProblem", "Document"]
    assert [i.text for i in items if isinstance(i, Document)] == ["first", "second"]


def test_invalid_options_raise() -> None:
    with pytest.raises(ValueError, match="stdin_format"):
        list(iter_documents(["-"], stdin=io.StringIO("x"), stdin_format="csv"))
    with pytest.raises(ValueError, match="max_bytes"):
        list(iter_documents([], max_bytes=0))


# --------------------------------------------------------------------------------------------
# Directories


def test_directory_recursion_sorted_naming_what_it_passes_over(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "b_sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "z.txt").write_text("z", encoding="utf-8")
    (root / "a.md").write_text("a", encoding="utf-8")
    (root / "b_sub" / "c.txt").write_text("c", encoding="utf-8")
    (root / "b_sub" / "deeper" / "d.text").write_text("d", encoding="utf-8")
    (root / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (root / ".git" / "config.txt").write_text("git", encoding="utf-8")
    (root / "script.py").write_text("print('no')", encoding="utf-8")
    (root / "paper.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02")
    (root / "README").write_text("no extension", encoding="utf-8")
    (root / "page").write_text("<!DOCTYPE html><html><body><p>An HTML page saved without an extension.</p>"
                               "</body></html>", encoding="utf-8")
    (root / "program").write_bytes(b"\x7fELF\x00\x00\x00\x01")

    items = read(root)
    docs = [i for i in items if isinstance(i, Document)]
    assert [(i.id, i.text) for i in docs] == [
        ("corpus/README", "no extension"),
        ("corpus/a.md", "a"),
        ("corpus/b_sub/c.txt", "c"),
        ("corpus/b_sub/deeper/d.text", "d"),
        ("corpus/page", "An HTML page saved without an extension."),
        ("corpus/z.txt", "z"),
    ]
    assert docs[0].source == f"{root}/README"  # where it came from, as named
    passed = {Path(i.source).name: i.reason for i in items if isinstance(i, InputProblem)}
    assert all(i.ignored for i in items if isinstance(i, InputProblem))  # named, but not failures
    assert set(passed) == {".git", ".hidden.txt", "script.py", "paper.pdf", "program"}
    assert "hidden" in passed[".git"] and "'.pdf'" in passed["paper.pdf"] and "binary" in passed["program"]


def test_one_id_per_file_however_its_directory_was_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ref" / "sub").mkdir(parents=True)
    (tmp_path / "ref" / "sub" / "x.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ids = {only(read(name)).id for name in ("ref", "ref/", "./ref", str(tmp_path / "ref"))}  # type: ignore[union-attr]
    monkeypatch.chdir(tmp_path / "ref")
    ids.add(only(read(".")).id)  # type: ignore[union-attr]
    assert ids == {"ref/sub/x.txt"}
    assert only(read("sub/x.txt")).id == only(read("./sub/../sub/x.txt")).id == "sub/x.txt"  # type: ignore[union-attr]


def test_a_file_named_twice_is_read_once_and_ids_never_collide(tmp_path: Path) -> None:
    for year in ("2024", "2025"):
        (tmp_path / year / "news").mkdir(parents=True)
        (tmp_path / year / "news" / "x.txt").write_text(f"story of {year}", encoding="utf-8")
    news24, news25 = tmp_path / "2024" / "news", tmp_path / "2025" / "news"
    items = read(news24, news25, news24 / "x.txt")
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.text for d in docs] == ["story of 2024", "story of 2025"]
    assert docs[0].id == "news/x.txt" and docs[1].id.endswith("2025/news/x.txt")  # its own path: no collision
    again = only([i for i in items if isinstance(i, InputProblem)])
    assert again.ignored and "already read as 'news/x.txt'" in again.reason


def test_directory_problems_are_reported_in_place(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("fine", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text("also fine", encoding="utf-8")
    items = read(tmp_path)
    assert items == [
        Document(f"{tmp_path.name}/a.txt", "fine", f"{tmp_path}/a.txt"),
        InputProblem(f"{tmp_path}/b.txt", "empty document"),
        Document(f"{tmp_path.name}/c.txt", "also fine", f"{tmp_path}/c.txt"),
    ]


def test_directory_without_supported_files_is_reported(tmp_path: Path) -> None:
    (tmp_path / "only.py").write_text("x = 1", encoding="utf-8")
    notice, problem = read(tmp_path)
    assert isinstance(notice, InputProblem) and notice.ignored and notice.source == str(tmp_path / "only.py")
    assert isinstance(problem, InputProblem) and not problem.ignored  # nothing to read: a failure
    assert problem.source == str(tmp_path)
    assert problem.reason.startswith("no supported files in this directory")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_directory_symlinks_are_followed_without_looping(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (root / "real" / "x.txt").write_text("x", encoding="utf-8")
    (root / "real" / "loop").symlink_to(root, target_is_directory=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "y.txt").write_text("y", encoding="utf-8")
    (root / "zlink").symlink_to(outside, target_is_directory=True)
    (root / "broken.txt").symlink_to(tmp_path / "gone.txt")
    items = read(root)
    assert items == [
        InputProblem(f"{root}/broken.txt", "no such file or directory"),
        Document("root/real/x.txt", "x", f"{root}/real/x.txt"),
        Document("root/zlink/y.txt", "y", f"{root}/zlink/y.txt"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_directory_skips_pipes_instead_of_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "real.txt").write_text("real", encoding="utf-8")
    items = read(tmp_path)
    assert isinstance(items[0], InputProblem) and items[0].reason.startswith("not a regular file")
    assert items[1] == Document(f"{tmp_path.name}/real.txt", "real", f"{tmp_path}/real.txt")


def test_directory_mixes_formats(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "r1", "text": "record one"}\n', encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>Web page text.</p></body></html>", encoding="utf-8")
    (tmp_path / "c.txt").write_text("plain", encoding="utf-8")
    items = read(tmp_path)
    assert [(i.id, i.text) for i in items if isinstance(i, Document)] == [
        ("r1", "record one"),
        (f"{tmp_path.name}/b.html", "Web page text."),
        (f"{tmp_path.name}/c.txt", "plain"),
    ]


# --------------------------------------------------------------------------------------------
# HTML

ARTICLE_PAGE = """<!DOCTYPE html>
<html><head><title>Page</title>
<script>var tracking = "SCRIPTJUNK";</script>
<style>.nav { color: red } /* STYLEJUNK */</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li>NAVJUNK</li></ul></nav>
<article>
<h1>On counterfeit consciousness</h1>
<p>The field of counterfeit consciousness has grown quickly in recent years, and many researchers
now study profound learning and its applications to medicine and engineering.</p>
<p>This second paragraph explains the methods used in the study and the results obtained from the
experiments, which were repeated three times on independent data.</p>
</article>
<script>document.write("SCRIPTJUNK2")</script>
<footer>Copyright FOOTJUNK 2024</footer>
</body></html>
"""


def test_html_main_text_without_boilerplate(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    p.write_text(ARTICLE_PAGE, encoding="utf-8")
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.id == str(p)
    assert "counterfeit consciousness has grown quickly" in doc.text
    assert "repeated three times on independent data" in doc.text
    for junk in ("SCRIPTJUNK", "STYLEJUNK", "NAVJUNK", "<p>", "tracking"):
        assert junk not in doc.text


def test_html_fallback_to_body_text(tmp_path: Path) -> None:
    # trafilatura extracts nothing from this page; the body's text content is used instead.
    p = tmp_path / "bare.htm"
    p.write_text("<body><script>var x = 1;</script>Bare body text</body>", encoding="utf-8")
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert doc.text.strip() == "Bare body text"


def test_html_fallback_keeps_text_with_control_characters(tmp_path: Path) -> None:
    # Found by tests/test_fuzz.py: removing the script joined its tail, which holds a control
    # character, through lxml's text setter, which raised ValueError out of iter_documents.
    p = tmp_path / "ctrl.html"
    p.write_bytes(b"<body><script>var x = 1;</script>\x01Body text after a control character</body>")
    doc = only(read(p))
    assert isinstance(doc, Document) and doc.text.strip() == "\x01Body text after a control character"


def test_html_without_text_is_a_problem(tmp_path: Path) -> None:
    p = tmp_path / "blank.html"
    p.write_text("<html><head><title>t</title></head><body><script>x()</script></body></html>")
    assert only(read(p)) == InputProblem(str(p), "no text could be extracted from the HTML")


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"></head><body>'
        "<p>Déjà vu: le café était très chaud, à peine buvable.</p></body></html>"
    )
    p = tmp_path / "latin.html"
    p.write_bytes(page.encode("latin-1"))
    doc = only(read(p))
    assert isinstance(doc, Document)
    assert "Déjà vu: le café était très chaud" in doc.text


def test_binary_html_is_a_problem(tmp_path: Path) -> None:
    p = tmp_path / "bin.html"
    p.write_bytes(b"<html>\x00\x00\x00")
    assert only(read(p)) == InputProblem(str(p), "looks binary (NUL bytes); not a text document")


# --------------------------------------------------------------------------------------------
# JSON Lines


def test_jsonl_records(tmp_path: Path) -> None:
    p = write_jsonl(
        tmp_path / "d.jsonl",
        json.dumps({"id": "a", "text": "  first text, kept exactly \n"}),
        json.dumps({"id": 7, "text": "numeric id"}),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "", "text": "empty id"}),
    )
    assert read(p) == [
        Document("a", "  first text, kept exactly \n", f"{p}:1"),
        Document("7", "numeric id", f"{p}:2"),
        Document(f"{p}:3", "no id", f"{p}:3"),
        Document(f"{p}:4", "empty id", f"{p}:4"),
    ]


def test_public_record_functions_match_the_reader(tmp_path: Path) -> None:
    lines = ['\ufeff{"key": 7, "body": "first"}', '{"key": "b" "body": "bad"}', "  ", '{"body": 3}',
             '{"key": "", "body": "empty id"}', '[1]', '{"key": true, "body": "bool id"}']
    p = write_jsonl(tmp_path / "d.jsonl", *lines)
    opts = ReadOptions(id_field="key", text_field="body")
    expected = [parse_jsonl_line(line + "\n", n, f"{p}:{n}", options=opts) for n, line in enumerate(lines, 1)]
    assert expected[0] == Document("7", "first", f"{p}:1") and expected[2] is None
    assert read(p, id_field="key", text_field="body") == [x for x in expected if x is not None]
    assert parse_jsonl_line(b'\xef\xbb\xbf{"id": "a", "text": "t"}', 1, "s") == Document("a", "t", "s")
    assert document_from_value("text", 1.5, "s") == Document("1.5", "text", "s")
    assert document_from_value("text", "", "s") == Document("s", "text", "s")
    assert document_from_value(" \n", "a", "s") == InputProblem("s", "empty document (the text is blank)")
    assert isinstance(document_from_value("x" * 11, "a", "s", options=ReadOptions(max_bytes=10)), InputProblem)
    assert ReadOptions() == ReadOptions(id_field="id", text_field="text", max_bytes=64 * 1024 * 1024)


def test_jsonl_malformed_line_among_good_lines(tmp_path: Path) -> None:
    p = write_jsonl(
        tmp_path / "d.jsonl",
        '{"id": "a", "text": "good one"}',
        '{"id": "b" "text": "bad"}',
        "",
        "   ",
        '{"id": "c", "text": "good two"}',
    )
    assert read(p) == [
        Document("a", "good one", f"{p}:1"),
        InputProblem(f"{p}:2", "malformed JSON (Expecting ',' delimiter at column 12)"),
        Document("c", "good two", f"{p}:5"),
    ]


def test_jsonl_errors_name_the_column_once_and_on_the_line(tmp_path: Path) -> None:
    p = write_jsonl(tmp_path / "d.jsonl", '{"id": "a", "text": "tab\there"}', '{"id": "b", "text": "x"')
    assert read(p) == [
        InputProblem(f"{p}:1", "malformed JSON (Invalid control character at column 25)"),  # not "at at"
        InputProblem(f"{p}:2", "malformed JSON (Expecting ',' delimiter at column 24)"),  # not column 1 of line 3
    ]


def test_jsonl_missing_and_non_string_text_field(tmp_path: Path) -> None:
    p = write_jsonl(
        tmp_path / "d.jsonl",
        '{"title": "t", "body": "the text"}',
        '{"text": null}',
        '{"text": 42}',
        '{"text": ["a"]}',
        "[1, 2]",
        '"just a string"',
        "{}",
    )
    assert read(p) == [
        InputProblem(
            f"{p}:1",
            "no string field 'text' (fields present: title, body); choose the text field with --text-field",
        ),
        InputProblem(f"{p}:2", "field 'text' is null, not a string; choose the text field with --text-field"),
        InputProblem(
            f"{p}:3", "field 'text' is a number, not a string; choose the text field with --text-field"
        ),
        InputProblem(
            f"{p}:4", "field 'text' is an array, not a string; choose the text field with --text-field"
        ),
        InputProblem(
            f"{p}:5", "expected a JSON object, found an array; JSON Lines needs one object per line"
        ),
        InputProblem(f"{p}:6", "expected a JSON object, found a string"),
        InputProblem(
            f"{p}:7", "no string field 'text' (no fields at all); choose the text field with --text-field"
        ),
    ]


def test_jsonl_custom_fields(tmp_path: Path) -> None:
    p = write_jsonl(tmp_path / "d.ndjson", '{"doi": "10.1/x", "abstract": "An abstract.", "text": 1}')
    doc = only(read(p, id_field="doi", text_field="abstract"))
    assert doc == Document("10.1/x", "An abstract.", f"{p}:1")


def test_jsonl_blank_text_is_a_problem(tmp_path: Path) -> None:
    p = write_jsonl(tmp_path / "d.jsonl", '{"text": "  \\n "}')
    problem = only(read(p))
    assert isinstance(problem, InputProblem)
    assert problem.source == f"{p}:1"
    assert problem.reason.startswith("empty document")


def test_jsonl_line_limit_applies_per_line(tmp_path: Path) -> None:
    long_line = json.dumps({"id": "long", "text": "x" * 500})
    p = write_jsonl(
        tmp_path / "d.jsonl",
        '{"id": "a", "text": "short"}',
        long_line,
        '{"id": "b", "text": "after"}',
    )
    items = read(p, max_bytes=100)
    assert items[0] == Document("a", "short", f"{p}:1")
    assert isinstance(items[1], InputProblem)
    assert items[1].source == f"{p}:2"
    assert items[1].reason.startswith("too large") and "--max-bytes" in items[1].reason
    assert items[2] == Document("b", "after", f"{p}:3")
    assert len(items) == 3


def test_jsonl_oversized_last_line_without_newline(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_text('{"text": "ok"}\n' + json.dumps({"text": "y" * 300}), encoding="utf-8")
    items = read(p, max_bytes=100)
    assert isinstance(items[0], Document)
    assert isinstance(items[1], InputProblem) and items[1].source == f"{p}:2"
    assert len(items) == 2


def test_jsonl_invalid_utf8_line(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_bytes(b'{"text": "caf\xe9"}\n{"text": "fine"}\n')
    items = read(p)
    assert isinstance(items[0], InputProblem)
    assert items[0].source == f"{p}:1"
    assert "UTF-8" in items[0].reason
    assert items[1] == Document(f"{p}:2", "fine", f"{p}:2")


def test_jsonl_bom_and_crlf(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"text": "one"}\r\n{"text": "two"}\r\n')
    assert [i.text for i in read(p) if isinstance(i, Document)] == ["one", "two"]


def test_jsonl_unpaired_surrogate_is_a_problem(tmp_path: Path) -> None:
    p = write_jsonl(tmp_path / "d.jsonl", '{"text": "bad \\ud800 text"}', '{"text": "ok"}')
    items = read(p)
    assert isinstance(items[0], InputProblem) and "surrogate" in items[0].reason
    assert isinstance(items[1], Document)


def test_jsonl_empty_file_is_reported(tmp_path: Path) -> None:
    p = tmp_path / "empty.jsonl"
    p.write_text("\n\n", encoding="utf-8")
    problem = only(read(p))
    assert isinstance(problem, InputProblem)
    assert problem.source == str(p)
    assert problem.reason.startswith("no records")


def test_jsonl_binary_file_is_one_problem(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + bytes(range(256)) * 10)
    assert only(read(p)) == InputProblem(str(p), "looks binary (NUL bytes); not a text document")


def test_jsonl_gives_up_on_a_file_that_is_not_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "pretty.jsonl"
    p.write_text(json.dumps([{"text": f"doc {i}"} for i in range(50)], indent=2), encoding="utf-8")
    items = read(p)
    assert all(isinstance(i, InputProblem) for i in items)
    assert len(items) == 21
    last = items[-1]
    assert isinstance(last, InputProblem) and last.source == str(p)
    assert "gave up" in last.reason


def test_jsonl_is_streamed_not_loaded(tmp_path: Path) -> None:
    p = write_jsonl(tmp_path / "d.jsonl", *(json.dumps({"text": f"doc {i}"}) for i in range(1000)))
    it = iter_documents([str(p)])
    first = next(it)
    assert first == Document(f"{p}:1", "doc 0", f"{p}:1")
    p.unlink()  # the open handle keeps streaming
    assert sum(1 for _ in it) == 999


# --------------------------------------------------------------------------------------------
# Parquet


def write_parquet(path: Path, columns: dict[str, list[object]]) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table(columns), path, row_group_size=3)
    return path


def test_parquet_rows(tmp_path: Path) -> None:
    p = write_parquet(
        tmp_path / "d.parquet",
        {
            "id": ["a", None, "c", "d", "e"],
            "text": ["one", "two", None, "  ", "five"],
            "other": [1, 2, 3, 4, 5],
        },
    )
    items = read(p)
    assert items[0] == Document("a", "one", f"{p}:1")
    assert items[1] == Document(f"{p}:2", "two", f"{p}:2")
    assert isinstance(items[2], InputProblem) and items[2].source == f"{p}:3"
    assert isinstance(items[3], InputProblem) and items[3].reason.startswith("empty document")
    assert items[4] == Document("e", "five", f"{p}:5")
    assert len(items) == 5


def test_parquet_custom_fields_and_numeric_ids(tmp_path: Path) -> None:
    p = write_parquet(tmp_path / "d.parquet", {"row": [10, 11], "abstract": ["x y", "z"]})
    items = read(p, id_field="row", text_field="abstract")
    assert items == [Document("10", "x y", f"{p}:1"), Document("11", "z", f"{p}:2")]


def test_parquet_missing_or_non_string_column(tmp_path: Path) -> None:
    p = write_parquet(tmp_path / "d.parquet", {"title": ["t"], "body": ["b"], "n": [1]})
    assert only(read(p)) == InputProblem(
        str(p),
        "no string column 'text' (columns present: title, body, n); choose the text column with --text-field",
    )
    problem = only(read(p, text_field="n"))
    assert isinstance(problem, InputProblem)
    assert problem.reason.startswith("column 'n' has type int64, not string")


def test_parquet_per_row_limit(tmp_path: Path) -> None:
    p = write_parquet(tmp_path / "d.parquet", {"text": ["small", "x" * 1000, "ok"]})
    items = read(p, max_bytes=100)
    assert isinstance(items[0], Document)
    assert isinstance(items[1], InputProblem) and items[1].reason.startswith("too large")
    assert isinstance(items[2], Document)


def test_corrupt_parquet_is_a_problem(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    p = tmp_path / "bad.parquet"
    p.write_bytes(b"this is not parquet at all")
    problem = only(read(p))
    assert isinstance(problem, InputProblem)
    assert problem.reason.startswith("not a readable Parquet file")


# --------------------------------------------------------------------------------------------
# Standard input


def test_jsonl_number_with_too_many_digits_is_a_problem(tmp_path: Path) -> None:
    # Found by tests/test_fuzz.py: json.loads raises a plain ValueError (not JSONDecodeError)
    # for an integer longer than sys.get_int_max_str_digits(), and it escaped iter_documents.
    p = tmp_path / "big.jsonl"
    p.write_text('{"text": "fine", "id": ' + "9" * 5000 + '}\n{"text": "next"}\n', encoding="utf-8")
    items = read(p)
    assert items[0] == InputProblem(f"{p}:1", "malformed JSON (a number has too many digits to read)")
    assert items[1] == Document(f"{p}:2", "next", f"{p}:2")


def test_stdin_text_stream() -> None:
    doc = only(read("-", stdin=io.StringIO("Text from a pipe.\n")))
    assert doc == Document("-", "Text from a pipe.\n", "<stdin>")


def test_stdin_bytes_stream_is_decoded() -> None:
    doc = only(read("-", stdin=io.BytesIO("Déjà vu, très bien.".encode("latin-1"))))
    assert doc == Document("-", "Déjà vu, très bien.", "<stdin>")


def test_stdin_problems() -> None:
    assert only(read("-", stdin=io.StringIO("   "))) == InputProblem("<stdin>", "empty document")
    assert only(read("-", stdin=io.BytesIO(b"\x00\x01"))) == InputProblem(
        "<stdin>", "looks binary (NUL bytes); not a text document"
    )
    problem = only(read("-", stdin=io.StringIO("x" * 50), max_bytes=10))
    assert isinstance(problem, InputProblem) and problem.reason.startswith("too large")


def test_stdin_text_stream_with_surrogate_escapes_is_a_problem() -> None:
    # Found by tests/test_fuzz.py: a text stream decoded with surrogateescape (how Python reads
    # undecodable bytes under a C locale) gave a Document holding lone surrogates, which no
    # writer can encode; JSONL records with them were already refused.
    problem = only(read("-", stdin=io.StringIO("caf\udce9 au lait")))
    assert problem == InputProblem("<stdin>", "text contains unpaired surrogate escapes (like \\udcff); "
                                              "not valid Unicode")


def test_stdin_named_twice() -> None:
    items = read("-", "-", stdin=io.StringIO("once"))
    assert items[0] == Document("-", "once", "<stdin>")
    assert items[1] == InputProblem("<stdin>", "standard input was already read; give '-' only once")


@pytest.mark.parametrize("stream_type", ["text", "bytes"])
def test_stdin_jsonl(stream_type: str) -> None:
    data = '{"id": "a", "text": "one"}\nnot json\n{"text": "two"}\n'
    stream = io.StringIO(data) if stream_type == "text" else io.BytesIO(data.encode("utf-8"))
    items = read("-", stdin=stream, stdin_format="jsonl")
    assert items == [
        Document("a", "one", "<stdin>:1"),
        InputProblem("<stdin>:2", "malformed JSON (Expecting value at column 1)"),
        Document("<stdin>:3", "two", "<stdin>:3"),
    ]


def test_stdin_and_files_in_order(tmp_path: Path) -> None:
    p = tmp_path / "f.txt"
    p.write_text("file", encoding="utf-8")
    items = read(p, "-", stdin=io.StringIO("piped"))
    assert [i.text for i in items if isinstance(i, Document)] == ["file", "piped"]


# --------------------------------------------------------------------------------------------
# Standard input: sniffed by default


@pytest.mark.parametrize("wrap", [io.BytesIO, lambda b: io.StringIO(b.decode("utf-8"))], ids=["bytes", "text"])
def test_stdin_is_sniffed_as_html_jsonl_or_text(wrap: Any) -> None:
    page = b"\n<!DOCTYPE html>\n<html><body><nav>Menu</nav><article><p>The council approved the budget " \
           b"on Tuesday after a long debate about roads and schools.</p></article></body></html>\n"
    doc = only(read("-", stdin=wrap(page)))
    assert isinstance(doc, Document) and "council approved the budget" in doc.text and "<p>" not in doc.text
    records = b'\n{"id": "a", "text": "one"}\n{"id": "b", "text": "two"}\n'
    assert read("-", stdin=wrap(records)) == [Document("a", "one", "<stdin>:2"), Document("b", "two", "<stdin>:3")]
    plain = b"Plain text, {with braces} and <angle> words.\n"
    assert only(read("-", stdin=wrap(plain))) == Document("-", plain.decode(), "<stdin>")


def test_stdin_that_could_be_either_asks_for_its_format() -> None:
    markup = only(read("-", stdin=io.BytesIO(b"<b>Bold</b> claims about profits.")))
    assert isinstance(markup, InputProblem) and "--stdin-format html or text" in markup.reason
    jsonish = only(read("-", stdin=io.BytesIO(b'{"id": "a", "text": "unterminated\n')))
    assert isinstance(jsonish, InputProblem) and "--stdin-format jsonl or text" in jsonish.reason
    told = only(read("-", stdin=io.BytesIO(b"<b>Bold</b> claims."), stdin_format="text"))
    assert told == Document("-", "<b>Bold</b> claims.", "<stdin>")
    html = only(read("-", stdin=io.BytesIO(b"<p>A paragraph given as html on purpose.</p>"), stdin_format="html"))
    assert isinstance(html, Document) and html.text.strip() == "A paragraph given as html on purpose."


def test_sniffed_jsonl_keeps_its_limits_and_long_first_lines() -> None:
    first = json.dumps({"id": "long", "text": "word " * 5000})  # longer than the sniffed head
    second = json.dumps({"id": "x", "text": "y" * (len(first) + 100)})
    items = read("-", stdin=io.BytesIO(f"{first}\n{second}\n".encode()), max_bytes=len(first) + 10)
    assert [i.id for i in items if isinstance(i, Document)] == ["long"]
    assert isinstance(items[1], InputProblem) and "too large" in items[1].reason


def test_stdin_sniffing_survives_numbers_too_long_and_nesting_too_deep() -> None:
    """Found by the fuzz pass: json.loads raises ValueError past 4,300 digits and RecursionError
    for deep nesting; the sniffer must report the input, not crash."""
    for head in ('{"id": ' + "9" * 5000 + ', "text": "x"}\n', "{" * 100_000 + "\n"):
        item = only(read("-", stdin=io.StringIO(head)))
        assert isinstance(item, InputProblem) and "--stdin-format" in item.reason
