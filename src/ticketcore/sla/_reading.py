"""Reading a machine at an instant: `evaluate`, and the results and summaries it is made of.

One job: turn a `ticketcore.sla._machine._Machine`'s tracks into the values of
`ticketcore.sla._results` at ``now`` (states, goals, due and breach instants), and
`evaluate`, the pure function that folds a whole history into a fresh machine and reads
it. `SLAClock.result` and `SLAClock.summary` read their machine with the same functions.

Imports: the machine, the cycles and the result values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ticketcore._errors import HorizonExceeded, InvalidInput
from ticketcore._instant import to_real
from ticketcore.events import TicketEvent
from ticketcore.sla._calendar import _aware
from ticketcore.sla._cycles import _OPEN, _beyond, _Cycle, _td, _Track
from ticketcore.sla._explain import _calendar_name
from ticketcore.sla._machine import _Machine
from ticketcore.sla._policy import SLAPolicies
from ticketcore.sla._results import (
    CycleResult,
    SLAResult,
    SLASummary,
    TargetResult,
    TargetState,
    TargetSummary,
)

__all__ = ["evaluate"]


def _summary(machine: _Machine, now: datetime) -> SLASummary:
    """`SLAClock.summary`: the states of `_result`, without building the cycles' results."""
    _aware(now, "now")
    ticket = machine.ticket
    if ticket is None:
        raise InvalidInput("events", "a history that starts with TicketCreated", [])
    real_now = to_real(now)
    if real_now < machine.last:
        raise InvalidInput(
            "now", f"an instant at or after the last event ({machine.events[-1].at.isoformat()})", now
        )
    f_now = machine.basis.f(real_now)
    targets = []
    for track in machine.tracks:
        target = track.target
        achieved = late = open_breached = 0
        breached_any = False
        state = TargetState.NOT_STARTED
        goal = None
        for cycle in track.cycles:
            goal = cycle.goal(target)
            if goal is None:
                state = TargetState.NOT_APPLICABLE
                continue
            breached = cycle.consumed(f_now) > goal
            if cycle.cancelled:
                state = TargetState.CANCELLED
            elif cycle.stop is not None:
                if breached:
                    state = TargetState.ACHIEVED_LATE
                    late += 1
                else:
                    state = TargetState.ACHIEVED
                    achieved += 1
            elif not cycle.running():
                state = TargetState.PAUSED
            else:
                state = TargetState.BREACHED if breached else TargetState.RUNNING
            if breached and state is not TargetState.CANCELLED:
                breached_any = True
                if cycle.stop is None:
                    open_breached += 1
        if target.goal_for(ticket.priority) is None and (not track.cycles or goal is None):
            state = TargetState.NOT_APPLICABLE
        targets.append(
            TargetSummary(
                name=target.name,
                state=state,
                achieved=achieved,
                late=late,
                open_breached=open_breached,
                breached=breached_any,
            )
        )
    policy = machine.policy
    return SLASummary(
        ticket_id=ticket.id,
        policy=None if policy is None else policy.name,
        fingerprint=None if policy is None else policy.fingerprint,
        targets=tuple(targets),
    )


def _cycle_result(machine: _Machine, track: _Track, index: int, cycle: _Cycle, f_now: int) -> CycleResult:
    basis = machine.basis
    goal = cycle.goal(track.target)
    consumed = cycle.consumed(f_now)
    paused = tuple((basis.dt(a), None if b == _OPEN else basis.dt(b)) for a, b in cycle.pauses)
    start = basis.dt(cycle.start)
    stop = None if cycle.stop is None else basis.dt(cycle.stop)
    if goal is None:
        return CycleResult(
            index=index,
            state=TargetState.NOT_APPLICABLE,
            breached=False,
            start=start,
            stop=stop,
            goal=None,
            due_at=None,
            breach_at=None,
            elapsed=_td(consumed),
            remaining=None,
            fraction_used=None,
            paused=paused,
            carried=_td(cycle.carried),
        )
    breached = consumed > goal
    try:
        due = cycle.reach(basis, goal, project=True)
        if due is not None and cycle.runs_at(due) and basis.open_after(due):
            breach: int | None = due  # the clock runs on from the due instant
        else:
            breach = cycle.breach_at(basis, goal, project=True)
    except HorizonExceeded:
        raise _beyond(machine.policy, track.target, goal) from None
    if cycle.cancelled:
        state = TargetState.CANCELLED
    elif cycle.stop is not None:
        state = TargetState.ACHIEVED_LATE if breached else TargetState.ACHIEVED
    elif not cycle.running():
        state = TargetState.PAUSED
    else:
        state = TargetState.BREACHED if breached else TargetState.RUNNING
    return CycleResult(
        index=index,
        state=state,
        breached=breached,
        start=start,
        stop=stop,
        goal=_td(goal),
        due_at=None if due is None else basis.dt(due),
        breach_at=None if breach is None else basis.dt(breach),
        elapsed=_td(consumed),
        remaining=_td(goal - consumed),
        fraction_used=consumed / goal,
        paused=paused,
        due_set=None if cycle.due_set is None else basis.dt(cycle.due_set),
        carried=_td(cycle.carried),
    )


def _result(machine: _Machine, now: datetime) -> SLAResult:
    _aware(now, "now")
    if machine.ticket is None:
        raise InvalidInput("events", "a history that starts with TicketCreated", [])
    real_now = to_real(now)
    if real_now < machine.last:
        raise InvalidInput(
            "now", f"an instant at or after the last event ({machine.events[-1].at.isoformat()})", now
        )
    policy = machine.policy
    basis = machine.basis
    f_now = basis.f(real_now)
    targets = []
    for track in machine.tracks:
        cycles = tuple(_cycle_result(machine, track, i, c, f_now) for i, c in enumerate(track.cycles))
        if track.target.goal_for(machine.ticket.priority) is None and (not cycles or cycles[-1].goal is None):
            state = TargetState.NOT_APPLICABLE
        else:
            state = cycles[-1].state if cycles else TargetState.NOT_STARTED
        targets.append(
            TargetResult(name=track.target.name, metric=track.target.metric, state=state, cycles=cycles)
        )
    if policy is None:
        reason = "no policy covers this ticket"
    else:
        reason = f"policy {policy.name!r} is the first that covers it ({policy.when.describe()})"
    return SLAResult(
        ticket_id=machine.ticket.id,
        at=now,
        policy=None if policy is None else policy.name,
        fingerprint=None if policy is None else policy.fingerprint,
        calendar=None if policy is None else _calendar_name(policy, basis.calendar),
        reason=reason,
        targets=tuple(targets),
        suspicious_pauses=tuple(basis.dt(t) for t in machine.suspicious),
        policy_object=policy,
        calendar_object=basis.calendar,
    )


def evaluate(policies: SLAPolicies, events: Iterable[TicketEvent], now: datetime) -> SLAResult:
    """The SLA of one ticket at ``now``, from its whole event history (a pure function).

    Raises:
        InvalidInput: the history does not start with `TicketCreated`, mixes tickets, is
            out of order, or ``now`` is naive, outside 1900 to 2999 or before the last event.
        HorizonExceeded: a due time cannot be computed within the calendar's horizon; the
            error names the policy and target (``policies['vip'].targets.resolution``).

    """
    if not isinstance(policies, SLAPolicies):
        raise InvalidInput("policies", "an SLAPolicies", policies)
    given: object = events
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise InvalidInput("events", "a list of the ticket's events, TicketCreated first", events)
    machine = _Machine(policies)
    for event in events:
        machine.handle(event)
    return _result(machine, now)
