"""The SLA state machine's memo of ``F`` at the last instant (`_Machine._f`) changes no result.

The machine computes business time before an instant, ``F(t)``, at most once per instant:
a clock with the memo and one without it (`_f` made the plain ``basis.f(t)``) give the same
results, points and next deadline after every event, also when an event changes the
calendar (a new policy, the requester's zone) and the next event has the same instant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcore import Ticket
from ticketcore.events import AgentReply, StatusChanged, TicketCreated, TicketEvent, TicketUpdated
from ticketcore.sla import SLAClock
from ticketcore.sla._machine import _Machine

from sla_strategies import POLICIES, histories


@contextmanager
def no_memo() -> Iterator[None]:
    """Every ``F(t)`` computed afresh: the plain path."""
    memo = _Machine._f
    _Machine._f = lambda self, t: self.basis.f(t)  # type: ignore[method-assign]
    try:
        yield
    finally:
        _Machine._f = memo  # type: ignore[method-assign]


def readings(events: list[TicketEvent], now: datetime) -> list[object]:
    """What a clock says after each event: its result, due times, points and next deadline."""
    clock = SLAClock(POLICIES)
    out: list[object] = []
    for event in events:
        clock.handle(event)
        out.append(
            (clock.result(max(now, event.at)), clock.due_times(), clock._all_points(), clock.next_deadline())
        )
    return out


@settings(max_examples=60)
@given(history=histories(), data=st.data())
def test_the_f_memo_changes_nothing(history: tuple[list[TicketEvent], datetime], data: st.DataObject) -> None:
    events, now = history
    with_memo = readings(events, now)
    with no_memo():
        plain = readings(events, now)
    assert with_memo == plain


T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday


def test_a_calendar_change_then_an_event_at_the_same_instant() -> None:
    """The update computes ``F(t)`` on the old calendar (a priority restart), then the new
    policy's calendar replaces it; the reply at the same instant reads ``F(t)`` on the new one."""
    t = T0 + timedelta(hours=3)
    events: list[TicketEvent] = [
        TicketCreated(ticket=Ticket(id="T-1", created=T0, channel="email")),
        TicketUpdated(ticket_id="T-1", at=t, changes={"priority": "urgent", "department": "nights"}),
        AgentReply(ticket_id="T-1", at=t),
        StatusChanged(ticket_id="T-1", at=t + timedelta(hours=5), status="solved"),
    ]
    now = t + timedelta(days=3)
    with_memo = readings(events, now)
    with no_memo():
        plain = readings(events, now)
    assert with_memo == plain
