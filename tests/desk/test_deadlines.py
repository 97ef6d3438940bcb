"""The desk's heap of deadlines stays within twice the open tickets, and deciding does not change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ticketcore import Ticket
from ticketcore.desk import Desk, DeskConfig
from ticketcore.events import AgentReply, CustomerMessage, TicketCreated, TicketEvent

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def config() -> DeskConfig:
    return DeskConfig.from_dict(
        {
            "routing": {"pools": [{"name": "team", "cap": 2, "backlog": True}], "default_pool": "team"},
            "agents": [{"id": "ana"}, {"id": "ben"}],
            "sla": {
                "policies": [
                    {
                        "name": "std",
                        "targets": [
                            {"name": "next_response", "metric": "next_response", "goals": {"all": "4h"}},
                            {
                                "name": "resolution",
                                "metric": "resolution",
                                "goals": {"all": "30h"},
                                "ladder": [{"at": 0.5, "action": {"notify": "lead"}}],
                            },
                        ],
                    }
                ]
            },
        }
    )


def events(tickets: int, rounds: int) -> list[TicketEvent]:
    """Each round, every ticket's next-response deadline moves (a message, then a reply)."""
    out: list[TicketEvent] = [TicketCreated(ticket=Ticket(id=f"T-{i}", created=T0)) for i in range(tickets)]
    at = T0
    for r in range(rounds):
        for i in range(tickets):
            at += MINUTE
            kind = CustomerMessage if r % 2 == 0 else AgentReply
            out.append(kind(ticket_id=f"T-{i}", at=at))
    return out


def test_moved_deadlines_do_not_pile_up_in_the_heap() -> None:
    desk = Desk(config())
    for event in events(3, 200):  # 600 moves of 3 deadlines, none of them due
        desk.handle(event)

    assert len(desk._heap) <= 2 * len(desk.tickets()) + 64


def test_a_desk_with_a_rebuilt_heap_fires_as_one_with_a_fresh_heap() -> None:
    desk = Desk(config())
    for event in events(5, 60):
        desk.handle(event)
    fresh = Desk.from_dict(desk.config, desk.to_dict())  # its heap holds only live entries
    later = T0 + timedelta(hours=40)

    assert desk.next_deadline() == fresh.next_deadline()
    assert desk.advance(later).to_dict() == fresh.advance(later).to_dict()
    assert desk.to_dict() == fresh.to_dict()
