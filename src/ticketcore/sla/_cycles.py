"""A target's clock: its cycles of running and paused spans, and the instants they reach.

One job: the records the state machine (`ticketcore.sla._machine`) folds events into.
A `_Track` per target holds its `_Cycle` list; a cycle's running spans record the
calendar's cumulative business time ``F`` at their ends, so what a cycle consumed is a
sum of differences of ``F`` and the instant it reaches an amount is one inversion of
``F`` (`_Basis`). Also the per-target memos (ladder thresholds, point tails), the point
tuple types the clock reports, and the `HorizonExceeded` naming a target.

Imports: the calendar, the library's real-time conversion (`ticketcore._instant`) and
the policy values only; every other module of the clock imports this one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final

from ticketcore._errors import HorizonExceeded
from ticketcore._instant import US as _US
from ticketcore._instant import from_real
from ticketcore._priority import Priority
from ticketcore.sla._calendar import BusinessCalendar
from ticketcore.sla._ladder import Action
from ticketcore.sla._policy import SLAPolicy
from ticketcore.sla._target import Target

_UTC: Final = UTC
_OPEN: Final = -1  # the end of a span that has not ended

# A point an SLAClock may report: (the real instant it is observed, the instant reported as
# the alert's ``due``, key, kind, target, cycle, level, action). The two instants differ only
# for a breach: it is reported at the last instant the clock reads the goal, and observed
# one microsecond later, when the clock reads more.
_Point = tuple[int, int, tuple[object, ...], str, str | None, int | None, int | None, Action | None]
#: A point without its two instants (fixed for a target, cycle index and goal).
_Tail = tuple[tuple[object, ...], str, str | None, int | None, int | None, Action | None]


class _Basis:
    """Business time for one policy: the calendar's ``F``, or real time for calendar hours."""

    __slots__ = ("calendar", "zone")

    def __init__(self, calendar: BusinessCalendar | None) -> None:
        self.calendar = calendar
        self.zone = calendar.zone if calendar is not None else _UTC

    def f(self, real: int) -> int:
        return real if self.calendar is None else self.calendar._engine.f(real)

    def forward(self, real: int, amount: int) -> int:
        """The earliest instant with ``amount`` of business time after ``real`` (``amount >= 0``)."""
        if amount <= 0 or self.calendar is None:
            return real + max(amount, 0)
        limit = real + self.calendar.horizon // _US
        return self.calendar._engine.forward(real, amount, limit)

    def inverse(self, value: int, start: int, amount: int) -> int:
        """`forward` of ``amount > 0`` from ``start``, where ``value`` is ``F(start) + amount``."""
        calendar = self.calendar
        if calendar is None:
            return start + amount
        return calendar._engine.inverse(value, start, start + calendar.horizon // _US)

    def inverse_all(self, values: list[int], start: int, amounts: list[int]) -> list[int]:
        """`inverse` of several values from one ``start`` (``amounts`` are the values less ``F(start)``)."""
        calendar = self.calendar
        if calendar is None:
            return [start + amount for amount in amounts]
        return calendar._engine.inverse_all(values, start, start + calendar.horizon // _US)

    def open_after(self, real: int) -> bool:
        """Whether business time accrues right after ``real``."""
        return self.calendar is None or self.calendar._engine.is_open(real)

    def dt(self, real: int) -> datetime:
        return from_real(real, self.zone)


class _Cycle:
    __slots__ = (
        "cancelled",
        "carried",
        "due_cache",
        "due_set",
        "fixed",
        "pauses",
        "points",
        "priority",
        "spans",
        "start",
        "stop",
    )

    def __init__(self, start: int, priority: Priority, carried: int = 0) -> None:
        self.start = start
        self.priority = priority
        self.spans: list[list[int]] = []  # [real start, F start, real end, F end]
        self.pauses: list[list[int]] = []  # [real start, real end]
        self.stop: int | None = None
        self.cancelled = False
        self.carried = carried  # business time of earlier cycles ("cumulative" repeat)
        self.fixed: int | None = None  # a goal set by hand (`DueDateSet`), else None
        self.due_set: int | None = None  # the due instant asked for by hand
        # The alert points an SLAClock computed for the cycle as it is; None once it changes.
        self.points: list[_Point] | None = None
        # (the points list it was computed with, the due time as a real instant): valid
        # while that list is, since every change to the cycle drops its points.
        self.due_cache: tuple[list[_Point], int | None] | None = None

    def goal(self, target: Target) -> int | None:
        """The goal in microseconds: set by hand, else the target's for the cycle's priority."""
        if self.fixed is not None:
            return self.fixed
        goal = target.goal_for(self.priority)
        return None if goal is None else goal // _US

    def running(self) -> bool:
        return self.stop is None and bool(self.spans) and self.spans[-1][2] == _OPEN

    def runs_at(self, real: int) -> bool:
        """Whether the cycle's clock runs at ``real`` (inside a running span, or after the open one)."""
        for r0, _, r1, _ in self.spans:
            if r0 <= real and (real < r1 or (r1 == _OPEN and self.stop is None)):
                return True
        return False

    def consumed(self, f_now: int) -> int:
        total = self.carried
        for _, f0, r1, f1 in self.spans:
            total += (f1 if r1 != _OPEN else f_now) - f0
        return total

    def reach(self, basis: _Basis, x: int, *, project: bool) -> int | None:
        """The first instant the cycle's clock reads ``x``, or None if it has not and cannot yet.

        With ``project`` a stopped cycle is projected as if it had kept running from its
        last running instant (the "was due at" of an achieved target; for a cycle closed
        while paused, the due time it had before the pause); a paused cycle never is.
        """
        x -= self.carried
        if x <= 0:
            return self.start
        cum = 0
        for r0, f0, r1, f1 in self.spans:
            # Only the last span of a running cycle is open (stopping closes it), and the
            # clock runs on in it: the point lies there if it has not been passed before.
            if r1 == _OPEN or x <= cum + f1 - f0:
                # F(r0) is f0: invert F directly (``x - cum > 0`` here).
                return basis.inverse(f0 + x - cum, r0, x - cum)
            cum += f1 - f0
        if self.stop is not None and project:
            if self.spans:
                _, _, last, f_last = self.spans[-1]
                return basis.inverse(f_last + x - cum, last, x - cum)
            return basis.forward(self.start, x - cum)
        return None

    def reach_all(self, basis: _Basis, amounts: list[int]) -> list[int | None]:
        """`reach` of each amount (``project`` off), those in the running span in one engine call."""
        spans = self.spans
        if not spans or spans[-1][2] != _OPEN:
            return [self.reach(basis, a, project=False) for a in amounts]
        r0, f0 = spans[-1][0], spans[-1][1]
        # The clock reads ``before`` when the running span starts: a point above it lies in
        # that span, where `reach` inverts F from its start.
        before = self.carried
        for _, g0, _, g1 in spans[:-1]:
            before += g1 - g0
        late = [f0 + a - before for a in amounts if a > before]
        if not late:
            return [self.reach(basis, a, project=False) for a in amounts]
        found = iter(basis.inverse_all(late, r0, [a - before for a in amounts if a > before]))
        return [next(found) if a > before else self.reach(basis, a, project=False) for a in amounts]

    def breach_at(self, basis: _Basis, goal: int, *, project: bool) -> int | None:
        """The instant the clock starts to read more than ``goal``, or None (see `reach`).

        That is the last instant at which it reads ``goal`` before it runs on: the due
        instant when the clock runs on from it, else where it next runs (the opening
        after a due time at the close). Being breached is reading more than the goal, so
        the breach is *observed* one microsecond later (`reach` of ``goal + 1``).
        """
        seen = self.reach(basis, goal + 1, project=project)
        if seen is None or seen == self.start:  # the start: carried in past the goal
            return seen
        return seen - 1


#: Memos shared by every clock, of pure functions of a target (kept alive in the value, so
#: that its id cannot be reused while the entry exists); cleared when they grow past
#: `_MEMO_SIZE` entries (goals set by hand are unbounded).
_PLANS: dict[tuple[int, int], tuple[Target, list[int], bool]] = {}
_ROWS: dict[tuple[int, str, int, int], tuple[Target, list[int], bool, list[_Tail]]] = {}
_KINDS: dict[int, tuple[Target, list[tuple[str, int | None, Action | None]]]] = {}
_MEMO_SIZE: Final = 4096


def _memo(memo: dict[Any, Any], key: object, value: Any) -> Any:
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _kinds(target: Target) -> list[tuple[str, int | None, Action | None]]:
    found = _KINDS.get(id(target))
    if found is None or found[0] is not target:
        kinds: list[tuple[str, int | None, Action | None]] = [
            ("level", i, level.action) for i, level in enumerate(target.ladder)
        ]
        kinds.append(("breach", None, None))
        found = _memo(_KINDS, id(target), (target, kinds))
    return found[1]


class _Track:
    __slots__ = ("cycles", "kinds", "metric", "open", "pauses", "soon", "target")

    def __init__(self, target: Target) -> None:
        self.target = target
        self.metric = target.metric
        self.pauses = target.pauses
        self.cycles: list[_Cycle] = []
        self.open: _Cycle | None = None
        # The points' ``(kind, level, action)``: ladder levels in order, then the breach.
        self.kinds = _kinds(target)
        # An SLAClock's memo of the track's earliest pending point (see
        # `ticketcore.sla._points._earliest`): (fired set, number of cycles, the last cycle's
        # points list, the earliest pending point of the earlier cycles, of all cycles), each
        # a real instant or None.
        self.soon: tuple[frozenset[tuple[object, ...]], int, list[_Point], int | None, int | None] | None = (
            None
        )

    def plan(self, goal: int) -> tuple[list[int], bool]:
        """The thresholds of the points for ``goal`` and whether all are above zero (memoised)."""
        found = _PLANS.get((id(self.target), goal))
        if found is None or found[0] is not self.target:
            amounts = [level.threshold(goal) for level in self.target.ladder]
            amounts.append(goal + 1)
            found = _memo(_PLANS, (id(self.target), goal), (self.target, amounts, min(amounts) > 0))
        return found[1], found[2]

    def rows(self, policy: str, index: int, goal: int) -> tuple[list[int], bool, list[_Tail]]:
        """`plan` for ``goal``, and cycle ``index``'s points' tails, in `plan` order (memoised).

        A tail is a point without its instants: ``(key, kind, target, cycle, level, action)``.
        """
        target = self.target
        memo_key = (id(target), policy, index, goal)
        found = _ROWS.get(memo_key)
        if found is None or found[0] is not target:
            amounts, positive = self.plan(goal)
            name = target.name
            tails: list[_Tail] = [
                ((policy, name, index, kind, level), kind, name, index, level, action)
                for kind, level, action in self.kinds
            ]
            found = _memo(_ROWS, memo_key, (target, amounts, positive, tails))
        return found[1], found[2], found[3]

    def again(self, t: int, ft: int, priority: Priority, *, paused: bool) -> None:
        """Start the next cycle of a repeating metric, as the target's ``repeat`` says."""
        cycles = self.cycles
        previous = cycles[-1] if cycles else None
        if previous is None or self.target.repeat == "reset":
            self.start(t, ft, priority, paused=paused)
        elif self.target.repeat == "cumulative":
            assert previous.stop is not None  # a new cycle starts only after the last one stopped
            self.start(t, ft, priority, paused=paused, carried=previous.consumed(0))
        # "first_only": later cycles are not measured.

    def start(self, t: int, ft: int, priority: Priority, *, paused: bool, carried: int = 0) -> None:
        cycle = _Cycle(t, priority, carried)
        if paused:
            cycle.pauses.append([t, _OPEN])
        else:
            cycle.spans.append([t, ft, _OPEN, _OPEN])
        self.cycles.append(cycle)
        self.open = cycle

    def stop(self, t: int, ft: int, *, cancelled: bool = False) -> None:
        cycle = self.open
        assert cycle is not None
        points = cycle.points
        self._close(cycle, t, ft)
        cycle.stop = t
        cycle.cancelled = cancelled
        self.open = None
        if cancelled:
            cycle.points = []
        elif points is not None:
            # Stopping changes no instant the clock reached or will reach before ``t``
            # (``reach`` of a point is at most ``t`` exactly when F has got there by
            # ``t``), and a stopped cycle keeps the points before its stop.
            cycle.points = [p for p in points if p[0] < t]

    @staticmethod
    def _close(cycle: _Cycle, t: int, ft: int) -> None:
        cycle.points = None
        if cycle.spans and cycle.spans[-1][2] == _OPEN:
            cycle.spans[-1][2:] = [t, ft]
        if cycle.pauses and cycle.pauses[-1][1] == _OPEN:
            cycle.pauses[-1][1] = t

    def set_paused(self, paused: bool, t: int, ft: int) -> None:
        cycle = self.open
        if cycle is None:
            return
        is_paused = bool(cycle.pauses) and cycle.pauses[-1][1] == _OPEN
        if paused and not is_paused:
            points = cycle.points
            self._close(cycle, t, ft)
            cycle.pauses.append([t, _OPEN])
            if points is not None:
                # A paused cycle keeps the points reached by the pause (see `stop`).
                cycle.points = [p for p in points if p[0] <= t]
        elif not paused and is_paused:
            cycle.points = None
            cycle.pauses[-1][1] = t
            cycle.spans.append([t, ft, _OPEN, _OPEN])

    def attach(
        self, old: _Cycle, basis: _Basis, t: int, priority: Priority, *, paused: bool, keep_pauses: bool
    ) -> None:
        """Attach a new cycle at ``t`` that starts where ``old`` (just cancelled) started.

        ServiceNow's retroactive start: with ``keep_pauses`` (its "retroactive pause") the
        new cycle has the old one's running spans and pauses, so only the time that ran
        counts; without, everything since the old start counts, paused time included.
        """
        cycle = _Cycle(old.start, priority, old.carried)
        if keep_pauses:
            cycle.spans = [list(span) for span in old.spans]
            cycle.pauses = [list(pause) for pause in old.pauses]
        else:
            cycle.spans = [[old.start, basis.f(old.start), t, basis.f(t)]]
        ft = basis.f(t)
        if paused:
            if cycle.pauses and cycle.pauses[-1][1] == t:
                cycle.pauses[-1][1] = _OPEN
            else:
                cycle.pauses.append([t, _OPEN])
        elif cycle.spans and cycle.spans[-1][2] == t:
            cycle.spans[-1][2:] = [_OPEN, _OPEN]
        else:
            cycle.spans.append([t, ft, _OPEN, _OPEN])
        self.cycles.append(cycle)
        self.open = cycle

    def reopen(self, t: int, ft: int, *, paused: bool) -> None:
        """Resume the last cycle after a reopen; the solved span is recorded as a pause."""
        cycle = self.cycles[-1]
        assert cycle.stop is not None
        cycle.points = None
        cycle.pauses.append([cycle.stop, t])
        cycle.stop = None
        if paused:
            cycle.pauses.append([t, _OPEN])
        else:
            cycle.spans.append([t, ft, _OPEN, _OPEN])
        self.open = cycle


def _beyond(policy: SLAPolicy | None, target: Target, goal: int | None) -> HorizonExceeded:
    """The `HorizonExceeded` for a due time (or ladder point) of ``target`` that cannot be computed."""
    name = "?" if policy is None else policy.name
    return HorizonExceeded(
        f"policies[{name!r}].targets.{target.name}",
        None if goal is None else _td(goal),
        "the goal (or a ladder point) needs more open time than the calendar has within its horizon",
    )


def _td(us: int) -> timedelta:
    return timedelta(microseconds=us)
