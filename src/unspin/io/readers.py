"""Turn command-line inputs (files, directories, ``-``) into documents to check.

:func:`iter_documents` yields one :class:`Document` per readable text and one
:class:`InputProblem` per text that could not be read, in input order. A bad input never stops
the others and is never dropped silently. ``Document.text`` is the decoded text exactly as read
(no stripping or normalisation), so character offsets computed on it are offsets into the
source; the one exception is HTML, where the text is the extracted main content.

Formats, chosen by file extension (case-insensitive):

* ``.txt``, ``.md``, ``.text``: one plain-text document per file.
* ``.html``, ``.htm``: the page's main text, extracted with trafilatura.
* ``.jsonl``, ``.ndjson``: one document per JSON object per line, streamed.
* ``.parquet``: one document per row, streamed in record batches (needs ``pyarrow``).

A file named explicitly with any other extension is read as plain text. Inside a directory, a
file with no extension is read by its content (HTML when it starts like a page, else plain
text; binary content is passed over); files with other extensions and hidden entries (names
starting with ``.``) are passed over, each reported as an :class:`InputProblem` with
``ignored=True`` so that nothing is skipped silently.

Standard input is read by ``stdin_format``: ``auto`` (the default) sniffs its start: an HTML
page, JSON Lines (the first line is a JSON object) or plain text, and reports an input that
could be either (markup that is not a page, a first line that starts like JSON but is not)
instead of guessing.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from unspin.defaults import MAX_BYTES

__all__ = [
    "HTML_EXTENSIONS",
    "JSONL_EXTENSIONS",
    "PARQUET_EXTENSIONS",
    "STDIN_FORMATS",
    "SUPPORTED_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "Document",
    "InputProblem",
    "ReadOptions",
    "directory_id",
    "document_from_value",
    "iter_documents",
    "parse_jsonl_line",
    "path_id",
]

TEXT_EXTENSIONS = frozenset({".txt", ".md", ".text"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
PARQUET_EXTENSIONS = frozenset({".parquet"})
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS | PARQUET_EXTENSIONS

STDIN_SOURCE = "<stdin>"
#: How standard input may be read: ``auto`` sniffs it (see the module docstring).
STDIN_FORMATS = ("auto", "text", "html", "jsonl")

_SNIFF_BYTES = 8192  # binary detection looks at this much of the start of a file
_CONTROL_SHARE = 0.10  # more than this share of control characters means "binary"
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_PARQUET_BATCH_ROWS = 1024
_BOMS: tuple[tuple[bytes, str], ...] = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Document:
    """One text to process.

    ``id`` names the document in results: for a file found in a directory, the directory's
    name and the file's path below it (``ref/sub/a.txt`` however ``ref`` was named,
    :func:`directory_id`); for a file named directly, its normalised path (:func:`path_id`);
    the record's id field, or ``"path:LINE"``, for JSONL; ``"-"`` for plain stdin. Two files
    never share an id in one run (the second keeps its own path). ``source`` says where it came
    from, as the user named it: ``"path"``, ``"path:LINE"`` (JSONL), ``"path:ROW"`` (Parquet,
    rows counted from 1) or ``"<stdin>"``.
    """

    id: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A document that could not be read: reported, never silently dropped.

    ``reason`` is one sentence saying what is wrong, and how to fix it where there is a fix.
    ``ignored`` is True for a file passed over on purpose inside a directory (an unsupported
    type, a hidden entry): it is reported, but it is not a failure of the run.
    """

    source: str
    reason: str
    ignored: bool = False


Item = Document | InputProblem


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How records are turned into documents (the ``iter_documents`` options of the same names).

    ``id_field`` and ``text_field`` name the field of a JSONL record or the Parquet column that
    holds a document's id and text; ``max_bytes`` (positive) is the most UTF-8 bytes a text may
    have (for whole files, the most bytes a file, line or standard input may have).
    """

    id_field: str = "id"
    text_field: str = "text"
    max_bytes: int = MAX_BYTES


def iter_documents(
    inputs: Sequence[str],
    *,
    id_field: str = "id",
    text_field: str = "text",
    max_bytes: int = MAX_BYTES,
    stdin: TextIO | BinaryIO | None = None,
    stdin_format: str = "auto",
) -> Iterator[Document | InputProblem]:
    """Yield a :class:`Document` or :class:`InputProblem` for every text named by ``inputs``.

    ``inputs`` are file paths, directories (walked recursively in sorted order) or ``-`` for
    standard input (``stdin``, default ``sys.stdin``), read as one document with id ``"-"``
    (``stdin_format`` ``text`` or ``html``), as JSON Lines (``jsonl``), or as its first bytes
    say (``auto``, see the module docstring). ``id_field`` and ``text_field`` name
    the fields of JSONL records and Parquet columns. ``max_bytes`` limits the size of a whole
    file for text and HTML, and of one line (JSONL) or one text value (Parquet), which are
    streamed.

    Guarantees: items come in input order; nothing raises for a bad input (it becomes an
    :class:`InputProblem`); ``Document.text`` is never empty or whitespace-only and is the
    decoded text unaltered (HTML: the extracted text).
    """
    if stdin_format not in STDIN_FORMATS:
        raise ValueError(f"stdin_format must be one of {', '.join(STDIN_FORMATS)}, not {stdin_format!r}")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be positive, not {max_bytes}")
    opts = ReadOptions(id_field=id_field, text_field=text_field, max_bytes=max_bytes)
    seen = _Seen()
    stdin_read = False
    for name in inputs:
        if name == "-":
            if stdin_read:
                yield InputProblem(STDIN_SOURCE, "standard input was already read; give '-' only once")
                continue
            stdin_read = True
            stream = stdin if stdin is not None else _default_stdin()
            if stream is None:
                yield InputProblem(STDIN_SOURCE, "there is no standard input to read")
            else:
                yield from _iter_stdin(stream, stdin_format, opts)
            continue
        yield from _iter_path(name, opts, seen)


# --------------------------------------------------------------------------------------------
# Paths and directories


@dataclass
class _Seen:
    """The files one ``iter_documents`` call has read (by device and inode) and the ids given."""

    files: dict[tuple[int, int], str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def claim(self, st: os.stat_result, doc_id: str, path: str) -> str | None:
        """The id for the file ``st`` (``doc_id``, or its own path when another file took that
        id), or ``None`` when this file was read already under another name."""
        key = (st.st_dev, st.st_ino)
        if key in self.files:
            return None
        if doc_id in self.ids:
            doc_id = path_id(path)
        self.files[key] = doc_id
        self.ids.add(doc_id)
        return doc_id


def path_id(path: str) -> str:
    """The id of a file named directly: its path relative to the working directory when it lies
    under it (``./a.txt``, ``a.txt`` and ``/abs/cwd/a.txt`` are all ``a.txt``), else its
    absolute path; normalised, with ``/`` separators."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute)
    chosen = absolute if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel
    return chosen.replace(os.sep, "/")


def directory_id(path: str) -> str:
    """The id prefix of the files found under the directory ``path``: the directory's own name
    (``ref/``, ``/abs/path/ref`` and ``.`` inside ``ref`` are all ``ref``), so a file's id does
    not depend on how its directory was named or where unspin was run from."""
    return os.path.basename(os.path.abspath(path)) or path_id(path)


def _iter_path(name: str, opts: ReadOptions, seen: _Seen) -> Iterator[Item]:
    try:
        st = os.stat(name)
    except FileNotFoundError:
        yield InputProblem(name, "no such file or directory")
        return
    except OSError as e:
        yield InputProblem(name, _os_reason(e))
        return
    if stat.S_ISDIR(st.st_mode):
        found = False
        walk = _walk(name, name, directory_id(name), opts, seen, visited={(st.st_dev, st.st_ino)})
        for item in walk:
            found = found or not (isinstance(item, InputProblem) and item.ignored)
            yield item
        if not found:
            exts = ", ".join(sorted(SUPPORTED_EXTENSIONS))
            yield InputProblem(name, f"no supported files in this directory (looked for {exts})")
        return
    yield from _read_file(name, path_id(name), st, opts, seen)


def _walk(directory: str, shown: str, ident: str, opts: ReadOptions, seen: _Seen, *,
          visited: set[tuple[int, int]]) -> Iterator[Item]:
    """Items for the files under ``directory``, depth first in name order.

    ``shown`` is the directory's path as the user wrote it (sources build on it), ``ident``
    the id prefix of its files (``directory_id``).
    Hidden entries and files with unsupported extensions are skipped; symlinks are followed,
    and ``visited`` (device, inode) pairs stop symlink loops.
    """
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        yield InputProblem(shown, _os_reason(e))
        return
    for entry in entries:
        child = os.path.join(shown, entry.name)
        if entry.name.startswith("."):
            yield InputProblem(child, "hidden (name it explicitly to read it)", ignored=True)
            continue
        try:
            is_dir = entry.is_dir()
            ext = _extension(entry.name)
            if not is_dir and ext and ext not in SUPPORTED_EXTENSIONS:
                yield InputProblem(child, _unsupported(ext), ignored=True)
                continue
            st = os.stat(entry.path)
        except OSError as e:
            yield InputProblem(child, _os_reason(e))
            continue
        if is_dir:
            key = (st.st_dev, st.st_ino)
            if key not in visited:  # already walked: a symlink loop or a second link
                visited.add(key)
                yield from _walk(entry.path, child, f"{ident}/{entry.name}", opts, seen, visited=visited)
            continue
        if not stat.S_ISREG(st.st_mode):
            yield InputProblem(
                child, "not a regular file (a pipe, socket or device); name it explicitly to read it"
            )
            continue
        yield from _read_file(child, f"{ident}/{entry.name}", st, opts, seen, untyped=not ext)


def _unsupported(ext: str) -> str:
    exts = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    return f"unspin does not read '{ext}' files (it reads {exts}); name the file to read it as text"


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


class _Skip(Exception):
    """Raised inside the reader when a document cannot be used; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read_file(name: str, doc_id: str, st: os.stat_result, opts: ReadOptions, seen: _Seen, *,
               untyped: bool = False) -> Iterator[Item]:
    """Items from one file, by extension; unknown extensions are read as plain text. ``name`` is
    its path as met, ``doc_id`` the id it gets unless another file has it (see ``_Seen``); a
    file already read under another name is reported, not read twice.

    ``untyped``: a file with no extension met in a directory, read as its content says (HTML or
    plain text); binary content is passed over (``InputProblem.ignored``), not a failure.
    """
    ext = _extension(name)
    claimed = seen.claim(st, doc_id, name)
    if claimed is None:
        yield InputProblem(name, f"already read as '{seen.files[(st.st_dev, st.st_ino)]}'", ignored=True)
        return
    if ext in JSONL_EXTENSIONS:
        yield from _iter_jsonl_file(name, opts)
        return
    if ext in PARQUET_EXTENSIONS:
        yield from _iter_parquet(name, opts)
        return
    try:
        if stat.S_ISREG(st.st_mode) and st.st_size > opts.max_bytes:
            raise _Skip(_too_large(opts.max_bytes, size=st.st_size))
        data = _read_bytes(name, opts.max_bytes)
        html = ext in HTML_EXTENSIONS or (untyped and _sniff(data[:_SNIFF_BYTES]) == "html")
        text = _html_text(data) if html else _checked(_decode(data))
    except _Skip as e:
        binary = e.reason in (_BINARY_NUL, _BINARY_CONTROL)
        yield InputProblem(name, f"{e.reason} (a file with no extension, passed over)" if untyped and binary
                           else e.reason, ignored=untyped and binary)
        return
    yield Document(claimed, text, name)


def _read_bytes(name: str, limit: int) -> bytes:
    """The file's bytes, at most ``limit``; binary files are recognised from their first bytes."""
    try:
        with open(name, "rb") as f:
            head = f.read(_SNIFF_BYTES)
            if _binary_head(head):
                raise _Skip(_BINARY_NUL)
            data = head + f.read(max(0, limit + 1 - len(head)))
    except OSError as e:
        raise _Skip(_os_reason(e)) from e
    if len(data) > limit:
        raise _Skip(_too_large(limit))
    return data


# --------------------------------------------------------------------------------------------
# Decoding and sanity checks

_BINARY_NUL = "looks binary (NUL bytes); not a text document"
_BINARY_CONTROL = "looks binary (many control characters); not a text document"
_UNDECODABLE = "cannot decode bytes as text (tried UTF-8 and charset detection)"
_EMPTY = "empty document"


def _binary_head(head: bytes) -> bool:
    """NUL bytes near the start, unless a UTF-16/32 byte-order mark explains them."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # also covers UTF-32 BOMs
        return False
    return b"\x00" in head[:_SNIFF_BYTES]


def _decode(data: bytes, *, declared: str | None = None) -> str:
    """Decode ``data`` to text: BOM, then UTF-8, then ``declared``, then charset detection.

    A byte-order mark is removed; nothing else is. Raises ``_Skip`` when nothing fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                label = encoding.removesuffix("-sig").upper()
                raise _Skip(
                    f"cannot decode bytes as text (starts with a {label} byte-order mark "
                    f"but is not valid {label})"
                ) from None
    if _binary_head(data):
        raise _Skip(_BINARY_NUL)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared is not None:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    text = _detect_charset(data)
    if text is None:
        raise _Skip(_UNDECODABLE)
    return text


def _detect_charset(data: bytes) -> str | None:
    """Decode with charset_normalizer, preferring Windows-1252 among equally plausible guesses.

    charset_normalizer often cannot tell single-byte Latin code pages apart on short texts and
    picks, say, cp1250 for French ("très" -> "trčs"); cp1252 (a superset of printable latin-1)
    is by far the most common of them, so it wins ties.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    chosen = best
    for m in matches:
        if (
            m.chaos <= best.chaos + 0.01
            and m.coherence >= best.coherence - 0.01
            and "cp1252" in m.could_be_from_charset
        ):
            chosen = m
            break
    return str(chosen)


def _checked(text: str) -> str:
    """``text`` itself, unless it is not a usable document (binary, not valid Unicode, empty):
    then ``_Skip``."""
    sample = text[:_SNIFF_BYTES]
    if "\x00" in sample:
        raise _Skip(_BINARY_NUL)
    controls = sum(1 for c in sample if (c < " " and c not in _ALLOWED_CONTROLS) or "\x7f" <= c <= "\x9f")
    if sample and controls > _CONTROL_SHARE * len(sample):
        raise _Skip(_BINARY_CONTROL)
    if not text.isascii() and not _is_valid_unicode(text):  # a text stream read with surrogateescape
        raise _Skip("text contains unpaired surrogate escapes (like \\udcff); not valid Unicode")
    if not text.strip():
        raise _Skip(_EMPTY)
    return text


# --------------------------------------------------------------------------------------------
# HTML


def _html_text(data: bytes) -> str:
    """The main text of an HTML page: trafilatura, else the body's text content."""
    html = _checked(_decode(data, declared=_declared_charset(data)))
    text = _trafilatura_text(html)
    if not text or not text.strip():
        text = _lxml_body_text(html)
    if not text or not text.strip():
        raise _Skip("no text could be extracted from the HTML")
    return text


def _declared_charset(data: bytes) -> str | None:
    """The ``<meta charset>`` of a page, as a Python codec name, if it names a known one."""
    m = _HTML_CHARSET_RE.search(data[:4096])
    if m is None:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # As browsers do (WHATWG Encoding), read latin-1 and ASCII labels as windows-1252.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _trafilatura_text(html: str) -> str | None:
    import trafilatura

    try:
        text = trafilatura.extract(html, include_comments=False, favor_recall=True)
        return text if isinstance(text, str) else None
    except Exception:  # a malformed page must not stop the run; the lxml fallback follows
        return None


def _lxml_body_text(html: str) -> str | None:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(
            html.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError):
        return None
    body = root.find(".//body")
    if body is None:
        body = root
    # Not drop_tree(): it joins the element's tail to the text before it through lxml's text
    # setter, which refuses the control characters the parser let in ("<script></script>\x01").
    etree.strip_elements(body, "script", "style", "noscript", "template", with_tail=False)
    return str(body.text_content())


# --------------------------------------------------------------------------------------------
# JSON Lines

_GIVE_UP_AFTER = 20  # consecutive bad records at the start of a stream before giving up on it
_MAX_FIELDS_SHOWN = 10


def _iter_jsonl_file(name: str, opts: ReadOptions) -> Iterator[Item]:
    try:
        f = open(name, "rb")  # noqa: SIM115 - closed below, after streaming
    except OSError as e:
        yield InputProblem(name, _os_reason(e))
        return
    with f:
        if _binary_head(f.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]):
            yield InputProblem(name, _BINARY_NUL)
            return
        yield from _iter_jsonl_stream(f, name, opts)


def _iter_jsonl_stream(stream: TextIO | BinaryIO, prefix: str, opts: ReadOptions) -> Iterator[Item]:
    """One item per non-blank line of ``stream``, whose sources are ``prefix:LINE``."""
    n_good = n_bad = 0
    try:
        for lineno, line in _iter_lines(stream, opts.max_bytes):
            source = f"{prefix}:{lineno}"
            if line is None:
                item: Item | None = InputProblem(
                    source, _too_large(opts.max_bytes, what="line") + " or split the record"
                )
            else:
                item = parse_jsonl_line(line, lineno, source, options=opts)
            if item is None:
                continue
            if isinstance(item, Document):
                n_good += 1
            else:
                n_bad += 1
            yield item
            if n_good == 0 and n_bad >= _GIVE_UP_AFTER:
                yield InputProblem(
                    prefix,
                    f"gave up after the first {n_bad} records all failed; is this really a JSON Lines "
                    "file (one JSON object per line)?",
                )
                return
    except (OSError, UnicodeDecodeError) as e:
        yield InputProblem(prefix, f"reading stopped: {e}")
        return
    if n_good == 0 and n_bad == 0:
        yield InputProblem(prefix, "no records (the input is empty or has only blank lines)")


def _iter_lines(stream: TextIO | BinaryIO, limit: int) -> Iterator[tuple[int, str | bytes | None]]:
    """``(line_number, line)`` pairs; ``line`` is ``None`` when it is longer than ``limit``.

    Never holds more than ``limit + 1`` bytes (characters, for text streams) of a line.
    """
    lineno = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not _ends_line(line):
            while chunk := stream.readline(1 << 20):  # skip the rest of the oversized line
                if _ends_line(chunk):
                    break
            yield lineno, None
            continue
        yield lineno, line


def _ends_line(line: str | bytes) -> bool:
    return line[-1:] in ("\n", b"\n")


def json_error(e: json.JSONDecodeError) -> str:
    """``e``'s message and column, once: some messages already end with "at" ("Invalid control
    character at"), which used to read "at at column 52"."""
    msg = e.msg[:-3] if e.msg.endswith(" at") else e.msg
    return f"{msg} at column {e.colno}"


def parse_jsonl_line(line: str | bytes, lineno: int, source: str, *,
                     options: ReadOptions = ReadOptions()) -> Document | InputProblem | None:
    """The document on one JSON Lines line, the problem with it, or ``None`` for a blank line.

    This is what the JSONL reader of :func:`iter_documents` does with every line it reads.
    ``line`` may end with its line break; ``bytes`` must be UTF-8. ``lineno`` counts from 1;
    on line 1 a leading byte-order mark is removed. ``source`` names the line in the result
    (the reader uses ``"path:LINE"``). The record's ``options.text_field`` must be a string;
    the rest is :func:`document_from_value` with the record's ``options.id_field`` value.

    Guarantees: never raises for any line content (malformed JSON, a non-object, a missing or
    non-string text field all give an :class:`InputProblem` naming ``source``); ``None`` only
    when the line is blank. The length of the line itself is not checked: the reader refuses
    lines longer than ``options.max_bytes`` before parsing them.
    """
    opts = options
    if isinstance(line, bytes):
        if lineno == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as e:
            return InputProblem(source, f"not valid UTF-8 at byte {e.start + 1} (JSON Lines must be UTF-8)")
    elif lineno == 1:
        line = line.removeprefix("\ufeff")
    if not line.strip():
        return None
    try:
        obj = json.loads(line.rstrip("\r\n"))  # so that an error at the end names this line's last column
    except json.JSONDecodeError as e:
        return InputProblem(source, f"malformed JSON ({json_error(e)})")
    except RecursionError:
        return InputProblem(source, "malformed JSON (nested too deeply)")
    except ValueError:  # Python's limit on integer digits (sys.get_int_max_str_digits)
        return InputProblem(source, "malformed JSON (a number has too many digits to read)")
    if not isinstance(obj, dict):
        hint = "; JSON Lines needs one object per line" if isinstance(obj, list) else ""
        return InputProblem(source, f"expected a JSON object, found {_json_kind(obj)}{hint}")
    return _record_document(obj, source, opts)


def _record_document(record: dict[str, Any], source: str, opts: ReadOptions) -> Item:
    """A document from a JSON object, or the problem with it."""
    tf = opts.text_field
    if tf not in record:
        present = f"fields present: {_names(list(record))}" if record else "no fields at all"
        return InputProblem(
            source, f"no string field '{tf}' ({present}); choose the text field with --text-field"
        )
    text = record[tf]
    if not isinstance(text, str):
        return InputProblem(
            source,
            f"field '{tf}' is {_json_kind(text)}, not a string; choose the text field with --text-field",
        )
    return document_from_value(text, record.get(opts.id_field), source, options=opts)


def _names(names: Sequence[object]) -> str:
    """The first few names, comma-separated, with "…" when some are left out."""
    shown = ", ".join(str(n) for n in names[:_MAX_FIELDS_SHOWN])
    return shown + (", …" if len(names) > _MAX_FIELDS_SHOWN else "")


def document_from_value(text: str, raw_id: object, source: str, *,
                        options: ReadOptions = ReadOptions()) -> Document | InputProblem:
    """A document from a record's text and raw id, or the problem with it.

    The checks every JSONL record and Parquet row goes through in :func:`iter_documents`.
    Returns an :class:`InputProblem` naming ``source`` when ``text`` has more than
    ``options.max_bytes`` UTF-8 bytes, is not valid Unicode (unpaired surrogates) or is blank;
    otherwise a :class:`Document` with ``text`` unaltered, ``source`` as its source, and as id
    ``raw_id`` when it is a non-empty valid string, ``str(raw_id)`` when it is a number (not a
    bool), else ``source``. Never raises.
    """
    opts = options
    if len(text) * 4 > opts.max_bytes and len(text.encode("utf-8", "surrogatepass")) > opts.max_bytes:
        return InputProblem(
            source, _too_large(opts.max_bytes, size=len(text.encode("utf-8", "surrogatepass")))
        )
    if not _is_valid_unicode(text):
        return InputProblem(
            source, "text contains unpaired surrogate escapes (like \\ud800); not valid Unicode"
        )
    if not text.strip():
        return InputProblem(source, f"{_EMPTY} (the text is blank)")
    doc_id = source
    if isinstance(raw_id, str) and raw_id and _is_valid_unicode(raw_id):
        doc_id = raw_id
    elif isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    return Document(doc_id, text, source)


def _is_valid_unicode(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------------------------
# Parquet


def _iter_parquet(name: str, opts: ReadOptions) -> Iterator[Item]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        yield InputProblem(
            name, "reading Parquet needs the pyarrow package; install it with: pip install pyarrow"
        )
        return
    try:
        pf = pq.ParquetFile(name)
        schema = pf.schema_arrow
    except OSError as e:
        yield InputProblem(name, _os_reason(e) if e.errno else f"not a readable Parquet file ({e})")
        return
    except (ValueError, pa.ArrowException) as e:
        yield InputProblem(name, f"not a readable Parquet file ({e})")
        return
    try:
        yield from _iter_parquet_rows(pa, pf, schema, name, opts)
    finally:
        pf.close()


def _iter_parquet_rows(pa: Any, pf: Any, schema: Any, name: str, opts: ReadOptions) -> Iterator[Item]:
    tf, idf = opts.text_field, opts.id_field
    if tf not in schema.names:
        shown = _names(schema.names)
        yield InputProblem(
            name,
            f"no string column '{tf}' (columns present: {shown}); choose the text column with --text-field",
        )
        return
    text_type = schema.field(tf).type
    if not _is_arrow_string(pa, text_type):
        yield InputProblem(
            name, f"column '{tf}' has type {text_type}, not string; choose the text column with --text-field"
        )
        return
    columns = [tf] if idf == tf or idf not in schema.names else [tf, idf]
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=columns):
            texts = batch.column(0).to_pylist()
            ids = batch.column(1).to_pylist() if len(columns) == 2 else None
            for i, text in enumerate(texts):
                row += 1
                source = f"{name}:{row}"
                if text is None:
                    yield InputProblem(source, f"{_EMPTY} (null in column '{tf}')")
                    continue
                raw_id = ids[i] if ids is not None else None
                if raw_id is not None and not isinstance(raw_id, str):
                    raw_id = str(raw_id)  # numbers, dates, ...: their usual spelling
                yield document_from_value(text, raw_id, source, options=opts)
    except (OSError, ValueError, pa.ArrowException) as e:
        yield InputProblem(name, f"Parquet reading stopped after row {row} ({e})")
        return
    if row == 0:
        yield InputProblem(name, "no rows (the Parquet file is empty)")


def _is_arrow_string(pa: Any, t: Any) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    is_view = getattr(pa.types, "is_string_view", lambda _t: False)
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or is_view(t))


# --------------------------------------------------------------------------------------------
# Standard input


def _default_stdin() -> TextIO | BinaryIO | None:
    if sys.stdin is None:
        return None
    return getattr(sys.stdin, "buffer", sys.stdin)


def _iter_stdin(stream: TextIO | BinaryIO, stdin_format: str, opts: ReadOptions) -> Iterator[Item]:
    """Standard input as ``stdin_format`` says; ``auto`` decides JSON Lines from the first
    non-blank line (streamed from there on), HTML or text from the first bytes."""
    if stdin_format == "jsonl":
        yield from _iter_jsonl_stream(stream, STDIN_SOURCE, opts)
        return
    if stdin_format == "auto":
        try:
            head = _leading_lines(stream, opts.max_bytes)
        except (OSError, UnicodeDecodeError) as e:
            yield InputProblem(STDIN_SOURCE, f"cannot read standard input: {e}")
            return
        kind = _sniff_json_line(head)
        stream = _Replay(head, stream)  # type: ignore[assignment]  # reads like the stream it wraps
        if kind == "jsonl":
            yield from _iter_jsonl_stream(stream, STDIN_SOURCE, opts)
            return
        if kind == "json-like":
            yield InputProblem(STDIN_SOURCE, "standard input starts like JSON, but its first line is not a JSON "
                                             "object; say how to read it: --stdin-format jsonl or text")
            return
    yield _read_stdin_text(stream, stdin_format, opts)


def _read_stdin_text(stream: TextIO | BinaryIO, stdin_format: str, opts: ReadOptions) -> Item:
    try:
        data = stream.read(opts.max_bytes + 1)
    except (OSError, UnicodeDecodeError) as e:
        return InputProblem(STDIN_SOURCE, f"cannot read standard input: {e}")
    def as_bytes(part: str | bytes) -> bytes:  # a text stream's characters, encoded only where needed
        return part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")

    kind = stdin_format if stdin_format != "auto" else _sniff(as_bytes(data[:_SNIFF_BYTES]))
    try:
        if len(data) > opts.max_bytes:
            raise _Skip(_too_large(opts.max_bytes, what="standard input") + " or split the input")
        if kind == "markup":
            raise _Skip("standard input starts with markup but not an HTML page; say how to read it: "
                        "--stdin-format html or text")
        if kind == "html":
            text = _html_text(as_bytes(data))
        else:
            text = _checked(data if isinstance(data, str) else _decode(data))
    except _Skip as e:
        return InputProblem(STDIN_SOURCE, e.reason)
    return Document("-", text, STDIN_SOURCE)


_MAX_LEADING_BLANKS = 100  # blank lines read before the first line that decides how to read stdin
_HTML_START_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_TAG_RE = re.compile(rb"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.IGNORECASE)


def _sniff(head: bytes) -> str:
    """What the first bytes of an input look like: ``html`` (a page: it starts with a doctype or
    an ``<html>``, ``<head>`` or ``<body>`` tag, possibly after a comment or an XML declaration),
    ``markup`` (starts with a tag but is not a page: ambiguous) or ``text``."""
    for bom, _encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    start = head.lstrip()
    if not start.startswith(b"<"):
        return "text"
    if _HTML_START_RE.match(start) or (start.startswith((b"<!--", b"<?xml")) and _HTML_START_RE.search(start)):
        return "html"
    return "markup" if _TAG_RE.match(start) else "text"


def _sniff_json_line(lines: list[str] | list[bytes]) -> str:
    """``jsonl`` when the first non-blank of ``lines`` is a JSON object, ``json-like`` when it
    starts with ``{`` but is not one, else ``text``."""
    raw = lines[-1] if lines else ""
    line = (raw if isinstance(raw, str) else raw.decode("utf-8", "replace")).removeprefix("\ufeff").strip()
    if not line.startswith("{"):
        return "text"
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # malformed, too many digits, nested too deeply
        return "json-like"
    return "jsonl" if isinstance(value, dict) else "json-like"


def _leading_lines(stream: TextIO | BinaryIO, limit: int) -> list[str] | list[bytes]:
    """The stream's first non-blank line and the blank lines before it, each read as
    ``stream.readline(limit + 1)`` reads it (so a line reader given them loses nothing)."""
    lines = [stream.readline(limit + 1)]
    while len(lines) <= _MAX_LEADING_BLANKS and lines[-1] and not lines[-1].strip():
        lines.append(stream.readline(limit + 1))
    return lines  # type: ignore[return-value]  # all str or all bytes: one stream


class _Replay:
    """``stream`` with ``lines`` (already read from it by ``_leading_lines``) put back in front."""

    def __init__(self, lines: list[str] | list[bytes], stream: TextIO | BinaryIO) -> None:
        # str or bytes, as the wrapped stream gives: the two never mix within one stream.
        self._lines: list[Any] = [line for line in lines if line]
        self._stream: Any = stream

    def readline(self, limit: int = -1) -> Any:
        """The next line; the put-back lines come as they were read (with the same limit)."""
        return self._lines.pop(0) if self._lines else self._stream.readline(limit)

    def read(self, n: int = -1) -> Any:
        """At most ``n`` characters or bytes (all when ``n`` < 0), put-back lines first."""
        head = self._stream.read(0)[:0].join(self._lines) if self._lines else self._stream.read(0)
        self._lines = []
        if n < 0:
            return head + self._stream.read()
        if len(head) > n:
            self._lines = [head[n:]]
            return head[:n]
        return head + self._stream.read(n - len(head))


# --------------------------------------------------------------------------------------------
# Messages


def _human_size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KB"
    return f"{n} bytes"


def _too_large(limit: int, *, size: int | None = None, what: str = "file") -> str:
    """E.g. "too large: 200.0 MB exceeds the 64.0 MB limit; raise it with --max-bytes or split the file"."""
    if size is None:
        return f"too large: the {what} exceeds the {_human_size(limit)} limit; raise it with --max-bytes"
    return (
        f"too large: {_human_size(size)} exceeds the {_human_size(limit)} limit; "
        f"raise it with --max-bytes or split the {what}"
    )


def _os_reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "permission denied; check the file's permissions"
    if isinstance(e, FileNotFoundError):
        return "no such file or directory"
    detail = (e.strerror or str(e) or type(e).__name__).rstrip(".")
    return f"cannot read: {detail[:1].lower() + detail[1:]}"
