"""`staff`: the smallest team that meets a service level with confidence, beside Erlang C's answer.

Imports `_runs` and `_service_level`; `_block_staffing` builds on it (Erlang C per block).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import timedelta

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore.simulate._runs import (
    _UNIT,
    MAX_REPLICATIONS,
    _check_count,
    _execute,
    _point,
    _strategies,
    _Task,
    seed_for,
)
from ticketcore.simulate._scenario import Scenario
from ticketcore.simulate._service_level import ServiceLevel
from ticketcore.simulate._stats import Estimate, estimate
from ticketcore.simulate._theory import erlang_c

__all__ = ["Staffing", "staff"]


@attrs.frozen(kw_only=True)
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


def _reaches(e: Estimate, share: float) -> bool:
    """The lower bound of ``e``'s confidence interval reaches ``share``."""
    return e.low is not None and e.low >= share


def _smallest(n: int, floor: int, high: int, passes: Callable[[int], bool]) -> int | None:
    """The smallest count that passes, searched from ``n``; None when none up to ``high`` does.

    Down while the count below passes (not under ``floor``), else up to ``high``, trying
    counts in that order; assumes more agents never serve worse.
    """
    if passes(n):
        while n > floor and passes(n - 1):
            n -= 1
        return n
    while n < high:
        n += 1
        if passes(n):
            return n
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
        return _reaches(results[n], target.share)

    answer = _smallest(min(max(guess or low, low), high), low, high, passes)
    return Staffing(
        target=target, agents=answer, tried=tuple(sorted(results.items())), erlang_c=guess, level=level
    )
