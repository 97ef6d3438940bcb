"""`BusinessCalendar`: when the helpdesk is open, and business-time arithmetic over it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import HorizonExceeded, InvalidInput
from ticketcore._instant import REAL_EPOCH as _REAL_EPOCH
from ticketcore._instant import US as _US
from ticketcore._instant import from_real, to_real
from ticketcore._time import _check_timezone
from ticketcore._util import MAX_INSTANT as _MAX_INSTANT
from ticketcore._util import MIN_INSTANT as _MIN_INSTANT
from ticketcore._util import check_depth, check_in_range
from ticketcore._util import check_keys as _check_keys
from ticketcore.sla._calendar_parts import (
    WEEKDAYS,
    Closure,
    DayInterval,
    HolidaySpec,
    Opening,
    _parse_interval_list,
    _raise_on_overlap,
)
from ticketcore.sla._engine import Engine, Span

__all__ = ["BusinessCalendar"]

_ZERO: Final = timedelta(0)
_MIN_REAL: Final = (_MIN_INSTANT - _REAL_EPOCH) // _US  # the supported range, as real instants
_MAX_REAL: Final = (_MAX_INSTANT - _REAL_EPOCH) // _US
DEFAULT_HORIZON: Final = timedelta(days=3653)  # ten years of calendar time
_TOO_LITTLE: Final = "not enough open time within the calendar's horizon"
_MAX_HORIZON: Final = timedelta(days=366 * 400)
_FIRST_DATE: Final = date(1900, 1, 1)  # the dates of the supported range of instants
_LAST_DATE: Final = date(2999, 12, 31)

Hours = tuple[tuple[str, tuple[DayInterval, ...]], ...]


def _to_hours(value: object) -> Hours:
    """Normalise ``{"mon": ["09:00-17:00"], ...}`` to weekday-ordered ``(day, intervals)`` pairs."""
    if isinstance(value, tuple) and all(
        isinstance(p, tuple) and len(p) == 2 and p[0] in WEEKDAYS for p in value
    ):
        value = dict(value)
    if not isinstance(value, Mapping):
        raise InvalidInput("hours", "a dict from weekday ('mon' ... 'sun') to a list of intervals", value)
    for key in value:
        if key not in WEEKDAYS:
            raise InvalidInput.unknown_key(f"hours.{key}", str(key), WEEKDAYS)
    return tuple((day, _parse_interval_list(value[day], f"hours.{day}")) for day in WEEKDAYS if day in value)


def _to_holidays(value: object) -> HolidaySpec:
    return HolidaySpec.of(value)


def _to_tuple(value: object, kind: type[Closure] | type[Opening], name: str) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(name, f"a list of {kind.__name__}", value)
    out: list[object] = []
    for i, item in enumerate(value):
        if isinstance(item, kind):
            out.append(item)
        elif isinstance(item, Mapping):
            out.append(kind.from_dict(item, f"{name}[{i}]"))
        else:
            raise InvalidInput(f"{name}[{i}]", f"a {kind.__name__} or its dict form", item)
    return tuple(out)


def _to_closures(value: object) -> tuple[Closure, ...]:
    return _to_tuple(value, Closure, "closures")


def _to_openings(value: object) -> tuple[Opening, ...]:
    return _to_tuple(value, Opening, "openings")


def _check_horizon(instance: BusinessCalendar, attribute: attrs.Attribute[timedelta], value: object) -> None:
    if (
        not isinstance(value, timedelta)
        or value <= timedelta(0)
        or value > _MAX_HORIZON
        or value % timedelta(days=1)
    ):
        raise InvalidInput("horizon", "a whole number of days, at least 1 and at most 400 years", value)


def _aware(value: object, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput(field, "an aware datetime", value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            field, "an aware datetime (with a time zone); naive datetimes are ambiguous", value
        )
    return check_in_range(value, field)


def _duration(value: object, field: str = "duration") -> int:
    if not isinstance(value, timedelta):
        raise InvalidInput(field, "a datetime.timedelta", value)
    return value // _US


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """When a helpdesk is open, and business-time arithmetic over it. An immutable value.

    Semantics, pinned:

    - Business time is real elapsed time (microsecond-exact) during which the calendar
      is open; never wall-clock arithmetic.
    - An interval ``[s, e)`` configured for local date D runs from the first instant at
      which the local clock on D reads ``>= s`` to the first instant at which it reads
      ``>= e`` (on D, or on D+1 for an overnight interval or ``24:00``). So on a
      spring-forward day a boundary inside the gap snaps to the end of the gap, and in
      a fall-back overlap it takes the first occurrence. Intervals are half-open: at
      exactly 17:00 a 09:00-17:00 calendar is closed.
    - Holidays are whole local dates. An interval belongs to the date it starts on: a
      holiday cancels the intervals that start on it, including a night shift starting
      that evening, and never cuts short a shift that began the day before.
    - Openings add hours to a date (even a holiday); closures remove local wall-time
      spans, whatever date the interval they cut belongs to.
    - A weekday absent from ``hours`` is closed. A calendar with no open time at all
      is rejected.

    Build one from its dict form (`from_dict`), or in Python, where ``hours`` may be a
    dict of interval strings and ``holidays`` a `holidays.HolidayBase`, a collection of
    dates, a dict form or a `HolidaySpec`:

    >>> from datetime import datetime, timedelta
    >>> cal = BusinessCalendar(timezone="Europe/Berlin",
    ...                        hours={d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")})
    >>> monday_nine = datetime.fromisoformat("2026-03-02T09:00+01:00")
    >>> cal.add(monday_nine, timedelta(hours=8)).isoformat()
    '2026-03-02T17:00:00+01:00'
    >>> cal.elapsed(monday_nine, datetime.fromisoformat("2026-03-03T10:00+01:00"))
    datetime.timedelta(seconds=32400)

    Attributes:
        timezone: The IANA name of the zone the hours, holidays and closures are read in.
        hours: Per weekday, in Monday-first order, the intervals it is open.
        holidays: The closed dates.
        closures: Partial closures in local wall time.
        openings: Extra hours on given dates.
        horizon: How far `add` and the ``next_*`` queries search before raising
            `ticketcore.HorizonExceeded` (default ten years, 3653 days).

    """

    timezone: str = attrs.field(validator=_check_timezone)
    hours: Hours = attrs.field(converter=_to_hours)
    holidays: HolidaySpec = attrs.field(default=HolidaySpec(), converter=_to_holidays)
    closures: tuple[Closure, ...] = attrs.field(default=(), converter=_to_closures)
    openings: tuple[Opening, ...] = attrs.field(default=(), converter=_to_openings)
    horizon: timedelta = attrs.field(default=DEFAULT_HORIZON, validator=_check_horizon)
    _engine: Engine = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        spans: list[tuple[timedelta, timedelta, str, str]] = []
        weekly: list[list[Span]] = [[] for _ in WEEKDAYS]
        for day, intervals in self.hours:
            wd = WEEKDAYS.index(day)
            for i, iv in enumerate(intervals):
                offset = timedelta(days=wd)
                spans.append((offset + iv.start, offset + iv.start + iv.length, f"hours.{day}[{i}]", str(iv)))
                weekly[wd].append((iv.start // _US, (iv.start + iv.length) // _US))
        _raise_on_overlap(spans, period=timedelta(weeks=1))
        if not spans and not self.openings:
            raise InvalidInput(
                "hours", "at least one open interval (a calendar that is never open has no business time)", {}
            )
        openings: dict[date, list[Span]] = {}
        for op in self.openings:
            openings.setdefault(op.date, []).extend(
                (iv.start // _US, (iv.start + iv.length) // _US) for iv in op.hours
            )
        closures = [(_wall(c.start), _wall(c.end)) for c in self.closures]
        spec = self.holidays
        engine = Engine(ZoneInfo(self.timezone), weekly, lambda y: spec.in_year(y).keys(), openings, closures)
        engine.horizon = self.horizon // _US
        object.__setattr__(self, "_engine", engine)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, tuple(getattr(self, name) for name in _PICKLED))

    # -- dict form ----------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: object) -> BusinessCalendar:
        """Build a calendar from its JSON-compatible dict form.

        Keys: ``timezone`` (IANA name), ``hours`` (weekday to a list of
        ``"HH:MM-HH:MM"``), and optionally ``holidays`` (``country``, ``subdiv``,
        ``categories``, ``dates``, ``annual``), ``closures`` (``start``/``end`` local wall
        times), ``openings`` (``date`` and ``hours``) and ``horizon_days``.

        Raises:
            InvalidInput: naming the offending field, for example ``hours.mon[1]``.

        """
        keys = ("timezone", "hours", "holidays", "closures", "openings", "horizon_days")
        try:
            check_depth(data, "")
        except InvalidInput as e:
            raise InvalidInput(e.field.lstrip("."), e.expected, e.value) from None
        d = _check_keys(data, "", keys, ("timezone", "hours"))
        horizon = DEFAULT_HORIZON
        if "horizon_days" in d:
            days = d["horizon_days"]
            if type(days) is not int or not 1 <= days <= 366 * 400:
                raise InvalidInput("horizon_days", "a whole number of days from 1 to 146400", days)
            horizon = timedelta(days=days)
        holidays = HolidaySpec.from_dict(d["holidays"], "holidays") if "holidays" in d else HolidaySpec()
        return cls(
            timezone=d["timezone"],
            hours=_to_hours(d["hours"]),
            holidays=holidays,
            closures=d.get("closures", []),
            openings=d.get("openings", []),
            horizon=horizon,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form; ``from_dict(c.to_dict()) == c``.

        Optional parts that are empty or default are left out, so a dict in that
        canonical form round-trips exactly.

        Raises:
            InvalidInput: the holidays were given as a Python `holidays.HolidayBase`.

        """
        out: dict[str, Any] = {
            "timezone": self.timezone,
            "hours": {day: [str(iv) for iv in intervals] for day, intervals in self.hours},
        }
        holidays = self.holidays.to_dict()
        if holidays:
            out["holidays"] = holidays
        if self.closures:
            out["closures"] = [c.to_dict() for c in self.closures]
        if self.openings:
            out["openings"] = [o.to_dict() for o in self.openings]
        if self.horizon != DEFAULT_HORIZON:
            out["horizon_days"] = self.horizon.days
        return out

    # -- queries --------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone as a `zoneinfo.ZoneInfo`."""
        return self._engine.zone

    @property
    def weekly_open_time(self) -> timedelta:
        """Open wall-clock time in a regular week (no holidays, closures, openings or DST)."""
        return timedelta(microseconds=self._engine.weekly_total)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of business time after (or, if negative, before) ``start``.

        For ``duration >= 0``: the earliest ``T >= start`` with
        ``elapsed(start, T) >= duration``. So the result is an interval's end when the
        budget runs out exactly there (Mon 09:00 + 8 h on 09:00-17:00 is Mon 17:00,
        not Tue 09:00), a start outside hours begins counting at the next opening, and
        ``add(start, 0) == start``. For a negative duration: the latest ``T <= start``
        with ``elapsed(T, start) >= -duration`` (it lands on an interval's start).
        The result is an aware datetime in the calendar's zone.

        The cost does not grow with the duration, beyond one comparison per year crossed.

        Raises:
            InvalidInput: ``start`` is naive, or ``duration`` is not a timedelta.
            HorizonExceeded: the calendar has too little open time within the horizon.

        """
        if type(start) is datetime and type(duration) is timedelta and start.utcoffset() is not None:
            # The common case in one frame: an aware datetime in range and a positive duration.
            real = (start - _REAL_EPOCH) // _US
            if _MIN_REAL <= real < _MAX_REAL and duration > _ZERO:
                engine = self._engine
                try:
                    t = engine.forward(real, duration // _US, real + engine.horizon)
                except HorizonExceeded:
                    raise HorizonExceeded("duration", duration, _TOO_LITTLE) from None
                return from_real(t, engine.zone)
        s = _aware(start, "start")
        amount = _duration(duration)
        real = to_real(s)
        horizon = self.horizon // _US
        try:
            if amount > 0:
                t = self._engine.forward(real, amount, real + horizon)
            elif amount < 0:
                t = self._engine.backward(real, -amount, real - horizon)
            else:
                return s.astimezone(self._engine.zone)
        except HorizonExceeded:
            raise HorizonExceeded("duration", duration, _TOO_LITTLE) from None
        return from_real(t, self._engine.zone)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time in ``[start, end)``; negative when ``end`` is before ``start``.

        ``elapsed(a, b) == -elapsed(b, a)`` and ``elapsed(a, b) + elapsed(b, c) == elapsed(a, c)``.

        Raises:
            InvalidInput: either datetime is naive.

        """
        if (
            type(start) is datetime
            and type(end) is datetime
            and start.utcoffset() is not None
            and end.utcoffset() is not None
        ):
            a = (start - _REAL_EPOCH) // _US
            b = (end - _REAL_EPOCH) // _US
            if _MIN_REAL <= a < _MAX_REAL and _MIN_REAL <= b < _MAX_REAL:
                f = self._engine.f
                return timedelta(microseconds=f(b) - f(a))
        a = to_real(_aware(start, "start"))
        b = to_real(_aware(end, "end"))
        return timedelta(microseconds=self._engine.f(b) - self._engine.f(a))

    def is_open(self, at: datetime) -> bool:
        """Whether the calendar is open at the instant ``at`` (intervals are half-open)."""
        return self._engine.is_open(to_real(_aware(at, "at")))

    def next_open(self, at: datetime) -> datetime:
        """The first instant ``>= at`` at which the calendar is open (``at`` itself if open).

        Raises:
            HorizonExceeded: it is closed for the whole horizon after ``at``.

        """
        real = to_real(_aware(at, "at"))
        try:
            t = self._engine.next_open(real, real + self.horizon // _US)
        except HorizonExceeded:
            raise HorizonExceeded("at", at, _TOO_LITTLE) from None
        return from_real(t, self._engine.zone)

    def next_close(self, at: datetime) -> datetime:
        """When the open span containing ``at``, or else the next one, ends.

        Adjacent intervals (a night shift running into the next day's hours, a 24/7
        week) form one span.

        Raises:
            HorizonExceeded: no open span starts, or the span does not end, within the horizon.

        """
        real = to_real(_aware(at, "at"))
        limit = real + self.horizon // _US
        try:
            start = self._engine.next_open(real, limit)
            t = self._engine.close_after(start, limit + 1)
        except HorizonExceeded:
            raise HorizonExceeded("at", at, _TOO_LITTLE) from None
        if t > limit:
            raise HorizonExceeded("at", at, "the calendar does not close within the horizon")
        return from_real(t, self._engine.zone)

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The maximal open spans inside ``[start, end)``, clipped to it, as aware pairs.

        Spans are yielded in order, never empty, and adjacent intervals are merged.
        Their total length is ``elapsed(start, end)`` (for ``start <= end``).

        Raises:
            InvalidInput: either datetime is naive (raised at the call, not on iteration).

        """
        a = to_real(_aware(start, "start"))
        b = to_real(_aware(end, "end"))
        return self._iter_spans(a, b)

    def _iter_spans(self, a: int, b: int) -> Iterator[tuple[datetime, datetime]]:
        zone = self._engine.zone
        for s, e in self._engine.spans(a, b):
            yield from_real(s, zone), from_real(e, zone)

    def holidays_between(self, first: date, last: date) -> tuple[tuple[date, str], ...]:
        """The holidays from ``first`` to ``last`` (both included), with their names, in order.

        This lists closed dates, whether or not the weekday has hours; it explains due
        times ("Christmas Day was skipped").
        """
        given: tuple[tuple[str, object], ...] = (("first", first), ("last", last))
        for name, value in given:
            if not isinstance(value, date) or isinstance(value, datetime):
                raise InvalidInput(name, "a datetime.date", value)
            if not _FIRST_DATE <= value <= _LAST_DATE:
                raise InvalidInput(name, "a date from 1900-01-01 to 2999-12-31", value)
        out: dict[date, str] = {}
        for year in range(first.year, last.year + 1):
            out.update(self.holidays.in_year(year))
        return tuple(sorted((d, n) for d, n in out.items() if first <= d <= last))


def _wall(naive: datetime) -> int:
    return (naive - datetime(1, 1, 1)) // _US


#: The fields a pickled calendar keeps, in order (its memo is rebuilt, not copied).
_PICKLED: Final = ("timezone", "hours", "holidays", "closures", "openings", "horizon")


def _unpickle(*fields: Any) -> BusinessCalendar:
    """A pickled calendar rebuilt from its fields (the constructor takes keywords only)."""
    return BusinessCalendar(**dict(zip(_PICKLED, fields, strict=True)))
