"""What a backlog report counts, and how: weeks, windows, thresholds and groups."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._time import WEEKDAYS, read_zone
from ticketcore._util import check_depth, check_keys, read_finite
from ticketcore.sla import BusinessCalendar

__all__ = ["BacklogOptions"]

#: The age buckets of the unresolved tickets: under 1 day, 1-3 days, 3-7 days, older.
AGE_LIMITS: Final = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
AGE_NAMES: Final = ("under_1d", "1d_to_3d", "3d_to_7d", "7d_or_more")


def _to_zone(value: object) -> ZoneInfo:
    return value if isinstance(value, ZoneInfo) else read_zone(value)


def _to_weekday(value: object) -> str:
    if isinstance(value, str) and value.lower()[:3] in WEEKDAYS and len(value) >= 3:
        return value.lower()[:3]
    raise InvalidInput("week_starts", f"a weekday, one of {', '.join(WEEKDAYS)}", value)


def _to_by(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(f, str) and f for f in value):
        if len(set(value)) != len(value):
            raise InvalidInput("by", "field names without repeats", value)
        return tuple(value)
    raise InvalidInput("by", "a field name or a list of field names, such as 'channel'", value)


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 1:
        raise InvalidInput(attribute.name, "a whole number of at least 1", value)


def _to_factor(value: object) -> float:
    factor = read_finite(value, "spike_factor", "a finite number greater than 1")
    if not factor > 1:
        raise InvalidInput("spike_factor", "a finite number greater than 1", value)
    return factor


def _calendar(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, BusinessCalendar):
        raise InvalidInput("calendar", "a ticketcore.sla.BusinessCalendar or None", value)


@attrs.frozen(kw_only=True)
class BacklogOptions:
    """How a backlog report is cut into weeks, grouped and judged.

    - ``timezone`` and ``week_starts``: weeks are calendar weeks in this IANA zone, starting
      at local midnight of this weekday (default Monday). A week is 167, 168 or 169
      hours long, as the zone's clocks say.
    - ``window``: the backlog ratio divides by the mean solved per week over this many
      weeks ending with the week (default 4).
    - ``growing_weeks`` (K, default 3) and ``spike_factor`` (default 1.5): the trend rules,
      see `ticketcore.backlog.BacklogReport`.
    - ``by``: the ticket fields to break every figure down by, for example
      ``("channel",)``; several fields make one group per combination.
    - ``calendar``: when given, times to resolution are measured in its business time;
      otherwise in calendar time.

    >>> BacklogOptions(timezone="Europe/Berlin", by="channel")
    BacklogOptions(timezone='Europe/Berlin', week_starts='mon', window=4, growing_weeks=3, spike_factor=1.5, by=('channel',), calendar=None)
    """  # noqa: E501

    timezone: ZoneInfo = attrs.field(default=ZoneInfo("UTC"), converter=_to_zone, repr=lambda z: repr(z.key))
    week_starts: str = attrs.field(default="mon", converter=_to_weekday)
    window: int = attrs.field(default=4, validator=_positive_int)
    growing_weeks: int = attrs.field(default=3, validator=_positive_int)
    spike_factor: float = attrs.field(default=1.5, converter=_to_factor)
    by: tuple[str, ...] = attrs.field(default=(), converter=_to_by)
    calendar: BusinessCalendar | None = attrs.field(default=None, validator=_calendar)
    _weeks: _Weeks = attrs.field(init=False, eq=False, repr=False, hash=False)

    @_weeks.default
    def _make_weeks(self) -> _Weeks:
        return _Weeks(self.timezone, WEEKDAYS.index(self.week_starts))

    def to_dict(self) -> dict[str, Any]:
        """The options as a JSON-compatible dict that `from_dict` reads back."""
        return {
            "timezone": self.timezone.key,
            "week_starts": self.week_starts,
            "window": self.window,
            "growing_weeks": self.growing_weeks,
            "spike_factor": self.spike_factor,
            "by": list(self.by),
            "calendar": None if self.calendar is None else self.calendar.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> BacklogOptions:
        """Read what `to_dict` wrote; errors name the bad key."""
        fields = ("timezone", "week_starts", "window", "growing_weeks", "spike_factor", "by", "calendar")
        check_depth(data, "options")
        d = check_keys(data, "options", fields, ())
        if d.get("calendar") is not None:
            d["calendar"] = BusinessCalendar.from_dict(d["calendar"])
        return cls(**d)


_WEEK: Final = 7 * 86400
# Week 0 starts on Monday 2001-01-01 (plus the start weekday); any week has an index.
_ANCHOR: Final = date(2001, 1, 1).toordinal()


class _Weeks:
    """The week boundaries of one zone and start weekday, as POSIX timestamps.

    ``index(ts)`` is the number of the week holding ``ts``; ``start(w)`` is the instant the
    week begins (local midnight, or the first instant of that day when a DST gap
    swallows midnight). Boundaries are computed once per week, in a contiguous cache
    that grows either way as needed.
    """

    def __init__(self, zone: ZoneInfo, weekday: int) -> None:
        self.zone = zone
        self.anchor = _ANCHOR + weekday
        self.first = 0  # the week of bounds[0]
        self.bounds: list[float] = [self._bound(0), self._bound(1)]

    def day(self, w: int) -> date:
        """The local date the week ``w`` starts on."""
        return date.fromordinal(self.anchor + 7 * w)

    def of_day(self, day: date) -> int:
        """The week holding the local date ``day``."""
        return (day.toordinal() - self.anchor) // 7

    def _bound(self, w: int) -> float:
        # A midnight that a DST gap skips reads with the offset before the gap (fold=0),
        # which names the gap's end: the first instant of that local day.
        return datetime.combine(self.day(w), time(0), tzinfo=self.zone).timestamp()

    def start(self, w: int) -> datetime:
        """The instant the week ``w`` starts, in the zone."""
        return datetime.fromtimestamp(self._bound(w), self.zone)

    def end_ts(self, w: int) -> float:
        """The timestamp at which week ``w`` ends (the next one starts)."""
        i = w + 1 - self.first
        bounds = self.bounds
        if 0 <= i < len(bounds):
            return bounds[i]
        self._cover(w + 1)
        return self.bounds[w + 1 - self.first]

    def _cover(self, w: int) -> None:
        # In place: callers may hold ``bounds``. Each new bound is computed before the cache
        # changes, so that a week out of `datetime`'s range leaves the cache as it was.
        if w < self.first:
            before = [self._bound(k) for k in range(w, self.first)]
            self.bounds[:0] = before
            self.first = w
        last = self.first + len(self.bounds) - 1
        if w >= last:
            self.bounds.extend([self._bound(k) for k in range(last + 1, w + 2)])

    def index(self, ts: float) -> int:
        """The week holding the timestamp ``ts`` (weeks are half-open: a week's start is in it)."""
        bounds = self.bounds
        i = bisect_right(bounds, ts)
        if 0 < i < len(bounds):
            return self.first + i - 1
        guess = self.first + int((ts - bounds[0]) // _WEEK)
        self._cover(guess - 1)
        self._cover(guess + 1)
        return self.first + bisect_right(self.bounds, ts) - 1
