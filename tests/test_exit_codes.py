"""Exit statuses: one ``ExitCode``, and every ``--help`` lists only its numbers."""

from __future__ import annotations

import re

import click

from unspin.cli import main
from unspin.cli.exit_codes import ExitCode


def _commands(group: click.Group, prefix: str = "unspin") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = [(prefix, group)]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix} {name}")
        else:
            out.append((f"{prefix} {name}", cmd))
    return out


def test_values_are_the_documented_ones() -> None:
    assert [(c.name, int(c)) for c in ExitCode] == [("OK", 0), ("FOUND", 1), ("USAGE", 2), ("SKIPPED", 3)]
    assert all(c.__doc__ and c.__doc__ != ExitCode.__doc__ for c in ExitCode)


def test_main_help_lists_every_status() -> None:
    epilog = main.epilog or ""
    for c in ExitCode:
        assert f"  {int(c)}  {c.__doc__}" in epilog


def test_every_epilog_names_only_exit_codes() -> None:
    valid = {int(c) for c in ExitCode}
    for name, cmd in _commands(main):
        epilog = cmd.epilog or ""
        if "Exit status" not in epilog:
            continue
        block = epilog.split("Exit status", 1)[1].split("\n\n", 1)[0]
        listed = {int(n) for n in re.findall(r"(?:^|\s|;)([0-9])(?=\s)", block)}
        assert listed, name
        assert listed <= valid, (name, listed)
