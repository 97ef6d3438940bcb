"""The host's own words: status names mapped to the categories that fix their meaning, and priorities.

A helpdesk has its own status names ("waiting on vendor", "resolved", "Warte auf
Kunde"). ticketcore's engines reason about seven categories (`ticketcore.Status`):
whether a ticket's SLA clock counts, pauses or stops, and whether it counts toward an
agent's load, follow from its category alone. A `Vocabulary` maps every host name to
one category, and lists the host's priorities (`ticketcore.PriorityScale`); the desk's
readers (`ticketcore.desk.event_from_dict`, `ticketcore.desk.DeskConfig`) translate at
the edge, so the engines never see a host status name and the host never sees a
category it did not define.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, cast

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import _ACTIVE_SCALE, PriorityScale
from ticketcore._ticket import _HOST_STATUSES, Status
from ticketcore._util import check_keys, pairs_to_dict, wrap

__all__ = ["Vocabulary"]

#: The built-in vocabulary: each category under its own name.
_IDENTITY: Final = tuple((s.value, s) for s in Status)


def _to_statuses(value: object) -> tuple[tuple[str, Status], ...]:
    value = pairs_to_dict(value)
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput("statuses", "a non-empty mapping of status names to categories", value)
    out = []
    for name, category in value.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("statuses", "non-empty status names", name)
        out.append((name, Status.parse(category, f"statuses.{name}")))
    return tuple(out)


def _to_scale(value: object) -> PriorityScale:
    if isinstance(value, PriorityScale):
        return value
    return PriorityScale(cast("Iterable[str]", value))  # it refuses what is not a list of names


@attrs.frozen(kw_only=True)
class Vocabulary:
    """The host's status names, in the host's order, each mapped to a `ticketcore.Status` category.

    Names are matched exactly (case matters: they are the host's identifiers). Several
    names may share a category ("waiting on customer" and "waiting on vendor" can both
    be ``pending``); a category no name maps to simply never occurs. The default
    vocabulary is the categories' own names. A host name may not be the name of another
    category (``{"open": "pending"}`` would read ``open`` two ways).

    ``priorities`` is the host's `ticketcore.PriorityScale` (default: the built-in
    ``urgent, high, normal, low``). Inside `active`, every name ticketcore reads (a
    ticket's priority and status, a condition, an SLA goal) is read in this vocabulary.

    >>> from ticketcore import Status
    >>> from ticketcore.desk import Vocabulary
    >>> v = Vocabulary(statuses={"Neu": "new", "In Arbeit": "open", "Warte auf Kunde": "pending",
    ...                          "Gelöst": "solved", "Geschlossen": "closed"})
    >>> v.category("Warte auf Kunde")
    <Status.PENDING: 'pending'>
    >>> v.name(Status.SOLVED)
    'Gelöst'
    """

    statuses: tuple[tuple[str, Status], ...] = attrs.field(default=_IDENTITY, converter=_to_statuses)
    priorities: PriorityScale = attrs.field(factory=lambda: PriorityScale.BUILTIN, converter=_to_scale)
    _by_name: dict[str, Status] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _first: dict[Status, str] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _lookup: tuple[dict[str, Status], tuple[str, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        by_name: dict[str, Status] = {}
        first: dict[Status, str] = {}
        for i, (name, category) in enumerate(self.statuses):
            if name in by_name:
                raise InvalidInput(f"statuses[{i}]", "a name no other status has", name)
            if name in _CATEGORY_NAMES and _CATEGORY_NAMES[name] is not category:
                raise InvalidInput(
                    f"statuses.{name}",
                    f"the category {name!r} (a host name that is another category's name reads two ways)",
                    category.value,
                )
            by_name[name] = category
            first.setdefault(category, name)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_first", first)
        # What a name reads as inside `active`: a host name, or a category's own name (as the
        # dict forms write statuses: a configuration written out reads back in).
        lookup = _CATEGORY_NAMES | by_name
        object.__setattr__(self, "_lookup", (lookup, tuple(by_name)))

    @property
    def names(self) -> tuple[str, ...]:
        """The host's status names, in order."""
        return tuple(name for name, _ in self.statuses)

    def category(self, name: object, field: str = "status") -> Status:
        """The category of the host status ``name``.

        A `ticketcore.Status` member is accepted as itself when the vocabulary maps some
        name to it. Anything else raises `InvalidInput` naming ``field`` and listing the
        known names.
        """
        if isinstance(name, Status):
            if name in self._first:
                return name
            raise InvalidInput(field, f"a category the vocabulary uses ({self._known()})", name.value)
        found = self._by_name.get(name) if isinstance(name, str) else None
        if found is None:
            raise InvalidInput.unknown_key(field, str(name), self._by_name, "status names")
        return found

    def name(self, category: Status) -> str:
        """The first host name of ``category`` (what a status set by ticketcore is reported as)."""
        found = self._first.get(category)
        if found is None:
            raise InvalidInput("status", f"a category the vocabulary uses ({self._known()})", category.value)
        return found

    def _known(self) -> str:
        return ", ".join(repr(s.value) for s in self._first)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form.

        ``{"statuses": {name: category}, "priorities": [names, highest first],
        "default_priority": name}``; the priorities only when they are not the built-in scale.
        """
        out: dict[str, Any] = {"statuses": {name: category.value for name, category in self.statuses}}
        if self.priorities != PriorityScale.BUILTIN:
            out.update(self.priorities.to_dict())
        return out

    @classmethod
    def from_dict(cls, data: object, path: str = "vocabulary") -> Vocabulary:
        """Read the dict form; an error names the path of the bad key or value.

        ``default_priority`` left out is the middle priority (see `ticketcore.PriorityScale`).
        """
        d = check_keys(data, path, ("statuses", "priorities", "default_priority"), ())
        if "priorities" in d:
            d["priorities"] = PriorityScale.from_dict(
                {k: d.pop(k) for k in ("priorities", "default_priority") if k in d}, path
            )
        elif "default_priority" in d:
            # A default on the built-in scale.
            d["priorities"] = PriorityScale.from_dict(
                {
                    "priorities": list(PriorityScale.BUILTIN.names),
                    "default_priority": d.pop("default_priority"),
                },
                path,
            )
        return wrap(path, cls, **d)

    @contextlib.contextmanager
    def active(self) -> Iterator[Vocabulary]:
        """Read names in this vocabulary for the ``with`` block (in this thread or task only).

        Inside it, `ticketcore.Priority.parse` and `ticketcore.Status.parse` (and so
        ``Ticket(priority="P1")``, ``StatusChanged(status="Warte auf Kunde")``, conditions
        and SLA goals) read this vocabulary's names; a status may also be given by a
        category's own name (``"pending"``), as the dict forms write it.

        >>> from ticketcore.events import StatusChanged
        >>> from datetime import datetime, timezone
        >>> v = Vocabulary.from_dict({"statuses": {"Neu": "new", "Warte auf Kunde": "pending"},
        ...                           "priorities": ["P1", "P2", "P3"]})
        >>> with v.active():
        ...     e = StatusChanged(ticket_id="T-1", at=datetime(2026, 3, 2, tzinfo=timezone.utc),
        ...                       status="Warte auf Kunde")
        >>> e.status
        <Status.PENDING: 'pending'>
        """
        scale = _ACTIVE_SCALE.set(self.priorities)
        statuses = _HOST_STATUSES.set(None if self.statuses == _IDENTITY else self._lookup)
        try:
            yield self
        finally:
            _HOST_STATUSES.reset(statuses)
            _ACTIVE_SCALE.reset(scale)


_CATEGORY_NAMES: Final = {s.value: s for s in Status}
