"""Issue 19: every fast path beside its slow, obviously-correct reference.

- `Engine.f` (inlined for built years) against `Engine.f_reference` (locate, then walk);
- `Engine.inverse`/`inverse_all` (invert F from a known value) against `Engine.forward`;
- `BusinessCalendar.add`/`elapsed`'s one-frame path against the general path (naive,
  out-of-range and non-positive inputs take it) on the same instants;
- an `SLAClock`'s points, kept incrementally (a stop or a pause filters a cycle's points
  instead of computing them again; thresholds memoised per target), against the points
  computed from scratch for the same state, after every event of random histories.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcore.events import TicketEvent
from ticketcore.sla import BusinessCalendar, SLAClock

from sla_strategies import POLICIES, histories
from strategies import calendars, durations, instants

US = timedelta(microseconds=1)
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def _bounded(cal: BusinessCalendar, d: timedelta) -> timedelta:
    """Keep a duration within about forty regular weeks of the calendar's open time."""
    cap = cal.weekly_open_time * 40
    return d % cap if cap and d > cap else d


class _Sub(datetime):
    """A datetime subclass: the calendar's one-frame path is for exact datetimes only."""

    @classmethod
    def of(cls, dt: datetime) -> _Sub:
        return cls(
            dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond, dt.tzinfo, fold=dt.fold
        )


@settings(max_examples=60)
@given(cal=calendars(), data=st.data())
def test_inlined_f_equals_the_reference(cal: BusinessCalendar, data: st.DataObject) -> None:
    """Law: Engine.f == Engine.f_reference at any instant (built year or not)."""
    engine = cal._engine
    for _ in range(20):
        real = (utc(data.draw(instants(cal.timezone))) - _EPOCH) // US
        assert engine.f(real) == engine.f_reference(real)


@settings(max_examples=60)
@given(cal=calendars(), data=st.data())
def test_inverse_equals_forward(cal: BusinessCalendar, data: st.DataObject) -> None:
    """Law: inverse(F(s) + a, s) == forward(s, a) for a > 0, and inverse_all agrees with each."""
    engine = cal._engine
    s = (utc(data.draw(instants(cal.timezone))) - _EPOCH) // US
    amounts = [
        max(_bounded(cal, data.draw(durations())) // US, 1) for _ in range(data.draw(st.integers(1, 4)))
    ]
    limit = s + cal.horizon // US
    try:
        expected = [engine.forward(s, a, limit) for a in amounts]
    except Exception as e:  # the horizon: both raise the same
        try:
            engine.inverse_all([engine.f(s) + a for a in amounts], s, limit)
        except type(e):
            return
        raise
    f_s = engine.f(s)
    assert [engine.inverse(f_s + a, s, limit) for a in amounts] == expected
    assert engine.inverse_all([f_s + a for a in amounts], s, limit) == expected


@settings(max_examples=60)
@given(cal=calendars(), data=st.data())
def test_one_frame_calendar_path_equals_the_general_path(cal: BusinessCalendar, data: st.DataObject) -> None:
    """Law: add and elapsed give what the general path gives (reached with a datetime subclass)."""
    s = data.draw(instants(cal.timezone))
    e = data.draw(instants(cal.timezone))
    d = _bounded(cal, data.draw(durations())) + US
    general_s, general_e = _Sub.of(s), _Sub.of(e)
    assert cal.elapsed(s, e) == cal.elapsed(general_s, general_e)
    try:
        fast = cal.add(s, d)
    except Exception as err:
        try:
            cal.add(general_s, d)
        except type(err):
            return
        raise
    slow = cal.add(general_s, d)
    assert (fast, fast.tzinfo, fast.fold) == (slow, slow.tzinfo, slow.fold)


@settings(max_examples=150, deadline=None)
@given(history=histories())
def test_incremental_points_equal_points_from_scratch(history: tuple[list[TicketEvent], datetime]) -> None:
    """Law: after every event, the clock's points equal those computed afresh for its state."""
    events, _ = history
    clock = SLAClock(POLICIES)
    for event in events:
        clock.handle(event)
        kept = clock._all_points()
        for track in clock._machine.tracks:
            for cycle in track.cycles:
                cycle.points = None  # drop every memo: compute each cycle's points from scratch
        clock._points = clock._open = clock._next = None
        assert kept == clock._all_points()
        clock._points = clock._open = None
        assert clock._next_real() == (min(p[0] for p in clock._pending()) if clock._pending() else None)
