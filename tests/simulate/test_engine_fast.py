"""Issue 19: the simulator's fast paths beside their slow, obviously-correct references.

A run has ``trusted`` fast paths for what it builds itself: tickets and events made without
re-running their validators (`_trusted`), and each ticket's final SLA figures read from the
clock's cheap `ticketcore.sla.SLAClock.summary` instead of a full `ticketcore.sla.SLAResult`.
With ``trusted=False`` the run takes the slow paths (the classes' own constructors, the full
result through `ticketcore.sla.attainment`); both must give identical results.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.simulate.test_engine_desk import ESCALATING, digest
from ticketcore import Priority, Status, Ticket
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated
from ticketcore.simulate import Scenario, SimulationResult
from ticketcore.simulate._engine import _Run, _trusted

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def run(data: dict[str, Any], strategy: str | None = None, *, trusted: bool) -> SimulationResult:
    scenario = Scenario.from_dict(data)
    return _Run(scenario, strategy or scenario.strategy, records=True, progress=None, trusted=trusted).run()


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
