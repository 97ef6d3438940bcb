"""What a simulation run gives back: figures, per-ticket records, and a readable report.

Everything converts to plain records (lists of flat dicts with JSON-compatible values:
durations in seconds, instants as ISO 8601 text) that load straight into pandas.

Above 500 lines on purpose: one job (the result values and their report), mostly
`SimulationResult`, whose tables, summary and text are its own methods; split further it
would be a class scattered over modules that each make sense only beside it.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._text import text_table as _table
from ticketcore._time import _human_duration as _fmt
from ticketcore._util import met_share
from ticketcore.backlog import BacklogReport

__all__ = [
    "AgentFigures",
    "Comparison",
    "QueueSample",
    "SLAFigures",
    "SimulationResult",
    "Summary",
    "TicketOutcome",
]

#: What took an agent's load above their cap, by cause code (`AgentFigures.above_cap`): the
#: dispatcher's `Reason` of the assignment, or ``counted_again`` when no assignment did.
ABOVE_CAP_CAUSES: Final[Mapping[str, str]] = {
    "direct_rule": "a direct rule to the agent assigned a ticket (a rule to an agent ignores the cap "
    "unless it sets respect_availability)",
    "transferred": "a transfer (in a run: an SLA ladder's reassign action) moved a ticket to them, "
    "whatever their load",
    "reopened_to_owner": "a customer reopened a solved ticket of theirs: it returns to its owner",
    "counted_again": "a ticket they already held moved into a status that counts toward the load "
    "(routing.counted), without a new assignment",
    "pool_choice": "another pool they are in, with a higher cap (or none), chose them: the cap shown "
    "is their own, else their first pool's",
    "backlog_pass": "another pool they are in, with a higher cap (or none), handed them a ticket from "
    "its backlog: the cap shown is their own, else their first pool's",
    "assigned_by_host": "the ticket came with them as its assignee",
    "assign_on_closure": "a closed ticket's slot went to them (assign on closure)",
}


def above_cap_cause(decision: Any) -> str:
    """The cause code of a rise above the cap: the `Assigned` decision's reason, or ``counted_again``."""
    return "counted_again" if decision is None else str(decision.reason.value)


#: Histogram bins grow by 1%: a percentile read from them is within 1% of the exact one.
_GROWTH: Final = 1.01
_LOG_GROWTH: Final = math.log(_GROWTH)
_FLOOR_US: Final = 1000  # everything under a millisecond shares bin 0


def _bin(us: int) -> int:
    return 0 if us < _FLOOR_US else 1 + int(math.log(us / _FLOOR_US) / _LOG_GROWTH)


def _bin_top(index: int) -> int:
    """The largest value (in microseconds) that falls in bin ``index``."""
    return _FLOOR_US - 1 if index == 0 else math.ceil(_FLOOR_US * _GROWTH**index) - 1


class Histogram:
    """Durations in bins 1% wide: constant memory, exact count, mean and max (private to the package)."""

    __slots__ = ("bins", "count", "max", "total")

    def __init__(self) -> None:
        self.bins: dict[int, int] = {}
        self.count = 0
        self.total = 0
        self.max = 0

    def add(self, us: int) -> None:
        b = _bin(us)
        bins = self.bins
        bins[b] = bins.get(b, 0) + 1
        self.count += 1
        self.total += us
        self.max = max(self.max, us)

    def summary(self) -> Summary:
        if not self.count:
            return Summary(count=0, mean=None, p50=None, p90=None, p95=None, max=None)
        order = sorted(self.bins.items())

        def nearest_rank(q: float) -> timedelta:
            rank = max(1, math.ceil(q * self.count))
            seen = 0
            for index, n in order:
                seen += n
                if seen >= rank:
                    return timedelta(microseconds=min(_bin_top(index), self.max))
            raise AssertionError("the ranks add up to the count")  # pragma: no cover

        return Summary(
            count=self.count,
            mean=timedelta(microseconds=round(self.total / self.count)),
            p50=nearest_rank(0.5),
            p90=nearest_rank(0.9),
            p95=nearest_rank(0.95),
            max=timedelta(microseconds=self.max),
        )


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value / timedelta(seconds=1)


@attrs.frozen(kw_only=True)
class Summary:
    """A distribution of durations: count, mean and nearest-rank percentiles.

    The mean and max are exact; the percentiles are read from bins 1% wide, so each is
    within 1% of the exact nearest-rank value (and never above the max). None when
    ``count`` is 0.
    """

    count: int
    mean: timedelta | None
    p50: timedelta | None
    p90: timedelta | None
    p95: timedelta | None
    max: timedelta | None

    def to_record(self, prefix: str) -> dict[str, Any]:
        """Flat fields ``{prefix}_count``, ``{prefix}_mean_s`` ... (seconds)."""
        out: dict[str, Any] = {f"{prefix}_count": self.count}
        for key in ("mean", "p50", "p90", "p95", "max"):
            out[f"{prefix}_{key}_s"] = _seconds(getattr(self, key))
        return out


@attrs.frozen(kw_only=True)
class AgentFigures:
    """One agent over the run.

    ``assigned`` counts every assignment to the agent (a ticket reassigned to them again
    counts again); ``peak_load`` and ``mean_load`` are the tickets they hold (the load the
    caps apply to), the mean weighted by time. ``utilisation`` is the share of the run
    they spent working (at least one ticket in hand); ``in_hand`` the mean number of
    tickets in hand (above 1 only with concurrent chats); ``held`` the share of the run
    they held at least one ticket (working or not); ``cap_used`` is ``mean_load / cap``
    (None without a cap). ``above_cap`` counts, per cause code, the times the agent's
    load rose above ``cap`` (the cap limits what the routing hands out, not what else
    places a ticket): the dispatcher's
    reason for the assignment (``direct_rule``, ``transferred``, ``reopened_to_owner``,
    ``pool_choice`` by another pool with a higher cap ...), or ``counted_again`` when no
    assignment did (a ticket they held moved into a counted status).
    """

    agent_id: str
    assigned: int
    peak_load: int
    mean_load: float
    utilisation: float
    in_hand: float
    held: float
    cap_used: float | None
    cap: int | None = None
    above_cap: tuple[tuple[str, int], ...] = ()

    def to_record(self) -> dict[str, Any]:
        """A flat dict (``above_cap`` as ``{cause: times}``)."""
        out = attrs.asdict(self)
        out["above_cap"] = dict(self.above_cap)
        return out


@attrs.frozen(kw_only=True)
class SLAFigures:
    """SLA attainment for one policy, target and ticket priority (the priority at the end).

    Counted as `ticketcore.sla.attainment` counts: cycles that ended on time or late;
    ``open_breached`` cycles were still open past their goal when the run ended.
    """

    policy: str
    target: str
    priority: str
    achieved: int
    late: int
    open_breached: int

    @property
    def rate(self) -> float | None:
        """``achieved / (achieved + late)``; None when no cycle ended."""
        return met_share(self.achieved, self.late)

    def to_record(self) -> dict[str, Any]:
        """A flat dict, with the rate."""
        return {**attrs.asdict(self), "rate": self.rate}


@attrs.frozen(kw_only=True)
class QueueSample:
    """The state on the hour: tickets waiting for an agent, and tickets not solved."""

    at: datetime
    waiting: int
    unresolved: int

    def to_record(self) -> dict[str, Any]:
        """A flat dict."""
        return {"at": self.at.isoformat(), "waiting": self.waiting, "unresolved": self.unresolved}


@attrs.frozen(kw_only=True)
class TicketOutcome:
    """What happened to one simulated ticket.

    ``wait`` runs from creation to the first assignment, ``first_response`` to the first
    agent reply, ``resolution`` to the last solve (None while not reached). ``agent`` is
    the last assignee; ``sla`` gives each target's state at the end, as
    ``(target, state, breached)``.
    """

    ticket_id: str
    created: datetime
    channel: str
    priority: str
    language: str | None
    plan: str | None
    agent: str | None
    wait: timedelta | None
    first_response: timedelta | None
    resolution: timedelta | None
    reopened: int
    transfers: int
    escalations: int
    closed: bool
    sla: tuple[tuple[str, str, bool], ...]

    def to_record(self) -> dict[str, Any]:
        """A flat dict: durations in seconds, and ``sla_<target>`` / ``sla_<target>_breached``."""
        out: dict[str, Any] = {
            "ticket_id": self.ticket_id,
            "created": self.created.isoformat(),
            "channel": self.channel,
            "priority": self.priority,
            "language": self.language,
            "plan": self.plan,
            "agent": self.agent,
            "wait_s": _seconds(self.wait),
            "first_response_s": _seconds(self.first_response),
            "resolution_s": _seconds(self.resolution),
            "reopened": self.reopened,
            "transfers": self.transfers,
            "escalations": self.escalations,
            "closed": self.closed,
        }
        for target, state, breached in self.sla:
            out[f"sla_{target}"] = state
            out[f"sla_{target}_breached"] = breached
        return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


@attrs.frozen(kw_only=True)
class SimulationResult:
    """One run of a scenario with one strategy.

    ``tickets`` holds a `TicketOutcome` per ticket when the run kept records (else None);
    every other figure is kept either way, in memory that does not grow with the number
    of tickets (the backlog report grows with the number of weeks).
    """

    scenario: str
    strategy: str | None
    seed: int
    start: datetime
    end: datetime
    created: int
    solved: int
    unresolved: int
    left_unassigned: int
    waited: int
    wait: Summary
    first_response: Summary
    resolution: Summary
    agents: tuple[AgentFigures, ...]
    fairness: float | None
    sla: tuple[SLAFigures, ...]
    alerts: tuple[tuple[str, int], ...]
    queue: tuple[QueueSample, ...]
    queue_mean: float
    queue_max: int
    backlog: BacklogReport
    tickets: tuple[TicketOutcome, ...] | None

    @property
    def waited_share(self) -> float | None:
        """The share of assigned tickets that waited for an agent (Erlang C's P(wait))."""
        return None if not self.wait.count else self.waited / self.wait.count

    def summary(self) -> dict[str, Any]:
        """The headline figures as one flat dict (the row `Comparison` shows per strategy)."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "strategy": self.strategy,
            "seed": self.seed,
            "created": self.created,
            "solved": self.solved,
            "unresolved": self.unresolved,
            "left_unassigned": self.left_unassigned,
            "waited_share": self.waited_share,
        }
        out |= self.wait.to_record("wait")
        out |= self.first_response.to_record("first_response")
        out |= self.resolution.to_record("resolution")
        out["fairness"] = self.fairness
        out["queue_mean"] = self.queue_mean
        out["queue_max"] = self.queue_max
        out["sla_met"] = met_share(sum(f.achieved for f in self.sla), sum(f.late for f in self.sla))
        weeks = self.backlog.series()
        out["backlog_ratio_last_week"] = weeks[-1].ratio if weeks else None
        return out

    def ticket_records(self) -> list[dict[str, Any]]:
        """One flat dict per ticket (empty when the run kept no records)."""
        return [t.to_record() for t in self.tickets or ()]

    def agent_records(self) -> list[dict[str, Any]]:
        """One flat dict per agent."""
        return [a.to_record() for a in self.agents]

    def sla_records(self) -> list[dict[str, Any]]:
        """One flat dict per policy, target and priority."""
        return [f.to_record() for f in self.sla]

    def queue_records(self) -> list[dict[str, Any]]:
        """One flat dict per hour."""
        return [q.to_record() for q in self.queue]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table by name: summary, tickets, agents, sla, queue and backlog."""
        return {
            "summary": [self.summary()],
            "tickets": self.ticket_records(),
            "agents": self.agent_records(),
            "sla": self.sla_records(),
            "queue": self.queue_records(),
            "backlog": self.backlog.to_records(iso=True),
        }

    def to_pandas(self) -> dict[str, Any]:
        """Every table of `tables` as a `pandas.DataFrame` (needs the ``pandas`` extra).

        Instants are ``datetime64`` columns in the scenario's time zone (``created``,
        ``at``, and each backlog ``week`` at its local midnight); durations are
        ``timedelta64`` columns named without the ``_s`` of the records (``wait``,
        ``first_response_mean``, ``resolution_p90`` ...).

        Raises:
            InvalidInput: pandas is not installed.

        """
        try:
            pd: Any = importlib.import_module("pandas")  # an optional extra
        except ImportError:
            raise InvalidInput("pandas", "pandas installed (the 'pandas' extra)", None) from None
        zone = self.end.tzinfo
        out: dict[str, Any] = {}
        for name, rows in self.tables().items():
            frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
            renames = {}
            for column in frame.columns:
                if column.endswith("_s"):
                    micros = (frame[column].astype("float64") * 1e6).round()  # exact: records keep µs
                    frame[column] = pd.to_timedelta(micros, unit="us")
                    renames[column] = column[:-2]
                elif column in ("created", "at") and name in ("tickets", "queue"):
                    frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").dt.tz_convert(
                        zone
                    )
                elif column == "week":
                    frame[column] = pd.to_datetime(frame[column]).dt.tz_localize(zone)
            out[name] = frame.rename(columns=renames)
        return out

    def text(self) -> str:
        """The report a support manager reads: waits, SLA, backlog by week, load per agent."""
        lines = [
            f"Scenario {self.scenario!r}, strategy {self.strategy or 'as configured'}, seed {self.seed}: "
            f"{self.start:%Y-%m-%d %H:%M %Z} to {self.end:%Y-%m-%d %H:%M %Z}",
            f"Tickets: {self.created:,} created, {self.solved:,} solves, {self.unresolved:,} unresolved "
            f"at the end, {self.left_unassigned:,} left unassigned",
            "",
            "Times (creation to ...)",
        ]
        rows = []
        for title, s in (
            ("assignment (wait)", self.wait),
            ("first response", self.first_response),
            ("resolution", self.resolution),
        ):
            rows.append(
                [title, f"{s.count:,}", _fmt(s.mean), _fmt(s.p50), _fmt(s.p90), _fmt(s.p95), _fmt(s.max)]
            )
        lines += _table(["", "tickets", "mean", "median", "p90", "p95", "max"], rows)
        lines.append(f"  {_pct(self.waited_share)} of assigned tickets waited for an agent")
        if self.sla:
            lines += ["", "SLA attainment (cycles that ended)"]
            lines += _table(
                ["policy / target / priority", "met", "late", "open breached", "rate"],
                (
                    [
                        f"{f.policy} / {f.target} / {f.priority}",
                        f"{f.achieved:,}",
                        f"{f.late:,}",
                        f"{f.open_breached:,}",
                        _pct(f.rate),
                    ]
                    for f in self.sla
                ),
            )
        if self.alerts:
            lines.append("  alerts: " + ", ".join(f"{n:,} {kind}" for kind, n in self.alerts))
        lines += ["", "Backlog by week (all channels)"]
        lines += _table(
            ["week", "created", "solved", "unresolved", "ratio", "trend"],
            (
                [
                    f"{w.week:%Y-%m-%d}",
                    f"{w.created:,}",
                    f"{w.solved:,}",
                    f"{w.unresolved:,}",
                    _ratio(w.ratio),
                    w.trend.value,
                ]
                for w in self.backlog.series()
            ),
        )
        lines += ["", f"Queue: {self.queue_mean:.2f} tickets waiting on average, at most {self.queue_max:,}"]
        lines += ["", "Agents (utilisation: time working; held: tickets assigned, working or not)"]
        lines += _table(
            ["agent", "assigned", "utilisation", "in hand", "held", "peak held", "cap", "mean held"],
            (
                [
                    a.agent_id,
                    f"{a.assigned:,}",
                    _pct(a.utilisation),
                    f"{a.in_hand:.2f}",
                    _pct(a.held),
                    f"{a.peak_load:,}" + ("*" if a.cap is not None and a.peak_load > a.cap else ""),
                    "-" if a.cap is None else f"{a.cap:,}",
                    f"{a.mean_load:.2f}",
                ]
                for a in self.agents
            ),
        )
        lines += _above_cap(self.agents)
        fairness = "-" if self.fairness is None else f"{self.fairness:.3f}"
        lines.append(f"  fairness (Jain's index of tickets assigned, 1 = perfectly even): {fairness}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def _check_results(instance: object, attribute: attrs.Attribute[object], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(r, SimulationResult) for r in value):
        raise InvalidInput("results", "a tuple of ticketcore.simulate.SimulationResult", value)


@attrs.frozen
class Comparison:
    """Several strategies run on the same tickets (common random numbers), side by side."""

    results: tuple[SimulationResult, ...] = attrs.field(validator=_check_results)

    def result(self, strategy: str | None) -> SimulationResult:
        """The run of one strategy; `InvalidInput` for a strategy not run (as `Study.estimate`)."""
        for r in self.results:
            if r.strategy == strategy:
                return r
        run = tuple(r.strategy for r in self.results)
        raise InvalidInput("strategy", f"one of the strategies run ({run})", strategy)

    def to_records(self) -> list[dict[str, Any]]:
        """One `SimulationResult.summary` row per strategy."""
        return [r.summary() for r in self.results]

    def text(self) -> str:
        """The headline figures, one column per strategy."""
        rows: list[tuple[str, Any]] = [
            ("mean wait", lambda r: _fmt(r.wait.mean)),
            ("p90 wait", lambda r: _fmt(r.wait.p90)),
            ("waited", lambda r: _pct(r.waited_share)),
            ("mean first response", lambda r: _fmt(r.first_response.mean)),
            ("p90 first response", lambda r: _fmt(r.first_response.p90)),
            ("median resolution", lambda r: _fmt(r.resolution.p50)),
            ("SLA met", lambda r: _pct(r.summary()["sla_met"])),
            ("backlog ratio, last week", lambda r: _ratio(r.summary()["backlog_ratio_last_week"])),
            ("queue, mean / max", lambda r: f"{r.queue_mean:.2f} / {r.queue_max}"),
            ("peak load per agent", lambda r: str(max((a.peak_load for a in r.agents), default=0))),
            ("fairness", lambda r: "-" if r.fairness is None else f"{r.fairness:.3f}"),
        ]
        first = self.results[0]
        head = [f"{first.created:,} tickets, seed {first.seed}"] + [
            r.strategy or "as configured" for r in self.results
        ]
        return "\n".join(_table(head, ([title] + [fn(r) for r in self.results] for title, fn in rows)))

    def __str__(self) -> str:
        return self.text()


def _above_cap(agents: Iterable[AgentFigures]) -> list[str]:
    """The footnote to the agents whose peak held is above their cap: what took each there."""
    over = [a for a in agents if a.cap is not None and a.peak_load > a.cap]
    if not over:
        return []
    lines = [
        "  * above the cap (the cap limits what the routing hands out); times each cause took them above:"
    ]
    seen: dict[str, None] = {}
    for a in over:
        causes = ", ".join(f"{code} {n:,}" for code, n in a.above_cap) or "not recorded"
        lines.append(f"    {a.agent_id}: {causes}")
        seen.update(dict.fromkeys(code for code, _ in a.above_cap))
    lines += [f"    {code}: {ABOVE_CAP_CAUSES.get(code, code)}" for code in sorted(seen)]
    return lines


def _ratio(value: float | None) -> str:
    """Weeks to clear the backlog, to three significant digits (a healthy team is far below 1)."""
    return "-" if value is None else f"{value:.3g}"


def jain(counts: Mapping[str, int]) -> float | None:
    """Jain's fairness index ``(sum x)^2 / (n * sum x^2)``: 1 when even, 1/n when one agent got all."""
    values = list(counts.values())
    square = sum(x * x for x in values)
    return None if not values or square == 0 else sum(values) ** 2 / (len(values) * square)
