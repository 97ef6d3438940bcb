"""Every event has a tagged dict form that reads back to an equal event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from ticketcore import InvalidInput, Priority, Ticket
from ticketcore.assign import (
    Agent,
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    LeastLoaded,
    Pool,
    PoolChanged,
    PresenceChanged,
    Routing,
    RoutingChanged,
    Tick,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.desk import EVENT_TYPES, event_from_dict, event_to_dict
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)
from ticketcore.sla import BusinessCalendar

from dispatch_helpers import Mine

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
CALENDAR = BusinessCalendar.from_dict({"timezone": "Europe/Berlin", "hours": {"mon": ["09:00-17:00"]}})
TICKET = Ticket(id="T-1", created=AT, channel="chat", tags={"vip"}, custom={"plan": "gold", "seats": 3})

EXAMPLES: list[object] = [
    TicketCreated(ticket=TICKET),
    TicketCreated(ticket=TICKET, by_agent=True),
    TicketUpdated(
        ticket_id="T-1",
        at=AT,
        changes={"priority": Priority.URGENT, "tags": {"a", "b"}, "custom": {"x": 1.5}},
    ),
    StatusChanged(ticket_id="T-1", at=AT, status="pending"),
    CustomerMessage(ticket_id="T-1", at=AT),
    AgentReply(ticket_id="T-1", at=AT, public=False, agent_id="ana"),
    DueDateSet(ticket_id="T-1", at=AT, target="resolution", due=AT + timedelta(days=1)),
    AgentAdded(at=AT, agent=Agent(id="ana", skills={"billing"}, cap=3)),
    AgentRemoved(at=AT, agent_id="ana"),
    AgentChanged(at=AT, agent_id="ana", changes={"cap": 4, "skills": {"billing"}}),
    AgentChanged(at=AT, agent_id="ana", changes={"cap": None, "shift": CALENDAR}, event_id="evt-9"),
    PoolChanged(at=AT, pool="team", changes={"cap": 3, "strategy": LeastLoaded()}),
    StatusChanged(ticket_id="T-1", at=AT, status="solved", by="ana", event_id="evt-1"),
    PresenceChanged(at=AT, agent_id="ana", presence="away"),
    TicketTransferred(at=AT, ticket_id="T-1", to_agent="ben", by="lead"),
    TicketEscalated(at=AT, ticket_id="T-1", to_tier=3, reason="angry customer"),
    Tick(at=AT),
    RoutingChanged(at=AT, routing=Routing(pools=[Pool(name="team", cap=2)], default_pool="team")),
]


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_an_event_round_trips_through_json(event: object) -> None:
    form = event_to_dict(event)

    assert event == event_from_dict(json.loads(json.dumps(form)))
    assert form["type"] in EVENT_TYPES


def test_every_event_type_has_an_example() -> None:
    assert set(EVENT_TYPES) == {event_to_dict(e)["type"] for e in EXAMPLES}


def test_an_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="did you mean 'status_changed'") as e:
        event_from_dict({"type": "status_change", "ticket_id": "T-1"})

    assert e.value.field == "event.type"


def test_a_bad_field_names_its_path() -> None:
    with pytest.raises(InvalidInput) as e:
        event_from_dict({"type": "status_changed", "ticket_id": "T-1", "at": "yesterday", "status": "open"})

    assert e.value.field == "event.at"


def test_a_missing_field_names_its_path() -> None:
    with pytest.raises(InvalidInput) as e:
        event_from_dict({"type": "status_changed", "ticket_id": "T-1", "at": AT.isoformat()})

    assert e.value.field == "event.status"


def test_something_that_is_not_an_event_is_refused() -> None:
    with pytest.raises(InvalidInput):
        event_to_dict({"type": "tick"})


def test_an_event_naming_a_strategy_of_your_own_reads_back_given_it_by_name() -> None:
    """`PoolChanged` and `RoutingChanged` name their pools' strategies; ``strategies=`` reads them."""
    mine = {"mine": Mine()}
    events = [
        PoolChanged(at=AT, pool="team", changes={"strategy": Mine()}),
        RoutingChanged(
            at=AT, routing=Routing(pools=[Pool(name="team", strategy=Mine())], default_pool="team")
        ),
    ]
    for event in events:
        form = json.loads(json.dumps(event_to_dict(event)))
        assert event == event_from_dict(form, strategies=mine)
        with pytest.raises(InvalidInput, match="strategies=") as caught:
            event_from_dict(form)
        assert caught.value.field.endswith("strategy")


def test_the_strategies_given_to_the_event_reader_are_checked_whatever_the_event() -> None:
    form = event_to_dict(CustomerMessage(ticket_id="T-1", at=AT))
    with pytest.raises(InvalidInput) as caught:
        event_from_dict(form, strategies={"sequential": LeastLoaded()})
    assert caught.value.field == "strategies['sequential']"
    with pytest.raises(InvalidInput):
        event_from_dict(form, strategies=cast("Any", ["mine"]))
