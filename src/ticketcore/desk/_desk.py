"""The desk: one sans-I/O object a helpdesk embeds.

Theory of operation
-------------------
A `Desk` owns a `ticketcore.assign.Dispatcher` (who gets each ticket), one
`ticketcore.sla.SLAClock` per open ticket (when its targets fall due) and the
escalation loop between them. The host feeds it events (`Desk.handle`) and the time
(`Desk.advance`), asks it when to wake up (`Desk.next_deadline`), and gets back one
`Outcome` per call: what to store, whom to notify, what was decided and why.

Rules, in the order `handle` applies them:

1. *Idempotence.* An event may carry the host's id (``event_id``). An id the desk
   has already applied for that ticket (or, for an agent or routing event, among the
   last `SHARED_IDS` such ids) returns an empty outcome with ``duplicate`` set.
2. *All or nothing.* The ticket's SLA clock applies the event, then the dispatcher;
   each is atomic by itself, and should the dispatcher refuse an event the clock
   accepted, the clock is restored to its checkpoint. A refused event raises a
   `ticketcore.TicketcoreError` and leaves the desk exactly as it was.
3. *Order.* Events of one ticket must come in time order: one earlier than the
   ticket's last event is refused with `ticketcore.OutOfOrder` (the host re-delivers
   it in order), with or without SLA policies (the ticket's SLA clock checks it, or
   without one the desk, from the instant it keeps per ticket). Events of
   different tickets may come late, as they do from several workers or with clock
   skew: a late event's SLA effect is computed at its own instant, so a ticket's SLA
   figures never depend on the order in which other tickets' events arrive, while the
   routing decision it causes is made at the desk's clock (the latest instant seen),
   because agents' loads and presence are only known for now.
4. *The closed loop.* An alert whose ladder level has a routing action is applied in
   the same call: `ticketcore.sla.MoveTier` becomes a
   `ticketcore.assign.TicketEscalated`, `ticketcore.sla.Reassign` a
   `ticketcore.assign.TicketTransferred` and `ticketcore.sla.RaisePriority` a
   `ticketcore.events.TicketUpdated` fed to routing and to the ticket's clock; the
   outcome shows each as an `Escalation`: alert, action, event, decisions. An action
   that cannot apply (already at tier 4, no pool for the next tier, the agent is gone,
   already at the highest priority) is recorded with the reason it was skipped. When
   routing moves a ticket to another tier (an escalation, or a rule naming a tier), the
   ticket's clock takes the new tier as a `ticketcore.events.TicketUpdated` in the
   same call, so a policy that selects on the tier applies.
5. *Deadlines.* Every open ticket's next SLA deadline sits in one heap (stale entries
   are dropped when they reach the top, or all at once when they outnumber the live
   ones, so the heap stays within twice the open tickets), so `advance` costs
   O(log n) per deadline fired and `next_deadline` O(1), whatever the number of open
   tickets.

6. *Backlog figures* (when `DeskConfig.backlog` is set). The desk owns a
   `ticketcore.backlog.BacklogTracker` and feeds it what it applied: each ticket event
   (replies, customer messages and due dates count nothing and are not fed), each
   escalation's event, each `ticketcore.assign.Assigned` decision, and the ticket's final
   `ticketcore.sla.SLAResult` when it closes (`Desk.report` gives the open tickets'
   current results first). A late event is counted at its own instant when the tracker
   allows it, else at the latest instant the tracker already counted for that ticket, or
   at the seal (`Desk.seal`), whichever is later: the tracker never refuses what the desk
   accepts. The tracker lives in memory only (it has no dict form: it keeps per-week sums
   and every solve's duration until sealed), so the stored state leaves it out: a desk
   restored with `from_parts` starts an empty tracker that follows the tickets created
   after the restore, and an adopted ticket is not followed either.

State splits into a small *shared* part (agents, rotation, routing, the clock) and
one part per open ticket (the ticket, where it is, its SLA history or, without SLA
policies, its last event's instant). Each outcome
names the ticket parts it changed, so a host writes one row per touched ticket.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

import attrs

from ticketcore._errors import HorizonExceeded, InvalidInput, InvalidTransition, OutOfOrder, show
from ticketcore._instant import REAL_EPOCH as _EPOCH
from ticketcore._instant import US as _US
from ticketcore._ticket import Status, Ticket
from ticketcore._util import check_depth, check_keys, dump_instant, load_instant, read_bool
from ticketcore.assign import (
    STRATEGY_NAMES,
    Assigned,
    Decision,
    Dispatcher,
    DispatcherEvent,
    ReturnedToPool,
    Strategy,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.backlog import BacklogReport, BacklogTracker
from ticketcore.desk._config import NO_STRATEGIES, DeskConfig
from ticketcore.desk._outcome import (
    DueMove,
    Escalation,
    Notification,
    Outcome,
    RawNotification,
    Zone,
    make_outcome,
)
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla import Action, Alert, MoveTier, Notify, RaisePriority, Reassign, SLAClock

__all__ = ["SHARED_IDS", "STATE_VERSION", "Desk"]

#: The version of the desk's stored state. A release reads the states every earlier
#: release wrote (the migration rule: a new version only adds keys with defaults, or
#: ships a reader for the old shape).
STATE_VERSION: Final = 1

#: Ticket events the dispatcher only notes once the desk has checked the ticket is open and
#: decides them at its clock: it cannot refuse them.
_ROUTING_CANNOT_REFUSE: Final = frozenset({AgentReply, CustomerMessage, DueDateSet})


def _known_strategies(config: DeskConfig, strategies: object) -> Mapping[str, Strategy]:
    """The configuration's pools' strategies of the host's own by name, with ``strategies``.

    The dispatcher checks the names (`ticketcore.assign.strategy_from_dict`); a name given
    both ways must be the same strategy.
    """
    if not isinstance(strategies, Mapping):
        raise InvalidInput(
            "strategies", "a mapping from name to a strategy of your own, as {'mine': Mine()}", strategies
        )
    own: dict[str, Strategy] = {}
    for pool in config.routing.pools:
        name = pool.strategy.to_dict()
        if isinstance(name, str) and name not in STRATEGY_NAMES:  # a Pool refuses a built-in name for its own
            own[name] = pool.strategy
    for name, strategy in strategies.items():
        if name in own and own[name] != strategy:
            raise InvalidInput(
                f"strategies[{show(name)}]",
                "the strategy the configuration's pools name so, or another name",
                strategy,
            )
    return {**own, **strategies}


#: Ticket events that carry a priority the desk checks against its scale.
_PRIORITY_EVENTS: Final = frozenset({TicketCreated, TicketUpdated})

#: Ticket events the backlog tracker counts nothing for: the desk does not feed them.
_NOT_COUNTED: Final = frozenset({AgentReply, CustomerMessage, DueDateSet})

#: How many ids of agent and routing events the desk remembers for idempotence.
SHARED_IDS: Final = 1000


#: Stale heap entries tolerated beyond the live ones before the heap is rebuilt.
_SLACK: Final = 64

#: How a call touched a ticket (see `_Run.touched`).
_ROUTED, _FIRED, _CHANGED = 0, 1, 2


class _Part:
    """What the desk keeps per open ticket besides the dispatcher's record."""

    __slots__ = ("arrival", "clock", "due", "ids", "last", "tracked", "zone")

    def __init__(self, clock: SLAClock | None) -> None:
        self.clock = clock
        self.arrival = 0  # the dispatcher's arrival number: ties in the heap fire in this order
        self.ids: list[str] = []
        # The due times last reported: (target, real instant or None) pairs (see
        # `SLAClock._due_reals`), compared without making datetimes, and their zone.
        self.due: tuple[tuple[str, int | None], ...] = ()
        self.zone: Zone = UTC
        # The latest instant the backlog tracker counted for the ticket; None: not followed.
        self.tracked: datetime | None = None
        # Without an SLA clock (which keeps it), the instant of the ticket's last event, so
        # that an earlier one is refused (rule 3); None before its creation.
        self.last: datetime | None = None


class Desk:
    """One sans-I/O object a helpdesk embeds: routing, SLA clocks and the escalation loop.

    >>> from datetime import datetime, timedelta, timezone
    >>> from ticketcore import Ticket
    >>> from ticketcore.desk import Desk, DeskConfig
    >>> from ticketcore.events import TicketCreated
    >>> config = DeskConfig.from_dict({
    ...     "routing": {"pools": [{"name": "team", "cap": 5}], "default_pool": "team"},
    ...     "agents": [{"id": "ana"}, {"id": "ben"}],
    ...     "sla": {"policies": [{"name": "std", "targets": [
    ...         {"name": "first_response", "metric": "first_response", "goals": {"all": "1h"}}]}]},
    ... })
    >>> desk = Desk(config)
    >>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> out = desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=t0)))
    >>> out.decisions[0].agent_id, out.due[0].after.isoformat(), out.touched
    ('ana', '2026-03-02T10:00:00+00:00', ('T-1',))
    >>> desk.next_deadline().isoformat()  # the first instant past the goal: the breach shows
    '2026-03-02T10:00:00.000001+00:00'
    >>> [a.kind for a in desk.advance(t0 + timedelta(hours=2)).alerts]
    ['breach']
    """

    def __init__(self, config: DeskConfig, *, due_changes: bool = True) -> None:
        """A desk with no tickets yet.

        ``due_changes=False`` leaves `Outcome.due` empty: the desk then does not compute
        every target's due time after each event, which a host that shows no "due by"
        (the simulator) need not pay for. Deadlines, alerts and everything else are the same.
        """
        if not isinstance(config, DeskConfig):
            raise InvalidInput("config", "a ticketcore.desk.DeskConfig", config)
        self._report_due = read_bool(due_changes, "due_changes")
        self._config = config
        self._scale = config.vocabulary.priorities
        self._priorities = frozenset(self._scale)
        self._sla = config.sla if config.sla.policies else None
        self._dispatcher = Dispatcher(config.routing, config.agents, sla=self._sla)
        self._parts: dict[str, _Part] = {}
        # (deadline in microseconds since 0001-01-01 UTC, arrival number, ticket id); an
        # entry is live while it equals the ticket's scheduled deadline in _scheduled.
        # Integers: pushes compare without time zones, and a datetime is made only for
        # the top, when the host asks (kept in _top).
        self._heap: list[tuple[int, int, str]] = []
        self._scheduled: dict[str, int] = {}
        self._top: tuple[int, SLAClock, datetime] | None = None
        self._now: datetime | None = None
        self._shared_ids: deque[str] = deque(maxlen=SHARED_IDS)
        self._tracker = BacklogTracker(config.backlog) if config.backlog is not None else None
        self._sealed: datetime | None = None  # the latest seal given to the tracker

    # -- reading ---------------------------------------------------------------------

    @property
    def config(self) -> DeskConfig:
        """The configuration the desk runs on."""
        return self._config

    @property
    def dispatcher(self) -> Dispatcher:
        """The routing engine (read it; feed events through the desk)."""
        return self._dispatcher

    @property
    def now(self) -> datetime | None:
        """The latest instant the desk has seen (None before the first event)."""
        return self._now

    def tickets(self) -> tuple[str, ...]:
        """The open tickets, in the order they arrived."""
        return tuple(self._parts)

    def clock(self, ticket_id: str) -> SLAClock | None:
        """The SLA clock of an open ticket (None when the desk has no SLA policies)."""
        return self._part(ticket_id, "ticket_id").clock

    def next_deadline(self) -> datetime | None:
        """The earliest instant at which an SLA alert falls due, for the host's one timer."""
        heap = self._heap
        while heap:
            real, _, tid = heap[0]
            if self._scheduled.get(tid) == real:
                clock = self._parts[tid].clock
                assert clock is not None
                top = self._top
                if top is None or top[0] != real or top[1] is not clock:
                    top = self._top = (real, clock, clock._dt(real))  # in the clock's zone
                return top[2]
            heapq.heappop(heap)
        return None

    def report(self, through: datetime | None = None, *, start: date | None = None) -> BacklogReport:
        """The backlog report of the tickets the desk followed (`DeskConfig.backlog`).

        Each open ticket's current SLA result is given to the tracker first, so that
        targets met so far count. ``through`` and ``start`` are those of
        `ticketcore.backlog.BacklogTracker.report`.

        Raises:
            InvalidInput: the configuration has no backlog options, or a bad argument.

        """
        tracker = self._backlog()
        at = self._now
        if at is not None:
            for part in self._parts.values():
                if part.tracked is not None and part.clock is not None:
                    tracker.handle(part.clock.result(at))
        return tracker.report(through, start=start)

    def seal(self, before: datetime) -> None:
        """Let the backlog tracker reduce the weeks that ended before ``before`` (memory stays flat).

        The seal never goes past the desk's clock (it is ``min(before, now)``; nothing
        before the first event), so every event the desk accepts stays countable: one
        earlier than the seal is counted at the seal (rule 6). Reports are unchanged.

        Raises:
            InvalidInput: the configuration has no backlog options, or ``before`` is not
                an aware datetime.

        """
        tracker = self._backlog()
        if not isinstance(before, datetime):
            raise InvalidInput("before", "an aware datetime", before)
        if before.utcoffset() is None:
            raise InvalidInput("before", "an aware datetime", before)
        if self._now is None:
            return
        at = before if before < self._now else self._now
        if self._sealed is None or at > self._sealed:
            tracker.seal(at)
            self._sealed = at

    def _backlog(self) -> BacklogTracker:
        if self._tracker is None:
            raise InvalidInput("config.backlog", "backlog options (the desk keeps no backlog figures)", None)
        return self._tracker

    # -- events ----------------------------------------------------------------------

    def handle(self, event: object) -> Outcome:
        """Apply one event; returns everything it caused (see the module's rules).

        Raises:
            InvalidInput: a bad event value.
            InvalidTransition: an event the state does not allow (an unknown or closed
                ticket, ...); `ticketcore.OutOfOrder`, one of them, for an event
                earlier than the ticket's last one.

        Either way the desk is unchanged.

        """
        if isinstance(event, TicketEvent):
            return self._ticket_event(event)
        if isinstance(event, DispatcherEvent):
            return self._dispatcher_event(event, getattr(event, "event_id", None))
        raise InvalidInput("event", "a ticket event or a dispatcher event", event)

    def _ticket_event(self, event: TicketEvent) -> Outcome:
        kind = type(event)
        if kind in _PRIORITY_EVENTS:
            self._check_priority(event)
        event_id: str | None = getattr(event, "event_id", None)
        tid = event.ticket_id
        part = self._parts.get(tid)
        created = isinstance(event, TicketCreated)
        if created:
            if part is not None:
                if event_id is not None and event_id in part.ids:
                    return Outcome(event_id=event_id, duplicate=True)
                raise InvalidTransition("ticket.id", "an id no open ticket has", tid)
            part = _Part(SLAClock(self._sla) if self._sla is not None else None)
        elif part is None:
            raise InvalidTransition("ticket_id", "an open ticket of the desk", tid)
        elif event_id is not None and event_id in part.ids:
            return Outcome(event_id=event_id, duplicate=True)
        at = event.at
        now = self._now
        routing_at = at if now is None or at > now else now
        clock = part.clock
        alerts: tuple[Alert, ...] = ()
        counted: Any = None  # what the backlog tracker counts, checked before anything changes
        tracker = self._tracker
        if tracker is not None and kind not in _NOT_COUNTED:
            # Most events are not before the seal nor the ticket's last counted instant:
            # `_clamp` would return them as they are.
            sealed = self._sealed
            if type(event) is TicketCreated:
                fresh = sealed is None or event.ticket.created >= sealed
                counted = event if fresh else self._clamp(None, event)
                tracker.check(counted)
            elif part.tracked is not None:
                fresh = at >= part.tracked and (sealed is None or at >= sealed)
                counted = event if fresh else self._clamp(part, event)
                if kind is TicketUpdated:
                    tracker.check(counted)
        # The shared part holds the desk's clock and the dispatcher's: when either moves,
        # the host must write it (an `advance` moves the desk's clock alone).
        dispatcher = self._dispatcher
        moved = routing_at != now or routing_at != dispatcher.now
        if clock is None:
            # The order check the ticket's SLA clock makes otherwise (rule 3).
            last = part.last
            if last is not None and at < last:
                raise OutOfOrder("at", f"an instant at or after the previous event ({last.isoformat()})", at)
            decisions = dispatcher.handle(event, at=routing_at)  # atomic by itself
            part.last = at
        elif kind in _ROUTING_CANNOT_REFUSE:
            # The dispatcher only notes these (the desk checked the ticket and the time):
            # no checkpoint is needed.
            alerts = clock.handle(event)
            decisions = dispatcher.handle(event, at=routing_at)
        else:
            checkpoint = clock._checkpoint()
            alerts = clock.handle(event)  # atomic by itself
            try:
                decisions = dispatcher.handle(event, at=routing_at)  # atomic by itself
            except BaseException:
                clock._rollback(checkpoint)
                raise
        if created:
            part.arrival = dispatcher.arrival(tid)
            self._parts[tid] = part
        if event_id is not None:
            part.ids.append(event_id)
        self._now = routing_at
        closed = isinstance(event, StatusChanged) and event.status is Status.CLOSED
        if counted is not None and tracker is not None:  # (counted is set only with a tracker)
            if closed and clock is not None:  # its final SLA result, before the tracker forgets it
                tracker.handle(clock.result(at))
            tracker.handle(counted)
            part.tracked = counted.at
            if decisions:
                self._count_decisions(decisions)
        if not decisions and not closed:
            # The common case, without a run: only this ticket's part changed, and no alert
            # has a routing action (what `_Run` would build, in the same order).
            notes: list[RawNotification] | tuple[()] = ()
            for alert in alerts:
                action = alert.action
                if action is not None:
                    if not isinstance(action, Notify):
                        break  # the closed loop: a run
                    if not notes:
                        notes = []
                    notes.append((tid, alert))  # made into a `Notification` if the host reads it
            else:
                due: list[DueMove] | tuple[()] = ()
                if clock is not None:
                    move = self._settle(tid, part, clock)
                    if move is not None:
                        due = [move]  # made into `DueChange` values if the host reads them
                return make_outcome(event_id, (), alerts, (), due, notes, (tid,), (), moved)
        run = _Run(self)
        run.shared = moved
        run.decisions.extend(decisions)
        run.touch(tid, _CHANGED)
        for d in decisions:
            run.touch(d.ticket_id)
        if closed:
            run.close(tid)  # before its alerts: their actions find the ticket closed
        run.fire(tid, alerts)
        return run.outcome(event_id)

    def _dispatcher_event(self, event: DispatcherEvent, event_id: str | None) -> Outcome:
        if event_id is not None and event_id in self._shared_ids:
            return Outcome(event_id=event_id, duplicate=True)
        at = event.at
        routing_at = at if self._now is None or at > self._now else self._now
        if isinstance(event, TicketTransferred | TicketEscalated):
            self._part(event.ticket_id, "ticket_id")
        decisions = self._dispatcher.handle(event, at=routing_at)
        if event_id is not None:
            self._shared_ids.append(event_id)
        self._now = routing_at
        if self._tracker is not None:
            if isinstance(event, TicketTransferred | TicketEscalated):
                part = self._parts[event.ticket_id]
                if part.tracked is not None:
                    counted = self._clamp(part, event)
                    self._count(part, counted, counted.at)
            self._count_decisions(decisions)
        run = _Run(self)
        run.shared = True
        run.decisions.extend(decisions)
        for d in decisions:
            run.touch(d.ticket_id)
        return run.outcome(event_id)

    def adopt(
        self, ticket: Ticket, history: Sequence[TicketEvent] = (), *, at: datetime | None = None
    ) -> Outcome:
        """Take over an open ticket from an existing helpdesk, without replaying the desk's past.

        ``ticket`` is the ticket as it is now: its ``assignee`` keeps it (and counts toward
        their load when its status counts), its ``status`` and fields as they are; a ticket
        with no assignee is routed now. ``history`` is the ticket's own events, from its
        `ticketcore.events.TicketCreated` on, in order: its SLA clock is rebuilt from them
        (none: the clock starts from ``ticket`` at its creation). Alerts that fell due
        before ``at`` (default: the desk's clock, or the last event of the history) count
        as reported and are not returned. Adopt tickets in the order they were assigned,
        so that rotation and idle time go on where the old helpdesk left them.

        Raises:
            InvalidTransition: the id is in use; `ticketcore.OutOfOrder` (one of them)
                if ``at`` is before the desk's clock.
            InvalidInput: a bad ticket or history (named by field); the desk is unchanged.

        """
        if not isinstance(ticket, Ticket):
            raise InvalidInput("ticket", "a ticketcore.Ticket", ticket)
        if ticket.id in self._parts:
            raise InvalidTransition("ticket.id", "an id no open ticket has", ticket.id)
        if ticket.status is Status.CLOSED:
            raise InvalidInput(
                "ticket.status", "an open ticket (a closed one has nothing to adopt)", "closed"
            )
        if ticket.priority not in self._scale:
            self._scale.parse(ticket.priority, "ticket.priority")
        events = list(history) or [TicketCreated(ticket=attrs.evolve(ticket, assignee=None))]
        if not isinstance(events[0], TicketCreated) or events[0].ticket_id != ticket.id:
            raise InvalidInput("history[0]", f"the TicketCreated of {ticket.id!r}", events[0])
        last = max(e.at for e in events)
        when = at if at is not None else max(last, self._now) if self._now is not None else last
        if self._now is not None and when < self._now:
            raise OutOfOrder("at", f"an instant at or after the desk's clock ({self._now.isoformat()})", when)
        part = _Part(SLAClock(self._sla) if self._sla is not None else None)
        if part.clock is not None:
            for i, event in enumerate(events):
                if getattr(event, "ticket_id", None) != ticket.id:
                    raise InvalidInput(
                        f"history[{i}].ticket_id", repr(ticket.id), getattr(event, "ticket_id", None)
                    )
                part.clock.handle(event)
            part.clock.advance(when)  # what fell due in the old helpdesk's time is history
        else:
            part.last = last
        decisions = self._dispatcher.handle(TicketCreated(ticket=ticket), at=when)
        part.arrival = self._dispatcher.arrival(ticket.id)
        self._parts[ticket.id] = part
        self._now = when
        run = _Run(self)
        run.decisions.extend(decisions)
        run.touch(ticket.id, _CHANGED)
        run.shared = True
        return run.outcome(None)

    def advance(self, now: datetime) -> Outcome:
        """Fire every SLA deadline at or before ``now``, across all open tickets.

        Costs O(log n) per deadline fired. A ``now`` earlier than the desk's clock fires
        nothing that is not due by then.
        """
        if not isinstance(now, datetime):
            raise InvalidInput("now", "an aware datetime", now)
        if now.utcoffset() is None:
            raise InvalidInput("now", "an aware datetime", now)
        real_now = (now - _EPOCH) // _US
        run = _Run(self)
        heap = self._heap
        while heap and heap[0][0] <= real_now:
            at, _, tid = heapq.heappop(heap)
            if self._scheduled.get(tid) != at:
                continue
            del self._scheduled[tid]
            part = self._parts[tid]
            assert part.clock is not None
            run.touch(tid, _FIRED)
            run.fire(tid, part.clock.advance(now), when=now)
        if self._now is None or now > self._now:
            self._now = now
            run.shared = True
        return run.outcome(None)

    # -- helpers -----------------------------------------------------------------------

    def _check_priority(self, event: TicketEvent) -> None:
        """Refuse a ticket priority that is not on the desk's scale (its vocabulary's priorities)."""
        priority: object
        if isinstance(event, TicketCreated):
            field, priority = "ticket.priority", event.ticket.priority
        else:
            assert isinstance(event, TicketUpdated)
            field, priority = "changes.priority", dict(event.changes).get("priority")
            if priority is None:
                return
        if priority not in self._priorities:
            self._scale.parse(priority, field)  # raises, listing the scale's names

    def _clamp(self, part: _Part | None, event: Any) -> Any:
        """``event`` as the tracker counts it: not before the ticket's last counted instant nor the seal."""
        floor = self._sealed
        if part is None:  # a creation
            if floor is not None and event.ticket.created < floor:
                return attrs.evolve(event, ticket=attrs.evolve(event.ticket, created=floor))
            return event
        if floor is None or (part.tracked is not None and part.tracked > floor):
            floor = part.tracked
        if floor is not None and event.at < floor:
            return attrs.evolve(event, at=floor)
        return event

    def _count(self, part: _Part, item: Any, at: datetime | None) -> None:
        """Give the tracker one checked (or unrefusable) item of a followed ticket counted ``at``."""
        self._tracker.handle(item)  # type: ignore[union-attr]  # only called with a tracker
        if at is not None:
            part.tracked = at

    def _count_decisions(self, decisions: Iterable[Decision]) -> None:
        """The tracker counts the assignments (the new assignee) of the tickets it follows."""
        for decision in decisions:
            if type(decision) is Assigned:
                part = self._parts.get(decision.ticket_id)
                if part is not None and part.tracked is not None:
                    counted = self._clamp(part, decision)
                    self._count(part, counted, counted.at)

    def _part(self, ticket_id: str, field: str) -> _Part:
        part = self._parts.get(ticket_id)
        if part is None:
            raise InvalidTransition(field, "an open ticket of the desk", ticket_id)
        return part

    def _settle(self, ticket_id: str, part: _Part, clock: SLAClock) -> DueMove | None:
        """After the ticket's clock handled an event: re-arm its deadline; how its due times moved.

        None when they did not move or the desk does not report them (``due_changes``).
        The move stays raw (integers): `Outcome.due` makes the values if a host reads it.
        """
        soonest, now_due, zone = clock._desk_view(self._report_due)
        self._arm(ticket_id, part, soonest)
        before = part.due
        if now_due == before:
            return None
        part.due = now_due
        was_zone, part.zone = part.zone, zone
        return (ticket_id, before, was_zone, now_due, zone)

    def _schedule(self, ticket_id: str, part: _Part) -> None:
        """Put an open ticket's next deadline in the heap (after its clock moved)."""
        assert part.clock is not None
        self._arm(ticket_id, part, part.clock._next_real())

    def _arm(self, ticket_id: str, part: _Part, due: int | None) -> None:
        """Make ``due`` (an instant; None: nothing pending) the ticket's deadline in the heap."""
        if due is None:
            self._scheduled.pop(ticket_id, None)
            return
        scheduled = self._scheduled
        if scheduled.get(ticket_id) != due:
            scheduled[ticket_id] = due
            # Ties fire in arrival order, which a restored desk knows too.
            heapq.heappush(self._heap, (due, part.arrival, ticket_id))
            if len(self._heap) > 2 * len(scheduled) + _SLACK:
                # Mostly stale entries (deadlines that moved): drop them, so that the heap
                # stays within twice the open tickets, at O(1) amortised per push.
                heap = self._heap
                heap[:] = {e[2]: e for e in heap if scheduled.get(e[2]) == e[0]}.values()
                heapq.heapify(heap)

    # -- state -------------------------------------------------------------------------

    def shared_state(self) -> dict[str, Any]:
        """The part of the state that is not any one ticket's, as a JSON-compatible dict."""
        return {
            "version": STATE_VERSION,
            "dispatcher": self._dispatcher.shared_state(),
            "now": None if self._now is None else dump_instant(self._now),
            "ids": list(self._shared_ids),
        }

    def ticket_state(self, ticket_id: str) -> dict[str, Any]:
        """One open ticket's part of the state, as a JSON-compatible dict (one row for a host)."""
        part = self._part(ticket_id, "ticket_id")
        with self._config.vocabulary.active():  # a ticket's dict form leaves out the scale's default
            out: dict[str, Any] = {"dispatcher": self._dispatcher.ticket_state(ticket_id)}
            if part.clock is not None:
                out["sla"] = part.clock.to_dict()
            elif part.last is not None:
                out["last"] = dump_instant(part.last)
        if part.ids:
            out["ids"] = list(part.ids)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The whole state: the shared part and every open ticket's part, in arrival order."""
        with self._config.vocabulary.active():
            return {"shared": self.shared_state(), "tickets": [self.ticket_state(t) for t in self._parts]}

    @classmethod
    def from_dict(
        cls,
        config: DeskConfig,
        data: object,
        *,
        due_changes: bool = True,
        strategies: Mapping[str, Strategy] = NO_STRATEGIES,
    ) -> Desk:
        """Restore a desk from `to_dict`'s output and the same configuration.

        ``due_changes``: see `Desk`; ``strategies``: see `from_parts`.
        """
        check_depth(data, "state")
        d = check_keys(data, "state", ("shared", "tickets"), ("shared", "tickets"))
        tickets = d["tickets"]
        if not isinstance(tickets, list):
            raise InvalidInput("state.tickets", "a list of ticket parts", tickets)
        return cls.from_parts(config, d["shared"], tickets, due_changes=due_changes, strategies=strategies)

    @classmethod
    def from_parts(
        cls,
        config: DeskConfig,
        shared: object,
        tickets: Iterable[object],
        *,
        due_changes: bool = True,
        strategies: Mapping[str, Strategy] = NO_STRATEGIES,
    ) -> Desk:
        """Restore a desk from its shared part and its ticket parts (the rows a host stored).

        The parts are read in the configuration's vocabulary (its priorities). The backlog
        tracker is not part of the stored state: a restored desk's tracker starts empty
        and follows the tickets created from now on. The strategies of your own that the
        configuration's pools hold are known by name; ``strategies`` adds others (say, of
        a routing a `RoutingChanged` brought in), as in ``strategies={"mine": Mine()}``.
        """
        if not isinstance(config, DeskConfig):
            raise InvalidInput("config", "a ticketcore.desk.DeskConfig", config)
        known = _known_strategies(config, strategies)
        with config.vocabulary.active():
            return cls._from_parts(config, shared, tickets, due_changes=due_changes, strategies=known)

    @classmethod
    def _from_parts(
        cls,
        config: DeskConfig,
        shared: object,
        tickets: Iterable[object],
        *,
        due_changes: bool,
        strategies: Mapping[str, Strategy],
    ) -> Desk:
        desk = cls(config, due_changes=due_changes)
        s = check_keys(shared, "shared", ("version", "dispatcher", "now", "ids"), ("version", "dispatcher"))
        if type(s["version"]) is not int or not 1 <= s["version"] <= STATE_VERSION:
            raise InvalidInput("shared.version", f"a state version from 1 to {STATE_VERSION}", s["version"])
        rows: list[Mapping[str, Any]] = []
        for i, item in enumerate(tickets):
            rows.append(
                check_keys(item, f"tickets[{i}]", ("dispatcher", "sla", "ids", "last"), ("dispatcher",))
            )
        desk._dispatcher = Dispatcher.from_parts(
            s["dispatcher"], [r["dispatcher"] for r in rows], sla=desk._sla, strategies=strategies
        )
        desk._now = None if s.get("now") is None else load_instant(s["now"], "shared.now")
        ids = s.get("ids", [])
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise InvalidInput("shared.ids", "a list of event ids", ids)
        desk._shared_ids.extend(ids)
        by_id = {row["dispatcher"]["ticket"]["id"]: row for row in rows}  # the dispatcher checked them
        for tid in desk._dispatcher.tickets():
            row = by_id[tid]
            clock = None
            if desk._sla is not None:
                if "sla" not in row:
                    raise InvalidInput(f"tickets[{tid!r}].sla", "the ticket's SLA clock state")
                clock = SLAClock.from_dict(desk._sla, row["sla"])
            part = _Part(clock)
            part.arrival = desk._dispatcher.arrival(tid)
            ids = row.get("ids", [])
            if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
                raise InvalidInput(f"tickets[{tid!r}].ids", "a list of event ids", ids)
            part.ids = list(ids)
            if clock is None:
                # A row written before the desk kept it: the ticket's creation is its last event.
                last = row.get("last")
                part.last = (
                    desk._dispatcher.ticket(tid).created
                    if last is None
                    else load_instant(last, f"tickets[{tid!r}].last")
                )
            if clock is not None and desk._report_due:
                _, part.due, part.zone = clock._desk_view(due=True)
            desk._parts[tid] = part
            if clock is not None:
                desk._schedule(tid, part)
        return desk


class _Run:
    """The outcome of one call as it is built, and the escalation loop."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.decisions: list[Decision] = []
        self.alerts: list[Alert] = []
        self.escalations: list[Escalation] = []
        self.notifications: list[RawNotification] = []  # made if the host reads them
        # Ticket id -> how its SLA clock moved: _CHANGED (it handled an event: due times
        # and deadline are computed again), _FIRED (alerts fired: the deadline) or
        # _ROUTED (only routing touched the ticket: both stay as they are).
        self.touched: dict[str, int] = {}
        self.removed: list[str] = []
        self.shared = False

    def touch(self, ticket_id: str, how: int = _ROUTED) -> None:
        self.touched[ticket_id] = max(how, self.touched.get(ticket_id, _ROUTED))

    def close(self, ticket_id: str) -> None:
        self.desk._parts.pop(ticket_id, None)
        self.desk._scheduled.pop(ticket_id, None)
        self.touched.pop(ticket_id, None)
        self.removed.append(ticket_id)

    def fire(self, ticket_id: str, alerts: Iterable[Alert], when: datetime | None = None) -> None:
        """Record alerts and apply their routing actions (the closed loop)."""
        for alert in alerts:
            self.alerts.append(alert)
            action = alert.action
            if action is None:
                continue
            at = alert.due if when is None else when
            if self.desk._now is not None and at < self.desk._now:
                at = self.desk._now
            if isinstance(action, Notify):
                self.notifications.append((ticket_id, alert))
                continue
            self.escalations.append(self._apply(ticket_id, alert, at))

    def _apply(self, ticket_id: str, alert: Alert, at: datetime) -> Escalation:
        """Apply a ladder action to routing (and to the clock for a priority): the loop closes here."""
        desk = self.desk
        action = alert.action
        assert action is not None
        applied = self._translate(ticket_id, action, f"SLA {alert.target} {alert.kind}", at)
        if isinstance(applied, str):
            return Escalation(alert=alert, action=action, applied=None, decisions=(), skipped=applied)
        decisions = desk._dispatcher.handle(applied, at=at)
        part = desk._parts[ticket_id]
        if desk._tracker is not None:
            if part.tracked is not None:
                counted = desk._clamp(part, applied)
                desk._count(part, counted, counted.at)
            desk._count_decisions(decisions)
        if isinstance(applied, TicketUpdated) and part.clock is not None:
            self.touch(ticket_id, _CHANGED)
            self.fire(ticket_id, part.clock.handle(applied), when=at)
        self.decisions.extend(decisions)
        for d in decisions:
            self.touch(d.ticket_id)
        if isinstance(applied, TicketTransferred):
            self.notifications.append(
                Notification(
                    to=applied.to_agent, why="reassigned", ticket_id=ticket_id, at=at, text=applied.by or ""
                )
            )
        return Escalation(
            alert=alert, action=action, applied=applied, decisions=tuple(decisions), skipped=None
        )

    def _translate(  # noqa: PLR0911 - one answer per action and per reason to skip it
        self, ticket_id: str, action: Action, why: str, at: datetime
    ) -> object:
        """The event that carries out ``action`` now, or the reason (a str) it cannot apply."""
        desk = self.desk
        if ticket_id not in desk._parts:
            return "ticket closed"
        ticket = desk._dispatcher.ticket(ticket_id)
        if ticket.status.is_resolved:
            return "ticket resolved"
        if isinstance(action, MoveTier):
            to = ticket.tier + 1 if action.to is None else action.to
            if to <= ticket.tier or to > 4:
                return f"already at tier {ticket.tier}"
            if desk._dispatcher.routing.tier_pool(to) is None:
                return f"no pool for tier {to}"
            return TicketEscalated(at=at, ticket_id=ticket_id, to_tier=to, reason=why)
        if isinstance(action, Reassign):
            if action.to not in {a.id for a in desk._dispatcher.agents}:
                return f"no agent {action.to!r}"
            if desk._dispatcher.place(ticket_id) == ("assigned", action.to):
                return f"already with {action.to!r}"
            return TicketTransferred(at=at, ticket_id=ticket_id, to_agent=action.to, by=why)
        assert isinstance(action, RaisePriority)  # Notify never reaches here
        to_priority = action.to or desk._scale.above(ticket.priority)
        if to_priority is None or to_priority <= ticket.priority:
            return f"priority already {ticket.priority.value}"
        return TicketUpdated(ticket_id=ticket_id, at=at, changes={"priority": to_priority})

    def sync_tiers(self) -> None:
        """Feed routing's tier changes to the tickets' SLA clocks (a policy may select on the tier).

        Routing moves a ticket to another tier when it escalates it (a tag, a
        `ticketcore.assign.TicketEscalated`, a ladder's `ticketcore.sla.MoveTier`) or when
        a rule names a tier; every such change comes with a decision about the ticket, so
        only the tickets of this call's decisions are compared. The clock takes the change
        as a `ticketcore.events.TicketUpdated` at the decision's instant, and its alerts
        go through the closed loop like any other (which may decide again: the loop runs
        until the decisions are used up).
        """
        desk = self.desk
        decisions = self.decisions
        refused: set[tuple[str, int]] = set()
        i = 0
        while i < len(decisions):
            decision = decisions[i]
            i += 1
            part = desk._parts.get(decision.ticket_id)
            if part is None or part.clock is None:
                continue
            seen = part.clock.ticket
            tier = desk._dispatcher.tier(decision.ticket_id)
            tid = decision.ticket_id
            if seen is None or seen.tier == tier or (tid, tier) in refused:
                continue
            at = decision.at
            update = TicketUpdated(ticket_id=tid, at=at, changes={"tier": tier})
            try:
                alerts = part.clock.handle(update)  # atomic by itself
            except HorizonExceeded as e:
                # Routing has already moved the ticket; its clock keeps the policy of its old
                # tier, and the host is told (the only way this call can still end whole).
                refused.add((tid, tier))
                self.notifications.append(
                    Notification(to="host", why="sla_not_updated", ticket_id=tid, at=at, text=str(e))
                )
                continue
            self.touch(tid, _CHANGED)
            self.fire(tid, alerts, when=at)

    def outcome(self, event_id: str | None) -> Outcome:
        desk = self.desk
        if self.decisions and desk._sla is not None:
            self.sync_tiers()
        due: list[DueMove] = []  # made into `DueChange` values if the host reads them
        for tid, how in self.touched.items():
            part = desk._parts.get(tid)
            if how and part is not None and part.clock is not None:
                if how == _CHANGED:
                    move = desk._settle(tid, part, part.clock)
                    if move is not None:
                        due.append(move)
                else:
                    desk._schedule(tid, part)
        notifications = self.notifications
        for decision in self.decisions:
            if isinstance(decision, Assigned | ReturnedToPool):
                notifications.append(decision)  # the assignee is told (made if read)
        if self.decisions:
            self.shared = True  # loads and rotation moved
        parts = desk._parts
        return make_outcome(
            event_id,
            tuple(self.decisions),
            tuple(self.alerts),
            tuple(self.escalations),
            due if due else (),
            notifications if notifications else (),
            tuple(t for t in self.touched if t in parts),
            tuple(self.removed),
            self.shared,
        )
