"""Shared helpers for the assignment tests: tickets, events and a driver (h11's style)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import attrs

from ticketcore import Priority, Status, Ticket
from ticketcore.assign import (
    Assigned,
    Decision,
    Dispatcher,
    LeastLoaded,
    LeftUnassigned,
    LongestIdle,
    PoolView,
    Queued,
    Selection,
    Sequential,
    SpareCapacity,
    Strategy,
    Weighted,
)
from ticketcore.conditions import F
from ticketcore.events import StatusChanged, TicketCreated
from ticketcore.sla import BusinessCalendar, Metric, SLAPolicy, Target

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@attrs.frozen
class Mine(Strategy):
    """A strategy of the user's own: the last eligible member in pool order (no built-in does that)."""

    name: ClassVar[str] = "mine"

    def select(self, members: Sequence[str], check: Callable[[str], str | None], view: PoolView) -> Selection:
        """The last eligible member."""
        eligible = [m for m in members if check(m) is None]
        passed = tuple((m, why) for m in members if (why := check(m)) is not None)
        return Selection(
            chosen=eligible[-1] if eligible else None,
            passed=passed,
            eligible=len(eligible),
            tiebreak="last in pool order",
        )


#: Every built-in strategy, with each option.
STRATEGIES: list[Strategy] = [
    Sequential(),
    LongestIdle(),
    LeastLoaded(),
    SpareCapacity(),
    SpareCapacity(percentage=True),
    Weighted(),
]


#: For backlogs ordered by due time: tickets tagged "doom" have a ten-year goal on a calendar
#: open one hour a week, beyond any horizon, so their due time cannot be computed.
DOOM = SLAPolicy(
    name="doom",
    when=F.tags.has("doom"),
    calendar=BusinessCalendar(timezone="UTC", hours={"mon": ["09:00-10:00"]}),
    targets=[
        Target(
            name="resolution",
            metric=Metric.RESOLUTION,
            goals=dict.fromkeys(Priority, timedelta(days=3650)),
        )
    ],
)


def at(minutes: float) -> datetime:
    """``T0`` plus some minutes."""
    return T0 + timedelta(minutes=minutes)


def new(ticket_id: str, minute: float = 0, **fields: Any) -> TicketCreated:
    """A `TicketCreated` for a ticket created ``minute`` minutes after ``T0``."""
    return TicketCreated(ticket=Ticket(id=ticket_id, created=at(minute), **fields))


def status(ticket_id: str, value: str, minute: float = 0) -> StatusChanged:
    """A `StatusChanged` at ``minute``."""
    return StatusChanged(ticket_id=ticket_id, at=at(minute), status=Status(value))


def drive(d: Dispatcher, events: Iterable[object]) -> list[Decision]:
    """Feed every event and collect every decision, in order."""
    out: list[Decision] = []
    for event in events:
        out.extend(d.handle(event))
    return out


def owners(decisions: Iterable[Decision]) -> list[str | None]:
    """For each routing decision, the agent it went to (None: queued or left unassigned)."""
    out: list[str | None] = []
    for d in decisions:
        if isinstance(d, Assigned):
            out.append(d.agent_id)
        elif isinstance(d, Queued | LeftUnassigned):
            out.append(None)
    return out


def one(decisions: Iterable[Decision]) -> Decision:
    """The only decision."""
    (only,) = tuple(decisions)
    return only


def assigned(decision: Decision) -> Assigned:
    """The decision, checked to be an `Assigned` (and typed as one)."""
    assert isinstance(decision, Assigned), decision
    return decision


def queued(decision: Decision) -> Queued:
    """The decision, checked to be a `Queued` (and typed as one)."""
    assert isinstance(decision, Queued), decision
    return decision


def left(decision: Decision) -> LeftUnassigned:
    """The decision, checked to be a `LeftUnassigned` (and typed as one)."""
    assert isinstance(decision, LeftUnassigned), decision
    return decision
