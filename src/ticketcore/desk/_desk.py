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

This module's one job is the `Desk` itself and the events it takes (`handle`, `adopt`,
`advance`); the desk's other jobs are the classes it stacks on, one module each (see
``_part``): deadlines, backlog feed, stored state, and the escalation loop (``_run``).
It may import the standard library, ``ticketcore._errors``, ``_instant``, ``_ticket``
and ``_util``, public names of other subpackages, and every other desk module.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput, InvalidTransition, OutOfOrder
from ticketcore._instant import REAL_EPOCH as _EPOCH
from ticketcore._instant import US as _US
from ticketcore._instant import earlier, to_real
from ticketcore._ticket import Status, Ticket
from ticketcore._util import check_depth, check_keys, read_bool
from ticketcore.assign import Dispatcher, DispatcherEvent, Strategy, TicketEscalated, TicketTransferred
from ticketcore.backlog import BacklogTracker
from ticketcore.desk._config import NO_STRATEGIES, DeskConfig
from ticketcore.desk._feed import _NOTES_ONLY
from ticketcore.desk._outcome import DueMove, Outcome, RawNotification, make_outcome
from ticketcore.desk._part import _CHANGED, _FIRED, SHARED_IDS, _Part
from ticketcore.desk._run import _Run
from ticketcore.desk._state import _known_strategies, _StateConversion
from ticketcore.events import (
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla import Alert, Notify, SLAClock

__all__ = ["Desk"]

#: Ticket events that carry a priority the desk checks against its scale.
_PRIORITY_EVENTS: Final = frozenset({TicketCreated, TicketUpdated})


class Desk(_StateConversion):
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
        self._parts = {}
        self._heap = []  # see `_part._Fields` for what each field holds
        self._scheduled = {}
        self._top = None
        self._now = None
        self._shared_ids = deque(maxlen=SHARED_IDS)
        self._tracker = BacklogTracker(config.backlog) if config.backlog is not None else None
        self._sealed = None

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
        routing_at = at if now is None or earlier(now, at) else now
        clock = part.clock
        alerts: tuple[Alert, ...] = ()
        counted: Any = None  # what the backlog tracker counts, checked before anything changes
        tracker = self._tracker
        if tracker is not None and kind not in _NOTES_ONLY:  # the tracker counts nothing for those
            # Most events are not before the seal nor the ticket's last counted instant:
            # `_clamp` would return them as they are.
            sealed = self._sealed
            if type(event) is TicketCreated:
                fresh = sealed is None or not earlier(event.ticket.created, sealed)
                counted = event if fresh else self._clamp(None, event)
                tracker.check(counted)
            elif part.tracked is not None:
                fresh = not earlier(at, part.tracked) and (sealed is None or not earlier(at, sealed))
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
            if last is not None and earlier(at, last):
                raise OutOfOrder("at", f"an instant at or after the previous event ({last.isoformat()})", at)
            decisions = dispatcher.handle(event, at=routing_at)  # atomic by itself
            part.last = at
        elif kind in _NOTES_ONLY:
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
        routing_at = at if self._now is None or earlier(self._now, at) else self._now
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
        given: object = history
        if isinstance(given, str | bytes) or not isinstance(given, Iterable):
            raise InvalidInput("history", "a list of the ticket's events", history)
        events = list(history) or [TicketCreated(ticket=attrs.evolve(ticket, assignee=None))]
        if not isinstance(events[0], TicketCreated) or events[0].ticket_id != ticket.id:
            raise InvalidInput("history[0]", f"the TicketCreated of {ticket.id!r}", events[0])
        last = max((e.at for e in events), key=to_real)  # instants, not wall times (a repeated hour)
        when = at if at is not None else max(last, self._now, key=to_real) if self._now is not None else last
        if self._now is not None and earlier(when, self._now):
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
        if self._now is None or earlier(self._now, now):
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

    # -- state (see `_state`) ----------------------------------------------------------

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
            desk = cls(config, due_changes=due_changes)
            desk._restore(shared, tickets, known)
            return desk
