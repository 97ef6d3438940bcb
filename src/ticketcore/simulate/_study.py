"""Replications, sweeps and staffing: the simulator's answers with their error bars.

Theory of operation
-------------------
A *study* runs a scenario many times: at every point of a grid over scenario fields
(`sweep`), for every strategy asked for, and for R replications of each (`replicate` is
a sweep of one point). Each run is a *task*, a plain picklable value (the scenario's
dict form, the strategy, the seed, the indices), and runs through any
`concurrent.futures.Executor`: a process pool over the local cores by default,
`InlineExecutor` to stay in this process, or a cluster's executor
(``dask.distributed.Client(...).get_executor()``). Results are collected by index, never
by completion order, so a study gives the same table on any executor and any number of
workers.

Seeds: replication 0 runs on the scenario's own seed (so ``simulate(scenario)`` is
replication 0), replication r > 0 on a seed derived from the scenario's seed and r. The
seed does not depend on the point or the strategy: replication r of every point and
every strategy sees the same tickets (common random numbers), so differences between
points and strategies come from the policies, and paired differences have narrow
intervals.

Each run yields one row of figures: by default the numbers of
`SimulationResult.summary` and the agents' mean utilisation (time working); ``measure`` (a module-level
function, so that it pickles) adds one's own.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Priority
from ticketcore._time import WEEKDAYS
from ticketcore.simulate._engine import simulate
from ticketcore.simulate._results import SimulationResult, TicketOutcome
from ticketcore.simulate._scenario import Scenario
from ticketcore.simulate._stats import Estimate, estimate, paired
from ticketcore.simulate._theory import erlang_c

__all__ = [
    "Block",
    "BlockStaffing",
    "InlineExecutor",
    "ServiceLevel",
    "Staffing",
    "Study",
    "replicate",
    "seed_for",
    "staff",
    "staff_blocks",
    "sweep",
]

#: The most runs one study may ask for.
MAX_RUNS: Final = 100_000
#: The most replications per point.
MAX_REPLICATIONS: Final = 10_000
#: Figures that are shares: their confidence intervals are clamped to [0, 1].
_SHARES: Final = frozenset({"waited_share", "sla_met", "service_level", "utilisation_mean", "fairness"})
_UNIT: Final = (0.0, 1.0)


def _bounds(figure: str) -> tuple[float, float] | None:
    return _UNIT if figure in _SHARES else None


_T = TypeVar("_T")


class InlineExecutor(Executor):
    """An executor that runs each task at once, in this process (notebooks, tests, one core)."""

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        """Run ``fn(*args, **kwargs)`` now; the future is already done."""
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as e:  # the caller's .result() raises it, as a pool's would
            future.set_exception(e)
        return future


def seed_for(seed: int, replication: int) -> int:
    """The seed of replication ``replication`` of a scenario whose seed is ``seed``.

    Replication 0 keeps ``seed``; the others take the first 63 bits of
    ``sha256("ticketcore/replication/{seed}/{replication}")``, the same on every machine.
    """
    if replication == 0:
        return seed
    digest = hashlib.sha256(f"ticketcore/replication/{seed}/{replication}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


# -- grids ---------------------------------------------------------------------------

_INDEX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$")


def _set_path(data: dict[str, Any], key: str, value: object) -> None:
    """Set a dotted path (``arrivals.per_day``, ``routing.pools[0].cap``) in a scenario's dict form."""
    parts = key.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        m = _INDEX.match(part)
        name, index = (m.group(1), int(m.group(2))) if m else (part, None)
        if not isinstance(node, dict):
            raise InvalidInput(f"grid.{key}", "a path into the scenario's dict form", key)
        if index is None:
            if last:
                node[name] = value
                return
            node = node.setdefault(name, {})
            continue
        seq = node.get(name)
        if not isinstance(seq, list) or not 0 <= index < len(seq):
            raise InvalidInput(f"grid.{key}", f"an index into the list {name!r}", part)
        if last:
            seq[index] = value
            return
        node = seq[index]


def _set_agents(data: dict[str, Any], count: object) -> None:
    """``agents``: that many agents like the scenario's (which must differ only by id)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidInput("grid.agents", "a whole number of agents, at least 1", count)
    agents = data["agents"]
    shared = [{k: v for k, v in a.items() if k != "id"} for a in agents]
    if any(s != shared[0] for s in shared):
        raise InvalidInput(
            "grid.agents",
            "a scenario whose agents differ only by id (sweep 'agents' as a list of agents instead)",
            count,
        )
    data["agents"] = {"count": count, **shared[0]}


def _set_cap(data: dict[str, Any], cap: object) -> None:
    """``cap``: every pool's cap (a strategy variant that sets its own cap still wins)."""
    for pool in data["routing"]["pools"]:
        pool["cap"] = cap


#: Grid keys with a meaning of their own; any other key is a dotted path.
_SHORTHANDS: Final[Mapping[str, Callable[[dict[str, Any], object], None]]] = {
    "agents": lambda d, v: _set_agents(d, v) if not isinstance(v, list) else d.__setitem__("agents", v),
    "cap": _set_cap,
}


def _point(scenario: Scenario, values: Mapping[str, object]) -> dict[str, Any]:
    """The dict form of ``scenario`` with a grid point's values set (``strategy`` is not set here)."""
    data = scenario.to_dict()
    for key, value in values.items():
        if key == "strategy":
            continue
        setter = _SHORTHANDS.get(key)
        if setter is not None:
            setter(data, value)
        else:
            _set_path(data, key, value)
    return data


def _grid_points(grid: Mapping[str, Sequence[object]]) -> list[dict[str, object]]:
    """Every combination of the grid's values, the first key varying slowest."""
    given: object = grid
    if not isinstance(given, Mapping):
        raise InvalidInput("grid", "a mapping of scenario fields to lists of values", grid)
    points: list[dict[str, object]] = [{}]
    for key, values in given.items():
        if not isinstance(key, str) or not key:
            raise InvalidInput("grid", "field names as keys", key)
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise InvalidInput(f"grid.{key}", "a non-empty list of values", values)
        points = [{**p, key: v} for p in points for v in values]
    return points


# -- tasks ---------------------------------------------------------------------------


@attrs.frozen
class _Task:
    """One run: everything a worker needs, as plain values (it pickles)."""

    point: int
    replication: int
    strategy: str | None
    scenario: dict[str, Any]
    measure: Callable[[SimulationResult], Mapping[str, float | None]] | None
    level: ServiceLevel | None


def default_figures(result: SimulationResult) -> dict[str, float | None]:
    """The numbers of ``result.summary()`` (seed and names left out) and the agents' mean utilisation."""
    out: dict[str, float | None] = {}
    for key, value in result.summary().items():
        if key in ("scenario", "strategy", "seed"):
            continue
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            out[key] = value
    working = [a.utilisation for a in result.agents]
    out["utilisation_mean"] = math.fsum(working) / len(working) if working else None
    return out


def _run(task: _Task) -> dict[str, float | None]:
    """Run one task (in whatever process the executor chose)."""
    scenario = Scenario.from_dict(task.scenario)
    result = simulate(scenario, task.strategy, records=task.level is not None)
    figures = default_figures(result)
    if task.measure is not None:
        figures.update(task.measure(result))
    if task.level is not None:
        figures["service_level"] = task.level.share_of(result)
    return figures


def _executor(executor: Executor | None, tasks: int) -> tuple[Executor, bool]:
    """The executor to use, and whether this call owns it (and must shut it down)."""
    if executor is not None:
        if not isinstance(executor, Executor):
            raise InvalidInput("executor", "a concurrent.futures.Executor", executor)
        return executor, False
    workers = min(tasks, os.cpu_count() or 1)
    if workers <= 1:
        return InlineExecutor(), True
    return ProcessPoolExecutor(max_workers=workers), True


def _execute(
    tasks: list[_Task],
    executor: Executor | None,
    progress: Callable[[float], None] | None,
) -> list[dict[str, float | None]]:
    pool, owned = _executor(executor, len(tasks))
    try:
        futures = [pool.submit(_run, task) for task in tasks]
        out: list[dict[str, float | None]] = []
        for i, future in enumerate(futures):  # by index: the same table on any executor
            out.append(future.result())
            if progress is not None:
                progress((i + 1) / len(futures))
        return out
    finally:
        if owned:
            pool.shutdown(cancel_futures=True)


# -- studies -------------------------------------------------------------------------


@attrs.frozen
class Study:
    """The runs of a sweep or of replications, one row each, and their estimates.

    ``params`` are the grid's keys; ``rows`` hold, per run, the point's values, the
    ``strategy``, the ``replication``, its ``seed`` and every figure (None where a run
    could not give one). `estimate` and `difference` give means with ``level``
    confidence intervals over replications.
    """

    params: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...]
    replications: int
    level: float = 0.95

    @property
    def figures(self) -> tuple[str, ...]:
        """The names of the figures each row carries."""
        fixed = {*self.params, "point", "strategy", "replication", "seed"}
        return tuple(k for k in self.rows[0] if k not in fixed) if self.rows else ()

    @property
    def points(self) -> tuple[Mapping[str, Any], ...]:
        """The grid's points, in order (``{}`` for plain replications)."""
        seen: dict[int, Mapping[str, Any]] = {}
        for row in self.rows:
            seen.setdefault(row["point"], {k: row[k] for k in self.params})
        return tuple(seen[i] for i in sorted(seen))

    @property
    def strategies(self) -> tuple[str | None, ...]:
        """The strategies run, in order."""
        return tuple(dict.fromkeys(row["strategy"] for row in self.rows))

    def _values(self, figure: str, point: int, strategy: str | None) -> list[float | None]:
        if figure not in self.figures:
            raise InvalidInput.unknown_key("figure", figure, self.figures, "figures")
        rows = sorted(
            (r for r in self.rows if r["point"] == point and r["strategy"] == strategy),
            key=lambda r: r["replication"],
        )
        if not rows:
            raise InvalidInput("strategy", f"one of the strategies run ({self.strategies})", strategy)
        return [r[figure] for r in rows]

    def estimate(self, figure: str, *, strategy: str | None = None, point: int = 0) -> Estimate:
        """A figure's mean over the replications of one point and strategy, with its interval.

        ``strategy`` defaults to the only (or first) strategy run.
        """
        if strategy is None:
            strategy = self.strategies[0]
        return estimate(self._values(figure, point, strategy), self.level, bounds=_bounds(figure))

    def difference(self, figure: str, a: str | None, b: str | None, *, point: int = 0) -> Estimate:
        """The paired difference ``b - a`` of a figure between two strategies (same seeds), with its CI."""
        return paired(self._values(figure, point, a), self._values(figure, point, b), self.level)

    def to_records(self) -> list[dict[str, Any]]:
        """The tidy table: one dict per run."""
        return [dict(r) for r in self.rows]

    def summary_records(self, figures: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """One dict per point and strategy: each figure's mean, ``_low`` and ``_high``."""
        names = tuple(self.figures if figures is None else figures)
        out = []
        for i, point in enumerate(self.points):
            for strategy in self.strategies:
                row: dict[str, Any] = {**point, "strategy": strategy}
                for name in names:
                    e = self.estimate(name, strategy=strategy, point=i)
                    row[name], row[f"{name}_low"], row[f"{name}_high"] = e.mean, e.low, e.high
                out.append(row)
        return out

    def to_pandas(self) -> Any:
        """The tidy table as a `pandas.DataFrame` (needs the ``pandas`` extra)."""
        try:
            pd: Any = importlib.import_module("pandas")  # an optional extra
        except ImportError:
            raise InvalidInput("pandas", "pandas installed (the 'pandas' extra)", None) from None
        return pd.DataFrame(self.to_records())


def _check_count(value: object, field: str, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise InvalidInput(field, f"a whole number from 1 to {most:,}", value)
    return value


def _strategies(scenario: Scenario, strategies: Sequence[str | None] | None) -> list[str | None]:
    if strategies is None:
        return [scenario.strategy]
    given: object = strategies
    if isinstance(given, str) or not isinstance(given, Sequence) or not strategies:
        raise InvalidInput("strategies", "a non-empty list of strategy names", strategies)
    for name in strategies:
        scenario.routing_for(name)  # an unknown name raises here, before any run
    return list(strategies)


def sweep(
    scenario: Scenario,
    grid: Mapping[str, Sequence[object]],
    *,
    strategies: Sequence[str | None] | None = None,
    replications: int = 1,
    level: float = 0.95,
    executor: Executor | None = None,
    measure: Callable[[SimulationResult], Mapping[str, float | None]] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Study:
    """Run ``scenario`` at every point of ``grid``, for each strategy, ``replications`` times each.

    ``grid`` maps scenario fields to the values to try: a dotted path into the
    scenario's dict form (``arrivals.per_day``, ``routing.pools[0].cap``,
    ``customers.reply_probability``), ``agents`` (a number: that many agents like the
    scenario's), ``cap`` (every pool's cap) or ``strategy`` (a variant name). Every
    point is built and checked before the first run starts.

    Raises:
        InvalidInput: a bad grid key or value (naming it), an unknown strategy, too many runs.

    """
    if not isinstance(scenario, Scenario):
        raise InvalidInput("scenario", "a ticketcore.simulate.Scenario", scenario)
    replications = _check_count(replications, "replications", MAX_REPLICATIONS)
    points = _grid_points(grid)
    names = _strategies(scenario, strategies)
    if "strategy" in grid and strategies is not None:
        raise InvalidInput("strategies", "either a 'strategy' grid key or strategies, not both", strategies)
    tasks: list[_Task] = []
    built: list[dict[str, Any]] = []
    checked: list[Scenario] = []
    for i, values in enumerate(points):
        data = _point(scenario, values)
        try:
            checked.append(Scenario.from_dict(data))  # checked now, not in a worker an hour later
        except InvalidInput as e:
            shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
            raise InvalidInput(f"grid point {i} ({shown}): {e.field}", e.expected, e.value) from None
        built.append(data)
    total = len(points) * len(names) * replications
    if total > MAX_RUNS:
        raise InvalidInput("grid", f"at most {MAX_RUNS:,} runs in one study", total)
    for i, values in enumerate(points):
        runs = [values["strategy"]] if "strategy" in values else names
        for strategy in runs:
            if isinstance(strategy, str) or strategy is None:
                checked[i].routing_for(strategy)
            else:
                raise InvalidInput("grid.strategy", "strategy names", strategy)
            for r in range(replications):
                data = dict(built[i], seed=seed_for(scenario.seed, r))
                tasks.append(_Task(i, r, strategy, data, measure, None))
    figures = _execute(tasks, executor, progress)
    rows = []
    for task, found in zip(tasks, figures, strict=True):
        point = {k: v for k, v in points[task.point].items() if k != "strategy"}
        rows.append(
            {
                "point": task.point,
                **point,
                "strategy": task.strategy,
                "replication": task.replication,
                "seed": task.scenario["seed"],
                **found,
            }
        )
    params = tuple(k for k in grid if k != "strategy")
    return Study(params, tuple(rows), replications, level)


def replicate(
    scenario: Scenario,
    strategies: Sequence[str | None] | None = None,
    *,
    replications: int = 10,
    level: float = 0.95,
    executor: Executor | None = None,
    measure: Callable[[SimulationResult], Mapping[str, float | None]] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Study:
    """Run ``scenario`` ``replications`` times per strategy; every figure with its confidence interval.

    Strategies share the seeds (common random numbers): `Study.difference` gives the
    paired difference of a figure between two of them.

    >>> from ticketcore.simulate import InlineExecutor, Scenario, replicate
    >>> scenario = Scenario.from_dict({"days": 2, "seed": 3,
    ...     "arrivals": {"per_day": 100}, "agents": {"count": 2},
    ...     "handling": {"*": {"solve": {"exponential": "20m"}}},
    ...     "routing": {"pools": [{"name": "team", "cap": 1, "backlog": True}], "default_pool": "team"}})
    >>> study = replicate(scenario, ["sequential", "least_loaded"], replications=4, executor=InlineExecutor())
    >>> study.estimate("wait_mean_s", strategy="sequential").n
    4
    """
    return sweep(
        scenario,
        {},
        strategies=strategies,
        replications=replications,
        level=level,
        executor=executor,
        measure=measure,
        progress=progress,
    )


# -- staffing ------------------------------------------------------------------------

_METRICS: Final = ("wait", "first_response", "resolution")


@attrs.frozen
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


@attrs.frozen
class Staffing:
    """The smallest team that meets a service level with confidence, and the search behind it.

    ``agents`` is the answer (None if even ``high`` agents did not), ``tried`` each
    team size run with its estimated service level, ``erlang_c`` the textbook answer
    for the same goal on the wait to an agent (M/M/c at the run's mean arrival rate and
    mean handling time; None when no team size up to ``high`` settles).
    """

    target: ServiceLevel
    agents: int | None
    tried: tuple[tuple[int, Estimate], ...]
    erlang_c: int | None
    level: float


def _mean_handling(scenario: Scenario) -> timedelta:
    """The mean solve time over the scenario's mix of channels and priorities."""
    a = scenario.arrivals
    channels = sum(w for _, w in a.channels)
    priorities = sum(w for _, w in a.priorities)
    total = 0.0
    for channel, cw in a.channels:
        for name, pw in a.priorities:
            handling = scenario.handling_for(channel, Priority.parse(name))
            total += (cw / channels) * (pw / priorities) * (handling.solve.mean / timedelta(seconds=1))
    return timedelta(seconds=total)


def _erlang_agents(
    scenario: Scenario, target: ServiceLevel, high: int, per_hour: float | None = None
) -> int | None:
    """The smallest c with ``P(wait <= within) >= share`` in M/M/c (Erlang C).

    ``per_hour``: the arrival rate (default: the scenario's mean over the week).
    """
    per_hour = scenario.arrivals.per_day / 24 if per_hour is None else per_hour
    handling = _mean_handling(scenario)
    mu = timedelta(hours=1) / handling  # per hour
    t = target.within / timedelta(hours=1)
    for c in range(1, high + 1):
        try:
            e = erlang_c(per_hour, handling, c)
        except InvalidInput:
            continue  # the queue does not settle with c agents
        if 1 - e.p_wait * math.exp(-(c * mu - per_hour) * t) >= target.share:
            return c
    return None


def staff(
    scenario: Scenario,
    target: ServiceLevel,
    *,
    strategy: str | None = None,
    replications: int = 10,
    level: float = 0.95,
    low: int = 1,
    high: int = 200,
    executor: Executor | None = None,
    progress: Callable[[float], None] | None = None,
) -> Staffing:
    """The smallest number of agents whose service level meets ``target`` with ``level`` confidence.

    A team size passes when the lower bound of its service level's confidence interval
    (over ``replications`` runs, the same seeds for every size) is at least
    ``target.share``. The search starts from the Erlang C answer (clamped to
    ``[low, high]``), walks down while the size below passes and up until one passes;
    it assumes more agents never serve worse. Agents are the scenario's, as many as
    needed (they must differ only by id).
    """
    if not isinstance(target, ServiceLevel):
        raise InvalidInput("target", "a ticketcore.simulate.ServiceLevel", target)
    low = _check_count(low, "low", 10_000)
    high = _check_count(high, "high", 10_000)
    if high < low:
        raise InvalidInput("high", f"at least low ({low})", high)
    replications = _check_count(replications, "replications", MAX_REPLICATIONS)
    names = _strategies(scenario, [strategy] if strategy is not None else None)
    _point(scenario, {"agents": low})  # the agents must differ only by id: said now
    guess = _erlang_agents(scenario, target, high)
    results: dict[int, Estimate] = {}

    def passes(n: int) -> bool:
        if n not in results:
            data = _point(scenario, {"agents": n})
            tasks = [
                _Task(0, r, names[0], dict(data, seed=seed_for(scenario.seed, r)), None, target)
                for r in range(replications)
            ]
            values = [row["service_level"] for row in _execute(tasks, executor, None)]
            results[n] = estimate(values, level, bounds=_UNIT)
            if progress is not None:
                progress(len(results) / (high - low + 1))
        e = results[n]
        return e.low is not None and e.low >= target.share

    n = min(max(guess or low, low), high)
    answer: int | None
    if passes(n):
        while n > low and passes(n - 1):
            n -= 1
        answer = n
    else:
        answer = None
        while n < high:
            n += 1
            if passes(n):
                answer = n
                break
    return Staffing(target, answer, tuple(sorted(results.items())), guess, level)


# -- staffing per block of the week ----------------------------------------------------

_HOURS_OF_WEEK: Final = 168
_BLOCK: Final = re.compile(
    r"^\s*(?P<days>[a-z*][a-z,\-*]*)\s+(?P<start>\d{1,2})(?::00)?\s*-\s*(?P<end>\d{1,2})(?::00)?\s*$"
)
_EVERY_DAY: Final = frozenset({"*", "daily", "all"})


def _days_of(text: str, field: str, spec: object) -> list[int]:
    """``mon-fri``, ``sat,sun``, ``*``: weekday indices, Monday 0."""
    if text in _EVERY_DAY:
        return list(range(7))
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise InvalidInput(field, "days such as mon, mon-fri, sat,sun or * before the hours", spec)
        a = WEEKDAYS.index(first)
        b = WEEKDAYS.index(last) if last else a
        if b < a:
            raise InvalidInput(field, "a range of days from Monday towards Sunday, such as mon-fri", spec)
        out += range(a, b + 1)
    return out


def _parse_block(spec: object, field: str) -> tuple[str, frozenset[int]]:
    """``"mon-fri 08-12"``: the block's name (the text, tidied) and its hours of the week."""
    if not isinstance(spec, str):
        raise InvalidInput(field, "a block such as 'mon-fri 08-12' (days, then whole hours from-to)", spec)
    m = _BLOCK.match(spec.casefold())
    if m is None:
        raise InvalidInput(field, "a block such as 'mon-fri 08-12' (days, then whole hours from-to)", spec)
    start, end = int(m["start"]), int(m["end"])
    if not 0 <= start < end <= 24:
        raise InvalidInput(
            field, "hours from 00 to 24, the start before the end (split a night in two)", spec
        )
    days = _days_of(m["days"], field, spec)
    hours = frozenset(d * 24 + h for d in days for h in range(start, end))
    return f"{m['days']} {start:02d}-{end:02d}", hours


def _blocks(blocks: object) -> list[tuple[str, frozenset[int]]]:
    """Blocks from a length in hours (dividing 24) or a list of block texts; no hour in two blocks."""
    if isinstance(blocks, int) and not isinstance(blocks, bool):
        if blocks < 1 or 24 % blocks:
            raise InvalidInput(
                "blocks", "a block length in hours that divides a day (1, 2, 3, 4, 6, 8, 12, 24)", blocks
            )
        return [
            (f"{WEEKDAYS[d]} {h:02d}-{h + blocks:02d}", frozenset(range(d * 24 + h, d * 24 + h + blocks)))
            for d in range(7)
            for h in range(0, 24, blocks)
        ]
    if isinstance(blocks, str | bytes) or not isinstance(blocks, Sequence) or not blocks:
        raise InvalidInput(
            "blocks", "a block length in hours, or a non-empty list of blocks such as 'mon-fri 08-12'", blocks
        )
    if len(blocks) > _HOURS_OF_WEEK:
        raise InvalidInput(
            "blocks", f"at most {_HOURS_OF_WEEK} blocks (one per hour of the week)", len(blocks)
        )
    out: list[tuple[str, frozenset[int]]] = []
    owner: dict[int, str] = {}
    for i, spec in enumerate(blocks):
        name, hours = _parse_block(spec, f"blocks[{i}]")
        clash = sorted(hours & owner.keys())
        if clash:
            h = clash[0]
            raise InvalidInput(
                f"blocks[{i}]",
                f"a block sharing no hour with another "
                f"({WEEKDAYS[h // 24]} {h % 24:02d}:00 is in {owner[h]!r})",
                spec,
            )
        owner.update(dict.fromkeys(hours, name))
        out.append((name, hours))
    return sorted(out, key=lambda b: min(b[1]))  # week order, from Monday 00:00


def _shift(hours: frozenset[int], zone: str) -> dict[str, Any]:
    """The dict form of a shift calendar open in ``hours`` (hours of the week, local time)."""
    days: dict[str, list[str]] = {}
    for d in range(7):
        h = 0
        while h < 24:
            if d * 24 + h not in hours:
                h += 1
                continue
            end = h
            while end < 24 and d * 24 + end in hours:
                end += 1
            days.setdefault(WEEKDAYS[d], []).append(f"{h:02d}:00-{end:02d}:00")
            h = end
    return {"timezone": zone, "hours": days}


def _scheduled(
    data: dict[str, Any], blocks: Sequence[tuple[str, frozenset[int]]], counts: Sequence[int], zone: str
) -> dict[str, Any]:
    """``data`` (a scenario's dict form) with agent i on shift in the blocks that need at least i agents."""
    shared = data["agents"][0]
    top = max(counts)
    width = len(str(top))
    agents = []
    for i in range(1, top + 1):
        hours = frozenset().union(*(h for (_, h), n in zip(blocks, counts, strict=True) if n >= i))
        agent = {**shared, "id": f"agent{i:0{width}d}"}
        if len(hours) < _HOURS_OF_WEEK:  # on all week: no shift (a calendar that never closes has none)
            agent["shift"] = _shift(hours, zone)
        agents.append(agent)
    return {**data, "agents": agents}


def _block_shares(
    target: ServiceLevel, of_hour: tuple[int, ...], blocks: int, zone: str, result: SimulationResult
) -> dict[str, float | None]:
    """Each block's service level: ``block{k}``, over the tickets created in block k (local time)."""
    met = [0] * blocks
    decided = [0] * blocks
    tz = ZoneInfo(zone)
    for t in result.tickets or ():
        local = t.created.astimezone(tz)
        k = of_hour[local.weekday() * 24 + local.hour]
        if k < 0:
            continue  # created outside every block: not measured
        verdict = target.met(t, result.end)
        if verdict is not None:
            decided[k] += 1
            met[k] += verdict
    return {f"block{k}": met[k] / decided[k] if decided[k] else None for k in range(blocks)}


@attrs.frozen
class Block:
    """One block of the week in `BlockStaffing`: its answer, the textbook's, and the search behind it.

    ``name`` is the block as given (``mon-fri 08-12``); ``per_hour`` its mean arrival rate
    (tickets an hour, from the scenario's arrival profile); ``erlang_c`` the Erlang C agents
    for the goal at that rate (None: no arrivals, or none up to ``high`` settles);
    ``agents`` the simulated answer (None: even ``high`` did not pass); ``attainment`` the
    block's service level in the final schedule (every block at its answer), with its
    interval clamped to [0, 1]; ``tried`` each count run while searching the block.
    """

    name: str
    hours: frozenset[int]
    per_hour: float
    erlang_c: int | None
    agents: int | None
    attainment: Estimate
    tried: tuple[tuple[int, Estimate], ...]

    def meets(self, share: float) -> bool:
        """The lower bound of the attainment's interval reaches ``share``."""
        low = self.attainment.low
        return low is not None and low >= share


@attrs.frozen
class BlockStaffing:
    """The smallest number of agents per block of the week meeting a service level with confidence.

    ``blocks`` in week order (from Monday 00:00); ``scenario`` is the scenario with that
    schedule (agent i on shift in the blocks that need at least i agents; a block not met
    at ``high`` agents has ``high``), ready for `simulate`.
    """

    target: ServiceLevel
    blocks: tuple[Block, ...]
    scenario: Scenario
    replications: int
    level: float

    def schedule(self) -> dict[str, int | None]:
        """The agents per block, by block name."""
        return {b.name: b.agents for b in self.blocks}

    def to_records(self) -> list[dict[str, Any]]:
        """One row per block: arrivals an hour, Erlang C, simulated agents, attainment and its interval."""
        return [
            {
                "block": b.name,
                "per_hour": b.per_hour,
                "erlang_c": b.erlang_c,
                "agents": b.agents,
                "attainment": b.attainment.mean,
                "attainment_low": b.attainment.low,
                "attainment_high": b.attainment.high,
                "meets": b.meets(self.target.share),
            }
            for b in self.blocks
        ]


def _hourly_rates(scenario: Scenario) -> list[float]:
    """Tickets an hour in each hour of the week (local time), from the arrival profile."""
    a = scenario.arrivals
    weekly = sum(sum(day) for day in a.profile)
    return [a.profile[d][h] * a.per_day * 7 / weekly for d in range(7) for h in range(24)]


def _covered(scenario: Scenario) -> set[int]:
    """The hours of the week (local time) the run passes through."""
    zone = scenario.zone
    start = datetime.combine(scenario.start, datetime.min.time(), zone)
    hours = min(_HOURS_OF_WEEK, math.ceil(scenario.days * 24))
    out: set[int] = set()
    for i in range(hours):  # wall-clock hours from local midnight: DST moves one hour at most
        local = (start + timedelta(hours=i)).astimezone(zone)
        out.add(local.weekday() * 24 + local.hour)
    return out


def staff_blocks(
    scenario: Scenario,
    target: ServiceLevel,
    blocks: int | Sequence[str],
    *,
    strategy: str | None = None,
    replications: int = 10,
    level: float = 0.95,
    low: int = 1,
    high: int = 200,
    executor: Executor | None = None,
    progress: Callable[[float], None] | None = None,
) -> BlockStaffing:
    """The smallest number of agents in each block of the week that meets ``target`` with confidence.

    ``blocks`` is a block length in hours (dividing 24: ``4`` makes ``mon 00-04``,
    ``mon 04-08`` ...) or a list of blocks such as ``["mon-fri 08-12", "mon-fri 12-18",
    "sat-sun 10-16"]`` (days, then whole local hours; no hour in two blocks). Hours in
    no block have nobody on shift, and their tickets are not measured.

    How it runs: the scenario's agents (alike but for their ids, with no shift of their
    own) are numbered, and agent i is on shift (`ticketcore.assign.Agent.shift`) in the
    blocks that need at least i agents; pools pass over agents off shift. A block's
    service level counts the tickets created in it, wherever they are served. The blocks
    are settled one by one in week order, each holding the earlier ones at their answer
    and the later ones at their Erlang C estimate: the search starts from the block's
    Erlang C count (at its mean arrival rate), walks down while one agent fewer passes
    and up until one passes. A count passes when the lower bound of the block's
    ``level`` confidence interval over ``replications`` runs (the same seeds for every
    candidate) reaches ``target.share``. A block without arrivals gets ``low`` agents.
    The attainment reported is that of the final schedule.

    Raises:
        InvalidInput: bad blocks (naming the block), a block the run never reaches, agents
            that differ or have a shift, a pool that does not check shifts, fewer than 2
            replications, bad bounds.

    """
    if not isinstance(scenario, Scenario):
        raise InvalidInput("scenario", "a ticketcore.simulate.Scenario", scenario)
    if not isinstance(target, ServiceLevel):
        raise InvalidInput("target", "a ticketcore.simulate.ServiceLevel", target)
    parsed = _blocks(blocks)
    given: object = low
    if isinstance(given, bool) or not isinstance(given, int) or not 0 <= low <= 10_000:
        raise InvalidInput("low", "a whole number from 0 to 10,000 (0: a block may have nobody)", low)
    high = _check_count(high, "high", 10_000)
    if high < max(low, 1):
        raise InvalidInput("high", f"at least low ({low}) and 1", high)
    replications = _check_count(replications, "replications", MAX_REPLICATIONS)
    if replications < 2:
        raise InvalidInput("replications", "at least 2 (one run says nothing about its spread)", replications)
    names = _strategies(scenario, [strategy] if strategy is not None else None)
    for i, agent in enumerate(scenario.agents):
        if agent.shift is not None:
            raise InvalidInput(
                f"agents[{i}].shift", "agents without a shift (the blocks set every agent's shift)", agent.id
            )
    for i, pool in enumerate(scenario.routing_for(names[0]).pools):
        if not pool.check_shift:
            raise InvalidInput(
                f"routing.pools[{i}].check_shift",
                "True: staffing per block schedules agents by shifts",
                pool.check_shift,
            )
    base = _point(scenario, {"agents": 1})  # the agents must differ only by id: said now
    base["agents"] = [{k: v for k, v in base["agents"].items() if k != "count"}]
    covered = _covered(scenario)
    for name, hours in parsed:
        if not hours & covered:
            raise InvalidInput(
                "blocks",
                f"blocks the run reaches (it lasts {scenario.days:g} days from {scenario.start})",
                name,
            )
    rates = _hourly_rates(scenario)
    of_hour = [-1] * _HOURS_OF_WEEK
    for k, (_, hours) in enumerate(parsed):
        for h in hours:
            of_hour[h] = k
    per_hour = [math.fsum(rates[h] for h in hours) / len(hours) for _, hours in parsed]
    if not any(per_hour):
        raise InvalidInput("blocks", "at least one block with arrivals (see arrivals.profile)", blocks)
    erlang = [_erlang_agents(scenario, target, high, r) if r > 0 else None for r in per_hour]
    counts = [
        low if r == 0 else min(max(e or high, low, 1), high) for r, e in zip(per_hour, erlang, strict=True)
    ]
    measure = partial(_block_shares, target, tuple(of_hour), len(parsed), scenario.timezone)
    zone = scenario.timezone
    Scenario.from_dict(_scheduled(base, parsed, counts, zone))  # a bad schedule is said before any run
    seen: dict[tuple[int, ...], list[Estimate]] = {}

    def evaluate(candidate: list[int]) -> list[Estimate]:
        key = tuple(candidate)
        if key not in seen:
            data = _scheduled(base, parsed, candidate, zone)
            tasks = [
                _Task(0, r, names[0], dict(data, seed=seed_for(scenario.seed, r)), measure, target)
                for r in range(replications)
            ]
            rows = _execute(tasks, executor, None)
            seen[key] = [
                estimate([row[f"block{k}"] for row in rows], level, bounds=_UNIT) for k in range(len(parsed))
            ]
        return seen[key]

    tried: list[dict[int, Estimate]] = [{} for _ in parsed]
    answers: list[int | None] = [None] * len(parsed)
    for k in range(len(parsed)):
        if per_hour[k] == 0:
            answers[k] = counts[k] = low
            continue
        floor = max(low, 1)

        def passes(n: int, k: int = k) -> bool:
            e = evaluate([*counts[:k], n, *counts[k + 1 :]])[k]
            tried[k][n] = e
            return e.low is not None and e.low >= target.share

        n = counts[k]
        if passes(n):
            while n > floor and passes(n - 1):
                n -= 1
            answers[k] = n
        else:
            while n < high:
                n += 1
                if passes(n):
                    answers[k] = n
                    break
        counts[k] = n
        if progress is not None:
            progress((k + 1) / len(parsed))
    final = evaluate(counts)
    out = tuple(
        Block(name, hours, per_hour[k], erlang[k], answers[k], final[k], tuple(sorted(tried[k].items())))
        for k, (name, hours) in enumerate(parsed)
    )
    return BlockStaffing(
        target, out, Scenario.from_dict(_scheduled(base, parsed, counts, zone)), replications, level
    )
