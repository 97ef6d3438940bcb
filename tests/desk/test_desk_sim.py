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


def test_the_backlog_report_counts_what_the_desk_applied() -> None:
    desk = Desk(config(backlog={"by": "assignee"}))
    desk.handle(TicketCreated(ticket=ticket(1)))
    desk.handle(TicketCreated(ticket=ticket(2, T0 + H)))
    desk.handle(StatusChanged(ticket_id="T-1", at=T0 + 2 * H, status="solved"))
    desk.handle(StatusChanged(ticket_id="T-1", at=T0 + 3 * H, status="closed"))

    rows = {row.group: row for row in desk.report().rows}

    total = rows[()]
    assert (2, 1, 1) == (total.created, total.solved, total.unresolved)
    assert timedelta(hours=2) == total.resolution_median
    assert 1 == rows[(("assignee", "ana"),)].created  # the assignment was counted
    assert 1 == rows[(("assignee", "ben"),)].created
    # The closed ticket's final SLA result counted: resolution met (2h of 8h), first response late.
    assert [("first_response", 0, 1), ("resolution", 1, 0)] == [
        (w.target, w.achieved, w.late) for w in total.sla
    ]


def test_a_desk_without_backlog_options_has_no_report() -> None:
    desk = Desk(config())
    with pytest.raises(InvalidInput) as e:
        desk.report()
    assert "config.backlog" == e.value.field
    with pytest.raises(InvalidInput):
        desk.seal(T0)


def test_an_event_earlier_than_the_seal_is_counted_at_the_seal() -> None:
    desk = Desk(config(backlog={}))
    desk.handle(TicketCreated(ticket=ticket(1)))
    desk.handle(TicketCreated(ticket=ticket(2, T0 + 3 * H)))
    desk.seal(T0 + 10 * H)  # never past the desk's clock: sealed at T0 + 3h

    desk.handle(StatusChanged(ticket_id="T-1", at=T0 + H, status="solved"))  # late, before the seal

    [total] = [row for row in desk.report().rows if row.group == ()]
    assert 1 == total.solved
    assert timedelta(hours=3) == total.resolution_median  # counted at the seal, not refused


def test_a_restored_desk_follows_the_tickets_created_after_the_restore() -> None:
    desk = Desk(config(backlog={}))
    desk.handle(TicketCreated(ticket=ticket(1)))
    twin = Desk.from_dict(desk.config, desk.to_dict())

    twin.handle(StatusChanged(ticket_id="T-1", at=T0 + H, status="solved"))  # not followed: not refused
    twin.handle(TicketCreated(ticket=ticket(2, T0 + 2 * H)))

    [total] = [row for row in twin.report().rows if row.group == ()]
    assert (1, 0) == (total.created, total.solved)


def test_without_due_changes_the_outcomes_carry_no_due_times_and_the_deadlines_are_the_same() -> None:
    ladder = [{"at": 0.5, "action": {"raise_priority": "urgent"}}]
    full, lean = Desk(config(ladder)), Desk(config(ladder), due_changes=False)
    created = [desk.handle(TicketCreated(ticket=ticket(1))) for desk in (full, lean)]
    assert created[0].due
    assert not created[1].due
    for desk in (full, lean):
        desk.handle(TicketUpdated(ticket_id="T-1", at=T0 + H, changes={"priority": "high"}))
    assert full.next_deadline() == lean.next_deadline()
    a, b = full.advance(T0 + 9 * H), lean.advance(T0 + 9 * H)
    assert a.alerts == b.alerts
    assert a.decisions == b.decisions
    with pytest.raises(InvalidInput):
        Desk(config(), due_changes="no")  # type: ignore[arg-type]  # the wrong type on purpose


def test_a_refused_event_leaves_the_desk_and_its_report_unchanged() -> None:
    desk = Desk(config(backlog={"by": "channel"}))
    desk.handle(TicketCreated(ticket=ticket(1)))
    before, report = desk.to_dict(), desk.report()
    for bad in (
        TicketCreated(ticket=ticket(1, T0 + H)),
        StatusChanged(ticket_id="T-9", at=T0 + H, status="solved"),
        TicketUpdated(ticket_id="T-1", at=T0 + H, changes={"assignee": "ben"}),
    ):
        with pytest.raises(InvalidTransition if not isinstance(bad, TicketUpdated) else InvalidInput):
            desk.handle(bad)
        assert before == desk.to_dict()
        assert report == desk.report()
