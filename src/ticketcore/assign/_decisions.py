"""What the dispatcher decided, and why.

Decisions are frozen values; the sequence of them is the audit trail. Each carries
an `Explanation`: the route (which rule matched, or which pool the ticket fell to),
the rules passed over on the way, every agent considered and why each was passed
over, and the tie-break that decided. Don't subclass them.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, cast

import attrs

from ticketcore._util import dump_instant

__all__ = [
    "Assigned",
    "Decision",
    "Escalated",
    "Explanation",
    "LeftUnassigned",
    "Queued",
    "Reason",
    "ReturnedToPool",
]


class Reason(enum.StrEnum):
    """Why a decision went the way it did, as a stable code (beside the prose).

    A `str`, so ``decision.reason == "direct_rule"`` holds; the dict form writes the
    text. The values, by decision:

    - `Assigned`: ``assigned_by_host`` (the ticket came with an assignee),
      ``direct_rule`` (a rule to an agent), ``pool_choice`` (a pool's strategy chose),
      ``backlog_pass`` (handed out from a backlog), ``assign_on_closure``,
      ``transferred`` (`TicketTransferred`), ``reopened_to_owner``;
    - `Queued` and `LeftUnassigned`: ``no_eligible_agent`` (the pool has members, none
      could take it), ``pool_empty`` (the pool has no members); `LeftUnassigned` also
      ``no_route`` (no rule matched, and no tier or default pool);
    - `ReturnedToPool`: ``agent_removed``, ``agent_offline``;
    - `Escalated`: ``escalation_tag`` (an escalation tag), ``escalation_requested``
      (a `TicketEscalated` event).
    """

    ASSIGNED_BY_HOST = "assigned_by_host"
    DIRECT_RULE = "direct_rule"
    POOL_CHOICE = "pool_choice"
    BACKLOG_PASS = "backlog_pass"  # noqa: S105 - not a password
    ASSIGN_ON_CLOSURE = "assign_on_closure"
    TRANSFERRED = "transferred"
    REOPENED_TO_OWNER = "reopened_to_owner"
    NO_ELIGIBLE_AGENT = "no_eligible_agent"
    POOL_EMPTY = "pool_empty"
    NO_ROUTE = "no_route"
    AGENT_REMOVED = "agent_removed"
    AGENT_OFFLINE = "agent_offline"
    ESCALATION_TAG = "escalation_tag"
    ESCALATION_REQUESTED = "escalation_requested"


@attrs.frozen(kw_only=True)
class Explanation:
    """Why a ticket went where it went.

    ``route`` says how the target was reached (``rule 'chat to Catherine'``, ``tier 2
    pool``, ``default pool``, ``backlog pass`` ...); ``rules_passed`` lists ``(rule,
    why)`` for direct rules that matched but could not be used; ``pool`` and
    ``strategy`` name the pool and its strategy when a pool chose; ``passed`` lists
    ``(agent_id, why)`` for every agent considered and passed over (``offline``, ``at cap
    5/5``, ``missing skill 'billing'``, ``does not speak 'de'``, ``outside shift``,
    ``tier 1, not 2``); ``eligible`` counts the eligible agents seen; ``tiebreak`` says
    what decided among them.
    """

    route: str
    rules_passed: tuple[tuple[str, str], ...] = ()
    pool: str | None = None
    strategy: str | None = None
    passed: tuple[tuple[str, str], ...] = ()
    eligible: int = 0
    tiebreak: str = ""

    def text(self) -> str:
        """The explanation as lines a person can read."""
        lines = [f"route: {self.route}"]
        lines += [f"  rule {name!r} not used: {why}" for name, why in self.rules_passed]
        if self.pool is not None:
            lines.append(f"pool {self.pool!r}, strategy {self.strategy}, {self.eligible} eligible")
            lines += [f"  passed over {agent!r}: {why}" for agent, why in self.passed]
        if self.tiebreak:
            lines.append(f"decided by: {self.tiebreak}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {
            "route": self.route,
            "rules_passed": [list(p) for p in self.rules_passed],
            "pool": self.pool,
            "strategy": self.strategy,
            "passed": [list(p) for p in self.passed],
            "eligible": self.eligible,
            "tiebreak": self.tiebreak,
        }


class Decision:
    """The base of the decisions: each has ``ticket_id``, ``at``, ``cause`` and ``reason``.

    ``reason`` is a stable code (`Reason`) for assertions and dashboards; the prose is
    the ``explanation`` (or ``detail``).

    ``cause`` says what set the dispatcher going: ``created``, ``updated``,
    ``reopened``, ``backlog`` (a backlog pass), ``closure`` (assign on closure),
    ``transfer``, ``escalation``, ``agent_removed``, ``agent_offline`` or ``routing_changed``.
    """

    __slots__ = ()
    ticket_id: str
    at: datetime
    cause: str
    reason: Reason

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form, with its kind."""
        out: dict[str, Any] = {"kind": type(self).__name__}
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(self))):
            value = getattr(self, field.name)
            if isinstance(value, datetime):
                value = dump_instant(value)
            elif isinstance(value, Reason):
                value = value.value
            elif isinstance(value, Explanation):
                value = value.to_dict()
            out[field.name] = value
        return out


@attrs.frozen(kw_only=True)
class Assigned(Decision):
    """The ticket now belongs to ``agent_id`` (``previous`` had it before, if anyone)."""

    ticket_id: str
    at: datetime
    cause: str
    reason: Reason
    agent_id: str
    previous: str | None
    explanation: Explanation


@attrs.frozen(kw_only=True)
class Queued(Decision):
    """Nobody in ``pool`` could take the ticket; it waits in the pool's backlog."""

    ticket_id: str
    at: datetime
    cause: str
    reason: Reason
    pool: str
    explanation: Explanation


@attrs.frozen(kw_only=True)
class LeftUnassigned(Decision):
    """The ticket is left without an agent (``reason``; ``detail`` in words); it is not retried."""

    ticket_id: str
    at: datetime
    cause: str
    reason: Reason
    detail: str
    explanation: Explanation


@attrs.frozen(kw_only=True)
class ReturnedToPool(Decision):
    """``agent_id`` no longer has the ticket (``reason``; ``detail`` in words); routing follows."""

    ticket_id: str
    at: datetime
    cause: str
    reason: Reason
    agent_id: str
    detail: str


@attrs.frozen(kw_only=True)
class Escalated(Decision):
    """The ticket moved from ``from_tier`` up to ``to_tier``; a routing decision follows.

    ``detail`` is the escalation's reason in words (a `TicketEscalated`'s ``reason``).
    """

    ticket_id: str
    at: datetime
    cause: str
    reason: Reason
    from_tier: int
    to_tier: int
    detail: str


# Trusted construction, for the dispatcher's hot path: the same objects as the attrs
# constructors build (these classes have no validators, converters or hooks; a test
# checks that and compares the two), without the keyword parsing and the per-field
# ``object.__setattr__`` lookups of a frozen class. Private: the values must already be
# what the fields hold.

_new = object.__new__


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    """The slot setters of ``cls``'s fields ``names`` (which must be all of them, in order)."""
    fields = tuple(f.name for f in attrs.fields(cls))
    assert fields == names, (cls, fields)
    return tuple(cls.__dict__[name].__set__ for name in names)


_EX = _setters(Explanation, ("route", "rules_passed", "pool", "strategy", "passed", "eligible", "tiebreak"))
_AS = _setters(Assigned, ("ticket_id", "at", "cause", "reason", "agent_id", "previous", "explanation"))
_QU = _setters(Queued, ("ticket_id", "at", "cause", "reason", "pool", "explanation"))


def make_explanation(  # noqa: PLR0917 - positional: the hot path
    route: str,
    rules_passed: tuple[tuple[str, str], ...],
    pool: str | None,
    strategy: str | None,
    passed: tuple[tuple[str, str], ...],
    eligible: int,
    tiebreak: str,
) -> Explanation:
    """``Explanation(route=route, ...)``, trusted (see above)."""
    out = _new(Explanation)
    a, b, c, d, e, f, g = _EX
    a(out, route)
    b(out, rules_passed)
    c(out, pool)
    d(out, strategy)
    e(out, passed)
    f(out, eligible)
    g(out, tiebreak)
    return out


def make_assigned(  # noqa: PLR0917 - positional: the hot path
    ticket_id: str,
    at: datetime,
    cause: str,
    reason: Reason,
    agent_id: str,
    previous: str | None,
    explanation: Explanation,
) -> Assigned:
    """``Assigned(ticket_id=ticket_id, ...)``, trusted (see above)."""
    out = _new(Assigned)
    a, b, c, d, e, f, g = _AS
    a(out, ticket_id)
    b(out, at)
    c(out, cause)
    d(out, reason)
    e(out, agent_id)
    f(out, previous)
    g(out, explanation)
    return out


def make_queued(  # noqa: PLR0917 - positional: the hot path
    ticket_id: str, at: datetime, cause: str, reason: Reason, pool: str, explanation: Explanation
) -> Queued:
    """``Queued(ticket_id=ticket_id, ...)``, trusted (see above)."""
    out = _new(Queued)
    a, b, c, d, e, f = _QU
    a(out, ticket_id)
    b(out, at)
    c(out, cause)
    d(out, reason)
    e(out, pool)
    f(out, explanation)
    return out
