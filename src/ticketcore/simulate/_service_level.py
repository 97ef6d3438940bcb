"""`ServiceLevel`: a service-level goal, and whether a run's tickets met it.

A value on its own: imports `_results` only (and the library's errors).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore.simulate._results import SimulationResult, TicketOutcome

__all__ = ["ServiceLevel"]

_METRICS: Final = ("wait", "first_response", "resolution")


@attrs.frozen(kw_only=True)
class ServiceLevel:
    """A service-level goal: ``share`` of tickets whose ``metric`` is at most ``within``.

    ``metric`` is ``wait`` (to an agent), ``first_response`` or ``resolution``, measured
    in elapsed time from the ticket's creation. A ticket without a value at the end of
    the run counts as missed if it was created more than ``within`` before the end, and
    not at all otherwise (its outcome is still open).
    """

    metric: str
    within: timedelta
    share: float

    def __attrs_post_init__(self) -> None:
        if self.metric not in _METRICS:
            raise InvalidInput.unknown_key("metric", str(self.metric), _METRICS, "metrics")
        within: object = self.within
        if not isinstance(within, timedelta) or self.within <= timedelta(0):
            raise InvalidInput("within", "a duration above zero", self.within)
        share: object = self.share
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share < 1:
            raise InvalidInput("share", "a share strictly between 0 and 1, such as 0.8", share)

    def share_of(self, result: SimulationResult) -> float | None:
        """The share of the run's tickets that met the goal (None when no ticket was decided)."""
        if result.tickets is None:
            raise InvalidInput("result", "a run with records (simulate(..., records=True))", result)
        met = decided = 0
        for t in result.tickets:
            verdict = self.met(t, result.end)
            if verdict is not None:
                decided += 1
                met += verdict
        return met / decided if decided else None

    def met(self, ticket: TicketOutcome, end: datetime) -> bool | None:
        """Whether one ticket met the goal in a run that ended at ``end`` (None: undecided)."""
        value = getattr(ticket, self.metric)
        if value is None:
            return None if end - ticket.created <= self.within else False
        return bool(value <= self.within)
