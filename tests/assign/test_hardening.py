"""Hardening (issue 16): no half-applied event, wrong types refused by path, restored states checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

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
from ticketcore.events import AgentReply, TicketUpdated
from ticketcore.sla import BusinessCalendar, Metric, SLAPolicies, SLAPolicy, Target

from dispatch_helpers import at, drive, new, status

#: One hour a week: a ten-year goal for low priority cannot be placed within the horizon.
SPARSE = BusinessCalendar(timezone="UTC", hours={"mon": ["09:00-10:00"]})
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


def test_an_escalation_nobody_can_take_stores_the_new_pool() -> None:
    """I16.13: the ticket left unassigned after an escalation names the tier 2 pool, like the decision."""
    routing = Routing(
        pools=[Pool(name="team", agents=["a"]), Pool(name="t2", tier=2, agents=["b"])],
        tiers={1: "team", 2: "t2"},
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b", tier=2, presence="offline")])
    drive(d, [new("T1", 0)])
    _, left = d.handle(TicketEscalated(ticket_id="T1", at=at(1)))
    assert left.to_dict()["explanation"]["pool"] == "t2"
    assert d.to_dict()["tickets"][0]["pool"] == "t2"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"pools": [{"name": "p"}], "tiers": (("1", "p"),)}, "routing.tiers"),
        ({"rules": [{"name": "r", "agent": "a", "on": {"create"}}]}, "routing.rules[0].on"),
        (
            {"rules": [{"name": "r", "when": {"field": "tags", "has": {"x"}}, "agent": "a"}]},
            "routing.rules[0].when.has",
        ),
        ({"pools": [{"name": "p", "agents": {"a": 1}}]}, "routing.pools[0].agents"),
        ({"pools": [{"name": "p", "skills": "billing"}]}, "routing.pools[0].skills"),
        ({"pools": [{"name": "p", "backlog": "false"}]}, "routing.pools[0].backlog"),
        ({"pools": [{"name": "p", "check_shift": 0}]}, "routing.pools[0].check_shift"),
        (
            {"rules": [{"name": "r", "agent": "a", "respect_availability": "yes"}]},
            "routing.rules[0].respect_availability",
        ),
        ({"return_on_offline": None}, "routing.return_on_offline"),
        ({"rules": "r"}, "routing.rules"),
    ],
)
def test_wrong_types_in_a_routing_form_name_their_path(data: dict[str, object], field: str) -> None:
    """I16.12: tuples, sets, dicts for lists and text for booleans are refused, naming the path."""
    with pytest.raises(InvalidInput) as info:
        Routing.from_dict(data)
    assert info.value.field == field


def test_booleans_accept_only_true_or_false() -> None:
    """I16.12: Pool(backlog="false") no longer turns the backlog on; events' booleans too."""
    with pytest.raises(InvalidInput, match="backlog"):
        Pool(name="p", backlog="false")  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(InvalidInput, match="public"):
        AgentReply(ticket_id="T1", at=at(0), public="no")  # type: ignore[arg-type]  # the wrong type on purpose


def test_deep_nesting_is_refused_by_path() -> None:
    """I16.12: a form nested thousands deep fails clearly, not with RecursionError."""
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InvalidInput) as info:
        Routing.from_dict({"escalation_tags": deep})
    assert info.value.field.startswith("routing.escalation_tags")
    state = due_dispatcher().to_dict()
    state["tickets"][0]["ticket"]["custom"] = {"deep": deep}
    with pytest.raises(InvalidInput):
        Dispatcher.from_dict(state, sla=POLICIES)


def _state() -> dict[str, object]:
    state: dict[str, object] = json.loads(json.dumps(due_dispatcher().to_dict()))
    return state


STATES: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    ("ticket pool a list", lambda s: s["tickets"][1].update(pool=["team"]), "state.tickets[1].pool"),
    ("agents a dict", lambda s: s.update(agents={"a": {}}), "state.agents"),
    (
        "assigned marked as waiting",
        lambda s: s["tickets"][0].update(place="backlog", pool="team"),
        "state.tickets[0].ticket.assignee",
    ),
    (
        "waiting in a pool without a backlog",
        lambda s: s["routing"]["pools"][0].pop("backlog"),
        "state.tickets[1].pool",
    ),
    (
        "created after the clock",
        lambda s: (
            s.update(now=s["tickets"][1]["ticket"]["created"]),
            s["tickets"][2]["ticket"].update(created="2026-03-02T10:00:00+00:00"),
        ),
        "state.tickets[2].ticket.created",
    ),
    (
        "a ticket twice",
        lambda s: (s["tickets"].append(s["tickets"][0]), s.update(arrivals=4)),
        "state.tickets[3].ticket.id",
    ),
    ("answered as text", lambda s: s["tickets"][0].update(answered="false"), "state.tickets[0].answered"),
    (
        "unassigned without a reason",
        lambda s: s["tickets"][1].update(place="unassigned"),
        "state.tickets[1].reason",
    ),
    ("rotation as a tuple", lambda s: s.update(rotation=("pools",)), "state.rotation"),
]


@pytest.mark.parametrize(("name", "mutate", "field"), STATES, ids=[x[0] for x in STATES])
def test_a_restored_state_is_checked_against_its_invariants(
    name: str, mutate: Callable[[dict[str, Any]], object], field: str
) -> None:
    """I16.12: a damaged state fails with a named error instead of loading a wrong dispatcher."""
    state = _state()
    mutate(state)
    with pytest.raises(InvalidInput) as info:
        Dispatcher.from_dict(state, sla=POLICIES)
    assert info.value.field == field
