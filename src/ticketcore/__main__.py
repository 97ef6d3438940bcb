"""python -m ticketcore: the command line's entry point.

The commands (simulate, sweep, staff, scenario, check, test, demo), their options and
their help live in the private package `ticketcore._cli`; ``python -m ticketcore --help``
lists them. Bad input exits with status 2 and one line naming the problem.
"""

from __future__ import annotations

import sys

from ticketcore._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
