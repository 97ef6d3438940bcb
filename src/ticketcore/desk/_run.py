"""One call of the desk as its outcome is built, and the escalation loop (rule 4 of `ticketcore.desk._desk`).

One job: collect what a call decided, fired and touched, apply each alert's ladder
action to routing (and a priority to the ticket's clock) in the same call, feed
routing's tier changes to the clocks, and make the `Outcome`.

May import: the standard library, ``ticketcore._errors``, public names of other
subpackages, and the desk's ``_part``, ``_feed`` (the desk it works on: fields,
deadlines and backlog feed) and ``_outcome``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ticketcore._errors import HorizonExceeded
from ticketcore.assign import Assigned, Decision, ReturnedToPool, TicketEscalated, TicketTransferred
from ticketcore.desk._feed import _BacklogFeed
from ticketcore.desk._outcome import DueMove, Escalation, Notification, Outcome, RawNotification, make_outcome
from ticketcore.desk._part import _CHANGED, _ROUTED
from ticketcore.events import TicketUpdated
from ticketcore.sla import Action, Alert, MoveTier, Notify, RaisePriority, Reassign


class _Run:
    """The outcome of one call as it is built, and the escalation loop."""

    def __init__(self, desk: _BacklogFeed) -> None:
        self.desk = desk
        self.decisions: list[Decision] = []
        self.alerts: list[Alert] = []
        self.escalations: list[Escalation] = []
        self.notifications: list[RawNotification] = []  # made if the host reads them
        # Ticket id -> how its SLA clock moved: _CHANGED (it handled an event: due times
        # and deadline are computed again), _FIRED (alerts fired: the deadline) or
        # _ROUTED (only routing touched the ticket: both stay as they are).
        self.touched: dict[str, int] = {}
        self.removed: list[str] = []
        self.shared = False

    def touch(self, ticket_id: str, how: int = _ROUTED) -> None:
        self.touched[ticket_id] = max(how, self.touched.get(ticket_id, _ROUTED))

    def close(self, ticket_id: str) -> None:
        self.desk._parts.pop(ticket_id, None)
        self.desk._scheduled.pop(ticket_id, None)
        self.touched.pop(ticket_id, None)
        self.removed.append(ticket_id)

    def fire(self, ticket_id: str, alerts: Iterable[Alert], when: datetime | None = None) -> None:
        """Record alerts and apply their routing actions (the closed loop)."""
        for alert in alerts:
            self.alerts.append(alert)
            action = alert.action
            if action is None:
                continue
            at = alert.due if when is None else when
            if self.desk._now is not None and at < self.desk._now:
                at = self.desk._now
            if isinstance(action, Notify):
                self.notifications.append((ticket_id, alert))
                continue
            self.escalations.append(self._apply(ticket_id, alert, at))

    def _apply(self, ticket_id: str, alert: Alert, at: datetime) -> Escalation:
        """Apply a ladder action to routing (and to the clock for a priority): the loop closes here."""
        desk = self.desk
        action = alert.action
        assert action is not None
        applied = self._translate(ticket_id, action, f"SLA {alert.target} {alert.kind}", at)
        if isinstance(applied, str):
            return Escalation(alert=alert, action=action, applied=None, decisions=(), skipped=applied)
        decisions = desk._dispatcher.handle(applied, at=at)
        part = desk._parts[ticket_id]
        if desk._tracker is not None:
            if part.tracked is not None:
                counted = desk._clamp(part, applied)
                desk._count(part, counted, counted.at)
            desk._count_decisions(decisions)
        if isinstance(applied, TicketUpdated) and part.clock is not None:
            self.touch(ticket_id, _CHANGED)
            self.fire(ticket_id, part.clock.handle(applied), when=at)
        self.decisions.extend(decisions)
        for d in decisions:
            self.touch(d.ticket_id)
        if isinstance(applied, TicketTransferred):
            self.notifications.append(
                Notification(
                    to=applied.to_agent, why="reassigned", ticket_id=ticket_id, at=at, text=applied.by or ""
                )
            )
        return Escalation(
            alert=alert, action=action, applied=applied, decisions=tuple(decisions), skipped=None
        )

    def _translate(  # noqa: PLR0911 - one answer per action and per reason to skip it
        self, ticket_id: str, action: Action, why: str, at: datetime
    ) -> object:
        """The event that carries out ``action`` now, or the reason (a str) it cannot apply."""
        desk = self.desk
        if ticket_id not in desk._parts:
            return "ticket closed"
        ticket = desk._dispatcher.ticket(ticket_id)
        if ticket.status.is_resolved:
            return "ticket resolved"
        if isinstance(action, MoveTier):
            to = ticket.tier + 1 if action.to is None else action.to
            if to <= ticket.tier or to > 4:
                return f"already at tier {ticket.tier}"
            if desk._dispatcher.routing.tier_pool(to) is None:
                return f"no pool for tier {to}"
            return TicketEscalated(at=at, ticket_id=ticket_id, to_tier=to, reason=why)
        if isinstance(action, Reassign):
            if action.to not in {a.id for a in desk._dispatcher.agents}:
                return f"no agent {action.to!r}"
            if desk._dispatcher.place(ticket_id) == ("assigned", action.to):
                return f"already with {action.to!r}"
            return TicketTransferred(at=at, ticket_id=ticket_id, to_agent=action.to, by=why)
        assert isinstance(action, RaisePriority)  # Notify never reaches here
        to_priority = action.to or desk._scale.above(ticket.priority)
        if to_priority is None or to_priority <= ticket.priority:
            return f"priority already {ticket.priority.value}"
        return TicketUpdated(ticket_id=ticket_id, at=at, changes={"priority": to_priority})

    def sync_tiers(self) -> None:
        """Feed routing's tier changes to the tickets' SLA clocks (a policy may select on the tier).

        Routing moves a ticket to another tier when it escalates it (a tag, a
        `ticketcore.assign.TicketEscalated`, a ladder's `ticketcore.sla.MoveTier`) or when
        a rule names a tier; every such change comes with a decision about the ticket, so
        only the tickets of this call's decisions are compared. The clock takes the change
        as a `ticketcore.events.TicketUpdated` at the decision's instant, and its alerts
        go through the closed loop like any other (which may decide again: the loop runs
        until the decisions are used up).
        """
        desk = self.desk
        decisions = self.decisions
        refused: set[tuple[str, int]] = set()
        i = 0
        while i < len(decisions):
            decision = decisions[i]
            i += 1
            part = desk._parts.get(decision.ticket_id)
            if part is None or part.clock is None:
                continue
            seen = part.clock.ticket
            tier = desk._dispatcher.tier(decision.ticket_id)
            tid = decision.ticket_id
            if seen is None or seen.tier == tier or (tid, tier) in refused:
                continue
            at = decision.at
            update = TicketUpdated(ticket_id=tid, at=at, changes={"tier": tier})
            try:
                alerts = part.clock.handle(update)  # atomic by itself
            except HorizonExceeded as e:
                # Routing has already moved the ticket; its clock keeps the policy of its old
                # tier, and the host is told (the only way this call can still end whole).
                refused.add((tid, tier))
                self.notifications.append(
                    Notification(to="host", why="sla_not_updated", ticket_id=tid, at=at, text=str(e))
                )
                continue
            self.touch(tid, _CHANGED)
            self.fire(tid, alerts, when=at)

    def outcome(self, event_id: str | None) -> Outcome:
        desk = self.desk
        if self.decisions and desk._sla is not None:
            self.sync_tiers()
        due: list[DueMove] = []  # made into `DueChange` values if the host reads them
        for tid, how in self.touched.items():
            part = desk._parts.get(tid)
            if how and part is not None and part.clock is not None:
                if how == _CHANGED:
                    move = desk._settle(tid, part, part.clock)
                    if move is not None:
                        due.append(move)
                else:
                    desk._schedule(tid, part)
        notifications = self.notifications
        for decision in self.decisions:
            if isinstance(decision, Assigned | ReturnedToPool):
                notifications.append(decision)  # the assignee is told (made if read)
        if self.decisions:
            self.shared = True  # loads and rotation moved
        parts = desk._parts
        return make_outcome(
            event_id,
            tuple(self.decisions),
            tuple(self.alerts),
            tuple(self.escalations),
            due if due else (),
            notifications if notifications else (),
            tuple(t for t in self.touched if t in parts),
            tuple(self.removed),
            self.shared,
        )
