"""Reading a scenario's TOML or JSON text safely: size and nesting checked before the parser runs.

Errors name the line and column. Imports `_limits` only.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from ticketcore._errors import InvalidInput
from ticketcore._util import MAX_DEPTH
from ticketcore.simulate._limits import MAX_TEXT

# What `_parse` looks at before the parser does: strings and comments (skipped, so that
# brackets and dots inside them do not count), brackets (nesting), and a dotted key of
# more than MAX_DEPTH parts (tomllib's memory grows with the square of a key's length).
_PART: Final = r"""(?:[\w-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')"""
_SCAN: Final = re.compile(
    rf"(?P<dots>(?<![\w.\-\"'])(?<!\.[ \t]){_PART}(?:[ \t]*+\.[ \t]*+{_PART}){{{MAX_DEPTH},}})"
    r'|"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*+"|\'[^\'\n]*+\'|#[^\n]*+'
    r"|(?P<open>[\[{])|(?P<close>[\]}])"
)
_AT: Final = re.compile(r"line (\d+), column (\d+)")


def _where(text: str, pos: int) -> tuple[int, int, str]:
    """The line and column (from 1) of ``pos`` in ``text``, and that line's text."""
    line = text.count("\n", 0, pos) + 1
    begin = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return line, pos - begin + 1, text[begin : end if end >= 0 else len(text)]


def _guard(text: str, kind: str) -> None:
    """Refuse text too long, nested too deep or with a too long dotted key, before parsing."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "scenario", f"{kind} text of at most {MAX_TEXT:,} characters", f"{len(text):,} characters"
        )
    depth = 0
    for m in _SCAN.finditer(text):
        group = m.lastgroup
        if group == "open":
            depth += 1
            if depth <= MAX_DEPTH:
                continue
            what = f"at most {MAX_DEPTH} levels of nested arrays and tables"
        elif group == "close":
            depth -= 1
            continue
        elif group == "dots":
            what = f"a dotted key of at most {MAX_DEPTH} parts"
        else:
            continue
        line, column, source = _where(text, m.start())
        raise InvalidInput("scenario", f"{kind} with {what} (line {line}, column {column})", source)


def _parse(text: object, kind: str, loads: Any) -> object:
    """``loads(text)``, every failure an `InvalidInput` naming the line and column."""
    if not isinstance(text, str):
        raise InvalidInput("scenario", f"{kind} text (a str)", text)
    _guard(text, kind)
    try:
        return loads(text)
    except RecursionError:  # a backstop: _guard keeps the parsers far from the limit
        raise InvalidInput(
            "scenario", f"{kind} with at most {MAX_DEPTH} levels of nesting", "deeper"
        ) from None
    except ValueError as e:  # TOMLDecodeError, JSONDecodeError, an integer of over 4,300 digits
        message = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
        if isinstance(e, json.JSONDecodeError):
            line, column, source = e.lineno, e.colno, _where(text, e.pos)[2]
            message = f"{message} (line {line}, column {column})"
        elif (at := _AT.search(message)) is not None:
            source = _where(text, _offset(text, int(at[1]), int(at[2])))[2]
        else:
            source = text[:60]
        if "integer string conversion" in message:
            message = "integers of at most 4,300 digits"
        raise InvalidInput("scenario", f"valid {kind}: {message}", source) from None


def _offset(text: str, line: int, column: int) -> int:
    """The position of ``line``, ``column`` (from 1) in ``text``."""
    pos = 0
    for _ in range(line - 1):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return min(pos + column - 1, len(text))
