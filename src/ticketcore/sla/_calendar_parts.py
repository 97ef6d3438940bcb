"""The parts a business calendar is configured from.

Each part is an immutable attrs value with a strict parser for its JSON-compatible
form (`parse` / `from_dict`) and the inverse (`str` / `to_dict`). Parsers take a
``path`` argument so that an error deep inside a calendar dict names the exact
field, for example ``openings[0].hours[1]``.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final, TypeGuard

import attrs
import holidays as _holidays

from ticketcore._errors import InvalidInput
from ticketcore._ticket import _optional_str
from ticketcore._time import WEEKDAYS
from ticketcore._util import check_depth, wrap
from ticketcore._util import check_keys as _check_keys

__all__ = [
    "WEEKDAYS",
    "Closure",
    "DayInterval",
    "HolidaySpec",
    "Opening",
]

#: The weekday keys of a calendar's ``hours``, Monday first (``date.weekday()`` order).

_DAY: Final = timedelta(days=1)
_TIME = re.compile(r"(\d\d):(\d\d)(?::(\d\d))?\Z")
_INTERVAL_FORM = "an interval 'HH:MM-HH:MM' (seconds optional, end '24:00' allowed)"


def _parse_time(text: str, path: str, *, end: bool) -> timedelta:
    """Parse ``HH:MM`` or ``HH:MM:SS`` into a time since midnight; ``24:00`` only as an end."""
    m = _TIME.match(text)
    if m is None:
        raise InvalidInput(path, _INTERVAL_FORM, text)
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    if mi > 59 or s > 59 or h > 24 or (h == 24 and (mi or s or not end)):
        raise InvalidInput(path, _INTERVAL_FORM, text)
    return timedelta(hours=h, minutes=mi, seconds=s)


def _format_time(t: timedelta) -> str:
    seconds = int(t.total_seconds())
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}" if s == 0 else f"{h:02d}:{m:02d}:{s:02d}"


def _check_time_of_day(instance: DayInterval, attribute: attrs.Attribute[timedelta], value: object) -> None:
    if not isinstance(value, timedelta):
        raise InvalidInput(attribute.name, "a datetime.timedelta since midnight", value)
    upper = _DAY if attribute.name == "end" else _DAY - timedelta(seconds=1)
    if not timedelta(0) <= value <= upper or value.microseconds:
        raise InvalidInput(attribute.name, f"whole seconds from 00:00 to {_format_time(upper)}", value)


@attrs.frozen(kw_only=True)
class DayInterval:
    """A span of opening hours on one day, such as 09:00-17:00 or the night shift 22:00-06:00.

    ``start`` and ``end`` are times since midnight (``timedelta``), in whole seconds.
    ``end`` may be 24 hours (``24:00``). When ``end <= start`` the interval is
    *overnight*: it runs into the next day, and ``22:00-06:00`` is one interval of
    eight hours. ``09:00-09:00`` is therefore a 24-hour shift from 09:00 to 09:00.

    The interval belongs to the date it starts on: a holiday on that date cancels it
    whole, and a holiday on the next date never cuts it short.

    >>> DayInterval.parse("22:00-06:00").overnight
    True
    >>> str(DayInterval.parse("09:00-24:00"))
    '09:00-24:00'
    """

    start: timedelta = attrs.field(validator=_check_time_of_day)
    end: timedelta = attrs.field(validator=_check_time_of_day)

    @classmethod
    def parse(cls, text: object, path: str = "interval") -> DayInterval:
        """Parse ``'HH:MM-HH:MM'`` (or with seconds), raising `InvalidInput` naming ``path``."""
        if not isinstance(text, str) or text.count("-") != 1:
            raise InvalidInput(path, _INTERVAL_FORM, text)
        a, b = text.split("-")
        try:
            start = _parse_time(a.strip(), path, end=False)
            end = _parse_time(b.strip(), path, end=True)
        except InvalidInput:
            raise InvalidInput(path, _INTERVAL_FORM, text) from None
        return cls(start=start, end=end)

    @property
    def overnight(self) -> bool:
        """Whether the interval runs past midnight into the next day."""
        return self.end <= self.start

    @property
    def length(self) -> timedelta:
        """The interval's length on the wall clock (real length differs on DST days)."""
        return self.end - self.start + (_DAY if self.overnight else timedelta(0))

    def __str__(self) -> str:
        return f"{_format_time(self.start)}-{_format_time(self.end)}"


def _parse_interval_list(value: object, path: str) -> tuple[DayInterval, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(path, "a list of intervals like ['09:00-17:00']", value)
    return tuple(
        item if isinstance(item, DayInterval) else DayInterval.parse(item, f"{path}[{i}]")
        for i, item in enumerate(value)
    )


def _parse_date(value: object, path: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(path, "a date 'YYYY-MM-DD'", value)


def _parse_local_datetime(value: object, path: str) -> datetime:
    form = "a local wall time 'YYYY-MM-DDTHH:MM' without a UTC offset"
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(path, form, value) from None
    else:
        raise InvalidInput(path, form, value)
    if parsed.tzinfo is not None:
        raise InvalidInput(path, form, value)
    return parsed


def _format_local_datetime(value: datetime) -> str:
    if value.second == 0 and value.microsecond == 0:
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def _check_naive(instance: Closure, attribute: attrs.Attribute[datetime], value: object) -> None:
    if not isinstance(value, datetime) or value.tzinfo is not None:
        raise InvalidInput(attribute.name, "a naive local datetime (wall time)", value)


@attrs.frozen(kw_only=True)
class Closure:
    """A partial closure: the calendar is closed from ``start`` to ``end`` (local wall time).

    Both ends are naive datetimes read in the calendar's time zone, half-open
    ``[start, end)``, and resolved like interval boundaries (a boundary inside a
    spring-forward gap snaps to the end of the gap; one inside a fall-back overlap
    takes the first occurrence). A closure removes open time whatever date the
    interval it cuts belongs to, so it can end a night shift early.
    """

    start: datetime = attrs.field(validator=_check_naive)
    end: datetime = attrs.field(validator=_check_naive)

    @end.validator
    def _end_after_start(self, attribute: attrs.Attribute[datetime], value: datetime) -> None:
        if value <= self.start:
            raise InvalidInput("end", f"a time after start {self.start.isoformat()}", value)

    @classmethod
    def from_dict(cls, data: object, path: str = "closure") -> Closure:
        """Build from ``{"start": "2026-12-31T12:00", "end": "2027-01-01T00:00"}``."""
        check_depth(data, path)
        d = _check_keys(data, path, ("start", "end"), ("start", "end"))
        start = _parse_local_datetime(d["start"], f"{path}.start")
        end = _parse_local_datetime(d["end"], f"{path}.end")
        if end <= start:
            raise InvalidInput(f"{path}.end", f"a time after start {d['start']!r}", d["end"])
        return cls(start=start, end=end)

    def to_dict(self) -> dict[str, str]:
        """The JSON-compatible form read by `from_dict`."""
        return {"start": _format_local_datetime(self.start), "end": _format_local_datetime(self.end)}


def _check_hours(
    instance: Opening, attribute: attrs.Attribute[tuple[DayInterval, ...]], value: object
) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, DayInterval) for v in value):
        raise InvalidInput("hours", "a tuple of DayInterval", value)
    if not value:
        raise InvalidInput("hours", "at least one interval", value)


_Date = date


def _check_opening_date(instance: Opening, attribute: attrs.Attribute[date], value: object) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput("date", "a datetime.date", value)


@attrs.frozen(kw_only=True)
class Opening:
    """Extra opening hours on one date, added to whatever that date normally has.

    An opening applies even on a holiday (the explicit opening wins over the general
    closure). Intervals may overlap the date's regular hours; the union is open.
    """

    date: _Date = attrs.field(validator=_check_opening_date)
    hours: tuple[DayInterval, ...] = attrs.field(validator=_check_hours)

    @classmethod
    def from_dict(cls, data: object, path: str = "opening") -> Opening:
        """Build from ``{"date": "2026-12-19", "hours": ["10:00-14:00"]}``."""
        check_depth(data, path)
        d = _check_keys(data, path, ("date", "hours"), ("date", "hours"))
        day = _parse_date(d["date"], f"{path}.date")
        hours = _parse_interval_list(d["hours"], f"{path}.hours")
        if not hours:
            raise InvalidInput(f"{path}.hours", "at least one interval", d["hours"])
        _check_no_overlap([(h, f"{path}.hours[{i}]") for i, h in enumerate(hours)], None)
        return cls(date=day, hours=hours)

    def to_dict(self) -> dict[str, object]:
        """The JSON-compatible form read by `from_dict`."""
        return {"date": self.date.isoformat(), "hours": [str(h) for h in self.hours]}


def _check_no_overlap(items: list[tuple[DayInterval, str]], period: timedelta | None) -> None:
    """Reject overlapping intervals of one day, naming both paths."""
    spans = [(iv.start, iv.start + iv.length, path, str(iv)) for iv, path in items]
    _raise_on_overlap(spans, period=period)


def _raise_on_overlap(spans: list[tuple[timedelta, timedelta, str, str]], period: timedelta | None) -> None:
    """Raise `InvalidInput` naming the later of two overlapping spans.

    With a ``period`` the spans live on a circle of that length (a week), so a span
    that runs past the end wraps to the beginning.
    """
    pieces: list[tuple[timedelta, timedelta, str, str]] = []
    for start, end, path, text in spans:
        if period is not None and end > period:
            pieces.append((start, period, path, text))
            pieces.append((timedelta(0), end - period, path, text))
        else:
            pieces.append((start, end, path, text))
    pieces.sort(key=lambda p: (p[0], p[1]))
    for (_, e1, p1, t1), (s2, _, p2, t2) in itertools.pairwise(pieces):
        if s2 < e1:
            first, second = sorted([(p1, t1), (p2, t2)])
            raise InvalidInput(
                second[0], f"an interval that does not overlap {first[0]} ({first[1]!r})", second[1]
            )


def _is_holiday_base(value: object) -> TypeGuard[_holidays.HolidayBase]:
    return isinstance(value, _holidays.HolidayBase)


def _check_dates(instance: HolidaySpec, attribute: attrs.Attribute[tuple[date, ...]], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidInput("dates", "a tuple of datetime.date", value)
    for i, d in enumerate(value):
        if not isinstance(d, date) or isinstance(d, datetime):
            raise InvalidInput(f"dates[{i}]", "a datetime.date", d)


def _check_annual(
    instance: HolidaySpec,
    attribute: attrs.Attribute[tuple[tuple[int, int], ...]],
    value: object,
) -> None:
    if not isinstance(value, tuple):
        raise InvalidInput("annual", "a tuple of (month, day) pairs", value)
    for i, md in enumerate(value):
        ok = isinstance(md, tuple) and len(md) == 2 and all(type(x) is int for x in md)
        if not ok or not _valid_month_day(*md):
            raise InvalidInput(f"annual[{i}]", "a (month, day) pair that exists in a leap year", md)


def _valid_month_day(month: int, day: int) -> bool:
    """Whether (month, day) exists in some year (29 February does, in leap years)."""
    return _valid_date(2000, month, day)


@attrs.frozen(kw_only=True)
class HolidaySpec:
    """Which whole local dates a calendar is closed on.

    Any combination of:

    - ``country`` (and optionally ``subdiv``, ``categories``): public holidays resolved
      with the `holidays` package, year by year as they are needed;
    - ``dates``: explicit closed dates;
    - ``annual``: ``(month, day)`` pairs closed every year (29 February only in leap years);
    - ``source``: a host's own `holidays.HolidayBase` object, for holidays built in
      Python. A calendar with a ``source`` cannot be converted to a dict, and reads
      each year of it once: change the object afterwards and build a new calendar.

    A holiday closes the intervals that *start* on it, including a night shift that
    starts that evening; it never cuts short a shift that began the day before.
    A holiday on a day with no hours changes nothing.
    """

    country: str | None = attrs.field(default=None, validator=_optional_str)
    subdiv: str | None = attrs.field(default=None, validator=_optional_str)
    categories: tuple[str, ...] | None = None
    dates: tuple[date, ...] = attrs.field(default=(), validator=_check_dates)
    annual: tuple[tuple[int, int], ...] = attrs.field(default=(), validator=_check_annual)
    # Compared by identity (a HolidayBase is a mutable dict) and left out of the hash.
    source: _holidays.HolidayBase | None = attrs.field(
        default=None, eq=attrs.cmp_using(eq=operator.is_), hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if self.subdiv is not None and self.country is None:
            raise InvalidInput("subdiv", "no subdivision unless a country is given", self.subdiv)
        if self.categories is not None:
            if self.country is None:
                raise InvalidInput("categories", "no categories unless a country is given", self.categories)
            categories: object = self.categories
            if not isinstance(categories, tuple) or not all(isinstance(c, str) for c in categories):
                raise InvalidInput("categories", "a tuple of category names", self.categories)
        if self.source is not None and not _is_holiday_base(self.source):
            raise InvalidInput("source", "a holidays.HolidayBase", self.source)
        if self.country is not None:
            _country_years(self.country, self.subdiv, self.categories, ())  # validates the names

    @classmethod
    def of(cls, value: object, path: str = "holidays") -> HolidaySpec:
        """Accept a `HolidaySpec`, a `holidays.HolidayBase`, a dict form or a collection of dates."""
        if isinstance(value, HolidaySpec):
            return value
        if value is None:
            return cls()
        if _is_holiday_base(value):
            return cls(source=value)
        if isinstance(value, Mapping):
            return cls.from_dict(value, path)
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            items = list(value)
            return cls(dates=tuple(_parse_date(d, f"{path}[{i}]") for i, d in enumerate(items)))
        raise InvalidInput(path, "a holidays.HolidayBase, a collection of dates, a dict form or None", value)

    @classmethod
    def from_dict(cls, data: object, path: str = "holidays") -> HolidaySpec:
        """Build from ``{"country": "DE", "subdiv": "BY", "dates": [...], "annual": ["12-24"]}``."""
        keys = ("country", "subdiv", "categories", "dates", "annual")
        check_depth(data, path)
        d = _check_keys(data, path, keys, ())
        for key in ("country", "subdiv"):
            if key in d and (not isinstance(d[key], str) or not d[key]):
                raise InvalidInput(f"{path}.{key}", "a non-empty string", d[key])
        categories = None
        if "categories" in d:
            raw = d["categories"]
            if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
                raise InvalidInput(f"{path}.categories", "a list of category names", raw)
            categories = tuple(raw)
        dates: tuple[date, ...] = ()
        if "dates" in d:
            if not isinstance(d["dates"], list):
                raise InvalidInput(f"{path}.dates", "a list of dates 'YYYY-MM-DD'", d["dates"])
            dates = tuple(_parse_date(x, f"{path}.dates[{i}]") for i, x in enumerate(d["dates"]))
        annual: list[tuple[int, int]] = []
        if "annual" in d:
            if not isinstance(d["annual"], list):
                raise InvalidInput(f"{path}.annual", "a list of 'MM-DD' strings", d["annual"])
            for i, md in enumerate(d["annual"]):
                m = re.fullmatch(r"(\d\d)-(\d\d)", md) if isinstance(md, str) else None
                if m is None or not _valid_month_day(int(m[1]), int(m[2])):
                    raise InvalidInput(f"{path}.annual[{i}]", "a month and day 'MM-DD'", md)
                annual.append((int(m[1]), int(m[2])))
        return wrap(
            path,
            cls,
            country=d.get("country"),
            subdiv=d.get("subdiv"),
            categories=categories,
            dates=dates,
            annual=tuple(annual),
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON-compatible form read by `from_dict`; keys with no value are left out.

        Raises:
            InvalidInput: the spec holds a Python ``source`` object, which has no dict form.

        """
        if self.source is not None:
            raise InvalidInput(
                "holidays.source",
                "holidays given as country/subdiv or dates (a holidays.HolidayBase object has no dict form)",
                self.source,
            )
        out: dict[str, object] = {}
        if self.country is not None:
            out["country"] = self.country
        if self.subdiv is not None:
            out["subdiv"] = self.subdiv
        if self.categories is not None:
            out["categories"] = list(self.categories)
        if self.dates:
            out["dates"] = [d.isoformat() for d in self.dates]
        if self.annual:
            out["annual"] = [f"{m:02d}-{d:02d}" for m, d in self.annual]
        return out

    def is_empty(self) -> bool:
        """Whether the spec closes no date at all."""
        return self.country is None and not self.dates and not self.annual and self.source is None

    def in_year(self, year: int) -> dict[date, str]:
        """The holidays of one year, with their names."""
        out: dict[date, str] = {}
        if self.country is not None:
            out.update(_country_years(self.country, self.subdiv, self.categories, (year,)))
        if self.source is not None:
            date(year, 1, 1) in self.source  # noqa: B015 -- makes the source populate the year
            for d, name in self.source.items():
                if d.year == year:
                    out.setdefault(d, str(name))
        for month, day in self.annual:
            if _valid_date(year, month, day):
                out.setdefault(date(year, month, day), "closed every year")
        for d in self.dates:
            if d.year == year:
                out.setdefault(d, "closed")
        return out


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_COUNTRY_CACHE: dict[tuple[str, str | None, tuple[str, ...] | None, int], dict[date, str]] = {}


def _country_years(
    country: str, subdiv: str | None, categories: tuple[str, ...] | None, years: tuple[int, ...]
) -> dict[date, str]:
    """Public holidays of ``country`` in ``years`` (memoised: a pure function of its arguments)."""
    out: dict[date, str] = {}
    missing = [y for y in years if (country, subdiv, categories, y) not in _COUNTRY_CACHE]
    if missing or not years:
        try:
            kwargs: dict[str, Any] = {"subdiv": subdiv, "years": missing}
            if categories is not None:
                kwargs["categories"] = categories
            table = _holidays.country_holidays(country, **kwargs)
        except NotImplementedError:
            field = "country" if subdiv is None else "subdiv"
            try:
                _holidays.country_holidays(country, years=())
            except NotImplementedError:
                field = "country"
            value = country if field == "country" else subdiv
            raise InvalidInput(
                field, "a country and subdivision known to the holidays package", value
            ) from None
        except (ValueError, KeyError) as e:
            raise InvalidInput(
                "categories", f"categories known to the holidays package ({e})", categories
            ) from None
        for y in missing:
            _COUNTRY_CACHE[(country, subdiv, categories, y)] = {
                d: str(n) for d, n in table.items() if d.year == y
            }
    for y in years:
        out.update(_COUNTRY_CACHE[(country, subdiv, categories, y)])
    return out
