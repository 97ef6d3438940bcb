"""A simulated team's day as events, generated deterministically from a seed.

Tickets arrive through the day; an agent replies, the customer sometimes writes back,
the ticket is solved and later closed; one agent goes offline over lunch and another is
away for a while. The events come in time order, each with the host's id.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from ticketcore import Ticket
from ticketcore.assign import PresenceChanged
from ticketcore.desk import DeskConfig
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated

__all__ = ["DAY", "config", "team_day"]

#: The simulated day starts at 08:00 UTC on a Monday.
DAY = datetime(2026, 3, 2, 8, tzinfo=UTC)

_NAMES = ("ana", "ben", "cai", "dan", "eve", "fay", "gus", "hal", "ivy", "jon", "kim", "lee")


def _agent_ids(agents: int) -> list[str]:
    return [_NAMES[i] if i < len(_NAMES) else f"agent{i}" for i in range(agents)]


def config(agents: int = 6, cap: int = 3) -> DeskConfig:
    """A desk with one capped pool and a backlog, ``agents`` agents and two SLA targets."""
    return DeskConfig.from_dict(
        {
            "routing": {"pools": [{"name": "team", "cap": cap, "backlog": True}], "default_pool": "team"},
            "agents": [{"id": a} for a in _agent_ids(agents)],
            "sla": {
                "policies": [
                    {
                        "name": "std",
                        "targets": [
                            {
                                "name": "first_response",
                                "metric": "first_response",
                                "goals": {"all": "30m"},
                                "ladder": [{"at": 0.5, "action": {"notify": "lead"}}],
                            },
                            {"name": "resolution", "metric": "resolution", "goals": {"all": "4h"}},
                        ],
                    }
                ]
            },
        }
    )


def team_day(
    seed: int, tickets: int = 120, agents: int = 6, ticks: timedelta | None = None, breaks: int = 0
) -> list[tuple[str, object]]:
    """The day's events as ``(host_id, event)`` in time order (ties: by host id).

    ``breaks``: that many more absences (an agent away or offline for 5 to 60 minutes).
    ``ticks``: also the host's timer requests ``{"type": "advance", "now": ...}`` at that
    interval (for workers that take timers from the inbox).
    """
    rng = random.Random(seed)
    out: list[tuple[datetime, str, object]] = []
    span = 10 * 3600  # arrivals from 08:00 to 18:00
    for n in range(tickets):
        tid = f"T-{n:05d}"
        at = DAY + timedelta(seconds=rng.uniform(0, span))
        out.append((at, f"{tid}/created", TicketCreated(ticket=Ticket(id=tid, created=at))))
        at += timedelta(minutes=rng.expovariate(1 / 20))
        if rng.random() < 0.15:
            out.append((at, f"{tid}/message", CustomerMessage(ticket_id=tid, at=at)))
            at += timedelta(minutes=rng.expovariate(1 / 10))
        out.append((at, f"{tid}/reply", AgentReply(ticket_id=tid, at=at)))
        at += timedelta(minutes=rng.expovariate(1 / 40))
        if rng.random() < 0.8:
            out.append((at, f"{tid}/solved", StatusChanged(ticket_id=tid, at=at, status="solved")))
            at += timedelta(minutes=rng.uniform(10, 120))
            out.append((at, f"{tid}/closed", StatusChanged(ticket_id=tid, at=at, status="closed")))
    ids = _agent_ids(agents)
    away: list[tuple[timedelta, str, str]] = [(timedelta(hours=4), ids[min(3, agents - 1)], "offline")]
    away.append((timedelta(hours=5, minutes=30), ids[min(3, agents - 1)], "online"))
    away.append((timedelta(hours=7), ids[min(4, agents - 1)], "away"))
    away.append((timedelta(hours=7, minutes=30), ids[min(4, agents - 1)], "online"))
    for _ in range(breaks):
        start = timedelta(seconds=rng.uniform(0, span))
        agent = rng.choice(ids)
        away.append((start, agent, rng.choice(("away", "offline"))))
        away.append((start + timedelta(minutes=rng.uniform(5, 60)), agent, "online"))
    for i, (offset, agent, presence) in enumerate(away):
        at = DAY + offset
        out.append((at, f"presence/{i}", PresenceChanged(at=at, agent_id=agent, presence=presence)))
    if ticks is not None:
        at, i = DAY + ticks, 0
        while at <= DAY + timedelta(hours=14):
            timer: dict[str, Any] = {"type": "advance", "now": at.isoformat()}
            out.append((at, f"tick/{i:05d}", timer))
            at, i = at + ticks, i + 1
    out.sort(key=lambda x: (x[0], x[1]))
    return [(host_id, event) for _, host_id, event in out]
