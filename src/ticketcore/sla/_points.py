"""The points a clock may report, and the memo of the earliest pending one.

One job: from a machine's cycles, the *points* (ladder levels, breaches, suspicious
pauses: plain tuples, `ticketcore.sla._cycles._Point`) and which of them are pending or
due. Each cycle's points are computed once while the cycle stays as it is
(`_Cycle.points`), and each track keeps its earliest pending point (`_Track.soon`), so
that after an event `_earliest` looks only at what the event changed. `SLAClock` calls
these with its machine and its fired set; `_cycle_points_reference` is the plain
version the tests compare the fast one with.

Imports: the machine and the cycles only (no result values, no alerts).
"""

from __future__ import annotations

import operator
from typing import Final

from ticketcore._errors import HorizonExceeded
from ticketcore._instant import US as _US
from ticketcore.sla._cycles import _OPEN, _beyond, _Cycle, _Point, _Tail, _Track
from ticketcore.sla._machine import _Machine

_REPORTED: Final = operator.itemgetter(1)  # a point's reported instant


def _earliest(m: _Machine, fired: frozenset[tuple[object, ...]]) -> int | None:
    """Compute the points of every cycle that changed; returns the earliest pending one's instant.

    Each track keeps its earliest pending point (`_Track.soon`) with what it was computed
    from: the fired set (replaced, never changed, when alerts fire), the number of
    cycles and the last cycle's points list (replaced or dropped by every change to
    that cycle; only the last cycle of a track ever changes, since a new cycle starts
    only after the one before stopped). A track whose memo still matches costs three
    comparisons; one whose last cycle changed looks at that cycle's points only.
    """
    policy = m.policy
    if policy is None:  # no ticket yet, or no policy covers it
        return None
    name = policy.name
    best: int | None = None
    for track in m.tracks:
        cycles = track.cycles
        if not cycles:
            continue
        n = len(cycles)
        last = cycles[-1]
        points = last.points
        memo = track.soon
        if memo is not None and memo[0] is fired and memo[1] == n:
            if memo[2] is points:
                low = memo[4]
                if low is not None and (best is None or low < best):
                    best = low
                continue
            prefix = memo[3]
        else:
            prefix = None
            for index in range(n - 1):
                cycle = cycles[index]
                done = cycle.points
                if done is None:
                    done = cycle.points = _cycle_points(m, name, track, index, cycle)
                for p in done:
                    if (prefix is None or p[0] < prefix) and p[2] not in fired:
                        prefix = p[0]
        if points is None:
            points = last.points = _cycle_points(m, name, track, n - 1, last)
        low = prefix
        for p in points:
            if (low is None or p[0] < low) and p[2] not in fired:
                low = p[0]
        track.soon = (fired, n, points, prefix, low)
        if low is not None and (best is None or low < best):
            best = low
    for t in m.suspicious:
        if (best is None or t < best) and (name, "suspicious", t) not in fired:
            best = t
    return best


def _due_points(
    m: _Machine, fired: frozenset[tuple[object, ...]], upto: int, *, reported: bool
) -> list[_Point]:
    """The pending points due by ``upto``, in the order of their reported instants.

    `_pending` in the same order, filtered, looking only at the tracks whose earliest
    pending point (`_Track.soon`, up to date after `_earliest`) is that early.
    """
    found: list[_Point] = []
    for track in m.tracks:
        cycles = track.cycles
        memo = track.soon
        if (
            memo is not None
            and memo[0] is fired
            and memo[1] == len(cycles)
            and memo[2] is cycles[-1].points
            and (memo[4] is None or memo[4] > upto + 1)
        ):
            continue
        for index, cycle in enumerate(cycles):
            points = cycle.points
            if points is None:
                points = cycle.points = _cycle_points(m, m.policy.name, track, index, cycle)  # type: ignore[union-attr]  # tracks exist only under a policy; no check in this loop
            found += _due_in(points, upto, fired, reported=reported)
    if m.suspicious:
        found += _due_in(_suspicious(m), upto, fired, reported=reported)
    found.sort(key=_REPORTED)
    return found


def _pending(m: _Machine, fired: frozenset[tuple[object, ...]]) -> list[_Point]:
    """The points not reported yet, whether or not they fell due.

    Plain tuples: an `Alert` (and its datetime) is built only once a point falls due.
    Each cycle's points are computed once while it stays as it is; this list is made
    only when some point falls due (`_due_points`), the next deadline being kept apart.
    """
    return [p for p in _all_points(m) if p[2] not in fired]


def _all_points(m: _Machine) -> list[_Point]:
    """Every point of the current state, reported or not."""
    if m.ticket is None or m.policy is None:
        return []
    out: list[_Point] = []
    policy = m.policy.name
    for track in m.tracks:
        for index, cycle in enumerate(track.cycles):
            if cycle.points is None:  # computed again only for a cycle an event changed
                cycle.points = _cycle_points(m, policy, track, index, cycle)
            out += cycle.points
    out += _suspicious(m)
    return out


def _suspicious(m: _Machine) -> list[_Point]:
    """The points of the suspicious pauses."""
    assert m.policy is not None  # a pause is suspicious under a policy's window
    policy = m.policy.name
    return [
        (t, t, (policy, "suspicious", t), "suspicious_pause", None, None, None, None) for t in m.suspicious
    ]


def _cycle_points(m: _Machine, policy: str, track: _Track, index: int, cycle: _Cycle) -> list[_Point]:
    """The ladder levels and breach of one cycle that its clock reaches (or will) while it runs.

    `_cycle_points_reference` is the plain version (one `_Cycle.reach` per point); this
    one takes the common case (one running span, nothing carried) in one engine call
    and otherwise inverts the points in the running span together.
    """
    fixed = cycle.fixed
    if fixed is not None:
        goal: int | None = fixed
    else:
        found = track.target.goal_for(cycle.priority)
        goal = None if found is None else found // _US
    if goal is None or cycle.cancelled:
        return []
    amounts, positive, tails = track.rows(policy, index, goal)
    basis = m.basis
    spans = cycle.spans
    carried = cycle.carried
    if positive and not carried and len(spans) == 1 and spans[0][2] == _OPEN:
        # One running span, nothing carried: every point is ``forward(r0, threshold)``,
        # after ``r0`` (thresholds are positive), so each is on the running clock and a
        # breach is reported one microsecond before it is observed.
        # (Computing the due time here too was measured: it saves the desk 1.7k
        # instructions an event and costs every other clock 2.2k.)
        r0, f0 = spans[0][0], spans[0][1]
        calendar = basis.calendar
        try:
            if calendar is None:
                reals = [r0 + a for a in amounts]
            else:  # `_Basis.inverse_all` without its frame
                engine = calendar._engine
                reals = engine.inverse_all([f0 + a for a in amounts], r0, r0 + engine.horizon)
        except HorizonExceeded:
            raise _beyond(m.policy, track.target, goal) from None
        out = [(real, real) + tail for real, tail in zip(reals, tails, strict=True)]  # noqa: RUF005
        breach = reals[-1]  # the breach is the last point
        out[-1] = (breach, breach - 1) + tails[-1]
        return out
    try:
        reached = cycle.reach_all(basis, amounts)
    except HorizonExceeded:
        raise _beyond(m.policy, track.target, goal) from None
    return _keep_points(cycle, amounts, tails, reached)


def _cycle_points_reference(
    m: _Machine, policy: str, track: _Track, index: int, cycle: _Cycle
) -> list[_Point]:
    """`_cycle_points` the plain way, for the tests: one `_Cycle.reach` per point."""
    goal = cycle.goal(track.target)
    if goal is None or cycle.cancelled:
        return []
    amounts, _, tails = track.rows(policy, index, goal)
    try:
        reached = [cycle.reach(m.basis, a, project=False) for a in amounts]
    except HorizonExceeded:
        raise _beyond(m.policy, track.target, goal) from None
    return _keep_points(cycle, amounts, tails, reached)


def _keep_points(
    cycle: _Cycle, amounts: list[int], tails: list[_Tail], reached: list[int | None]
) -> list[_Point]:
    """The points of a cycle, from where its clock reaches each threshold.

    ``reached`` is None for a threshold not reached while the cycle stays as it is. The
    points kept are those not reached in an earlier cycle nor after the cycle's stop.
    """
    out: list[_Point] = []
    carried = cycle.carried
    stop = cycle.stop
    start = cycle.start
    for threshold, tail, real in zip(amounts, tails, reached, strict=True):
        if threshold <= carried and carried:
            continue  # reached in an earlier cycle ("cumulative" repeat)
        if real is not None and (stop is None or real < stop):
            # A breach is reported where the clock starts to read more than the goal.
            report = real - 1 if tail[1] == "breach" and real != start else real
            out.append((real, report) + tail)  # noqa: RUF005 - concatenation is the faster
    return out


def _due_in(
    points: list[_Point], upto: int, fired: frozenset[tuple[object, ...]], *, reported: bool
) -> list[_Point]:
    """The points not fired, reported (or observed) by ``upto``."""
    if reported:
        return [p for p in points if p[1] <= upto and p[2] not in fired]
    return [p for p in points if p[0] <= upto and p[2] not in fired]


def _due_reals(m: _Machine) -> tuple[tuple[str, int | None], ...]:
    """Each target's due time as ``(target, real instant or None)`` pairs, in the policy's order.

    For `SLAClock.due_times` and `ticketcore.desk.Desk`, which compares them after every
    event: equal pairs, equal due times, without making a datetime. Each cycle's due
    time is computed once while the cycle stays as it is.
    """
    if m.ticket is None or m.policy is None:
        return ()
    out = []
    for track in m.tracks:
        due = None
        if track.cycles:
            cycle = track.cycles[-1]
            cached = cycle.due_cache
            if cached is not None and cached[0] is cycle.points:
                due = cached[1]
            else:
                goal = cycle.goal(track.target)
                if goal is not None and cycle.stop is None and not cycle.cancelled:
                    due = cycle.reach(m.basis, goal, project=True)
                if cycle.points is not None:
                    cycle.due_cache = (cycle.points, due)
        out.append((track.target.name, due))
    return tuple(out)
