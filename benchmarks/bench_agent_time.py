"""The agent's time against queueing theory (issue 18), with longer runs than the tests.

1. Chat concurrency N, no slowdown, c agents capped at N, FCFS: an M/M/(cN) queue; the
   mean wait to assignment and P(wait > 0) against Erlang C with cN servers.
2. Cap k with one ticket at a time: c agents, each holding up to k tickets but working on
   one; the wait to the first response (the reply comes as the agent starts) against
   Erlang C for c servers, for k = 1, 2, 4, 8 and two strategies. The table in
   docs/simulate.md comes from this script's default run.

Run: ``python benchmarks/bench_agent_time.py [--days D] [--seeds S]``.
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta
from typing import Any

from ticketcore.simulate import Scenario, SimulationResult, erlang_c, simulate


def scenario(
    seed: int, days: float, per_hour: float, minutes: float, *, agents: int, cap: int, **extra: Any
) -> Scenario:
    return Scenario.from_dict(
        {
            "seed": seed,
            "days": days,
            "arrivals": {"per_day": per_hour * 24, **extra.pop("arrivals", {})},
            "agents": {"count": agents},
            "handling": {"*": {"solve": {"exponential": f"{minutes}m"}}},
            "customers": {"close_after": "0s"},
            "routing": {"pools": [{"name": "all", "cap": cap, "backlog": True}], "default_pool": "all"},
            **extra,
        }
    )


def pooled(runs: list[SimulationResult]) -> tuple[int, float, float, float]:
    """Tickets, P(wait > 0), mean wait and mean first response (seconds), over all runs."""
    n = sum(r.wait.count for r in runs)
    waited = sum(r.waited for r in runs) / n
    wait = sum((r.wait.mean or timedelta(0)) / timedelta(seconds=1) * r.wait.count for r in runs) / n
    m = sum(r.first_response.count for r in runs)
    fr = (
        sum(
            (r.first_response.mean or timedelta(0)) / timedelta(seconds=1) * r.first_response.count
            for r in runs
        )
        / m
    )
    return n, waited, wait, fr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=float, default=100)
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args()
    seeds = range(1, args.seeds + 1)
    started = time.perf_counter()

    # 1. M/M/(cN): 4 agents x 3 chats, 27 chats an hour, 20 minutes each: A = 9, rho = 0.75.
    theory = erlang_c(27, timedelta(minutes=20), 12)
    runs = [
        simulate(
            scenario(
                s,
                args.days,
                27,
                20,
                agents=4,
                cap=3,
                arrivals={"channels": {"chat": 1}},
                concurrency={"chat": 3},
            ),
            records=False,
        )
        for s in seeds
    ]
    n, waited, wait, _ = pooled(runs)
    in_hand = sum(a.in_hand for r in runs for a in r.agents) / (4 * len(runs))
    print(
        f"Chat concurrency 3, 4 agents: M/M/12 at rho 0.75"
        f" ({args.days:g} days x seeds 1-{args.seeds}, {n:,} chats)"
    )
    print(
        f"  P(wait)      simulated {waited:.4f}   Erlang C {theory.p_wait:.4f}"
        f"   {waited / theory.p_wait - 1:+.1%}"
    )
    tw = theory.mean_wait.total_seconds()
    print(f"  mean wait    simulated {wait:7.1f} s   Erlang C {tw:7.1f} s   {wait / tw - 1:+.1%}")
    print(f"  chats in hand per agent / 3: {in_hand / 3:.4f} (rho {theory.utilisation:.4f})")

    # 2. Cap k, one at a time: 8 agents, 12 minutes each, 36 an hour: A = 7.2, rho = 0.9.
    theory = erlang_c(36, timedelta(minutes=12), 8)
    tw = theory.mean_wait.total_seconds()
    print()
    print(
        f"Cap k, one ticket at a time: 8 agents at rho 0.9"
        f" (Erlang C: P(wait) {theory.p_wait:.4f}, mean wait {tw:.1f} s)"
    )
    print(
        "  | strategy | k | tickets | P(wait to assignment) | mean wait to assignment"
        " | mean wait to first response | / Erlang C |"
    )
    print("  |---|---|---|---|---|---|---|")
    for strategy in ("least_loaded", "sequential"):
        for k in (1, 2, 4, 8):
            runs = [
                simulate(scenario(s, args.days, 36, 12, agents=8, cap=k), strategy, records=False)
                for s in seeds
            ]
            n, waited, wait, fr = pooled(runs)
            print(
                f"  | {strategy} | {k} | {n:,} | {waited:.3f} | {wait:.1f} s | {fr:.1f} s | {fr / tw:.2f} |"
            )
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
