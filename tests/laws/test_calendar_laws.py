"""Laws of business-time arithmetic, over random calendars, zones and instants.

Each test is named after the law it checks. The differential test at the end
compares the fast engine with the slow reference on thousands of random cases.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcore import HorizonExceeded
from ticketcore._instant import from_real, from_real_reference
from ticketcore.sla import BusinessCalendar

from reference_calendar import ReferenceCalendar
from strategies import FIRST, LAST, calendar_dicts, calendars, durations, instants

US = timedelta(microseconds=1)


def utc(t: datetime) -> datetime:
    """The same instant in UTC.

    Python subtracts and compares two datetimes that share a tzinfo by *wall clock*
    (ignoring offsets and fold), so every comparison and sum here is done in UTC.
    """
    return t.astimezone(UTC)


def _bounded(cal: BusinessCalendar, d: timedelta) -> timedelta:
    """Keep a duration within about forty regular weeks of the calendar's open time."""
    cap = cal.weekly_open_time * 40
    return d % cap if cap and d > cap else d


@pytest.mark.slow
@given(cal=calendars(), data=st.data())
def test_add_then_elapsed_is_identity(cal: BusinessCalendar, data: st.DataObject) -> None:
    """elapsed(s, add(s, d)) == d for every d >= 0."""
    s = data.draw(instants(cal.timezone))
    d = _bounded(cal, data.draw(durations()))

    t = cal.add(s, d)

    assert d == cal.elapsed(s, t)
    assert utc(t) >= utc(s)


@pytest.mark.slow
@given(cal=calendars(), data=st.data())
def test_add_is_the_earliest_such_instant(cal: BusinessCalendar, data: st.DataObject) -> None:
    """One microsecond before add(s, d) the budget has not run out yet."""
    s = data.draw(instants(cal.timezone))
    d = _bounded(cal, data.draw(durations())) + US

    t = cal.add(s, d)

    assert cal.elapsed(s, utc(t) - US) < d


@pytest.mark.slow
@given(cal=calendars(), data=st.data())
def test_add_composes(cal: BusinessCalendar, data: st.DataObject) -> None:
    """add(add(s, a), b) == add(s, a + b) for a, b >= 0."""
    s = data.draw(instants(cal.timezone))
    a = _bounded(cal, data.draw(durations(200)))
    b = _bounded(cal, data.draw(durations(200)))

    assert utc(cal.add(s, a + b)) == utc(cal.add(cal.add(s, a), b))


@pytest.mark.slow
@given(cal=calendars(), data=st.data())
def test_elapsed_is_additive_and_antisymmetric(cal: BusinessCalendar, data: st.DataObject) -> None:
    """elapsed(a, b) + elapsed(b, c) == elapsed(a, c) and elapsed(a, b) == -elapsed(b, a)."""
    a, b, c = (data.draw(instants(cal.timezone)) for _ in range(3))

    assert cal.elapsed(a, c) == cal.elapsed(a, b) + cal.elapsed(b, c)
    assert cal.elapsed(a, b) == -cal.elapsed(b, a)
    assert cal.elapsed(a, a) == timedelta(0)


@pytest.mark.slow
@given(cal=calendars(), data=st.data())
def test_add_is_monotonic_in_both_arguments(cal: BusinessCalendar, data: st.DataObject) -> None:
    """Later starts and longer durations never give earlier results."""
    s1, s2 = sorted(utc(data.draw(instants(cal.timezone))) for _ in range(2))
    d1, d2 = sorted(_bounded(cal, data.draw(durations())) for _ in range(2))

    assert utc(cal.add(s1, d1)) <= utc(cal.add(s2, d1))
    assert utc(cal.add(s1, d1)) <= utc(cal.add(s1, d2))
    assert utc(cal.add(s1, -d1)) <= utc(cal.add(s2, -d1))
    assert utc(cal.add(s1, -d2)) <= utc(cal.add(s1, -d1))


@pytest.mark.slow
@given(cal=calendars(), data=st.data())
def test_negative_add_mirrors_positive(cal: BusinessCalendar, data: st.DataObject) -> None:
    """add(s, -d) is the latest T with elapsed(T, s) == d, and negative adds compose."""
    s = data.draw(instants(cal.timezone))
    a = _bounded(cal, data.draw(durations(200)))
    b = _bounded(cal, data.draw(durations(200)))

    t = utc(cal.add(s, -a))

    assert t <= utc(s)
    assert a == cal.elapsed(t, s)
    if a:
        assert cal.elapsed(t + US, s) < a
    assert utc(cal.add(s, -(a + b))) == utc(cal.add(cal.add(s, -a), -b))


@given(cal=calendars(), data=st.data())
def test_add_zero_returns_start(cal: BusinessCalendar, data: st.DataObject) -> None:
    """add(s, 0) == s, open or closed, and the result is in the calendar's zone."""
    s = data.draw(instants(cal.timezone))

    t = cal.add(s, timedelta(0))

    # In UTC: Python never calls an instant in a fall-back overlap equal to one in another zone (PEP 495).
    assert s.astimezone(UTC) == t.astimezone(UTC)
    assert t.tzinfo == cal.zone


@given(cal=calendars(), data=st.data())
def test_open_intervals_are_exactly_the_counted_time(cal: BusinessCalendar, data: st.DataObject) -> None:
    """open_intervals sums to elapsed, every instant in them is open, and the gaps are closed."""
    a = utc(data.draw(instants(cal.timezone)))
    b = a + timedelta(hours=data.draw(st.integers(0, 24 * 21)))

    spans = [(utc(s), utc(e)) for s, e in cal.open_intervals(a, b)]

    assert cal.elapsed(a, b) == sum((e - s for s, e in spans), timedelta(0))
    for s, e in spans:
        assert a <= s < e <= b
        assert cal.is_open(s)
        assert cal.is_open(e - US)
        assert cal.is_open(s + (e - s) / 2)
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        assert e1 < s2
        assert not cal.is_open(e1)
        assert not cal.is_open(s2 - US)


@pytest.mark.slow
@given(cal=calendars(), data=st.data())
def test_next_open_and_next_close_bracket_an_open_span(cal: BusinessCalendar, data: st.DataObject) -> None:
    """next_open(t) is open, everything before it (from t) is closed, and next_close ends that span."""
    t = utc(data.draw(instants(cal.timezone)))

    opens = utc(cal.next_open(t))
    try:
        closes = utc(cal.next_close(t))
    except HorizonExceeded:  # open without a break for the whole horizon (a 24/7 week)
        assert cal.elapsed(opens, opens + cal.horizon) == cal.horizon
        return

    assert opens >= t
    assert cal.is_open(opens)
    assert cal.elapsed(t, opens) == timedelta(0)
    assert closes > opens
    assert not cal.is_open(closes)
    assert cal.elapsed(opens, closes) == closes - opens


@pytest.mark.slow
@given(data=calendar_dicts())
def test_dict_form_round_trips(data: dict[str, Any]) -> None:
    """to_dict(from_dict(d)) == d for canonical dicts, and from_dict(to_dict(c)) == c."""
    cal = BusinessCalendar.from_dict(data)

    assert data == cal.to_dict()
    assert cal == BusinessCalendar.from_dict(cal.to_dict())
    assert hash(cal) == hash(BusinessCalendar.from_dict(cal.to_dict()))


@pytest.mark.slow
@settings(max_examples=60)
@given(cal=calendars(), data=st.data())
def test_engine_agrees_with_the_slow_reference(cal: BusinessCalendar, data: st.DataObject) -> None:
    """The closed-form engine and the interval walk agree on 40 random cases per calendar.

    Checked: is_open, elapsed and add in both directions, wherever the answer lies
    inside the window the reference covers.
    """
    ref = ReferenceCalendar(cal, FIRST, LAST)
    compared = 0
    for _ in range(40):
        s = utc(data.draw(instants(cal.timezone)))
        d = _bounded(cal, data.draw(durations()))
        e = s + timedelta(minutes=data.draw(st.integers(-90 * 24 * 60, 90 * 24 * 60)))
        assert ref.is_open(s) == cal.is_open(s)
        if ref.covers(e):
            assert ref.elapsed(s, e) == cal.elapsed(s, e)
        forward = ref.add(s, d)
        if forward is not None and ref.covers(forward):
            assert forward == utc(cal.add(s, d))
            compared += 1
        backward = ref.add(s, -d)
        if backward is not None and ref.covers(backward):
            assert backward == utc(cal.add(s, -d))
    assert compared > 0 or cal.weekly_open_time * 40 > LAST - FIRST


@pytest.mark.slow
def test_reference_agrees_on_thousands_of_office_cases() -> None:
    """A fixed office calendar with German holidays: 3,000 random adds and elapsed values agree."""
    rng = random.Random(20261122)
    cal = BusinessCalendar.from_dict(
        {
            "timezone": "Europe/Berlin",
            "hours": {d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
            "holidays": {"country": "DE", "subdiv": "BY"},
        }
    )
    ref = ReferenceCalendar(cal, date(2024, 6, 1), LAST)
    base = datetime(2025, 2, 1, tzinfo=UTC)
    for _ in range(3000):
        s = base + timedelta(seconds=rng.randrange(0, 600 * 86400))
        d = timedelta(seconds=rng.randrange(0, 400 * 3600))
        assert ref.add(s, d) == utc(cal.add(s, d))
        assert ref.add(s, -d) == utc(cal.add(s, -d))
        e = s + timedelta(seconds=rng.randrange(-90 * 86400, 90 * 86400))
        assert ref.elapsed(s, e) == cal.elapsed(s, e)


_REAL_1970 = (datetime(1970, 1, 1, tzinfo=UTC) - datetime(1, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


@given(
    offset=st.one_of(
        st.integers(-(2**32) * 10**6 - 10**7, 2**32 * 10**6 + 10**7),  # around the fast path's range
        st.integers(-(2**32) * 10**6 + 1, -(2**32) * 10**6 + 10**6),
        st.integers(2**32 * 10**6 - 10**6, 2**32 * 10**6 - 1),
    ),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]),
)
def test_from_real_fast_path_equals_the_reference(offset: int, zone: str) -> None:
    """Law: the float fast path of from_real is exact to the microsecond, fold and offset included."""
    real = _REAL_1970 + offset
    tz = ZoneInfo(zone)
    fast, slow = from_real(real, tz), from_real_reference(real, tz)
    assert (fast, fast.utcoffset(), fast.fold, fast.tzinfo) == (
        slow,
        slow.utcoffset(),
        slow.fold,
        slow.tzinfo,
    )
    assert fast.replace(tzinfo=None) == slow.replace(tzinfo=None)
