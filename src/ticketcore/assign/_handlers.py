"""Event handling: one handler per event the dispatcher takes, and the table that finds it.

Job: `_Handlers`, the mixin whose handlers check an event completely, then change the
state through the other jobs (placing, backlog, tables); `HANDLERS` maps each event
class to its handler for `Dispatcher.handle`. May import: `_core`, `_records` and the
value and event modules; never another job module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput, InvalidTransition
from ticketcore._ticket import Status, Ticket
from ticketcore._util import wrap as _wrap
from ticketcore.assign._core import _check_agents_known, _Core
from ticketcore.assign._decisions import (
    Assigned,
    Decision,
    Explanation,
    Reason,
    ReturnedToPool,
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
from ticketcore.assign._model import (
    Agent,
    BacklogOrder,
    Presence,
    Routing,
    Rule,
    with_presence,
)
from ticketcore.assign._records import (
    _ONLINE,
    ASSIGNED,
    BACKLOG,
    _any,
    _Rec,
    _unanswered,
)
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)

_CLOSED: Final = Status.CLOSED
#: Why a ticket resolved while waiting left the backlog, by status (an enum's ``value`` is a Python call).
_WAITING_WORDS: Final = {s: f"{s.value} while waiting in the backlog" for s in Status}


class _Handlers(_Core):
    """One handler per event: check the event, then change the state through the other jobs."""

    __slots__ = ()

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


_CREATED: Final = _Handlers._created
HANDLERS: Final[dict[type, Any]] = {
    TicketCreated: _Handlers._created,
    TicketUpdated: _Handlers._updated,
    StatusChanged: _Handlers._status,
    AgentReply: _Handlers._reply,
    CustomerMessage: _Handlers._message,
    DueDateSet: _Handlers._message,
    TicketTransferred: _Handlers._transferred,
    TicketEscalated: _Handlers._escalated,
    AgentAdded: _Handlers._agent_added,
    AgentRemoved: _Handlers._agent_removed,
    AgentChanged: _Handlers._agent_changed,
    PresenceChanged: _Handlers._presence,
    Tick: _Handlers._tick,
    RoutingChanged: _Handlers._routing_changed,
    PoolChanged: _Handlers._pool_changed,
}
