"""Apply replacements to a text, non-destructively."""

from __future__ import annotations

from collections.abc import Iterable

from unspin.core.results import Finding


def apply_replacements(text: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` applied; a replacement overlapping an
    earlier one (by start offset) is skipped. The input string is not modified."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(replacements, key=lambda r: (r[0], -r[1])):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def restore(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding's span replaced by its suggestion.

    Findings without a suggestion are left as they are; overlapping findings are resolved in
    favour of the earlier one. The input string is not modified.
    """
    return apply_replacements(text, ((f.start, f.end, f.suggestion) for f in findings if f.suggestion is not None))
