"""Ticket events: what a host tells the engines happened, and when.

Events are frozen, keyword-only values, validated when built (an aware ``at``, a
known status, fields that exist on `Ticket`). SLA clocks, the dispatcher and the
backlog tracker all read the same events. Don't subclass them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Status, Ticket, aware, event_id, nonempty
from ticketcore._util import pairs_to_dict, read_bool

__all__ = [
    "AgentReply",
    "CustomerMessage",
    "DueDateSet",
    "StatusChanged",
    "TicketCreated",
    "TicketEvent",
    "TicketUpdated",
]

#: Ticket fields a `TicketUpdated` may change (``id``, ``created`` and ``status`` may not:
#: status has its own event).
UPDATABLE: Final = frozenset(
    f.name for f in attrs.fields(Ticket) if f.name not in ("id", "created", "status")
)


_aware = aware


def _bool(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    read_bool(value, attribute.name)


_ticket_id = nonempty("a non-empty ticket id")


class TicketEvent:
    """The base of the ticket events: each has ``ticket_id`` and ``at``.

    Every event may also carry ``event_id``, the host's own id for it (a webhook
    delivery id, an inbox row id); `ticketcore.desk.Desk` applies an id once per ticket,
    so a retried event is safe. The engines themselves ignore it.
    """

    __slots__ = ()

    if TYPE_CHECKING:  # read-only for every event: a field, or `TicketCreated`'s property

        @property
        def ticket_id(self) -> str: ...

        @property
        def at(self) -> datetime: ...


@attrs.frozen(kw_only=True)
class TicketCreated(TicketEvent):
    """A ticket was created. ``at`` is ``ticket.created``.

    ``by_agent`` marks a ticket an agent opened (by phone, say): its opening comment
    is not a reply to the customer, so it does not fulfil the first-response target.
    """

    ticket: Ticket = attrs.field()
    by_agent: bool = attrs.field(default=False, validator=_bool)
    event_id: str | None = attrs.field(default=None, validator=event_id)

    @ticket.validator
    def _check(self, attribute: attrs.Attribute[Ticket], value: object) -> None:
        if not isinstance(value, Ticket):
            raise InvalidInput("ticket", "a ticketcore.Ticket", value)

    @property
    def ticket_id(self) -> str:
        """The new ticket's id."""
        return self.ticket.id

    @property
    def at(self) -> datetime:
        """When the ticket was created."""
        return self.ticket.created


def _optional_agent(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidInput(attribute.name, "an agent id, or None when the host does not know", value)


@attrs.frozen(kw_only=True)
class CustomerMessage(TicketEvent):
    """The customer wrote (a reply or a new comment)."""

    ticket_id: str = attrs.field(validator=_ticket_id)
    at: datetime = attrs.field(validator=_aware)
    event_id: str | None = attrs.field(default=None, validator=event_id)


@attrs.frozen(kw_only=True)
class AgentReply(TicketEvent):
    """An agent wrote. Only a ``public`` reply answers the customer; an internal note does not."""

    ticket_id: str = attrs.field(validator=_ticket_id)
    at: datetime = attrs.field(validator=_aware)
    public: bool = attrs.field(default=True, validator=_bool)
    agent_id: str | None = attrs.field(default=None, validator=_optional_agent)
    event_id: str | None = attrs.field(default=None, validator=event_id)


def _to_status(value: object) -> Status:
    return Status.parse(value)


@attrs.frozen(kw_only=True)
class StatusChanged(TicketEvent):
    """The ticket moved to ``status``; ``by`` names the agent who moved it, when the host knows."""

    ticket_id: str = attrs.field(validator=_ticket_id)
    at: datetime = attrs.field(validator=_aware)
    status: Status = attrs.field(converter=_to_status)
    by: str | None = attrs.field(default=None, validator=_optional_agent)
    event_id: str | None = attrs.field(default=None, validator=event_id)


def _to_changes(value: object) -> tuple[tuple[str, Any], ...]:
    value = pairs_to_dict(value)
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput("changes", "a non-empty dict of ticket fields", value)
    out = []
    for key, given in value.items():
        if key not in UPDATABLE:
            raise InvalidInput.unknown_key(f"changes.{key}", str(key), UPDATABLE)
        # Normalised as the ticket field is (a priority's name, tags as a set, custom
        # fields as sorted pairs), so that equal changes make equal events.
        convert = _CONVERTERS.get(key)
        try:
            check = _FIELDS[key].validator
            if convert is None and check is not None:
                # Checked as the ticket field is, so that a bad value is refused here,
                # not when the event is applied.
                check(_PROBE, _FIELDS[key], given)
            out.append((key, given if convert is None else convert(given)))
        except InvalidInput as e:
            raise InvalidInput(f"changes.{key}", e.expected, e.value) from None
    return tuple(sorted(out))


_CONVERTERS: Final = {
    f.name: cast("Callable[[object], Any]", f.converter)
    for f in attrs.fields(Ticket)
    if f.name in UPDATABLE and f.converter is not None
}
_FIELDS: Final = {f.name: f for f in attrs.fields(Ticket) if f.name in UPDATABLE}
_PROBE: Final = Ticket(id="probe", created=datetime(2000, 1, 1, tzinfo=UTC))


@attrs.frozen(kw_only=True)
class TicketUpdated(TicketEvent):
    """Some of the ticket's fields changed, for example ``{"priority": "urgent"}``."""

    ticket_id: str = attrs.field(validator=_ticket_id)
    at: datetime = attrs.field(validator=_aware)
    changes: tuple[tuple[str, Any], ...] = attrs.field(converter=_to_changes)
    event_id: str | None = attrs.field(default=None, validator=event_id)

    def apply(self, ticket: Ticket, status: Status | None = None) -> Ticket:
        """The ticket with the changes made (validated like a new ticket), and ``status`` if given."""
        changes = dict(self.changes)
        if status is not None:
            changes["status"] = status
        try:
            return attrs.evolve(ticket, **changes)
        except InvalidInput as e:
            raise InvalidInput(f"changes.{e.field}", e.expected, e.value) from None


_target_name = nonempty("a non-empty target name")


@attrs.frozen(kw_only=True)
class DueDateSet(TicketEvent):
    """An agent set a target's due time by hand (Freshdesk's "due by" override).

    ``target`` names a target of the ticket's SLA policy that has a running or paused
    cycle; ``due`` is the instant it is now due, later than ``at`` with business time
    in between. SLA clocks turn the override into the business time the clock would
    read at ``due`` if it ran on from ``at`` (so later pauses still push it back),
    keep it through later priority changes, and refuse a resolution due time earlier
    than the first-response due time. The dispatcher and the backlog tracker accept the
    event and change nothing.
    """

    ticket_id: str = attrs.field(validator=_ticket_id)
    at: datetime = attrs.field(validator=_aware)
    target: str = attrs.field(validator=_target_name)
    due: datetime = attrs.field(validator=_aware)
    event_id: str | None = attrs.field(default=None, validator=event_id)
