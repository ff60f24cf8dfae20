"""Apply suggestions to a text, non-destructively."""

from __future__ import annotations

from collections.abc import Iterable

from unspin.core.results import Finding


def restore(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding's span replaced by its suggestion.

    Findings without a suggestion are left as they are; overlapping findings are resolved in
    favour of the earlier one. The input string is not modified.
    """
    out: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < pos or f.suggestion is None:
            continue
        out.append(text[pos : f.start])
        out.append(f.suggestion)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
