"""What one `Desk` call produced: decisions, alerts, escalations, due times, notifications.

Every value here is frozen and has a JSON-compatible dict form, so a host can write an
outcome to its outbox as it is.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._instant import from_real
from ticketcore._util import dump_instant
from ticketcore.assign import Assigned, Decision, ReturnedToPool
from ticketcore.sla import Action, Alert, Notify

__all__ = ["DueChange", "Escalation", "Notification", "Outcome", "alert_to_dict"]


def _instant(value: datetime | None) -> str | None:
    return None if value is None else dump_instant(value)


def alert_to_dict(alert: Alert) -> dict[str, Any]:
    """The JSON-compatible dict form of an SLA `ticketcore.sla.Alert`."""
    if not isinstance(alert, Alert):
        raise InvalidInput("alert", "a ticketcore.sla.Alert", alert)
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


# Not slotted: `Outcome.due` is a data descriptor over the instance's dict (see the end of
# the module), and `make_outcome` fills that dict at a third of the cost of ``__init__``.
@attrs.frozen(kw_only=True, slots=False)
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

    ``due`` and ``notifications`` are made on first read from what the call kept (plain
    integers, alerts and decisions), so an outcome a host does not read in full costs no
    datetimes or texts; a read gives the same values whenever it happens.
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


#: How a ticket's due times moved in one call, kept raw until `Outcome.due` is read:
#: ``(ticket id, due reals before, their zone, due reals after, their zone)``, the reals
#: as `ticketcore.sla.SLAClock._desk_view` gives them (``(target, instant or None)`` pairs).
Zone = ZoneInfo | timezone
DueMove = tuple[str, tuple[tuple[str, int | None], ...], Zone, tuple[tuple[str, int | None], ...], Zone]


def due_changes(moves: list[DueMove]) -> tuple[DueChange, ...]:
    """The `DueChange` values of raw moves, in order: per ticket, the targets that moved by name.

    Each ``before`` is made in the zone of the due times it was computed with, each
    ``after`` in the zone of its own (the zone of the ticket's calendar at the time).
    """
    out: list[DueChange] = []
    for ticket_id, before, before_zone, after, after_zone in moves:
        moved: list[tuple[str, int | None, int | None]] | None = None
        if len(after) == len(before):  # the same targets (the same policy): pair by pair
            moved = []
            for (target, now), (name, was) in zip(after, before, strict=True):
                if target != name:
                    moved = None
                    break
                if was != now:
                    moved.append((target, was, now))
        if moved is None:
            old, new = dict(before), dict(after)
            moved = [(t, old.get(t), new.get(t)) for t in new.keys() | old.keys() if old.get(t) != new.get(t)]
        moved.sort()  # by target name (names are unique)
        out += (
            DueChange(
                ticket_id=ticket_id,
                target=target,
                before=None if was is None else from_real(was, before_zone),
                after=None if now is None else from_real(now, after_zone),
            )
            for target, was, now in moved
        )
    return tuple(out)


def level_notification(ticket_id: str, alert: Alert) -> Notification:
    """The notification of a ladder level whose action is `ticketcore.sla.Notify`."""
    assert isinstance(alert.action, Notify)
    return Notification(
        to=alert.action.to,
        why="sla_level",
        ticket_id=ticket_id,
        at=alert.due,
        text=f"SLA {alert.target} of {ticket_id!r}: level {alert.level} reached",
    )


#: A notification kept raw until `Outcome.notifications` is read: made already, or a
#: ladder level's ``(ticket id, alert)``, or the `Assigned` or `ReturnedToPool` decision
#: the assignee is told of.
RawNotification = Notification | tuple[str, Alert] | Decision


def notifications(raw: list[RawNotification]) -> tuple[Notification, ...]:
    """The `Notification` values of raw ones (see `RawNotification`), in order."""
    out: list[Notification] = []
    for item in raw:
        if isinstance(item, Notification):
            out.append(item)
        elif isinstance(item, tuple):
            out.append(level_notification(*item))
        else:  # the assignee told of an `Assigned` or `ReturnedToPool` decision
            if isinstance(item, Assigned):
                why, text = "assigned", f"{item.ticket_id!r} is yours: {item.explanation.route}"
            else:
                assert isinstance(item, ReturnedToPool)
                why, text = "unassigned", f"{item.ticket_id!r} is no longer yours: {item.detail}"
            out.append(
                Notification(to=item.agent_id, why=why, ticket_id=item.ticket_id, at=item.at, text=text)
            )
    return tuple(out)


class _Lazy:
    """An `Outcome` field made from raw values on first read, then kept (`due`, `notifications`).

    The desk computes what an event caused as plain values (integers, alerts, decisions)
    and makes the `DueChange` and `Notification` values, their datetimes and texts, only
    for a host that reads them: the instance's dict holds either the field's tuple or a
    list of raw values (a list is never a field value). Reads, equality, hashing, ``repr``,
    ``attrs.evolve`` and `Outcome.to_dict` all go through here, so they all see the tuple.
    """

    def __init__(self, name: str, make: Any) -> None:
        self.name = name
        self.make = make

    def __get__(self, instance: Outcome | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        d = instance.__dict__
        value = d[self.name]
        if type(value) is list:
            value = d[self.name] = self.make(value)
        return value

    def __set__(self, instance: Outcome, value: object) -> None:
        instance.__dict__[self.name] = value  # only ``__init__`` gets here (the class is frozen)


# Descriptors put over the attrs fields of those names.
setattr(Outcome, "due", _Lazy("due", due_changes))  # noqa: B010
setattr(Outcome, "notifications", _Lazy("notifications", notifications))  # noqa: B010

_new: Final = object.__new__


def make_outcome(  # noqa: PLR0917 - every field, as ``__init__`` takes them
    event_id: str | None,
    decisions: tuple[Decision, ...],
    alerts: tuple[Alert, ...],
    escalations: tuple[Escalation, ...],
    due: tuple[()] | list[DueMove],
    notifications: tuple[()] | list[RawNotification],
    touched: tuple[str, ...],
    removed: tuple[str, ...],
    shared: bool,
) -> Outcome:
    """An `Outcome` (not a duplicate's) without ``__init__``'s cost, for the desk.

    Trusted: the desk passes values ``__init__`` would store as they are (attrs validates
    nothing here); ``due`` and ``notifications`` may be lists of raw values (see `_Lazy`).
    """
    out: Outcome = _new(Outcome)
    d = out.__dict__
    d["event_id"] = event_id
    d["duplicate"] = False
    d["decisions"] = decisions
    d["alerts"] = alerts
    d["escalations"] = escalations
    d["due"] = due
    d["notifications"] = notifications
    d["touched"] = touched
    d["removed"] = removed
    d["shared"] = shared
    return out
