"""Small helpers shared by the package's namespaces."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ticketcore._errors import InvalidInput

__all__ = ["check_keys", "dump_instant", "fixup_module_metadata", "load_instant", "wrap"]


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


def wrap(path: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
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
    return out if zone is None else out.astimezone(zone)
