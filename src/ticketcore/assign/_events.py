"""Events only the dispatcher reads: agents, presence, transfers, escalations, ticks.

The ticket events (`ticketcore.events`: created, updated, status changed, replies)
are shared with the SLA clock. All events are frozen, keyword-only values validated
when built, and carry the instant ``at`` they happened. Don't subclass them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import aware, event_id, nonempty
from ticketcore._util import wrap as _wrap
from ticketcore.assign._model import Agent, Pool, Presence, Routing

__all__ = [
    "AgentAdded",
    "AgentChanged",
    "AgentRemoved",
    "DispatcherEvent",
    "PoolChanged",
    "PresenceChanged",
    "RoutingChanged",
    "Tick",
    "TicketEscalated",
    "TicketTransferred",
]

_agent_id = nonempty("a non-empty agent id")
_ticket_id = nonempty("a non-empty ticket id")


class DispatcherEvent:
    """The base of the dispatcher's own events: each has ``at``."""

    __slots__ = ()
    at: datetime


def _agent(instance: object, attribute: attrs.Attribute[Agent], value: object) -> None:
    if not isinstance(value, Agent):
        raise InvalidInput("agent", "a ticketcore.assign.Agent", value)


def _to_presence(value: object) -> Presence:
    return Presence.parse(value)


def _to_pool_names(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise InvalidInput("pools", "a list of pool names", value)
    out: list[str] = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"pools[{i}]", "a non-empty pool name", name)
        if name in out:
            raise InvalidInput(f"pools[{i}]", "each pool at most once", name)
        out.append(name)
    return tuple(out)


@attrs.frozen(kw_only=True)
class AgentAdded(DispatcherEvent):
    """An agent joined. They may take backlog tickets at once.

    ``pools`` names pools that list their members by id (`Pool.agents`) for the agent to
    join, at the end of each list: one event, no restated routing. A pool that already
    names the agent keeps its order.
    """

    at: datetime = attrs.field(validator=aware)
    agent: Agent = attrs.field(validator=_agent)
    pools: tuple[str, ...] = attrs.field(default=(), converter=_to_pool_names)
    event_id: str | None = attrs.field(default=None, validator=event_id)


@attrs.frozen(kw_only=True)
class AgentRemoved(DispatcherEvent):
    """An agent left. Their unresolved tickets go back to routing."""

    at: datetime = attrs.field(validator=aware)
    agent_id: str = attrs.field(validator=_agent_id)
    event_id: str | None = attrs.field(default=None, validator=event_id)


#: Agent fields an `AgentChanged` may change (not ``id``; presence has `PresenceChanged`).
AGENT_CHANGES: Final = tuple(f.name for f in attrs.fields(Agent) if f.name not in ("id", "presence"))


def _changes(
    value: object, what: str, allowed: tuple[str, ...], probe: object
) -> tuple[tuple[str, Any], ...]:
    """Changes to some of a value's fields, validated and converted as that value's own fields are."""
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput("changes", f"a non-empty dict of {what} fields", value)
    for key in value:
        if key not in allowed:
            raise InvalidInput.unknown_key(f"changes.{key}", str(key), allowed)
    changed = _wrap("changes", attrs.evolve, probe, **value)  # skills in lower case, a cap checked ...
    return tuple(sorted((key, getattr(changed, key)) for key in value))


def _to_agent_changes(value: object) -> tuple[tuple[str, Any], ...]:
    return _changes(value, "agent", AGENT_CHANGES, _PROBE)


_PROBE: Final = Agent(id="probe")


@attrs.frozen(kw_only=True)
class AgentChanged(DispatcherEvent):
    """Some of an agent's fields changed, for example ``changes={"cap": 3}``.

    Any field but ``id`` and ``presence`` (`PresenceChanged` moves it), converted and
    checked as `Agent` does; the fields not named, presence included, stay as they are.
    """

    at: datetime = attrs.field(validator=aware)
    agent_id: str = attrs.field(validator=_agent_id)
    changes: tuple[tuple[str, Any], ...] = attrs.field(converter=_to_agent_changes)
    event_id: str | None = attrs.field(default=None, validator=event_id)

    def apply(self, agent: Agent) -> Agent:
        """The agent with the changes made."""
        return attrs.evolve(agent, **dict(self.changes))


@attrs.frozen(kw_only=True)
class PresenceChanged(DispatcherEvent):
    """An agent came online, went away or went offline."""

    at: datetime = attrs.field(validator=aware)
    agent_id: str = attrs.field(validator=_agent_id)
    presence: Presence = attrs.field(converter=_to_presence)
    event_id: str | None = attrs.field(default=None, validator=event_id)


@attrs.frozen(kw_only=True)
class TicketTransferred(DispatcherEvent):
    """A person moved a ticket to ``to_agent`` (a hand-off, or a manual assignment).

    A manual move may go to an agent who is offline or at the cap; that agent then gets
    nothing automatic until back under it. ``by`` names who did it, for the record.
    """

    at: datetime = attrs.field(validator=aware)
    ticket_id: str = attrs.field(validator=_ticket_id)
    to_agent: str = attrs.field(validator=_agent_id)
    by: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(nonempty("a name, or None"))
    )
    event_id: str | None = attrs.field(default=None, validator=event_id)


def _to_tier(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (type(value) is not int or not 2 <= value <= 4):
        raise InvalidInput("to_tier", "a support tier from 2 to 4, or None for the next tier", value)


@attrs.frozen(kw_only=True)
class TicketEscalated(DispatcherEvent):
    """Move a ticket up to ``to_tier`` (None: the next tier) and re-route it to that tier's pool.

    Feed it from an SLA ladder's `ticketcore.sla.MoveTier` alert, from a person, or from
    anything else; ``reason`` is kept in the record.
    """

    at: datetime = attrs.field(validator=aware)
    ticket_id: str = attrs.field(validator=_ticket_id)
    to_tier: int | None = attrs.field(default=None, validator=_to_tier)
    reason: str = attrs.field(default="escalated by hand", validator=nonempty("a non-empty reason"))
    event_id: str | None = attrs.field(default=None, validator=event_id)


@attrs.frozen(kw_only=True)
class Tick(DispatcherEvent):
    """A periodic pass: hand out backlog tickets to agents with room (and whose shift began)."""

    at: datetime = attrs.field(validator=aware)
    event_id: str | None = attrs.field(default=None, validator=event_id)


#: Pool fields a `PoolChanged` may change (not ``name``).
POOL_CHANGES: Final = tuple(f.name for f in attrs.fields(Pool) if f.name != "name")
_POOL_PROBE: Final = Pool(name="probe")


def _to_pool_changes(value: object) -> tuple[tuple[str, Any], ...]:
    return _changes(value, "pool", POOL_CHANGES, _POOL_PROBE)


@attrs.frozen(kw_only=True)
class PoolChanged(DispatcherEvent):
    """Some of one pool's options changed, for example ``changes={"cap": 4}``.

    Any field but ``name``, converted and checked as `Pool` does; the rest of the
    routing stays as it is. The dispatcher then acts as on a `RoutingChanged`.
    """

    at: datetime = attrs.field(validator=aware)
    pool: str = attrs.field(validator=nonempty("a non-empty pool name"))
    changes: tuple[tuple[str, Any], ...] = attrs.field(converter=_to_pool_changes)
    event_id: str | None = attrs.field(default=None, validator=event_id)

    def apply(self, routing: Routing) -> Routing:
        """The routing with the changes made to the pool (`InvalidInput` if it has no such pool)."""
        routing.pool(self.pool)  # a known pool
        pools = tuple(
            attrs.evolve(p, **dict(self.changes)) if p.name == self.pool else p for p in routing.pools
        )
        return attrs.evolve(routing, pools=pools)


def _routing(instance: object, attribute: attrs.Attribute[Routing], value: object) -> None:
    if not isinstance(value, Routing):
        raise InvalidInput("routing", "a ticketcore.assign.Routing", value)


@attrs.frozen(kw_only=True)
class RoutingChanged(DispatcherEvent):
    """The admin changed the rules, pools or options. Tickets already assigned stay put.

    Backlog tickets of a pool that no longer exists go back to routing; the rest of the
    backlog is re-ordered under the new options and handed out where there is room.
    """

    at: datetime = attrs.field(validator=aware)
    routing: Routing = attrs.field(validator=_routing)
    event_id: str | None = attrs.field(default=None, validator=event_id)
