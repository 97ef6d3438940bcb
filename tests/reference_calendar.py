"""A slow, obviously-correct business calendar, to check the fast engine against.

It follows the issue's definitions word for word and shares no code with the engine:

- every local date D contributes its weekday's intervals (unless D is a holiday) and
  its openings, each as ``[T(D + s), T(D + e))`` in real time, where ``T(x)`` is "the
  first instant at which the local clock reads >= x", found by asking zoneinfo and, in
  a gap, by bisecting over whole seconds for the moment the offset changes;
- closures are subtracted as ``[T(start), T(end))``;
- ``elapsed`` sums overlaps interval by interval, and ``add`` walks the intervals one
  by one, in aware UTC datetimes (no integer time line).

It works over a bounded window of dates and is thousands of times slower than the
engine, which is the point.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ticketcore.sla import BusinessCalendar

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def first_instant(naive: datetime, zone: ZoneInfo) -> datetime:
    """T(naive): the first UTC instant at which the clock in ``zone`` reads >= ``naive``."""
    early = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if early.astimezone(zone).replace(tzinfo=None) == naive:
        return early  # the wall time exists; fold=0 is its first occurrence
    # A gap: before the transition the clock reads less than `naive`, after it more.
    late = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = min(early, late), max(early, late)

    def reached(t: datetime) -> bool:
        return t.astimezone(zone).replace(tzinfo=None) >= naive

    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if reached(mid):
            hi = mid
        else:
            lo = mid
    return hi if not reached(lo) else lo


class ReferenceCalendar:
    """The reference over local dates ``first`` to ``last`` (plus a day either side)."""

    def __init__(self, cal: BusinessCalendar, first: date, last: date) -> None:
        self.zone = ZoneInfo(cal.timezone)
        self.first, self.last = first, last
        hours = dict(cal.hours)
        holiday_dates: set[date] = set()
        for year in range(first.year - 1, last.year + 2):
            holiday_dates.update(cal.holidays.in_year(year))
        spans: list[tuple[datetime, datetime]] = []
        day = first - timedelta(days=1)
        while day <= last + timedelta(days=1):
            intervals = [] if day in holiday_dates else list(hours.get(_WEEKDAYS[day.weekday()], ()))
            for opening in cal.openings:
                if opening.date == day:
                    intervals += opening.hours
            midnight = datetime.combine(day, time())
            for iv in intervals:
                end = iv.end + (timedelta(days=1) if iv.overnight else timedelta(0))
                spans.append(
                    (first_instant(midnight + iv.start, self.zone), first_instant(midnight + end, self.zone))
                )
            day += timedelta(days=1)
        spans = _union(spans)
        for closure in cal.closures:
            cut = (first_instant(closure.start, self.zone), first_instant(closure.end, self.zone))
            spans = _minus(spans, cut)
        self.spans = spans
        # The window inside which every answer is exact (a day of margin for night shifts).
        self.lo = first_instant(datetime.combine(first, time()), self.zone)
        self.hi = first_instant(datetime.combine(last, time()), self.zone)

    def covers(self, t: datetime) -> bool:
        """Whether ``t`` is inside the window the reference is exact in."""
        return self.lo <= t <= self.hi

    def elapsed(self, a: datetime, b: datetime) -> timedelta:
        """Business time in [a, b), negative if b < a."""
        if b < a:
            return -self.elapsed(b, a)
        total = timedelta(0)
        for s, e in self.spans:
            lo, hi = max(s, a), min(e, b)
            if lo < hi:
                total += hi - lo
        return total

    def is_open(self, t: datetime) -> bool:
        """Whether ``t`` lies in an open span."""
        return any(s <= t < e for s, e in self.spans)

    def add(self, start: datetime, duration: timedelta) -> datetime | None:
        """Walk the spans; None if the answer is outside the window."""
        if duration == timedelta(0):
            return start
        if duration > timedelta(0):
            left = duration
            for s, e in self.spans:
                if e <= start:
                    continue
                lo = max(s, start)
                if e - lo >= left:
                    return lo + left
                left -= e - lo
            return None
        left = -duration
        for s, e in reversed(self.spans):
            if s >= start:
                continue
            hi = min(e, start)
            if hi - s >= left:
                return hi - left
            left -= hi - s
        return None


def _union(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _minus(
    spans: list[tuple[datetime, datetime]], cut: tuple[datetime, datetime]
) -> list[tuple[datetime, datetime]]:
    cs, ce = cut
    out: list[tuple[datetime, datetime]] = []
    for s, e in spans:
        if ce <= s or e <= cs:
            out.append((s, e))
            continue
        if s < cs:
            out.append((s, cs))
        if ce < e:
            out.append((ce, e))
    return out
