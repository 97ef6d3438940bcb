"""A small TOML writer for dict forms (the standard library reads TOML but does not write it).

Every value a dict form holds has a TOML form except None: TOML has no null, so a None is
refused with an `InvalidInput` naming its path (the JSON form carries it). Tables come out
as ``[section]`` headers and lists of tables as ``[[section]]`` unless they are short, when
they stay inline (``{ exponential = "2m" }``); within a table, plain keys come before the
sub-tables, as TOML requires. ``tomllib.loads(dump_toml(d)) == d`` for every dict of
str, int, float (finite), bool, list and dict values.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final

from ticketcore._errors import InvalidInput

__all__ = ["dump_toml"]

#: Inline tables and arrays up to this many characters stay on their key's line.
INLINE: Final = 72
_BARE: Final = re.compile(r"[A-Za-z0-9_-]+")  # fullmatch: "$" would let a final newline through


def _key(key: object, path: str) -> str:
    if not isinstance(key, str):
        raise InvalidInput(path, "text keys (TOML has no other)", key)
    return key if _BARE.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes, characters beyond the BMP as themselves."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _inline(value: object, path: str) -> str:  # noqa: PLR0911 - one return per TOML type
    """One value in inline form."""
    if value is None:
        raise InvalidInput(path, "a value TOML can carry (TOML has no null; use the JSON form)", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(path, "a finite number", value)
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        inner = ", ".join(f"{_key(k, path)} = {_inline(v, _join(path, str(k)))}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return "[" + ", ".join(_inline(v, f"{path}[{i}]") for i, v in enumerate(value)) + "]"
    raise InvalidInput(path, "a str, number, bool, list or dict", value)


def _is_tables(value: object) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str | bytes)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _table(data: Mapping[str, object], path: str, header: str, out: list[str]) -> None:
    """Write a table's plain keys, then its sub-tables (``header`` is the dotted TOML key)."""
    later: list[tuple[str, str, object]] = []
    for key, value in data.items():
        name = _key(key, path)
        sub = _join(path, str(key))
        if (isinstance(value, Mapping) and value) or _is_tables(value):
            text = _inline(value, sub)
            if len(name) + len(text) + 3 <= INLINE:
                out.append(f"{name} = {text}")
            else:
                later.append((name, sub, value))
        else:
            out.append(f"{name} = {_inline(value, sub)}")
    for name, sub, value in later:
        full = f"{header}.{name}" if header else name
        if isinstance(value, Mapping):
            out += ["", f"[{full}]"]
            at = len(out)
            _table(value, sub, full, out)
            if at == len(out) or out[at] == "":  # only sub-tables: TOML makes the table itself
                del out[at - 2 : at]
        else:
            assert isinstance(value, Sequence)
            for i, item in enumerate(value):
                assert isinstance(item, Mapping)
                out += ["", f"[[{full}]]"]
                _table(item, f"{sub}[{i}]", full, out)


def dump_toml(data: Mapping[str, object]) -> str:
    """A TOML document for a dict form; `InvalidInput` (naming the path) for a None or a non-finite number."""
    if not isinstance(data, Mapping):
        raise InvalidInput("", "a dict", data)
    out: list[str] = []
    _table(data, "", "", out)
    return "\n".join(out).lstrip("\n") + "\n"
