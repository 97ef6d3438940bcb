"""Placing one ticket: the rules, the tier and default pools, then give it, queue it or leave it.

Job: `_Placing`, the mixin that routes a ticket (`_route`, `_escalate`), hands it to an
agent (`_give`, the hot path), puts it in a pool's backlog or leaves it unassigned, and
returns an agent's tickets to routing. May import: `_core`, `_records` and the value
modules; never another job module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import attrs

from ticketcore._ticket import Ticket
from ticketcore.assign._core import _Core
from ticketcore.assign._decisions import (
    Decision,
    Escalated,
    Explanation,
    LeftUnassigned,
    Reason,
    ReturnedToPool,
    make_assigned,
    make_queued,
)
from ticketcore.assign._model import (
    Agent,
    Pool,
    Rule,
)
from ticketcore.assign._records import (
    _ONLINE,
    ASSIGNED,
    BACKLOG,
    UNASSIGNED,
    _missing,
    _Rec,
)
from ticketcore.assign._strategies import (
    Selection,
)

_POOL_CHOICE: Final = Reason.POOL_CHOICE
_NO_ELIGIBLE: Final = Reason.NO_ELIGIBLE_AGENT
_POOL_EMPTY: Final = Reason.POOL_EMPTY


class _Placing(_Core):
    """Placing one ticket: rules, tier and default pools, then give it, queue it or leave it."""

    __slots__ = ()

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
