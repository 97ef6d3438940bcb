"""`lint`: what in a desk configuration can never do what its author meant.

Each check is conservative: a finding is always real (a rule that can never fire, a
pool that nobody can serve); a configuration with no findings may still have problems
no static check can see. Findings name the path of the part at fault, so a QA team can
fix the configuration from the message alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import HorizonExceeded, InvalidInput
from ticketcore._util import check_in_range
from ticketcore.assign import Agent, Pool, Routing, Rule
from ticketcore.conditions import ALWAYS, All, Any_, Condition
from ticketcore.conditions import Test as _Test
from ticketcore.desk._config import DeskConfig
from ticketcore.sla import BusinessCalendar

__all__ = ["FINDING_CODES", "Finding", "lint"]

#: Every finding's code, with what it means.
FINDING_CODES: Final = {
    "shadowed_rule": "a rule every ticket it matches is taken by an earlier rule first",
    "unserved_pool": "a pool no agent can serve (no member has its skills, tier or department)",
    "closed_shift": "an agent whose shift calendar has no open time in the year ahead",
    "unreachable_pool": "a pool no rule, tier or default sends tickets to",
    "no_catch_all_policy": "tickets that no SLA policy covers get no SLA (no policy without a condition)",
    "goal_beyond_horizon": "a goal that needs more open time than the calendar has within its horizon",
    "uncovered_priority": "a target with a goal for a priority but none for a more urgent one",
}


@attrs.frozen(kw_only=True)
class Finding:
    """One problem in a configuration: ``path`` of the part, a stable ``code``, and ``message``."""

    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {"path": self.path, "code": self.code, "message": self.message}


def lint(config: DeskConfig, at: datetime | None = None) -> tuple[Finding, ...]:
    """The findings for a configuration, in the order of its parts.

    ``at`` (an aware datetime) enables the checks that depend on the date, such as a
    shift calendar with no open time in the year after ``at``; ticketcore reads no clock,
    so without it they are skipped.

    >>> from ticketcore.desk import DeskConfig
    >>> config = DeskConfig.from_dict({
    ...     "routing": {
    ...         "rules": [
    ...             {"name": "all to team", "pool": "team"},
    ...             {"name": "chat to ana", "when": {"field": "channel", "eq": "chat"}, "agent": "ana"},
    ...         ],
    ...         "pools": [{"name": "team"}]},
    ...     "agents": [{"id": "ana"}]})
    >>> [f.code for f in lint(config)]
    ['shadowed_rule']
    """
    if not isinstance(config, DeskConfig):
        raise InvalidInput("config", "a ticketcore.desk.DeskConfig", config)
    if at is not None:
        given: object = at
        if not isinstance(given, datetime) or at.utcoffset() is None:
            raise InvalidInput("at", "an aware datetime, or None", at)
        check_in_range(at, "at")
    out: list[Finding] = []
    out += _shadowed_rules(config.routing)
    out += _pools(config.routing, config.agents)
    if at is not None:
        out += _shifts(config.agents, at)
    out += _policies(config, at)
    return tuple(out)


_YEAR: Final = timedelta(days=365)


# -- rules ----------------------------------------------------------------------------


def _always_takes(rule: Rule) -> bool:
    """Whether a matching rule always takes the ticket (it never falls through to the next)."""
    return rule.agent is None or not rule.respect_availability


def _parts(condition: Condition) -> tuple[Condition, ...]:
    return condition.parts if isinstance(condition, All) else (condition,)


def implies(a: Condition, b: Condition) -> bool:
    """Whether every ticket matching ``a`` surely matches ``b`` (conservative: False when unsure)."""
    if b in (ALWAYS, a):
        return True
    if isinstance(b, All):
        return all(implies(a, part) for part in b.parts)
    if isinstance(a, Any_):
        return all(implies(part, b) for part in a.parts)
    if isinstance(b, Any_) and any(implies(a, part) for part in b.parts):
        return True
    if isinstance(a, All) and any(implies(part, b) for part in a.parts):
        return True
    return _test_implies(a, b)


def _test_implies(a: Condition, b: Condition) -> bool:
    """``F.x == v`` implies ``F.x in [..., v, ...]`` (text compared without case, as `Test` does)."""
    if not (isinstance(a, _Test) and isinstance(b, _Test) and a.field == b.field):
        return False
    if a.op != "eq" or b.op != "in" or not isinstance(a.value, str):
        return False
    values = b.value if isinstance(b.value, tuple | list | frozenset) else ()
    return any(isinstance(v, str) and v.casefold() == a.value.casefold() for v in values)


def _shadowed_rules(routing: Routing) -> list[Finding]:
    out = []
    for j, rule in enumerate(routing.rules):
        for kind in sorted(rule.on):
            earlier = next(
                (
                    (i, r)
                    for i, r in enumerate(routing.rules[:j])
                    if kind in r.on and _always_takes(r) and implies(rule.when, r.when)
                ),
                None,
            )
            if earlier is None:
                break
        else:
            assert earlier is not None  # the loop ran at least once ('on' is never empty), never broke
            i, first = earlier
            out.append(
                Finding(
                    path=f"routing.rules[{j}]",
                    code="shadowed_rule",
                    message=f"rule {rule.name!r} never fires: every ticket it matches goes to "
                    f"rule {first.name!r} (routing.rules[{i}]) first",
                )
            )
    return out


# -- pools ------------------------------------------------------------------------------


def _serves(pool: Pool, agent: Agent) -> bool:
    if pool.agents is not None and agent.id not in pool.agents:
        return False
    if pool.department is not None and pool.department not in agent.departments:
        return False
    if pool.tier is not None and agent.tier != pool.tier:
        return False
    return pool.skills <= agent.skills


def _pools(routing: Routing, agents: tuple[Agent, ...]) -> list[Finding]:
    out = []
    reached = {r.pool for r in routing.rules if r.pool is not None}
    reached |= {name for _, name in routing.tiers}
    if routing.default_pool is not None:
        reached.add(routing.default_pool)
    for i, pool in enumerate(routing.pools):
        if not any(_serves(pool, agent) for agent in agents):
            needs = []
            if pool.skills:
                needs.append(f"skills {sorted(pool.skills)}")
            if pool.tier is not None:
                needs.append(f"tier {pool.tier}")
            if pool.department is not None:
                needs.append(f"department {pool.department!r}")
            why = f" with {', '.join(needs)}" if needs else ""
            out.append(
                Finding(
                    path=f"routing.pools[{i}]",
                    code="unserved_pool",
                    message=f"pool {pool.name!r} has no agent{why}: its tickets can only wait",
                )
            )
        if pool.name not in reached:
            out.append(
                Finding(
                    path=f"routing.pools[{i}]",
                    code="unreachable_pool",
                    message=f"no rule, tier or default sends tickets to pool {pool.name!r}",
                )
            )
    return out


def _shifts(agents: tuple[Agent, ...], at: datetime) -> list[Finding]:
    out = []
    for i, agent in enumerate(agents):
        if agent.shift is None:
            continue
        try:
            opens = agent.shift.next_open(at)
        except HorizonExceeded:
            opens = None
        if opens is None or opens - at > _YEAR:
            out.append(
                Finding(
                    path=f"agents[{i}].shift",
                    code="closed_shift",
                    message=f"agent {agent.id!r} works a shift with no open time in the year after "
                    f"{at.date().isoformat()}: pools that check shifts pass them over",
                )
            )
    return out


# -- SLA ----------------------------------------------------------------------------------


def _never_met(calendar: BusinessCalendar | None, goal: timedelta, at: datetime | None) -> bool:
    """Whether a goal needs more open time than the calendar has within its horizon."""
    if calendar is None:
        return False
    if at is None:
        return goal > calendar.horizon  # more business time than real time: never, whatever the date
    try:
        calendar.add(at, goal)
    except HorizonExceeded:
        return True
    return False


def _policies(config: DeskConfig, at: datetime | None) -> list[Finding]:
    out = []
    policies = config.sla.policies
    if policies and all(p.when != ALWAYS for p in policies):
        out.append(
            Finding(
                path="sla.policies",
                code="no_catch_all_policy",
                message="every policy has a condition: a ticket none of them covers has no SLA "
                "(add a last policy without 'when')",
            )
        )
    for i, policy in enumerate(policies):
        calendar = policy.calendar
        for j, target in enumerate(policy.targets):
            path = f"sla.policies[{i}].targets[{j}]"
            # Leaving the lowest priorities without a goal is a choice; a more urgent one
            # without a goal while a less urgent one has one is an oversight (a typo, a
            # scale that changed): its tickets would get less of a promise.
            covered = {priority for priority, _ in target.goals}
            lowest = min(covered)
            missing = [
                p.name for p in reversed(config.vocabulary.priorities) if p > lowest and p not in covered
            ]
            if missing:
                out.append(
                    Finding(
                        path=f"{path}.goals",
                        code="uncovered_priority",
                        message=f"target {target.name!r} has a goal for {lowest.name!r} but none for "
                        f"the more urgent {', '.join(map(repr, missing))}: their tickets get no SLA from it",
                    )
                )
            for priority, goal in target.goals:
                if _never_met(calendar, goal, at):
                    out.append(
                        Finding(
                            path=f"{path}.goals.{priority.value}",
                            code="goal_beyond_horizon",
                            message=f"goal {goal.total_seconds() / 3600:g} h needs more open time than the "
                            "calendar has within its horizon: the target can never be met",
                        )
                    )
    return out
