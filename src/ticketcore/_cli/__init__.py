"""The command line behind ``python -m ticketcore``: `main` and the table of commands.

A private package, one module per job, each importing only those below it:
`_common` (input checks, progress, executor) < `_report` (text and records) < `_files`
(CSV, plots) < the commands `_simulate` (simulate, compare, replications), `_sweep`,
`_staff` and `_config` (scenario, check, test, demo); `_parser` (options and help)
stands alone. This module dispatches a parsed command and turns bad input into exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Final

from ticketcore._cli._common import _Refused
from ticketcore._cli._config import _check, _print_scenario, _test, demo
from ticketcore._cli._parser import _parser
from ticketcore._cli._simulate import _simulate
from ticketcore._cli._staff import _staff
from ticketcore._cli._sweep import _sweep
from ticketcore._errors import TicketcoreError

__all__ = ["main"]

_COMMANDS: Final[dict[str, Callable[[argparse.Namespace, list[str]], int | None]]] = {
    "demo": lambda args, out: demo(out),
    "check": _check,
    "test": _test,
    "simulate": _simulate,
    "sweep": _sweep,
    "staff": _staff,
    "scenario": _print_scenario,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0, 1 (findings, failed cases), or 2 for any bad input.

    Every error is one line on standard error, ``error: `` and what was wrong, naming the
    file, option or field (and the line and column of a TOML or JSON mistake).
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # --help, --version (0) or a usage error (2), already printed
        return e.code if isinstance(e.code, int) else 2
    lines: list[str] = []
    try:
        status = _COMMANDS[args.command](args, lines) or 0
    except (TicketcoreError, _Refused, OSError) as e:
        message = " ".join(str(e).split("\n"))
        sys.stderr.write(f"error: {message}\n")
        return 2
    sys.stdout.write("\n".join(lines) + "\n")
    return status
