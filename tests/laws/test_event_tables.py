"""Every event class is placed in each table that must know it, handled or explicitly ignored.

An event type added to `ticketcore.events` (or to the dispatcher's events in
`ticketcore.assign`) but forgotten in one of the tables below fails here, naming the
table. CONTRIBUTING.md's checklist "Adding an event type" lists the same places. Where a
table leaves an event out on purpose, the sets here (``COUNTED``, ``FRAGILE``,
``EVENT_ACTION_ONLY``, ``NOT_GENERATED``) say so explicitly: a new event goes into the
table or into one of these sets, never into neither.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import ticketcore.assign
import ticketcore.events
from ticketcore.assign import (
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    DispatcherEvent,
    PoolChanged,
    PresenceChanged,
    RoutingChanged,
    Tick,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.assign._atomic import _REROUTING, _SAFE
from ticketcore.assign._handlers import HANDLERS
from ticketcore.backlog._tracker import _HANDLERS as BACKLOG_HANDLERS
from ticketcore.backlog._tracker import _IGNORED as BACKLOG_IGNORED
from ticketcore.desk import EVENT_TYPES
from ticketcore.desk._feed import _NOTES_ONLY
from ticketcore.events import (
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla._machine import _PLAIN_EVENTS, _Machine
from ticketcore.sla._state import _EVENT_TAGS
from ticketcore.testing import _case
from ticketcore.testing import strategies as testing_strategies

#: The canonical list: every event a desk reads (`ticketcore.desk.EVENT_TYPES`).
ALL = frozenset(EVENT_TYPES.values())
TICKET_EVENTS = frozenset(c for c in ALL if issubclass(c, TicketEvent))
DISPATCHER_EVENTS = frozenset(c for c in ALL if issubclass(c, DispatcherEvent))

#: Ticket events the desk feeds its backlog tracker and may see refused by routing
#: (the others are in `ticketcore.desk._feed._NOTES_ONLY`).
COUNTED = frozenset({TicketCreated, TicketUpdated, StatusChanged})
#: Events that may fail after the dispatcher began to change its state when it is
#: fragile (`ticketcore.assign._atomic`): neither `_SAFE`, `_REROUTING` nor the
#: presence change it treats on its own.
FRAGILE = frozenset({TicketCreated, TicketUpdated, StatusChanged, TicketEscalated})
#: Events a case file reaches only through its generic ``event`` action (no shortcut).
EVENT_ACTION_ONLY = frozenset(
    {DueDateSet, AgentAdded, AgentRemoved, AgentChanged, Tick, RoutingChanged, PoolChanged}
)
#: Events `ticketcore.testing.strategies.timelines` does not generate.
NOT_GENERATED = frozenset(
    {
        TicketUpdated,
        DueDateSet,
        TicketTransferred,
        TicketEscalated,
        AgentAdded,
        AgentRemoved,
        AgentChanged,
        Tick,
        RoutingChanged,
        PoolChanged,
    }
)


def _subclasses(cls: type) -> set[type]:
    """The library's own subclasses (a test may define others)."""
    out: set[type] = set()
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        if sub.__module__.startswith("ticketcore."):
            out |= {sub}
        out |= _subclasses(sub)
    return out


def _names_in(source: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


def test_the_canonical_list_is_every_event_class_and_each_is_public() -> None:
    """`desk/_codec.py` `_CLASSES` (behind `EVENT_TYPES`) and the public exports."""
    assert TICKET_EVENTS | DISPATCHER_EVENTS == ALL
    assert _subclasses(TicketEvent) <= TICKET_EVENTS
    assert _subclasses(DispatcherEvent) <= DISPATCHER_EVENTS
    assert {c.__name__ for c in TICKET_EVENTS} | {"TicketEvent"} == set(ticketcore.events.__all__)
    assert {c.__name__ for c in DISPATCHER_EVENTS} <= set(ticketcore.assign.__all__)


def test_the_dispatcher_has_a_handler_for_every_event() -> None:
    """`assign/_handlers.py` `HANDLERS`."""
    assert set(HANDLERS) == ALL


def test_the_dispatcher_knows_whether_each_event_may_fail_midway() -> None:
    """`assign/_atomic.py`: `_SAFE`, `_REROUTING`, `PresenceChanged`, or fragile."""
    placed = [c.__name__ for group in (_SAFE, _REROUTING, {PresenceChanged}, FRAGILE) for c in group]
    assert sorted(placed) == sorted(c.__name__ for c in ALL)  # each in exactly one group


def test_the_sla_machine_folds_every_ticket_event() -> None:
    """`sla/_machine.py`: `_PLAIN_EVENTS` are ticket events, and `_Machine.fold` names each one."""
    assert _PLAIN_EVENTS <= TICKET_EVENTS
    folded = _names_in(inspect.cleandoc("\n" + inspect.getsource(_Machine.fold)))
    assert {c.__name__ for c in TICKET_EVENTS} <= folded


def test_the_sla_clock_stores_every_ticket_event() -> None:
    """`sla/_state.py` `_EVENT_TAGS`: the events a stored clock history holds."""
    assert set(_EVENT_TAGS.values()) == TICKET_EVENTS
    assert all(EVENT_TYPES[tag] is cls for tag, cls in _EVENT_TAGS.items())


def test_the_backlog_tracker_handles_or_ignores_every_event() -> None:
    """`backlog/_tracker.py` `_HANDLERS` and `_IGNORED`."""
    for cls in ALL:
        assert cls in BACKLOG_HANDLERS or issubclass(cls, BACKLOG_IGNORED), cls.__name__
    assert TICKET_EVENTS <= set(BACKLOG_HANDLERS)


def test_the_desk_says_which_ticket_events_only_note_activity() -> None:
    """`desk/_feed.py` `_NOTES_ONLY` (the backlog feed and the no-checkpoint path of `_desk`)."""
    assert _NOTES_ONLY | COUNTED == TICKET_EVENTS
    assert not _NOTES_ONLY & COUNTED


def test_case_files_reach_every_event() -> None:
    """`testing/_case.py`: a step action's shortcut makes the event, or the ``event`` action does."""
    source = Path(inspect.getfile(_case)).read_text(encoding="utf-8")
    shortcuts = {EVENT_TYPES[tag] for tag in re.findall(r'"type": "(\w+)"', source)}
    assert shortcuts | EVENT_ACTION_ONLY == ALL
    assert not shortcuts & EVENT_ACTION_ONLY
    assert "event" in _case.ACTIONS


def test_timelines_generate_the_events_they_say() -> None:
    """`testing/strategies.py` `timelines`: the events it builds, and those it leaves out."""
    made = _names_in(inspect.cleandoc("\n" + inspect.getsource(testing_strategies.timelines)))
    generated = {c for c in ALL if c.__name__ in made}
    assert generated | NOT_GENERATED == ALL
    assert not generated & NOT_GENERATED
