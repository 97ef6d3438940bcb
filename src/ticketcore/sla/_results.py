"""What an SLA clock says: the result values of a ticket's targets, and attainment over many.

One job: the frozen values a host reads (`SLAResult` and its `TargetResult` and
`CycleResult`, the cheap `SLASummary`, `TargetState`) and `attainment`, which counts
them over many tickets. Building them from a machine is `ticketcore.sla._reading`'s job;
the prose of `SLAResult.explanation` is `ticketcore.sla._explain`'s.

Imports: the calendar and policy values and `ticketcore.sla._explain`; no machine.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._util import met_share
from ticketcore.sla._calendar import BusinessCalendar
from ticketcore.sla._explain import _explain
from ticketcore.sla._policy import SLAPolicy
from ticketcore.sla._target import Metric

__all__ = [
    "Attainment",
    "CycleResult",
    "SLAResult",
    "SLASummary",
    "TargetResult",
    "TargetState",
    "TargetSummary",
    "attainment",
]


class TargetState(enum.Enum):
    """The state of a target (of its latest cycle).

    ``BREACHED`` means still running past the goal; ``ACHIEVED_LATE`` means stopped
    after the goal was exceeded. A paused cycle past its goal is ``PAUSED`` with
    ``breached`` true. ``CANCELLED`` cycles were replaced by a restart.
    """

    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    BREACHED = "breached"
    ACHIEVED = "achieved"
    ACHIEVED_LATE = "achieved_late"
    CANCELLED = "cancelled"
    NOT_APPLICABLE = "not_applicable"


@attrs.frozen(kw_only=True)
class CycleResult:
    """One cycle of a target: its start, stop, state and clock, at the time of the result.

    ``due_at`` is when the goal is (or was) used up; for a stopped cycle it is where it
    would have fallen had the clock kept running, and it is None while paused before
    the goal. ``breach_at`` is the first instant at which more business time has elapsed
    than the goal allows (so a reply exactly at ``due_at`` is on time).

    ``due_set`` is the due time an agent set by hand (`ticketcore.events.DueDateSet`),
    if any: ``goal`` is then the business time the clock reads at that instant, and
    ``due_at`` the earliest instant it reads that much (the close of business before a
    due time set on a closed day). ``carried`` is the business time carried in from
    earlier cycles by a ``"cumulative"`` repeat; ``elapsed`` includes it.
    """

    index: int
    state: TargetState
    breached: bool
    start: datetime
    stop: datetime | None
    goal: timedelta | None
    due_at: datetime | None
    breach_at: datetime | None
    elapsed: timedelta
    remaining: timedelta | None
    fraction_used: float | None
    paused: tuple[tuple[datetime, datetime | None], ...]
    due_set: datetime | None = None
    carried: timedelta = timedelta(0)


@attrs.frozen(kw_only=True)
class TargetResult:
    """A target's result: its cycles, and the latest cycle's figures for convenience."""

    name: str
    metric: Metric
    state: TargetState
    cycles: tuple[CycleResult, ...]

    @property
    def current(self) -> CycleResult | None:
        """The latest cycle, or None before the first one starts."""
        return self.cycles[-1] if self.cycles else None

    @property
    def due_at(self) -> datetime | None:
        """The latest cycle's due time."""
        return None if self.current is None else self.current.due_at

    @property
    def breach_at(self) -> datetime | None:
        """The latest cycle's breach instant."""
        return None if self.current is None else self.current.breach_at


@attrs.frozen(kw_only=True)
class SLAResult:
    """A ticket's SLA at an instant: which policy applies and why, and every target's state.

    ``policy`` is None when no policy covers the ticket (``reason`` says so). Every result
    names the policy, its ``fingerprint`` and the calendar, so reports never mix versions.
    """

    ticket_id: str
    at: datetime
    policy: str | None
    fingerprint: str | None
    calendar: str | None
    reason: str
    targets: tuple[TargetResult, ...]
    suspicious_pauses: tuple[datetime, ...]
    _policy: SLAPolicy | None = attrs.field(
        default=None, eq=False, repr=False, hash=False, alias="policy_object"
    )
    _calendar: BusinessCalendar | None = attrs.field(
        default=None, eq=False, repr=False, hash=False, alias="calendar_object"
    )

    @property
    def explanation(self) -> str:
        """A text a person can read, computed when asked for.

        It says which policy applies and why, the calendar, and per cycle the goal, start,
        pauses, due time and the holidays skipped on the way.
        """
        return _explain(self._policy, self._calendar, self)

    def target(self, name: str) -> TargetResult:
        """The result of the target called ``name``."""
        for t in self.targets:
            if t.name == name:
                return t
        raise InvalidInput("name", f"one of the targets {[t.name for t in self.targets]}", name)


@attrs.frozen(kw_only=True)
class TargetSummary:
    """A target's state and cycle counts at an instant, as `SLAClock.summary` gives them.

    ``state`` is that of `TargetResult`; ``achieved``, ``late`` and ``open_breached``
    count its cycles as `attainment` does; ``breached`` says whether any cycle that was
    not cancelled went past its goal.
    """

    name: str
    state: TargetState
    achieved: int
    late: int
    open_breached: int
    breached: bool


@attrs.frozen(kw_only=True)
class SLASummary:
    """A cheap view of a ticket's `SLAResult`: the policy and each target's state and counts.

    It holds no instants, so `SLAClock.summary` builds no datetimes and computes no due
    times; every figure equals the one read from `SLAClock.result` at the same instant.
    """

    ticket_id: str
    policy: str | None
    fingerprint: str | None
    targets: tuple[TargetSummary, ...]


@attrs.frozen(kw_only=True)
class Attainment:
    """How often a target was met, over the cycles that ended, for one policy version.

    ``rate`` is ``achieved / (achieved + late)``, None when no cycle ended.
    """

    policy: str
    fingerprint: str
    target: str
    achieved: int
    late: int
    open_breached: int

    @property
    def rate(self) -> float | None:
        """The share of ended cycles that met their goal."""
        return met_share(self.achieved, self.late)


def attainment(results: Iterable[SLAResult]) -> tuple[Attainment, ...]:
    """Attainment per policy version and target over many tickets' results.

    Cycles that ended count as achieved or late; cancelled and not-applicable cycles
    do not count; cycles still open past their goal are counted apart
    (``open_breached``). Rows are keyed by policy name *and* fingerprint, so two
    versions of a policy are never mixed. Rows come in first-seen order.
    """
    given: object = results
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise InvalidInput("results", "an iterable of SLAResult values", results)
    rows: dict[tuple[str, str, str], list[int]] = {}
    for result in results:
        if not isinstance(result, SLAResult):
            raise InvalidInput("results", "SLAResult values", result)
        if result.policy is None:
            continue
        for target in result.targets:
            row = rows.setdefault((result.policy, result.fingerprint or "", target.name), [0, 0, 0])
            for cycle in target.cycles:
                if cycle.state is TargetState.ACHIEVED:
                    row[0] += 1
                elif cycle.state is TargetState.ACHIEVED_LATE:
                    row[1] += 1
                elif cycle.breached and cycle.state is not TargetState.CANCELLED:
                    row[2] += 1
    return tuple(
        Attainment(policy=p, fingerprint=f, target=t, achieved=a, late=late, open_breached=o)
        for (p, f, t), (a, late, o) in rows.items()
    )
