"""The long way in: one row per event (as helpdesk exports and SQL queries give them)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

from ticketcore._errors import InvalidInput
from ticketcore.backlog._ledger import Ledger
from ticketcore.backlog._options import BacklogOptions
from ticketcore.backlog._records import TicketRecord, _fold, _options, check_rows, instant, week_of
from ticketcore.backlog._report import BacklogReport, build
from ticketcore.backlog._values import group_value, is_missing, stamp, ticket_id

__all__ = ["EVENT_KINDS", "backlog_report_from_events"]

#: The kinds of row an event table may hold.
EVENT_KINDS: Final = ("created", "solved", "reopened", "closed", "transferred", "escalated", "updated")
_COLUMNS: Final = frozenset({"id", "kind", "at"})
_ABSENT: Final = object()


def backlog_report_from_events(
    rows: Iterable[object],
    options: BacklogOptions | None = None,
    *,
    through: datetime | None = None,
    start: date | None = None,
) -> BacklogReport:
    """The weekly backlog report of a history given as an event table: one row per event.

    Each row is a dict (or an object with those attributes, such as a named tuple) with
    ``id`` (the ticket), ``kind`` (one of `EVENT_KINDS`), ``at`` (an aware datetime) and
    any fields. Rows may come in any order; each ticket's rows are taken in time order
    (rows at one instant in their table order, its ``created`` row first). They read as
    the `BacklogTracker` reads the matching events: ``solved`` and ``closed`` solve an
    unresolved ticket and change nothing on a resolved one, ``reopened`` reopens a resolved
    one and changes nothing on an unresolved one, and a ``closed`` ticket takes no later
    row. The ``created`` row must hold every field of ``options.by``; on it and on every
    later row a field's value that is not missing (None, NaN, NaT) becomes the ticket's
    value from then on, so the report groups each ticket under its last values, as
    records do. The report equals `backlog_report` of the same history as records.

    >>> from datetime import datetime, timezone
    >>> d = lambda day, h=9: datetime(2026, 3, day, h, tzinfo=timezone.utc)
    >>> report = backlog_report_from_events([
    ...     {"id": 1, "kind": "created", "at": d(2), "channel": "chat"},
    ...     {"id": 1, "kind": "solved", "at": d(3), "channel": None},
    ...     {"id": 2, "kind": "created", "at": d(4), "channel": "email"},
    ... ], BacklogOptions(by="channel"))
    >>> [(r.group, r.created, r.solved, r.unresolved) for r in report.rows]
    [((), 2, 1, 1), ((('channel', 'chat'),), 1, 1, 0), ((('channel', 'email'),), 1, 0, 1)]
    """
    options = _options(options)
    check_rows(rows, "rows")
    last, first = week_of(options, through, "through"), week_of(options, start, "start")
    ledger = Ledger(options)
    _fold(ledger, _records(rows, options.by))
    return build(ledger, last, first)


def _records(rows: Iterable[object], by: tuple[str, ...]) -> list[TicketRecord]:
    """The event rows as one checked record per ticket (the records' reader then finds no fault)."""
    tickets: dict[str, list[tuple[float, int, int, str, datetime, dict[str, Any]]]] = {}
    for j, row in enumerate(rows):
        path = f"rows[{j}]"
        get = row.get if isinstance(row, Mapping) else _attributes(row)
        tid = ticket_id(get("id"), f"{path}.id")
        path = f"rows[{j}] ({tid!r})"
        kind = get("kind")
        if kind not in EVENT_KINDS:
            if isinstance(kind, str):
                raise InvalidInput.unknown_key(f"{path}.kind", kind, EVENT_KINDS, "kinds")
            raise InvalidInput(f"{path}.kind", f"one of {', '.join(EVENT_KINDS)}", kind)
        at = instant(get("at"), f"{path}.at")
        values = {}
        for field in by:
            value = get(field, _ABSENT)
            if value is _ABSENT:
                if kind == "created":
                    known = sorted(k for k in row if k not in _COLUMNS) if isinstance(row, Mapping) else []
                    raise InvalidInput.unknown_key(f"{path}.{field}", field, known, "group fields")
                continue
            if kind == "created" or not is_missing(value):
                values[field] = group_value(value, f"{path}.{field}")
        order = 0 if kind == "created" else 1
        tickets.setdefault(tid, []).append((stamp(at, f"{path}.at"), order, j, kind, at, values))
    return [_record(tid, mine) for tid, mine in tickets.items()]


def _attributes(obj: object) -> Any:
    """A ``get`` for an object that is not a mapping (a named tuple, say): its attributes."""

    def get(name: str, default: object = None) -> Any:
        return getattr(obj, name, default)

    return get


def _record(tid: str, rows: list[tuple[float, int, int, str, datetime, dict[str, Any]]]) -> TicketRecord:
    rows.sort(key=lambda r: r[:3])
    _, _, j, kind, created, fields = rows[0]
    if kind != "created":
        made = next((r for r in rows if r[3] == "created"), None)
        if made is None:
            raise InvalidInput(
                f"rows[{j}] ({tid!r}).kind", "a ticket with a 'created' row (it has none)", kind
            )
        raise InvalidInput(
            f"rows[{j}] ({tid!r}).at", f"an instant no earlier than the ticket's creation {made[4]}", created
        )
    lists: dict[str, list[datetime]] = {"solved": [], "reopened": [], "transferred": [], "escalated": []}
    current: dict[str, Hashable] = dict(fields)
    resolved = closed = False
    for _, _, k, kind, at, values in rows[1:]:
        path = f"rows[{k}] ({tid!r})"
        if kind == "created":
            raise InvalidInput(f"{path}.kind", f"one 'created' row per ticket (rows[{j}] creates it)", kind)
        if closed:
            raise InvalidInput(f"{path}.at", "no row after the ticket's 'closed' row (closing is final)", at)
        if kind in ("solved", "closed"):
            if not resolved:
                lists["solved"].append(at)
            resolved, closed = True, kind == "closed"
        elif kind == "reopened":
            if resolved:
                lists["reopened"].append(at)
            resolved = False
        elif kind != "updated":
            lists[kind].append(at)
        current.update(values)
    return TicketRecord(
        id=tid,
        created=created,
        solved=tuple(lists["solved"]),
        reopened=tuple(lists["reopened"]),
        transferred=tuple(lists["transferred"]),
        escalated=tuple(lists["escalated"]),
        fields=current,
    )
