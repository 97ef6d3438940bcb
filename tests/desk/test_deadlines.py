"""The desk's heap of deadlines stays within twice the open tickets, and deciding does not change.

The heap is a speed trick (stale entries stay until they reach the top or the heap is
rebuilt): a desk whose heap is rebuilt at every push decides as one that never rebuilds it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import Ticket
from ticketcore.desk import Desk, DeskConfig
from ticketcore.events import AgentReply, CustomerMessage, TicketCreated, TicketEvent

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def config() -> DeskConfig:
    return DeskConfig.from_dict(
        {
            "routing": {"pools": [{"name": "team", "cap": 2, "backlog": True}], "default_pool": "team"},
            "agents": [{"id": "ana"}, {"id": "ben"}],
            "sla": {
                "policies": [
                    {
                        "name": "std",
                        "targets": [
                            {"name": "next_response", "metric": "next_response", "goals": {"all": "4h"}},
                            {
                                "name": "resolution",
                                "metric": "resolution",
                                "goals": {"all": "30h"},
                                "ladder": [{"at": 0.5, "action": {"notify": "lead"}}],
                            },
                        ],
                    }
                ]
            },
        }
    )


def events(tickets: int, rounds: int) -> list[TicketEvent]:
    """Each round, every ticket's next-response deadline moves (a message, then a reply)."""
    out: list[TicketEvent] = [TicketCreated(ticket=Ticket(id=f"T-{i}", created=T0)) for i in range(tickets)]
    at = T0
    for r in range(rounds):
        for i in range(tickets):
            at += MINUTE
            kind = CustomerMessage if r % 2 == 0 else AgentReply
            out.append(kind(ticket_id=f"T-{i}", at=at))
    return out


def test_moved_deadlines_do_not_pile_up_in_the_heap() -> None:
    desk = Desk(config())
    for event in events(3, 200):  # 600 moves of 3 deadlines, none of them due
        desk.handle(event)

    assert len(desk._heap) <= 2 * len(desk.tickets()) + 64


def test_a_desk_with_a_rebuilt_heap_fires_as_one_with_a_fresh_heap() -> None:
    desk = Desk(config())
    for event in events(5, 60):
        desk.handle(event)
    fresh = Desk.from_dict(desk.config, desk.to_dict())  # its heap holds only live entries
    later = T0 + timedelta(hours=40)

    assert desk.next_deadline() == fresh.next_deadline()
    assert desk.advance(later).to_dict() == fresh.advance(later).to_dict()
    assert desk.to_dict() == fresh.to_dict()


@contextmanager
def slack(value: int) -> Iterator[None]:
    """Run with the heap's slack set to ``value`` (negative: the heap is rebuilt at every push)."""
    module = sys.modules[Desk._arm.__module__]
    saved = module._SLACK
    module._SLACK = value  # type: ignore[attr-defined]
    try:
        yield
    finally:
        module._SLACK = saved  # type: ignore[attr-defined]


def live(desk: Desk) -> set[tuple[str, int]]:
    """The heap's entries that are their ticket's deadline now, as ``(ticket, deadline)``."""
    return {(tid, at) for at, _, tid in desk._heap if desk._scheduled.get(tid) == at}


STEPS = st.lists(
    st.tuples(st.sampled_from(["message", "reply", "advance"]), st.integers(0, 3), st.integers(0, 300)),
    max_size=40,
)


@pytest.mark.slow
@given(STEPS)
def test_rebuilding_the_heap_at_every_push_decides_as_never_rebuilding(
    steps: list[tuple[str, int, int]],
) -> None:
    """Law: the rebuild drops only stale entries: a desk whose heap is rebuilt at every push
    and one whose heap is never rebuilt give the same outcomes, and every deadline stays in it."""
    always, never = Desk(config()), Desk(config())
    at = T0
    calls: list[TicketEvent | datetime] = [
        TicketCreated(ticket=Ticket(id=f"T-{i}", created=T0)) for i in range(4)
    ]
    for kind, i, minutes in steps:
        at += minutes * MINUTE
        if kind == "advance":
            calls.append(at)
        else:
            calls.append((CustomerMessage if kind == "message" else AgentReply)(ticket_id=f"T-{i}", at=at))
    calls.append(at + timedelta(days=30))
    for call in calls:
        outs = []
        for desk, value in ((always, -(10**9)), (never, 10**9)):
            with slack(value):
                outs.append(desk.advance(call) if isinstance(call, datetime) else desk.handle(call))
        assert outs[0].to_dict() == outs[1].to_dict()
        assert always.next_deadline() == never.next_deadline()
        assert live(always) == set(always._scheduled.items()) == set(never._scheduled.items()) == live(never)
