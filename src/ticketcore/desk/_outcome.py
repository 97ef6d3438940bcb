"""What one `Desk` call produced: decisions, alerts, escalations, due times, notifications.

Every value here is frozen and has a JSON-compatible dict form, so a host can write an
outcome to its outbox as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from ticketcore._util import dump_instant
from ticketcore.assign import Decision
from ticketcore.sla import Action, Alert

__all__ = ["DueChange", "Escalation", "Notification", "Outcome", "alert_to_dict"]


def _instant(value: datetime | None) -> str | None:
    return None if value is None else dump_instant(value)


def alert_to_dict(alert: Alert) -> dict[str, Any]:
    """The JSON-compatible dict form of an SLA `ticketcore.sla.Alert`."""
    return {
        "ticket_id": alert.ticket_id,
        "kind": alert.kind,
        "due": dump_instant(alert.due),
        "policy": alert.policy,
        "target": alert.target,
        "cycle": alert.cycle,
        "level": alert.level,
        "action": None if alert.action is None else alert.action.to_dict(),
    }


@attrs.frozen(kw_only=True)
class DueChange:
    """A target's due time moved: ``before`` and ``after`` (None: no running or paused cycle)."""

    ticket_id: str
    target: str
    before: datetime | None
    after: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {
            "ticket_id": self.ticket_id,
            "target": self.target,
            "before": _instant(self.before),
            "after": _instant(self.after),
        }


@attrs.frozen(kw_only=True)
class Notification:
    """Someone the host should tell something: ``to`` (an agent id or a ladder's recipient) and ``why``.

    ``why`` is a stable code: ``assigned`` (a ticket was given to them), ``unassigned``
    (a ticket was taken from them), ``sla_level`` (a ladder's `ticketcore.sla.Notify`
    level fired), ``reassigned`` (an SLA ladder moved a ticket to them) or
    ``sla_not_updated`` (addressed ``to="host"``: routing moved a ticket to another tier
    whose SLA policy cannot compute its due times, e.g. a calendar with too little open
    time; the ticket's clock keeps its old policy, ``text`` holds the error). ``text``
    says the same for a person.
    """

    to: str
    why: str
    ticket_id: str
    at: datetime
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {
            "to": self.to,
            "why": self.why,
            "ticket_id": self.ticket_id,
            "at": dump_instant(self.at),
            "text": self.text,
        }


@attrs.frozen(kw_only=True)
class Escalation:
    """One link of the closed escalation loop: an SLA alert, its action, and what routing did.

    ``applied`` is the event the desk fed to routing for the action (a
    `ticketcore.assign.TicketEscalated`, `ticketcore.assign.TicketTransferred` or
    `ticketcore.events.TicketUpdated`), ``decisions`` what the dispatcher decided from
    it, and ``skipped`` why the action was not applied (None when it was), for example
    ``"already at tier 4"``.
    """

    alert: Alert
    action: Action
    applied: object | None
    decisions: tuple[Decision, ...]
    skipped: str | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form (the applied event in its tagged dict form)."""
        from ticketcore.desk._codec import event_to_dict  # noqa: PLC0415 - the codec imports this module

        return {
            "alert": alert_to_dict(self.alert),
            "action": self.action.to_dict(),
            "applied": None if self.applied is None else event_to_dict(self.applied),
            "decisions": [d.to_dict() for d in self.decisions],
            "skipped": self.skipped,
        }


@attrs.frozen(kw_only=True)
class Outcome:
    """Everything one `Desk.handle` or `Desk.advance` call produced, in order.

    - ``decisions``: every assignment decision, those caused by escalations included;
    - ``alerts``: the SLA alerts that fell due (each reported once);
    - ``escalations``: for each alert whose level has a routing action, the chain
      alert, action, applied event, decisions;
    - ``due``: the due times that changed, per ticket and target;
    - ``notifications``: whom the host should tell what;
    - ``touched``: the tickets whose stored part changed (write one row each, from
      `Desk.ticket_state`), ``removed`` the tickets whose part is gone (closed), and
      ``shared`` whether the shared part changed (`Desk.shared_state`), its clocks included:
      most events move the clock, so most outcomes set it;
    - ``duplicate``: the event's id was already applied, so nothing happened.
    """

    event_id: str | None = None
    duplicate: bool = False
    decisions: tuple[Decision, ...] = ()
    alerts: tuple[Alert, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    due: tuple[DueChange, ...] = ()
    notifications: tuple[Notification, ...] = ()
    touched: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    shared: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form (for an outbox)."""
        return {
            "event_id": self.event_id,
            "duplicate": self.duplicate,
            "decisions": [d.to_dict() for d in self.decisions],
            "alerts": [alert_to_dict(a) for a in self.alerts],
            "escalations": [e.to_dict() for e in self.escalations],
            "due": [d.to_dict() for d in self.due],
            "notifications": [n.to_dict() for n in self.notifications],
            "touched": list(self.touched),
            "removed": list(self.removed),
            "shared": self.shared,
        }
