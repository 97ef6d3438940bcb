"""What the dispatcher decided, and why.

Decisions are frozen values; the sequence of them is the audit trail. Each carries
an `Explanation`: the route (which rule matched, or which pool the ticket fell to),
the rules passed over on the way, every agent considered and why each was passed
over, and the tie-break that decided. Don't subclass them.
"""

from __future__ import annotations

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
    "ReturnedToPool",
]


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
    """The base of the decisions: each has ``ticket_id``, ``at`` and ``cause``.

    ``cause`` says what set the dispatcher going: ``created``, ``updated``,
    ``reopened``, ``backlog`` (a backlog pass), ``closure`` (assign on closure),
    ``transfer``, ``escalation``, ``agent_removed``, ``agent_offline`` or ``routing_changed``.
    """

    __slots__ = ()
    ticket_id: str
    at: datetime
    cause: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form, with its kind."""
        out: dict[str, Any] = {"kind": type(self).__name__}
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(self))):
            value = getattr(self, field.name)
            if isinstance(value, datetime):
                value = dump_instant(value)
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
    agent_id: str
    previous: str | None
    explanation: Explanation


@attrs.frozen(kw_only=True)
class Queued(Decision):
    """Nobody in ``pool`` could take the ticket; it waits in the pool's backlog."""

    ticket_id: str
    at: datetime
    cause: str
    pool: str
    explanation: Explanation


@attrs.frozen(kw_only=True)
class LeftUnassigned(Decision):
    """The ticket is left without an agent, for ``reason``; it is not retried automatically."""

    ticket_id: str
    at: datetime
    cause: str
    reason: str
    explanation: Explanation


@attrs.frozen(kw_only=True)
class ReturnedToPool(Decision):
    """``agent_id`` no longer has the ticket, for ``reason``; a routing decision follows."""

    ticket_id: str
    at: datetime
    cause: str
    agent_id: str
    reason: str


@attrs.frozen(kw_only=True)
class Escalated(Decision):
    """The ticket moved from ``from_tier`` up to ``to_tier``; a routing decision follows."""

    ticket_id: str
    at: datetime
    cause: str
    from_tier: int
    to_tier: int
    reason: str
