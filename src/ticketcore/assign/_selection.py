"""Selection and rotation: who in a pool takes a ticket, and the explanation of that choice.

Job: `_Selecting`, the mixin that runs a pool's strategy (the fast ring and heaps of
`_fast` for the built-in round robin, least loaded and longest idle, the strategy's
reference `select` otherwise, through `_View`) and explains the result, with the caches
keyed by the epoch. May import: `_core`, `_records` and the value modules; never another
job module.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime
from typing import Any

from ticketcore._ticket import Ticket
from ticketcore.assign._core import _Core
from ticketcore.assign._decisions import (
    Explanation,
    make_explanation,
)
from ticketcore.assign._fast import ring_select, ring_walk
from ticketcore.assign._model import (
    Pool,
)
from ticketcore.assign._records import (
    _missing,
    _Table,
)
from ticketcore.assign._strategies import (
    Check,
    LeastLoaded,
    LongestIdle,
    Selection,
    Sequential,
    rotation_text,
)


class _Selecting(_Core):
    """Who in a pool takes a ticket (`Selection`), and the explanation of that choice."""

    __slots__ = ()

    def _select(
        self, pool: Pool, ticket: Ticket, at: datetime, counts: dict[str, int] | None = None
    ) -> Selection:
        name = pool.name
        members = self._members[name]
        if not members:
            return Selection(chosen=None, passed=(), eligible=0, tiebreak="the pool has no members")
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


class _View:
    """The `PoolView` a strategy reads."""

    __slots__ = ("agents", "ccaps", "channel", "d", "idle", "loads", "pcaps", "pool", "rot")

    def __init__(self, d: _Core, pool: Pool, channel: str | None = None) -> None:
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
