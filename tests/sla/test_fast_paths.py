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

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcore.events import TicketEvent
from ticketcore.sla import BusinessCalendar, SLAClock, SLASummary, TargetState, TargetSummary, attainment

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


@pytest.mark.slow
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


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(history=histories(), data=st.data())
def test_incremental_points_equal_points_from_scratch(
    history: tuple[list[TicketEvent], datetime], data: st.DataObject
) -> None:
    """Law: after every event (and every firing), the clock's points and next deadline, kept
    incrementally, equal those of a clock that folds the same history afresh."""
    events, _ = history
    clock = SLAClock(POLICIES)
    for i, event in enumerate(events):
        clock.handle(event)
        if i + 1 < len(events) and data.draw(st.booleans()):
            # Fire what fell due before the next event: the fired set changes.
            gap = events[i + 1].at - event.at
            clock.advance(event.at + gap * data.draw(st.floats(0, 1)))
        incremental = clock._next_real()
        deadline = clock.next_deadline()
        # The reference: a new clock folds the stored history (no memo survives), and its
        # next deadline is the plain minimum over every pending point.
        fresh = SLAClock.from_dict(POLICIES, clock.to_dict())
        assert clock._all_points() == fresh._all_points()
        assert clock._pending() == fresh._pending()
        pending = fresh._pending()
        assert incremental == (min(p[0] for p in pending) if pending else None)
        again = fresh.next_deadline()
        assert deadline == again
        assert (deadline is None) or (
            again is not None and (deadline.tzinfo, deadline.fold) == (again.tzinfo, again.fold)
        )
        # The points due by an instant: looked for only in the tracks whose earliest pending
        # point is that early, they are the plain filter of every pending point.
        upto = (event.at - _EPOCH) // US + data.draw(st.integers(-1, 3 * 24 * 3600 * 10**6))
        for reported in (False, True):
            plain = sorted((p for p in pending if (p[1] if reported else p[0]) <= upto), key=lambda p: p[1])
            assert clock._select(upto, reported=reported) == plain
        # And the cycles' points from scratch within the same clock.
        kept = clock._all_points()
        for track in clock._machine.tracks:
            track.soon = None
            for cycle in track.cycles:
                cycle.points = None
        clock._soon = -1
        assert kept == clock._all_points()
        assert clock._next_real() == incremental


def _summary_from_result(clock: SLAClock, now: datetime) -> SLASummary:
    """The slow reference: read `SLAClock.summary`'s figures off the full result."""
    result = clock.result(now)
    targets = []
    for target in result.targets:
        counts = [0, 0, 0]
        for cycle in target.cycles:
            if cycle.state is TargetState.ACHIEVED:
                counts[0] += 1
            elif cycle.state is TargetState.ACHIEVED_LATE:
                counts[1] += 1
            elif cycle.breached and cycle.state is not TargetState.CANCELLED:
                counts[2] += 1
        breached = any(c.breached and c.state is not TargetState.CANCELLED for c in target.cycles)
        targets.append(
            TargetSummary(
                name=target.name,
                state=target.state,
                achieved=counts[0],
                late=counts[1],
                open_breached=counts[2],
                breached=breached,
            )
        )
    return SLASummary(
        ticket_id=result.ticket_id,
        policy=result.policy,
        fingerprint=result.fingerprint,
        targets=tuple(targets),
    )


@pytest.mark.slow
@given(history=histories(), data=st.data())
def test_summary_equals_what_the_result_says(
    history: tuple[list[TicketEvent], datetime], data: st.DataObject
) -> None:
    """Law: summary(now) == the states and counts read off result(now), after every event."""
    events, now = history
    clock = SLAClock(POLICIES)
    for event in events:
        clock.handle(event)
        later = event.at + timedelta(minutes=data.draw(st.integers(0, 3 * 24 * 60)))
        for at in (event.at, later):
            assert clock.summary(at) == _summary_from_result(clock, at)
    assert clock.summary(now) == _summary_from_result(clock, now)
    # attainment agrees with the counts, row by row
    rows = {
        (a.policy, a.target): (a.achieved, a.late, a.open_breached) for a in attainment([clock.result(now)])
    }
    summary = clock.summary(now)
    assert {(summary.policy, t.name): (t.achieved, t.late, t.open_breached) for t in summary.targets} == (
        rows if summary.policy is not None else {}
    )
