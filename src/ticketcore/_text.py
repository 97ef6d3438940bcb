"""Plain-text report formatting shared by the simulator's reports and the command line.

Its one job: lay out rows of text as aligned columns. No I/O; imports only the standard library,
so that any subpackage may use it (no private module of another subpackage is needed).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["text_table"]


def text_table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    """A table as lines indented by two spaces: the first column left-aligned, the others right-aligned."""
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return [
        "  "
        + "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in table
    ]
