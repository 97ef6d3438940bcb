"""Durations are exact to the microsecond over the whole supported range of instants.

The report reads calendar time from POSIX float timestamps while they are exact (until
2106) and from real instants after; each law compares a reported duration with the exact
difference of the two instants, computed in UTC (where Python's subtraction is elapsed
time, never wall-clock time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from ticketcore import Ticket
from ticketcore.backlog import BacklogTracker, backlog_report
from ticketcore.events import StatusChanged, TicketCreated

ZONES = st.sampled_from([UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")])
# From 1900 to a week before 3000, so that the solve stays in the supported range.
CREATED = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 20))
TOOK = st.integers(0, 5 * 86_400_000_000)


def exact(start: datetime, end: datetime) -> timedelta:
    return end.astimezone(UTC) - start.astimezone(UTC)


@given(CREATED, TOOK, ZONES)
def test_a_solve_reports_its_exact_duration(created: datetime, took: int, zone: ZoneInfo) -> None:
    start = created.replace(tzinfo=UTC).astimezone(zone)
    end = (start.astimezone(UTC) + timedelta(microseconds=took)).astimezone(zone)
    rows = backlog_report([{"id": "A", "created": start, "solved": end}]).rows
    assert [r.resolution_median for r in rows if r.solved] == [exact(start, end)]


@given(CREATED, TOOK, TOOK)
def test_a_reopened_ticket_reports_each_duration_exactly(created: datetime, a: int, b: int) -> None:
    start = created.replace(tzinfo=UTC)
    first = start + timedelta(microseconds=a)
    second = first + timedelta(microseconds=b)
    report = backlog_report([{"id": "A", "created": start, "solved": [first, second], "reopened": [first]}])
    durations = [r.resolution_median for r in report.rows if r.solved]
    # Each week's median: one duration per week, or the lower of two in one week.
    assert set(durations) <= {exact(start, first), exact(start, second)}
    assert exact(start, first) in durations


@given(CREATED, TOOK)
def test_the_tracker_reports_the_exact_duration(created: datetime, took: int) -> None:
    start = created.replace(tzinfo=UTC)
    end = start + timedelta(microseconds=took)
    tracker = BacklogTracker()
    tracker.handle(TicketCreated(ticket=Ticket(id="A", created=start)))
    tracker.handle(StatusChanged(ticket_id="A", at=end, status="solved"))
    assert [r.resolution_median for r in tracker.report().rows if r.solved] == [exact(start, end)]


def test_seven_microseconds_in_2900_are_seven() -> None:
    """The case that failed while durations came from float timestamps only (it read 8)."""
    start = datetime(2900, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
    rows = backlog_report([{"id": "A", "created": start, "solved": start + timedelta(microseconds=7)}]).rows
    assert [r.resolution_median for r in rows] == [timedelta(microseconds=7)]
