"""The backlog queues: keys, heaps by need, backlog passes and assign on closure.

Job: `_Backlog`, the mixin that files waiting tickets in per-need heaps ordered by the
pool's `BacklogOrder` (`_key`, `_enqueue`, stale entries dropped lazily by `_head`) and
hands them out when capacity frees (`_drain`, `_closure`). May import: `_core`,
`_records` and the value modules; never another job module.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import Any, Final

import attrs

from ticketcore._instant import REAL_EPOCH as _EPOCH
from ticketcore._instant import US as _US
from ticketcore._instant import to_real
from ticketcore._ticket import Status, Ticket
from ticketcore.assign._core import _Core
from ticketcore.assign._decisions import (
    Decision,
    Explanation,
    Reason,
)
from ticketcore.assign._model import (
    BacklogOrder,
    Pool,
)
from ticketcore.assign._records import (
    _PLAIN,
    BACKLOG,
    _Need,
    _Rec,
)
from ticketcore.events import (
    TicketCreated,
)
from ticketcore.sla import evaluate

_BY_CREATED: Final = BacklogOrder.CREATED
_BACKLOG_PASS: Final = Reason.BACKLOG_PASS


class _Backlog(_Core):
    """The backlogs: keys, heaps by need, passes and assign on closure."""

    __slots__ = ()

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

    def _key(self, rec: _Rec, pool: Pool, status: Status | None = None) -> tuple[Any, ...]:
        """The ticket's place in the pool's backlog order (with a due order, it may raise).

        ``status``: the status to order it by (default: its current one).
        """
        t = rec.ticket
        created = (t.created - _EPOCH) // _US  # (`to_real`, inline)
        order = pool.backlog_order
        if order is _BY_CREATED:
            return (created, rec.arrival)
        if order is BacklogOrder.PRIORITY:
            return (-t.priority.rank, created, rec.arrival)
        due = self._due(attrs.evolve(t, status=rec.status if status is None else status, assignee=None))
        return (due is None, to_real(due) if due is not None else created, created, rec.arrival)

    def _due(self, ticket: Ticket) -> datetime | None:
        assert self._sla is not None  # checked when the routing was accepted
        result = evaluate(self._sla, [TicketCreated(ticket=ticket)], ticket.created)
        dues = [t.due_at for t in result.targets if t.due_at is not None]
        return min(dues, key=to_real) if dues else None

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
