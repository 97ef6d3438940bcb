"""The batch way in: ticket records (dicts or objects) to a `BacklogReport`."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._instant import US as _US
from ticketcore._instant import to_real
from ticketcore._util import MAX_INSTANT, MIN_INSTANT
from ticketcore.backlog._ledger import INF, Ledger, Series
from ticketcore.backlog._options import BacklogOptions
from ticketcore.backlog._report import BacklogReport, build
from ticketcore.backlog._values import _MAX_TS, _MIN_TS, group_value, is_missing, stamp, ticket_id
from ticketcore.sla import BusinessCalendar, SLAResult, TargetState

__all__ = ["TicketRecord", "backlog_report", "duration_us", "instant", "sla_stops", "week_of"]

#: The keys of a record dict that are not group fields.
RESERVED: Final = frozenset({"id", "created", "solved", "reopened", "transferred", "escalated", "sla"})


def _as_list(value: object) -> Sequence[Any]:
    """A missing value as no instants, a list or tuple as it is, anything else as one instant."""
    if value is None or is_missing(value):
        return ()
    if type(value) is list or type(value) is tuple:
        return value
    return (value,)


def _to_instants(value: object) -> tuple[datetime, ...]:
    # Anything not a datetime is rejected by the record check, with its path.
    return tuple(_as_list(value))


def _series(ledger: Ledger, aliases: dict[tuple[Any, ...], Series], key: tuple[Any, ...]) -> Series:
    """The series of a record's group values ``key`` as given, remembered in ``aliases``."""
    group = tuple(group_value(v, "") for v in key)
    series = ledger.series(group)
    if not any(is_missing(v) for v in key):  # NaN is not equal to itself: no use remembering it
        aliases[key] = series
    return series


def _to_fields(value: Mapping[str, Hashable]) -> dict[str, Hashable]:
    if not isinstance(value, Mapping):
        raise InvalidInput("fields", "a dict of the fields to group by", value)
    return dict(value)


@attrs.frozen(kw_only=True)
class TicketRecord:
    """One ticket's history, as a report needs it.

    ``solved`` and ``reopened`` alternate after ``created``: solved, reopened, solved ...
    (a ticket reopened and not solved again has as many reopens as solves).
    ``transferred`` and ``escalated`` are the instants of those events; ``fields`` holds
    the values to group by (channel, department, assignee ...), as they are now;
    ``sla`` is the ticket's `ticketcore.sla.SLAResult`, if any. A plain dict with the same
    keys, and the group fields at the top level, is read the same way.
    """

    id: str
    created: datetime
    solved: tuple[datetime, ...] = attrs.field(default=(), converter=_to_instants)
    reopened: tuple[datetime, ...] = attrs.field(default=(), converter=_to_instants)
    transferred: tuple[datetime, ...] = attrs.field(default=(), converter=_to_instants)
    escalated: tuple[datetime, ...] = attrs.field(default=(), converter=_to_instants)
    fields: Mapping[str, Hashable] = attrs.field(factory=dict, converter=_to_fields)
    sla: SLAResult | None = None


_NONE: Final[Sequence[Any]] = ()
#: Below this POSIX timestamp (2106-02-07) a float timestamp is within half a microsecond
#: of its instant (less than half a unit in the last place), so the rounded difference of
#: two is exact; from it on, durations come from the real instants.
_EXACT_TS: Final = float(2**32)


def duration_us(
    calendar: BusinessCalendar | None, start: datetime, end: datetime, start_ts: float, end_ts: float
) -> int:
    """Microseconds from ``start`` to ``end`` (whose timestamps are given too).

    Calendar time comes from the POSIX timestamps while they are exact to the
    microsecond (until 2106: their rounding errors stay under half a microsecond), and
    from the real instants (`ticketcore._instant`) after. Subtracting the datetimes
    instead would be wrong across a DST change, since Python subtracts two datetimes of
    one zone by their wall clocks. Business time is ``calendar``'s.
    """
    if calendar is None:
        if end_ts < _EXACT_TS:
            return round((end_ts - start_ts) * 1e6)
        return to_real(end) - to_real(start)
    return calendar.elapsed(start, end) // _US


def sla_stops(result: SLAResult) -> list[tuple[float, str, bool]]:
    """The SLA cycles of ``result`` that ended: (instant, target, late)."""
    ended = (TargetState.ACHIEVED, TargetState.ACHIEVED_LATE)
    return [
        (cycle.stop.timestamp(), target.name, cycle.state is TargetState.ACHIEVED_LATE)
        for target in result.targets
        for cycle in target.cycles
        if cycle.stop is not None and cycle.state in ended
    ]


def instant(value: object, path: str) -> datetime:
    """``value`` if it is an aware datetime in the supported range, else `InvalidInput` naming ``path``."""
    if not isinstance(value, datetime) or is_missing(value) or value.utcoffset() is None:
        raise InvalidInput(path, "an aware datetime", value)
    stamp(value, path)
    return value


class _Reader:
    """Reads one record's parts, with errors that name ``records[i]`` and the ticket id."""

    def __init__(self, options: BacklogOptions) -> None:
        self.by = options.by

    def read(
        self, i: int, record: object
    ) -> tuple[str, datetime, tuple[tuple[datetime, ...], ...], tuple[Hashable, ...], Any]:
        """The record's id, creation, instants (solved, reopened, transferred, escalated), group and SLA."""
        path = f"records[{i}]"
        if isinstance(record, Mapping):
            get = record.get
            fields: Mapping[str, Any] | None = record
        else:
            obj = record

            def get(name: str, default: object = None) -> Any:
                return getattr(obj, name, default)

            fields = getattr(record, "fields", None) if isinstance(record, TicketRecord) else None
        tid = ticket_id(get("id"), f"{path}.id")
        path = f"records[{i}] ({tid!r})"
        created = instant(get("created"), f"{path}.created")
        group = []
        for field in self.by:
            if fields is not None:
                if field not in fields:
                    known = sorted(k for k in fields if k not in RESERVED)
                    raise InvalidInput.unknown_key(f"{path}.{field}", field, known, "group fields")
                value = fields[field]
            else:
                missing = object()
                value = getattr(record, field, missing)
                if value is missing:
                    raise InvalidInput(f"{path}.{field}", "a field the record has, to group by", None)
            group.append(group_value(value, f"{path}.{field}"))
        lists = []
        for name in ("solved", "reopened", "transferred", "escalated"):
            values = _to_instants(get(name))
            lists.append(tuple(instant(v, f"{path}.{name}[{k}]") for k, v in enumerate(values)))
        solved, reopened = lists[0], lists[1]
        if not (len(solved) - 1 <= len(reopened) <= len(solved)):
            raise InvalidInput(
                f"{path}.reopened",
                f"as many reopens as solves, or one fewer (the ticket has {len(solved)} solve(s))",
                reopened,
            )
        # Compared as instants (POSIX timestamps): Python compares two datetimes that share a
        # tzinfo object by their wall times, which is wrong across a DST change.
        previous, previous_name = created, "created"
        for k, at in enumerate(_alternate(solved, reopened)):
            name = ("solved", "reopened")[k % 2]
            if at.timestamp() < previous.timestamp():
                raise InvalidInput(
                    f"{path}.{name}[{k // 2}]", f"an instant no earlier than {previous_name} {previous}", at
                )
            previous, previous_name = at, name
        for name, values in (("transferred", lists[2]), ("escalated", lists[3])):
            for k, at in enumerate(values):
                if at.timestamp() < created.timestamp():
                    raise InvalidInput(
                        f"{path}.{name}[{k}]", f"an instant no earlier than created {created}", at
                    )
        sla = get("sla")
        if sla is not None and not isinstance(sla, SLAResult):
            raise InvalidInput(f"{path}.sla", "a ticketcore.sla.SLAResult or None", sla)
        return tid, created, (lists[0], lists[1], lists[2], lists[3]), tuple(group), sla


def _alternate(solved: Sequence[datetime], reopened: Sequence[datetime]) -> list[datetime]:
    out: list[datetime] = []
    for k, s in enumerate(solved):
        out.append(s)
        if k < len(reopened):
            out.append(reopened[k])
    return out


def backlog_report(
    records: Iterable[object],
    options: BacklogOptions | None = None,
    *,
    through: datetime | None = None,
    start: date | None = None,
) -> BacklogReport:
    """The weekly backlog report of a history given as ticket records.

    ``records`` are `TicketRecord` values, dicts with the same keys (and the group
    fields at the top level, as ``DataFrame.to_dict("records")`` gives them), or other
    objects with those attributes. The report runs from the week of the first creation
    (or of ``start``, a date or an aware datetime, if that is later: earlier weeks still
    count for the ratio and the trends) to the week of ``through`` (default: the week of
    the last event). Errors name the record (its index and id) and the field.

    >>> from datetime import datetime, timezone
    >>> d = lambda day, h=9: datetime(2026, 3, day, h, tzinfo=timezone.utc)
    >>> report = backlog_report([
    ...     {"id": "A", "created": d(2), "solved": d(3)},
    ...     {"id": "B", "created": d(4), "solved": d(10)},
    ...     {"id": "C", "created": d(5)},
    ... ])
    >>> [(r.week.isoformat(), r.created, r.solved, r.unresolved, r.ratio) for r in report.rows]
    [('2026-03-02', 3, 1, 2, 2.0), ('2026-03-09', 0, 1, 1, 1.0)]
    """
    options = _options(options)
    check_rows(records, "records")
    last, first = week_of(options, through, "through"), week_of(options, start, "start")
    ledger = Ledger(options)
    _fold(ledger, records)
    return build(ledger, last, first)


def check_rows(value: object, path: str) -> None:
    """Refuse a ``records`` or ``rows`` argument that is not an iterable of rows (a string is not)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidInput(
            path, "an iterable of rows (dicts, records or objects with those attributes)", value
        )


def _options(options: object) -> BacklogOptions:
    options = BacklogOptions() if options is None else options
    if not isinstance(options, BacklogOptions):
        raise InvalidInput("options", "a ticketcore.backlog.BacklogOptions", options)
    return options


_FIRST_DAY: Final = MIN_INSTANT.date()
_LAST_DAY: Final = (MAX_INSTANT - timedelta(days=1)).date()


def week_of(options: BacklogOptions, value: object, path: str) -> int | None:
    """The index of the week holding ``value``: an aware datetime, or a local date; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return options._weeks.index(stamp(instant(value, path), path))
    if isinstance(value, date):
        if not _FIRST_DAY <= value <= _LAST_DAY:
            raise InvalidInput(path, "a date from 1900-01-01 to 2999-12-31", value)
        return options._weeks.of_day(value)
    raise InvalidInput(path, "a date or an aware datetime", value)


def _checked(
    ticket_id: object, created: datetime, lists: tuple[Sequence[Any], ...], sla: object
) -> tuple[float, list[float], float, list[float]] | None:
    """Cheap checks of one record's parts: its timestamps, or None if any check fails.

    ``lists`` holds the solves, reopens, transfers and escalations. The result is the
    creation, the lifecycle (solve, reopen, solve ...), the last of those, and the
    transfers and escalations, all as POSIX timestamps. (A NaT, or an instant out of
    `datetime`'s range, raises ValueError or OverflowError here: the caller reads the
    record again with `_Reader.read` then.)
    """
    solved, reopened, moved, raised = lists
    c = created.timestamp()
    lifecycle = [
        x.timestamp()
        for x in (_alternate(solved, reopened) if reopened else solved)
        if x.utcoffset() is not None
    ]
    stamps = (
        [x.timestamp() for x in (*moved, *raised) if x.utcoffset() is not None] if moved or raised else []
    )
    ok = (
        created.utcoffset() is not None
        and type(ticket_id) is str
        and ticket_id != ""
        and c >= _MIN_TS
        and len(solved) - 1 <= len(reopened) <= len(solved)
        and len(lifecycle) == len(solved) + len(reopened)
        and len(stamps) == len(moved) + len(raised)
        and (not stamps or (min(stamps) >= c and max(stamps) < _MAX_TS))
        and (sla is None or isinstance(sla, SLAResult))
        and (
            (lifecycle[0] >= c if lifecycle else True)
            if len(lifecycle) < 2
            else all(a <= b for a, b in itertools.pairwise([c, *lifecycle]))
        )
        and (lifecycle[-1] if lifecycle else c) < _MAX_TS
    )
    return (c, lifecycle, lifecycle[-1] if lifecycle else c, stamps) if ok else None


def _fold(ledger: Ledger, records: Iterable[object]) -> None:
    """Write every record into the ledger: each unresolved span whole, in one pass.

    Plain dicts take a fast path with cheap checks; anything those checks do not pass
    goes through `_Reader.read`, which raises the precise error, or reads what the fast
    path does not (a NaT, an integer id, a missing group value). Other records are read
    by `_Reader.read` first.
    """
    options = ledger.options
    by = options.by
    single = by[0] if len(by) == 1 else None
    calendar = options.calendar
    reader = _Reader(options)
    index = ledger.weeks.index
    groups = ledger.groups
    # A record's own group values, as the fast path reads them, to the series of their
    # group (values normalised by `group_value`: "low" and Priority.LOW are one group).
    aliases: dict[tuple[Any, ...], Series] = {}
    # One probe of a set per id; the ids in order find the earlier record only for an error.
    seen: set[str] = set()
    order: list[str] = []
    first, last = math.inf, -math.inf
    weeks = ledger.weeks
    bounds = weeks.bounds  # the week cache grows in place, so this stays the cache
    lo, hi = _MIN_TS, _MAX_TS
    # The size of a dict with id, created and the group fields (and nothing else). A group
    # field with a reserved name (an odd "solved" group) never takes the shortcut.
    plain_size = 2 + len(by) if not set(by) & RESERVED else -10
    for i, record in enumerate(records):
        simple = False
        checked = None
        series: Series | None = None
        try:
            if type(record) is not dict:
                raise TypeError  # noqa: TRY301 - read by _Reader.read below, as any failure here
            ticket_id = record["id"]
            if type(ticket_id) is int:
                ticket_id = str(ticket_id)
            created = record["created"]
            key = (record[single],) if single is not None else tuple(record[f] for f in by)
            got = record.get("solved")  # _as_list, inlined
            solved = got if type(got) is list or type(got) is tuple else () if got is None else (got,)
            if len(record) == plain_size + ("solved" in record):
                # Only id, created, the group fields and maybe solved (read above): no
                # key is left for the others, so there is no need to look them up.
                reopened = moved = raised = _NONE
                sla = None
            else:
                # Most records have none of these: skip the call for a missing one.
                reopened = () if (got := record.get("reopened")) is None else _as_list(got)
                moved = () if (got := record.get("transferred")) is None else _as_list(got)
                raised = () if (got := record.get("escalated")) is None else _as_list(got)
                sla = record.get("sla")
            if not (reopened or moved or raised) and sla is None and len(solved) <= 1 and calendar is None:
                # The common record, checked inline: created, at most one solve, nothing else.
                # (A NaT raises ValueError: the record is read again below.)
                done = solved[0] if solved else None
                c = created.timestamp()
                ts = c if done is None else done.timestamp()
                simple = (
                    type(ticket_id) is str
                    and ticket_id != ""
                    and created.utcoffset() is not None
                    and lo <= c
                    and ts < hi
                    and (done is None or (done.utcoffset() is not None and ts >= c))
                )
            if not simple:
                checked = _checked(ticket_id, created, (solved, reopened, moved, raised), sla)
            series = aliases.get(key)
            if series is None:
                series = _series(ledger, aliases, key)
        except (KeyError, TypeError, AttributeError, ValueError, OverflowError):
            simple = False
            checked = None
        if not simple and checked is None:
            # Raises the error that names the record and field, or reads what the fast path
            # does not (integer ids, NaT as "not solved", missing group values).
            ticket_id, created, lists, group, sla = reader.read(i, record)
            solved, reopened, moved, raised = lists
            checked = _checked(ticket_id, created, lists, sla)
            if checked is None:
                raise AssertionError(f"records[{i}] failed a check that _Reader.read passes")
            series = groups.get(group)
            if series is None:
                series = ledger.series(group)
        assert series is not None
        size = len(seen)
        seen.add(ticket_id)
        if len(seen) == size:
            raise InvalidInput(
                f"records[{i}].id",
                f"an id not used before (records[{order.index(ticket_id)}] has it)",
                ticket_id,
            )
        order.append(ticket_id)
        if simple:
            # A comparison, not a min()/max() call: this is the hot loop.
            if c < first:  # noqa: PLR1730
                first = c
            if ts > last:  # noqa: PLR1730
                last = ts
            # Weeks.index inlined: a bisect while the cache covers the instant.
            j = bisect_right(bounds, c)
            w = weeks.first + j - 1 if 0 < j < len(bounds) else index(c)
            counts = series.created
            counts[w] = counts.get(w, 0) + 1
            if done is None:
                ledger.interval(series, ledger.turns(c, w), w, INF, 1)
                continue
            j = bisect_right(bounds, ts)
            wk = weeks.first + j - 1 if 0 < j < len(bounds) else index(ts)
            if w < wk:
                ledger.interval(series, ledger.turns(c, w), w, wk, 1)
            counts = series.solved
            counts[wk] = counts.get(wk, 0) + 1
            durations_of = series.durations
            found = durations_of.get(wk)
            # duration_us inlined: this is the hot loop.
            duration = round((ts - c) * 1e6) if ts < _EXACT_TS else to_real(done) - to_real(created)
            if found is None:
                durations_of[wk] = [duration]
            else:
                found.append(duration)
            continue
        assert checked is not None
        c, lifecycle, previous, others = checked
        first = min(first, c)
        last = max(last, previous, *others) if others else max(last, previous)
        w = index(c)
        counts = series.created
        counts[w] = counts.get(w, 0) + 1
        turns = None
        start: int | None = w
        moved_ts = sorted(others[: len(moved)]) if moved else ()
        raised_ts = sorted(others[len(moved) :]) if raised else ()
        for k, ts in enumerate(lifecycle):
            wk = index(ts)
            if k % 2:  # a reopen
                counts = series.reopened
                counts[wk] = counts.get(wk, 0) + 1
                start = wk
                continue
            if start is not None and start < wk:
                if turns is None:
                    turns = ledger.turns(c, w)
                ledger.interval(series, turns, start, wk, 1)
            start = None
            counts = series.solved
            counts[wk] = counts.get(wk, 0) + 1
            # duration_us inlined for the calendar-time case: this is the hot loop.
            duration = (
                round((ts - c) * 1e6)
                if calendar is None and ts < _EXACT_TS
                else duration_us(calendar, created, solved[k // 2], c, ts)
            )
            series.durations.setdefault(wk, []).append(duration)
            if moved_ts:
                counts = series.transfers
                counts[wk] = counts.get(wk, 0) + bisect_right(moved_ts, ts)
            if raised_ts:
                counts = series.escalations
                counts[wk] = counts.get(wk, 0) + bisect_right(raised_ts, ts)
        if start is not None:
            ledger.interval(series, turns or ledger.turns(c, w), start, INF, 1)
        if sla is not None:
            for ts, target, late in sla_stops(sla):
                ledger.attained(series, ts, target, late, 1)
    if first <= last:
        ledger.seen(index(first))
        ledger.seen(index(last))
