"""Priorities: open values ranked on a scale, and the scale in force.

One job: `Priority` (a name and a rank, interned, ordered by rank), `PriorityScale`
(the host's names, highest first, and its default) and the scale in force (a context
variable, `PriorityScale.active`), which `Priority`'s iteration and parsing follow.
`ticketcore._ticket` builds the ticket on it.

May import: the standard library, attrs, ``ticketcore._errors`` and ``ticketcore._util``; no
other ticketcore module (it is below the ticket).
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import threading
import weakref
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Final, final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._util import check_keys

__all__ = ["MAX_PRIORITIES", "MAX_PRIORITY_NAME", "Priority", "PriorityScale"]


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
