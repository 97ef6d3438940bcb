"""`SLAClock`: one ticket's sans-I/O SLA clock, events in and alerts out, exactly once.

One job: the façade a host drives. It keeps a `ticketcore.sla._machine._Machine` (the
ticket's targets, see the theory of operation there) and the record of which alerts
were reported (``_fired``, ``_breached``), and delegates: the points and the next
deadline to `ticketcore.sla._points`, alerts and breach episodes to
`ticketcore.sla._alerts`, results to `ticketcore.sla._reading`, storage to
`ticketcore.sla._state`. What stays here is the clock's own bookkeeping: fold an event
or restore the state before it, memoise the next deadline, record what fired.

Seams for `ticketcore.desk.Desk`, private on purpose: ``_checkpoint``/``_rollback``
(`checkpoint`/`restore` as a plain tuple, built on every event the desk handles),
``_next_real`` (`next_deadline` as a real instant, which the desk's heap and the
simulator's schedule order by) and ``_desk_view`` (the next deadline, the due times and
the zone in one call). Each spares the desk a value or a conversion per event, measured
with callgrind; a host uses the public methods, which answer the same.

Imports: every other module of the clock; none of them imports this one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from ticketcore._errors import InvalidInput
from ticketcore._instant import from_real, to_real
from ticketcore._ticket import Ticket
from ticketcore._util import check_keys
from ticketcore.events import TicketEvent
from ticketcore.sla._alerts import _MAY_UNDO_BREACH, Alert, _make_alerts, _undone_breaches
from ticketcore.sla._calendar import _aware
from ticketcore.sla._cycles import _Point
from ticketcore.sla._machine import _Machine
from ticketcore.sla._points import _all_points, _due_points, _due_reals, _earliest, _pending, _suspicious
from ticketcore.sla._policy import SLAPolicies
from ticketcore.sla._reading import _result, _summary
from ticketcore.sla._results import SLAResult, SLASummary
from ticketcore.sla._state import ClockCheckpoint, _read_state, _state_dict

__all__ = ["SLAClock"]

_STALE: Final = -1  # SLAClock._soon once the next deadline must be computed again


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
    ...     ladder=[Level(action=Notify("lead"), fraction=0.5)])])])
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
            InvalidInput: a bad event (another ticket, an instant outside 1900 to 2999,
                ...); `ticketcore.OutOfOrder` (one of them) for an event earlier than
                the ticket's previous one.
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
            soon = self._soon = _earliest(machine, self._fired)
        fired, breached = self._fired, self._breached
        alerts: tuple[Alert, ...] = ()
        # Nothing falls due before the event unless the next deadline is at it or earlier
        # (a breach is reported one microsecond before it is observed).
        if soon is not None and soon <= at:
            due = self._select(at - 1, reported=True)
            if due:
                alerts = _make_alerts(machine, due)  # as the state before the event says
                self._commit(due)  # the fired set only, which folding the event does not read
        kept = len(machine.events)
        try:
            machine.fold(event, at)
            self._soon = _STALE
            # Fails here, not later, if a point cannot be computed.
            self._soon = _earliest(machine, self._fired)
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
        undone = _undone_breaches(self._machine, self._breached, at)
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
            real = self._soon = _earliest(self._machine, self._fired)
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
            real = self._soon = _earliest(self._machine, self._fired)
        return real

    def advance(self, now: datetime) -> tuple[Alert, ...]:
        """The alerts that fell due at or before ``now`` and were not reported yet, in order."""
        real = to_real(_aware(now, "now"))
        if self._machine.ticket is None:
            return ()
        due = self._select(real, reported=False)
        if not due:
            return ()
        alerts = _make_alerts(self._machine, due)
        self._commit(due)
        return alerts

    def result(self, now: datetime) -> SLAResult:
        """The ticket's SLA at ``now``; equal to `evaluate` over the same events."""
        return _result(self._machine, now)

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
        return ClockCheckpoint(events=len(self._machine.events), fired=self._fired, breached=self._breached)

    def _checkpoint(self) -> tuple[int, frozenset[tuple[object, ...]], frozenset[tuple[object, ...]]]:
        """`checkpoint` as a plain tuple, for `ticketcore.desk.Desk` (which keeps it for one call)."""
        return len(self._machine.events), self._fired, self._breached

    def _rollback(
        self, checkpoint: tuple[int, frozenset[tuple[object, ...]], frozenset[tuple[object, ...]]]
    ) -> None:
        """`restore` from a `_checkpoint` of this clock."""
        events, fired, breached = checkpoint
        self.restore(ClockCheckpoint(events=events, fired=fired, breached=breached))

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
        return {name: None if real is None else dt(real) for name, real in _due_reals(self._machine)}

    def _dt(self, real: int) -> datetime:
        """A real instant as the clock reports it (in its calendar's zone)."""
        return self._machine.basis.dt(real)

    def to_dict(self) -> dict[str, Any]:
        """The clock's state as a JSON-compatible dict: the ticket's events and the alerts reported.

        `from_dict` with the same policies rebuilds an equal clock (it folds the events
        again, so a stored clock always follows the current release's rules).
        """
        return _state_dict(self._machine, self._fired, self._breached)

    @classmethod
    def from_dict(cls, policies: SLAPolicies, data: object, path: str = "clock") -> SLAClock:
        """Rebuild a clock from `to_dict`'s output and the same policies; an error names the path."""
        d = check_keys(data, path, ("events", "fired", "breached"), ("events",))
        clock = cls(policies)
        clock._fired, clock._breached = _read_state(clock._machine, d, path)
        clock._soon = _STALE
        return clock

    # -- the points, for the tests (see `ticketcore.sla._points`) ---------------------

    def _pending(self) -> list[_Point]:
        """The points not reported yet, whether or not they fell due."""
        return _pending(self._machine, self._fired)

    def _all_points(self) -> list[_Point]:
        """Every point of the current state, reported or not."""
        return _all_points(self._machine)

    def _suspicious(self) -> list[_Point]:
        """The points of the suspicious pauses."""
        return _suspicious(self._machine)

    def _select(self, upto: int, *, reported: bool) -> list[_Point]:
        """The pending points due by ``upto``, in the order of their reported instants.

        By the instant they are observed (``advance``), or by the instant they are reported
        (``handle``: the alerts that fell due strictly before an event, which for a breach
        means observed at the event's instant at the latest).
        """
        soonest = self._next_real()
        if soonest is None or soonest > upto + 1:
            return []  # a point is reported at most one microsecond before it is observed
        return _due_points(self._machine, self._fired, upto, reported=reported)

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

        The next deadline as an instant (`_next_real`), the due times as
        ``(target, real instant or None)`` pairs in the policy's order
        (`ticketcore.sla._points._due_reals`) when ``due`` (else ``()``), and the zone the
        clock reports instants in.
        """
        return self._next_real(), _due_reals(self._machine) if due else (), self._machine.basis.zone
