"""Tagged dict forms of every event, so that a host can store, queue and replay them.

``{"type": "status_changed", "ticket_id": "T-1", "at": "2026-03-02T09:00:00+00:00",
"status": "solved"}``: the ``type`` tag is the event class's name in snake case, the
other keys are its fields (instants as ISO 8601 text with the offset, values such as
tickets, agents and routing in their own dict forms, enums by value). `event_from_dict`
reads what `event_to_dict` writes back to an equal event.

Given the host's `Vocabulary`, both speak the host's words: `event_to_dict` writes a
status as its category's first host name, and `event_from_dict` reads host status names
and priority names (and category names the vocabulary uses) in that vocabulary.

Events that carry a pool (`PoolChanged`'s ``strategy`` change, `RoutingChanged`'s routing)
name its strategy; `event_from_dict` reads a strategy of your own back given it by name,
``strategies={"mine": Mine()}``, as the other state readers do.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Mapping
from functools import partial
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._forms import TICKET_READERS, Reader, form_of, read_form, tag_of
from ticketcore._priority import Priority
from ticketcore.assign import (
    Agent,
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    Pool,
    PoolChanged,
    PresenceChanged,
    Routing,
    RoutingChanged,
    Strategy,
    Tick,
    TicketEscalated,
    TicketTransferred,
    strategy_from_dict,
)
from ticketcore.desk._config import NO_STRATEGIES
from ticketcore.desk._vocabulary import Vocabulary
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)

__all__ = ["EVENT_TYPES", "event_from_dict", "event_to_dict"]


_CLASSES: Final[tuple[type, ...]] = (
    TicketCreated,
    TicketUpdated,
    StatusChanged,
    CustomerMessage,
    AgentReply,
    DueDateSet,
    AgentAdded,
    AgentRemoved,
    AgentChanged,
    PresenceChanged,
    TicketTransferred,
    TicketEscalated,
    Tick,
    RoutingChanged,
    PoolChanged,
)

#: Every event class a desk reads, by its ``type`` tag.
EVENT_TYPES: Final[Mapping[str, type]] = {tag_of(cls): cls for cls in _CLASSES}

_READERS: Final[Mapping[str, Reader]] = {
    **TICKET_READERS,
    "agent": Agent.from_dict,
    "routing": Routing.from_dict,
}


def event_to_dict(event: object, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """The tagged, JSON-compatible dict form of any event a desk reads.

    With a ``vocabulary``, a status is written as its category's first host name (and a
    ticket's priority left out when it is the vocabulary's default priority).

    >>> from datetime import datetime, timezone
    >>> from ticketcore.events import StatusChanged
    >>> event = StatusChanged(ticket_id="T-1", at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...                       status="solved")
    >>> event_to_dict(event)["type"]
    'status_changed'
    >>> event_to_dict(event, Vocabulary(statuses={"Offen": "open", "Gelöst": "solved"}))["status"]
    'Gelöst'
    """
    if vocabulary is None:
        return _to_dict(event)
    if not isinstance(vocabulary, Vocabulary):
        raise InvalidInput("vocabulary", "a ticketcore.desk.Vocabulary or None", vocabulary)
    with vocabulary.active():
        form = _to_dict(event)
    if isinstance(event, StatusChanged):
        form["status"] = vocabulary.name(event.status)
    elif isinstance(event, TicketCreated) and "status" in form["ticket"]:
        form["ticket"]["status"] = vocabulary.name(event.ticket.status)
    return form


def _to_dict(event: object) -> dict[str, Any]:
    if type(event) not in _CLASSES:
        raise InvalidInput("event", f"one of the event types {', '.join(sorted(EVENT_TYPES))}", event)
    form = form_of(event)
    if isinstance(event, AgentChanged | PoolChanged):
        # The changed fields in the agent's or pool's own dict form (a shift calendar, a
        # strategy), read back through the same reader.
        model: Any = _PROBES[type(event)]
        whole = attrs.evolve(model, **dict(event.changes)).to_dict()
        defaults = _DEFAULTS[type(event)]
        form["changes"] = {key: whole.get(key, copy.deepcopy(defaults[key])) for key, _ in event.changes}
    return form


def event_from_dict(
    data: object,
    path: str = "event",
    vocabulary: Vocabulary | None = None,
    *,
    strategies: Mapping[str, Strategy] = NO_STRATEGIES,
) -> object:
    """Read an event from its tagged dict form; an error names the path of the bad key or value.

    With a ``vocabulary`` (a desk's: ``desk.config.vocabulary``), status and priority
    names are read in it (`Vocabulary.active`); without one, in the vocabulary in force.
    ``strategies`` gives the strategies of your own that a `PoolChanged` or
    `RoutingChanged` names, by name (``strategies={"mine": Mine()}``, see
    `ticketcore.assign.strategy_from_dict`); without it such a name is refused, saying so.

    >>> v = Vocabulary(statuses={"Offen": "open", "Warte auf Kunde": "pending"})
    >>> event_from_dict({"type": "status_changed", "ticket_id": "T-1",
    ...                  "at": "2026-03-02T09:00:00+00:00", "status": "Warte auf Kunde"}, vocabulary=v).status
    <Status.PENDING: 'pending'>
    """
    if strategies is not NO_STRATEGIES:
        strategy_from_dict("sequential", strategies=strategies)  # checks the mapping, whatever the event
    if vocabulary is None:
        return _from_dict(data, path, strategies)
    if not isinstance(vocabulary, Vocabulary):
        raise InvalidInput("vocabulary", "a ticketcore.desk.Vocabulary or None", vocabulary)
    with vocabulary.active():
        return _from_dict(data, path, strategies)


def _from_dict(data: object, path: str, strategies: Mapping[str, Strategy]) -> object:
    if not isinstance(data, Mapping):
        raise InvalidInput(path, "an event's dict form with a 'type'", data)
    tag = data.get("type")
    cls = EVENT_TYPES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise InvalidInput.unknown_key(f"{path}.type", str(tag), EVENT_TYPES, "event types")
    if cls in _PROBES and isinstance(data.get("changes"), Mapping):
        data = {**data, "changes": _read_changes(cls, data["changes"], f"{path}.changes", strategies)}
    if strategies is NO_STRATEGIES or cls is not RoutingChanged:
        return read_form(cls, data, path, _READERS)
    readers: dict[str, Reader] = {**_READERS, "routing": partial(Routing.from_dict, strategies=strategies)}
    return read_form(cls, data, path, readers)


_PROBES: Final[Mapping[type, Any]] = {AgentChanged: Agent(id="probe"), PoolChanged: Pool(name="probe")}


def _default_form(value: object) -> object:
    """A field's default in the model's dict form (which leaves defaults out)."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):  # a mapping kept as pairs (channel_caps): its form is a dict
        return dict(value)
    if isinstance(value, enum.Enum | Priority):
        return value.value
    to_dict = getattr(value, "to_dict", None)
    return value if to_dict is None else to_dict()


_DEFAULTS: Final[Mapping[type, Mapping[str, Any]]] = {
    AgentChanged: {
        f.name: _default_form(f.default) for f in attrs.fields(Agent) if f.default is not attrs.NOTHING
    },
    PoolChanged: {
        f.name: _default_form(f.default) for f in attrs.fields(Pool) if f.default is not attrs.NOTHING
    },
}


def _read_changes(
    cls: type, changes: Mapping[str, Any], path: str, strategies: Mapping[str, Strategy]
) -> dict[str, Any]:
    """An agent's or pool's changed fields read from their dict form, as the event takes them."""
    if cls is AgentChanged:
        probe: Any = Agent.from_dict({"id": "probe", **changes}, path)
    else:
        probe = Pool.from_dict({"name": "probe", **changes}, path, strategies=strategies)
    return {key: getattr(probe, key) for key in changes}
