"""The tracker's lean fold (issue 19): its shortcuts give what the plain path gives.

`BacklogTracker.check` remembers the creation it accepted, and the `handle` that follows
reuses its group and timestamp; ticket events take the order and seal checks in one
step; a solve without transfers or escalations writes no zero entries. None of these may
change a report or let through what the plain path refuses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ticketcore import InvalidTransition, Ticket
from ticketcore.assign import TicketTransferred
from ticketcore.backlog import BacklogOptions, BacklogTracker
from ticketcore.events import StatusChanged, TicketCreated

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)
DAY = timedelta(days=1)


def created(tid: str, at: datetime = T0, channel: str = "chat") -> TicketCreated:
    return TicketCreated(ticket=Ticket(id=tid, created=at, channel=channel))


def test_check_then_handle_reports_as_handle_alone() -> None:
    checked = BacklogTracker(BacklogOptions(by="channel"))
    plain = BacklogTracker(BacklogOptions(by="channel"))
    for i, channel in enumerate(["chat", "email", "chat"]):
        event = created(f"T{i}", T0 + i * H, channel)
        checked.check(event)
        checked.handle(event)
        plain.handle(event)
        solve = StatusChanged(ticket_id=f"T{i}", at=T0 + (i + 2) * H, status="solved")
        checked.handle(solve)
        plain.handle(solve)
    assert checked.report() == plain.report()


def test_a_checked_creation_is_not_reused_for_another_ticket() -> None:
    tracker = BacklogTracker(BacklogOptions(by="channel"))
    tracker.check(created("A", channel="chat"))
    tracker.handle(created("B", channel="email"))
    groups = {r.group for r in tracker.report().rows if r.created}
    assert groups == {(), (("channel", "email"),)}


def test_a_seal_between_check_and_handle_still_refuses_the_creation() -> None:
    tracker = BacklogTracker()
    tracker.handle(created("A", T0 + 2 * DAY))
    event = created("B", T0)
    tracker.check(event)  # accepted: nothing sealed yet
    tracker.seal(T0 + DAY)
    with pytest.raises(InvalidTransition) as info:
        tracker.handle(event)
    assert info.value.field == "ticket.created"
    assert len(tracker) == 1


def test_ticket_events_keep_the_order_and_seal_checks() -> None:
    tracker = BacklogTracker()
    tracker.handle(created("A"))
    tracker.handle(StatusChanged(ticket_id="A", at=T0 + H, status="open"))
    tracker.handle(StatusChanged(ticket_id="A", at=T0 + H, status="pending"))  # the same instant: fine
    with pytest.raises(InvalidTransition) as info:
        tracker.handle(StatusChanged(ticket_id="A", at=T0, status="solved"))
    assert info.value.field == "at"
    tracker.handle(created("B", T0 + 3 * DAY))
    tracker.seal(T0 + 2 * DAY)
    with pytest.raises(InvalidTransition) as info:
        tracker.handle(StatusChanged(ticket_id="A", at=T0 + DAY, status="solved"))
    assert info.value.field == "at"
    with pytest.raises(InvalidTransition) as info:
        tracker.handle(StatusChanged(ticket_id="Z", at=T0 + 3 * DAY, status="solved"))
    assert info.value.field == "ticket_id"


def test_transfers_per_ticket_with_and_without_transfers() -> None:
    tracker = BacklogTracker()
    tracker.handle(created("A"))
    tracker.handle(created("B"))
    tracker.handle(StatusChanged(ticket_id="A", at=T0 + H, status="solved"))
    week = tracker.report().rows[0]
    assert (week.transfers_per_ticket, week.escalations_per_ticket) == (0.0, 0.0)
    tracker.handle(TicketTransferred(ticket_id="B", at=T0 + H, to_agent="x"))
    tracker.handle(StatusChanged(ticket_id="B", at=T0 + 2 * H, status="solved"))
    week = tracker.report().rows[0]
    assert (week.transfers_per_ticket, week.escalations_per_ticket) == (0.5, 0.0)
