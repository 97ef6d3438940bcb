"""Bad input to the assignment engine: a clear error naming the problem, and no change of state."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from ticketcore import InvalidInput, InvalidTransition, Ticket
from ticketcore.assign import (
    Agent,
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    Dispatcher,
    Pool,
    PresenceChanged,
    Routing,
    RoutingChanged,
    Rule,
    TicketEscalated,
    TicketTransferred,
    choose,
)
from ticketcore.conditions import F
from ticketcore.events import AgentReply, TicketUpdated

from dispatch_helpers import T0, at, drive, new, status


def busy() -> Dispatcher:
    """A dispatcher with some state: tickets assigned, one waiting, one rotation moved."""
    routing = Routing(
        rules=[Rule(name="chat", when=F.channel == "chat", agent="a")],
        pools=[Pool(name="team", cap=1, backlog=True), Pool(name="t2", tier=2)],
        tiers={1: "team", 2: "t2"},
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b"), Agent(id="c", tier=2)])
    drive(d, [new("T1", 1), new("T2", 2), new("T3", 3), new("T4", 4, channel="chat")])
    return d


BAD_EVENTS: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    (
        "duplicate ticket id",
        lambda: new("T1", 5),
        InvalidTransition,
        "ticket.id: expected an id no other ticket has",
    ),
    (
        "unknown ticket",
        lambda: status("T9", "solved", 5),
        InvalidTransition,
        "ticket_id: expected a ticket the dispatcher knows",
    ),
    ("unknown ticket reply", lambda: AgentReply(ticket_id="T9", at=at(5)), InvalidTransition, "T9"),
    (
        "out of order",
        lambda: new("T5", 1),
        InvalidTransition,
        "at: expected a time at or after the last event's",
    ),
    (
        "unknown agent presence",
        lambda: PresenceChanged(agent_id="zed", at=at(5), presence="online"),
        InvalidTransition,
        "agent_id",
    ),
    ("unknown agent removed", lambda: AgentRemoved(agent_id="zed", at=at(5)), InvalidTransition, "zed"),
    (
        "unknown agent changed",
        lambda: AgentChanged(agent_id="zed", changes={"cap": 2}, at=at(5)),
        InvalidTransition,
        "agent_id",
    ),
    (
        "duplicate agent",
        lambda: AgentAdded(agent=Agent(id="a"), at=at(5)),
        InvalidTransition,
        "agent.id: expected an id no other agent has",
    ),
    (
        "transfer to unknown",
        lambda: TicketTransferred(ticket_id="T1", to_agent="zed", at=at(5)),
        InvalidTransition,
        "to_agent",
    ),
    (
        "escalate with no tier pool",
        lambda: TicketEscalated(ticket_id="T1", at=at(5), to_tier=3),
        InvalidTransition,
        "to_tier",
    ),
    (
        "assignee by update",
        lambda: TicketUpdated(ticket_id="T1", at=at(5), changes={"assignee": "b"}),
        InvalidInput,
        "changes.assignee",
    ),
    (
        "bad update",
        lambda: TicketUpdated(ticket_id="T1", at=at(5), changes={"tier": 9}),
        InvalidInput,
        "changes.tier",
    ),
    (
        "routing naming an unknown agent",
        lambda: RoutingChanged(at=at(5), routing=Routing(rules=[Rule(name="x", agent="bb")])),
        InvalidInput,
        "routing.rules[0].agent",
    ),
    ("not an event", lambda: "hello", InvalidInput, "event"),
]


@pytest.mark.parametrize(("name", "make", "error", "message"), BAD_EVENTS, ids=[b[0] for b in BAD_EVENTS])
def test_bad_event_raises_and_leaves_the_dispatcher_unchanged(
    name: str, make: Callable[[], object], error: type[Exception], message: str
) -> None:
    """ISSUE: unknown agent ids, duplicate ticket ids, events out of order: clear errors, state unchanged."""
    d = busy()
    before = d.to_dict()
    with pytest.raises(error, match=re.escape(message)):
        d.handle(make())
    assert d.to_dict() == before
    drive(d, [new("T6", 6)])  # still usable
    assert d.place("T6")[0] in ("assigned", "backlog")


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Pool(name="p", cap=0), "cap"),
        (lambda: Pool(name="p", cap=True), "cap"),
        (lambda: Agent(id="a", cap=0), "cap"),
        (lambda: Agent(id="a", weight=0), "weight"),
        (lambda: Agent(id="a", tier=5), "tier"),
        (lambda: Agent(id="a", presence="busy"), "presence"),
        (lambda: Agent(id=""), "id"),
        (lambda: Pool(name="p", agents=["a", "a"]), "agents"),
        (lambda: Pool(name="p", backlog_order="oldest"), "backlog_order"),
        (lambda: Rule(name="r", agent="a", pool="p"), "target"),
        (lambda: Rule(name="r"), "target"),
        (lambda: Rule(name="r", agent="a", on=["delete"]), "on"),
        (lambda: Routing(rules=[Rule(name="r", pool="nope")]), "rules[0].pool"),
        (lambda: Routing(pools=[Pool(name="p"), Pool(name="p")]), "pools[1].name"),
        (lambda: Routing(default_pool="x"), "default_pool"),
        (lambda: Routing(counted=["solved"]), "counted"),
        (lambda: Routing(tiers={5: "x"}), "tiers.5"),
    ],
)
def test_bad_configuration_names_the_field(make: Callable[[], object], field: str) -> None:
    """ISSUE: a cap below 1 and other bad values name the field, what was expected and the value."""
    with pytest.raises(InvalidInput) as info:
        make()
    assert info.value.field == field


@pytest.mark.parametrize(
    ("data", "field", "hint"),
    [
        ({"rules": [{"name": "r", "agnet": "a"}]}, "routing.rules[0].agnet", "did you mean 'agent'?"),
        (
            {"rules": [{"name": "r", "agent": "a", "when": {"field": "chanel", "eq": "chat"}}]},
            "routing.rules[0].when.field",
            "did you mean 'channel'?",
        ),
        ({"pools": [{"name": "p", "strategy": "round_robin"}]}, "routing.pools[0].strategy", ""),
        ({"pools": [{"name": "p", "cap": 0}]}, "routing.pools[0].cap", ""),
        (
            {"pools": [{"name": "p", "backlog_limt": 5}]},
            "routing.pools[0].backlog_limt",
            "did you mean 'backlog_limit'?",
        ),
        ({"pools": "p"}, "routing.pools", ""),
    ],
)
def test_a_typo_in_a_stored_rule_names_its_path(data: dict[str, Any], field: str, hint: str) -> None:
    """ISSUE: a rule dict with a typo gives an error naming its path (with a suggestion)."""
    with pytest.raises(InvalidInput) as info:
        Routing.from_dict(data)
    assert info.value.field == field
    assert hint in str(info.value)


def test_dispatcher_rejects_rules_naming_unknown_agents() -> None:
    """HAND: a rule naming an agent the dispatcher does not have is a typo, caught at once."""
    with pytest.raises(InvalidInput, match=r"routing.rules\[0\].agent.*did you mean 'anna'"):
        Dispatcher(Routing(rules=[Rule(name="r", agent="ana")]), [Agent(id="anna")])


def test_due_order_needs_sla_policies() -> None:
    """HAND: ordering a backlog by due time needs the SLA policies that define it."""
    with pytest.raises(InvalidInput, match="backlog_order"):
        Dispatcher(Routing(pools=[Pool(name="p", backlog=True, backlog_order="due")]), [])


def test_choose_rejects_loads_for_unknown_agents() -> None:
    """HAND: the pure function checks its loads."""
    routing = Routing(pools=[Pool(name="p")], default_pool="p")
    with pytest.raises(InvalidInput, match="loads"):
        choose(Ticket(id="T", created=T0), routing, [Agent(id="a")], {"b": 1})
    with pytest.raises(InvalidInput, match="loads"):
        choose(Ticket(id="T", created=T0), routing, [Agent(id="a")], {"a": -1})


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda s: s.update(version=3), "state.version"),
        (lambda s: s["tickets"][0].update(place="lost"), "state.tickets[0].place"),
        (lambda s: s["tickets"][0]["ticket"].update(created="yesterday"), "state.tickets[0].ticket.created"),
        (lambda s: s.pop("rotation"), "state.rotation"),
        (
            lambda s: s["rotation"]["pools"]["team"].update(assigned={"a": "x"}),
            "state.rotation.pools.team.assigned",
        ),
    ],
)
def test_corrupt_state_dict_names_the_field(mutate: Callable[[dict[str, Any]], object], field: str) -> None:
    """HAND: restoring from a damaged dict fails clearly instead of making wrong decisions."""
    state = json.loads(json.dumps(busy().to_dict()))
    mutate(state)
    with pytest.raises(InvalidInput) as info:
        Dispatcher.from_dict(state)
    assert info.value.field == field
