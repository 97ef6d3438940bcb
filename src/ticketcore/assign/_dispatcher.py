"""The dispatcher: a sans-I/O state machine that decides who gets each ticket.

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

import heapq
import itertools
from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput, InvalidTransition
from ticketcore._ticket import Status, Ticket
from ticketcore._util import check_depth, check_keys, dump_instant, load_instant, read_bool
from ticketcore._util import wrap as _wrap
from ticketcore.assign._decisions import (
    Assigned,
    Decision,
    Escalated,
    Explanation,
    LeftUnassigned,
    Reason,
    ReturnedToPool,
    make_assigned,
    make_explanation,
    make_queued,
)
from ticketcore.assign._events import (
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    PoolChanged,
    PresenceChanged,
    RoutingChanged,
    Tick,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.assign._fast import LEAST_LOADED, LONGEST_IDLE, Ranked, ring_select, ring_walk
from ticketcore.assign._model import (
    Agent,
    BacklogOrder,
    Pool,
    Presence,
    Routing,
    Rule,
    read_form,
    with_presence,
)
from ticketcore.assign._strategies import (
    Check,
    LeastLoaded,
    LongestIdle,
    Selection,
    Sequential,
    rotation_text,
)
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)
from ticketcore.sla import SLAPolicies, evaluate

__all__ = ["Dispatcher", "PoolRotation", "Rotation", "choose"]

ASSIGNED: Final = "assigned"
BACKLOG: Final = "backlog"
UNASSIGNED: Final = "unassigned"

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_US: Final = timedelta(microseconds=1)
_ONLINE: Final = Presence.ONLINE
_PRESENCE_WORDS: Final = {p: p.value for p in Presence}
_BY_CREATED: Final = BacklogOrder.CREATED
#: The most explanations `_Info.said` keeps.
_SAID: Final = 4096
_CLOSED: Final = Status.CLOSED
_POOL_CHOICE: Final = Reason.POOL_CHOICE
_NO_ELIGIBLE: Final = Reason.NO_ELIGIBLE_AGENT
_POOL_EMPTY: Final = Reason.POOL_EMPTY
#: Why a ticket resolved while waiting left the backlog, by status (an enum's ``value`` is a Python call).
_WAITING_WORDS: Final = {s: f"{s.value} while waiting in the backlog" for s in Status}
_BACKLOG_PASS: Final = Reason.BACKLOG_PASS
_STATE_VERSION: Final = 2
#: The state versions `Dispatcher.from_dict` reads: 1 kept an idle clock per pool.
_READS: Final = frozenset({1, 2})


def _strategy_name(pool: Pool) -> str:
    form = pool.strategy.to_dict()
    return form if isinstance(form, str) else pool.strategy.name


def _missing(need: frozenset[str], have: frozenset[str]) -> str:
    """Why an agent without some of the skills ``need`` is passed over: ``missing skill 'billing'``."""
    return "missing skill " + ", ".join(map(repr, sorted(need - have)))


#: A backlog heap's key: the language to match ("" for none), the required skills, and
#: the channel when some member's or the pool's cap for it binds ("" otherwise).
_Need = tuple[str, frozenset[str], str]
_PLAIN: Final[_Need] = ("", frozenset(), "")


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // _US


def _read_counts(value: object, path: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and type(v) is int for k, v in value.items()
    ):
        raise InvalidInput(path, "a dict from agent id to a whole number", value)
    return tuple(sorted(value.items()))


@attrs.frozen(kw_only=True)
class PoolRotation:
    """One pool's rotation state.

    The last assignee and their position (for `Sequential`), and the weighted cycle's
    ``credits``.
    """

    last: str | None = None
    index: int = -1
    credits: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {"last": self.last, "index": self.index, "credits": dict(self.credits)}

    @classmethod
    def from_dict(cls, data: object, path: str = "rotation") -> PoolRotation:
        """Read the dict form."""
        d = read_form(data, path, ("last", "index", "credits"), ())
        credits = _read_counts(d.get("credits", {}), f"{path}.credits")
        last, index = d.get("last"), d.get("index", -1)
        if last is not None and not isinstance(last, str):
            raise InvalidInput(f"{path}.last", "an agent id or None", last)
        if type(index) is not int:
            raise InvalidInput(f"{path}.index", "a whole number", index)
        return cls(last=last, index=index, credits=credits)


@attrs.frozen(kw_only=True)
class Rotation:
    """Every pool's rotation state, the idle clock and the counter: what `choose` takes and gives back.

    ``assigned`` is the idle clock, one for all pools: for each agent, the sequence number
    (``counter`` at the time) of the last ticket they received, by any route; longest idle
    means the smallest number (never: none).
    """

    pools: tuple[tuple[str, PoolRotation], ...] = ()
    counter: int = 0
    assigned: tuple[tuple[str, int], ...] = ()

    def pool(self, name: str) -> PoolRotation:
        """The rotation of pool ``name`` (a fresh one if it has none yet)."""
        return dict(self.pools).get(name, PoolRotation())

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {
            "pools": {name: r.to_dict() for name, r in self.pools},
            "counter": self.counter,
            "assigned": dict(self.assigned),
        }

    @classmethod
    def from_dict(cls, data: object, path: str = "rotation") -> Rotation:
        """Read the dict form.

        The form of version 1 kept an idle clock per pool (``pools.<name>.assigned``);
        it is read into the global clock, each agent's latest number across pools.
        """
        d = read_form(data, path, ("pools", "counter", "assigned"), ())
        pools = d.get("pools", {})
        if not isinstance(pools, Mapping):
            raise InvalidInput(f"{path}.pools", "a dict from pool name to rotation", pools)
        counter = d.get("counter", 0)
        if type(counter) is not int or counter < 0:
            raise InvalidInput(f"{path}.counter", "a whole number, at least 0", counter)
        assigned = dict(_read_counts(d.get("assigned", {}), f"{path}.assigned"))
        read = []
        for k, v in pools.items():
            where = f"{path}.pools.{k}"
            form = v
            if isinstance(v, Mapping) and "assigned" in v:  # version 1: a clock per pool
                form = dict(v)
                for agent, seq in _read_counts(form.pop("assigned"), f"{where}.assigned"):
                    assigned[agent] = max(seq, assigned.get(agent, seq))
            read.append((str(k), PoolRotation.from_dict(form, where)))
        return cls(pools=tuple(sorted(read)), counter=counter, assigned=tuple(sorted(assigned.items())))


class _Rot:
    __slots__ = ("credit", "index", "last")

    def __init__(self) -> None:
        self.last: str | None = None
        self.index = -1
        self.credit: dict[str, int] = {}

    def copy(self) -> _Rot:
        other = _Rot()
        other.last, other.index, other.credit = self.last, self.index, dict(self.credit)
        return other


class _Rec:
    """A ticket as the dispatcher keeps it (mutable, private)."""

    __slots__ = ("agent", "answered", "arrival", "place", "pool", "reason", "status", "ticket", "version")

    def __init__(self, ticket: Ticket, arrival: int) -> None:
        self.ticket = ticket
        self.status = ticket.status
        self.place = UNASSIGNED
        self.agent: str | None = None
        self.pool: str | None = None
        self.reason: str | None = None
        self.answered = False
        self.arrival = arrival
        self.version = 0

    def copy(self) -> _Rec:
        other = _Rec.__new__(_Rec)
        for name in _Rec.__slots__:
            setattr(other, name, getattr(self, name))
        return other

    def current(self) -> Ticket:
        t = self.ticket
        if t.status is not self.status or t.assignee != self.agent:
            t = self.ticket = attrs.evolve(t, status=self.status, assignee=self.agent)
        return t


def _any(rec: _Rec) -> bool:
    return True


def _unanswered(rec: _Rec) -> bool:
    return not rec.answered and not rec.status.is_resolved


class _Channels:
    """The dispatcher's state for caps per channel (channels in lower case).

    ``load``: each agent's counted open tickets per channel, kept only while ``track``
    (some cap per channel exists); ``agents`` and ``pools``: their caps per channel;
    ``capped``: per pool, the channels some cap binds there; ``tables``: for those, the
    pool's reason tables (built only for the fast selection). One attribute on the
    dispatcher, not six: CPython shares an instance's attribute keys (and so keeps its
    attribute reads fast) only up to 30 of them.
    """

    __slots__ = ("agents", "capped", "load", "pools", "tables", "track")

    def __init__(self) -> None:
        self.load: dict[str, dict[str, int]] = {}
        self.agents: dict[str, dict[str, int]] = {}
        self.pools: dict[str, dict[str, int]] = {}
        self.capped: dict[str, frozenset[str]] = {}
        self.tables: dict[str, dict[str, _Table]] = {}
        self.track = False

    def copy(self) -> _Channels:
        other = _Channels()
        other.load = {a: dict(held) for a, held in self.load.items()}
        other.agents, other.pools, other.capped = self.agents, self.pools, self.capped
        other.tables, other.track = self.tables, self.track
        return other


class _Table:
    """One pool's reason table for tickets of one capped channel, and its fast structures."""

    __slots__ = ("open", "ranked", "reasons", "selected")

    def __init__(self, reasons: dict[str, str | None]) -> None:
        self.reasons = reasons
        self.open: list[int] | None = None
        self.ranked: Ranked | None = None
        self.selected: tuple[int, Selection] | None = None


class _Info:
    """A pool's facts that change only with the routing or the agents (rebuilt by `Dispatcher._index`).

    ``excluded``: the members the pool's filters exclude, with why; ``shifts``: whether
    some member has a shift the pool checks; ``strategy``: its name in explanations;
    ``ring``: the strategy is the built-in round robin; ``ranked``: least loaded or
    longest idle; ``simple``: no shifts and no cap per channel binds in the pool, so a
    ticket without skills and language (outside a backlog pass with a limit) takes the
    plain selection (see `Dispatcher._select`); ``said``: the round robin's explanations
    when it chose the member right after the last assignee, by last assignee and route
    (they depend on nothing else: immutable values, shared between decisions).
    """

    __slots__ = ("excluded", "name", "ranked", "ring", "said", "shifts", "simple", "strategy")

    def __init__(self, pool: Pool, excluded: tuple[tuple[str, str], ...], shifts: bool) -> None:
        self.name = pool.name
        self.said: dict[tuple[str | None, str], Explanation] = {}
        self.excluded = excluded
        self.shifts = shifts
        self.strategy = _strategy_name(pool)
        kind = type(pool.strategy)
        self.ring = kind is Sequential
        self.ranked = kind is LeastLoaded or kind is LongestIdle
        self.simple = not shifts  # and (set by _index) no cap per channel binds

    def ring_explanation(self, last: str | None, route: str) -> Explanation:
        """The explanation of a round robin that chose the member right after ``last``, nobody passed over."""
        said = self.said
        if len(said) >= _SAID:
            said.clear()  # (routes carry escalation details: keep the table bounded)
        why = said[last, route] = make_explanation(
            route, (), self.name, self.strategy, self.excluded, 1, rotation_text(last)
        )
        return why


class _View:
    """The `PoolView` a strategy reads."""

    __slots__ = ("agents", "ccaps", "channel", "d", "idle", "loads", "pcaps", "pool", "rot")

    def __init__(self, d: Dispatcher, pool: Pool, channel: str | None = None) -> None:
        self.agents = d._agents
        self.loads = d._load
        self.d = d
        self.ccaps = d._ch.agents
        self.pcaps = d._ch.pools[pool.name]
        self.pool = pool
        self.rot = d._rot[pool.name]
        self.idle = d._idle
        self.channel = channel

    def load(self, agent_id: str, channel: str | None = None) -> int:
        if channel is None:
            return self.loads[agent_id]
        return self.d.load(agent_id, channel)

    def cap(self, agent_id: str, channel: str | None = None) -> int | None:
        if channel is None:
            cap = self.agents[agent_id].cap
            return self.pool.cap if cap is None else cap
        channel = channel.casefold()
        own = self.ccaps[agent_id].get(channel)
        return self.pcaps.get(channel) if own is None else own

    def weight(self, agent_id: str) -> int:
        return self.agents[agent_id].weight

    def last_assigned(self, agent_id: str) -> int:
        return self.idle.get(agent_id, -1)

    def credit(self, agent_id: str) -> int:
        return self.rot.credit.get(agent_id, 0)

    @property
    def pointer(self) -> tuple[str | None, int]:
        return self.rot.last, self.rot.index


def _check_agents_known(routing: Routing, agents: Mapping[str, Agent], path: str) -> None:
    """Rules must name current agents; a pool may name one who does not exist (yet)."""
    for i, rule in enumerate(routing.rules):
        if rule.agent is not None and rule.agent not in agents:
            raise InvalidInput.unknown_key(f"{path}.rules[{i}].agent", rule.agent, agents, "agent ids")


class Dispatcher:
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
    past tier 4), `InvalidInput` for a bad value. Either way the dispatcher is
    unchanged and stays usable.
    """

    #: Whether the built-in round robin, least loaded and longest idle use the fast
    #: structures of `_fast` (False: every selection runs the strategy's reference
    #: `select`; the tests compare the two).
    _FAST = True

    # Slots: attribute reads stay fast for the dispatcher's whole life (on CPython 3.11, once an
    # instance's __dict__ is read, every later attribute read on it is several times slower), and
    # `_save` copies the whole state by these names.
    __slots__ = (
        "_agents",
        "_arrivals",
        "_ch",
        "_counted",
        "_counter",
        "_decided",
        "_epoch",
        "_explained",
        "_fallback",
        "_fragile",
        "_idle",
        "_info",
        "_load",
        "_members",
        "_now",
        "_open",
        "_pool_by_name",
        "_pools_of",
        "_pos",
        "_queues",
        "_ranked",
        "_ranked_of",
        "_reasons",
        "_rot",
        "_routing",
        "_selected",
        "_sla",
        "_tickets",
    )

    def __init__(
        self, routing: Routing, agents: Iterable[Agent] = (), *, sla: SLAPolicies | None = None
    ) -> None:
        if not isinstance(routing, Routing):
            raise InvalidInput("routing", "a ticketcore.assign.Routing", routing)
        if sla is not None and not isinstance(sla, SLAPolicies):
            raise InvalidInput("sla", "a ticketcore.sla.SLAPolicies or None", sla)
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
        self._decided = _EPOCH  # the instant of the event being handled (see handle)
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

    @staticmethod
    def _check_due(routing: Routing, sla: SLAPolicies | None) -> None:
        if sla is None:
            for i, pool in enumerate(routing.pools):
                if pool.backlog_order is BacklogOrder.DUE:
                    raise InvalidInput(
                        f"routing.pools[{i}].backlog_order",
                        "an order other than 'due' when no sla is given",
                        "due",
                    )

    # ------------------------------------------------------------------ indexes

    def _index(self) -> None:
        """Recompute pool membership (static filters) after agents or routing change."""
        agents = self._agents
        self._pool_by_name = {p.name: p for p in self._routing.pools}
        self._fragile = any(p.backlog_order is BacklogOrder.DUE for p in self._routing.pools)
        self._pools_of = {a: [] for a in agents}
        by_id = sorted(agents)
        for pool in self._routing.pools:
            if pool.agents is not None:
                base = list(pool.agents)
            elif pool.department is not None:
                dept = pool.department.casefold()
                base = [a for a in by_id if dept in agents[a].departments]
            else:
                base = by_id
            members: list[str] = []
            excluded: list[tuple[str, str]] = []
            for a in base:
                agent = agents.get(a)
                if agent is None:
                    excluded.append((a, "not a current agent"))
                elif pool.tier is not None and agent.tier != pool.tier:
                    excluded.append((a, f"tier {agent.tier}, not {pool.tier}"))
                elif pool.skills and not pool.skills <= agent.skills:
                    excluded.append((a, _missing(pool.skills, agent.skills)))
                else:
                    members.append(a)
                    self._pools_of[a].append(pool)
            self._members[pool.name] = members
            self._pos[pool.name] = {a: i for i, a in enumerate(members)}
            self._info[pool.name] = _Info(
                pool,
                tuple(excluded),
                pool.check_shift and any(agents[a].shift is not None for a in members),
            )
            self._rot.setdefault(pool.name, _Rot())
        self._ch.agents = {a: dict(agent.channel_caps) for a, agent in agents.items()}
        self._ch.pools = {p.name: dict(p.channel_caps) for p in self._routing.pools}
        before, self._ch.capped = self._ch.capped, {}
        for pool in self._routing.pools:
            capped = set(self._ch.pools[pool.name])
            for a in self._members[pool.name]:
                capped.update(self._ch.agents[a])
            if capped:
                self._ch.capped[pool.name] = frozenset(capped)
                self._info[pool.name].simple = False
        self._load = {a: self._load.get(a, 0) for a in agents}
        self._fallback = {}
        for tier in range(1, 5):  # where a ticket no rule sends goes (see _route)
            target = self._routing.tier_pool(tier)
            if target is not None:
                self._fallback[tier] = (self._pool_by_name[target], f"tier {tier} pool")
            elif self._routing.default_pool is not None:
                self._fallback[tier] = (self._pool_by_name[self._routing.default_pool], "default pool")
        track = any(self._ch.agents.values()) or any(self._ch.pools.values())
        if track and not self._ch.track:
            self._ch.track = True
            self._count()  # from here on kept up to date by _bump
        self._ch.track = track
        self._ch.load = {a: self._ch.load.get(a, {}) for a in agents} if track else {}
        for name in [n for n in self._queues if before.get(n) != self._ch.capped.get(n)]:
            self._refile(name)
        self._refresh_all()

    def _refile(self, name: str) -> None:
        """File a pool's waiting tickets anew by need: which channels its caps bind changed."""
        pool = self._pool_by_name.get(name)
        if pool is None:
            return
        queues: dict[_Need, list[tuple[Any, ...]]] = {}
        for q in self._queues[name].values():
            for entry in q:
                if self._live(entry, name):
                    queues.setdefault(self._need(self._tickets[entry[-1]].ticket, pool), []).append(entry)
        for q in queues.values():
            heapq.heapify(q)
        self._queues[name] = queues

    # The reason table: for each pool and member, why they cannot take any ticket now
    # (presence, cap), or None. Kept up to date on every load or agent change, so that a
    # selection reads it with C-level ``map`` instead of checking agents one by one.

    def _reason(self, agent_id: str, pool: Pool, channel: str | None = None) -> str | None:
        """Why the member cannot take a ticket (of ``channel``, a capped one, when given) now, or None.

        Presence first, then the overall cap, then the channel's cap.
        """
        agent = self._agents[agent_id]
        if not pool.assign_offline and agent.presence is not _ONLINE:
            return _PRESENCE_WORDS[agent.presence]
        cap = pool.cap if agent.cap is None else agent.cap
        if cap is not None:
            load = self._load[agent_id]
            if load >= cap:
                return f"at cap {load}/{cap}"
        if channel is not None:
            ccap = self._ch.agents[agent_id].get(channel)
            if ccap is None:
                ccap = self._ch.pools[pool.name].get(channel)
            if ccap is not None:
                held = self._ch.load[agent_id].get(channel, 0)
                return f"at {channel} cap {held}/{ccap}" if held >= ccap else None
        if cap is None and pool.strategy.needs_cap:
            return f"no cap, which the {pool.strategy.name} strategy needs"
        return None

    def _refresh(self, agent_id: str) -> None:
        """Bring the agent's reasons and the fast structures up to date (see `_bump`)."""
        self._bump(agent_id, 0, None)

    def _bump(self, agent_id: str, delta: int, rec: _Rec | None) -> None:
        """The agent's load moves by ``delta`` for ``rec``'s ticket (0: no load moved), then their reasons.

        One function for both, not two calls: it runs on every assignment and every solve.
        """
        if delta:
            self._load[agent_id] += delta
            if self._ch.track and rec is not None:
                held = self._ch.load[agent_id]
                channel = rec.ticket.channel.casefold()
                held[channel] = held.get(channel, 0) + delta
        self._epoch += 1
        for pool in self._pools_of[agent_id]:
            name = pool.name
            reasons = self._reasons[name]
            old = reasons[agent_id]
            new = self._reason(agent_id, pool)
            if new != old:
                reasons[agent_id] = new
                ranked = self._ranked.get(name)
                if ranked is not None:
                    ranked.passed = None
                elif (old is None) is not (new is None) and name in self._open:
                    open_, at = self._open[name], self._pos[name][agent_id]
                    if new is None:
                        insort(open_, at)
                    else:
                        del open_[bisect_left(open_, at)]
        if self._ch.tables:
            self._refresh_channels(agent_id)
        if self._ranked_of:
            self._rank(agent_id)

    def _refresh_channels(self, agent_id: str) -> None:
        """`_refresh` for the reason tables of capped channels."""
        for pool in self._pools_of[agent_id]:
            name = pool.name
            for channel, table in self._ch.tables.get(name, {}).items():
                old = table.reasons[agent_id]
                new = self._reason(agent_id, pool, channel)
                if new != old:
                    table.reasons[agent_id] = new
                    if table.ranked is not None:
                        table.ranked.passed = None
                    elif (old is None) is not (new is None) and table.open is not None:
                        at = self._pos[name][agent_id]
                        if new is None:
                            insort(table.open, at)
                        else:
                            del table.open[bisect_left(table.open, at)]

    def _rank(self, agent_id: str) -> None:
        """Bring the agent's entries in the least-loaded and longest-idle heaps up to date."""
        for reasons, ranked in self._ranked_of.get(agent_id, ()):
            ranked.update(
                agent_id,
                reasons[agent_id] is None,
                self._load[agent_id],
                self._idle.get(agent_id, -1),
            )

    def _refresh_all(self) -> None:
        self._epoch += 1
        self._reasons = {
            pool.name: {a: self._reason(a, pool) for a in self._members[pool.name]}
            for pool in self._routing.pools
        }
        self._open = {}
        self._ranked = {}
        self._ranked_of = {}
        self._ch.tables = {}
        if not self._FAST:
            return  # the reference checks channel caps itself (see _select)
        for pool in self._routing.pools:
            name, kind = pool.name, type(pool.strategy)
            members = self._members[name]
            reasons = self._reasons[name]
            tables: list[tuple[dict[str, str | None], _Table | None]] = [(reasons, None)]
            for channel in sorted(self._ch.capped.get(name, ())):
                made = _Table({a: self._reason(a, pool, channel) for a in members})
                self._ch.tables.setdefault(name, {})[channel] = made
                tables.append((made.reasons, made))
            for reasons, table in tables:
                if kind is Sequential:
                    open_ = [i for i, a in enumerate(members) if reasons[a] is None]
                    if table is None:
                        self._open[name] = open_
                    else:
                        table.open = open_
                elif kind is LeastLoaded or kind is LongestIdle:
                    ranked = Ranked(LEAST_LOADED if kind is LeastLoaded else LONGEST_IDLE, self._pos[name])
                    if table is None:
                        self._ranked[name] = ranked
                    else:
                        table.ranked = ranked
                    for a in members:
                        self._ranked_of.setdefault(a, []).append((reasons, ranked))
        for agent_id in self._ranked_of:
            self._rank(agent_id)

    def _count(self) -> None:
        """Each agent's load, overall and (when some cap per channel exists) per channel, from the tickets."""
        self._load = dict.fromkeys(self._agents, 0)
        self._ch.load = {a: {} for a in self._agents} if self._ch.track else {}
        for rec in self._tickets.values():
            if rec.place == ASSIGNED and rec.agent in self._load and rec.status in self._counted:
                self._load[rec.agent] += 1
                if self._ch.track:
                    held = self._ch.load[rec.agent]
                    channel = rec.ticket.channel.casefold()
                    held[channel] = held.get(channel, 0) + 1

    def _recount(self) -> None:
        self._count()
        self._refresh_all()

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
        if pool not in self._pool_by_name:
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

    def _rec(self, ticket_id: str) -> _Rec:
        rec = self._tickets.get(ticket_id)
        if rec is None:
            raise InvalidTransition("ticket_id", "a ticket the dispatcher knows", ticket_id)
        return rec

    def _agent(self, agent_id: str, field: str) -> Agent:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise InvalidTransition(field, "an agent the dispatcher knows", agent_id)
        return agent

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
            if at < own:
                raise InvalidInput("at", f"a decision time at or after the event's ({own.isoformat()})", at)
            if not isinstance(event, TicketCreated):
                event = attrs.evolve(event, at=at)  # type: ignore[misc]  # every other event has `at`
        now = self._now
        if now is not None and at < now:
            raise InvalidTransition("at", f"a time at or after the last event's ({now.isoformat()})", at)
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

    def _may_fail(self, kind: type) -> bool:
        """Whether an event of this kind may fail after it began to change the state."""
        if kind in _SAFE:
            return False
        if kind in _REROUTING:
            return self._sla is not None  # the new routing may order a backlog by due time
        if kind is PresenceChanged:
            return self._fragile and self._routing.return_on_offline
        return self._fragile

    def _save(self, event: object) -> tuple[Any, ...]:
        """What `_undo` needs to put the state back as it is before ``event``."""
        if type(event) in _REROUTING or (
            type(event) is PresenceChanged and self._routing.return_on_offline
        ):  # many tickets may move: copy the whole state
            saved = {name: getattr(self, name) for name in Dispatcher.__slots__}
            saved["_tickets"] = {k: rec.copy() for k, rec in self._tickets.items()}
            saved["_load"] = dict(self._load)
            saved["_ch"] = self._ch.copy()
            saved["_idle"] = dict(self._idle)
            saved["_rot"] = {k: rot.copy() for k, rot in self._rot.items()}
            saved["_queues"] = {
                p: {lang: list(q) for lang, q in qs.items()} for p, qs in self._queues.items()
            }
            saved["_agents"] = dict(self._agents)
            return ("all", saved)
        # One ticket's events: before its queueing fails, only the ticket and loads moved.
        ticket_id = event.ticket.id if isinstance(event, TicketCreated) else event.ticket_id  # type: ignore[attr-defined]
        rec = self._tickets.get(ticket_id)
        return ("one", ticket_id, None if rec is None else rec.copy(), self._arrivals, dict(self._load))

    def _undo(self, undo: tuple[Any, ...]) -> None:
        epoch = self._epoch
        if undo[0] == "all":
            for name, value in undo[1].items():
                setattr(self, name, value)
        else:
            _, ticket_id, saved, self._arrivals, self._load = undo
            if saved is None:
                self._tickets.pop(ticket_id, None)
            else:
                self._tickets[ticket_id] = saved
        self._count()  # the loads per channel were not saved: derive them again
        self._epoch = epoch  # never back: cached selections are keyed by it
        self._selected = {}
        self._explained = {}
        self._index()

    def _created(self, event: TicketCreated, out: list[Decision]) -> None:
        ticket = event.ticket
        if ticket.id in self._tickets:
            raise InvalidTransition("ticket.id", "an id no other ticket has", ticket.id)
        if ticket.assignee is not None:
            self._agent(ticket.assignee, "ticket.assignee")
        self._arrivals += 1
        rec = _Rec(ticket, self._arrivals)
        self._tickets[ticket.id] = rec
        at = self._decided  # the creation, or the later decision time the host gave
        if ticket.assignee is not None:
            self._give(
                rec,
                ticket.assignee,
                at,
                cause="created",
                reason=Reason.ASSIGNED_BY_HOST,
                why=Explanation(route="assigned by the host"),
                out=out,
            )
            return
        if rec.status.is_resolved:
            rec.reason = "created resolved"
            return
        self._route(rec, at, "created", "create", out)

    def _updated(self, event: TicketUpdated, out: list[Decision]) -> None:
        rec = self._rec(event.ticket_id)
        if "assignee" in dict(event.changes):
            raise InvalidInput(
                "changes.assignee", "a TicketTransferred event to change the assignee", event.changes
            )
        old = rec.ticket
        new = event.apply(old, rec.status)  # validates before anything changes
        rec.ticket = new
        owner = self._moved_channel(rec, old.channel, new.channel) if self._ch.track else None
        self._updated_placed(rec, old, new, event.at, out)
        if owner is not None and rec.place == ASSIGNED and rec.agent == owner:
            self._drain(event.at, {owner}, out)  # its old channel has a slot free

    def _moved_channel(self, rec: _Rec, old: str, new: str) -> str | None:
        """A counted ticket whose channel changed counts toward its new channel: its owner, or None."""
        old, new = old.casefold(), new.casefold()
        agent = rec.agent
        if old == new or rec.place != ASSIGNED or agent not in self._load or rec.status not in self._counted:
            return None
        assert agent is not None
        held = self._ch.load[agent]
        held[old] -= 1
        held[new] = held.get(new, 0) + 1
        self._refresh(agent)
        return agent

    def _updated_placed(self, rec: _Rec, old: Ticket, new: Ticket, at: datetime, out: list[Decision]) -> None:
        """An updated ticket's escalation tags, update rules and backlog line."""
        gained = (new.tags - old.tags) & self._routing.escalation_tags
        if rec.status.is_resolved:
            return
        if gained and new.tier < 4:
            tag = sorted(gained)[0]
            if self._routing.tier_pool(new.tier + 1) is not None:
                self._escalate(rec, new.tier + 1, at, detail=f"tag {tag!r}", cause="escalation", out=out)
                return
        rule = self._first_rule(rec, "update")
        if rule is not None and not self._satisfied(rule, rec):
            version = rec.version
            previous = rec.agent if rec.place == ASSIGNED else None
            self._route(rec, at, "updated", "update", out)
            if rec.version != version:  # placed anew: its previous agent has room
                if previous is not None and previous != rec.agent:
                    self._drain(at, {previous}, out)
                return
        if rec.place == BACKLOG:  # re-key: priority or fields may have changed
            pool = self._pool_by_name[rec.pool or ""]
            self._enqueue(rec, pool)
            need = self._need(new, pool)
            # Its needs changed (fewer skills, another language): someone may take it now,
            # if it heads its new line (the tickets ahead of it wait for a reason).
            if need != self._need(old, pool) and self._head(self._queues[pool.name][need], pool.name) is rec:
                self._to_pool_from_backlog(rec, pool, at, counts={}, out=out)

    @staticmethod
    def _satisfied(rule: Rule, rec: _Rec) -> bool:
        """Whether the ticket's placement already satisfies an update rule."""
        if rule.agent is not None:
            return rule.agent == rec.agent and rec.place == ASSIGNED
        return rule.pool is not None and rec.place in (ASSIGNED, BACKLOG) and rec.pool == rule.pool

    def _status(self, event: StatusChanged, out: list[Decision]) -> None:
        rec = self._tickets.get(event.ticket_id) or self._rec(event.ticket_id)
        old, new = rec.status, event.status
        if old is new:
            return
        # A due order reads the status (a paused SLA clock has no due time): re-key a
        # waiting ticket, with the key computed before anything changes (it may raise).
        waiting = self._pool_by_name[rec.pool or ""] if rec.place == BACKLOG else None
        key = None
        if waiting is not None and waiting.backlog_order is BacklogOrder.DUE and not new.is_resolved:
            key = self._key(rec, waiting, new)
        at = event.at
        counted = self._counted
        rec.status = new
        if key is not None and waiting is not None:
            self._enqueue(rec, waiting, key)
        owner = rec.agent if rec.place == ASSIGNED else None
        if owner is not None:
            was, now = old in counted, new in counted
            if was and not now:
                self._bump(owner, -1, rec)
            elif now and not was:
                self._bump(owner, 1, rec)
        if new.is_resolved and rec.place == BACKLOG:
            self._unplace(rec, _WAITING_WORDS[new])
        elif old.is_resolved and not new.is_resolved:
            self._reopened(rec, at, out)
        if new is _CLOSED:
            del self._tickets[rec.ticket.id]
        if owner is not None and old in counted and new not in counted and self._queues:
            # (both hand out backlog tickets: nothing to do without a backlog)
            if new.is_resolved:
                self._closure(owner, at, out)
            self._drain(at, {owner}, out)

    def _reopened(self, rec: _Rec, at: datetime, out: list[Decision]) -> None:
        """A reopened ticket goes back to its owner, else through routing like a new ticket.

        Else: it has no owner, or its owner is offline and ``return_on_offline`` is set.
        """
        owner = rec.agent if rec.place == ASSIGNED else None
        if owner is None:
            self._route(rec, at, "reopened", "create", out)
            return
        if self._routing.return_on_offline and self._agents[owner].presence is Presence.OFFLINE:
            self._unplace(rec, "reopened while its agent is offline")
            out.append(
                ReturnedToPool(
                    ticket_id=rec.ticket.id,
                    at=at,
                    cause="reopened",
                    reason=Reason.AGENT_OFFLINE,
                    agent_id=owner,
                    detail="reopened while its agent is offline",
                )
            )
            self._route(rec, at, "reopened", "create", out)
            return
        why = Explanation(
            route="reopened: back to its owner", tiebreak=f"{owner!r} had it when it was solved"
        )
        out.append(
            Assigned(
                ticket_id=rec.ticket.id,
                at=at,
                cause="reopened",
                reason=Reason.REOPENED_TO_OWNER,
                agent_id=owner,
                previous=owner,
                explanation=why,
            )
        )

    def _reply(self, event: AgentReply, out: list[Decision]) -> None:
        rec = self._rec(event.ticket_id)
        if event.public:
            rec.answered = True

    def _message(self, event: CustomerMessage | DueDateSet, out: list[Decision]) -> None:
        self._rec(event.ticket_id)  # a known ticket; nothing about routing changes

    def _transferred(self, event: TicketTransferred, out: list[Decision]) -> None:
        rec = self._rec(event.ticket_id)
        self._agent(event.to_agent, "to_agent")
        if rec.place == ASSIGNED and rec.agent == event.to_agent:
            return
        previous = rec.agent if rec.place == ASSIGNED else None
        by = f" by {event.by!r}" if event.by else ""
        self._give(
            rec,
            event.to_agent,
            event.at,
            cause="transfer",
            reason=Reason.TRANSFERRED,
            why=Explanation(route=f"transferred{by}"),
            out=out,
        )
        if previous is not None:
            self._drain(event.at, {previous}, out)

    def _escalated(self, event: TicketEscalated, out: list[Decision]) -> None:
        rec = self._rec(event.ticket_id)
        if rec.status.is_resolved:
            raise InvalidTransition("ticket_id", "an unresolved ticket to escalate", event.ticket_id)
        tier = rec.ticket.tier
        to = tier + 1 if event.to_tier is None else event.to_tier
        if to > 4 or to <= tier:
            raise InvalidTransition(
                "to_tier", f"a tier above the ticket's tier {tier}, at most 4", event.to_tier
            )
        if self._routing.tier_pool(to) is None:
            raise InvalidTransition("to_tier", "a tier that routing.tiers names a pool for", to)
        self._escalate(
            rec,
            to,
            event.at,
            detail=event.reason,
            cause="escalation",
            out=out,
            code=Reason.ESCALATION_REQUESTED,
        )

    def _escalate(
        self,
        rec: _Rec,
        to: int,
        at: datetime,
        *,
        detail: str,
        cause: str,
        out: list[Decision],
        code: Reason = Reason.ESCALATION_TAG,
    ) -> None:
        frm = rec.ticket.tier
        rec.ticket = attrs.evolve(rec.ticket, tier=to)
        out.append(
            Escalated(
                ticket_id=rec.ticket.id,
                at=at,
                cause=cause,
                reason=code,
                from_tier=frm,
                to_tier=to,
                detail=detail,
            )
        )
        previous = rec.agent if rec.place == ASSIGNED else None
        pool = self._pool_by_name[self._routing.tier_pool(to) or ""]
        self._to_pool(rec, pool, at, cause=cause, route=f"tier {to} pool (escalated: {detail})", out=out)
        if previous is not None and previous != rec.agent:
            self._drain(at, {previous}, out)

    def _agent_added(self, event: AgentAdded, out: list[Decision]) -> None:
        agent = event.agent
        if agent.id in self._agents:
            raise InvalidTransition("agent.id", "an id no other agent has", agent.id)
        routing = self._joined(agent.id, event.pools)
        self._agents[agent.id] = agent
        self._routing = routing
        self._index()
        self._drain(event.at, {agent.id}, out)

    def _joined(self, agent_id: str, names: tuple[str, ...]) -> Routing:
        """The routing with ``agent_id`` added at the end of each pool in ``names`` (checked)."""
        if not names:
            return self._routing
        for i, name in enumerate(names):
            pool = self._pool_by_name.get(name)
            if pool is None:
                raise InvalidTransition.unknown_key(f"pools[{i}]", name, self._pool_by_name, "pool names")
            if pool.agents is None:
                raise InvalidTransition(
                    f"pools[{i}]", "a pool that lists its members by id (this one takes every agent)", name
                )
        pools = tuple(
            attrs.evolve(p, agents=(*p.agents, agent_id))
            if p.name in names and p.agents is not None and agent_id not in p.agents
            else p
            for p in self._routing.pools
        )
        return attrs.evolve(self._routing, pools=pools)

    def _agent_removed(self, event: AgentRemoved, out: list[Decision]) -> None:
        self._agent(event.agent_id, "agent_id")
        del self._agents[event.agent_id]
        self._index()
        self._return(
            event.agent_id,
            event.at,
            cause="agent_removed",
            code=Reason.AGENT_REMOVED,
            reason="the agent was removed",
            which=_any,
            out=out,
        )

    def _agent_changed(self, event: AgentChanged, out: list[Decision]) -> None:
        old = self._agent(event.agent_id, "agent_id")
        self._agents[old.id] = event.apply(old)  # presence is never among the changes
        self._index()
        self._drain(event.at, {old.id}, out)

    def _presence(self, event: PresenceChanged, out: list[Decision]) -> None:
        old = self._agent(event.agent_id, "agent_id")
        if old.presence is event.presence:
            return
        new = with_presence(old, event.presence)  # (attrs.evolve, without checking again)
        self._agents[old.id] = new
        self._refresh(old.id)
        load = self._load[old.id]
        self._presence_moved(old, new, event.at, out)
        # Coming online frees the agent for pools that need presence; tickets returned
        # on going offline free them for pools that assign offline agents too.
        if new.presence is _ONLINE or self._load[old.id] < load:
            self._drain(event.at, {old.id}, out)

    def _presence_moved(self, old: Agent, new: Agent, at: datetime, out: list[Decision]) -> None:
        if (
            self._routing.return_on_offline
            and new.presence is Presence.OFFLINE
            and old.presence is not Presence.OFFLINE
        ):
            self._return(
                new.id,
                at,
                cause="agent_offline",
                code=Reason.AGENT_OFFLINE,
                reason="the agent went offline before answering",
                which=_unanswered,
                out=out,
            )

    def _tick(self, event: Tick, out: list[Decision]) -> None:
        self._drain(event.at, None, out)

    def _routing_changed(self, event: RoutingChanged, out: list[Decision]) -> None:
        self._new_routing(event.routing, event.at, out)

    def _pool_changed(self, event: PoolChanged, out: list[Decision]) -> None:
        if event.pool not in self._pool_by_name:
            raise InvalidTransition.unknown_key("pool", event.pool, self._pool_by_name, "pool names")
        self._new_routing(_wrap("changes", event.apply, self._routing), event.at, out)

    def _new_routing(self, routing: Routing, at: datetime, out: list[Decision]) -> None:
        _check_agents_known(routing, self._agents, "routing")
        self._check_due(routing, self._sla)
        self._routing = routing
        self._counted = routing.counted
        self._index()
        for name in list(self._rot):
            if name not in self._pool_by_name:
                del self._rot[name]
        self._recount()
        waiting = [rec for rec in self._tickets.values() if rec.place == BACKLOG]
        self._queues = {}
        for rec in waiting:
            pool = self._pool_by_name.get(rec.pool or "")
            if pool is not None and pool.backlog:
                self._enqueue(rec, pool)
            else:
                self._unplace(rec, "its pool no longer has a backlog")
                self._route(rec, at, "routing_changed", "create", out)
        self._drain(at, None, out)

    # ------------------------------------------------------------------ routing

    def _first_rule(self, rec: _Rec, kind: str) -> Rule | None:
        ticket = rec.current() if kind == "update" else rec.ticket
        for rule in self._routing.matching(ticket):
            if kind in rule.on:
                return rule
        return None

    def _route(self, rec: _Rec, at: datetime, cause: str, kind: str, out: list[Decision]) -> None:
        """Send a ticket through the rules, tier pools and default pool."""
        routing = self._routing
        ticket = rec.ticket
        if (
            kind == "create"
            and (not routing.escalation_tags or ticket.tier >= 4 or not ticket.tags & routing.escalation_tags)
            and not routing._may_match(ticket, kind)
        ):  # no escalation tag and no rule: the pool for its tier, or the default (as below)
            fallback = self._fallback.get(ticket.tier)
            if fallback is not None:
                self._to_pool(rec, fallback[0], at, cause, fallback[1], out)
                return
        passed: list[tuple[str, str]] = []
        if kind == "create" and routing.escalation_tags and ticket.tier < 4:
            hit = sorted(ticket.tags & routing.escalation_tags)
            if hit:
                if routing.tier_pool(ticket.tier + 1) is not None:
                    self._escalate(rec, ticket.tier + 1, at, detail=f"tag {hit[0]!r}", cause=cause, out=out)
                    return
                passed.append((f"tag {hit[0]!r}", f"tier {ticket.tier + 1} has no pool"))
        ticket = rec.current() if kind == "update" else ticket
        returning = cause in ("agent_removed", "agent_offline")
        # (most tickets match no rule: then the lookup below is all the rules cost)
        for rule in routing.matching(ticket) if routing._may_match(ticket, kind) else ():
            if kind not in rule.on:
                continue
            route = f"rule {rule.name!r}"
            if rule.agent is not None:
                agent = self._agents.get(rule.agent)
                if agent is None:
                    passed.append((rule.name, f"agent {rule.agent!r} is not a current agent"))
                    continue
                if rule.respect_availability or returning:
                    why = self._direct_check(agent, rec.ticket)
                    if why is not None:
                        passed.append((rule.name, f"agent {rule.agent!r} {why}"))
                        continue
                if rec.place == ASSIGNED and rec.agent == agent.id:
                    return
                self._give(
                    rec,
                    agent.id,
                    at,
                    cause=cause,
                    reason=Reason.DIRECT_RULE,
                    why=Explanation(route=route, rules_passed=tuple(passed)),
                    out=out,
                )
                return
            if rule.tier is not None:
                if rule.tier != rec.ticket.tier:
                    rec.ticket = attrs.evolve(rec.ticket, tier=rule.tier)
                target = routing.tier_pool(rule.tier)
            else:
                target = rule.pool
            break
        else:
            if kind == "update":
                return  # every matching update rule fell through: the ticket stays where it is
            target = routing.tier_pool(rec.ticket.tier)
            if target is None:
                target, route = routing.default_pool, "default pool"
            else:
                route = f"tier {rec.ticket.tier} pool"
            if target is None:
                self._leave(
                    rec,
                    at,
                    cause=cause,
                    code=Reason.NO_ROUTE,
                    reason="no rule matched, and there is no pool for its tier and no default pool",
                    why=Explanation(route="none", rules_passed=tuple(passed)),
                    out=out,
                )
                return
        pool = self._pool_by_name[target or ""]  # Routing checked that rule and tier pools exist
        self._to_pool(rec, pool, at, cause=cause, route=route, out=out, rules_passed=tuple(passed))

    def _direct_check(self, agent: Agent, ticket: Ticket) -> str | None:
        """Why a direct rule that respects availability cannot use ``agent`` now, or None.

        The cap is the agent's own, else the lowest cap of the pools they are a member
        of (the first that would stop them there); so is the cap for the ticket's channel.
        The agent must have the ticket's required skills.
        """
        if agent.presence is not _ONLINE:
            return f"is {agent.presence.value}"
        load = self._load.get(agent.id, 0)
        cap = agent.cap
        if cap is None:
            caps = [p.cap for p in self._pools_of.get(agent.id, ()) if p.cap is not None]
            cap = min(caps) if caps else None
        if cap is not None and load >= cap:
            return f"is at cap {load}/{cap}"
        channel = ticket.channel.casefold()
        ccap = self._ch.agents[agent.id].get(channel)
        if ccap is None:
            caps = [
                c
                for p in self._pools_of.get(agent.id, ())
                if (c := self._ch.pools[p.name].get(channel)) is not None
            ]
            ccap = min(caps) if caps else None
        if ccap is not None:
            held = self._ch.load[agent.id].get(channel, 0)
            if held >= ccap:
                return f"is at {channel} cap {held}/{ccap}"
        need = ticket.skills
        if need and not need <= agent.skills:
            return "is " + _missing(need, agent.skills)
        return None

    def _select(
        self, pool: Pool, ticket: Ticket, at: datetime, counts: dict[str, int] | None = None
    ) -> Selection:
        name = pool.name
        members = self._members[name]
        if not members:
            return Selection(None, (), 0, "the pool has no members")
        info = self._info[name]
        if (
            info.simple
            and not ticket.skills
            and (counts is None or pool.backlog_limit is None)
            and not (pool.match_language and ticket.language)
            and self._FAST
        ):  # the plain selection, as below, with fewer steps (the common case)
            last = self._selected.get(name)
            if last is not None and last[0] == self._epoch:
                return last[1]
            if info.ring:
                rot = self._rot[name]
                previous = rot.last
                at_last = None if previous is None else self._pos[name].get(previous)
                start = (at_last + 1 if at_last is not None else max(rot.index, 0)) % len(members)
                sel = ring_select(members, start, self._open[name], self._reasons[name], previous)
                self._selected[name] = (self._epoch, sel)
                return sel
            if info.ranked:
                sel = self._ranked[name].select(members, self._reasons[name], self._idle)
                self._selected[name] = (self._epoch, sel)
                return sel
        reasons = self._reasons[name]
        channel = table = None
        if self._ch.capped and pool.name in self._ch.capped:
            channel, table = self._channel_table(pool, ticket)
            if table is not None:
                reasons = table.reasons
        lang = ticket.language.casefold() if pool.match_language and ticket.language else None
        need = ticket.skills
        shifts = self._info[pool.name].shifts
        limit = pool.backlog_limit if counts is not None else None
        check: Check
        plain = lang is None and not need and not shifts and limit is None
        if plain and (channel is None or table is not None):
            last = self._selected.get(pool.name) if table is None else table.selected
            if last is not None and last[0] == self._epoch:
                return last[1]
            check = reasons.__getitem__  # C-level: the common case costs no Python call per agent
        else:
            plain = False  # (a capped channel in the reference: checked as it goes, not cached)
            agents = self._agents
            why_now = (
                reasons.__getitem__
                if channel is None or table is not None
                else self._channel_why(pool, channel)
            )

            def check(a: str) -> str | None:
                why = why_now(a)
                if why is not None:
                    return why
                agent = agents[a]
                if shifts and agent.shift is not None and not agent.shift.is_open(at):
                    return "outside shift"
                if lang is not None and lang not in agent.languages:
                    return f"does not speak {lang!r}"
                if need and not need <= agent.skills:
                    return _missing(need, agent.skills)
                if limit is not None and counts is not None and counts.get(a, 0) >= limit:
                    return f"backlog limit {limit} reached this pass"
                return None

        kind = type(pool.strategy)
        if kind is Sequential and self._FAST:
            rot = self._rot[pool.name]
            previous = rot.last
            at_last = None if previous is None else self._pos[pool.name].get(previous)
            start = (at_last + 1 if at_last is not None else max(rot.index, 0)) % len(members)
            if plain:
                open_ = self._open[pool.name] if table is None else table.open
                assert open_ is not None
                sel = ring_select(members, start, open_, reasons, previous)
            else:
                sel = ring_walk(members, start, check, previous)
        elif plain and (kind is LeastLoaded or kind is LongestIdle) and self._FAST:
            ranked = self._ranked[pool.name] if table is None else table.ranked
            assert ranked is not None
            sel = ranked.select(members, reasons, self._idle)
        else:
            sel = pool.strategy.select(members, check, _View(self, pool, ticket.channel.casefold()))
        if plain:
            if table is None:
                self._selected[pool.name] = (self._epoch, sel)
            else:
                table.selected = (self._epoch, sel)
        return sel

    def _ring_choice(
        self, pool: Pool, ticket: Ticket, route: str, rules_passed: tuple[tuple[str, str], ...] = ()
    ) -> tuple[str, Explanation] | None:
        """A round robin's choice with its explanation, without building a `Selection`, or None.

        When the pool's selection is the plain one (see `_select`) of the built-in round
        robin and someone is eligible: the same choice and explanation as `_select` (with
        `ring_select`) and `_explain` give. None: ask them (another strategy, nobody
        eligible, or the ticket has needs). Backlog passes with a limit per agent must
        not ask (their selection is not the plain one).
        """
        name = pool.name
        open_ = self._open.get(name)  # (None: not round robin, or not _FAST)
        if not open_:
            return None
        info = self._info[name]
        if not info.simple or ticket.skills or (pool.match_language and ticket.language):
            return None
        members = self._members[name]
        rot = self._rot[name]
        last = rot.last
        at_last = None if last is None else self._pos[name].get(last)
        start = (at_last + 1 if at_last is not None else max(rot.index, 0)) % len(members)
        k = bisect_left(open_, start)
        if k < len(open_):
            j = open_[k]
            if j == start and not rules_passed:  # (the most common case: one explanation per agent)
                return members[j], info.said.get((last, route)) or info.ring_explanation(last, route)
            seg = members[start:j]
        else:
            j = open_[0]
            seg = [*members[start:], *members[:j]]
        reasons: Any = self._reasons[name]  # None only at the open positions
        passed = tuple(zip(seg, map(reasons.__getitem__, seg), strict=True))
        excluded = info.excluded
        why = make_explanation(
            route,
            rules_passed,
            name,
            info.strategy,
            excluded + passed if excluded else passed,
            1,
            rotation_text(last),
        )
        return members[j], why

    def _channel_table(self, pool: Pool, ticket: Ticket) -> tuple[str | None, _Table | None]:
        """The ticket's channel when a cap binds it in the pool, and its reason table (fast selection)."""
        channel = ticket.channel.casefold()
        if channel not in self._ch.capped[pool.name]:
            return None, None
        return channel, self._ch.tables[pool.name][channel] if self._FAST else None

    def _channel_why(self, pool: Pool, channel: str) -> Check:
        """The reference's check for a ticket of a capped channel: computed agent by agent."""
        base = self._reasons[pool.name]

        def why(a: str) -> str | None:
            return base[a] or self._reason(a, pool, channel)

        return why

    def _explain(
        self, pool: Pool, sel: Selection, route: str, rules_passed: tuple[tuple[str, str], ...] = ()
    ) -> Explanation:
        """A pool's choice in words: the members its filters exclude come first, then those passed over."""
        last = self._explained.get(pool.name)
        if (
            last is not None
            and last[0] == self._epoch
            and last[1] is sel
            and last[2] == route
            and last[3] == rules_passed
        ):
            return last[4]
        info = self._info[pool.name]
        excluded = info.excluded
        why = make_explanation(
            route,
            rules_passed,
            pool.name,
            info.strategy,
            excluded + sel.passed if excluded else sel.passed,
            sel.eligible,
            sel.tiebreak,
        )
        self._explained[pool.name] = (self._epoch, sel, route, rules_passed, why)
        return why

    def _to_pool(  # noqa: PLR0917 - positional: the hot path
        self,
        rec: _Rec,
        pool: Pool,
        at: datetime,
        cause: str,
        route: str,
        out: list[Decision],
        rules_passed: tuple[tuple[str, str], ...] = (),
    ) -> None:
        quick = self._ring_choice(pool, rec.ticket, route, rules_passed)
        if quick is not None:  # (the common case)
            self._give(rec, quick[0], at, cause, _POOL_CHOICE, quick[1], out, pool)
            return
        sel = self._select(pool, rec.ticket, at)
        why = self._explain(pool, sel, route, rules_passed)
        chosen = sel.chosen
        if chosen is not None:
            self._give(rec, chosen, at, cause, _POOL_CHOICE, why, out, pool, sel)
            return
        code = _NO_ELIGIBLE if self._members[pool.name] else _POOL_EMPTY
        if pool.backlog:
            key = self._key(rec, pool)  # before anything changes: it may raise
            if rec.place == ASSIGNED:
                self._unload(rec)
            rec.place = BACKLOG
            rec.pool = pool.name
            rec.agent = None
            rec.reason = None
            self._enqueue(rec, pool, key)
            out.append(make_queued(rec.ticket.id, at, cause, code, pool.name, why))
        else:
            self._leave(
                rec,
                at,
                cause=cause,
                code=code,
                reason=f"nobody in pool {pool.name!r} could take it",
                why=why,
                out=out,
                pool=pool.name,
            )

    def _leave(
        self,
        rec: _Rec,
        at: datetime,
        *,
        cause: str,
        code: Reason,
        reason: str,
        why: Explanation,
        out: list[Decision],
        pool: str | None = None,
    ) -> None:
        """Leave the ticket unassigned; its stored pool is the one that could not take it (or None)."""
        self._unplace(rec, reason)
        rec.pool = pool
        out.append(
            LeftUnassigned(
                ticket_id=rec.ticket.id, at=at, cause=cause, reason=code, detail=reason, explanation=why
            )
        )

    def _unplace(self, rec: _Rec, reason: str) -> None:
        """Take the ticket from its agent or backlog: it is unassigned, for ``reason``."""
        if rec.place == ASSIGNED:
            self._unload(rec)
        rec.place = UNASSIGNED
        rec.agent = None
        rec.reason = reason
        rec.version += 1  # any backlog entry for it is now stale

    def _unload(self, rec: _Rec) -> None:
        if rec.agent is not None and rec.status in self._counted and rec.agent in self._load:
            self._bump(rec.agent, -1, rec)

    def _give(  # noqa: PLR0917 - positional: the hot path
        self,
        rec: _Rec,
        agent: str,
        at: datetime,
        cause: str,
        reason: Reason,
        why: Explanation,
        out: list[Decision],
        pool: Pool | None = None,
        sel: Selection | None = None,
    ) -> None:
        previous = rec.agent if rec.place == ASSIGNED else None
        if previous is not None:
            self._unload(rec)
        rec.place = ASSIGNED
        rec.agent = agent
        rec.reason = None
        rec.answered = False
        rec.version += 1
        counted = rec.status in self._counted
        if agent != previous:  # the idle clock: the agent received a ticket
            self._epoch += 1
            self._counter = counter = self._counter + 1
            self._idle[agent] = counter
            if not counted:  # else _bump below re-ranks the agent
                self._rank(agent)
        if pool is not None:
            self._epoch += 1  # the pool's pointer moves even when the owner stays
            name = rec.pool = pool.name
            rot = self._rot[name]
            rot.last = agent
            rot.index = self._pos[name][agent]
            if sel is not None and sel.credits is not None:
                rot.credit.update(sel.credits)
        else:
            rec.pool = None
        if counted:
            self._bump(agent, 1, rec)
        out.append(make_assigned(rec.ticket.id, at, cause, reason, agent, previous, why))

    def _return(
        self,
        agent_id: str,
        at: datetime,
        *,
        cause: str,
        code: Reason,
        reason: str,
        which: Any,
        out: list[Decision],
    ) -> None:
        mine = [r for r in self._tickets.values() if r.place == ASSIGNED and r.agent == agent_id and which(r)]
        for rec in mine:
            self._unplace(rec, reason)
            out.append(
                ReturnedToPool(
                    ticket_id=rec.ticket.id, at=at, cause=cause, reason=code, agent_id=agent_id, detail=reason
                )
            )
            if rec.status.is_resolved:
                continue
            self._route(rec, at, cause, "create", out)

    # ------------------------------------------------------------------ backlog

    def _key(self, rec: _Rec, pool: Pool, status: Status | None = None) -> tuple[Any, ...]:
        """The ticket's place in the pool's backlog order (with a due order, it may raise).

        ``status``: the status to order it by (default: its current one).
        """
        t = rec.ticket
        created = (t.created - _EPOCH) // _US  # (`_micros`, inline)
        order = pool.backlog_order
        if order is _BY_CREATED:
            return (created, rec.arrival)
        if order is BacklogOrder.PRIORITY:
            return (-t.priority.rank, created, rec.arrival)
        due = self._due(attrs.evolve(t, status=rec.status if status is None else status, assignee=None))
        return (due is None, _micros(due) if due is not None else created, created, rec.arrival)

    def _due(self, ticket: Ticket) -> datetime | None:
        assert self._sla is not None  # checked when the routing was accepted
        result = evaluate(self._sla, [TicketCreated(ticket=ticket)], ticket.created)
        dues = [t.due_at for t in result.targets if t.due_at is not None]
        return min(dues, key=_micros) if dues else None

    def _enqueue(self, rec: _Rec, pool: Pool, key: tuple[Any, ...] | None = None) -> None:
        if key is None:
            key = self._key(rec, pool)  # before anything changes: it may raise
        rec.version += 1
        t = rec.ticket
        if self._ch.capped:
            need = self._need(t, pool)
        else:  # (inline: the common case)
            need = (t.language.casefold() if pool.match_language and t.language else "", t.skills, "")
        queues = self._queues.get(pool.name)
        if queues is None:
            queues = self._queues[pool.name] = {}
        queue = queues.get(need)
        if queue is None:
            queue = queues[need] = []
        heapq.heappush(queue, (key, rec.version, t.id))

    def _need(self, ticket: Ticket, pool: Pool) -> _Need:
        """The key of the backlog heap the ticket waits in: who may take it depends on nothing else."""
        lang = ticket.language.casefold() if pool.match_language and ticket.language else ""
        capped = self._ch.capped.get(pool.name)
        if capped:
            channel = ticket.channel.casefold()
            if channel in capped:
                return (lang, ticket.skills, channel)
        return (lang, ticket.skills, "")

    def _live(self, entry: tuple[Any, ...], pool: str) -> bool:
        rec = self._tickets.get(entry[-1])
        return rec is not None and rec.place == BACKLOG and rec.pool == pool and rec.version == entry[1]

    def _head(self, queue: list[tuple[Any, ...]], pool: str) -> _Rec | None:
        tickets = self._tickets
        while queue:
            entry = queue[0]
            rec = tickets.get(entry[-1])  # (`_live`, inline)
            if rec is not None and rec.place == BACKLOG and rec.pool == pool and rec.version == entry[1]:
                return rec
            heapq.heappop(queue)
        return None

    def _ready(self, agent_id: str, pool: Pool, at: datetime) -> bool:
        """Whether the agent could take some ticket from the pool now (ignoring language and skills).

        Some ticket: of a channel whose cap they are under, when the pool's tickets of other
        channels are closed to them (a spare capacity strategy without an overall cap).
        """
        agent = self._agents.get(agent_id)
        if agent is None:
            return False
        if self._reasons[pool.name].get(agent_id, "") is not None and not (
            self._ch.capped and self._channel_open(agent_id, pool)
        ):
            return False
        return not (pool.check_shift and agent.shift is not None and not agent.shift.is_open(at))

    def _channel_open(self, agent_id: str, pool: Pool) -> bool:
        """Whether the member can take a ticket of some channel that a cap binds in the pool."""
        capped = self._ch.capped.get(pool.name)
        if not capped or agent_id not in self._pos[pool.name]:
            return False
        return any(self._reason(agent_id, pool, channel) is None for channel in capped)

    def _drain(self, at: datetime, trigger: set[str] | None, out: list[Decision]) -> None:
        """A backlog pass, for the agents in ``trigger`` (None: everyone)."""
        if not self._queues:
            return
        wanted: set[str] | None = None
        if trigger is not None:
            wanted = set()
            for a in trigger:  # (loops, not comprehensions: each of those is a call)
                for pool in self._pools_of.get(a, ()):
                    if pool.name in self._queues and self._ready(a, pool, at):
                        wanted.add(pool.name)
            if not wanted:
                return
        for pool in self._routing.pools:
            queues = self._queues.get(pool.name)
            if not queues or (wanted is not None and pool.name not in wanted):
                continue
            counts: dict[str, int] = {}
            blocked: set[_Need] = set()
            while True:
                best: tuple[Any, ...] | None = None
                best_need = _PLAIN
                for need, queue in queues.items():
                    if need in blocked:
                        continue
                    if self._head(queue, pool.name) is None:
                        continue
                    if best is None or queue[0] < best:
                        best, best_need = queue[0], need
                if best is None:
                    break
                rec = self._tickets[best[-1]]
                if self._to_pool_from_backlog(rec, pool, at, counts, out):
                    heapq.heappop(queues[best_need])
                    # A pass for some agents ends when none of them has room left: everyone
                    # else was already unable to take these tickets before the event.
                    if trigger is not None:
                        for a in trigger:
                            if self._ready(a, pool, at):
                                break
                        else:
                            break
                else:
                    blocked.add(best_need)
            if not all(queues.values()):
                for need in [k for k, q in queues.items() if not q]:
                    del queues[need]
            if not queues:
                del self._queues[pool.name]

    def _to_pool_from_backlog(
        self, rec: _Rec, pool: Pool, at: datetime, counts: dict[str, int], out: list[Decision]
    ) -> bool:
        quick = (
            None if pool.backlog_limit is not None else self._ring_choice(pool, rec.ticket, "backlog pass")
        )
        chosen: str | None
        if quick is not None:  # (as in `_to_pool`)
            chosen = quick[0]
            self._give(rec, chosen, at, "backlog", _BACKLOG_PASS, quick[1], out, pool)
        else:
            sel = self._select(pool, rec.ticket, at, counts)
            chosen = sel.chosen
            if chosen is None:
                return False
            why = self._explain(pool, sel, "backlog pass")
            self._give(rec, chosen, at, "backlog", _BACKLOG_PASS, why, out, pool, sel)
        counts[chosen] = counts.get(chosen, 0) + 1
        return True

    def _closure(self, owner: str, at: datetime, out: list[Decision]) -> None:
        """Assign on closure: the owner of a closed ticket gets the first backlog ticket they can take.

        First in the pool's order among the tickets whose skills, language and channel
        (its cap) the owner meets.
        """
        agent = self._agents.get(owner)
        if agent is None:
            return
        best: tuple[Any, ...] | None = None
        where: tuple[Pool, _Need] | None = None
        for pool in self._pools_of.get(owner, ()):
            if not pool.assign_on_closure or not self._ready(owner, pool, at):
                continue
            for need, queue in self._queues.get(pool.name, {}).items():
                lang, skills, channel = need
                if (lang and lang not in agent.languages) or not skills <= agent.skills:
                    continue
                if self._reason(owner, pool, channel or None) is not None:
                    continue  # at the cap of that channel (or, for the others, without a cap)
                if self._head(queue, pool.name) is not None and (best is None or queue[0] < best):
                    best, where = queue[0], (pool, need)
        if best is None or where is None:
            return
        pool, need = where
        heapq.heappop(self._queues[pool.name][need])
        rec = self._tickets[best[-1]]
        why = Explanation(
            route="assign on closure",
            pool=pool.name,
            strategy=self._info[pool.name].strategy,
            eligible=1,
            tiebreak=f"the owner of the closed ticket, {owner!r}, gets the freed slot",
        )
        self._give(
            rec, owner, at, cause="closure", reason=Reason.ASSIGN_ON_CLOSURE, why=why, out=out, pool=pool
        )

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """The whole state as a JSON-compatible dict; `from_dict` restores it exactly."""
        out = self.shared_state()
        out["tickets"] = [self._entry(rec) for rec in self._tickets.values()]
        return out

    def shared_state(self) -> dict[str, Any]:
        """The state without the tickets: routing, agents, rotation, counters and the clock.

        Its size does not depend on the number of tickets. With `ticket_state` of every
        ticket it is the whole state (`from_parts`), so a host can store one row per
        ticket and write only the rows an event touched.
        """
        return {
            "version": _STATE_VERSION,
            "routing": self._routing.to_dict(),
            "agents": [a.to_dict() for a in self._agents.values()],
            "rotation": self.rotation().to_dict(),
            "arrivals": self._arrivals,
            "now": None if self._now is None else dump_instant(self._now),
        }

    def arrival(self, ticket_id: str) -> int:
        """The ticket's arrival number: the order in which the dispatcher met its tickets (ties go by it)."""
        return self._rec(ticket_id).arrival

    def ticket_state(self, ticket_id: str) -> dict[str, Any]:
        """One ticket's record as a JSON-compatible dict, with its ``arrival`` number (see `from_parts`)."""
        rec = self._rec(ticket_id)
        return {**self._entry(rec), "arrival": rec.arrival}

    @staticmethod
    def _entry(rec: _Rec) -> dict[str, Any]:
        entry: dict[str, Any] = {"ticket": rec.current().to_dict(), "place": rec.place}
        if rec.pool is not None:
            entry["pool"] = rec.pool
        if rec.reason is not None:
            entry["reason"] = rec.reason
        if rec.answered:
            entry["answered"] = True
        return entry

    @classmethod
    def from_dict(cls, data: object, *, sla: SLAPolicies | None = None) -> Dispatcher:
        """Restore a dispatcher from `to_dict`'s output (pass the same ``sla`` as before)."""
        check_depth(data, "state")
        keys = ("version", "routing", "agents", "tickets", "rotation", "arrivals", "now")
        d = check_keys(data, "state", keys, keys)
        tickets = d.pop("tickets")
        if not isinstance(tickets, list):
            raise InvalidInput("state.tickets", "a list", tickets)
        self = cls._from_shared(d, "state", sla)
        start = self._arrivals - len(tickets)
        if start < 0:
            raise InvalidInput(
                "state.arrivals", "a whole number, at least the number of tickets", self._arrivals
            )
        return self._add_tickets(((item, start + i + 1) for i, item in enumerate(tickets)), "state.tickets")

    @classmethod
    def from_parts(
        cls, shared: object, tickets: Iterable[object], *, sla: SLAPolicies | None = None
    ) -> Dispatcher:
        """Restore a dispatcher from `shared_state` and the `ticket_state` of each of its tickets.

        The tickets may come in any order (their ``arrival`` numbers order them).
        """
        check_depth(shared, "shared")
        keys = ("version", "routing", "agents", "rotation", "arrivals", "now")
        self = cls._from_shared(check_keys(shared, "shared", keys, keys), "shared", sla)
        numbered = []
        for i, item in enumerate(tickets):
            if not isinstance(item, Mapping):
                raise InvalidInput(f"tickets[{i}]", "a ticket's stored record", item)
            arrival = item.get("arrival")
            if type(arrival) is not int or not 1 <= arrival <= self._arrivals:
                raise InvalidInput(f"tickets[{i}].arrival", f"a number from 1 to {self._arrivals}", arrival)
            numbered.append((arrival, i, {k: v for k, v in item.items() if k != "arrival"}))
        numbered.sort(key=lambda x: x[0])
        for (a, _, _), (b, i, _) in itertools.pairwise(numbered):
            if a == b:
                raise InvalidInput(f"tickets[{i}].arrival", "a number no other ticket has", b)
        return self._add_tickets(((item, arrival) for arrival, _, item in numbered), "tickets")

    @classmethod
    def _from_shared(cls, d: dict[str, Any], path: str, sla: SLAPolicies | None = None) -> Dispatcher:
        if type(d["version"]) is not int or d["version"] not in _READS:
            raise InvalidInput(f"{path}.version", f"state version {_STATE_VERSION} (or 1)", d["version"])
        routing = Routing.from_dict(d["routing"], f"{path}.routing")
        if not isinstance(d["agents"], list):
            raise InvalidInput(f"{path}.agents", "a list", d["agents"])
        agents = [Agent.from_dict(a, f"{path}.agents[{i}]") for i, a in enumerate(d["agents"])]
        self = cls(routing, agents, sla=sla)
        rotation = Rotation.from_dict(d["rotation"], f"{path}.rotation")
        self._restore_rotation(rotation)
        arrivals = d["arrivals"]
        if type(arrivals) is not int or arrivals < 0:
            raise InvalidInput(f"{path}.arrivals", "a whole number of zero or more", arrivals)
        self._arrivals = arrivals
        self._now = None if d["now"] is None else load_instant(d["now"], f"{path}.now")
        return self

    def _add_tickets(self, items: Iterable[tuple[object, int]], path: str) -> Dispatcher:
        for i, (item, arrival) in enumerate(items):
            rec = self._read_ticket(item, f"{path}[{i}]", arrival)
            self._tickets[rec.ticket.id] = rec
        self._recount()
        for rec in self._tickets.values():
            if rec.place == BACKLOG:
                self._enqueue(rec, self._pool_by_name[rec.pool or ""])
        return self

    def _read_ticket(self, item: object, path: str, arrival: int) -> _Rec:
        """One ticket of a stored state, checked against the state's own invariants."""
        e = check_keys(item, path, ("ticket", "place", "pool", "reason", "answered"), ("ticket", "place"))
        ticket = Ticket.from_dict(e["ticket"], f"{path}.ticket")
        if ticket.id in self._tickets:
            raise InvalidInput(f"{path}.ticket.id", "an id no other ticket of the state has", ticket.id)
        if self._now is None or ticket.created > self._now:
            raise InvalidInput(
                f"{path}.ticket.created", "a time at or before the state's clock (now)", ticket.created
            )
        if ticket.status is Status.CLOSED:
            raise InvalidInput(
                f"{path}.ticket.status", "an unclosed status (closed tickets are forgotten)", "closed"
            )
        place, pool, reason = e["place"], e.get("pool"), e.get("reason")
        if place not in (ASSIGNED, BACKLOG, UNASSIGNED):
            raise InvalidInput(f"{path}.place", "'assigned', 'backlog' or 'unassigned'", place)
        if pool is not None and (not isinstance(pool, str) or not pool):
            raise InvalidInput(f"{path}.pool", "a pool name", pool)
        if reason is not None and (not isinstance(reason, str) or not reason):
            raise InvalidInput(f"{path}.reason", "the reason in words", reason)
        if place == ASSIGNED and ticket.assignee not in self._agents:
            raise InvalidInput(f"{path}.ticket.assignee", "an agent of the state", ticket.assignee)
        if place != ASSIGNED and ticket.assignee is not None:
            raise InvalidInput(
                f"{path}.ticket.assignee", f"no assignee for a ticket in place {place!r}", ticket.assignee
            )
        if place == BACKLOG:
            found = self._pool_by_name.get(pool or "")
            if found is None or not found.backlog:
                raise InvalidInput(f"{path}.pool", "a pool of the routing with a backlog", pool)
            if ticket.status.is_resolved:
                raise InvalidInput(
                    f"{path}.ticket.status", "an unresolved status for a waiting ticket", ticket.status.value
                )
        if (place == UNASSIGNED) != (reason is not None):
            raise InvalidInput(f"{path}.reason", "a reason exactly when the ticket is unassigned", reason)
        rec = _Rec(ticket, arrival)
        rec.place = place
        rec.agent = ticket.assignee if place == ASSIGNED else None
        rec.pool = pool
        rec.reason = reason
        rec.answered = read_bool(e.get("answered", False), f"{path}.answered")
        return rec

    def _restore_rotation(self, rotation: Rotation) -> None:
        self._epoch += 1
        self._counter = rotation.counter
        self._idle = dict(rotation.assigned)
        for name, pr in rotation.pools:
            rot = self._rot.setdefault(name, _Rot())
            rot.last, rot.index = pr.last, pr.index
            rot.credit = dict(pr.credits)
        for agent_id in self._ranked_of:  # the heaps read the idle clock
            self._rank(agent_id)


#: Events that never queue a ticket, so never meet a due time that cannot be computed.
_SAFE: Final = frozenset(
    {AgentReply, CustomerMessage, DueDateSet, TicketTransferred, AgentAdded, AgentChanged, Tick}
)
#: Events that may re-route many tickets at once.
_REROUTING: Final = frozenset({AgentRemoved, RoutingChanged, PoolChanged})

_CREATED: Final = Dispatcher._created
_HANDLERS: Final[dict[type, Any]] = {
    TicketCreated: Dispatcher._created,
    TicketUpdated: Dispatcher._updated,
    StatusChanged: Dispatcher._status,
    AgentReply: Dispatcher._reply,
    CustomerMessage: Dispatcher._message,
    DueDateSet: Dispatcher._message,
    TicketTransferred: Dispatcher._transferred,
    TicketEscalated: Dispatcher._escalated,
    AgentAdded: Dispatcher._agent_added,
    AgentRemoved: Dispatcher._agent_removed,
    AgentChanged: Dispatcher._agent_changed,
    PresenceChanged: Dispatcher._presence,
    Tick: Dispatcher._tick,
    RoutingChanged: Dispatcher._routing_changed,
    PoolChanged: Dispatcher._pool_changed,
}


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
