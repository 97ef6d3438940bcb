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
from datetime import timedelta
from typing import Any, Final, TypeVar

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Priority
from ticketcore.simulate._engine import simulate
from ticketcore.simulate._results import SimulationResult
from ticketcore.simulate._scenario import Scenario
from ticketcore.simulate._stats import Estimate, estimate, paired
from ticketcore.simulate._theory import erlang_c

__all__ = [
    "InlineExecutor",
    "ServiceLevel",
    "Staffing",
    "Study",
    "replicate",
    "seed_for",
    "staff",
    "sweep",
]

#: The most runs one study may ask for.
MAX_RUNS: Final = 100_000
#: The most replications per point.
MAX_REPLICATIONS: Final = 10_000

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
        return estimate(self._values(figure, point, strategy), self.level)

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
            value = getattr(t, self.metric)
            if value is None:
                if result.end - t.created <= self.within:
                    continue  # still open and not yet late: undecided
                decided += 1
                continue
            decided += 1
            met += value <= self.within
        return met / decided if decided else None


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


def _erlang_agents(scenario: Scenario, target: ServiceLevel, high: int) -> int | None:
    """The smallest c with ``P(wait <= within) >= share`` in M/M/c (Erlang C)."""
    per_hour = scenario.arrivals.per_day / 24
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
            results[n] = estimate(values, level)
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
