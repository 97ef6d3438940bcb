"""The host's own words for statuses: each name mapped to the category that fixes its meaning.

A helpdesk has its own status names ("waiting on vendor", "resolved", "Warte auf
Kunde"). ticketcore's engines reason about seven categories (`ticketcore.Status`):
whether a ticket's SLA clock counts, pauses or stops, and whether it counts toward an
agent's load, follow from its category alone. A `Vocabulary` maps every host name to
one category; the `ticketcore.desk.Desk` translates at its edge, so the engines never
see a host name and the host never sees a category it did not define.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Status
from ticketcore._util import check_keys, pairs_to_dict

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


@attrs.frozen(kw_only=True)
class Vocabulary:
    """The host's status names, in the host's order, each mapped to a `ticketcore.Status` category.

    Names are matched exactly (case matters: they are the host's identifiers). Several
    names may share a category ("waiting on customer" and "waiting on vendor" can both
    be ``pending``); a category no name maps to simply never occurs. The default
    vocabulary is the categories' own names.

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
    _by_name: dict[str, Status] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _first: dict[Status, str] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        by_name: dict[str, Status] = {}
        first: dict[Status, str] = {}
        for i, (name, category) in enumerate(self.statuses):
            if name in by_name:
                raise InvalidInput(f"statuses[{i}]", "a name no other status has", name)
            by_name[name] = category
            first.setdefault(category, name)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_first", first)

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
        """The JSON-compatible dict form: ``{"statuses": {name: category}}``."""
        return {"statuses": {name: category.value for name, category in self.statuses}}

    @classmethod
    def from_dict(cls, data: object, path: str = "vocabulary") -> Vocabulary:
        """Read the dict form; an error names the path of the bad key or value."""
        d = check_keys(data, path, ("statuses",), ())
        try:
            return cls(**d)
        except InvalidInput as e:
            raise InvalidInput(f"{path}.{e.field}", e.expected, e.value) from None
