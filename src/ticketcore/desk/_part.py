"""The desk's state as its modules share it: the fields of a desk and one open ticket's part.

One job: say what a `ticketcore.desk.Desk` holds (`_Fields`, the base every part of the
desk builds on; `Desk.__init__` sets the fields) and what it keeps per open ticket
(`_Part`). The other desk modules stack on it, each doing one job, lowest first:
`_deadlines` (the heap of SLA deadlines), `_feed` (the backlog tracker),
`_run` (one call's outcome and the escalation loop), `_state` (the stored state)
and `_desk` (the `Desk` and its events).

May import: the standard library, ``ticketcore._errors``, public names of other
subpackages and the lower desk modules (``_config``, ``_outcome``); no other ``_desk*``
module.
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from ticketcore._errors import InvalidInput, InvalidTransition

if TYPE_CHECKING:
    from ticketcore import PriorityScale
    from ticketcore.assign import Dispatcher
    from ticketcore.backlog import BacklogTracker
    from ticketcore.desk._config import DeskConfig
    from ticketcore.desk._outcome import Zone
    from ticketcore.sla import SLAClock, SLAPolicies

#: How many ids of agent and routing events the desk remembers for idempotence.
SHARED_IDS: Final = 1000

#: How a call touched a ticket (see `ticketcore.desk._run._Run.touched`).
_ROUTED, _FIRED, _CHANGED = 0, 1, 2


class _Part:
    """What the desk keeps per open ticket besides the dispatcher's record."""

    __slots__ = ("arrival", "clock", "due", "ids", "last", "tracked", "zone")

    def __init__(self, clock: SLAClock | None) -> None:
        self.clock = clock
        self.arrival = 0  # the dispatcher's arrival number: ties in the heap fire in this order
        self.ids: list[str] = []
        # The due times last reported: (target, real instant or None) pairs (see
        # `SLAClock._desk_view`), compared without making datetimes, and their zone.
        self.due: tuple[tuple[str, int | None], ...] = ()
        self.zone: Zone = UTC
        # The latest instant the backlog tracker counted for the ticket; None: not followed.
        self.tracked: datetime | None = None
        # Without an SLA clock (which keeps it), the instant of the ticket's last event, so
        # that an earlier one is refused (rule 3); None before its creation.
        self.last: datetime | None = None


class _Fields:
    """What a desk holds (set by `Desk.__init__`, or a restore), and its one look-up of a ticket."""

    _report_due: bool  # whether outcomes report due times (``due_changes``)
    _config: DeskConfig
    _scale: PriorityScale  # the vocabulary's priorities
    _priorities: frozenset[object]  # ... as a set, for the check on every event
    _sla: SLAPolicies | None  # None: the configuration has no SLA policies
    _dispatcher: Dispatcher
    _parts: dict[str, _Part]  # open ticket id -> its part, in arrival order
    # (deadline in microseconds since 0001-01-01 UTC, arrival number, ticket id); an
    # entry is live while it equals the ticket's scheduled deadline in _scheduled.
    # Integers: pushes compare without time zones, and a datetime is made only for
    # the top, when the host asks (kept in _top).
    _heap: list[tuple[int, int, str]]
    _scheduled: dict[str, int]
    _top: tuple[int, SLAClock, datetime] | None
    _now: datetime | None  # the desk's clock: the latest instant seen
    _shared_ids: deque[str]  # the last `SHARED_IDS` ids of agent and routing events
    _tracker: BacklogTracker | None
    _sealed: datetime | None  # the latest seal given to the tracker

    def _part(self, ticket_id: str, field: str) -> _Part:
        try:
            part = self._parts.get(ticket_id)
        except TypeError:  # unhashable: no id (a try costs nothing until it catches)
            raise InvalidInput(field, "a ticket id (text)", ticket_id) from None
        if part is None:
            raise InvalidTransition(field, "an open ticket of the desk", ticket_id)
        return part
