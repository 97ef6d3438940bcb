"""Replications, sweeps and staffing: the same tables on any executor, seeds by index, CRN."""

from __future__ import annotations

import math
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput
from ticketcore.simulate import (
    InlineExecutor,
    Scenario,
    ServiceLevel,
    SimulationResult,
    Study,
    erlang_c,
    replicate,
    seed_for,
    simulate,
    staff,
    sweep,
)
from ticketcore.simulate._runs import _Task, default_figures

SCENARIO = Scenario.from_dict(
    {
        "days": 2,
        "seed": 3,
        "arrivals": {"per_day": 100},
        "agents": {"count": 2},
        "handling": {"*": {"solve": {"exponential": "20m"}}},
        "routing": {"pools": [{"name": "team", "cap": 1, "backlog": True}], "default_pool": "team"},
    }
)
INLINE = InlineExecutor()


def longest_wait(result: SimulationResult) -> dict[str, float | None]:
    """A figure of one's own (module level, so that it pickles)."""
    return {"longest_wait_min": None if result.wait.max is None else result.wait.max / timedelta(minutes=1)}


def test_replication_zero_is_the_plain_run_and_the_others_get_derived_seeds() -> None:
    study = replicate(SCENARIO, replications=3, executor=INLINE)
    plain = default_figures(simulate(SCENARIO))
    first = study.rows[0]
    assert {k: first[k] for k in plain} == plain
    assert [r["seed"] for r in study.rows] == [3, seed_for(3, 1), seed_for(3, 2)]
    assert len({r["seed"] for r in study.rows}) == 3


def test_seeds_do_not_depend_on_strategy_or_point_common_random_numbers() -> None:
    strategies = ["sequential", "least_loaded"]
    study = sweep(SCENARIO, {"cap": [1, 2]}, strategies=strategies, replications=2, executor=INLINE)
    by_replication: dict[int, set[int]] = {}
    for row in study.rows:
        by_replication.setdefault(row["replication"], set()).add(row["seed"])
    assert all(len(seeds) == 1 for seeds in by_replication.values())
    # Every run of a replication saw the same tickets.
    created = {(r["replication"], r["created"]) for r in study.rows}
    assert len(created) == 2


@pytest.mark.parametrize(
    "make",
    [lambda: ThreadPoolExecutor(2), lambda: ProcessPoolExecutor(2)],
    ids=["threads", "processes"],
)
def test_the_same_table_on_any_executor(make: Any) -> None:
    grid = {"agents": [2, 3], "arrivals.per_day": [80, 120]}
    inline = sweep(SCENARIO, grid, replications=2, executor=INLINE, measure=longest_wait)
    with make() as pool:
        other = sweep(SCENARIO, grid, replications=2, executor=pool, measure=longest_wait)
    assert other == inline
    assert "longest_wait_min" in inline.figures


def test_the_default_executor_is_a_process_pool_and_agrees() -> None:
    assert replicate(SCENARIO, replications=2) == replicate(SCENARIO, replications=2, executor=INLINE)


@pytest.mark.slow
def test_a_dask_cluster_s_executor_gives_the_same_table() -> None:
    distributed = pytest.importorskip("distributed", reason="the 'distributed' extra is not installed")
    inline = sweep(SCENARIO, {"agents": [2, 3]}, replications=2, executor=INLINE)
    with (
        distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        found = sweep(SCENARIO, {"agents": [2, 3]}, replications=2, executor=client.get_executor())
    assert found == inline


def test_a_row_is_reproduced_by_its_seed() -> None:
    study = sweep(SCENARIO, {"agents": [3]}, replications=3, executor=INLINE)
    row = study.rows[2]
    again = Scenario.from_dict({**SCENARIO.to_dict(), "agents": {"count": 3}, "seed": row["seed"]})
    figures = default_figures(simulate(again))
    assert {k: row[k] for k in figures} == figures


def test_estimates_and_paired_differences() -> None:
    study = replicate(SCENARIO, ["sequential", "least_loaded"], replications=4, executor=INLINE)
    e = study.estimate("wait_mean_s", strategy="sequential")
    assert e.n == 4
    assert e.low is not None
    assert e.mean is not None
    assert e.high is not None
    assert e.low <= e.mean <= e.high
    d = study.difference("created", "sequential", "least_loaded")
    assert (d.mean, d.half_width) == (0.0, 0.0)  # the same tickets on both sides
    rows = study.summary_records(["wait_mean_s"])
    assert [r["strategy"] for r in rows] == ["sequential", "least_loaded"]
    assert rows[0]["wait_mean_s"] == e.mean


def test_a_tidy_table_for_pandas() -> None:
    pytest.importorskip("pandas", reason="the 'pandas' extra is not installed")
    study = sweep(SCENARIO, {"agents": [2, 3]}, replications=2, executor=INLINE)
    frame = study.to_pandas()
    assert len(frame) == 4
    assert list(frame["agents"]) == [2, 2, 3, 3]


def test_everything_a_worker_gets_pickles() -> None:
    level = ServiceLevel(metric="wait", within=timedelta(hours=1), share=0.8)
    task = _Task(0, 1, "sequential", SCENARIO.to_dict(), longest_wait, level)
    assert pickle.loads(pickle.dumps(task)) == task
    study = replicate(SCENARIO, replications=2, executor=INLINE)
    assert pickle.loads(pickle.dumps(study)) == study


@pytest.mark.parametrize(
    ("grid", "field"),
    [
        ({"arrivals.per_dya": [1]}, "arrivals.per_dya"),
        ({"agents": [0]}, "grid.agents"),
        ({"routing.pools[3].cap": [1]}, "grid.routing.pools[3].cap"),
        ({"days": []}, "grid.days"),
        ({"days": [-1]}, "days"),
    ],
)
def test_a_bad_grid_is_refused_before_any_run_naming_the_point(grid: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        sweep(SCENARIO, grid, executor=INLINE)
    assert field in e.value.field


def test_unknown_strategies_and_counts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="strateg"):
        replicate(SCENARIO, ["round_robbin"], executor=INLINE)
    with pytest.raises(InvalidInput) as e:
        replicate(SCENARIO, replications=0, executor=INLINE)
    assert e.value.field == "replications"
    with pytest.raises(InvalidInput) as e:
        replicate(SCENARIO, executor="pool")  # type: ignore[arg-type]  # the wrong type on purpose
    assert e.value.field == "executor"


def test_staffing_finds_the_smallest_team_that_passes_with_confidence() -> None:
    target = ServiceLevel(metric="wait", within=timedelta(minutes=5), share=0.8)
    result = staff(SCENARIO, target, replications=5, executor=INLINE)
    assert result.agents is not None
    tried = dict(result.tried)
    passing = tried[result.agents]
    assert passing.low is not None
    assert passing.low >= 0.8
    below = tried.get(result.agents - 1)
    assert below is None or below.low is None or below.low < 0.8
    # Erlang C's answer for the same goal: 100 tickets a day, 20 minutes each, wait <= 5 min:
    # P(wait <= t) = 1 - P(wait) * exp(-(c * mu - lambda) * t).
    assert result.erlang_c == 3
    lam, mu = 100 / 24, 3.0  # per hour
    for c, meets in ((2, False), (3, True)):
        e = erlang_c(lam, timedelta(minutes=20), c)
        assert (1 - e.p_wait * math.exp(-(c * mu - lam) / 12) >= 0.8) is meets


def test_a_service_level_counts_open_tickets_late_only_once_they_are_late() -> None:
    result = simulate(SCENARIO)
    level = ServiceLevel(metric="resolution", within=timedelta(hours=1), share=0.5)
    share = level.share_of(result)
    assert share is not None
    assert 0 <= share <= 1
    with pytest.raises(InvalidInput):
        level.share_of(simulate(SCENARIO, records=False))
    with pytest.raises(InvalidInput):
        ServiceLevel(metric="wait", within=timedelta(0), share=0.5)
    with pytest.raises(InvalidInput):
        ServiceLevel(metric="queue", within=timedelta(hours=1), share=0.5)


def test_a_study_is_a_value() -> None:
    study = replicate(SCENARIO, replications=2, executor=INLINE)
    assert isinstance(study, Study)
    assert study.points == ({},)
    assert study.strategies == (None,)
    assert study.to_records()[0]["replication"] == 0
