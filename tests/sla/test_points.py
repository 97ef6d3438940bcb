"""`_cycle_points` (one engine call for the common running span) against its plain reference.

`ticketcore.sla._points._cycle_points` computes a cycle's ladder levels and breach in one
`inverse_all` when the cycle has one running span and nothing carried, and inverts the
points of the running span together otherwise; `_cycle_points_reference` reaches each
threshold with its own `_Cycle.reach`. After every event of random histories, both give
the same points for every cycle of every track (or both refuse the same horizon).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from hypothesis import given, settings

from ticketcore import HorizonExceeded
from ticketcore.events import TicketEvent
from ticketcore.sla import SLAClock
from ticketcore.sla._cycles import _Cycle, _Point, _Track
from ticketcore.sla._machine import _Machine
from ticketcore.sla._points import _cycle_points, _cycle_points_reference

from sla_strategies import POLICIES, histories

_PointsOf = Callable[[_Machine, str, _Track, int, _Cycle], list[_Point]]


def _points(fn: _PointsOf, clock: SLAClock) -> list[object]:
    m = clock._machine
    assert m.policy is not None
    out: list[object] = []
    for track in m.tracks:
        for index, cycle in enumerate(track.cycles):
            try:
                out.append(fn(m, m.policy.name, track, index, cycle))
            except HorizonExceeded as e:
                out.append(("horizon", str(e)))
    return out


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(history=histories())
def test_cycle_points_equal_the_reference(history: tuple[list[TicketEvent], datetime]) -> None:
    """Law: after every event, every cycle's points by the fast path equal the plain path's."""
    events, _ = history
    clock = SLAClock(POLICIES)
    for event in events:
        clock.handle(event)
        if clock._machine.policy is not None:
            assert _points(_cycle_points, clock) == _points(_cycle_points_reference, clock)
