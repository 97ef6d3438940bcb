"""The ticket as the engines see it: a small immutable value shared by SLA and assignment.

Its priority is a `ticketcore._priority.Priority` (the scale in force lives there too).
"""

from __future__ import annotations

import contextvars
import enum
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timezone
from typing import Any, Final, TypeVar

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import _ACTIVE_SCALE, Priority
from ticketcore._util import (
    MAX_INSTANT,
    MIN_INSTANT,
    check_depth,
    check_in_range,
    check_keys,
    dump_instant,
    load_instant,
    pairs_to_dict,
)

__all__ = ["CustomValue", "Status", "Ticket"]

CustomValue = str | int | float | bool | None


_E = TypeVar("_E", bound=enum.Enum)


def _parse_member(kind: type[_E], value: object, field: str) -> _E:
    """A member of ``kind`` from itself or its value, raising `InvalidInput` naming ``field``."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(field, f"one of {', '.join(repr(m.value) for m in kind)}", value) from None


class Status(enum.Enum):
    """Where a ticket is in its life.

    ``NEW`` (not yet accepted), ``OPEN`` and ``IN_PROGRESS`` (an agent is on it),
    ``PENDING`` (waiting on the customer), ``ON_HOLD`` (waiting on a third party),
    ``SOLVED`` (may still be reopened) and ``CLOSED`` (final).
    """

    NEW = "new"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"

    # Members are singletons compared by identity; hashing by identity is consistent with
    # that and runs in C (Enum's own __hash__ is a Python function, hot in the SLA clock).
    __hash__ = object.__hash__

    #: Whether the ticket is solved or closed. A plain attribute of each member, set once
    #: (every engine asks this on every status event; a property would run Python code).
    is_resolved: bool

    def __init__(self, value: str) -> None:
        self.is_resolved = value in ("solved", "closed")

    @classmethod
    def parse(cls, value: object, field: str = "status") -> Status:
        """A `Status` from itself, its name, or a host's status name while a vocabulary is in force.

        Within ``ticketcore.desk.Vocabulary.active()`` a host's name (``"Warte auf Kunde"``)
        reads as its category. Raises `InvalidInput` naming ``field`` otherwise.
        """
        if isinstance(value, Status):
            return value
        host = _HOST_STATUSES.get()
        if host is not None:
            lookup, names = host
            found = lookup.get(value) if isinstance(value, str) else None
            if found is None:
                raise InvalidInput.unknown_key(field, value, names, "status names")
            return found
        return _parse_member(cls, value, field)


#: The host's status names in force (set by ``ticketcore.desk.Vocabulary.active``), or None:
#: what each name reads as (the host's names, and the names of the categories they use),
#: and the host's names (for errors).
_HOST_STATUSES: Final[contextvars.ContextVar[tuple[Mapping[str, Status], tuple[str, ...]] | None]] = (
    contextvars.ContextVar("ticketcore_statuses", default=None)
)


def _to_priority(value: object) -> Priority:
    if type(value) is Priority:
        return value
    return _ACTIVE_SCALE.get().parse(value, "priority")


def _default_priority() -> Priority:
    return _ACTIVE_SCALE.get()._default


def _to_status(value: object) -> Status:
    return Status.parse(value)


def nonempty(expected: str = "a non-empty string") -> Callable[[object, attrs.Attribute[Any], object], None]:
    """An attrs validator: a non-empty string, else `InvalidInput` naming the field and ``expected``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or not value:
            raise InvalidInput(attribute.name, expected, value)

    return check


_nonempty_str = nonempty()


def _optional_str(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidInput(attribute.name, "a non-empty string or None", value)


def aware(instance: object, attribute: attrs.Attribute[datetime], value: object) -> None:
    """An attrs validator: an aware datetime in the supported range, else `InvalidInput` naming the field.

    The range is [`MIN_INSTANT`, `MAX_INSTANT`) of `ticketcore._util` (1900 to 2999 UTC).
    """
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(attribute.name, "an aware datetime", value)
    check_in_range(value, attribute.name)


def _real_wall_time(value: object) -> object:
    """An attrs converter: a wall time that a zone skips (02:30 on a spring-forward night) as the real one.

    Python keeps such a time as given, but its offset is the one before the change, so the
    dict form reads back as 03:30: the same instant, yet not an equal value. Normalising it
    here makes every accepted instant round-trip. Anything else is returned unchanged (the
    validator judges it).
    """
    if (
        isinstance(value, datetime)
        and value.tzinfo is not None
        and value.tzinfo is not UTC
        and not isinstance(value.tzinfo, timezone)
        and value.utcoffset() is not None
        and MIN_INSTANT <= value < MAX_INSTANT
    ):
        real = value.astimezone(UTC).astimezone(value.tzinfo)
        if real != value:
            return real
    return value


def event_id(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    """An attrs validator: None, or the host's id for an event (non-empty text of at most 200 characters)."""
    if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > 200):
        raise InvalidInput(attribute.name, "None, or an event id of 1 to 200 characters", value)


def _tier(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or not 1 <= value <= 4:
        raise InvalidInput(attribute.name, "a support tier from 1 to 4", value)


def _names(value: object, field: str, kind: str) -> frozenset[str]:
    """A set of names (tags, skills): stripped and in lower case, each non-empty."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput(field, f"a collection of {kind} strings", value)
    names = []
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(field, f"non-empty {kind} strings", name)
        names.append(name.strip().casefold())
    return frozenset(names)


def _to_tags(value: object) -> frozenset[str]:
    return _names(value, "tags", "tag")


def _to_skills(value: object) -> frozenset[str]:
    if type(value) is frozenset and not value:
        return value  # the default: no required skills, one shared empty set
    return _names(value, "skills", "skill")


def _to_custom(value: object) -> tuple[tuple[str, CustomValue], ...]:
    value = pairs_to_dict(value)
    if not isinstance(value, Mapping):
        raise InvalidInput("custom", "a dict of custom field values", value)
    out: list[tuple[str, CustomValue]] = []
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidInput("custom", "non-empty string keys", key)
        # A value must survive JSON: NaN and the infinities do not (json.dumps writes NaN, which is not JSON).
        if (item is not None and not isinstance(item, str | int | float | bool)) or (
            isinstance(item, float) and not math.isfinite(item)
        ):
            raise InvalidInput(f"custom.{key}", "a string, finite number, boolean or None", item)
        out.append((key, item))
    return tuple(sorted(out))


@attrs.frozen(kw_only=True)
class Ticket:
    """A helpdesk ticket, as far as routing and service levels care. An immutable value.

    Conditions (`ticketcore.conditions`) read these fields by name. Tags are
    normalised to lower case (``"VIP"`` and ``"vip"`` are one tag), and custom fields
    are kept as sorted ``(name, value)`` pairs; read them with `custom_value`.
    ``skills`` are the skills an agent needs to take the ticket (lower case, as
    `ticketcore.assign.Agent.skills`): automatic assignment gives it only to an agent
    who has all of them.
    A ``priority`` given by name is read on the scale in force (`PriorityScale.current`),
    and a ticket that names none gets that scale's default; the dict form leaves the
    priority out when it is that default, so read it back under the same scale.

    >>> from datetime import datetime, timezone
    >>> t = Ticket(id="T-1", created=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
    ...            channel="chat", subject="Refund please", tags={"VIP"})
    >>> sorted(t.tags), t.priority
    (['vip'], Priority('normal', 1))
    """

    id: str = attrs.field(validator=_nonempty_str)
    created: datetime = attrs.field(converter=_real_wall_time, validator=aware)
    channel: str = attrs.field(default="email", validator=_nonempty_str)
    department: str | None = attrs.field(default=None, validator=_optional_str)
    priority: Priority = attrs.field(factory=_default_priority, converter=_to_priority)
    tier: int = attrs.field(default=1, validator=_tier)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_to_tags)
    subject: str = attrs.field(default="")
    language: str | None = attrs.field(default=None, validator=_optional_str)
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_to_skills)
    product_code: str | None = attrs.field(default=None, validator=_optional_str)
    plan: str | None = attrs.field(default=None, validator=_optional_str)
    custom: tuple[tuple[str, CustomValue], ...] = attrs.field(default=(), converter=_to_custom)
    status: Status = attrs.field(default=Status.NEW, converter=_to_status)
    assignee: str | None = attrs.field(default=None, validator=_optional_str)

    @subject.validator
    def _check_subject(self, attribute: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str):
            raise InvalidInput("subject", "a string", value)

    def custom_value(self, name: str) -> CustomValue:
        """The value of a custom field, or None when the ticket does not have it."""
        for key, value in self.custom:
            if key == name:
                return value
        return None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form; fields at their default are left out.

        >>> from datetime import datetime, timezone
        >>> Ticket(id="T-1", created=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), tags={"vip"}).to_dict()
        {'id': 'T-1', 'created': '2026-03-02T09:00:00+00:00', 'tags': ['vip']}
        """
        out: dict[str, Any] = {"id": self.id, "created": dump_instant(self.created)}
        for name, default in _TICKET_DEFAULTS.items():
            value = getattr(self, name)
            if value == default or (name == "priority" and value is _ACTIVE_SCALE.get()._default):
                continue
            if isinstance(value, enum.Enum | Priority):
                value = value.value
            elif name in ("tags", "skills"):
                value = sorted(value)
            elif name == "custom":
                value = dict(value)
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: object, path: str = "ticket") -> Ticket:
        """Read the dict form written by `to_dict`; an error names the field's path.

        The dict form is JSON's: ``tags`` and ``skills`` are lists of strings and ``custom``
        a dict (the constructor also takes any collection of names and ``(name, value)`` pairs).
        """
        check_depth(data, path)
        d = check_keys(data, path, _TICKET_FIELDS, ("id", "created"))
        d["created"] = load_instant(d["created"], f"{path}.created")
        for name, kind in (("tags", "tag"), ("skills", "skill")):
            if name in d and not isinstance(d[name], list):
                raise InvalidInput(f"{path}.{name}", f"a list of {kind} strings", d[name])
        if "custom" in d and not isinstance(d["custom"], dict):
            raise InvalidInput(f"{path}.custom", "a dict of custom field values", d["custom"])
        try:
            return cls(**d)
        except InvalidInput as e:
            raise InvalidInput(f"{path}.{e.field}", e.expected, e.value) from None


_TICKET_FIELDS: Final = tuple(f.name for f in attrs.fields(Ticket))
_TICKET_DEFAULTS: Final = {f.name: f.default for f in attrs.fields(Ticket) if f.name not in ("id", "created")}
