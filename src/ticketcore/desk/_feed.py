"""The desk's feed of its backlog tracker (rule 6 of `ticketcore.desk._desk`).

One job: give the `ticketcore.backlog.BacklogTracker` what the desk applied, each item
counted at its own instant when the tracker allows it, else at the ticket's latest
counted instant or the seal, whichever is later (so the tracker never refuses what the
desk accepts); and the desk's `report` and `seal` over it.

The per-event feeding itself is not here: its hot path is inlined where the desk handles
each event, and only the rare cases (a late event, a decision) call this module's
`_clamp`, `_count` and `_count_decisions`. The places are `Desk._ticket_event` in
`_desk` (the item counted, checked before anything changes, and handed to the tracker
once the event is applied), `Desk._dispatcher_event` in `_desk` (transfers and
escalations, and the decisions they cause) and `_Run._apply` in `_run` (an escalation's
event and its decisions). Why inlined: speed. A ticket event is the desk's hot path,
and a call per event into this module (where `_clamp` returns the event unchanged in
the common case) costs instructions on every event; the inlining was measured with
callgrind on the ``bench_desk`` workload, and moving it back here should be measured
the same way. Change the feeding rules in those places and here together.

The class stacks on `_deadlines` (which it does not use) so that the classes a desk is
made of form one line, fields, deadlines, backlog feed, state, and the escalation loop
(`_run`) works on this one.

May import: the standard library, ``ticketcore._errors``, public names of other
subpackages, and the desk's ``_part`` and ``_deadlines``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._instant import earlier
from ticketcore.assign import Assigned, Decision
from ticketcore.backlog import BacklogReport, BacklogTracker
from ticketcore.desk._deadlines import _Deadlines
from ticketcore.desk._part import _Part
from ticketcore.events import AgentReply, CustomerMessage, DueDateSet

#: Ticket events that only note activity (replies, customer messages, due dates). The
#: backlog tracker counts nothing for them, so the desk does not feed them; and the
#: dispatcher only notes them once the desk has checked the ticket is open and decides them
#: at its clock, so it cannot refuse them (the desk takes no clock checkpoint for them).
#: Both rules hold for exactly these events; should they ever differ, split the set.
_NOTES_ONLY: Final = frozenset({AgentReply, CustomerMessage, DueDateSet})


class _BacklogFeed(_Deadlines):
    """The desk's fields and deadlines with its backlog feed."""

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
        at = before if earlier(before, self._now) else self._now
        if self._sealed is None or at > self._sealed:
            tracker.seal(at)
            self._sealed = at

    def _backlog(self) -> BacklogTracker:
        if self._tracker is None:
            raise InvalidInput("config.backlog", "backlog options (the desk keeps no backlog figures)", None)
        return self._tracker

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
        tracker = self._tracker
        assert tracker is not None  # only called with a tracker
        tracker.handle(item)
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
