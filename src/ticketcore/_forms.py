"""Tagged dict forms of events, generic over their attrs fields.

An event's dict form is ``{"type": tag, field: value, ...}``: instants as ISO 8601 text
with the offset (`dump_instant`), values with a ``to_dict`` (tickets, agents, routing)
in their own dict form, enums by value, sets as sorted lists, and a `TicketUpdated`'s
changes as a dict. Fields left at a default of None are left out. Reading back needs,
per field name, the reader of the values that are not plain JSON; the ticket events'
readers live here, and higher layers pass their own for their fields.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final, cast

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._ticket import Ticket
from ticketcore._util import check_depth, check_keys, dump_instant, load_instant, wrap

__all__ = ["TICKET_READERS", "Reader", "form_of", "read_form", "tag_of"]

#: Reads one field's dict-form value back; called with the value and its path.
Reader = Callable[[object, str], Any]

#: The readers of the fields ticket events have: instants and tickets.
TICKET_READERS: Final[Mapping[str, Reader]] = {
    "at": load_instant,
    "due": load_instant,
    "ticket": Ticket.from_dict,
}


def tag_of(cls: type) -> str:
    """An event class's ``type`` tag: its name in snake case (``StatusChanged`` -> ``status_changed``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def _plain(value: object) -> Any:
    if isinstance(value, datetime):
        return dump_instant(value)
    if isinstance(value, enum.Enum | Priority):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def form_of(event: object) -> dict[str, Any]:
    """The tagged, JSON-compatible dict form of an event (an attrs instance)."""
    out: dict[str, Any] = {"type": tag_of(type(event))}
    for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(event))):
        value = getattr(event, field.name)
        if field.name == "changes":
            out["changes"] = {name: dict(v) if name == "custom" else _plain(v) for name, v in value}
        elif value is not None or field.default is not None:
            out[field.name] = _plain(value)
    return out


def read_form(cls: type, data: object, path: str, readers: Mapping[str, Reader] = TICKET_READERS) -> Any:
    """Read ``data`` (a dict form with its ``type`` tag) as an instance of ``cls``.

    Raises:
        InvalidInput: naming the path of the bad key or value.

    """
    check_depth(data, path)
    if not isinstance(data, Mapping):
        raise InvalidInput(path, "an event's dict form", data)
    tag = tag_of(cls)
    if data.get("type") != tag:
        raise InvalidInput(f"{path}.type", repr(tag), data.get("type"))
    fields = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
    required = [f.name for f in fields if f.default is attrs.NOTHING]
    d = check_keys({k: v for k, v in data.items() if k != "type"}, path, [f.name for f in fields], required)
    for name, value in list(d.items()):
        reader = readers.get(name)
        if reader is not None and value is not None:
            d[name] = reader(value, f"{path}.{name}")
    return wrap(path, cls, **d)
