"""The simulator runs on `ticketcore.desk.Desk` (ISSUE #17): the same figures as its hand wiring.

The golden digests were first computed with the simulator as it was before it became a client
of the desk (dispatcher, per-ticket SLA clocks, tracker and escalations wired by hand), for an
escalating scenario whose ladders raise the priority, move tickets up a tier (and past the last
tier with a pool, which is skipped), and reassign them; the desk gave the same figures.

Issue 18 (the agent's time) changed the model on purpose, so the digests below are those of the
new model: an agent now works on one ticket at a time (the others they hold wait in their own
queue), and a ticket moved to another tier's backlog leaves its agent. They pin the run against
unintended change; what makes them right is checked elsewhere: the hand-computed cases of
tests/simulate/test_engine_agent_time.py and the queueing theory of tests/simulate/test_theory.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ticketcore import InvalidInput, Priority, Status, Ticket
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated
from ticketcore.simulate import Scenario, SimulationResult, simulate
from ticketcore.simulate._engine import _Run
from ticketcore.simulate._state import _trusted

ESCALATING: dict[str, Any] = {
    "days": 3,
    "seed": 11,
    "timezone": "Europe/Berlin",
    "start": "2026-03-26",
    "arrivals": {
        "per_day": 200,
        "channels": {"chat": 0.7, "email": 0.3},
        "priorities": {"normal": 0.8, "urgent": 0.2},
        "tags": {"vip": 0.1},
    },
    "agents": [{"id": "first"}, {"id": "other"}, {"id": "second", "tier": 2}, {"id": "boss", "tier": 3}],
    "handling": {
        "*": {"first_response": {"exponential": "3m"}, "solve": {"lognormal": {"mean": "40m", "sigma": 0.7}}},
        "email": {"first_response": {"exponential": "30m"}, "solve": {"exponential": "2h"}},
    },
    "customers": {
        "reply_probability": 0.4,
        "reopen_probability": 0.2,
        "reopen_delay": {"exponential": "4h"},
        "close_after": "1d",
    },
    "routing": {
        "pools": [
            {"name": "t1", "agents": ["first", "other"], "cap": 2, "backlog": True},
            {"name": "t2", "agents": ["second"], "cap": 3, "backlog": True},
        ],
        "tiers": {"1": "t1", "2": "t2"},
        "default_pool": "t1",
    },
    "sla": {
        "policies": [
            {
                "name": "std",
                "targets": [
                    {
                        "name": "first_response",
                        "metric": "first_response",
                        "goals": {"all": "20m"},
                        "ladder": [
                            {"at": 0.5, "action": {"raise_priority": None}},
                            {"at": 1.0, "action": {"move_tier": None}},
                            {"at": 2.0, "action": {"move_tier": None}},  # no tier 3 pool: skipped
                            {"at": 3.0, "action": {"reassign": "boss"}},
                        ],
                    },
                    {
                        "name": "resolution",
                        "metric": "resolution",
                        "goals": {"all": "2h"},
                        "ladder": [
                            {"at": 0.8, "action": {"notify": "lead"}},
                            {"at": 1.5, "action": {"reassign": "other"}},
                            {"at": 2.0, "action": {"raise_priority": "urgent"}},
                        ],
                    },
                ],
            }
        ]
    },
}


def digest(result: SimulationResult) -> str:
    tables = result.tables()
    for row in tables["agents"]:
        row.pop("above_cap")  # added after the pins: the figures pinned are the same
    data = {
        "summary": result.summary(),
        "tickets": result.ticket_records(),
        "tables": tables,
        "backlog": result.backlog.to_records(),
        "alerts": list(result.alerts),
    }
    return hashlib.md5(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()  # noqa: S324


# Pinned after the resolution summary began counting tickets whose reopen is still ahead
# (as their records do), and again when the agents table gained the `cap` column.
@pytest.mark.parametrize(
    ("strategy", "golden"),
    [
        ("least_loaded", "0cb0f8d7a799db5b7d4cfde8a28d6361"),
        ("sequential", "f0a25f89dd752841ece020704fced065"),
    ],
)
def test_an_escalating_scenario_gives_its_pinned_figures(strategy: str, golden: str) -> None:
    result = simulate(Scenario.from_dict(ESCALATING), strategy)
    assert dict(result.alerts)["movetier"] > 0
    assert any(t.escalations for t in result.tickets or ())
    assert any(t.transfers for t in result.tickets or ())
    assert golden == digest(result)


def test_a_ladder_naming_an_agent_the_scenario_lacks_is_refused_as_the_desk_refuses_it() -> None:
    data = {**ESCALATING, "agents": [{"id": "first"}, {"id": "other"}, {"id": "second", "tier": 2}]}
    with pytest.raises(InvalidInput) as e:
        Scenario.from_dict(data)
    assert "sla.policies[0].targets[0].ladder[3].action.to" == e.value.field


# -- Issue 19: the fast paths beside their slow, obviously-correct references ---------------
#
# A run has ``trusted`` fast paths for what it builds itself: tickets and events made without
# re-running their validators (`_trusted`), and each ticket's final SLA figures read from the
# clock's cheap `ticketcore.sla.SLAClock.summary` instead of a full `ticketcore.sla.SLAResult`.
# With ``trusted=False`` the run takes the slow paths (the classes' own constructors, the full
# result through `ticketcore.sla.attainment`); both must give identical results.

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def run(data: dict[str, Any], strategy: str | None = None, *, trusted: bool) -> SimulationResult:
    scenario = Scenario.from_dict(data)
    return _Run(scenario, strategy or scenario.strategy, records=True, progress=None, trusted=trusted).run()


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["least_loaded", "sequential"])
def test_trusted_run_equals_the_validated_run(strategy: str) -> None:
    """Escalations, reopenings, customer messages, SLA rows: the same result either way."""
    fast = run(ESCALATING, strategy, trusted=True)
    slow = run(ESCALATING, strategy, trusted=False)
    assert fast.sla  # the SLA path is exercised
    assert fast == slow
    assert digest(fast) == digest(slow)


def test_trusted_run_equals_the_validated_run_without_sla() -> None:
    data = {k: v for k, v in ESCALATING.items() if k != "sla"}
    assert run(data, trusted=True) == run(data, trusted=False)


def test_trusted_constructors_equal_the_validated_ones() -> None:
    fields: dict[str, Any] = {
        "id": "T0000001",
        "created": AT,
        "channel": "chat",
        "priority": Priority.parse("urgent"),
        "language": "de",
        "plan": None,
        "tags": frozenset(["vip"]),
    }
    ticket = _trusted(Ticket)(**fields)
    assert ticket == Ticket(**fields)
    assert hash(ticket) == hash(Ticket(**fields))
    assert ticket.to_dict() == Ticket(**fields).to_dict()
    assert _trusted(TicketCreated)(ticket=ticket) == TicketCreated(ticket=ticket)
    assert _trusted(AgentReply)(ticket_id="T1", at=AT, agent_id="a") == AgentReply(
        ticket_id="T1", at=AT, agent_id="a"
    )
    assert _trusted(CustomerMessage)(ticket_id="T1", at=AT) == CustomerMessage(ticket_id="T1", at=AT)
    for status in (Status.OPEN, Status.SOLVED, Status.CLOSED):
        made = _trusted(StatusChanged)(ticket_id="T1", at=AT, status=status)
        assert made == StatusChanged(ticket_id="T1", at=AT, status=status)
