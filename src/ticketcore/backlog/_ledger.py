"""The weekly ledger both ways in write to: per group, difference arrays over weeks.

Theory of operation
-------------------
A ticket is unresolved over half-open spans of time: from its creation to its first
solve, from each reopen to the next solve, and from the last reopen on if it is still
open. It is in the backlog at the end of week W when W's end falls inside one of those
spans, which for a span ``[a, b)`` is every week from ``week(a)`` up to but not including
``week(b)``. Its age there, ``end(W) - created``, climbs through the buckets at weeks
that depend only on the creation instant (``T1``, ``T3``, ``T7``: the first weeks whose
end is at least 1, 3 and 7 days after it).

So each span adds +1 at its first week and -1 at its last to a difference array per
age bucket, cut at the bucket weeks; the backlog of every week is a prefix sum, taken
once when a report is built. A span is written in two halves so that a tracker can
work event by event: opening at ``a`` writes ``[a, ∞)``, solving at ``b`` writes
``[b, ∞)`` with the opposite sign. Either half costs at most four bucket entries:
constant time, however long the span or the history. Counts (created, solved,
reopened), resolution samples and SLA stops go straight into the week they happen in.

Every write takes a ``sign``; writing a ticket's history again with ``-1`` removes it,
which is how a ticket moves to another group when a grouped field changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable

from ticketcore.backlog._options import AGE_LIMITS, BacklogOptions, _Weeks

__all__ = ["INF", "Ledger", "Series", "Ticket"]

_LIMITS = tuple(limit.total_seconds() for limit in AGE_LIMITS)
#: A week past every real one: a span that has not ended ends there.
INF = 1 << 62


class Series:
    """The weekly entries of one group."""

    __slots__ = (
        "ages",
        "created",
        "durations",
        "escalations",
        "quantiles",
        "removed",
        "reopened",
        "sla",
        "solved",
        "transfers",
    )

    def __init__(self) -> None:
        self.created: dict[int, int] = {}
        self.solved: dict[int, int] = {}
        self.reopened: dict[int, int] = {}
        self.ages: tuple[dict[int, int], ...] = ({}, {}, {}, {})
        self.durations: dict[int, list[int]] = {}
        self.removed: dict[int, Counter[int]] = {}
        self.transfers: dict[int, int] = {}
        self.escalations: dict[int, int] = {}
        self.sla: dict[tuple[int, str], list[int]] = {}
        # A sealed week's resolution samples, reduced to (median, p90) in microseconds.
        self.quantiles: dict[int, tuple[int | None, int | None]] = {}


class Ticket:
    """What the ledger needs to know of one ticket: its group, creation and bucket weeks."""

    __slots__ = ("created", "group", "series", "turns", "week")

    def __init__(
        self, series: Series, group: tuple[Hashable, ...], created: float, week: int, turns: tuple[int, ...]
    ) -> None:
        self.series = series
        self.group = group
        self.created = created
        self.week = week
        # The weeks the age bucket changes: bucket k runs over [turns[k], turns[k + 1]).
        self.turns = turns


class Ledger:
    """Per-group weekly difference arrays and counts, and the span of weeks seen."""

    def __init__(self, options: BacklogOptions) -> None:
        self.options = options
        self.weeks: _Weeks = options._weeks
        self.groups: dict[tuple[Hashable, ...], Series] = {}
        self.first: int | None = None
        self.last: int | None = None
        # Weeks before this one are sealed: their samples reduced to quantiles (see `seal`).
        self.sealed = -INF
        self.total_quantiles: dict[int, tuple[int | None, int | None]] = {}

    def series(self, group: tuple[Hashable, ...]) -> Series:
        """The series of ``group``, new if need be."""
        series = self.groups.get(group)
        if series is None:
            series = self.groups[group] = Series()
        return series

    def turns(self, created: float, week: int) -> tuple[int, ...]:
        """The weeks where the age bucket of a ticket created at ``created`` (in ``week``) changes.

        Bucket k runs from ``turns[k]`` up to ``turns[k + 1]``: the first week whose end is
        at least 1, 3 and 7 days after the creation. A week lasts 167 to 169 hours, so
        that week is the creation's, the next or the one after.
        """
        end_ts = self.weeks.end_ts
        e0, e1 = end_ts(week), end_ts(week + 1)
        turns = [week]
        for limit in _LIMITS:
            due = created + limit
            turns.append(week if e0 >= due else week + 1 if e1 >= due else week + 2)
        turns.append(INF)
        return tuple(turns)

    def seen(self, w: int) -> None:
        """Widen the span of weeks to hold ``w``."""
        if self.first is None or w < self.first:
            self.first = w
        if self.last is None or w > self.last:
            self.last = w

    def created(self, ticket: Ticket, sign: int) -> None:
        """Count (or uncount) the ticket's creation, and open its first span."""
        w = ticket.week
        created = ticket.series.created
        created[w] = created.get(w, 0) + sign
        self.seen(w)
        self.interval(ticket.series, ticket.turns, w, INF, sign)

    @staticmethod
    def interval(series: Series, turns: tuple[int, ...], start: int, end: int, sign: int) -> None:
        """Add ``sign`` to the backlog of the weeks from ``start`` up to ``end``, in their age buckets.

        ``end`` is `INF` for a span still open: the tracker writes a span in two halves,
        ``[a, INF)`` when it opens and ``[b, INF)`` with the opposite sign when it closes;
        the batch writes ``[a, b)`` whole.
        """
        ages = series.ages
        for k in range(4):
            lo = turns[k] if turns[k] > start else start
            hi = turns[k + 1] if turns[k + 1] < end else end
            if lo < hi:
                diff = ages[k]
                diff[lo] = diff.get(lo, 0) + sign
                if hi != INF:
                    diff[hi] = diff.get(hi, 0) - sign

    def solve(self, ticket: Ticket, ts: float, duration: int, counts: tuple[int, int], sign: int) -> None:
        """Count a solve at ``ts``, and close the open span there.

        ``duration`` is the time to resolution (microseconds) and ``counts`` the ticket's
        transfers and escalations up to the solve.
        """
        transfers, escalations = counts
        w = self.weeks.index(ts)
        series = ticket.series
        series.solved[w] = series.solved.get(w, 0) + sign
        if transfers:  # a missing week reads as 0 (most solves have neither)
            series.transfers[w] = series.transfers.get(w, 0) + sign * transfers
        if escalations:
            series.escalations[w] = series.escalations.get(w, 0) + sign * escalations
        if sign > 0:
            series.durations.setdefault(w, []).append(duration)
        else:
            series.removed.setdefault(w, Counter())[duration] += 1
        self.seen(w)
        self.interval(series, ticket.turns, w, INF, -sign)

    def reopen(self, ticket: Ticket, ts: float, sign: int) -> None:
        """Count a reopen at ``ts`` and open a span there."""
        w = self.weeks.index(ts)
        series = ticket.series
        series.reopened[w] = series.reopened.get(w, 0) + sign
        self.seen(w)
        self.interval(series, ticket.turns, w, INF, sign)

    def seal(
        self, before: int, quantiles: Callable[[list[Series], int], tuple[int | None, int | None]]
    ) -> None:
        """Reduce the resolution samples of the weeks before ``before`` to their quantiles.

        Nothing may write a solve into those weeks afterwards: the caller makes sure.
        Memory then follows the weeks not sealed, not every solve ever made.
        """
        if before <= self.sealed:
            return
        weeks = sorted({w for s in self.groups.values() for w in (*s.durations, *s.removed) if w < before})
        everything = list(self.groups.values())
        for w in weeks:
            self.total_quantiles[w] = quantiles(everything, w)
            for s in everything:
                if w in s.durations or w in s.removed:
                    s.quantiles[w] = quantiles([s], w)
                    s.durations.pop(w, None)
                    s.removed.pop(w, None)
        self.sealed = before

    def attained(self, series: Series, ts: float, target: str, late: bool, sign: int) -> None:
        """Count an SLA cycle of ``target`` that ended at ``ts``, on time or late, in ``series``."""
        w = self.weeks.index(ts)
        row = series.sla.setdefault((w, target), [0, 0])
        row[late] += sign
