"""Invariants of the team's policy (team.toml), searched for counterexamples by hypothesis.

"A VIP chat in German is never handed to first-line support" and "every urgent ticket
that is not a chat is due for a first response within one business hour of arriving",
over any timeline drawn from the configuration's own vocabulary. A counterexample is
shrunk to a minimal timeline. Run by tests/testing/test_helpers_strategies.py.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings

from ticketcore.assign import Assigned, Queued
from ticketcore.desk import Desk, DeskConfig
from ticketcore.events import TicketCreated
from ticketcore.testing.strategies import play, timelines

__all__ = [
    "CONFIG",
    "test_german_vip_chats_never_go_to_first_line",
    "test_urgent_tickets_are_due_within_a_business_hour",
]

CONFIG = DeskConfig.from_dict(tomllib.loads((Path(__file__).parent / "team.toml").read_text("utf-8")))
START = datetime(2026, 3, 2, 8, tzinfo=UTC)
FIRST_LINE = {"ana", "ben", "dan", "catherine", "miriam"}


@settings(max_examples=40, deadline=None)
@given(timelines(CONFIG, START, max_events=12))
def test_german_vip_chats_never_go_to_first_line(timeline: list[object]) -> None:
    """No VIP chat in German is ever handed to first-line support, nor waits in its pool."""
    desk = Desk(CONFIG)
    vip = {
        e.ticket.id
        for e in timeline
        if isinstance(e, TicketCreated)
        and e.ticket.channel == "chat"
        and "vip" in e.ticket.tags
        and e.ticket.language == "de"
    }
    for outcome in play(desk, timeline):
        for d in outcome.decisions:
            if d.ticket_id in vip and isinstance(d, Assigned):
                assert d.agent_id not in FIRST_LINE, d.explanation.text()
            if d.ticket_id in vip and isinstance(d, Queued):
                assert d.pool != "support", d.explanation.text()


@settings(max_examples=40, deadline=None)
@given(timelines(CONFIG, START, max_events=12))
def test_urgent_tickets_are_due_within_a_business_hour(timeline: list[object]) -> None:
    """Every urgent ticket but a chat is due for a first response within one business hour."""
    desk = Desk(CONFIG)
    office = CONFIG.calendar("office")
    for event in timeline:
        play(desk, [event])
        if isinstance(event, TicketCreated) and event.ticket.priority.name == "urgent":
            if event.ticket.channel == "chat":
                continue
            clock = desk.clock(event.ticket.id)
            assert clock is not None
            due = clock.due_times()["first_response"]
            assert due is not None
            assert office.elapsed(event.ticket.created, due) <= timedelta(hours=1)
