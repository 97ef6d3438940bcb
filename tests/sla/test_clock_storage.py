"""An SLA clock stored as a dict and read back goes on exactly as the original; checkpoints restore it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import InvalidInput, Ticket
from ticketcore.events import AgentReply, TicketCreated, TicketEvent, TicketUpdated
from ticketcore.sla import SLAClock, SLAPolicies, SLAPolicy, Target, TargetState

from sla_strategies import POLICIES, histories


def utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


@given(history=histories(), data=st.data())
def test_a_stored_clock_goes_on_exactly_as_the_original(
    history: tuple[list[TicketEvent], datetime], data: st.DataObject
) -> None:
    """Law: cut the history anywhere, store and reload the clock, feed the rest: same alerts, same result."""
    events, now = history
    cut = data.draw(st.integers(1, len(events)))
    poll = data.draw(st.sampled_from([e.at for e in events[:cut]]))
    original = SLAClock(POLICIES)
    for event in events[:cut]:
        original.handle(event)
    original.advance(max(poll, events[cut - 1].at, key=utc))

    stored = json.loads(json.dumps(original.to_dict()))
    copy = SLAClock.from_dict(POLICIES, stored)

    assert stored == copy.to_dict()
    assert original.next_deadline() == copy.next_deadline()
    assert original.due_times() == copy.due_times()
    for event in events[cut:]:
        assert original.handle(event) == copy.handle(event)
    assert original.advance(now) == copy.advance(now)
    assert original.result(now) == copy.result(now)


@given(history=histories(), data=st.data())
def test_restoring_a_checkpoint_undoes_the_events_after_it(
    history: tuple[list[TicketEvent], datetime], data: st.DataObject
) -> None:
    """Law: checkpoint, feed more events and fire alerts, restore: the stored form is as at the checkpoint."""
    events, now = history
    cut = data.draw(st.integers(1, len(events)))
    clock = SLAClock(POLICIES)
    for event in events[:cut]:
        clock.handle(event)
    before = clock.to_dict()
    deadline = clock.next_deadline()
    checkpoint = clock.checkpoint()
    for event in events[cut:]:
        clock.handle(event)
    clock.advance(now)

    clock.restore(checkpoint)

    assert before == clock.to_dict()
    assert deadline == clock.next_deadline()


T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
SIMPLE = SLAPolicies(
    [
        SLAPolicy(
            name="std",
            targets=[
                Target(name="first_response", metric="first_response", goals=timedelta(hours=1)),
                Target(
                    name="resolution",
                    metric="resolution",
                    goals={"urgent": timedelta(hours=2), "normal": timedelta(hours=8)},
                ),
            ],
        )
    ]
)


def test_due_times_follow_each_target_and_end_when_it_stops() -> None:
    clock = SLAClock(SIMPLE)
    clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))

    assert {
        "first_response": T0 + timedelta(hours=1),
        "resolution": T0 + timedelta(hours=8),
    } == clock.due_times()

    clock.handle(TicketUpdated(ticket_id="T-1", at=T0 + timedelta(minutes=5), changes={"priority": "urgent"}))
    clock.handle(AgentReply(ticket_id="T-1", at=T0 + timedelta(minutes=10)))

    assert {"first_response": None, "resolution": T0 + timedelta(hours=2)} == clock.due_times()


def test_a_stored_clock_with_a_foreign_event_is_refused_by_path() -> None:
    clock = SLAClock(SIMPLE)
    clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
    form = clock.to_dict()
    form["events"].append({"type": "tick", "at": T0.isoformat()})

    with pytest.raises(InvalidInput) as e:
        SLAClock.from_dict(SIMPLE, form)

    assert e.value.field == "clock.events[1].type"


def test_a_checkpoint_from_the_future_is_refused() -> None:
    clock = SLAClock(SIMPLE)
    clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
    checkpoint = clock.checkpoint()
    other = SLAClock(SIMPLE)

    with pytest.raises(InvalidInput):
        other.restore(checkpoint)


@given(history=histories())
def test_due_times_agree_with_the_full_result_after_every_event(
    history: tuple[list[TicketEvent], datetime],
) -> None:
    """Law (guards the per-cycle cache): due_times() equals the due_at the full result reports
    for each target's running, breached or paused cycle, and None otherwise."""
    events, _ = history
    clock = SLAClock(POLICIES)
    live = (TargetState.RUNNING, TargetState.BREACHED, TargetState.PAUSED)
    for event in events:
        clock.handle(event)
        clock.next_deadline()  # as a host does: the cache must survive it
        result = clock.result(event.at)
        expected = {
            t.name: t.current.due_at if t.current is not None and t.current.state in live else None
            for t in result.targets
        }
        assert expected == clock.due_times()


def test_check_refuses_what_handle_would_and_changes_nothing() -> None:
    clock = SLAClock(SIMPLE)
    clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
    before = clock.to_dict()

    with pytest.raises(InvalidInput):
        clock.check(AgentReply(ticket_id="T-1", at=T0 - timedelta(minutes=1)))
    with pytest.raises(InvalidInput):
        clock.check(AgentReply(ticket_id="T-2", at=T0 + timedelta(minutes=1)))
    clock.check(AgentReply(ticket_id="T-1", at=T0 + timedelta(minutes=1)))

    assert before == clock.to_dict()
