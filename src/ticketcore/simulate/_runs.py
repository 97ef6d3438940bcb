"""Running many simulations: seeds, the grid's points, picklable tasks and the executor they run on.

The shared lower layer of `_study`, `_staffing` and `_block_staffing` (see `_study` for
how a study runs); imports `_engine`, `_results`, `_scenario` and `_service_level`.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, Final, TypeVar

import attrs

from ticketcore._errors import InvalidInput
from ticketcore.simulate._engine import simulate
from ticketcore.simulate._results import SimulationResult
from ticketcore.simulate._scenario import Scenario
from ticketcore.simulate._service_level import ServiceLevel

__all__ = ["InlineExecutor", "seed_for"]

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
    given: tuple[tuple[str, object], ...] = (("seed", seed), ("replication", replication))
    for name, value in given:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(name, "a whole number, at least 0", value)
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
