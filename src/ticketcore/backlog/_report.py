"""The weekly backlog report: figures per week and group, trends, records and a text table."""

from __future__ import annotations

import enum
import itertools
import math
from collections import Counter
from collections.abc import Hashable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._util import met_share, read_bool
from ticketcore.backlog._ledger import Ledger, Series
from ticketcore.backlog._options import AGE_NAMES, BacklogOptions
from ticketcore.backlog._values import MISSING_GROUP, group_value

__all__ = ["BacklogReport", "SLAWeek", "Trend", "WeekFigures", "quantiles"]


class Trend(enum.Enum):
    """How the backlog moves, judged each week from that week and the ones before it.

    The first that applies:

    - ``GROWING``: the unresolved backlog rose in each of the last K weeks (``growing_weeks``):
      the jam the source article says must be investigated.
    - ``SPIKE``: the tickets *created* this week are above ``spike_factor`` times their mean
      over the ``window`` weeks before (a jump in incoming volume). Judged only once
      ``window`` weeks of history exist before the week, and never against a mean of zero.
    - ``SHRINKING``: the backlog fell this week (it is below last week's).
    - ``STABLE``: none of these.
    """

    GROWING = "growing"
    SPIKE = "spike"
    STABLE = "stable"
    SHRINKING = "shrinking"


@attrs.frozen(kw_only=True)
class SLAWeek:
    """SLA cycles of one target that ended in the week: on time and late."""

    target: str
    achieved: int
    late: int

    @property
    def rate(self) -> float | None:
        """The share that met the goal; None when no cycle ended."""
        return met_share(self.achieved, self.late)


@attrs.frozen(kw_only=True)
class WeekFigures:
    """Every figure of one week, for all tickets (``group == ()``) or for one group.

    ``unresolved`` and ``ages`` are counted at the end of the week (after its last
    event, before the next week's first). ``ratio`` is ``unresolved`` divided by the
    mean solved per week over the ``ratio_weeks`` weeks ending with this one; it is None
    when nothing was solved in them, and ``ratio_note`` says so. Times to resolution
    are nearest-rank percentiles of the solves in the week (each solve counts, measured
    from creation). ``transfers_per_ticket`` and ``escalations_per_ticket`` are means over
    the week's solves of the ticket's transfers and escalations up to that solve.
    """

    week: date
    start: datetime
    end: datetime
    group: tuple[tuple[str, Hashable], ...]
    created: int
    solved: int
    reopened: int
    unresolved: int
    ratio: float | None
    ratio_weeks: int
    ratio_note: str | None
    trend: Trend
    trend_reason: str
    ages: tuple[int, int, int, int]
    resolution_median: timedelta | None
    resolution_p90: timedelta | None
    reopen_rate: float | None
    transfers_per_ticket: float | None
    escalations_per_ticket: float | None
    sla: tuple[SLAWeek, ...]

    def to_record(self, *, iso: bool = False) -> dict[str, Any]:
        """The figures as a flat dict (durations in seconds).

        ``week`` is a `datetime.date`, or its ISO text with ``iso=True``: every other
        value is JSON-compatible either way.
        """
        iso = read_bool(iso, "iso")
        out: dict[str, Any] = {"week": self.week.isoformat() if iso else self.week, "total": not self.group}
        out.update((field, _plain(value)) for field, value in self.group)
        out.update(
            created=self.created,
            solved=self.solved,
            reopened=self.reopened,
            unresolved=self.unresolved,
            ratio=self.ratio,
            ratio_weeks=self.ratio_weeks,
            ratio_note=self.ratio_note,
            trend=self.trend.value,
        )
        out.update((f"age_{name}", n) for name, n in zip(AGE_NAMES, self.ages, strict=True))
        out.update(
            resolution_median_s=_seconds(self.resolution_median),
            resolution_p90_s=_seconds(self.resolution_p90),
            reopen_rate=self.reopen_rate,
            transfers_per_ticket=self.transfers_per_ticket,
            escalations_per_ticket=self.escalations_per_ticket,
        )
        for s in self.sla:
            out[f"sla_{s.target}_achieved"] = s.achieved
            out[f"sla_{s.target}_late"] = s.late
        return out


def _plain(value: object) -> object:
    return value.value if isinstance(value, enum.Enum | Priority) else value


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


@attrs.frozen(kw_only=True)
class BacklogReport:
    """The weekly figures of a history, for all tickets and per group.

    ``rows`` holds, week by week from the first week with a ticket to the last week
    asked for, the total row (``group == ()``) and then one row per group in a stable
    order. Build one with `ticketcore.backlog.backlog_report` or
    `ticketcore.backlog.BacklogTracker.report`; both give equal reports for the same
    history.
    """

    options: BacklogOptions
    weeks: tuple[date, ...]
    groups: tuple[tuple[tuple[str, Hashable], ...], ...]
    rows: tuple[WeekFigures, ...]

    def series(self, group: Mapping[str, Hashable] | None = None) -> tuple[WeekFigures, ...]:
        """The rows of one group (by its field values), or of all tickets, week by week.

        Values are matched as the report groups them: ``Priority.LOW`` finds ``"low"``, and
        None or NaN find the ``"(none)"`` group. A group the report does not have is
        refused, with the known ones listed.
        """
        key = _group_key(self, group)
        return tuple(r for r in self.rows if r.group == key)

    def week(self, day: date, group: Mapping[str, Hashable] | None = None) -> WeekFigures:
        """The row of the week holding the local date ``day``, for all tickets or one group."""
        key = _group_key(self, group)
        for r in self.rows:
            if r.group == key and r.week <= day < r.week + timedelta(days=7):
                return r
        raise InvalidInput("day", f"a date in the report's weeks for group {dict(key)}", day)

    @property
    def trend(self) -> Trend | None:
        """The trend of all tickets in the last week; None for an empty report."""
        total = self.series()
        return total[-1].trend if total else None

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """One flat dict per week and group, ready for ``pandas.DataFrame(records)``.

        Every row has the same keys (SLA columns aside, which appear for the targets
        seen); the total rows have ``total`` true and None in the group fields. ``week``
        is a `datetime.date`; with ``iso=True`` it is ISO text, and the records are JSON.
        """
        iso = read_bool(iso, "iso")
        blank = dict.fromkeys(self.options.by)
        out = []
        for r in self.rows:
            record = r.to_record(iso=iso)
            if not r.group and blank:
                record = {"week": record.pop("week"), "total": record.pop("total"), **blank, **record}
            out.append(record)
        return out

    def text(self) -> str:
        """The report as a text table: all tickets, then each group."""
        opts = self.options
        head = (
            f"Backlog by week ({opts.timezone.key}, weeks from {opts.week_starts.capitalize()}; "
            f"ratio = unresolved / mean solved per week over {opts.window} weeks)"
        )
        lines = [head]
        for key in ((), *self.groups):
            rows = [r for r in self.rows if r.group == key]
            title = "all tickets" if not key else ", ".join(f"{f}={_plain(v)}" for f, v in key)
            lines += ["", title, _HEADER]
            lines += [_line(r) for r in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


_HEADER = (
    "week        created solved reopened unresolved  ratio  trend      <1d 1-3d 3-7d >=7d"
    "   median      p90  reopen%"
)


def _line(r: WeekFigures) -> str:
    ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
    reopen = "-" if r.reopen_rate is None else f"{100 * r.reopen_rate:.1f}"
    a = r.ages
    return (
        f"{r.week.isoformat()} {r.created:>7} {r.solved:>6} {r.reopened:>8} {r.unresolved:>10} {ratio:>6}"
        f"  {r.trend.value:<9} {a[0]:>4} {a[1]:>4} {a[2]:>4} {a[3]:>4}"
        f" {_span(r.resolution_median):>8} {_span(r.resolution_p90):>8} {reopen:>8}"
    )


def _span(value: timedelta | None) -> str:
    if value is None:
        return "-"
    s = int(value.total_seconds())
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        return f"{d}d{h:02d}h"
    if h:
        return f"{h}h{m:02d}m"
    return f"{m}m{s:02d}s"


def _group_key(
    report: BacklogReport, group: Mapping[str, Hashable] | None
) -> tuple[tuple[str, Hashable], ...]:
    if group is None:
        return ()
    if not isinstance(group, Mapping):
        raise InvalidInput("group", "a dict of the report's fields to values, or None for all tickets", group)
    if not group:
        return ()
    by = report.options.by
    if set(group) != set(by):
        raise InvalidInput("group", f"a value for each of the report's fields {list(by)}", group)
    key = tuple((f, group_value(group[f], f"group.{f}")) for f in by)
    if key not in report.groups:
        known = "; ".join(", ".join(f"{f}={_plain(v)!r}" for f, v in g) for g in report.groups[:12])
        more = " ..." if len(report.groups) > 12 else ""
        raise InvalidInput("group", f"one of the report's groups ({known or 'none'}{more})", dict(group))
    return key


def _sort_key(group: tuple[Hashable, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((v == MISSING_GROUP and isinstance(v, str), str(v)) for v in group)


def _nearest_rank(ordered: list[int], p: int) -> int | None:
    if not ordered:
        return None
    return ordered[math.ceil(p * len(ordered) / 100) - 1]


def _td(us: int | None) -> timedelta | None:
    return None if us is None else timedelta(microseconds=us)


def quantiles(series: list[Series], w: int) -> tuple[int | None, int | None]:
    """The median and 90th percentile (nearest rank, microseconds) of the solves of week ``w``."""
    samples = _samples(series, w)
    return _nearest_rank(samples, 50), _nearest_rank(samples, 90)


def _samples(series: list[Series], w: int) -> list[int]:
    out: list[int] = []
    gone: Counter[int] = Counter()
    for s in series:
        mine = s.durations.get(w)
        if mine:
            # Sorted in place (their order means nothing): a group's rows then sort nothing
            # twice, and the total's list is a few sorted runs that one sort merges.
            mine.sort()
            out += mine
        if w in s.removed:
            gone.update(s.removed[w])
    if len(series) > 1:
        out.sort()
    if gone:
        kept = []
        for x in out:
            if gone[x]:
                gone[x] -= 1
            else:
                kept.append(x)
        out = kept
    return out


def build(ledger: Ledger, through: int | None, start: int | None = None) -> BacklogReport:
    """The report over the ledger's weeks, up to the week ``through`` (default: the last seen).

    The rows start at the week ``start`` if it is later than the first week; the weeks
    before it still count for the ratio and the trends.
    """
    options = ledger.options
    groups = sorted((g for g in ledger.groups if _alive(ledger.groups[g])), key=_sort_key)
    keys = tuple(tuple(zip(options.by, g, strict=True)) for g in groups)
    if ledger.first is None or ledger.last is None:
        return BacklogReport(options=options, weeks=(), groups=keys if options.by else (), rows=())
    first = ledger.first
    last = ledger.last if through is None else through
    weeks = ledger.weeks
    shown = first if start is None else max(first, start)
    if shown > last:
        raise InvalidInput(
            "start", f"a date no later than the report's last week (of {weeks.day(last)})", weeks.day(shown)
        )
    span = range(first, last + 1)
    days = tuple(weeks.day(w) for w in span)
    starts = [weeks.start(w) for w in range(first, last + 2)]
    per_group: list[list[WeekFigures]] = []
    members: list[tuple[tuple[tuple[str, Hashable], ...], list[Series]]] = [
        ((), list(ledger.groups.values()))
    ]
    if options.by:
        members += [(k, [ledger.groups[g]]) for k, g in zip(keys, groups, strict=True)]
    for key, series in members:
        sealed = ledger.total_quantiles if not key else series[0].quantiles
        per_group.append(
            _rows(options, key, series, span=span, days=days, starts=starts, sealed=(ledger.sealed, sealed))
        )
    cut = shown - first
    rows = tuple(r for week_rows in zip(*(g[cut:] for g in per_group), strict=True) for r in week_rows)
    return BacklogReport(options=options, weeks=days[cut:], groups=keys if options.by else (), rows=rows)


def _alive(series: Series) -> bool:
    return any(series.created.values())


def _rows(
    options: BacklogOptions,
    key: tuple[tuple[str, Hashable], ...],
    series: list[Series],
    *,
    span: range,
    days: tuple[date, ...],
    starts: list[datetime],
    sealed: tuple[int, Mapping[int, tuple[int | None, int | None]]],
) -> list[WeekFigures]:
    def total(field: str, w: int) -> int:
        return sum(getattr(s, field).get(w, 0) for s in series)

    running = [0, 0, 0, 0]  # no span starts before the first week: it holds the first creation
    targets = sorted({t for s in series for (_, t), row in s.sla.items() if any(row)})
    out: list[WeekFigures] = []
    backlog: list[int] = []
    solved_series: list[int] = []
    created_series: list[int] = []
    for i, w in enumerate(span):
        for k in range(4):
            running[k] += sum(s.ages[k].get(w, 0) for s in series)
        unresolved = sum(running)
        solved = total("solved", w)
        reopened = total("reopened", w)
        created = total("created", w)
        backlog.append(unresolved)
        solved_series.append(solved)
        created_series.append(created)
        used = solved_series[-options.window :]
        ratio: float | None = None
        note: str | None = None
        if sum(used):
            ratio = unresolved / (sum(used) / len(used))
        else:
            note = f"nothing was solved in the {len(used)} week(s) ending {days[i].isoformat()}"
        trend, reason = _trend(options, backlog, created_series)
        if w < sealed[0]:
            median, p90 = (_td(x) for x in sealed[1].get(w, (None, None)))
        else:
            median, p90 = (_td(x) for x in quantiles(series, w))
        sla = tuple(
            SLAWeek(
                target=t,
                achieved=sum(s.sla.get((w, t), (0, 0))[0] for s in series),
                late=sum(s.sla.get((w, t), (0, 0))[1] for s in series),
            )
            for t in targets
        )
        out.append(
            WeekFigures(
                week=days[i],
                start=starts[i],
                end=starts[i + 1],
                group=key,
                created=created,
                solved=solved,
                reopened=reopened,
                unresolved=unresolved,
                ratio=ratio,
                ratio_weeks=len(used),
                ratio_note=note,
                trend=trend,
                trend_reason=reason,
                ages=(running[0], running[1], running[2], running[3]),
                resolution_median=median,
                resolution_p90=p90,
                reopen_rate=reopened / solved if solved else None,
                transfers_per_ticket=total("transfers", w) / solved if solved else None,
                escalations_per_ticket=total("escalations", w) / solved if solved else None,
                sla=sla,
            )
        )
    return out


def _trend(options: BacklogOptions, backlog: list[int], created: list[int]) -> tuple[Trend, str]:
    """The trend of the last week of ``backlog`` (unresolved at each week's end) and ``created``."""
    k = options.growing_weeks
    recent = backlog[-k - 1 :]
    if len(recent) == k + 1 and all(a < b for a, b in itertools.pairwise(recent)):
        return Trend.GROWING, f"the backlog rose {k} week(s) in a row: {' -> '.join(map(str, recent))}"
    window = options.window
    now = created[-1]
    if len(created) <= window:
        baseline = f"no spike is judged before {window} week(s) of history"
    else:
        mean = sum(created[-window - 1 : -1]) / window
        if mean and now > options.spike_factor * mean:
            return (
                Trend.SPIKE,
                f"{now} created, above {options.spike_factor} x the mean {mean:.1f}"
                f" of the {window} week(s) before",
            )
        baseline = f"{now} created against a mean of {mean:.1f} over the {window} week(s) before"
    if len(backlog) > 1 and backlog[-1] < backlog[-2]:
        return Trend.SHRINKING, f"the backlog fell from {backlog[-2]} to {backlog[-1]}; {baseline}"
    if len(backlog) == 1:
        return Trend.STABLE, f"the first week; {baseline}"
    return Trend.STABLE, f"the backlog went from {backlog[-2]} to {backlog[-1]}; {baseline}"
