"""Alerts: what a clock reports when a point falls due, and when a breach may be reported again.

One job: the `Alert` value, building alerts from due points (`_make_alerts`), and the
breach episodes: which reported breaches an event undid (`_undone_breaches`), so that a
later breach of the same cycle is reported again.

Imports: the machine, the cycles and the library's real-time conversion (`ticketcore._instant`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import attrs

from ticketcore._instant import from_real
from ticketcore.events import DueDateSet, TicketUpdated
from ticketcore.sla._cycles import _Point, _Track
from ticketcore.sla._ladder import Action
from ticketcore.sla._machine import _Machine

__all__ = ["Alert"]


@attrs.frozen(kw_only=True)
class Alert:
    """Something that became due: a ladder level, a breach, or a suspicious pause.

    ``due`` is the instant it became due; ``action`` is the level's action (None for a
    breach or a suspicious pause). For a breach, ``due`` is the cycle's ``breach_at``:
    the instant the clock starts to read more than the goal (17:00 for a goal used up at
    17:00 while open; the next opening for one used up at the close), while
    `SLAClock.next_deadline` is one microsecond later, the first instant at which the
    target *is* breached (more elapsed than the goal).

    The key ``(policy, target, cycle, kind, level)`` is reported at most once per clock,
    except a breach: once per *breach episode*. An event after which the cycle no longer
    reads more than its goal (a priority change or a due time set by hand moved the goal
    later) ends the episode, and a later breach of the same cycle is reported again.
    Ladder levels fire once per cycle.
    """

    ticket_id: str
    kind: str
    due: datetime
    policy: str
    target: str | None = None
    cycle: int | None = None
    level: int | None = None
    action: Action | None = None


#: The events that can end a breach episode: only a goal (priority, due time set by hand)
#: or the policy can move, since a cycle's clock never runs backwards.
_MAY_UNDO_BREACH: Final = frozenset({TicketUpdated, DueDateSet})


def _make_alerts(m: _Machine, due: list[_Point]) -> tuple[Alert, ...]:
    """The alerts of the points ``due`` (in their order), in the zone the clock reports in."""
    if not due:
        return ()
    assert m.ticket is not None  # else nothing is pending
    assert m.policy is not None
    ticket, policy, zone = m.ticket.id, m.policy.name, m.basis.zone
    if len(due) == 1:
        _, report, _, kind, target, cycle, level, action = due[0]
        return (
            Alert(
                ticket_id=ticket,
                kind=kind,
                due=from_real(report, zone),
                policy=policy,
                target=target,
                cycle=cycle,
                level=level,
                action=action,
            ),
        )
    return tuple(
        [
            Alert(
                ticket_id=ticket,
                kind=kind,
                due=from_real(report, zone),
                policy=policy,
                target=target,
                cycle=cycle,
                level=level,
                action=action,
            )
            for _, report, _, kind, target, cycle, level, action in due
        ]
    )


def _undone_breaches(
    m: _Machine, breached: frozenset[tuple[object, ...]], at: int
) -> set[tuple[object, ...]]:
    """The breach keys whose episode the event at ``at`` ended (the goal moved past the clock)."""
    policy = None if m.policy is None else m.policy.name
    tracks: dict[object, _Track] = {
        track.target.name: track for track in m.tracks
    }  # keyed as the breach keys
    f_at = m._f(at)
    undone: set[tuple[object, ...]] = set()
    for key in breached:
        if key[0] != policy:
            continue  # checked at the event that brings the ticket back under that policy
        track = tracks.get(key[1])
        index = key[2]
        assert isinstance(index, int)
        if track is not None and index < len(track.cycles):
            cycle = track.cycles[index]
            goal = cycle.goal(track.target)
            if goal is not None and cycle.consumed(f_at) > goal:
                continue  # still breached: the same episode
        undone.add(key)
    return undone
