"""Time helpers shared by the subpackages: duration text, time zone names, weekday names.

They live here, not in `ticketcore.sla`, so that other subpackages (the simulator, the
backlog metrics) need no private module of another subpackage.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._util import MAX_INSTANT, MIN_INSTANT, read_finite

__all__ = [
    "WEEKDAYS",
    "_MAX_US",
    "_check_timezone",
    "_duration_text",
    "_format_duration",
    "_human_duration",
    "read_zone",
]

#: The weekday names, Monday first (``datetime.weekday()`` order).
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: The longest duration in microseconds: the supported range of instants (1900 to 2999),
#: ``ticketcore.sla._ladder.MAX_DURATION`` in microseconds. Defined once, here.
_MAX_US: Final = (MAX_INSTANT - MIN_INSTANT) // timedelta(microseconds=1)
_DURATION_FORM: Final = (
    "a duration like '30m', '4h', '2d' or '1.5s' (or a number of minutes), at most 401767 days"
)
_DURATION = re.compile(r"(-?)([0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})([smhd])")
_UNIT_US: Final = {"s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000}


def _duration_text(value: object, path: str) -> timedelta:
    """Parse ``"90m"``, ``"4h"``, ``"2d"`` (24 hours of business time each), ``"45s"`` or minutes.

    Exact to the microsecond (text is read as a decimal, never through a float); NaN, the
    infinities and anything longer than the supported range of instants either way raise
    `InvalidInput`.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        minutes = read_finite(value, path, _DURATION_FORM)
        if abs(minutes) * 60_000_000 > _MAX_US:
            raise InvalidInput(path, _DURATION_FORM, value)
        return timedelta(minutes=value)
    m = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise InvalidInput(path, _DURATION_FORM, value)
    us = int((Decimal(m[2]) * _UNIT_US[m[3]]).to_integral_value(ROUND_HALF_EVEN))
    if us > _MAX_US:
        raise InvalidInput(path, _DURATION_FORM, value)
    return timedelta(microseconds=-us if m[1] else us)


def _format_duration(value: timedelta) -> str:
    """The text `_duration_text` reads back to ``value`` exactly: the largest whole unit, else seconds."""
    us = value // timedelta(microseconds=1)
    for unit, size in (("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000)):
        if us % size == 0:
            return f"{us // size}{unit}"
    whole, part = divmod(abs(us), 1_000_000)
    return f"{'-' if us < 0 else ''}{whole}.{part:06d}".rstrip("0") + "s"


def read_zone(value: object, path: str = "timezone") -> ZoneInfo:
    """The zone named ``value`` (an IANA name such as ``Europe/Berlin``), else `InvalidInput` at ``path``."""
    if isinstance(value, str) and value:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise InvalidInput(path, "an IANA time zone name such as 'Europe/Berlin'", value)


def _check_timezone(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    """An attrs validator: ``value`` is an IANA time zone name (refused as ``timezone``)."""
    read_zone(value)


def _human_duration(value: timedelta | None) -> str:
    """A duration as a person reads it: the two largest units, ``1 d 16 h``, ``3 h 5 min``, ``45 s``."""
    if value is None:
        return "-"
    s = value.total_seconds()
    if (whole := round(s)) < 60:
        return "< 1 s" if whole == 0 and s > 0 else f"{whole} s"
    if whole < 3600:
        minutes, seconds = divmod(whole, 60)
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    if (whole := round(s / 60)) < 1440:
        hours, minutes = divmod(whole, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(round(s / 3600), 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
