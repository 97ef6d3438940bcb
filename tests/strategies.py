"""Hypothesis strategies shared by the test suite: calendars, instants and durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from ticketcore.sla import BusinessCalendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Zones with DST in both hemispheres, a 30-minute DST shift (Lord Howe), a +12:45
# zone with DST (Chatham), and zones without DST.
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "UTC",
)

GRID = 15  # minutes: generated boundaries fall on a quarter-hour grid
WEEK_MIN = 7 * 24 * 60

# The window the random tests live in; the reference calendar covers it with margin.
FIRST = date(2025, 1, 1)
LAST = date(2027, 12, 31)


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def weekly_hours(draw: st.DrawFn) -> dict[str, list[str]]:
    """Random non-overlapping weekly hours: split, overnight, 24:00, across the week's end."""
    kind = draw(st.sampled_from(["random", "random", "random", "office", "always", "nights"]))
    if kind == "office":
        return {d: ["09:00-17:00"] for d in WEEKDAYS[:5]}
    if kind == "always":
        return {d: ["00:00-24:00"] for d in WEEKDAYS}
    if kind == "nights":
        return {d: ["22:00-06:00"] for d in WEEKDAYS[:5]}
    n = draw(st.integers(1, 8)) * 2
    points = sorted(draw(st.sets(st.integers(0, WEEK_MIN // GRID - 1), min_size=n, max_size=n)))
    rotation = draw(st.integers(0, WEEK_MIN // GRID - 1))
    hours: dict[str, list[str]] = {}
    for a, b in zip(points[::2], points[1::2], strict=True):
        start, length = a * GRID, (b - a) * GRID
        while length > 0:  # an interval is at most 24 hours long
            piece = min(length, 24 * 60)
            s = (start + rotation * GRID) % WEEK_MIN
            day, tod = divmod(s, 24 * 60)
            end = tod + piece
            end_text = _fmt(end) if end <= 24 * 60 else _fmt(end - 24 * 60)
            hours.setdefault(WEEKDAYS[day], []).append(f"{_fmt(tod)}-{end_text}")
            start += piece
            length -= piece
    return hours


def local_dates(first: date = FIRST, last: date = LAST) -> st.SearchStrategy[date]:
    """Dates inside the test window."""
    return st.dates(min_value=first, max_value=last)


@st.composite
def calendar_dicts(draw: st.DrawFn, zones: tuple[str, ...] = ZONES) -> dict[str, Any]:
    """The dict form of a random calendar inside the test window."""
    data: dict[str, Any] = {"timezone": draw(st.sampled_from(zones)), "hours": draw(weekly_hours())}
    holidays: dict[str, Any] = {}
    if draw(st.booleans()):
        holidays["dates"] = sorted(
            {d.isoformat() for d in draw(st.lists(local_dates(), min_size=1, max_size=12))}
        )
    if draw(st.integers(0, 4)) == 0:
        holidays["country"] = "DE"
        holidays["subdiv"] = "BY"
    if holidays:
        data["holidays"] = holidays
    closures = []
    for _ in range(draw(st.integers(0, 3))):
        day = draw(local_dates())
        start = datetime(day.year, day.month, day.day) + timedelta(minutes=GRID * draw(st.integers(0, 95)))
        end = start + timedelta(minutes=5 * draw(st.integers(1, 3 * 24 * 12)))
        closures.append(
            {"start": start.isoformat(timespec="minutes"), "end": end.isoformat(timespec="minutes")}
        )
    if closures:
        data["closures"] = closures
    openings = []
    for _ in range(draw(st.integers(0, 2))):
        s = draw(st.integers(0, 95)) * GRID
        length = draw(st.integers(1, 96)) * GRID
        stop = s + length
        text = f"{_fmt(s)}-{_fmt(stop) if stop <= 1440 else _fmt(stop - 1440)}"
        openings.append({"date": draw(local_dates()).isoformat(), "hours": [text]})
    if openings:
        data["openings"] = openings
    return data


def calendars(zones: tuple[str, ...] = ZONES) -> st.SearchStrategy[BusinessCalendar]:
    """Random calendars built from `calendar_dicts`."""
    return calendar_dicts(zones).map(BusinessCalendar.from_dict)


@st.composite
def instants(draw: st.DrawFn, zone: str | None = None) -> datetime:
    """Aware instants inside the window, often on a grid point or near a DST transition.

    Returned in the calendar's zone or in UTC (the calendar must not care).
    """
    lo = datetime(FIRST.year, FIRST.month, FIRST.day, tzinfo=UTC) + timedelta(days=30)
    hi = datetime(LAST.year, LAST.month, LAST.day, tzinfo=UTC) - timedelta(days=200)
    span_min = int((hi - lo).total_seconds() // 60)
    how = draw(st.sampled_from(["grid", "second", "micro", "dst"]))
    if how == "dst":
        year = draw(st.integers(FIRST.year, LAST.year - 1))
        month = draw(st.sampled_from([3, 4, 9, 10, 11]))
        day = draw(st.integers(1, 28))
        t = datetime(year, month, day, tzinfo=UTC) + timedelta(minutes=GRID * draw(st.integers(0, 96)))
        t = min(max(t, lo), hi)
    else:
        t = lo + timedelta(minutes=draw(st.integers(0, span_min)))
        if how == "grid":
            t = t.replace(minute=t.minute - t.minute % GRID)
        elif how == "second":
            t += timedelta(seconds=draw(st.integers(0, 59)))
        else:
            t += timedelta(microseconds=draw(st.integers(0, 59_999_999)))
    return t.astimezone(ZoneInfo(zone)) if zone is not None and draw(st.booleans()) else t


def durations(max_hours: int = 400) -> st.SearchStrategy[timedelta]:
    """Non-negative business durations: round hours, minutes, seconds or microseconds."""
    return st.one_of(
        st.integers(0, max_hours).map(lambda h: timedelta(hours=h)),
        st.integers(0, max_hours * 60).map(lambda m: timedelta(minutes=m)),
        st.integers(0, max_hours * 3_600_000_000).map(lambda us: timedelta(microseconds=us)),
    )
