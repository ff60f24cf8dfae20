"""Property-based fuzzing (hypothesis) of the readers, ``check`` and ``trace``.

Every property here is a documented guarantee: the readers never raise for any input and lose
nothing (one item per file, one per non-blank JSONL line); ``check`` and ``trace`` accept any
text and give offsets that point into it, scores in [0, 1] and JSON that round-trips.

Two profiles: ``ci`` (the default: 100 examples per property, the whole file in well
under a minute) and ``long`` (``HYPOTHESIS_PROFILE=long``): each property is run again and
again with fresh random data for ``UNSPIN_FUZZ_SECONDS`` seconds (default 60).
``bench/fuzz.sh`` runs the long profile target by target; the HTTP API is fuzzed by
``tests/test_fuzz_api.py``.
"""

from __future__ import annotations

import codecs
import io
import itertools
import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from unspin import Index, Lexicon
from unspin.api import CheckConfig, check
from unspin.core.results import CheckResult, TraceResult
from unspin.defaults import MAX_BYTES
from unspin.io.readers import Document, InputProblem, iter_documents
from unspin.io.writers import write_jsonl

from .web_server import OTHER, SOURCE, SPUN

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=False, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "long", max_examples=500, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
FUZZ_SECONDS = float(os.environ.get("UNSPIN_FUZZ_SECONDS", "60"))


def fuzz(prop: Callable[[], None], calls: list[int]) -> None:
    """Run the hypothesis test ``prop`` once (``ci``), or, in the ``long`` profile, again and
    again (each run draws fresh examples) until ``UNSPIN_FUZZ_SECONDS`` have passed. ``prop``
    appends to ``calls`` once per example, for the count printed at the end."""
    if PROFILE != "long":
        prop()
        return
    start = time.monotonic()
    runs = 0
    while runs == 0 or time.monotonic() - start < FUZZ_SECONDS:
        prop()
        runs += 1
    print(f"\nfuzz: {prop.__name__}: {len(calls)} examples in {runs} runs, {time.monotonic() - start:.0f} s")


# --------------------------------------------------------------------------------------------
# Strategies

WORDS = ("the", "bank", "raised", "interest", "rates", "on", "Monday", "said", "counterfeit",
         "consciousness", "profound", "learning", "Dr", "Mills", "12,000", "4.75%", "can't", "U.S.",
         "e-mail", "—", "«", "»", "“", "”", "naïve", "Straße", "ǅ", "İstanbul", "ﬁnance")

# Odd Unicode: combining marks, right-to-left text and controls, zero-width characters,
# full-width digits, letters whose case mapping changes length, astral characters.
ODD = ("\u0301", "\u0327\u0308", "\u05d0\u05d1\u05d2", "\u0627\u0644\u0639", "\u200f", "\u202e", "\u200b",
       "\u200d", "\ufeff", "\uff11\uff12", "\u0130", "\u00df", "\ufb01", "\U0001f600", "\U0001d400",
       "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\u00a0", "\u3000", "\x00", "\x7f", "\x9b",
       "\udcff", "\ud800")

any_text = st.text(max_size=300)
word_salad = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD),
                                st.sampled_from((" ", "  ", "\n", "\n\n", ". ", ", ", "!", "?", "...")),
                                st.text(min_size=1, max_size=8)), max_size=80).map("".join)
long_tokens = st.builds(lambda c, n, sep: sep.join([c * n] * 3), st.sampled_from("a9.-'é\u0301x"),
                        st.integers(1, 3000), st.sampled_from(("", " ", "\n")))
digits_punct = st.text(alphabet="0123456789.,;:!?-–—'\"()[]%$€ \n", max_size=400)
texts = st.one_of(any_text, word_salad, long_tokens, digits_punct,
                  st.builds(lambda a, b: a + b, st.sampled_from((SOURCE, SPUN, OTHER)), word_salad))

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252",
             "shift_jis", "koi8-r", "gb18030")
EXTENSIONS = ("", ".txt", ".md", ".text", ".TXT", ".html", ".htm", ".jsonl", ".ndjson", ".parquet", ".csv")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@st.composite
def encoded_texts(draw: st.DrawFn) -> bytes:
    text = draw(texts)
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    charset = draw(st.sampled_from(("", "utf-8", "latin-1", "windows-1252", "shift_jis", "bogus", "utf-16")))
    head = f'<meta charset="{charset}">' if charset else ""
    body = draw(st.lists(st.one_of(
        texts, st.sampled_from(("<p>", "</p>", "<div>", "</div>", "<script>var x=1;</script>",
                                "<style>p{}</style>", "<br>", "<!--", "-->", "<![CDATA[", "&amp;", "&#0;",
                                "&#xD800;", "&bogus;", "<html>", "<body>", "</body>", "<", ">", "<?xml ?>"))),
        max_size=20))
    page = f"<html><head>{head}</head><body>{''.join(body)}</body></html>"
    if draw(st.booleans()):
        page = "".join(body)
    enc = charset if charset and charset != "bogus" else "utf-8"
    return page.encode(enc, errors="replace")


@st.composite
def jsonl_lines(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 6))
    if kind == 0:  # a good-looking record, odd values and all
        rec: dict[str, Any] = {"text": draw(texts)}
        if draw(st.booleans()):
            rec["id"] = draw(json_values)
        rec.update(draw(st.dictionaries(st.text(max_size=6), json_values, max_size=3)))
        line = json.dumps(rec, ensure_ascii=draw(st.booleans()))
    elif kind == 1:  # any JSON value
        line = json.dumps(draw(json_values), ensure_ascii=draw(st.booleans()))
    elif kind == 2:  # a text field that is not a string
        line = json.dumps({"text": draw(json_values), "id": draw(json_values)})
    elif kind == 3:  # deeply nested
        n = draw(st.integers(1, 200_000))
        line = "[" * n + "]" * draw(st.integers(0, n))
    elif kind == 4:  # blank
        line = draw(st.sampled_from(("", " ", "\t", "\r", "\x1c", "\u2028", "\x85", "\ufeff")))
    else:  # garbage
        return draw(st.binary(max_size=80)).replace(b"\n", b"")
    data = line.encode("utf-8", errors="surrogatepass" if draw(st.booleans()) else "replace")
    return data


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(jsonl_lines(), max_size=30))
    ends = draw(st.sampled_from((b"\n", b"\r\n")))
    data = ends.join(lines) + (ends if draw(st.booleans()) else b"")
    if draw(st.booleans()):
        data = codecs.BOM_UTF8 + data
    return data


file_contents = st.one_of(st.binary(max_size=2000), encoded_texts(), html_pages(), jsonl_files())


# --------------------------------------------------------------------------------------------
# Readers


def valid_unicode(s: str) -> bool:
    """Whether ``s`` can be encoded as UTF-8 (holds no lone surrogates)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assert_items(items: list[Any]) -> None:
    """What every reader item guarantees."""
    for item in items:
        assert isinstance(item, Document | InputProblem), item
        if isinstance(item, Document):
            assert isinstance(item.text, str) and item.text.strip(), item
            assert isinstance(item.id, str) and item.id, item
            assert isinstance(item.source, str) and item.source, item
            item.text.encode("utf-8")  # valid Unicode: no lone surrogates
        else:
            assert isinstance(item.reason, str) and item.reason.strip(), item
            assert isinstance(item.source, str) and item.source, item


def jsonl_expected_sources(data: bytes, prefix: str, max_bytes: int) -> list[str]:
    """The sources the JSONL reader must give for ``data``: one per non-blank or oversized line."""
    expected = []
    for lineno, raw in enumerate(_lines(data), 1):
        oversized = len(raw) > max_bytes and not (len(raw) == max_bytes + 1 and raw.endswith(b"\n"))
        body = raw.removeprefix(codecs.BOM_UTF8) if lineno == 1 else raw
        try:
            blank = not body.decode("utf-8").strip()
        except UnicodeDecodeError:
            blank = False
        if oversized or not blank:
            expected.append(f"{prefix}:{lineno}")
    return expected


def _lines(data: bytes) -> list[bytes]:
    """``data`` split after every ``\\n`` (as ``readline`` splits it)."""
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    return lines + ([parts[-1]] if parts[-1] else [])


def check_jsonl_items(items: list[Any], data: bytes, prefix: str, max_bytes: int) -> None:
    expected = jsonl_expected_sources(data, prefix, max_bytes)
    sources = [i.source for i in items]
    if sources and sources[-1] == prefix:  # the stream-level problem: gave up, or no records
        last = items[-1]
        assert isinstance(last, InputProblem)
        sources = sources[:-1]
        if "gave up" in last.reason:
            assert not any(isinstance(i, Document) for i in items) and len(sources) >= 20
            assert sources == expected[:len(sources)]
            return
        assert not expected, (expected, items)
    assert sources == expected, (sources, expected)
    if not expected:
        assert items and items[-1].source == prefix


@st.composite
def reader_cases(draw: st.DrawFn) -> tuple[bytes, str, int]:
    data = draw(file_contents)
    ext = draw(st.sampled_from(EXTENSIONS))
    max_bytes = draw(st.sampled_from((MAX_BYTES, 1, 10, 100, 1000)))
    return data, ext, max_bytes


_counter = itertools.count()


def fresh_path(directory: Path, name: str) -> Path:
    sub = directory / f"case{next(_counter)}"
    sub.mkdir()
    return sub / name


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_readers_on_files(workdir: Path) -> None:
    calls: list[int] = []
    @given(reader_cases(), st.sampled_from(("id", "text", "body", "")), st.sampled_from(("text", "id", "t")))
    @example((b"\xff\xfe\x00", ".txt", 100), "id", "text")
    @example((b'{"text": "a"}\n' * 3, ".jsonl", 13), "id", "text")
    @example((b"[" * 100_000, ".jsonl", MAX_BYTES), "id", "text")
    @example((b"<script></script>\x01", ".html", 100), "id", "text")  # lxml's drop_tree raised ValueError
    def readers_on_files(case: tuple[bytes, str, int], id_field: str, text_field: str) -> None:
        calls.append(1)
        data, ext, max_bytes = case
        path = fresh_path(workdir, "doc" + ext)
        path.write_bytes(data)
        items = list(iter_documents([str(path)], id_field=id_field, text_field=text_field, max_bytes=max_bytes))
        assert_items(items)
        assert items
        if ext.lower() in (".jsonl", ".ndjson"):
            if b"\x00" not in data[:8192]:
                check_jsonl_items(items, data, str(path), max_bytes)
        elif ext.lower() != ".parquet":
            assert len(items) == 1 and items[0].source == str(path)

    fuzz(readers_on_files, calls)


def test_readers_on_directories(workdir: Path) -> None:
    calls: list[int] = []
    names = st.sampled_from(("a", "b.txt", "c.md", ".hidden.txt", "d.jsonl", "e.html", "f.csv", "g.TXT"))

    @given(st.lists(st.tuples(st.sampled_from(("", "sub", "sub/deeper", ".git")), names, file_contents),
                    max_size=6))
    def readers_on_directories(files: list[tuple[str, str, bytes]]) -> None:
        calls.append(1)
        root = fresh_path(workdir, "root")
        root.mkdir()
        for sub, name, data in files:
            (root / sub).mkdir(parents=True, exist_ok=True)
            (root / sub / name).write_bytes(data)
        items = list(iter_documents([str(root), str(root / "missing.txt")]))
        assert_items(items)
        assert items[-1] == InputProblem(str(root / "missing.txt"), "no such file or directory")
        visible = {(sub, name) for sub, name, _d in files if not (sub + "/" + name).startswith(".")
                   and "/." not in "/" + sub + "/" + name and os.path.splitext(name)[1].lower() in
                   (".txt", ".md", ".html", ".jsonl")}
        for sub, name in visible:  # every visible supported file gives at least one item
            shown = os.path.join(str(root), sub, name) if sub else os.path.join(str(root), name)
            assert any(i.source == shown or i.source.startswith(shown + ":") for i in items), (shown, items)

    fuzz(readers_on_directories, calls)


def test_readers_on_stdin() -> None:
    calls: list[int] = []
    @given(file_contents, st.sampled_from(("text", "jsonl")), st.booleans(),
           st.sampled_from((MAX_BYTES, 1, 10, 100)))
    @example(b"\xef\xbb\xbf", "text", False, 100)
    @example(b"caf\xe9", "text", True, 100)  # a text stream with surrogate escapes gave a Document
    def readers_on_stdin(data: bytes, fmt: str, as_text: bool, max_bytes: int) -> None:
        calls.append(1)
        stream: io.BytesIO | io.StringIO = io.BytesIO(data)
        if as_text:  # a text stream (sys.stdin without .buffer); undecodable bytes as surrogates
            stream = io.StringIO(data.decode("utf-8", errors="surrogateescape"))
        items = list(iter_documents(["-", "-"], stdin=stream, stdin_format=fmt, max_bytes=max_bytes))
        assert_items(items)
        assert items[-1].source == "<stdin>" and isinstance(items[-1], InputProblem)  # the second '-'
        items = items[:-1]
        if fmt == "text":
            assert len(items) == 1 and items[0].source == "<stdin>"
        elif not as_text:
            check_jsonl_items(items, data, "<stdin>", max_bytes)

    fuzz(readers_on_stdin, calls)


# --------------------------------------------------------------------------------------------
# check


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def assert_check_result(r: CheckResult, text: str) -> None:
    assert isinstance(r, CheckResult)
    assert math.isfinite(r.score) and 0 <= r.score <= 1, r.score
    assert r.spun == (r.score >= r.threshold)
    assert isinstance(r.restored, str) and r.n_words >= 0
    for f in r.findings:
        assert 0 <= f.start < f.end <= len(text), f
        assert text[f.start:f.end] == f.text, (f, text[f.start:f.end])
        assert 0 <= f.confidence <= 1, f
        assert f.suggestion is None or isinstance(f.suggestion, str)
        assert f.evidence and all(isinstance(e, str) for e in f.evidence), f
    for k, v in r.stats.items():
        assert math.isfinite(v), (k, v)
    if not any(f.suggestion is not None for f in r.findings):
        assert r.restored == text
    out = io.StringIO()
    assert write_jsonl([r], out) == 1
    lines = out.getvalue().splitlines(keepends=True)
    assert len(lines) == 1 and lines[0].endswith("\n")
    loaded = json.loads(lines[0])
    assert loaded["restored"] == r.restored and loaded["id"] == r.id
    assert [(f["start"], f["end"], f["text"]) for f in loaded["findings"]] == [
        (f.start, f.end, f.text) for f in r.findings]
    if valid_unicode(text):  # JSON reads two escaped lone surrogates "\ud800\udcff" as one pair
        assert CheckResult.from_dict(json.loads(json.dumps(r.to_dict(exact=True)))) == r


def test_check(lexicon: Lexicon) -> None:
    calls: list[int] = []
    @given(texts, st.floats(0, 1))
    @example("\u0130stanbul bank\u0301 ra\u0308ised \ufb01nance", 0.5)
    @example("a" * 10_000, 0.5)
    @example("\udcff\udcfe counterfeit consciousness", 0.5)
    @example("\u2028", 0.0)  # write_jsonl wrote it raw: str.splitlines cut the record in two
    @example("\ud800\udcff", 0.5)  # lone surrogates that JSON reads back as one character
    def check_any_text(text: str, threshold: float) -> None:
        calls.append(1)
        r = check(text, id="x", lexicon=lexicon, config=CheckConfig(threshold=threshold))
        assert_check_result(r, text)

    fuzz(check_any_text, calls)


# --------------------------------------------------------------------------------------------
# trace


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """``base`` with random words replaced, deleted, inserted, or passages cut and joined."""
    words = base.split(" ")
    for _ in range(draw(st.integers(0, 12))):
        if not words:
            break
        i = draw(st.integers(0, len(words) - 1))
        op = draw(st.integers(0, 3))
        if op == 0:
            words[i] = draw(st.sampled_from(WORDS + ODD))
        elif op == 1:
            del words[i]
        elif op == 2:
            words.insert(i, draw(st.sampled_from(WORDS)))
        else:
            j = draw(st.integers(i, len(words)))
            words = words[i:j] + words[:i]
    return " ".join(words)


def assert_trace_result(r: TraceResult, text: str, corpus: dict[str, str], top: int) -> None:
    assert isinstance(r, TraceResult) and len(r.matches) <= top
    for m in r.matches:
        assert m.source_id in corpus, m.source_id
        src = corpus[m.source_id]
        assert m.relation in ("derived", "same-story"), m.relation
        assert 0 <= m.score <= 1 and 0 <= m.coverage <= 1, m
        assert 0 <= m.stats.get("source_coverage", 0) <= 1, m.stats
        assert isinstance(m.restored, str)
        for a in m.alignments:
            assert 0 <= a.input_start <= a.input_end <= len(text), a
            assert 0 <= a.source_start <= a.source_end <= len(src), a
            assert math.isfinite(a.similarity), a
        for s in m.substitutions:
            assert 0 <= s.input_start <= s.input_end <= len(text), s
            assert 0 <= s.source_start <= s.source_end <= len(src), s
            assert text[s.input_start:s.input_end] == s.text, (s, text[s.input_start:s.input_end])
            assert src[s.source_start:s.source_end] == s.source_text, s
    for k, v in r.stats.items():
        assert math.isfinite(v), (k, v)
    assert TraceResult.from_dict(json.loads(json.dumps(r.to_dict(exact=True)))) == r


@st.composite
def trace_cases(draw: st.DrawFn) -> tuple[dict[str, str], list[str]]:
    corpus = {"source": SOURCE, "spun": SPUN, "other": OTHER}
    for i, t in enumerate(draw(st.lists(st.one_of(texts, mutated(SOURCE), mutated(OTHER)), max_size=4))):
        if t.strip():
            corpus[draw(st.sampled_from((f"r{i}", f"r/{i}", f"ü{i}", f"{i} ")))] = t
    queries = draw(st.lists(st.one_of(texts, mutated(SOURCE), mutated(SPUN), mutated(OTHER),
                                      st.sampled_from(list(corpus.values())).flatmap(mutated)),
                            min_size=1, max_size=4))
    return corpus, queries


def test_trace(workdir: Path) -> None:
    calls: list[int] = []
    @given(trace_cases(), st.booleans(), st.integers(1, 5))
    def trace_any_text(case: tuple[dict[str, str], list[str]], sqlite: bool, top: int) -> None:
        calls.append(1)
        corpus, queries = case
        where = fresh_path(workdir, "i.db") if sqlite else ":memory:"
        with Index.open(where) as idx:
            invalid = [i for i, t in corpus.items() if not valid_unicode(t) or not valid_unicode(i)]
            if invalid:  # refused, with the document named
                with pytest.raises(ValueError, match="not valid Unicode"):
                    idx.add(list(corpus.items()))
                corpus = {i: t for i, t in corpus.items() if i not in invalid}
            idx.add(list(corpus.items()))
            assert len(idx) == len(corpus)
            one = [idx.trace(q, id=f"q{i}", top=top) for i, q in enumerate(queries)]
            for r, q in zip(one, queries, strict=True):
                assert_trace_result(r, q, corpus, top)
            many = list(idx.trace_many([(f"q{i}", q) for i, q in enumerate(queries)], top=top, chunk=2))
            assert many == one  # documented: the same results, only faster

    fuzz(trace_any_text, calls)
