"""The ticket as the engines see it: a small immutable value shared by SLA and assignment."""

from __future__ import annotations

import contextlib
import contextvars
import enum
import itertools
import math
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timezone
from typing import Any, ClassVar, Final, TypeVar, final

import attrs

from ticketcore._errors import InvalidInput
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

__all__ = [
    "MAX_PRIORITIES",
    "MAX_PRIORITY_NAME",
    "CustomValue",
    "Priority",
    "PriorityScale",
    "Status",
    "Ticket",
]

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


class _PriorityType(type):
    """`Priority`'s metaclass: ``list(Priority)`` is the scale in force, lowest first (as the old enum)."""

    def __iter__(cls) -> Iterator[Priority]:
        return iter(_ACTIVE_SCALE.get())

    def __reversed__(cls) -> Iterator[Priority]:
        return reversed(_ACTIVE_SCALE.get()._order)

    def __len__(cls) -> int:
        return len(_ACTIVE_SCALE.get())


#: Longest priority name, and most priorities on one scale (ranks run from 0 to one less).
MAX_PRIORITY_NAME: Final = 100
MAX_PRIORITIES: Final = 100

_interned: weakref.WeakValueDictionary[tuple[str, int], Priority] = weakref.WeakValueDictionary()
_intern_lock = threading.Lock()


@final
class Priority(metaclass=_PriorityType):
    """A ticket's priority: a ``name`` and a ``rank`` (higher is more urgent), ordered by rank.

    A host's priorities come from a `PriorityScale` (``P1`` to ``P5``, ``urgent`` to
    ``low``); the built-in scale's four are ``Priority.LOW < NORMAL < HIGH < URGENT``
    (ranks 0 to 3). ``Priority(name, rank)`` returns the one instance of that pair (so
    equality is identity and hashing is fast), and so do copies and unpickling.
    ``value`` is the name, as in the dict forms. `parse` reads a name on the scale in force.

    >>> Priority.HIGH > Priority.NORMAL
    True
    >>> Priority.parse("urgent")
    Priority('urgent', 3)
    >>> Priority("urgent", 3) is Priority.URGENT
    True
    """

    __slots__ = ("__weakref__", "name", "rank")

    name: str
    rank: int

    LOW: ClassVar[Priority]
    NORMAL: ClassVar[Priority]
    HIGH: ClassVar[Priority]
    URGENT: ClassVar[Priority]

    def __new__(cls, name: str, rank: int) -> Priority:
        if type(name) is not str or type(rank) is not int:
            _check_priority(name, rank)
        key = (name, rank)
        found = _interned.get(key)
        if found is not None:
            return found
        _check_priority(name, rank)
        with _intern_lock:
            found = _interned.get(key)
            if found is None:
                found = object.__new__(cls)
                object.__setattr__(found, "name", name)
                object.__setattr__(found, "rank", rank)
                _interned[key] = found
            return found

    @property
    def value(self) -> str:
        """The name (what the dict forms write; the old enum's ``value``)."""
        return self.name

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __repr__(self) -> str:
        return f"Priority({self.name!r}, {self.rank})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Priority, (self.name, self.rank))

    def __copy__(self) -> Priority:
        return self

    def __deepcopy__(self, memo: object) -> Priority:
        return self

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank >= other.rank

    @classmethod
    def parse(cls, value: object, field: str = "priority") -> Priority:
        """A `Priority` from itself or its name on the scale in force (`PriorityScale.current`).

        Raises `InvalidInput` naming ``field`` and listing the scale's names.
        """
        if type(value) is Priority:
            return value
        return _ACTIVE_SCALE.get().parse(value, field)


def _check_priority(name: object, rank: object) -> None:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_PRIORITY_NAME:
        raise InvalidInput("name", f"a priority name of 1 to {MAX_PRIORITY_NAME} characters", name)
    if name == "all":
        raise InvalidInput("name", "a priority name other than 'all' (goals use it for every priority)", name)
    if type(name) is not str:
        raise InvalidInput("name", "a priority name (a str)", name)
    if type(rank) is not int or not 0 <= rank < MAX_PRIORITIES:
        raise InvalidInput("rank", f"a whole number from 0 to {MAX_PRIORITIES - 1}", rank)


Priority.LOW = Priority("low", 0)
Priority.NORMAL = Priority("normal", 1)
Priority.HIGH = Priority("high", 2)
Priority.URGENT = Priority("urgent", 3)


@final
class PriorityScale:
    """A host's priorities: names written highest first, as hosts list them, and a default.

    ``PriorityScale(["P1", "P2", "P3", "P4", "P5"], default="P3")``: the first name is the
    most urgent; ranks run from 0 for the last name up. ``default`` is the priority of a
    ticket that names none; left out, it is the middle name (the lower of the two middle
    ones for an even count: ``normal`` on the built-in scale ``urgent, high, normal, low``).
    Names are matched exactly: 1 to 100 of them, each unique, of at most 100 characters, not ``"all"``.

    Iterating a scale gives its priorities lowest first (the order of ``sorted``);
    ``names`` keeps the order written, highest first. The scale in force while reading
    (built-in unless `active` says otherwise) resolves every priority name ticketcore reads.

    >>> scale = PriorityScale(["P1", "P2", "P3", "P4", "P5"])
    >>> scale["P1"], scale.default
    (Priority('P1', 4), Priority('P3', 2))
    >>> scale["P2"] > scale["P3"], scale.above(scale["P3"])
    (True, Priority('P2', 3))
    >>> [p.name for p in scale]
    ['P5', 'P4', 'P3', 'P2', 'P1']
    """

    __slots__ = ("_above", "_by_name", "_default", "_names", "_order")

    BUILTIN: ClassVar[PriorityScale]

    _names: tuple[str, ...]
    _order: tuple[Priority, ...]
    _by_name: dict[str, Priority]
    _above: dict[Priority, Priority | None]
    _default: Priority

    def __init__(self, names: Iterable[str], default: str | Priority | None = None) -> None:
        if isinstance(names, str) or not isinstance(names, Iterable):
            raise InvalidInput("priorities", "a list of priority names, highest first", names)
        given = tuple(itertools.islice(names, MAX_PRIORITIES + 1))
        if not given or len(given) > MAX_PRIORITIES:
            raise InvalidInput("priorities", f"1 to {MAX_PRIORITIES} priority names", names)
        n = len(given)
        by_name: dict[str, Priority] = {}
        for i, name in enumerate(given):
            try:
                priority = Priority(name, n - 1 - i)
            except InvalidInput as e:
                raise InvalidInput(f"priorities[{i}]", e.expected, e.value) from None
            if name in by_name:
                raise InvalidInput(f"priorities[{i}]", "a name no other priority has", name)
            by_name[name] = priority
        order = tuple(reversed(by_name.values()))
        object.__setattr__(self, "_names", given)
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(
            self, "_above", {p: order[i + 1] if i + 1 < n else None for i, p in enumerate(order)}
        )
        if default is None:
            chosen = by_name[given[n // 2]]
        elif isinstance(default, Priority) and default in self._above:
            chosen = default
        else:
            chosen = self.parse(default, "default_priority")
        object.__setattr__(self, "_default", chosen)

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    @property
    def names(self) -> tuple[str, ...]:
        """The names as written, highest first."""
        return self._names

    @property
    def default(self) -> Priority:
        """The priority of a ticket that names none."""
        return self._default

    @property
    def highest(self) -> Priority:
        """The most urgent priority."""
        return self._order[-1]

    @property
    def lowest(self) -> Priority:
        """The least urgent priority."""
        return self._order[0]

    def __iter__(self) -> Iterator[Priority]:
        return iter(self._order)

    def __reversed__(self) -> Iterator[Priority]:
        return reversed(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, value: object) -> bool:
        if isinstance(value, str):
            return value in self._by_name
        return isinstance(value, Priority) and value in self._above

    def __getitem__(self, name: str) -> Priority:
        return self.parse(name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PriorityScale):
            return NotImplemented
        return self._names == other._names and self._default is other._default

    def __hash__(self) -> int:
        return hash((self._names, self._default))

    def __repr__(self) -> str:
        return f"PriorityScale({list(self._names)!r}, default={self._default.name!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PriorityScale, (self._names, self._default.name))

    def parse(self, value: object, field: str = "priority") -> Priority:
        """The priority ``value`` names (or ``value`` itself when it is on this scale).

        Raises `InvalidInput` naming ``field`` and listing the names, highest first.
        """
        if isinstance(value, str):
            found = self._by_name.get(value)
            if found is not None:
                return found
        elif isinstance(value, Priority) and value in self._above:
            return value
        raise InvalidInput(field, f"one of the priorities {self._known()}", value)

    def _known(self) -> str:
        names = self._names
        shown = ", ".join(map(repr, names[:12]))
        more = f" and {len(names) - 12} more" if len(names) > 12 else ""
        return f"{shown}{more} (highest first)"

    def above(self, priority: object) -> Priority | None:
        """The next more urgent priority (what `ticketcore.sla.RaisePriority` raises to), None at the top."""
        return self._above[self.parse(priority)]

    def to_dict(self) -> dict[str, Any]:
        """The dict form: ``{"priorities": [names, highest first], "default_priority": name}``."""
        return {"priorities": list(self._names), "default_priority": self._default.name}

    @classmethod
    def from_dict(cls, data: object, path: str = "vocabulary") -> PriorityScale:
        """Read the dict form; an error names the path of the bad key or value."""
        d = check_keys(data, path, ("priorities", "default_priority"), ("priorities",))
        names = d["priorities"]
        if not isinstance(names, list):
            raise InvalidInput(f"{path}.priorities", "a list of priority names, highest first", names)
        try:
            return cls(names, d.get("default_priority"))
        except InvalidInput as e:
            raise InvalidInput(f"{path}.{e.field}", e.expected, e.value) from None

    @contextlib.contextmanager
    def active(self) -> Iterator[PriorityScale]:
        """Put this scale in force for the ``with`` block (in this thread or task only).

        >>> scale = PriorityScale(["P1", "P2", "P3"])
        >>> with scale.active():
        ...     Priority.parse("P1")
        Priority('P1', 2)
        """
        token = _ACTIVE_SCALE.set(self)
        try:
            yield self
        finally:
            _ACTIVE_SCALE.reset(token)

    @staticmethod
    def current() -> PriorityScale:
        """The scale in force: the one of the innermost `active` block, else `BUILTIN`."""
        return _ACTIVE_SCALE.get()


PriorityScale.BUILTIN = PriorityScale(["urgent", "high", "normal", "low"])
_ACTIVE_SCALE: Final[contextvars.ContextVar[PriorityScale]] = contextvars.ContextVar(
    "ticketcore_priorities", default=PriorityScale.BUILTIN
)


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
