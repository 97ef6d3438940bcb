"""A clock's state for storage and rollback: its dict form, and checkpoints.

One job: `SLAClock.to_dict`/`from_dict` (the ticket's events and the keys of the
alerts reported, checked key by key on the way in) and the `ClockCheckpoint` token.
A stored clock keeps its events, not its derived state, so `from_dict` folds them
again under the current release's rules.

Imports: the machine and the event forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._forms import form_of, read_form, tag_of
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)
from ticketcore.sla._machine import _Machine

__all__ = ["ClockCheckpoint"]


_EVENT_TAGS: Final = {
    tag_of(kind): kind
    for kind in (TicketCreated, TicketUpdated, StatusChanged, CustomerMessage, AgentReply, DueDateSet)
}


@attrs.frozen(kw_only=True)
class ClockCheckpoint:
    """An opaque token from `SLAClock.checkpoint`, for `SLAClock.restore`."""

    events: int
    fired: frozenset[tuple[object, ...]]
    breached: frozenset[tuple[object, ...]]


_KEY_FORMS: Final = {
    "fired": "an alert key of names, numbers and None",
    "breached": "a breach key [policy, target, cycle, 'breach', None]",
}


def _is_breach_key(key: list[object]) -> bool:
    return (
        len(key) == 5
        and isinstance(key[0], str)
        and isinstance(key[1], str)
        and type(key[2]) is int
        and key[2] >= 0
        and key[3:] == ["breach", None]
    )


def _state_dict(
    m: _Machine, fired: frozenset[tuple[object, ...]], breached: frozenset[tuple[object, ...]]
) -> dict[str, Any]:
    """`SLAClock.to_dict`: the events and the alert keys reported, in a stable order."""
    return {
        "events": [form_of(e) for e in m.events],
        "fired": sorted((list(key) for key in fired), key=str),
        "breached": sorted((list(key) for key in breached), key=str),
    }


def _read_state(
    m: _Machine, d: dict[str, Any], path: str
) -> tuple[frozenset[tuple[object, ...]], frozenset[tuple[object, ...]]]:
    """Fold the stored events of ``d`` (checked keys of `_state_dict`) into the fresh machine ``m``.

    Returns the fired and breached keys; an error names the path of the bad part.
    """
    events = d["events"]
    if not isinstance(events, list):
        raise InvalidInput(f"{path}.events", "a list of events", events)
    for i, form in enumerate(events):
        where = f"{path}.events[{i}]"
        tag = form.get("type") if isinstance(form, Mapping) else None
        kind = _EVENT_TAGS.get(tag) if isinstance(tag, str) else None
        if kind is None:
            raise InvalidInput.unknown_key(f"{where}.type", str(form), _EVENT_TAGS, "ticket event types")
        m.handle(read_form(kind, form, where))
    found = []
    for name in ("fired", "breached"):
        keys = d.get(name, [])
        if not isinstance(keys, list) or not all(isinstance(k, list) for k in keys):
            raise InvalidInput(f"{path}.{name}", "a list of alert keys", keys)
        for i, key in enumerate(keys):
            # An alert key holds names, numbers and None; a breach's is
            # [policy, target, cycle, "breach", None] (as `_state_dict` writes them).
            if not all(part is None or type(part) in (str, int) for part in key) or (
                name == "breached" and not _is_breach_key(key)
            ):
                raise InvalidInput(f"{path}.{name}[{i}]", _KEY_FORMS[name], key)
        found.append(frozenset(tuple(k) for k in keys))
    return found[0], found[1]
