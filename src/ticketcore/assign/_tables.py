"""The dispatcher's indexes and reason tables: pool membership and who could take a ticket now.

Job: `_Tables`, the mixin that recomputes pool membership after agents or routing change
(`_index`), keeps each member's reason (presence, cap, cap per channel) and the fast
selection's structures up to date on every load or agent change (`_bump`, `_refresh`,
`_rank`), and counts loads from the tickets. May import: `_core`, `_records` and the
value modules; never another job module.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from ticketcore.assign._core import _Core
from ticketcore.assign._fast import LEAST_LOADED, LONGEST_IDLE, Ranked
from ticketcore.assign._model import (
    BacklogOrder,
    Pool,
)
from ticketcore.assign._records import (
    _ONLINE,
    _PRESENCE_WORDS,
    ASSIGNED,
    _Info,
    _missing,
    _Rec,
    _Rot,
    _Table,
)
from ticketcore.assign._strategies import (
    LeastLoaded,
    LongestIdle,
    Sequential,
)


class _Tables(_Core):
    """Pool membership, the reason tables and the fast structures, kept up to date."""

    __slots__ = ()

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
