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

Staffing searches are in `_staffing` (flat) and `_block_staffing` (per block of the week);
the runs' machinery (seeds, tasks, executors) in `_runs`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import attrs

from ticketcore._errors import InvalidInput
from ticketcore.simulate._results import SimulationResult
from ticketcore.simulate._runs import (
    MAX_REPLICATIONS,
    MAX_RUNS,
    _bounds,
    _check_count,
    _execute,
    _grid_points,
    _point,
    _strategies,
    _Task,
    seed_for,
)
from ticketcore.simulate._scenario import Scenario
from ticketcore.simulate._stats import Estimate, estimate, paired

__all__ = ["Study", "replicate", "sweep"]

# -- studies -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
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
        given: object = figures
        if given is not None and (isinstance(given, str) or not isinstance(given, Iterable)):
            raise InvalidInput(
                "figures", f"a list of figure names, such as {list(self.figures[:2])}", figures
            )
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
    return Study(params=params, rows=tuple(rows), replications=replications, level=level)


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
