"""Hardening (issue 16): no half-applied event, wrong types refused by path, restored states checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest

from ticketcore import HorizonExceeded, InvalidInput, Priority, TicketcoreError
from ticketcore.assign import (
    Agent,
    AgentRemoved,
    Dispatcher,
    Pool,
    PoolChanged,
    Routing,
    RoutingChanged,
    TicketEscalated,
)
from ticketcore.events import TicketUpdated
from ticketcore.sla import BusinessCalendar, Metric, SLAPolicies, SLAPolicy, Target

from dispatch_helpers import at, drive, new, status

#: One hour a week: a ten-year goal for low priority cannot be placed within the horizon.
SPARSE = BusinessCalendar("UTC", {"mon": ["09:00-10:00"]})
POLICIES = SLAPolicies(
    [
        SLAPolicy(
            name="p",
            calendar=SPARSE,
            timezone_from="custom.tz",
            targets=[
                Target(
                    name="resolution",
                    metric=Metric.RESOLUTION,
                    goals={Priority.LOW: timedelta(days=3650), Priority.NORMAL: timedelta(hours=2)},
                )
            ],
        )
    ]
)


def due_dispatcher(order: str = "due") -> Dispatcher:
    """Agent a (cap 1) busy with T1; T2 waiting in a backlog ordered by ``order``; b in tier 2."""
    routing = Routing(
        pools=[
            Pool(name="team", agents=["a"], cap=1, backlog=True, backlog_order=order),
            Pool(name="t2", tier=2, agents=["b"], cap=1, backlog=True, backlog_order=order),
        ],
        tiers={1: "team", 2: "t2"},
        default_pool="team",
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")], sla=POLICIES)
    drive(d, [new("T1", 0), new("T2", 1), new("Tb", 1, tier=2)])
    return d


BAD_TZ = {"tz": "Mars/Olympus"}

FAILING: list[tuple[str, Callable[[], object]]] = [
    ("created, due beyond the horizon", lambda: new("T3", 2, priority="low")),
    ("created, bad requester zone", lambda: new("T3", 2, custom=BAD_TZ)),
    (
        "update of a waiting ticket",
        lambda: TicketUpdated(ticket_id="T2", at=at(2), changes={"custom": BAD_TZ}),
    ),
    (
        "update re-routing by a rule",
        lambda: TicketUpdated(ticket_id="T2", at=at(2), changes={"priority": "low"}),
    ),
    ("escalation to a full pool", lambda: TicketEscalated(ticket_id="T1", at=at(2))),
]


@pytest.mark.parametrize(("name", "make"), FAILING, ids=[f[0] for f in FAILING])
def test_a_due_time_that_cannot_be_computed_changes_nothing(name: str, make: Callable[[], object]) -> None:
    """I16.11: the event raises, to_dict() is unchanged, and the dispatcher keeps working."""
    d = due_dispatcher()
    if name == "escalation to a full pool":
        drive(d, [TicketUpdated(ticket_id="T1", at=at(1), changes={"priority": "low"})])  # assigned
    before = d.to_dict()
    with pytest.raises((HorizonExceeded, InvalidInput)):
        d.handle(make())
    assert d.to_dict() == before
    Dispatcher.from_dict(json.loads(json.dumps(before)), sla=POLICIES)
    drive(d, [status("T1", "solved", 3), new("T4", 3)])
    assert d.place("T2") == ("assigned", "a")
    assert d.place("T4") == ("backlog", "team")


def test_many_ticket_events_that_fail_change_nothing() -> None:
    """I16.11: removing an agent, or switching a pool to due order, undoes everything on failure."""
    d = due_dispatcher("created")
    drive(d, [TicketUpdated(ticket_id="T2", at=at(2), changes={"priority": "low"})])
    before = d.to_dict()
    with pytest.raises(TicketcoreError):
        d.handle(PoolChanged(at=at(3), pool="team", changes={"backlog_order": "due"}))
    assert d.to_dict() == before
    with pytest.raises(TicketcoreError):
        d.handle(RoutingChanged(at=at(3), routing=Routing.from_dict(due_dispatcher().to_dict()["routing"])))
    assert d.to_dict() == before
    e = due_dispatcher()
    drive(e, [TicketUpdated(ticket_id="T1", at=at(2), changes={"custom": BAD_TZ})])  # T1 is assigned
    before = e.to_dict()
    with pytest.raises(InvalidInput):
        e.handle(AgentRemoved(at=at(3), agent_id="a"))  # T1 would be re-queued
    assert e.to_dict() == before
    assert drive(e, [status("T1", "solved", 4)])[0].ticket_id == "T2"


def test_update_rules_still_re_key_a_waiting_ticket() -> None:
    """I16.11: a waiting ticket whose priority rises moves up its backlog (the re-key now comes last)."""
    d = due_dispatcher("priority")
    drive(d, [new("T3", 2), TicketUpdated(ticket_id="T3", at=at(3), changes={"priority": "urgent"})])
    assert d.backlog("team") == ("T3", "T2")
