"""The desk as the simulator uses it: escalation rules shared with hosts, the backlog tracker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, InvalidTransition, Ticket
from ticketcore.desk import Desk, DeskConfig
from ticketcore.events import StatusChanged, TicketCreated, TicketUpdated

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)


def config(ladder: list[dict[str, Any]] | None = None, backlog: dict[str, Any] | None = None) -> DeskConfig:
    data: dict[str, Any] = {
        "routing": {
            "pools": [{"name": "team", "cap": 2, "backlog": True}, {"name": "second"}],
            "tiers": {"1": "team", "2": "second"},
            "default_pool": "team",
        },
        "agents": [{"id": "ana"}, {"id": "ben"}, {"id": "cy", "tier": 2}],
        "sla": {
            "policies": [
                {
                    "name": "std",
                    "targets": [
                        {"name": "first_response", "metric": "first_response", "goals": {"all": "1h"}},
                        {
                            "name": "resolution",
                            "metric": "resolution",
                            "goals": {"all": "8h"},
                            "ladder": ladder or [],
                        },
                    ],
                }
            ]
        },
    }
    if backlog is not None:
        data["backlog"] = backlog
    return DeskConfig.from_dict(data)


def ticket(n: int, at: datetime = T0, **fields: Any) -> Ticket:
    return Ticket(id=f"T-{n}", created=at, **fields)


def test_a_move_tier_to_a_tier_without_a_pool_is_skipped_with_why() -> None:
    desk = Desk(config(ladder=[{"after": "0m", "action": {"move_tier": None}}]))
    desk.handle(TicketCreated(ticket=ticket(1, tier=2)))

    [link] = desk.advance(T0 + 9 * H).escalations

    assert "no pool for tier 3" == link.skipped
    assert link.applied is None
    assert 2 == desk.dispatcher.ticket("T-1").tier
