"""The incremental way in: a sans-I/O tracker fed ticket events one at a time."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any, Final, Protocol, cast

import attrs

from ticketcore._errors import InvalidInput, InvalidTransition, OutOfOrder
from ticketcore._ticket import Status, Ticket
from ticketcore.assign import Assigned, Decision, DispatcherEvent, TicketEscalated, TicketTransferred
from ticketcore.backlog._ledger import Ledger, Series
from ticketcore.backlog._ledger import Ticket as _Entry
from ticketcore.backlog._options import BacklogOptions
from ticketcore.backlog._records import duration_us, instant, sla_stops, week_of
from ticketcore.backlog._report import BacklogReport, build, quantiles
from ticketcore.backlog._values import _MAX_TS, _MIN_TS, group_value, stamp
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)
from ticketcore.sla import SLAResult

__all__ = ["BacklogTracker"]

_TICKET_FIELDS: Final = frozenset(f.name for f in attrs.fields(Ticket))


def _value(ticket: Ticket, field: str) -> Hashable:
    """The ticket's value of a grouped field, as the report groups it (see `group_value`)."""
    if field in _TICKET_FIELDS:
        value: object = getattr(ticket, field)
    else:
        value = ticket.custom_value(field.removeprefix("custom."))
    if type(value) is str:  # the common case (a channel, a team): what group_value returns
        return value
    return group_value(value, f"ticket.{field}")


class _State(_Entry):
    """One ticket as the tracker follows it: the ledger's entry and the tracker's own facts.

    One object per ticket, and lists made only when needed: a host with a million
    tickets open keeps a million of these, and the cyclic garbage collector visits
    every container object that lives.
    """

    __slots__ = ("escalations", "history", "last", "sla", "ticket", "transfers")

    def __init__(
        self, ticket: Ticket, series: Series, group: tuple[Hashable, ...], at: float, ledger: Ledger
    ) -> None:
        week = ledger.weeks.index(at)
        super().__init__(series, group, at, week, ledger.turns(at, week))
        self.ticket = ticket
        self.last = at
        self.transfers = 0
        self.escalations = 0
        # What was written for the ticket, to write again under a new group:
        # ("solve", ts, duration, transfers, escalations) and ("reopen", ts, 0, 0, 0).
        self.history: list[tuple[str, float, int, int, int]] | None = None
        self.sla: list[tuple[float, str, bool]] = _NO_STOPS

    @property
    def resolved(self) -> bool:
        """Whether the ticket's last lifecycle step is a solve."""
        return self.history is not None and self.history[-1][0] == "solve"


_NO_STOPS: Final[list[tuple[float, str, bool]]] = []


class BacklogTracker:
    """Backlog figures kept up to date event by event, with a report for any week so far.

    Feed it what happens, in each ticket's own time order (tickets may interleave
    freely): `ticketcore.events.TicketCreated`, `~ticketcore.events.StatusChanged` (into
    solved or closed is a solve, out of them a reopen), `~ticketcore.events.TicketUpdated`
    (a change of a grouped field moves the ticket to its new group, history and all),
    `ticketcore.assign.TicketTransferred` and `~ticketcore.assign.TicketEscalated`, the
    dispatcher's `~ticketcore.assign.Assigned` decisions (the new assignee), and each
    ticket's latest `ticketcore.sla.SLAResult` (it replaces the one before). Replies,
    customer messages and due dates count nothing, but like every ticket event they must
    name a ticket the tracker follows, in the ticket's time order; the dispatcher's other
    events and decisions are accepted and change nothing, so a host may feed its whole
    stream. A *closed* ticket is final, as in the dispatcher: the tracker forgets it (its
    figures stay), so memory follows the tickets still open, and a later event for it is
    refused as one for an unknown ticket.

    Each event costs constant time, however long the history; moving a ticket to
    another group costs time in proportion to its own solves and reopens. A report for
    the same history equals what `ticketcore.backlog.backlog_report` gives from records.

    >>> from datetime import datetime, timezone
    >>> from ticketcore import Ticket
    >>> from ticketcore.events import StatusChanged, TicketCreated
    >>> at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> tracker = BacklogTracker(BacklogOptions(by="channel"))
    >>> tracker.handle(TicketCreated(ticket=Ticket(id="T-1", created=at, channel="chat")))
    >>> tracker.handle(StatusChanged(ticket_id="T-1", at=at.replace(hour=10), status="solved"))
    >>> [(r.group, r.created, r.solved, str(r.resolution_median)) for r in tracker.report().rows]
    [((), 1, 1, '1:00:00'), ((('channel', 'chat'),), 1, 1, '1:00:00')]
    """

    def __init__(self, options: BacklogOptions | None = None) -> None:
        options = BacklogOptions() if options is None else options
        if not isinstance(options, BacklogOptions):
            raise InvalidInput("options", "a ticketcore.backlog.BacklogOptions", options)
        self._options = options
        self._ledger = Ledger(options)
        self._tickets: dict[str, _State] = {}
        # Only a breakdown by assignee needs a ticket's assignee kept up to date.
        self._by_assignee = "assignee" in options.by
        self._sealed = -math.inf  # no event before this timestamp may come (see seal)
        # The creation `check` last accepted: (ticket, group, timestamp), which the
        # `handle` that follows (the desk's order) reuses instead of computing them again.
        self._checked: tuple[Ticket, tuple[Hashable, ...], float] | None = None

    @property
    def options(self) -> BacklogOptions:
        """The options the tracker counts with."""
        return self._options

    def __len__(self) -> int:
        """The number of tickets followed: seen created and not closed yet."""
        return len(self._tickets)

    def handle(self, event: object) -> None:
        """Take one event (or decision, or SLA result) into account.

        Raises `InvalidTransition` naming the field for an unknown ticket or a second
        creation, `ticketcore.OutOfOrder` (an `InvalidTransition`) for an event earlier
        than the ticket's previous one (or than the seal),
        and `InvalidInput` for an instant outside 1900 to 2999 or a type it does not know;
        the tracker is then unchanged.
        """
        handler = _HANDLERS.get(type(event)) or _handler(type(event))
        if handler is None:
            raise InvalidInput(
                "event", "a ticket event, a dispatcher event or decision, or an SLAResult", event
            )
        handler(self, event)

    def check(self, event: object) -> None:
        """Raise what `handle` would raise for ``event``, changing nothing.

        A host (or `ticketcore.desk.Desk`) that must stay all-or-nothing across the tracker
        and other engines checks first, applies everything, then calls `handle`.
        """
        if isinstance(event, TicketCreated):
            ticket = event.ticket
            if ticket.id in self._tickets:
                raise InvalidTransition("ticket.id", "an id not created before", ticket.id)
            group = tuple(_value(ticket, f) for f in self._options.by)
            self._checked = (ticket, group, self._unsealed(ticket.created, "ticket.created"))
            return
        handler = _HANDLERS.get(type(event)) or _handler(type(event))
        if handler is None:
            raise InvalidInput(
                "event", "a ticket event, a dispatcher event or decision, or an SLAResult", event
            )
        if isinstance(event, SLAResult):
            if event.ticket_id not in self._tickets:
                raise InvalidTransition("ticket_id", "a ticket the tracker has seen created", event.ticket_id)
        elif handler is not _ignore:
            timed = cast(_Timed, event)  # every event a handler other than `_ignore` takes
            state, _ = self._known(timed.ticket_id, timed.at)
            if isinstance(event, TicketUpdated):
                ticket = event.apply(state.ticket)
                for field in self._options.by:
                    _value(ticket, field)

    def _on_created(self, event: TicketCreated) -> None:
        self._created(event.ticket)

    def _on_status(self, event: StatusChanged) -> None:
        state, ts = self._known(event.ticket_id, event.at)
        if event.status.is_resolved and not state.resolved:
            self._solve(state, ts, event.at)
        elif not event.status.is_resolved and state.resolved:
            self._remember(state, ("reopen", ts, 0, 0, 0))
            self._ledger.reopen(state, ts, 1)
        state.last = ts
        if event.status is Status.CLOSED:  # final: nothing can change it, so forget it
            del self._tickets[event.ticket_id]

    def _on_updated(self, event: TicketUpdated) -> None:
        state, ts = self._known(event.ticket_id, event.at)
        ticket = event.apply(state.ticket)
        self._regroup(state, ticket)
        state.last = ts

    def _on_transferred(self, event: TicketTransferred) -> None:
        state, ts = self._known(event.ticket_id, event.at)
        if self._by_assignee:
            self._regroup(state, attrs.evolve(state.ticket, assignee=event.to_agent))
        state.transfers += 1
        self._counted(state, ts, transfers=1)

    def _on_escalated(self, event: TicketEscalated) -> None:
        state, ts = self._known(event.ticket_id, event.at)
        tier = event.to_tier if event.to_tier is not None else min(4, state.ticket.tier + 1)
        self._regroup(state, attrs.evolve(state.ticket, tier=tier))
        state.escalations += 1
        self._counted(state, ts, escalations=1)

    def _on_assigned(self, event: Assigned) -> None:
        state, ts = self._known(event.ticket_id, event.at)
        if self._by_assignee:
            self._regroup(state, attrs.evolve(state.ticket, assignee=event.agent_id))
        state.last = ts

    def _on_sla(self, event: SLAResult) -> None:
        found = self._tickets.get(event.ticket_id)
        if found is None:
            raise InvalidTransition("ticket_id", "a ticket the tracker has seen created", event.ticket_id)
        self._sla(found, sla_stops(event))

    def _on_talk(self, event: AgentReply | CustomerMessage | DueDateSet) -> None:
        state, ts = self._known(event.ticket_id, event.at)
        state.last = ts

    def seal(self, before: datetime) -> None:
        """Promise that no event dated before ``before`` is to come; free what only those could need.

        The weeks that ended before both ``before`` and the first solve of any ticket
        still followed keep every figure, but their per-solve resolution times (kept for
        exact percentiles) are reduced to the median and 90th percentile, once. A host
        that runs for months, or the simulator, calls it now and then so that memory
        follows the open tickets and the weeks not sealed instead of every solve ever
        made. Reports are the same as without sealing; an event dated before the latest
        ``before`` is refused afterwards.
        """
        ts = stamp(instant(before, "before"), "before")
        if ts <= self._sealed:
            return
        self._sealed = ts
        weeks = self._options._weeks
        limit = weeks.index(ts)
        for state in self._tickets.values():
            for kind, at, *_ in state.history or ():
                if kind == "solve":
                    limit = min(limit, weeks.index(at))
                    break
        self._ledger.seal(limit, quantiles)

    def report(self, through: datetime | None = None, *, start: date | None = None) -> BacklogReport:
        """The report from the first week to the week of ``through`` (default: of the last event).

        With ``start`` (a date or an aware datetime) the rows begin at its week if that is
        later; the weeks before still count for the ratio and the trends.
        """
        last = week_of(self._options, through, "through")
        return build(self._ledger, last, week_of(self._options, start, "start"))

    # -- the steps ----------------------------------------------------------------------

    def _created(self, ticket: Ticket) -> None:
        # Everything that can fail comes first: the ledger is written only after.
        if ticket.id in self._tickets:
            raise InvalidTransition("ticket.id", "an id not created before", ticket.id)
        checked = self._checked
        self._checked = None
        if checked is not None and checked[0] is ticket and checked[2] >= self._sealed:
            # Checked just before (a ticket is immutable, and the seal has not passed it).
            _, group, ts = checked
        else:
            group = tuple(_value(ticket, f) for f in self._options.by)
            ts = self._unsealed(ticket.created, "ticket.created")
        ledger = self._ledger
        duration = None
        if ticket.status.is_resolved:  # imported already solved: solved as it was created
            duration = duration_us(self._options.calendar, ticket.created, ticket.created, ts, ts)
        state = _State(ticket, ledger.series(group), group, ts, ledger)
        ledger.created(state, 1)
        self._tickets[ticket.id] = state
        if duration is not None:
            self._solve(state, ts, ticket.created, duration)

    def _unsealed(self, at: datetime, field: str) -> float:
        """The timestamp of ``at``, refused out of range or earlier than the tracker was sealed at."""
        ts = stamp(at, field)
        if ts < self._sealed:
            raise OutOfOrder(
                field, f"an instant no earlier than the tracker was sealed at ({self._sealed})", at
            )
        return ts

    def _known(self, ticket_id: str, at: datetime) -> tuple[_State, float]:
        state = self._tickets.get(ticket_id)
        if state is not None:
            # The common case in one frame: what `_unsealed` and the order check accept.
            try:
                ts = at.timestamp()
            except (ValueError, OverflowError):
                ts = math.nan
            if _MIN_TS <= ts < _MAX_TS and ts >= self._sealed and ts >= state.last:
                return state, ts
        if state is None:
            raise InvalidTransition("ticket_id", "a ticket the tracker has seen created", ticket_id)
        ts = self._unsealed(at, "at")
        if ts < state.last:
            raise OutOfOrder(
                "at", f"an instant no earlier than the ticket's previous event ({state.last})", at
            )
        return state, ts

    def _solve(self, state: _State, ts: float, at: datetime, duration: int | None = None) -> None:
        if duration is None:
            duration = duration_us(self._options.calendar, state.ticket.created, at, state.created, ts)
        self._remember(state, ("solve", ts, duration, state.transfers, state.escalations))
        self._ledger.solve(state, ts, duration, (state.transfers, state.escalations), 1)

    @staticmethod
    def _remember(state: _State, step: tuple[str, float, int, int, int]) -> None:
        if state.history is None:
            state.history = [step]
        else:
            state.history.append(step)

    def _counted(self, state: _State, ts: float, *, transfers: int = 0, escalations: int = 0) -> None:
        """A transfer or escalation: its week is seen; at the very instant of a solve it counts for it."""
        ledger = self._ledger
        w = ledger.weeks.index(ts)
        ledger.seen(w)
        if state.resolved and state.history is not None and state.history[-1][1] == ts:
            kind, at, duration, moved, raised = state.history[-1]
            state.history[-1] = (kind, at, duration, moved + transfers, raised + escalations)
            series = state.series
            series.transfers[w] = series.transfers.get(w, 0) + transfers
            series.escalations[w] = series.escalations.get(w, 0) + escalations
        state.last = ts

    def _regroup(self, state: _State, ticket: Ticket) -> None:
        group = tuple(_value(ticket, f) for f in self._options.by)
        if group != state.group:
            self._write(state, -1)
            state.series = self._ledger.series(group)
            state.group = group
            self._write(state, 1)
        state.ticket = ticket

    def _write(self, state: _State, sign: int) -> None:
        ledger = self._ledger
        ledger.created(state, sign)
        for kind, ts, duration, moved, raised in state.history or ():
            if kind == "solve":
                ledger.solve(state, ts, duration, (moved, raised), sign)
            else:
                ledger.reopen(state, ts, sign)
        for ts, target, late in state.sla:
            ledger.attained(state.series, ts, target, late, sign)

    def _sla(self, state: _State, stops: list[tuple[float, str, bool]]) -> None:
        """Replace the ticket's SLA stops by those of its latest result."""
        for ts, target, late in state.sla:
            self._ledger.attained(state.series, ts, target, late, -1)
        state.sla = stops
        for ts, target, late in stops:
            self._ledger.attained(state.series, ts, target, late, 1)


# One handler per event type (the event classes are final): a dict lookup instead of an
# isinstance chain. Everything else the tracker accepts changes nothing it counts.
class _Timed(Protocol):
    """What the tracker reads of every event it counts: its ticket and its instant."""

    @property
    def ticket_id(self) -> str: ...
    @property
    def at(self) -> datetime: ...


_HANDLERS: Final[dict[type, Callable[[BacklogTracker, Any], None]]] = {
    TicketCreated: BacklogTracker._on_created,
    StatusChanged: BacklogTracker._on_status,
    TicketUpdated: BacklogTracker._on_updated,
    TicketTransferred: BacklogTracker._on_transferred,
    TicketEscalated: BacklogTracker._on_escalated,
    Assigned: BacklogTracker._on_assigned,
    SLAResult: BacklogTracker._on_sla,
    AgentReply: BacklogTracker._on_talk,
    CustomerMessage: BacklogTracker._on_talk,
    DueDateSet: BacklogTracker._on_talk,
}
_IGNORED: Final = (DispatcherEvent, Decision)


def _ignore(tracker: BacklogTracker, event: object) -> None:
    """The other dispatcher events and decisions count nothing."""


def _handler(kind: type) -> Callable[[BacklogTracker, Any], None] | None:
    """For a type not in the table: its nearest base's handler, `_ignore`, or None (refused).

    Remembered per type (a pure function of the class), so each costs one lookup later.
    """
    if kind not in _RESOLVED:
        found = next((_HANDLERS[base] for base in kind.__mro__ if base in _HANDLERS), None)
        _RESOLVED[kind] = _ignore if found is None and issubclass(kind, _IGNORED) else found
    return _RESOLVED[kind]


_RESOLVED: Final[dict[type, Callable[[BacklogTracker, Any], None] | None]] = {}
