"""Write results: JSON Lines, CSV summaries, one-line problem reports and a terminal view.

Writers never close or flush the stream they are given. Text from documents is untrusted:
the terminal view builds ``rich.text.Text`` objects (never markup strings) and shows control
characters as visible escapes, so a document cannot restyle or take over the terminal.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from unspin.core.results import CheckResult, Finding, TraceResult, finite
from unspin.defaults import CSV_TOP_FINDINGS, TOP_MATCHES
from unspin.io.readers import InputProblem
from unspin.text import sentence_spans

__all__ = [
    "CSV_COLUMNS",
    "TRACE_CSV_COLUMNS",
    "json_line",
    "problem_to_dict",
    "render_terminal",
    "render_trace_terminal",
    "top_findings",
    "write_csv",
    "write_jsonl",
    "write_problem",
    "write_trace_csv",
]

CSV_COLUMNS = ("id", "spun", "score", "threshold", "n_words", "n_findings", "top_findings")
TRACE_CSV_COLUMNS = ("id", "rank", "source_id", "relation", "score", "coverage", "n_alignments",
                     "n_substitutions", "top_substitutions")

_FINDING_STYLE = "bold red"
_SUGGESTION_STYLE = "green"
_ELLIPSIS = "…"


# --------------------------------------------------------------------------------------------
# JSON Lines and CSV


def write_jsonl(
    results: Iterable[CheckResult] | Iterable[TraceResult],
    out: TextIO,
    *,
    include_text: bool = False,
    texts: Mapping[str, str] | Iterable[str] | None = None,
) -> int:
    """Write one JSON object per line, from ``CheckResult.to_dict()``; return the count.

    With ``include_text``, each object also gets a ``"text"`` key holding the document text,
    taken from ``texts``: either a mapping from result id to text, or an iterable of texts in
    the same order as ``results`` (e.g. ``[doc.text]`` when writing one result at a time).
    Guarantees: every line is valid JSON (:func:`json_line`: ``ensure_ascii=False``; a
    non-finite number, which JSON cannot represent, is written as ``null``), ends with
    ``"\\n"`` and holds no other character that ``str.splitlines`` splits on.

    Raises ``ValueError`` when ``include_text`` is set without ``texts`` or when an iterable
    ``texts`` is shorter or longer than ``results``; ``KeyError`` when a mapping lacks an id.
    """
    if include_text and texts is None:
        raise ValueError("include_text=True needs texts (a mapping id -> text, or texts in order)")
    if isinstance(texts, str):
        raise TypeError("texts must be a mapping or an iterable of texts, not a single string")
    pairs = _with_texts(results, texts) if include_text else ((r, None) for r in results)
    n = 0
    for result, text in pairs:
        record = result.to_dict()
        if include_text:
            record["text"] = text
        out.write(json_line(record))
        out.write("\n")
        n += 1
    return n


def _with_texts(
    results: Iterable[CheckResult] | Iterable[TraceResult], texts: Mapping[str, str] | Iterable[str] | None
) -> Iterator[tuple[CheckResult | TraceResult, str | None]]:
    if isinstance(texts, Mapping):
        for r in results:
            if r.id not in texts:
                raise KeyError(f"no text given for result id {r.id!r}")
            yield r, texts[r.id]
        return
    text_iter = iter(texts or ())
    for r in results:
        text = next(text_iter, None)
        if text is None:
            raise ValueError("fewer texts than results")
        yield r, text
    if next(text_iter, None) is not None:
        raise ValueError("more texts than results")


# Characters that ``str.splitlines`` (and JavaScript before ES2019) take for line breaks but
# ``json.dumps(ensure_ascii=False)`` leaves raw inside strings; JSON escapes them losslessly.
_LINE_BREAKS_IN_STRINGS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_line(record: Any) -> str:
    """``record`` as one line of strict JSON, without the line break: non-ASCII text kept as it
    is, non-finite numbers as ``null``, and U+2028, U+2029 and U+0085 escaped (they can only
    occur inside strings), so that no line-splitting reader splits the record."""
    return json.dumps(finite(record), ensure_ascii=False, allow_nan=False).translate(_LINE_BREAKS_IN_STRINGS)


def write_csv(results: Iterable[CheckResult], out: TextIO, *, header: bool = True,
              top: int = CSV_TOP_FINDINGS) -> int:
    """Write one summary row per result (columns :data:`CSV_COLUMNS`); return the row count.

    ``top_findings`` lists up to ``top`` distinct findings, most confident first, as
    ``"span→suggestion"`` (just ``"span"`` when there is no suggestion) joined by ``"; "``.
    ``spun`` is ``true``/``false``; ``score`` is rounded to 4 places. Rows end with ``"\\n"``;
    fields are quoted by the ``csv`` module as needed. ``header=False`` omits the header row
    (for appending to a file one result at a time). Open files with ``newline=""``.
    """
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    n = 0
    for r in results:
        writer.writerow(
            [
                r.id,
                "true" if r.spun else "false",
                _csv_number(r.score),
                _csv_number(r.threshold),
                r.n_words,
                len(r.findings),
                top_findings(r.findings, limit=top),
            ]
        )
        n += 1
    return n


def top_findings(findings: Iterable[Finding], *, limit: int = 5) -> str:
    """Up to ``limit`` distinct findings, most confident first, as ``"a→b; c→d"``.

    Findings with the same span text (case-insensitive) and suggestion count once.
    """
    ranked = sorted(findings, key=lambda f: (-f.confidence, f.start))
    seen: set[tuple[str, str | None]] = set()
    parts: list[str] = []
    for f in ranked:
        key = (f.text.casefold(), f.suggestion)
        if key in seen:
            continue
        seen.add(key)
        parts.append(f"{f.text}→{f.suggestion}" if f.suggestion else f.text)
        if len(parts) >= limit:
            break
    return "; ".join(parts)


def _csv_number(x: float) -> str:
    return str(round(x, 4)) if math.isfinite(x) else ""


# --------------------------------------------------------------------------------------------
# Problems


def problem_to_dict(p: InputProblem) -> dict[str, Any]:
    """``{"source": ..., "skipped": True, "ignored": ..., "reason": ...}``: a problem as a
    JSON-ready record (``ignored``: passed over on purpose, not a failure)."""
    return {"source": p.source, "skipped": True, "ignored": p.ignored, "reason": p.reason}


def write_problem(p: InputProblem, err: TextIO) -> None:
    """Write ``unspin: skipped SOURCE: REASON`` (``unspin: passed over ...`` for an ignored
    file) as exactly one line to ``err``.

    Control characters (e.g. a newline in a file name) are shown as escapes so the message
    stays on one line.
    """
    verb = "passed over" if p.ignored else "skipped"
    err.write(f"unspin: {verb} {_one_line(p.source)}: {_one_line(p.reason)}\n")


# --------------------------------------------------------------------------------------------
# Terminal


def render_terminal(
    result: CheckResult,
    text: str,
    console: Console,
    *,
    full_text_limit: int = 2000,
    context_chars: int = 200,
) -> None:
    """Print a readable view of ``result`` for the document ``text`` on ``console``.

    First a header line: id, verdict (``SPUN`` in red or ``clean`` in green), score and the
    number of findings. Then, if there are findings, the text with each finding highlighted
    and its suggestion inline: ``counterfeit consciousness [→ artificial intelligence]``, or
    ``[?]`` after a span that looks substituted but has no likely original.
    Texts longer than ``full_text_limit`` characters are shown as excerpts, one per line: the
    sentences holding findings (clipped to ``context_chars`` either side of the finding),
    with ``…`` where text was left out. Nothing else is printed. Document text is never
    interpreted as rich markup, and control characters are shown as escapes.
    """
    console.print(_header(result), highlight=False)
    findings = _renderable_findings(result.findings, len(text))
    if not findings:
        return
    short = len(text) <= full_text_limit
    windows = [(0, len(text))] if short else _windows(text, findings, context_chars)
    end = len(text.rstrip())
    body = Text()
    for i, (ws, we) in enumerate(windows):
        if i > 0:
            body.append("\n")
        if ws > 0:
            body.append(f"{_ELLIPSIS} ", style="dim")
        _append_window(body, text, ws, we, [f for f in findings if ws <= f.start and f.end <= we])
        if we < end:
            body.append(f" {_ELLIPSIS}", style="dim")
    console.print(body, highlight=False)


def _header(result: CheckResult) -> Text:
    n = len(result.findings)
    header = Text()
    header.append(_visible(result.id), style="bold")
    header.append("  ")
    header.append("SPUN" if result.spun else "clean", style="bold red" if result.spun else "bold green")
    header.append(f"  score {result.score:.2f}  {n} finding{'' if n == 1 else 's'}")
    return header


def _renderable_findings(findings: Iterable[Finding], n: int) -> list[Finding]:
    """Findings in text order, within the text, without overlaps (the earlier one wins)."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if not 0 <= f.start < f.end <= n:
            continue
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def _windows(text: str, findings: list[Finding], context: int) -> list[tuple[int, int]]:
    """Merged excerpt spans: each finding's sentence, clipped to ``context`` chars around it."""
    spans = sentence_spans(text)
    windows: list[tuple[int, int]] = []
    for f in findings:
        ss, se = next(((s, e) for s, e in spans if s <= f.start < e), (f.start, f.end))
        ws = max(ss, f.start - context)
        we = min(max(se, f.end), f.end + context)
        if ws > ss:  # clipped mid-sentence: start at a word boundary
            space = text.find(" ", ws, f.start)
            ws = space + 1 if space != -1 else ws
        if we < se:
            space = text.rfind(" ", f.end, we)
            we = space if space != -1 else we
        if windows and (ws <= windows[-1][1] or not text[windows[-1][1] : ws].strip()):
            windows[-1] = (windows[-1][0], max(windows[-1][1], we))
        else:
            windows.append((ws, we))
    return windows


def _append_window(body: Text, text: str, start: int, end: int, findings: list[Finding]) -> None:
    pos = start
    for f in findings:
        body.append(_visible(text[pos : f.start]))
        body.append(_visible(text[f.start : f.end]), style=_FINDING_STYLE)
        # A finding without a likely original still needs a mark that survives without colour.
        body.append(f" [→ {_visible(f.suggestion)}]" if f.suggestion else " [?]", style=_SUGGESTION_STYLE)
        pos = f.end
    body.append(_visible(text[pos:end]))


# C0/C1 control characters (except tab and newline) and bidirectional overrides, which could
# move the cursor, change colours or reorder what is shown.
# Carriage returns pass through: rich drops them, so CRLF text displays normally.
_INVISIBLE = MappingProxyType(
    {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"}
    | {c: f"\\u{c:04x}" for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
)
_ONE_LINE = MappingProxyType(_INVISIBLE | {ord(c): repr(c)[1:-1] for c in "\t\n\r\u2028\u2029\x85"})


def _visible(s: str) -> str:
    """``s`` with terminal-controlling characters replaced by visible escapes."""
    return s.translate(_INVISIBLE)


def _one_line(s: str) -> str:
    """``s`` as one line: also newlines, tabs and Unicode line separators become escapes."""
    return s.translate(_ONE_LINE)


# --------------------------------------------------------------------------------------------
# Trace results


def write_trace_csv(results: Iterable[TraceResult], out: TextIO, *, header: bool = True,
                    top: int = TOP_MATCHES) -> int:
    """One row per match (columns :data:`TRACE_CSV_COLUMNS`); an input with no match gets one
    row with empty match fields. Returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(TRACE_CSV_COLUMNS)
    n = 0
    for r in results:
        if not r.matches:
            writer.writerow([r.id, "", "", "", "", "", "", "", ""])
            n += 1
        for rank, m in enumerate(r.matches, 1):
            subs = "; ".join(f"{_one_line(s.text)}→{_one_line(s.source_text)}" for s in m.substitutions[:top])
            writer.writerow([r.id, rank, m.source_id, m.relation, _csv_number(m.score), _csv_number(m.coverage),
                             len(m.alignments), len(m.substitutions), subs])
            n += 1
    return n


def render_trace_terminal(result: TraceResult, text: str, console: Console, *, max_substitutions: int = 12) -> None:
    """A readable view of one trace: each match with its relation, score and coverage, and the
    substituted phrases of derived matches shown as ``spun [→ source]``."""
    head = Text()
    head.append(_visible(result.id), style="bold")
    if not result.matches:
        head.append("  no source found", style="dim")
        console.print(head)
        return
    head.append(f"  {len(result.matches)} match(es)")
    console.print(head)
    for rank, m in enumerate(result.matches, 1):
        line = Text(f"  {rank}. ")
        line.append(_visible(m.source_id), style="bold")
        style = "bold red" if m.relation == "derived" else "yellow"
        line.append(f"  {m.relation}", style=style)
        line.append(f"  score {m.score:.2f}  coverage {m.coverage:.0%}  {len(m.substitutions)} substitution(s)")
        console.print(line)
        for s in m.substitutions[:max_substitutions]:
            row = Text("       ")
            row.append(_one_line(s.text), style=_FINDING_STYLE)
            row.append(" [→ ")
            row.append(_one_line(s.source_text), style=_SUGGESTION_STYLE)
            row.append("]")
            console.print(row)
        if len(m.substitutions) > max_substitutions:
            console.print(Text(f"       {_ELLIPSIS} {len(m.substitutions) - max_substitutions} more", style="dim"))
