"""Benchmark: a sweep of 20 points x 5 replications with one worker process and with two.

The scenario is a small team over a week (about 200 tickets a day, 20-minute handling, a cap
of 2); the grid sweeps the number of agents (4 values) and the arrival rate (5 values). The
same study runs through ``ProcessPoolExecutor(1)`` and ``ProcessPoolExecutor(2)``; the tables
must be equal, and the speed-up of two workers over one is printed (target: at least 1.8x on
a 2-core machine). Also printed: the same study in this process (``InlineExecutor``), the
floor without any pool.

Run: ``python benchmarks/bench_sweep.py [--days D] [--replications R]``.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

from ticketcore.simulate import InlineExecutor, Scenario, sweep


def scenario(days: float) -> Scenario:
    """A small team over ``days`` days."""
    return Scenario.from_dict(
        {
            "days": days,
            "seed": 5,
            "arrivals": {"per_day": 200, "channels": {"email": 0.7, "chat": 0.3}},
            "agents": {"count": 4},
            "handling": {"*": {"solve": {"exponential": "20m"}, "first_response": {"exponential": "5m"}}},
            "routing": {"pools": [{"name": "team", "cap": 2, "backlog": True}], "default_pool": "team"},
        }
    )


def main() -> None:
    """Run the study three ways and print the times and the speed-up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--replications", type=int, default=5)
    args = parser.parse_args()
    s = scenario(args.days)
    grid = {"agents": [3, 4, 5, 6], "arrivals.per_day": [120, 160, 200, 240, 280]}
    runs = 20 * args.replications
    cores = os.cpu_count()
    print(f"{runs} runs (20 points x {args.replications} replications), {args.days:g} days; {cores} cores")
    times = {}
    tables = {}
    for label, make in (
        ("in this process", InlineExecutor),
        ("1 worker process", lambda: ProcessPoolExecutor(1)),
        ("2 worker processes", lambda: ProcessPoolExecutor(2)),
    ):
        with make() as executor:
            t0 = time.perf_counter()
            tables[label] = sweep(s, grid, replications=args.replications, executor=executor)
            times[label] = time.perf_counter() - t0
        print(f"  {label:20s} {times[label]:7.2f} s   ({times[label] / runs * 1e3:6.1f} ms per run)")
    assert tables["1 worker process"] == tables["2 worker processes"] == tables["in this process"]
    speedup = times["1 worker process"] / times["2 worker processes"]
    print(f"  speed-up of 2 workers over 1: {speedup:.2f}x (target: at least 1.8x); tables equal")


if __name__ == "__main__":
    main()
