"""The desk's heap of SLA deadlines (rule 5 of `ticketcore.desk._desk`).

One job: keep every open ticket's next SLA deadline in one heap, so that
`Desk.advance` costs O(log n) per deadline fired and `Desk.next_deadline` O(1)
(stale entries are dropped at the top, or all at once when they outnumber the live
ones), and after a ticket's clock handled an event, re-arm its deadline and say how
its due times moved.

May import: the standard library, public names of other subpackages, and the desk's
``_part`` and ``_outcome``.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import TYPE_CHECKING, Final

from ticketcore.desk._part import _Fields, _Part

if TYPE_CHECKING:
    from ticketcore.desk._outcome import DueMove
    from ticketcore.sla import SLAClock

#: Stale heap entries tolerated beyond the live ones before the heap is rebuilt.
_SLACK: Final = 64


class _Deadlines(_Fields):
    """The desk's fields with its deadline heap."""

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
