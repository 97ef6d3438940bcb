"""The dispatcher: a sans-I/O state machine that decides who gets each ticket.

Job: `Dispatcher` (construction, the reading methods and `handle`) and `choose`. The
class is `_core._Core` (its slots) with one mixin per job, each in its own module:
`_handlers` (event handling), `_atomic` (undo), `_state` (state conversion), `_backlog`
(backlog queues), `_placing` (routing and giving), `_selection` (selection, rotation and
explanations) and `_tables` (indexes and reason tables); `_records` holds the private
records they share and `_rotation` the rotation values. This module may import all of
them; none of them imports it.

Theory of operation
-------------------
The host feeds events in (`Dispatcher.handle`) and gets decisions out; the
dispatcher never reads a clock or stores anything itself. Its state is:

- the agents, in the order they were added;
- every ticket it knows, each in exactly one *place*: ``assigned`` (to an agent),
  ``backlog`` (waiting in a pool's backlog) or ``unassigned`` (left alone, with the
  reason). A solved ticket stays with its owner, so that a reopen returns it to
  them; a closed ticket is final and forgotten;
- each agent's *load*: their assigned tickets whose status counts (`Routing.counted`);
- each pool's rotation: who it assigned to last and where they stood, and the
  weighted cycle's credits;
- the idle clock, one for all pools: when each agent last received a ticket, by any
  route (a sequence number, not a time, so equal times never tie);
- the backlogs: per pool, one heap per need, a ticket's required skills and, when the
  pool matches languages, its language (a single heap when no ticket has needs), ordered
  by the pool's `BacklogOrder` with the arrival order as
  the last tie-break. Every ticket in one heap has the same set of eligible agents, so a
  head that finds nobody blocks its heap for the pass without wrongly blocking tickets
  behind it, and a pass costs a heap operation per ticket handed out, however long
  the backlog. Stale heap entries (a ticket that left the backlog, or was re-keyed)
  are dropped lazily when they reach the top.

Loads and backlogs are derived data: `to_dict` writes the tickets, agents, rotations
and routing, and `from_dict` rebuilds the rest, so a restored dispatcher makes the
same decisions as one that never stopped.

Every handler validates its event completely before it changes anything, so an
event that raises leaves the dispatcher as it was.

Capacity frees (a ticket solved, closed or moved to a status that does not count, a
ticket taken from its agent by a transfer, an escalation, an update rule or a return on
going offline, an agent online, a cap raised, an agent added) trigger a backlog *pass*
restricted to the agents concerned; `Tick` and `RoutingChanged` trigger a pass over
everyone. A
pass goes through the pools in routing order and, in each, hands out the heads of its
heaps in backlog order while someone eligible remains (at most ``backlog_limit``
tickets per agent per pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput, OutOfOrder
from ticketcore._instant import REAL_EPOCH as _EPOCH
from ticketcore._instant import earlier
from ticketcore._ticket import Ticket
from ticketcore.assign._atomic import _Atomic
from ticketcore.assign._backlog import _Backlog
from ticketcore.assign._core import _check_agents_known
from ticketcore.assign._decisions import (
    Decision,
    Escalated,
    Explanation,
)
from ticketcore.assign._fast import Ranked
from ticketcore.assign._handlers import _CREATED, HANDLERS, _Handlers
from ticketcore.assign._model import (
    Agent,
    Pool,
    Routing,
)
from ticketcore.assign._placing import _Placing
from ticketcore.assign._records import (
    ASSIGNED,
    BACKLOG,
    UNASSIGNED,
    _Channels,
    _Info,
    _Need,
    _Rec,
    _Rot,
)
from ticketcore.assign._rotation import PoolRotation, Rotation
from ticketcore.assign._selection import _Selecting
from ticketcore.assign._state import _Persisting
from ticketcore.assign._strategies import (
    Selection,
)
from ticketcore.assign._tables import _Tables
from ticketcore.events import (
    TicketCreated,
)
from ticketcore.sla import SLAPolicies

__all__ = ["Dispatcher", "choose"]

#: Bound here, not imported by name: CPython 3.11 compiles ``NAME.get(...)`` on an imported
#: ``NAME`` as an attribute read that builds a bound method (no LOAD_METHOD), on every event.
_HANDLERS: Final = HANDLERS


class Dispatcher(_Handlers, _Atomic, _Persisting, _Backlog, _Placing, _Selecting, _Tables):
    """Decides who gets each ticket, one event at a time, without I/O.

    >>> from datetime import datetime, timezone
    >>> from ticketcore import Ticket
    >>> from ticketcore.assign import Agent, Pool, Routing, Rule
    >>> from ticketcore.conditions import F
    >>> from ticketcore.events import TicketCreated
    >>> routing = Routing(
    ...     rules=[Rule(name="chat to Catherine", when=F.channel == "chat", agent="catherine")],
    ...     pools=[Pool(name="support", cap=5)],
    ...     default_pool="support",
    ... )
    >>> d = Dispatcher(routing, [Agent(id="catherine"), Agent(id="miriam")])
    >>> at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> [decision] = d.handle(TicketCreated(ticket=Ticket(id="T-1", created=at)))
    >>> decision.agent_id, decision.explanation.route, decision.explanation.tiebreak
    ('catherine', 'default pool', "next in rotation first in the pool's order")
    >>> [decision] = d.handle(TicketCreated(ticket=Ticket(id="T-2", created=at, channel="chat")))
    >>> decision.agent_id, decision.explanation.route
    ('catherine', "rule 'chat to Catherine'")

    Events: the ticket events of `ticketcore.events` and the dispatcher's own
    (`AgentAdded`, `AgentRemoved`, `AgentChanged`, `PresenceChanged`, `PoolChanged`,
    `TicketTransferred`, `TicketEscalated`, `Tick`, `RoutingChanged`). Events must come
    in time order (equal times are fine).

    Errors: `InvalidTransition` for an event the state does not allow (a ticket id in
    use, an unknown ticket or agent, an event earlier than the last one, an escalation
    past tier 4; `ticketcore.OutOfOrder`, one of them, for an event earlier than the
    dispatcher's clock), `InvalidInput` for a bad value. Either way the dispatcher is
    unchanged and stays usable.
    """

    #: Whether the built-in round robin, least loaded and longest idle use the fast
    #: structures of `_fast` (False: every selection runs the strategy's reference
    #: `select`; the tests compare the two).
    _FAST = True

    # Slots: declared on `_Core` (every job mixin has none of its own), so no instance has a __dict__.
    __slots__ = ()

    def __init__(
        self, routing: Routing, agents: Iterable[Agent] = (), *, sla: SLAPolicies | None = None
    ) -> None:
        if not isinstance(routing, Routing):
            raise InvalidInput("routing", "a ticketcore.assign.Routing", routing)
        if sla is not None and not isinstance(sla, SLAPolicies):
            raise InvalidInput("sla", "a ticketcore.sla.SLAPolicies or None", sla)
        given: object = agents
        if isinstance(given, str | Mapping) or not isinstance(given, Iterable):
            raise InvalidInput("agents", "a list of ticketcore.assign.Agent", agents)
        table: dict[str, Agent] = {}
        for i, agent in enumerate(agents):
            if not isinstance(agent, Agent):
                raise InvalidInput(f"agents[{i}]", "a ticketcore.assign.Agent", agent)
            if agent.id in table:
                raise InvalidInput(f"agents[{i}].id", "an id no other agent has", agent.id)
            table[agent.id] = agent
        _check_agents_known(routing, table, "routing")
        self._check_due(routing, sla)
        self._routing = routing
        self._sla = sla
        self._agents = table
        self._tickets: dict[str, _Rec] = {}
        self._load: dict[str, int] = {}
        self._ch = _Channels()  # caps per channel (one attribute: see _Channels)
        self._rot: dict[str, _Rot] = {}
        self._counter = 0
        self._idle: dict[str, int] = {}
        self._arrivals = 0
        self._now: datetime | None = None
        self._decided = _EPOCH  # the instant of the event being handled (see handle; 0001-01-01 until then)
        self._queues: dict[str, dict[_Need, list[tuple[Any, ...]]]] = {}
        self._members: dict[str, list[str]] = {}
        self._info: dict[str, _Info] = {}
        self._fallback: dict[int, tuple[Pool, str]] = {}
        self._pools_of: dict[str, list[Pool]] = {}
        self._pool_by_name: dict[str, Pool] = {}
        self._reasons: dict[str, dict[str, str | None]] = {}
        # The fast selection's structures (see _fast): each pool's member positions; for
        # round robin, the sorted positions of the members whose reason is None; for
        # least loaded and longest idle, a heap of the eligible members. Rebuilt by
        # _refresh_all, kept up to date by _refresh and _give.
        self._pos: dict[str, dict[str, int]] = {}
        self._open: dict[str, list[int]] = {}
        self._ranked: dict[str, Ranked] = {}
        self._ranked_of: dict[str, list[tuple[dict[str, str | None], Ranked]]] = {}
        # What a strategy reads (members, reasons, loads, agents, rotation) changes only
        # through _refresh, _refresh_all, _give and _restore_rotation, and each of them
        # moves the epoch on. Between two moves a pool's plain selection is a pure
        # function of that state, so the last one per pool is reused (a backlog where
        # everyone is at the cap otherwise scans every member for each new ticket).
        self._epoch = 0
        self._selected: dict[str, tuple[int, Selection]] = {}
        self._explained: dict[str, tuple[int, Selection, str, tuple[tuple[str, str], ...], Explanation]] = {}
        self._counted = routing.counted
        self._fragile = False  # whether some pool orders its backlog by due time (set by _index)
        self._index()

    # ------------------------------------------------------------------ reading

    @property
    def routing(self) -> Routing:
        """The routing in force."""
        return self._routing

    @property
    def agents(self) -> tuple[Agent, ...]:
        """The agents, in the order they were added."""
        return tuple(self._agents.values())

    @property
    def now(self) -> datetime | None:
        """The time of the last event handled, or None before the first."""
        return self._now

    def load(self, agent_id: str, channel: str | None = None) -> int:
        """The agent's counted open tickets: all of them, or those of ``channel`` (any case)."""
        self._agent(agent_id, "agent_id")
        if channel is None:
            return self._load.get(agent_id, 0)
        given: object = channel  # from the host: check it
        if not isinstance(given, str) or not given:
            raise InvalidInput("channel", "a channel name or None", given)
        channel = channel.casefold()
        if self._ch.track:
            return self._ch.load.get(agent_id, {}).get(channel, 0)
        counted = self._counted  # no cap per channel anywhere: count (they are not kept)
        return sum(
            1
            for rec in self._tickets.values()
            if rec.place == ASSIGNED
            and rec.agent == agent_id
            and rec.status in counted
            and rec.ticket.channel.casefold() == channel
        )

    def ticket(self, ticket_id: str) -> Ticket:
        """The ticket as the dispatcher knows it now (status and assignee up to date)."""
        return self._rec(ticket_id).current()

    def tier(self, ticket_id: str) -> int:
        """The ticket's support tier now (``ticket(ticket_id).tier``, without building the ticket)."""
        return self._rec(ticket_id).ticket.tier

    def place(self, ticket_id: str) -> tuple[str, str | None]:
        """Where the ticket is.

        ``("assigned", agent)``, ``("backlog", pool)`` or ``("unassigned", reason)``.
        """
        rec = self._rec(ticket_id)
        if rec.place == ASSIGNED:
            return ASSIGNED, rec.agent
        if rec.place == BACKLOG:
            return BACKLOG, rec.pool
        return UNASSIGNED, rec.reason

    def tickets(self) -> tuple[str, ...]:
        """The ids of the tickets the dispatcher knows (closed tickets are forgotten), oldest first."""
        return tuple(self._tickets)

    def backlog(self, pool: str) -> tuple[str, ...]:
        """The ids of the tickets waiting in ``pool``'s backlog, in the order they will be handed out.

        Tickets with different needs (required skills; languages, when the pool matches
        them) wait in separate lines; this merges them by the pool's order.
        """
        if type(pool) is not str or pool not in self._pool_by_name:
            raise InvalidInput.unknown_key("pool", pool, self._pool_by_name, "pool names")
        live = [e for q in self._queues.get(pool, {}).values() for e in q if self._live(e, pool)]
        return tuple(e[-1] for e in sorted(live))

    def rotation(self) -> Rotation:
        """Every pool's rotation state, as a value."""
        return Rotation(
            pools=tuple(
                (
                    name,
                    PoolRotation(last=r.last, index=r.index, credits=tuple(sorted(r.credit.items()))),
                )
                for name, r in sorted(self._rot.items())
            ),
            counter=self._counter,
            assigned=tuple(sorted(self._idle.items())),
        )

    # ------------------------------------------------------------------ handling

    def handle(self, event: object, *, at: datetime | None = None) -> tuple[Decision, ...]:
        """Take one event; return the decisions it caused, in order (often none or one).

        ``at`` (default: the event's own instant) is when the decision is made: a host
        that receives a ticket's event late, after events of other tickets, decides it at
        its current clock (`ticketcore.desk.Desk` does). It must not be before the last
        event's; a ticket's own record (its creation time, for backlog order) keeps the
        event's instant.
        """
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise InvalidInput("event", "a ticket or dispatcher event", event)
        own: datetime = (
            event.ticket.created  # type: ignore[attr-defined]  # (its `at`, without the property's call)
            if handler is _CREATED
            else event.at  # type: ignore[attr-defined]  # every event class has an aware `at`
        )
        if at is None or at == own:
            at = own
        else:
            if not isinstance(at, datetime):
                raise InvalidInput("at", "an aware datetime or None", at)
            if at.utcoffset() is None:
                raise InvalidInput("at", "an aware datetime or None", at)
            if earlier(at, own):
                raise InvalidInput("at", f"a decision time at or after the event's ({own.isoformat()})", at)
            if not isinstance(event, TicketCreated):
                event = attrs.evolve(event, at=at)  # type: ignore[misc]  # every other event has `at`
        now = self._now
        if now is not None and earlier(at, now):
            raise OutOfOrder("at", f"a time at or after the last event's ({now.isoformat()})", at)
        out: list[Decision] = []
        self._decided = at
        if not ((self._fragile or self._sla is not None) and self._may_fail(type(event))):
            handler(self, event, out)
        else:
            # A due time that cannot be computed (a calendar without enough open time, a
            # bad requester zone) can only be found when a ticket is queued: undo then.
            undo = self._save(event)
            try:
                handler(self, event, out)
            except BaseException:
                self._undo(undo)
                raise
        self._now = at
        return tuple(out)


def choose(
    ticket: Ticket,
    routing: Routing,
    agents: Sequence[Agent],
    loads: Mapping[str, int],
    rotation: Rotation | None = None,
    *,
    at: datetime | None = None,
    sla: SLAPolicies | None = None,
    channel_loads: Mapping[str, Mapping[str, int]] | None = None,
) -> tuple[Decision, Rotation]:
    """The same choice the `Dispatcher` makes, as a pure function, for hosts that keep their own state.

    Give the ticket, the routing, the agents with their current ``loads`` (counted open
    tickets per agent id; missing means 0) and the rotation state from the last call
    (None at first). Get back the decision (`Assigned`, `Queued`: it would wait in the
    pool's backlog, or `LeftUnassigned`) and the new rotation state to keep. ``at``
    (default: the ticket's creation) is the moment of the decision, for shifts.
    ``channel_loads`` gives, per agent id, the counted open tickets per channel, for
    caps per channel (`Agent.channel_caps`; missing means 0).

    >>> from datetime import datetime, timezone
    >>> from ticketcore import Ticket
    >>> from ticketcore.assign import Agent, LeastLoaded, Pool, Routing
    >>> routing = Routing(pools=[Pool(name="all", strategy=LeastLoaded(), cap=10)], default_pool="all")
    >>> agents = [Agent(id="a"), Agent(id="b"), Agent(id="c")]
    >>> t = Ticket(id="T-1", created=datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    >>> decision, rotation = choose(t, routing, agents, {"a": 5, "b": 9, "c": 3})
    >>> decision.agent_id, decision.explanation.tiebreak
    ('c', 'least loaded (3 open)')
    """
    if not isinstance(ticket, Ticket):
        raise InvalidInput("ticket", "a ticketcore.Ticket", ticket)
    d = Dispatcher(routing, agents, sla=sla)
    if not isinstance(loads, Mapping):
        raise InvalidInput("loads", "a dict from agent id to open tickets", loads)
    for agent_id, load in loads.items():
        d._agent(agent_id, f"loads[{agent_id!r}]")
        if type(load) is not int or load < 0:
            raise InvalidInput(f"loads[{agent_id!r}]", "a whole number, at least 0", load)
        d._load[agent_id] = load
    for agent_id, held in (channel_loads or {}).items():
        d._agent(agent_id, f"channel_loads[{agent_id!r}]")
        if not isinstance(held, Mapping):
            raise InvalidInput(f"channel_loads[{agent_id!r}]", "a dict from channel to a whole number", held)
        counts: dict[str, int] = {}
        for given, n in held.items():
            channel: object = given  # from the host: check it
            where = f"channel_loads[{agent_id!r}][{channel!r}]"
            if not isinstance(channel, str) or not channel or type(n) is not int or n < 0:
                raise InvalidInput(where, "a channel name with a whole number, at least 0", n)
            counts[channel.casefold()] = counts.get(channel.casefold(), 0) + n
        d._ch.load[agent_id] = counts
    d._refresh_all()
    if rotation is not None:
        if not isinstance(rotation, Rotation):
            raise InvalidInput("rotation", "a ticketcore.assign.Rotation or None", rotation)
        d._restore_rotation(rotation)
    when = ticket.created if at is None else at
    rec = _Rec(attrs.evolve(ticket, assignee=None), 1)
    d._tickets[ticket.id] = rec
    out: list[Decision] = []
    d._route(rec, when, "created", "create", out)
    decision = next(x for x in reversed(out) if not isinstance(x, Escalated))
    return decision, d.rotation()
