"""The exit statuses of every ``unspin`` command, in one place.

Each command's ``--help`` says what a status means for that command; ``unspin --help`` lists
the general meanings, made from the members' docstrings below.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """An exit status of ``unspin``; pass it to ``sys.exit`` (it is an ``int``)."""

    def __new__(cls, value: int, doc: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.__doc__ = doc
        return member

    OK = 0, "done, nothing found (no spun document, no derived copy)"
    FOUND = 1, "something was found: a spun document (check, scan) or a derived copy (trace, scan)"
    USAGE = 2, "usage error: bad option, missing or unusable --db, unreadable --known"
    SKIPPED = 3, "some input could not be read (named on stderr); the rest was processed"


def exit_status_help() -> str:
    """The ``Exit status`` block of ``unspin --help``: one line per status, from the docstrings."""
    return "\n".join(f"  {code.value}  {code.__doc__}" for code in ExitCode)
