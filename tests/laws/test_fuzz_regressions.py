"""Inputs the mutation fuzz (tests/laws/test_fuzz_forms.py) found: each is refused with a named error now."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from ticketcore import InvalidInput, Ticket
from ticketcore.assign import (
    AgentChanged,
    Pool,
    PoolChanged,
    Routing,
    Rule,
    Sequential,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.desk import Desk, DeskConfig, Vocabulary, event_from_dict, event_to_dict
from ticketcore.events import AgentReply, TicketCreated, TicketUpdated
from ticketcore.sla import SLAClock, SLAPolicies, Target

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
POLICIES = SLAPolicies.from_dict(
    {
        "policies": [
            {
                "name": "std",
                "targets": [{"name": "resolution", "metric": "resolution", "goals": {"all": "1h"}}],
            }
        ]
    }
)
CREATED = {
    "type": "ticket_created",
    "ticket": {"id": "T-1", "created": "2026-03-02T09:00:00+00:00"},
    "by_agent": False,
}


@pytest.mark.parametrize(
    ("state", "field"),
    [
        ({"events": [{**CREATED, "type": ["ticket_created"]}]}, "clock.events[0].type"),
        ({"events": [CREATED], "fired": [[["std"], "resolution", 0, "breach", None]]}, "clock.fired[0]"),
        ({"events": [CREATED], "fired": [["std", "resolution", 0.5, "breach", None]]}, "clock.fired[0]"),
        (
            {"events": [CREATED], "breached": [["std", "resolution", None, "breach", None]]},
            "clock.breached[0]",
        ),
        ({"events": [CREATED], "breached": [["std", "resolution", 0, "level", 0]]}, "clock.breached[0]"),
    ],
)
def test_a_stored_clock_with_a_malformed_alert_key_or_tag_is_refused_by_path(
    state: dict[str, Any], field: str
) -> None:
    """Was a TypeError (unhashable list) or an AssertionError at the next event."""
    with pytest.raises(InvalidInput) as e:
        SLAClock.from_dict(POLICIES, state)
    assert field == e.value.field


def test_a_stored_clock_with_well_formed_keys_still_loads() -> None:
    state = {"events": [CREATED], "fired": [["std", "resolution", 0, "breach", None]]}
    state["breached"] = state["fired"]
    assert state == SLAClock.from_dict(POLICIES, state).to_dict()


@pytest.mark.parametrize("agent_id", [b"bytes", float("nan"), 3, "", " ", ["ana"]])
def test_an_agent_reply_by_anything_but_an_agent_id_is_refused(agent_id: object) -> None:
    """Was accepted, and its dict form was not JSON (bytes, NaN)."""
    with pytest.raises(InvalidInput) as e:
        AgentReply(ticket_id="T-1", at=T0, agent_id=agent_id)  # type: ignore[arg-type]  # the wrong type on purpose
    assert "agent_id" == e.value.field
    assert AgentReply(ticket_id="T-1", at=T0, agent_id=None).agent_id is None


@pytest.mark.parametrize("value", [set(), float("nan"), b"x", 3, ""])
def test_a_transfer_by_or_an_escalation_reason_that_is_no_name_is_refused(value: object) -> None:
    """Were accepted, and their dict forms were not JSON or did not read back equal."""
    with pytest.raises(InvalidInput) as e:
        TicketTransferred(at=T0, ticket_id="T-1", to_agent="ana", by=value)  # type: ignore[arg-type]  # the wrong type on purpose
    assert "by" == e.value.field
    with pytest.raises(InvalidInput) as e:
        TicketEscalated(at=T0, ticket_id="T-1", reason=value)  # type: ignore[arg-type]  # the wrong type on purpose
    assert "reason" == e.value.field
    with pytest.raises(InvalidInput) as e:
        event_from_dict(
            {"type": "ticket_escalated", "at": T0.isoformat(), "ticket_id": "T-1", "reason": value}
        )
    assert "event.reason" == e.value.field


def test_a_rule_on_list_with_a_list_in_it_is_refused() -> None:
    """Was a TypeError (unhashable list)."""
    with pytest.raises(InvalidInput) as e:
        Rule.from_dict({"name": "r", "pool": "p", "on": [[], "update"]})
    assert "rule.on" == e.value.field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tier": b"bytes"}, "changes.tier"),
        ({"tier": float("nan")}, "changes.tier"),
        ({"channel": ""}, "changes.channel"),
        ({"subject": 5}, "changes.subject"),
        ({"assignee": ["ana"]}, "changes.assignee"),
        ({"language": None, "plan": 3}, "changes.plan"),
    ],
)
def test_a_ticket_update_with_a_value_the_ticket_refuses_is_refused_at_once(
    changes: dict[str, Any], field: str
) -> None:
    """Was accepted (fields without a converter went unchecked), its dict form not JSON."""
    with pytest.raises(InvalidInput) as e:
        TicketUpdated(ticket_id="T-1", at=T0, changes=changes)
    assert field == e.value.field


def test_a_valid_ticket_update_keeps_its_values() -> None:
    event = TicketUpdated(ticket_id="T-1", at=T0, changes={"tier": 2, "assignee": None, "subject": "x"})
    assert (("assignee", None), ("subject", "x"), ("tier", 2)) == event.changes


@pytest.mark.parametrize(
    "event",
    [
        PoolChanged(
            at=T0, pool="team", changes={"skills": [], "strategy": Sequential(), "backlog_order": "created"}
        ),
        AgentChanged(at=T0, agent_id="ana", changes={"skills": [], "languages": set(), "shift": None}),
    ],
)
def test_a_change_back_to_a_default_has_a_json_dict_form(event: object) -> None:
    """A change to a default (an empty set, the default strategy) was written as a frozenset or an object."""
    form = event_to_dict(event)
    assert form == json.loads(json.dumps(form))
    assert event == event_from_dict(form)


@pytest.mark.parametrize("ids", [None, "h1", {"h1": 1}, [1], [None]])
def test_a_stored_desk_ticket_with_bad_event_ids_is_refused_by_path(ids: object) -> None:
    """Was a TypeError (None), or a string split into one-letter ids."""
    config = DeskConfig.from_dict({"routing": {"pools": [{"name": "team"}], "default_pool": "team"}})
    desk = Desk(config)
    desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0), event_id="h1"))
    state = desk.to_dict()
    state["tickets"][0]["ids"] = ids

    with pytest.raises(InvalidInput) as e:
        Desk.from_dict(config, state)
    assert "tickets['T-1'].ids" == e.value.field


@pytest.mark.parametrize("bad", [("a",), ((["k"], 1),), (("a", 1, 2),)])
def test_a_tuple_that_is_not_key_value_pairs_is_refused_where_a_mapping_is_read(bad: object) -> None:
    """A tuple stands for a mapping's pairs; other tuples were a ValueError or TypeError from dict()."""
    readers: list[tuple[Callable[[], object], str]] = [
        (lambda: TicketUpdated(ticket_id="T-1", at=T0, changes=bad), "changes"),
        (lambda: DeskConfig.from_dict({"calendars": bad, "routing": {}}), "calendars"),
        (lambda: Vocabulary(statuses=bad), "statuses"),
        (lambda: Routing(tiers=bad), "tiers"),
        (lambda: Target(name="t", metric="resolution", goals=bad), "goals"),
        (lambda: Ticket(id="T-1", created=T0, custom=bad), "custom"),
    ]
    for read, field in readers:
        with pytest.raises(InvalidInput) as e:
            read()
        assert field == e.value.field


def test_a_tuple_of_pairs_still_reads_as_a_mapping() -> None:
    assert (("tier", 2),) == TicketUpdated(ticket_id="T-1", at=T0, changes=(("tier", 2),)).changes
    assert ((2, "second"),) == Routing(pools=[Pool(name="second")], tiers=((2, "second"),)).tiers
