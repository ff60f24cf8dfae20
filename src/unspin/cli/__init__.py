"""The ``unspin`` command line: thin commands over ``unspin.api``."""

from __future__ import annotations

import click

from unspin import __version__
from unspin.cli.check import check_command
from unspin.cli.exit_codes import exit_status_help
from unspin.cli.index import index_group
from unspin.cli.scan import scan_command
from unspin.cli.serve import serve_command
from unspin.cli.trace import trace_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog="\b\n"
             "Exit status (each command's --help says what it means there):\n" + exit_status_help())
@click.version_option(__version__, prog_name="unspin")
def main() -> None:
    """unspin: find machine-spun text, trace it to its source, restore what it said."""


main.add_command(check_command)
main.add_command(index_group)
main.add_command(trace_command)
main.add_command(scan_command)
main.add_command(serve_command)
