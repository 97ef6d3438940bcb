"""Small helpers every subpackage shares, one layer above `ticketcore._errors`.

Its job: the checks that readers of dict, TOML and JSON forms share, each defined once
(`check_keys`, `read_bool`, `read_finite`, `check_depth` with `MAX_DEPTH`, `wrap`,
`pairs_to_dict`), the supported range of instants (`MIN_INSTANT`, `MAX_INSTANT`,
`check_in_range`) and an instant's text form (`dump_instant`, `load_instant`), plus
`met_share`, `NO_STRATEGIES` and `fixup_module_metadata`. They live here, below every subpackage and
importing only `ticketcore._errors`, so that no subpackage imports a private module of
another to read its input the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ticketcore._errors import InvalidInput

__all__ = [
    "MAX_DEPTH",
    "MAX_INSTANT",
    "MIN_INSTANT",
    "check_depth",
    "check_in_range",
    "check_keys",
    "dump_instant",
    "fixup_module_metadata",
    "load_instant",
    "met_share",
    "pairs_to_dict",
    "read_bool",
    "read_finite",
    "wrap",
]

#: The earliest instant any ticketcore value accepts (inclusive), decided once, here.
#: Every engine computes well past both ends (a calendar looks ten years ahead by default,
#: a wall clock is up to 14 hours off UTC), so nothing inside can overflow `datetime`.
MIN_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
#: The latest instant any ticketcore value accepts (exclusive): the year 3000 UTC.
MAX_INSTANT = datetime(3000, 1, 1, tzinfo=UTC)

#: How deeply nested a dict form, TOML or JSON document may be where ticketcore reads it.
#: Real configurations nest fewer than 15 levels; the limit keeps every reader (and the
#: error path) far from Python's recursion limit.
MAX_DEPTH = 64

#: No strategies of the host's own: the default of every ``strategies=`` argument
#: (`ticketcore.assign`, `ticketcore.desk` and `ticketcore.testing` share this one object).
NO_STRATEGIES: Mapping[str, Any] = MappingProxyType({})


def fixup_module_metadata(module_name: str, namespace: dict[str, Any]) -> None:
    """Give every public class in ``namespace['__all__']`` its public module path.

    Tracebacks, reprs and pickles then say ``ticketcore.InvalidInput`` rather than
    ``ticketcore._errors.InvalidInput`` (trio's ``fixup_module_metadata`` does the same).
    """
    for name in namespace["__all__"]:
        obj = namespace[name]
        if isinstance(obj, type) and obj.__module__.startswith("ticketcore."):
            obj.__module__ = module_name


def check_keys(data: object, path: str, allowed: Collection[str], required: Iterable[str]) -> dict[str, Any]:
    """``data`` as a dict, checked: a mapping with only ``allowed`` keys and every ``required`` one.

    An unknown key raises `InvalidInput` naming ``path.key`` and suggesting the closest
    known key; a missing one names ``path.key`` too.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(path or "calendar", "a dict", data)
    prefix = f"{path}." if path else ""
    for key in data:
        if key not in allowed:
            raise InvalidInput.unknown_key(f"{prefix}{key}", str(key), allowed)
    for key in required:
        if key not in data:
            raise InvalidInput(f"{prefix}{key}", "a value (the key is required)")
    return dict(data)


_T = TypeVar("_T")


def wrap(path: str, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)``, with the field of any `InvalidInput` it raises put under ``path``."""
    try:
        return fn(*args, **kwargs)
    except InvalidInput as e:
        raise InvalidInput(f"{path}.{e.field}" if e.field else path, e.expected, e.value) from None


def dump_instant(value: datetime) -> str:
    """An aware datetime as text that `load_instant` reads back to an equal, same-zone value.

    ISO 8601 with the offset; an IANA zone is kept in brackets as RFC 9557 does,
    ``2026-03-02T09:00:00+01:00[Europe/Berlin]``, so wall-clock arithmetic after a round
    trip still follows the zone's rules.
    """
    text = value.isoformat()
    if isinstance(value.tzinfo, ZoneInfo) and value.tzinfo.key:
        text += f"[{value.tzinfo.key}]"
    return text


_INSTANT = re.compile(r"(?P<iso>[^\[\]]+)(?:\[(?P<zone>[^\[\]]+)\])?")


def load_instant(value: object, path: str) -> datetime:
    """Read what `dump_instant` wrote (or any ISO 8601 text with an offset)."""
    error = InvalidInput(path, "an ISO 8601 date and time with an offset", value)
    m = _INSTANT.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise error
    try:
        out = datetime.fromisoformat(m["iso"])
        zone = ZoneInfo(m["zone"]) if m["zone"] else None
    except (ValueError, ZoneInfoNotFoundError):
        raise error from None
    if out.utcoffset() is None:
        raise error
    # Checked before the conversion to the zone, which could overflow near year 9999.
    try:
        check_in_range(out, path)
    except InvalidInput as e:
        raise InvalidInput(path, e.expected, value) from None
    return out if zone is None else out.astimezone(zone)


def check_in_range(value: datetime, field: str) -> datetime:
    """``value`` (aware) if it lies in [`MIN_INSTANT`, `MAX_INSTANT`), else `InvalidInput`."""
    if not MIN_INSTANT <= value < MAX_INSTANT:
        raise InvalidInput(field, "an instant from 1900-01-01 to 2999-12-31 (UTC)", value)
    return value


def read_bool(value: object, path: str) -> bool:
    """``value`` if it is exactly ``True`` or ``False`` (JSON's and TOML's booleans), else `InvalidInput`.

    The text ``"false"``, ``0`` or ``None`` are refused rather than read by truthiness.
    """
    if value is True or value is False:
        return value
    raise InvalidInput(path, "true or false", value)


def read_finite(value: object, path: str, expected: str = "a finite number") -> float:
    """``value`` as a float if it is a finite int or float (not a bool), else `InvalidInput`.

    NaN and the infinities are refused: they do not round-trip through JSON, and no
    fraction, factor or duration ticketcore reads can mean them.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(path, expected, value)
    try:
        out = float(value)
    except OverflowError:
        raise InvalidInput(path, expected, value) from None
    if not math.isfinite(out):
        raise InvalidInput(path, expected, value)
    return out


def check_depth(data: object, path: str, limit: int = MAX_DEPTH) -> None:
    """Refuse ``data`` nested more than ``limit`` levels of dicts, lists and tuples deep.

    Iterative, so that it can itself look at any depth; the error names the path of the
    first container found below the limit.
    """
    # Each entry carries a linked list of the keys above it, so that no path text is built
    # unless the limit is hit.
    stack: list[tuple[object, int, tuple[Any, ...] | None]] = [(data, 0, None)]
    while stack:
        item, depth, trail = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[tuple[object, object]] = item.items()
        elif isinstance(item, list | tuple):
            children = enumerate(item)
        else:
            continue
        if depth >= limit:
            keys = []
            while trail is not None:
                trail, key = trail
                keys.append(f"[{key}]" if isinstance(key, int) else f".{key}")
            raise InvalidInput(path + "".join(reversed(keys)), f"at most {limit} levels of nesting", "deeper")
        stack.extend((child, depth + 1, (trail, key)) for key, child in children)


def pairs_to_dict(value: object, path: str | None = None) -> object:
    """``value`` as a dict when it is a tuple of ``(key, value)`` pairs (how a frozen value keeps a mapping).

    Anything else, including a tuple that is not such pairs, comes back unchanged for the
    caller to refuse with its own `InvalidInput`; so does a tuple of pairs with an unhashable
    key, unless ``path`` is given: then it is refused as "pairs of a name and a value" there.
    """
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        try:
            return dict(value)
        except TypeError:  # an unhashable key
            if path is not None:
                raise InvalidInput(path, "pairs of a name and a value", value) from None
            return value
    return value


def met_share(achieved: int, late: int) -> float | None:
    """``achieved / (achieved + late)``: the share of ended cycles on time; None when none ended."""
    ended = achieved + late
    return None if ended == 0 else achieved / ended
