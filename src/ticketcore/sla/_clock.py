"""SLA clocks: a ticket's event history in, the state of every target out.

Theory of operation
===================

One state machine (`_Machine`) folds a ticket's events, one at a time, into *tracks*,
one per target of the applicable policy. A track is a list of *cycles*; a cycle is
a list of running spans and paused spans in real time. Business time is never added
up in wall-clock terms: each running span records the calendar's cumulative business
time ``F`` (see `ticketcore.sla._engine`) at its start and end, so the business time
consumed is a sum of differences of ``F``, and a paused span simply contributes
nothing. The instant a cycle reaches a point of its clock (its due time, a ladder
level, the breach) is found by inverting ``F`` from the start of the running span in
which the point falls: one calendar ``add``.

Goals are looked up when results are computed, from the priority a cycle carries. A
priority change with the default "recompute" moves that priority onto the running
cycle, so the new goal applies from the original start (and can breach at once);
with "restart" the running cycle is cancelled and a new one starts at the change.

`evaluate` (the pure function) runs a fresh machine over the whole history and reads
the results at ``now``. `SLAClock` keeps one machine per ticket and adds the record of
which alerts have fired, so that each ladder level, breach and suspicious pause is
reported exactly once. They share every line of the logic, so they cannot disagree.
"""

from __future__ import annotations

import enum
import itertools
import operator
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import attrs

from ticketcore._errors import HorizonExceeded, InvalidInput
from ticketcore._forms import form_of, read_form, tag_of
from ticketcore._ticket import Status, Ticket
from ticketcore._util import check_in_range, check_keys, met_share
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla._calendar import _MAX_REAL, _MIN_REAL, BusinessCalendar, _aware
from ticketcore.sla._engine import from_real, to_real
from ticketcore.sla._policy import Action, Metric, SLAPolicies, SLAPolicy, Target

__all__ = [
    "Alert",
    "Attainment",
    "ClockCheckpoint",
    "CycleResult",
    "SLAClock",
    "SLAResult",
    "TargetResult",
    "TargetState",
    "attainment",
    "evaluate",
    "met_share",
]

_US: Final = timedelta(microseconds=1)
_UTC: Final = UTC
_OPEN: Final = -1  # the end of a span that has not ended
_STALE: Final = -1  # SLAClock._soon once the next deadline must be computed again
_REPORTED: Final = operator.itemgetter(1)  # a point's reported instant


class TargetState(enum.Enum):
    """The state of a target (of its latest cycle).

    ``BREACHED`` means still running past the goal; ``ACHIEVED_LATE`` means stopped
    after the goal was exceeded. A paused cycle past its goal is ``PAUSED`` with
    ``breached`` true. ``CANCELLED`` cycles were replaced by a restart.
    """

    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    BREACHED = "breached"
    ACHIEVED = "achieved"
    ACHIEVED_LATE = "achieved_late"
    CANCELLED = "cancelled"
    NOT_APPLICABLE = "not_applicable"


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

    def __init__(self, start: int, priority: object, carried: int = 0) -> None:
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
        goal = target.goal_for(self.priority)  # type: ignore[arg-type]
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
        # An SLAClock's memo of the track's earliest pending point (see `SLAClock._refresh`):
        # (fired set, number of cycles, the last cycle's points list, the earliest pending
        # point of the earlier cycles, of all cycles), each a real instant or None.
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

    def again(self, t: int, ft: int, priority: object, *, paused: bool) -> None:
        """Start the next cycle of a repeating metric, as the target's ``repeat`` says."""
        cycles = self.cycles
        previous = cycles[-1] if cycles else None
        if previous is None or self.target.repeat == "reset":
            self.start(t, ft, priority, paused=paused)
        elif self.target.repeat == "cumulative":
            assert previous.stop is not None  # a new cycle starts only after the last one stopped
            self.start(t, ft, priority, paused=paused, carried=previous.consumed(0))
        # "first_only": later cycles are not measured.

    def start(self, t: int, ft: int, priority: object, *, paused: bool, carried: int = 0) -> None:
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
        self, old: _Cycle, basis: _Basis, t: int, priority: object, *, paused: bool, keep_pauses: bool
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


#: The event types `_Machine.check` checks for the ticket and the order only.
_PLAIN_EVENTS: Final = frozenset({AgentReply, CustomerMessage, StatusChanged})

_REPLY_STOPS: Final = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE, Metric.PERIODIC_UPDATE)
_FROM_CREATION: Final = (Metric.FIRST_RESPONSE, Metric.RESOLUTION, Metric.PERIODIC_UPDATE)


class _Machine:
    """One ticket's SLA state: validate an event, then fold it in (see the module docstring).

    The ticket's status is kept in ``status``; ``ticket`` carries the other fields, and its
    status is brought up to date only when an update rebuilds it (one `attrs.evolve`).
    """

    def __init__(self, policies: SLAPolicies, forced: SLAPolicy | None = None) -> None:
        self.policies = policies
        self.forced = forced
        self.ticket: Ticket | None = None
        self.status = Status.NEW
        self.checked: tuple[TicketEvent, Ticket] | None = None
        # A DueDateSet that check() accepted, with what it applies (reused by fold()).
        self.checked_due: tuple[DueDateSet, tuple[_Cycle, int, int] | None] | None = None
        self.f_memo = (-1, 0)
        self.policy: SLAPolicy | None = None
        self.basis = _Basis(None)
        self.tracks: list[_Track] = []
        self.pausing = frozenset[Status]()
        self.events: list[TicketEvent] = []
        self.last = 0
        self.created = 0
        self.by_agent = False
        self.replied = False
        self.last_customer: int | None = None
        self.suspicious: list[int] = []
        self.replaying = False
        # Whether any policy reads the requester's zone (then events are checked for it).
        self.zoned = any(p.timezone_from is not None for p in policies.policies) or (
            forced is not None and forced.timezone_from is not None
        )
        # While replaying under a new policy or zone: the calendar to use from the start.
        self.forced_calendar: tuple[BusinessCalendar | None] | None = None

    # -- validation ------------------------------------------------------------------

    def check(self, event: object) -> int:
        """Validate ``event`` against the state; returns its real instant. Changes nothing observable."""
        # The events that need no check beyond the ticket and the order (exact types: a
        # subclass takes the general path, `isinstance` for each kind).
        plain = type(event) in _PLAIN_EVENTS
        if not plain and not isinstance(event, TicketEvent):
            raise InvalidInput("event", "a ticketcore.events ticket event", event)
        if TYPE_CHECKING:
            assert isinstance(event, TicketEvent)  # the plain types are ticket events
        at = to_real(event.at)  # events hold aware datetimes (their constructors check)
        if not _MIN_REAL <= at < _MAX_REAL:
            check_in_range(event.at, "at")  # raises, naming the field
        if self.ticket is None:
            if not isinstance(event, TicketCreated):
                raise InvalidInput("event", "a TicketCreated first", type(event).__name__)
            if self.zoned:
                self._calendar(event.ticket)  # a bad zone in the requester's field raises here
            return at
        if not plain and isinstance(event, TicketCreated):
            raise InvalidInput(
                "event", f"one TicketCreated per ticket ({self.ticket.id!r} exists)", event.ticket_id
            )
        if event.ticket_id != self.ticket.id:
            raise InvalidInput(
                "ticket_id", f"the id of this clock's ticket, {self.ticket.id!r}", event.ticket_id
            )
        if at < self.last:
            raise InvalidInput(
                "at",
                f"an instant at or after the previous event ({self.events[-1].at.isoformat()})",
                event.at,
            )
        if plain:
            return at
        if isinstance(event, TicketUpdated):
            # Validates the changes (raises on bad values); the result is reused by handle().
            self.checked = (event, event.apply(self.ticket, status=self.status))
            if self.zoned:
                self._calendar(self.checked[1])
        elif isinstance(event, DueDateSet):
            check_in_range(event.due, "due")
            # A replay under another policy (see _rebuild) drops an override it cannot take.
            self.checked_due = (event, self._override(event, at, strict=not self.replaying))
        return at

    def _select(self, ticket: Ticket) -> SLAPolicy | None:
        return self.forced if self.forced is not None else self.policies.select(ticket)

    def _calendar(self, ticket: Ticket) -> BusinessCalendar | None:
        """The calendar the ticket's clocks run on (its policy's, maybe in the requester's zone)."""
        policy = self._select(ticket)
        return None if policy is None else policy.calendar_for(ticket)

    def _override(self, event: DueDateSet, t: int, *, strict: bool) -> tuple[_Cycle, int, int] | None:
        """The cycle a due time set by hand applies to, its goal and due instant.

        With ``strict`` a bad override raises; otherwise (replaying the history under a
        newly applicable policy, which may not have the target) it is None.
        """

        def bad(field: str, expected: str, value: object) -> None:
            if strict:
                raise InvalidInput(field, expected, value)

        names = [track.target.name for track in self.tracks]
        if event.target not in names:
            if self.policy is None:
                bad("target", "a target of the ticket's SLA policy (no policy covers it)", event.target)
            else:
                bad("target", f"one of the targets of policy {self.policy.name!r}: {names}", event.target)
            return None
        track = self.tracks[names.index(event.target)]
        cycle = track.open
        if cycle is None:
            bad("target", "a target with a running or paused cycle", event.target)
            return None
        due = to_real(event.due)
        basis = self.basis
        f_t = self._f(t)
        ahead = basis.f(due) - f_t if due > t else 0
        if ahead <= 0:
            bad("due", "a later instant, with business time between the event and it", event.due)
            return None
        # The clock reads this at ``due`` if it runs on from ``t``; later pauses push it back.
        goal = cycle.consumed(f_t) + ahead
        if track.metric is Metric.RESOLUTION:
            for other in self.tracks:
                if other.metric is not Metric.FIRST_RESPONSE or not other.cycles:
                    continue
                first = other.cycles[0]
                first_goal = first.goal(other.target)
                try:
                    first_due = None if first_goal is None else first.reach(basis, first_goal, project=True)
                except HorizonExceeded:
                    raise _beyond(self.policy, other.target, first_goal) from None
                if first_due is not None and due < first_due:
                    bad(
                        "due",
                        f"an instant at or after the first-response due time "
                        f"({basis.dt(first_due).isoformat()}, target {other.target.name!r})",
                        event.due,
                    )
                    return None
        return cycle, goal, due

    def _f(self, t: int) -> int:
        """``F(t)``, computed at most once per instant."""
        memo_t, memo_f = self.f_memo
        if memo_t == t:
            return memo_f
        ft = self.basis.f(t)
        self.f_memo = (t, ft)
        return ft

    # -- folding -----------------------------------------------------------------------

    def handle(self, event: TicketEvent) -> None:
        self.fold(event, self.check(event))

    def fold(self, event: TicketEvent, t: int) -> None:
        """Fold in an event that `check` accepted at real instant ``t``."""
        self.events.append(event)
        self.last = t
        kind = type(event)
        if kind is AgentReply or (kind not in _PLAIN_EVENTS and isinstance(event, AgentReply)):
            # On an agent-created ticket the opening comment, if the host sends it as a
            # reply at the creation instant, is not a reply to the customer (Zendesk).
            if event.public and not (self.by_agent and not self.replied and t == self.created):  # type: ignore[attr-defined]
                self._reply(t)
        elif kind is StatusChanged:
            self._status(event.status, t)  # type: ignore[attr-defined]
        elif kind is CustomerMessage:
            self._customer(t)
        elif isinstance(event, TicketCreated):
            self._created(event, t)
        elif isinstance(event, CustomerMessage):
            self._customer(t)
        elif isinstance(event, StatusChanged):
            self._status(event.status, t)
        elif isinstance(event, TicketUpdated):
            self._updated(event, t)
        elif isinstance(event, DueDateSet):
            checked, self.checked_due = self.checked_due, None
            found = (
                checked[1]
                if checked is not None and checked[0] is event
                else self._override(event, t, strict=False)
            )
            if found is not None:
                cycle, goal, due = found
                cycle.fixed, cycle.due_set, cycle.points = goal, due, None

    def _created(self, event: TicketCreated, t: int) -> None:
        ticket = event.ticket
        self.ticket = ticket
        self.status = ticket.status
        self.created = t
        self.by_agent = event.by_agent
        self.policy = self._select(ticket)
        if self.forced_calendar is not None:
            calendar = self.forced_calendar[0]
        else:
            calendar = None if self.policy is None else self.policy.calendar_for(ticket)
        self.basis = _Basis(calendar)
        self.tracks = [] if self.policy is None else [_Track(target) for target in self.policy.targets]
        self.pausing = frozenset[Status]().union(*(track.pauses for track in self.tracks))
        for track in self.tracks:
            metric = track.metric
            in_status = metric is Metric.TIME_IN_STATUS and ticket.status is track.target.status
            if metric in _FROM_CREATION or in_status:
                track.start(t, self._f(t), ticket.priority, paused=ticket.status in track.pauses)

    def _customer(self, t: int) -> None:
        assert self.ticket is not None
        self.last_customer = t
        if not self.replied or self.status.is_resolved:
            return
        for track in self.tracks:
            if track.metric is Metric.NEXT_RESPONSE and track.open is None:
                track.again(t, self._f(t), self.ticket.priority, paused=self.status in track.pauses)

    def _reply(self, t: int) -> None:
        assert self.ticket is not None
        self.replied = True
        for track in self.tracks:
            metric = track.metric
            if metric in _REPLY_STOPS and track.open is not None:
                track.stop(t, self._f(t))
            if metric is Metric.PERIODIC_UPDATE and not self.status.is_resolved:
                track.again(t, self._f(t), self.ticket.priority, paused=self.status in track.pauses)

    def _status(self, status: Status, t: int) -> None:
        assert self.ticket is not None
        before = self.status
        if status is before:
            return
        self.status = status
        priority = self.ticket.priority
        solved = status.is_resolved and not before.is_resolved
        reopened = before.is_resolved and not status.is_resolved
        for track in self.tracks:
            target = track.target
            paused = status in track.pauses
            if track.metric is Metric.TIME_IN_STATUS:
                if track.open is not None and status is not target.status:
                    track.stop(t, self._f(t))
                elif track.open is None and status is target.status:
                    track.again(t, self._f(t), priority, paused=paused)
                continue
            if solved and track.open is not None:
                # "keep_running" (first response only): the clock waits for a real reply.
                if target.on_solve_without_reply == "stop":
                    track.stop(t, self._f(t))
            elif reopened:
                if track.metric is Metric.RESOLUTION and track.cycles:
                    if target.on_reopen == "continue":
                        track.reopen(t, self._f(t), paused=paused)
                    else:
                        track.start(t, self._f(t), priority, paused=paused)
                elif track.metric is Metric.PERIODIC_UPDATE:
                    track.again(t, self._f(t), priority, paused=paused)
            if track.open is not None:
                track.set_paused(paused, t, self._f(t))
        window = None if self.policy is None else self.policy.suspicious_pause
        if (
            window is not None
            and status in self.pausing
            and before not in self.pausing
            and self.last_customer is not None
            and t - self.last_customer <= window // _US
        ):
            self.suspicious.append(t)

    def _updated(self, event: TicketUpdated, t: int) -> None:
        assert self.ticket is not None
        before = self.ticket
        checked = self.checked
        self.checked = None
        if checked is not None and checked[0] is event:
            self.ticket = checked[1]
        else:
            self.ticket = event.apply(before, status=self.status)
        if self.ticket.priority is not before.priority:
            for track in self.tracks:
                cycle = track.open
                if cycle is None or cycle.fixed is not None:  # a due time set by hand sticks
                    continue
                mode = track.target.on_priority_change
                if mode == "recompute":
                    cycle.priority = self.ticket.priority
                    cycle.points = None
                    continue
                paused = self.status in track.pauses
                track.stop(t, self._f(t), cancelled=True)
                if mode == "restart":
                    track.start(t, self._f(t), self.ticket.priority, paused=paused)
                else:
                    track.attach(
                        cycle,
                        self.basis,
                        t,
                        self.ticket.priority,
                        paused=paused,
                        keep_pauses=mode == "retroactive",
                    )
        if self.forced is None:
            policy = self.policies.select(self.ticket)
            if policy is not self.policy and policy != self.policy:
                self._rebuild(policy)
                return
        if (
            self.forced_calendar is None
            and self.policy is not None
            and self.policy.calendar_for(self.ticket) is not self.basis.calendar
        ):
            self._rebuild(self.policy)  # the requester's zone changed: every target from the start

    def _rebuild(self, policy: SLAPolicy | None) -> None:
        """Recompute every target from the original start under a newly applicable policy."""
        replay = _Machine(self.policies, forced=policy) if policy is not None else _Machine(_NO_POLICIES)
        assert self.ticket is not None
        # The whole history runs on the calendar of the ticket as it is now.
        replay.forced_calendar = (None if policy is None else policy.calendar_for(self.ticket),)
        replay.replaying = True
        for event in self.events:
            replay.handle(event)
        replay.forced = None
        replay.forced_calendar = None
        replay.replaying = False
        replay.policies = self.policies
        self.__dict__.update(replay.__dict__)

    # -- reading ----------------------------------------------------------------------

    def result(self, now: datetime) -> SLAResult:
        return _result(self, now)


_NO_POLICIES: Final = SLAPolicies(())

# A point an SLAClock may report: (the real instant it is observed, the instant reported as
# the alert's ``due``, key, kind, target, cycle, level, action). The two instants differ only
# for a breach: it is reported at the last instant the clock reads the goal, and observed
# one microsecond later, when the clock reads more.
_Point = tuple[int, int, tuple[object, ...], str, str | None, int | None, int | None, Action | None]
#: A point without its two instants (fixed for a target, cycle index and goal).
_Tail = tuple[tuple[object, ...], str, str | None, int | None, int | None, Action | None]


def _keep_points(
    cycle: _Cycle, amounts: list[int], tails: list[_Tail], reached: list[int | None]
) -> list[_Point]:
    """The points of a cycle, from where its clock reaches each threshold.

    ``reached`` is None for a threshold not reached while the cycle stays as it is. The
    points kept are those not reached in an earlier cycle nor after the cycle's stop.
    """
    out: list[_Point] = []
    carried = cycle.carried
    stop = cycle.stop
    start = cycle.start
    for threshold, tail, real in zip(amounts, tails, reached, strict=True):
        if threshold <= carried and carried:
            continue  # reached in an earlier cycle ("cumulative" repeat)
        if real is not None and (stop is None or real < stop):
            # A breach is reported where the clock starts to read more than the goal.
            report = real - 1 if tail[1] == "breach" and real != start else real
            out.append((real, report) + tail)  # noqa: RUF005 - concatenation is the faster
    return out


@attrs.frozen
class CycleResult:
    """One cycle of a target: its start, stop, state and clock, at the time of the result.

    ``due_at`` is when the goal is (or was) used up; for a stopped cycle it is where it
    would have fallen had the clock kept running, and it is None while paused before
    the goal. ``breach_at`` is the first instant at which more business time has elapsed
    than the goal allows (so a reply exactly at ``due_at`` is on time).

    ``due_set`` is the due time an agent set by hand (`ticketcore.events.DueDateSet`),
    if any: ``goal`` is then the business time the clock reads at that instant, and
    ``due_at`` the earliest instant it reads that much (the close of business before a
    due time set on a closed day). ``carried`` is the business time carried in from
    earlier cycles by a ``"cumulative"`` repeat; ``elapsed`` includes it.
    """

    index: int
    state: TargetState
    breached: bool
    start: datetime
    stop: datetime | None
    goal: timedelta | None
    due_at: datetime | None
    breach_at: datetime | None
    elapsed: timedelta
    remaining: timedelta | None
    fraction_used: float | None
    paused: tuple[tuple[datetime, datetime | None], ...]
    due_set: datetime | None = None
    carried: timedelta = timedelta(0)


@attrs.frozen
class TargetResult:
    """A target's result: its cycles, and the latest cycle's figures for convenience."""

    name: str
    metric: Metric
    state: TargetState
    cycles: tuple[CycleResult, ...]

    @property
    def current(self) -> CycleResult | None:
        """The latest cycle, or None before the first one starts."""
        return self.cycles[-1] if self.cycles else None

    @property
    def due_at(self) -> datetime | None:
        """The latest cycle's due time."""
        return None if self.current is None else self.current.due_at

    @property
    def breach_at(self) -> datetime | None:
        """The latest cycle's breach instant."""
        return None if self.current is None else self.current.breach_at


@attrs.frozen
class SLAResult:
    """A ticket's SLA at an instant: which policy applies and why, and every target's state.

    ``policy`` is None when no policy covers the ticket (``reason`` says so). Every result
    names the policy, its ``fingerprint`` and the calendar, so reports never mix versions.
    """

    ticket_id: str
    at: datetime
    policy: str | None
    fingerprint: str | None
    calendar: str | None
    reason: str
    targets: tuple[TargetResult, ...]
    suspicious_pauses: tuple[datetime, ...]
    _policy: SLAPolicy | None = attrs.field(
        default=None, eq=False, repr=False, hash=False, alias="policy_object"
    )
    _calendar: BusinessCalendar | None = attrs.field(
        default=None, eq=False, repr=False, hash=False, alias="calendar_object"
    )

    @property
    def explanation(self) -> str:
        """A text a person can read, computed when asked for.

        It says which policy applies and why, the calendar, and per cycle the goal, start,
        pauses, due time and the holidays skipped on the way.
        """
        return _explain(self._policy, self._calendar, self)

    def target(self, name: str) -> TargetResult:
        """The result of the target called ``name``."""
        for t in self.targets:
            if t.name == name:
                return t
        raise InvalidInput("name", f"one of the targets {[t.name for t in self.targets]}", name)


@attrs.frozen
class TargetSummary:
    """A target's state and cycle counts at an instant, as `SLAClock.summary` gives them.

    ``state`` is that of `TargetResult`; ``achieved``, ``late`` and ``open_breached``
    count its cycles as `attainment` does; ``breached`` says whether any cycle that was
    not cancelled went past its goal.
    """

    name: str
    state: TargetState
    achieved: int
    late: int
    open_breached: int
    breached: bool


@attrs.frozen
class SLASummary:
    """A cheap view of a ticket's `SLAResult`: the policy and each target's state and counts.

    It holds no instants, so `SLAClock.summary` builds no datetimes and computes no due
    times; every figure equals the one read from `SLAClock.result` at the same instant.
    """

    ticket_id: str
    policy: str | None
    fingerprint: str | None
    targets: tuple[TargetSummary, ...]


def _summary(machine: _Machine, now: datetime) -> SLASummary:
    """`SLAClock.summary`: the states of `_result`, without building the cycles' results."""
    _aware(now, "now")
    ticket = machine.ticket
    if ticket is None:
        raise InvalidInput("events", "a history that starts with TicketCreated", [])
    real_now = to_real(now)
    if real_now < machine.last:
        raise InvalidInput(
            "now", f"an instant at or after the last event ({machine.events[-1].at.isoformat()})", now
        )
    f_now = machine.basis.f(real_now)
    targets = []
    for track in machine.tracks:
        target = track.target
        achieved = late = open_breached = 0
        breached_any = False
        state = TargetState.NOT_STARTED
        goal = None
        for cycle in track.cycles:
            goal = cycle.goal(target)
            if goal is None:
                state = TargetState.NOT_APPLICABLE
                continue
            breached = cycle.consumed(f_now) > goal
            if cycle.cancelled:
                state = TargetState.CANCELLED
            elif cycle.stop is not None:
                if breached:
                    state = TargetState.ACHIEVED_LATE
                    late += 1
                else:
                    state = TargetState.ACHIEVED
                    achieved += 1
            elif not cycle.running():
                state = TargetState.PAUSED
            else:
                state = TargetState.BREACHED if breached else TargetState.RUNNING
            if breached and state is not TargetState.CANCELLED:
                breached_any = True
                if cycle.stop is None:
                    open_breached += 1
        if target.goal_for(ticket.priority) is None and (not track.cycles or goal is None):
            state = TargetState.NOT_APPLICABLE
        targets.append(TargetSummary(target.name, state, achieved, late, open_breached, breached_any))
    policy = machine.policy
    return SLASummary(
        ticket_id=ticket.id,
        policy=None if policy is None else policy.name,
        fingerprint=None if policy is None else policy.fingerprint,
        targets=tuple(targets),
    )


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


def _cycle_result(machine: _Machine, track: _Track, index: int, cycle: _Cycle, f_now: int) -> CycleResult:
    basis = machine.basis
    goal = cycle.goal(track.target)
    consumed = cycle.consumed(f_now)
    paused = tuple((basis.dt(a), None if b == _OPEN else basis.dt(b)) for a, b in cycle.pauses)
    start = basis.dt(cycle.start)
    stop = None if cycle.stop is None else basis.dt(cycle.stop)
    if goal is None:
        return CycleResult(
            index,
            TargetState.NOT_APPLICABLE,
            False,  # noqa: FBT003 - the breached flag, in field order
            start,
            stop,
            None,
            None,
            None,
            _td(consumed),
            None,
            None,
            paused,
            carried=_td(cycle.carried),
        )
    breached = consumed > goal
    try:
        due = cycle.reach(basis, goal, project=True)
        if due is not None and cycle.runs_at(due) and basis.open_after(due):
            breach: int | None = due  # the clock runs on from the due instant
        else:
            breach = cycle.breach_at(basis, goal, project=True)
    except HorizonExceeded:
        raise _beyond(machine.policy, track.target, goal) from None
    if cycle.cancelled:
        state = TargetState.CANCELLED
    elif cycle.stop is not None:
        state = TargetState.ACHIEVED_LATE if breached else TargetState.ACHIEVED
    elif not cycle.running():
        state = TargetState.PAUSED
    else:
        state = TargetState.BREACHED if breached else TargetState.RUNNING
    return CycleResult(
        index,
        state,
        breached,
        start,
        stop,
        _td(goal),
        None if due is None else basis.dt(due),
        None if breach is None else basis.dt(breach),
        _td(consumed),
        _td(goal - consumed),
        consumed / goal,
        paused,
        due_set=None if cycle.due_set is None else basis.dt(cycle.due_set),
        carried=_td(cycle.carried),
    )


def _result(machine: _Machine, now: datetime) -> SLAResult:
    _aware(now, "now")
    if machine.ticket is None:
        raise InvalidInput("events", "a history that starts with TicketCreated", [])
    real_now = to_real(now)
    if real_now < machine.last:
        raise InvalidInput(
            "now", f"an instant at or after the last event ({machine.events[-1].at.isoformat()})", now
        )
    policy = machine.policy
    basis = machine.basis
    f_now = basis.f(real_now)
    targets = []
    for track in machine.tracks:
        cycles = tuple(_cycle_result(machine, track, i, c, f_now) for i, c in enumerate(track.cycles))
        if track.target.goal_for(machine.ticket.priority) is None and (not cycles or cycles[-1].goal is None):
            state = TargetState.NOT_APPLICABLE
        else:
            state = cycles[-1].state if cycles else TargetState.NOT_STARTED
        targets.append(TargetResult(track.target.name, track.target.metric, state, cycles))
    if policy is None:
        reason = "no policy covers this ticket"
    else:
        reason = f"policy {policy.name!r} is the first that covers it ({policy.when.describe()})"
    return SLAResult(
        ticket_id=machine.ticket.id,
        at=now,
        policy=None if policy is None else policy.name,
        fingerprint=None if policy is None else policy.fingerprint,
        calendar=None if policy is None else _calendar_name(policy, basis.calendar),
        reason=reason,
        targets=tuple(targets),
        suspicious_pauses=tuple(basis.dt(t) for t in machine.suspicious),
        policy_object=policy,
        calendar_object=basis.calendar,
    )


def _calendar_name(policy: SLAPolicy, calendar: BusinessCalendar | None) -> str:
    if calendar is None or calendar is policy.calendar:
        return policy.calendar_name
    return f"{policy.calendar_name}, in the requester's zone {calendar.timezone}"


def _explain(policy: SLAPolicy | None, cal: BusinessCalendar | None, result: SLAResult) -> str:
    lines = [f"Ticket {result.ticket_id}: {result.reason}."]
    if policy is None:
        return lines[0]
    if cal is None:
        lines.append(f"Calendar: {result.calendar} (every hour counts).")
    else:
        week = f"{cal.weekly_open_time} open in a regular week"
        lines.append(f"Calendar: {result.calendar} ({cal.timezone}, {week}).")
    for target in result.targets:
        for cycle in target.cycles:
            head = f"- {target.name} cycle {cycle.index + 1}: {cycle.state.value}"
            if cycle.goal is None:
                lines.append(f"{head}; no goal for this priority.")
                continue
            parts = [f"goal {cycle.goal}", f"started {cycle.start.isoformat()}", f"elapsed {cycle.elapsed}"]
            if cycle.due_set is not None:
                parts[0] += f" (due time set by hand to {cycle.due_set.isoformat()})"
            if cycle.carried:
                parts.append(f"{cycle.carried} of it carried from earlier cycles")
            if cycle.paused:
                spans = ", ".join(
                    f"{a.isoformat()} to {'now' if b is None else b.isoformat()}" for a, b in cycle.paused
                )
                parts.append(f"paused {spans}")
            if cycle.due_at is not None:
                parts.append(f"due {cycle.due_at.isoformat()}")
            if cycle.stop is not None:
                parts.append(f"stopped {cycle.stop.isoformat()}")
            lines.append(f"{head}; " + "; ".join(parts) + ".")
            if cal is not None:
                end = cycle.stop or result.at
                worked = list(itertools.islice(cal.open_intervals(cycle.start, end), 6))
                if worked:
                    shown = ", ".join(f"{a:%a %d %b %H:%M}-{b:%H:%M}" for a, b in worked[:5])
                    more = " ..." if len(worked) > 5 else ""
                    lines.append(f"  working time counted from: {shown}{more} (less any pauses).")
            if cal is not None and cycle.due_at is not None:
                stop = cycle.stop or cycle.due_at
                end = max(stop.astimezone(_UTC), cycle.due_at.astimezone(_UTC))
                skipped = cal.holidays_between(
                    cycle.start.astimezone(cal.zone).date(), end.astimezone(cal.zone).date()
                )
                if skipped:
                    lines.append(
                        "  closed on the way: " + ", ".join(f"{d.isoformat()} {n}" for d, n in skipped) + "."
                    )
    lines.extend(
        f"Suspicious pause at {t.isoformat()}: a pausing status soon after a customer message."
        for t in result.suspicious_pauses
    )
    return "\n".join(lines)


def evaluate(policies: SLAPolicies, events: Iterable[TicketEvent], now: datetime) -> SLAResult:
    """The SLA of one ticket at ``now``, from its whole event history (a pure function).

    Raises:
        InvalidInput: the history does not start with `TicketCreated`, mixes tickets, is
            out of order, or ``now`` is naive, outside 1900 to 2999 or before the last event.
        HorizonExceeded: a due time cannot be computed within the calendar's horizon; the
            error names the policy and target (``policies['vip'].targets.resolution``).

    """
    if not isinstance(policies, SLAPolicies):
        raise InvalidInput("policies", "an SLAPolicies", policies)
    machine = _Machine(policies)
    for event in events:
        machine.handle(event)
    return machine.result(now)


@attrs.frozen
class Alert:
    """Something that became due: a ladder level, a breach, or a suspicious pause.

    ``due`` is the instant it became due; ``action`` is the level's action (None for a
    breach or a suspicious pause). For a breach, ``due`` is the cycle's ``breach_at``:
    the instant the clock starts to read more than the goal (17:00 for a goal used up at
    17:00 while open; the next opening for one used up at the close), while
    `SLAClock.next_deadline` is one microsecond later, the first instant at which the
    target *is* breached (more elapsed than the goal).

    The key ``(policy, target, cycle, kind, level)`` is reported at most once per clock,
    except a breach: once per *breach episode*. An event after which the cycle no longer
    reads more than its goal (a priority change or a due time set by hand moved the goal
    later) ends the episode, and a later breach of the same cycle is reported again.
    Ladder levels fire once per cycle.
    """

    ticket_id: str
    kind: str
    due: datetime
    policy: str
    target: str | None = None
    cycle: int | None = None
    level: int | None = None
    action: Action | None = None


#: The events that can end a breach episode: only a goal (priority, due time set by hand)
#: or the policy can move, since a cycle's clock never runs backwards.
_MAY_UNDO_BREACH: Final = frozenset({TicketUpdated, DueDateSet})

_EVENT_TAGS: Final = {
    tag_of(kind): kind
    for kind in (TicketCreated, TicketUpdated, StatusChanged, CustomerMessage, AgentReply, DueDateSet)
}


@attrs.frozen
class ClockCheckpoint:
    """An opaque token from `SLAClock.checkpoint`, for `SLAClock.restore`."""

    events: int
    fired: frozenset[tuple[object, ...]]
    breached: frozenset[tuple[object, ...]]


class SLAClock:
    """The sans-I/O SLA clock of one ticket: events in, alerts out, exactly once.

    The host feeds every event with `handle`, asks `next_deadline` when to wake up, and
    calls `advance` with the time when it does. Alerts that fell due before an event
    are returned by that `handle` call, so none is lost when the host is late.

    >>> from datetime import datetime, timedelta, timezone
    >>> from ticketcore import Ticket
    >>> from ticketcore.events import TicketCreated
    >>> from ticketcore.sla import SLAPolicies, SLAPolicy, Target, Level, Notify
    >>> policies = SLAPolicies([SLAPolicy(name="std", targets=[Target(
    ...     name="first_response", metric="first_response", goals=timedelta(hours=1),
    ...     ladder=[Level(Notify("lead"), fraction=0.5)])])])
    >>> clock = SLAClock(policies)
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=t0)))
    ()
    >>> clock.next_deadline().isoformat()
    '2026-03-02T09:30:00+00:00'
    >>> [a.kind for a in clock.advance(t0 + timedelta(hours=2))]
    ['level', 'breach']
    """

    def __init__(self, policies: SLAPolicies) -> None:
        if not isinstance(policies, SLAPolicies):
            raise InvalidInput("policies", "an SLAPolicies", policies)
        self._machine = _Machine(policies)
        # Immutable sets, replaced when they change (rarely: when alerts fire), so that a
        # checkpoint shares them instead of copying.
        self._fired: frozenset[tuple[object, ...]] = frozenset()
        # The breach keys in _fired: an event that undoes a breach removes its key from both.
        self._breached: frozenset[tuple[object, ...]] = frozenset()
        # The next deadline as a real instant (None: nothing pending), or _STALE once an
        # event or a firing may have moved it (`_next_real` computes it again).
        self._soon: int | None = _STALE
        # The last next deadline handed out: (real instant, datetime), reused while it holds.
        self._next: tuple[int, datetime] | None = None

    def handle(self, event: TicketEvent) -> tuple[Alert, ...]:
        """Feed one event; returns the alerts that fell due strictly before it.

        Raises:
            InvalidInput: a bad event (another ticket, out of order, an instant outside
                1900 to 2999, ...).
            HorizonExceeded: after the event a due time or ladder level could not be
                computed within the calendar's horizon (the error names the policy and
                target).

        Whatever it raises, the clock is unchanged and keeps working: the event is
        checked first, and should folding it in or computing the alert points after it
        fail, the state before it is restored.

        """
        machine = self._machine
        at = machine.check(event)
        soon = self._soon
        if soon == _STALE:
            soon = self._soon = self._refresh()
        fired, breached = self._fired, self._breached
        alerts: tuple[Alert, ...] = ()
        # Nothing falls due before the event unless the next deadline is at it or earlier
        # (a breach is reported one microsecond before it is observed).
        if soon is not None and soon <= at:
            due = self._select(at - 1, reported=True)
            if due:
                alerts = self._alerts(due)  # as the state before the event says
                self._commit(due)  # the fired set only, which folding the event does not read
        kept = len(machine.events)
        try:
            machine.fold(event, at)
            self._soon = _STALE
            self._soon = self._refresh()  # fails here, not later, if a point cannot be computed
        except BaseException:
            self._restore(kept)
            self._fired, self._breached = fired, breached
            raise
        if self._breached and type(event) in _MAY_UNDO_BREACH:
            self._rearm(at)
        return alerts

    def _restore(self, kept: int) -> None:
        """Rebuild the state from the first ``kept`` events (after a failure part-way through one)."""
        machine = _Machine(self._machine.policies)
        for event in self._machine.events[:kept]:
            machine.handle(event)
        self._machine = machine
        self._soon = _STALE

    def _rearm(self, at: int) -> None:
        """End the breach episodes that the event at ``at`` undid (the goal moved past the clock)."""
        m = self._machine
        policy = None if m.policy is None else m.policy.name
        tracks = {track.target.name: track for track in m.tracks}
        f_at = m._f(at)
        undone: set[tuple[object, ...]] = set()
        for key in self._breached:
            if key[0] != policy:
                continue  # checked at the event that brings the ticket back under that policy
            track = tracks.get(key[1])  # type: ignore[call-overload]
            index = key[2]
            assert isinstance(index, int)
            if track is not None and index < len(track.cycles):
                cycle = track.cycles[index]
                goal = cycle.goal(track.target)
                if goal is not None and cycle.consumed(f_at) > goal:
                    continue  # still breached: the same episode
            undone.add(key)
        if undone:
            self._breached -= undone
            self._fired -= undone
            self._soon = _STALE

    @property
    def ticket(self) -> Ticket | None:
        """The ticket as the clock last saw it (None before its `ticketcore.events.TicketCreated`)."""
        return self._machine.ticket

    def next_deadline(self) -> datetime | None:
        """When the next alert falls due (possibly already past), or None if none is pending."""
        real = self._soon
        if real == _STALE:
            real = self._soon = self._refresh()
        if real is None:
            return None
        before = self._next
        zone = self._machine.basis.zone
        if before is not None and before[0] == real and before[1].tzinfo is zone:
            return before[1]  # the same instant in the same zone: reuse its datetime
        found = from_real(real, zone)
        self._next = (real, found)
        return found

    def _next_real(self) -> int | None:
        """`next_deadline` in microseconds since 0001-01-01 UTC (the simulator schedules on it)."""
        real = self._soon
        if real == _STALE:
            real = self._soon = self._refresh()
        return real

    def _refresh(self) -> int | None:
        """Compute the points of every cycle that changed; returns the earliest pending one's instant.

        Each track keeps its earliest pending point (`_Track.soon`) with what it was computed
        from: the fired set (replaced, never changed, when alerts fire), the number of
        cycles and the last cycle's points list (replaced or dropped by every change to
        that cycle; only the last cycle of a track ever changes, since a new cycle starts
        only after the one before stopped). A track whose memo still matches costs three
        comparisons; one whose last cycle changed looks at that cycle's points only.
        """
        m = self._machine
        policy = m.policy
        if policy is None:  # no ticket yet, or no policy covers it
            return None
        name = policy.name
        fired = self._fired
        best: int | None = None
        for track in m.tracks:
            cycles = track.cycles
            if not cycles:
                continue
            n = len(cycles)
            last = cycles[-1]
            points = last.points
            memo = track.soon
            if memo is not None and memo[0] is fired and memo[1] == n:
                if memo[2] is points:
                    low = memo[4]
                    if low is not None and (best is None or low < best):
                        best = low
                    continue
                prefix = memo[3]
            else:
                prefix = None
                for index in range(n - 1):
                    cycle = cycles[index]
                    done = cycle.points
                    if done is None:
                        done = cycle.points = self._cycle_points(name, track, index, cycle)
                    for p in done:
                        if (prefix is None or p[0] < prefix) and p[2] not in fired:
                            prefix = p[0]
            if points is None:
                points = last.points = self._cycle_points(name, track, n - 1, last)
            low = prefix
            for p in points:
                if (low is None or p[0] < low) and p[2] not in fired:
                    low = p[0]
            track.soon = (fired, n, points, prefix, low)
            if low is not None and (best is None or low < best):
                best = low
        for t in m.suspicious:
            if (best is None or t < best) and (name, "suspicious", t) not in fired:
                best = t
        return best

    def advance(self, now: datetime) -> tuple[Alert, ...]:
        """The alerts that fell due at or before ``now`` and were not reported yet, in order."""
        real = to_real(_aware(now, "now"))
        if self._machine.ticket is None:
            return ()
        due = self._select(real, reported=False)
        if not due:
            return ()
        alerts = self._alerts(due)
        self._commit(due)
        return alerts

    def result(self, now: datetime) -> SLAResult:
        """The ticket's SLA at ``now``; equal to `evaluate` over the same events."""
        return self._machine.result(now)

    def summary(self, now: datetime) -> SLASummary:
        """Each target's state and cycle counts at ``now``: what `result` says, built cheaply.

        Equal to what `result` gives at the same instant (its targets' states, and their
        cycles counted as `attainment` counts them), without making any datetime or due
        time: for hosts that read only the end state, e.g. the simulator at each close.
        """
        return _summary(self._machine, now)

    # -- for hosts that compose engines, and for storage ------------------------------

    def check(self, event: TicketEvent) -> None:
        """Raise what `handle` would raise for ``event`` on its own checks; changes nothing.

        (`handle` may still raise `ticketcore.HorizonExceeded` when a due time after the
        event cannot be computed; it then restores the clock as well.)
        """
        self._machine.check(event)

    def checkpoint(self) -> ClockCheckpoint:
        """A token for `restore`: the clock as it is now.

        A host (or `ticketcore.desk.Desk`) that applies one event to several engines takes
        a checkpoint, applies it, and restores the clock if a later engine refuses the event.
        """
        return ClockCheckpoint(len(self._machine.events), self._fired, self._breached)

    def _checkpoint(self) -> tuple[int, frozenset[tuple[object, ...]], frozenset[tuple[object, ...]]]:
        """`checkpoint` as a plain tuple, for `ticketcore.desk.Desk` (which keeps it for one call)."""
        return len(self._machine.events), self._fired, self._breached

    def _rollback(
        self, checkpoint: tuple[int, frozenset[tuple[object, ...]], frozenset[tuple[object, ...]]]
    ) -> None:
        """`restore` from a `_checkpoint` of this clock."""
        self.restore(ClockCheckpoint(*checkpoint))

    def restore(self, checkpoint: ClockCheckpoint) -> None:
        """Put the clock back as it was at ``checkpoint`` (taken from this clock, before later events)."""
        if not isinstance(checkpoint, ClockCheckpoint):
            raise InvalidInput("checkpoint", "a checkpoint this clock took", checkpoint)
        if checkpoint.events > len(self._machine.events):
            raise InvalidInput("checkpoint", "a checkpoint this clock took", checkpoint)
        if checkpoint.events < len(self._machine.events):
            self._restore(checkpoint.events)
        self._fired = checkpoint.fired
        self._breached = checkpoint.breached
        self._soon = _STALE

    def due_times(self) -> dict[str, datetime | None]:
        """Each target's due time now: when its latest cycle's goal is used up.

        None for a target with no running or paused cycle (not started, stopped,
        cancelled, or no goal for the priority), and for a cycle paused before its goal.
        Cheap: no result is built.
        """
        dt = self._machine.basis.dt
        return {name: None if real is None else dt(real) for name, real in self._due_reals()}

    def _due_reals(self) -> tuple[tuple[str, int | None], ...]:
        """`due_times` as ``(target, real instant or None)`` pairs, in the policy's order.

        For `ticketcore.desk.Desk`, which compares them after every event: equal pairs,
        equal due times, without making a datetime. Each cycle's due time is computed
        once while the cycle stays as it is.
        """
        m = self._machine
        if m.ticket is None or m.policy is None:
            return ()
        out = []
        for track in m.tracks:
            due = None
            if track.cycles:
                cycle = track.cycles[-1]
                cached = cycle.due_cache
                if cached is not None and cached[0] is cycle.points:
                    due = cached[1]
                else:
                    goal = cycle.goal(track.target)
                    if goal is not None and cycle.stop is None and not cycle.cancelled:
                        due = cycle.reach(m.basis, goal, project=True)
                    if cycle.points is not None:
                        cycle.due_cache = (cycle.points, due)
            out.append((track.target.name, due))
        return tuple(out)

    def _dt(self, real: int) -> datetime:
        """A real instant as the clock reports it (in its calendar's zone)."""
        return self._machine.basis.dt(real)

    def to_dict(self) -> dict[str, Any]:
        """The clock's state as a JSON-compatible dict: the ticket's events and the alerts reported.

        `from_dict` with the same policies rebuilds an equal clock (it folds the events
        again, so a stored clock always follows the current release's rules).
        """
        return {
            "events": [form_of(e) for e in self._machine.events],
            "fired": sorted((list(key) for key in self._fired), key=str),
            "breached": sorted((list(key) for key in self._breached), key=str),
        }

    @classmethod
    def from_dict(cls, policies: SLAPolicies, data: object, path: str = "clock") -> SLAClock:
        """Rebuild a clock from `to_dict`'s output and the same policies; an error names the path."""
        d = check_keys(data, path, ("events", "fired", "breached"), ("events",))
        clock = cls(policies)
        events = d["events"]
        if not isinstance(events, list):
            raise InvalidInput(f"{path}.events", "a list of events", events)
        for i, form in enumerate(events):
            where = f"{path}.events[{i}]"
            tag = form.get("type") if isinstance(form, Mapping) else None
            kind = _EVENT_TAGS.get(tag) if isinstance(tag, str) else None
            if kind is None:
                raise InvalidInput.unknown_key(f"{where}.type", str(form), _EVENT_TAGS, "ticket event types")
            clock._machine.handle(read_form(kind, form, where))
        for name in ("fired", "breached"):
            keys = d.get(name, [])
            if not isinstance(keys, list) or not all(isinstance(k, list) for k in keys):
                raise InvalidInput(f"{path}.{name}", "a list of alert keys", keys)
            for i, key in enumerate(keys):
                # An alert key holds names, numbers and None; a breach's is
                # [policy, target, cycle, "breach", None] (as `to_dict` writes them).
                if not all(part is None or type(part) in (str, int) for part in key) or (
                    name == "breached" and not _is_breach_key(key)
                ):
                    raise InvalidInput(f"{path}.{name}[{i}]", _KEY_FORMS[name], key)
            setattr(clock, f"_{name}", frozenset(tuple(k) for k in keys))
        clock._soon = _STALE
        return clock

    def _pending(self) -> list[_Point]:
        """The points not reported yet, whether or not they fell due.

        Plain tuples: an `Alert` (and its datetime) is built only once a point falls due.
        Each cycle's points are computed once while it stays as it is; this list is made
        only when some point falls due (`_select`), the next deadline being kept apart.
        """
        fired = self._fired
        return [p for p in self._all_points() if p[2] not in fired]

    def _all_points(self) -> list[_Point]:
        """Every point of the current state, reported or not."""
        m = self._machine
        if m.ticket is None or m.policy is None:
            return []
        out: list[_Point] = []
        policy = m.policy.name
        for track in m.tracks:
            for index, cycle in enumerate(track.cycles):
                if cycle.points is None:  # computed again only for a cycle an event changed
                    cycle.points = self._cycle_points(policy, track, index, cycle)
                out += cycle.points
        out += self._suspicious()
        return out

    def _suspicious(self) -> list[_Point]:
        """The points of the suspicious pauses."""
        m = self._machine
        assert m.policy is not None  # a pause is suspicious under a policy's window
        policy = m.policy.name
        return [
            (t, t, (policy, "suspicious", t), "suspicious_pause", None, None, None, None)
            for t in m.suspicious
        ]

    def _cycle_points(self, policy: str, track: _Track, index: int, cycle: _Cycle) -> list[_Point]:
        """The ladder levels and breach of one cycle that its clock reaches (or will) while it runs.

        `_cycle_points_reference` is the plain version (one `_Cycle.reach` per point); this
        one takes the common case (one running span, nothing carried) in one engine call
        and otherwise inverts the points in the running span together.
        """
        fixed = cycle.fixed
        if fixed is not None:
            goal: int | None = fixed
        else:
            found = track.target.goal_for(cycle.priority)  # type: ignore[arg-type]
            goal = None if found is None else found // _US
        if goal is None or cycle.cancelled:
            return []
        amounts, positive, tails = track.rows(policy, index, goal)
        basis = self._machine.basis
        spans = cycle.spans
        carried = cycle.carried
        if positive and not carried and len(spans) == 1 and spans[0][2] == _OPEN:
            # One running span, nothing carried: every point is ``forward(r0, threshold)``,
            # after ``r0`` (thresholds are positive), so each is on the running clock and a
            # breach is reported one microsecond before it is observed.
            # (Computing the due time here too was measured: it saves the desk 1.7k
            # instructions an event and costs every other clock 2.2k.)
            r0, f0 = spans[0][0], spans[0][1]
            calendar = basis.calendar
            try:
                if calendar is None:
                    reals = [r0 + a for a in amounts]
                else:  # `_Basis.inverse_all` without its frame
                    engine = calendar._engine
                    reals = engine.inverse_all([f0 + a for a in amounts], r0, r0 + engine.horizon)
            except HorizonExceeded:
                raise _beyond(self._machine.policy, track.target, goal) from None
            out = [(real, real) + tail for real, tail in zip(reals, tails, strict=True)]  # noqa: RUF005
            breach = reals[-1]  # the breach is the last point
            out[-1] = (breach, breach - 1) + tails[-1]
            return out
        try:
            reached = cycle.reach_all(basis, amounts)
        except HorizonExceeded:
            raise _beyond(self._machine.policy, track.target, goal) from None
        return _keep_points(cycle, amounts, tails, reached)

    def _cycle_points_reference(self, policy: str, track: _Track, index: int, cycle: _Cycle) -> list[_Point]:
        """`_cycle_points` the plain way, for the tests: one `_Cycle.reach` per point."""
        goal = cycle.goal(track.target)
        if goal is None or cycle.cancelled:
            return []
        amounts, _, tails = track.rows(policy, index, goal)
        try:
            reached = [cycle.reach(self._machine.basis, a, project=False) for a in amounts]
        except HorizonExceeded:
            raise _beyond(self._machine.policy, track.target, goal) from None
        return _keep_points(cycle, amounts, tails, reached)

    def _select(self, upto: int, *, reported: bool) -> list[_Point]:
        """The pending points due by ``upto``, in the order of their reported instants.

        By the instant they are observed (``advance``), or by the instant they are reported
        (``handle``: the alerts that fell due strictly before an event, which for a breach
        means observed at the event's instant at the latest).
        """
        soonest = self._next_real()
        if soonest is None or soonest > upto + 1:
            return []  # a point is reported at most one microsecond before it is observed
        # `_pending` in the same order, filtered, looking only at the tracks whose earliest
        # pending point (`_Track.soon`, up to date after `_next_real`) is that early.
        m = self._machine
        fired = self._fired
        found: list[_Point] = []
        for track in m.tracks:
            cycles = track.cycles
            memo = track.soon
            if (
                memo is not None
                and memo[0] is fired
                and memo[1] == len(cycles)
                and memo[2] is cycles[-1].points
                and (memo[4] is None or memo[4] > upto + 1)
            ):
                continue
            for index, cycle in enumerate(cycles):
                points = cycle.points
                if points is None:
                    points = cycle.points = self._cycle_points(m.policy.name, track, index, cycle)  # type: ignore[union-attr]
                found += _due_in(points, upto, fired, reported=reported)
        if m.suspicious:
            found += _due_in(self._suspicious(), upto, fired, reported=reported)
        found.sort(key=_REPORTED)
        return found

    def _alerts(self, due: list[_Point]) -> tuple[Alert, ...]:
        if not due:
            return ()
        m = self._machine
        assert m.ticket is not None  # else nothing is pending
        assert m.policy is not None
        ticket, policy, zone = m.ticket.id, m.policy.name, m.basis.zone
        if len(due) == 1:
            _, report, _, kind, target, cycle, level, action = due[0]
            return (Alert(ticket, kind, from_real(report, zone), policy, target, cycle, level, action),)
        return tuple(
            [
                Alert(ticket, kind, from_real(report, zone), policy, target, cycle, level, action)
                for _, report, _, kind, target, cycle, level, action in due
            ]
        )

    def _commit(self, due: list[_Point]) -> None:
        """Record the points as reported."""
        if not due:
            return
        self._soon = _STALE
        before = self._fired
        fired = self._fired = before.union([point[2] for point in due])
        breaches = [point[2] for point in due if point[3] == "breach"]
        if breaches:
            self._breached = self._breached.union(breaches)
        # A track none of these points belongs to keeps its earliest pending point: its
        # points' keys name its target, so none of them was added.
        touched = {point[4] for point in due}
        for track in self._machine.tracks:
            memo = track.soon
            if memo is not None and memo[0] is before and track.target.name not in touched:
                track.soon = (fired, memo[1], memo[2], memo[3], memo[4])

    def _desk_view(self, due: bool) -> tuple[int | None, tuple[tuple[str, int | None], ...], Any]:
        """For `ticketcore.desk.Desk` after it fed an event, in one call (read-only).

        The next deadline as an instant (`_next_real`), the due times as `_due_reals`
        gives them when ``due`` (else ``()``), and the zone the clock reports instants in.
        """
        return self._next_real(), self._due_reals() if due else (), self._machine.basis.zone


def _due_in(
    points: list[_Point], upto: int, fired: frozenset[tuple[object, ...]], *, reported: bool
) -> list[_Point]:
    """The points not fired, reported (or observed) by ``upto``."""
    if reported:
        return [p for p in points if p[1] <= upto and p[2] not in fired]
    return [p for p in points if p[0] <= upto and p[2] not in fired]


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


@attrs.frozen
class Attainment:
    """How often a target was met, over the cycles that ended, for one policy version.

    ``rate`` is ``achieved / (achieved + late)``, None when no cycle ended.
    """

    policy: str
    fingerprint: str
    target: str
    achieved: int
    late: int
    open_breached: int

    @property
    def rate(self) -> float | None:
        """The share of ended cycles that met their goal."""
        return met_share(self.achieved, self.late)


def attainment(results: Iterable[SLAResult]) -> tuple[Attainment, ...]:
    """Attainment per policy version and target over many tickets' results.

    Cycles that ended count as achieved or late; cancelled and not-applicable cycles
    do not count; cycles still open past their goal are counted apart
    (``open_breached``). Rows are keyed by policy name *and* fingerprint, so two
    versions of a policy are never mixed. Rows come in first-seen order.
    """
    rows: dict[tuple[str, str, str], list[int]] = {}
    for result in results:
        if not isinstance(result, SLAResult):
            raise InvalidInput("results", "SLAResult values", result)
        if result.policy is None:
            continue
        for target in result.targets:
            row = rows.setdefault((result.policy, result.fingerprint or "", target.name), [0, 0, 0])
            for cycle in target.cycles:
                if cycle.state is TargetState.ACHIEVED:
                    row[0] += 1
                elif cycle.state is TargetState.ACHIEVED_LATE:
                    row[1] += 1
                elif cycle.breached and cycle.state is not TargetState.CANCELLED:
                    row[2] += 1
    return tuple(Attainment(p, f, t, *counts) for (p, f, t), counts in rows.items())
