"""The error path itself: an InvalidInput message is always built, short, whatever the value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, InvalidTransition, OutOfOrder, Status, Ticket
from ticketcore.assign import Agent, Dispatcher, Routing
from ticketcore.backlog import BacklogTracker
from ticketcore.conditions import Condition
from ticketcore.desk import Desk, DeskConfig
from ticketcore.events import AgentReply, StatusChanged, TicketCreated
from ticketcore.sla import SLAClock, SLAPolicies


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class NotTextRepr:
    def __repr__(self) -> Any:
        return 42


def deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [deep(100_000), "x" * 10_000_000, BadRepr(), NotTextRepr(), {"k": deep(100_000)}, [BadRepr()] * 3],
    ids=["nested-100k", "string-10MB", "repr-raises", "repr-not-text", "dict-of-nested", "list-of-bad"],
)
def test_the_message_is_always_built_and_short(value: object) -> None:
    """A value nested 100,000 deep, a 10 MB string or a failing __repr__ still gives a short message."""
    error = InvalidInput("rules[0].when", "a condition dict", value)

    assert str(error).startswith("rules[0].when: expected a condition dict, got ")
    assert len(str(error)) < 400
    assert value is error.value


def test_an_unknown_key_that_is_not_text_is_named() -> None:
    """{1: ...} in a dict form: the suggestion step takes text only, so a number key must not break it."""
    with pytest.raises(InvalidInput, match="one of the keys") as info:
        Condition.from_dict({1: True})
    assert 1 == info.value.value


# -- out-of-order events: one error class in every engine (issue 22) -----------------------

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)
SLA = {
    "policies": [
        {"name": "std", "targets": [{"name": "resolution", "metric": "resolution", "goals": {"all": "8h"}}]}
    ]
}
ROUTING = {"pools": [{"name": "team", "tier": 1}], "tiers": {"1": "team"}}


def created(ticket_id: str = "A", at: datetime = T0) -> TicketCreated:
    return TicketCreated(ticket=Ticket(id=ticket_id, created=at))


def desk() -> Desk:
    return Desk(DeskConfig.from_dict({"routing": ROUTING, "agents": [{"id": "ana"}], "sla": SLA}))


def dispatcher() -> Dispatcher:
    return Dispatcher(Routing.from_dict(ROUTING), [Agent(id="ana")])


def late_reply(engine: Any) -> None:
    engine.handle(AgentReply(ticket_id="A", at=T0 + H))


def tracker_report(tracker: BacklogTracker) -> object:
    return tracker.report(T0 + 3 * H)  # a frozen attrs value: compared field by field


def sealed_tracker() -> BacklogTracker:
    tracker = BacklogTracker()
    tracker.handle(created())
    tracker.seal(T0 + 2 * H)
    return tracker


def tracked() -> BacklogTracker:
    tracker = BacklogTracker()
    tracker.handle(created())
    tracker.handle(StatusChanged(ticket_id="A", status=Status.SOLVED, at=T0 + 2 * H))
    return tracker


def with_history(engine: Any) -> Any:
    """``engine`` after ticket A was created at T0 and answered at T0 + 2h."""
    engine.handle(created())
    engine.handle(AgentReply(ticket_id="A", at=T0 + 2 * H))
    return engine


OUT_OF_ORDER: list[tuple[str, Callable[[], Any], Callable[[Any], object], Callable[[Any], None]]] = [
    (
        "sla-clock, before the ticket's last event",
        lambda: with_history(SLAClock(SLAPolicies.from_dict(SLA))),
        lambda c: c.to_dict(),
        late_reply,
    ),
    ("dispatcher, before its clock", lambda: with_history(dispatcher()), lambda d: d.to_dict(), late_reply),
    (
        "tracker, before the ticket's last event",
        tracked,
        tracker_report,
        lambda t: t.handle(StatusChanged(ticket_id="A", status=Status.OPEN, at=T0 + H)),
    ),
    (
        "tracker, before the seal",
        sealed_tracker,
        tracker_report,
        lambda t: t.handle(StatusChanged(ticket_id="A", status=Status.SOLVED, at=T0 + H)),
    ),
    ("desk, before the ticket's last event", lambda: with_history(desk()), lambda d: d.to_dict(), late_reply),
    (
        "desk, adopted before its clock",
        lambda: with_history(desk()),
        lambda d: d.to_dict(),
        lambda d: d.adopt(Ticket(id="B", created=T0), at=T0 + H),
    ),
]


@pytest.mark.parametrize(
    ("engine", "snapshot", "feed"), [c[1:] for c in OUT_OF_ORDER], ids=[c[0] for c in OUT_OF_ORDER]
)
def test_every_engine_refuses_an_out_of_order_event_with_one_class(
    engine: Callable[[], Any], snapshot: Callable[[Any], object], feed: Callable[[Any], None]
) -> None:
    """An event before the engine's clock or the ticket's last event: `OutOfOrder`, nothing changed."""
    subject = engine()
    before = snapshot(subject)

    with pytest.raises(OutOfOrder) as info:
        feed(subject)

    assert type(info.value) is OutOfOrder
    assert isinstance(info.value, InvalidTransition)  # what `except` clauses caught before
    assert info.value.field == "at"
    assert info.value.value == T0 + H
    assert info.value.expected
    assert snapshot(subject) == before
