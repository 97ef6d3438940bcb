"""`Outcome`'s speed tricks give what the plain path gives (issue 22).

- ``due`` and ``notifications`` are made on first read from raw values the desk kept
  (`_Lazy`), and the desk builds outcomes without ``__init__`` (`make_outcome`): an
  outcome read long after the calls that followed it equals the one read at once, and
  equals (``==``, ``hash``, ``repr``, ``to_dict``) the outcome ``Outcome(...)`` builds
  eagerly from the same field values;
- `due_changes` pairs the targets before and after one by one when they are the same
  targets: it gives what the plain difference of two dicts gives.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import Status, Ticket
from ticketcore._instant import from_real
from ticketcore.desk import Desk, DeskConfig, DueChange, Outcome
from ticketcore.desk._outcome import DueMove, due_changes
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
MINUTE = timedelta(minutes=1)
TICKETS = ["T-0", "T-1", "T-2"]


def config() -> DeskConfig:
    return DeskConfig.from_dict(
        {
            "calendars": {
                "office": {
                    "timezone": "Europe/Berlin",
                    "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
                }
            },
            "routing": {"pools": [{"name": "team", "cap": 1, "backlog": True}], "default_pool": "team"},
            "agents": [{"id": "ana"}, {"id": "ben"}],
            "sla": {
                "policies": [
                    {
                        "name": "urgent",
                        "when": {"field": "priority", "eq": "urgent"},
                        "targets": [
                            {"name": "first_response", "metric": "first_response", "goals": {"all": "30m"}},
                        ],
                    },
                    {
                        "name": "std",
                        "calendar": "office",
                        "targets": [
                            {"name": "first_response", "metric": "first_response", "goals": {"all": "1h"}},
                            {"name": "next_response", "metric": "next_response", "goals": {"all": "2h"}},
                            {
                                "name": "resolution",
                                "metric": "resolution",
                                "goals": {"all": "6h"},
                                "ladder": [{"at": 0.5, "action": {"notify": "lead"}}],
                            },
                        ],
                    },
                ]
            },
        }
    )


#: One step: (kind, ticket index, minutes later).
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["message", "reply", "pending", "open", "urgent", "normal", "advance"]),
        st.integers(0, 2),
        st.integers(0, 240),
    ),
    min_size=1,
    max_size=25,
)


def run(steps: list[tuple[str, int, int]], *, read_at_once: bool) -> list[Outcome]:
    """The outcomes of the same calls; read in full after each call, or left unread."""
    desk = Desk(config())
    at = T0
    todo: list[TicketEvent | datetime] = [TicketCreated(ticket=Ticket(id=t, created=T0)) for t in TICKETS]
    for kind, i, minutes in steps:
        at += minutes * MINUTE
        tid = TICKETS[i]
        if kind == "message":
            todo.append(CustomerMessage(ticket_id=tid, at=at))
        elif kind == "reply":
            todo.append(AgentReply(ticket_id=tid, at=at))
        elif kind in ("pending", "open"):
            todo.append(StatusChanged(ticket_id=tid, at=at, status=Status(kind)))
        elif kind in ("urgent", "normal"):
            todo.append(TicketUpdated(ticket_id=tid, at=at, changes={"priority": kind}))
        else:
            todo.append(at)
    out = []
    for item in todo:
        outcome = desk.advance(item) if isinstance(item, datetime) else desk.handle(item)
        if read_at_once:
            _ = (outcome.due, outcome.notifications)
        out.append(outcome)
    return out


def eager(outcome: Outcome) -> Outcome:
    """The outcome ``__init__`` builds from the same field values (each read first)."""
    return Outcome(**{a.name: getattr(outcome, a.name) for a in attrs.fields(Outcome)})


@pytest.mark.slow
@given(STEPS)
def test_an_outcome_read_late_equals_one_read_at_once_and_the_eager_outcome(
    steps: list[tuple[str, int, int]],
) -> None:
    late = run(steps, read_at_once=False)
    now = run(steps, read_at_once=True)
    assert len(late) == len(now)
    for unread, read in zip(late, now, strict=True):
        # Equality and to_dict first, while `unread` still holds raw values.
        assert unread == read
        assert unread.to_dict() == read.to_dict()
        plain = eager(read)
        assert (plain, hash(plain), repr(plain), plain.to_dict()) == (
            read,
            hash(read),
            repr(read),
            read.to_dict(),
        )
        assert attrs.evolve(unread) == plain
    assert any(o.due for o in now)
    assert any(o.notifications for o in now)


_ZONES: list[ZoneInfo | timezone] = [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]
ZONES = st.sampled_from(_ZONES)
TARGETS = ["first_response", "next_response", "resolution"]
REALS = st.none() | st.integers(63_900_000_000_000_000, 63_950_000_000_000_000)


@st.composite
def dues(draw: st.DrawFn) -> tuple[tuple[str, int | None], ...]:
    names = draw(st.lists(st.sampled_from(TARGETS), unique=True, max_size=3))
    return tuple((n, draw(REALS)) for n in names)


@st.composite
def moves(draw: st.DrawFn) -> DueMove:
    before = draw(dues())
    # Mostly the same targets in the same order (the pairwise path), now and then others.
    after = tuple((n, draw(REALS)) for n, _ in before) if draw(st.booleans()) else draw(dues())
    return (draw(st.sampled_from(TICKETS)), before, draw(ZONES), after, draw(ZONES))


def due_changes_reference(raw: list[DueMove]) -> tuple[DueChange, ...]:
    """The plain way: every target in either, whose instant differs, by target name."""
    out = []
    for ticket_id, before, before_zone, after, after_zone in raw:
        old, new = dict(before), dict(after)
        for target in sorted(old.keys() | new.keys()):
            was, now = old.get(target), new.get(target)
            if was != now:
                out.append(
                    DueChange(
                        ticket_id=ticket_id,
                        target=target,
                        before=None if was is None else from_real(was, before_zone),
                        after=None if now is None else from_real(now, after_zone),
                    )
                )
    return tuple(out)


@given(st.lists(moves(), max_size=5))
def test_due_changes_equal_the_plain_difference(raw: list[DueMove]) -> None:
    assert due_changes(raw) == due_changes_reference(raw)
