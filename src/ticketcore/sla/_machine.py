"""The per-ticket SLA state machine: validate an event, then fold it into the targets' tracks.

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
which the point falls: one calendar ``add`` (`ticketcore.sla._cycles`).

Goals are looked up when results are computed, from the priority a cycle carries. A
priority change with the default "recompute" moves that priority onto the running
cycle, so the new goal applies from the original start (and can breach at once);
with "restart" the running cycle is cancelled and a new one starts at the change.

`evaluate` (the pure function, `ticketcore.sla._reading`) runs a fresh machine over the
whole history and reads the results at ``now``. `SLAClock` (`ticketcore.sla._clock`)
keeps one machine per ticket and adds the record of which alerts have fired, so that
each ladder level, breach and suspicious pause is reported exactly once. They share
every line of the logic, so they cannot disagree.

Imports: `ticketcore.sla._cycles` and the policy, calendar and event values; nothing
that reads a machine (results, points, alerts, the clock) is imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ticketcore._errors import HorizonExceeded, InvalidInput, OutOfOrder
from ticketcore._instant import US as _US
from ticketcore._instant import to_real
from ticketcore._ticket import Status, Ticket
from ticketcore._util import check_in_range
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla._calendar import _MAX_REAL, _MIN_REAL, BusinessCalendar
from ticketcore.sla._cycles import _Basis, _beyond, _Cycle, _Track
from ticketcore.sla._policy import SLAPolicies, SLAPolicy
from ticketcore.sla._target import Metric

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
            raise OutOfOrder(
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
            if event.public and not (self.by_agent and not self.replied and t == self.created):  # type: ignore[attr-defined]  # an AgentReply: `kind is` does not narrow, isinstance would cost on this hot path
                self._reply(t)
        elif kind is StatusChanged:
            self._status(event.status, t)  # type: ignore[attr-defined]  # a StatusChanged, as above
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


_NO_POLICIES: Final = SLAPolicies(())
