"""Benchmark: the simulator, with the full policy logic, against a bare SimPy M/M/c model.

Workload (the simulation issue's): 1,000,000 tickets, 50 agents each capped at one
ticket, Poisson arrivals (200 an hour) and exponential handling (12 minutes on average):
an M/M/c queue at 80% load. ticketcore runs it through the real `Dispatcher` (pool, cap,
backlog, explanations), the `BacklogTracker` (weekly report) and the per-ticket work plan,
without per-ticket records. SimPy runs the textbook model of the same queue: a `Resource`
of 50 and one process per customer; ciw runs it as a one-node network of 50 servers (its
records kept, as ciw always does). All print their mean wait next to Erlang C.

The same run with SLA clocks on (two targets, 24/7) is timed against the run without.

Then memory, for runs of increasing length without per-ticket records: the most memory
in use (measured after a full collection every 5% of the run) and tracemalloc's peak;
flat means the first does not grow with the number of tickets.

Run: ``python benchmarks/bench_simulate.py [--tickets N]``. Needs the ``bench`` extra (SimPy, ciw).
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from collections.abc import Generator
from datetime import timedelta
from typing import Any

import ciw
import simpy

from ticketcore.simulate import Scenario, erlang_c, simulate

AGENTS = 50
PER_HOUR = 200.0
MINUTES = 12.0


#: SLA clocks for the run with SLA on: two targets, 24/7, goals per priority.
SLA: dict[str, object] = {
    "policies": [
        {
            "name": "std",
            "targets": [
                {
                    "name": "first_response",
                    "metric": "first_response",
                    "goals": {"urgent": "5m", "high": "10m", "normal": "30m", "low": "1h"},
                },
                {"name": "resolution", "metric": "resolution", "goals": {"all": "30m"}},
            ],
        }
    ]
}


def scenario(tickets: int, *, sla: bool = False) -> Scenario:
    days = tickets / (PER_HOUR * 24)
    data: dict[str, object] = {
        "seed": 1,
        "days": days,
        "arrivals": {"per_day": PER_HOUR * 24},
        "agents": {"count": AGENTS},
        "handling": {"*": {"solve": {"exponential": f"{MINUTES}m"}}},
        "customers": {"close_after": "0s"},
        "routing": {"pools": [{"name": "all", "cap": 1, "backlog": True}], "default_pool": "all"},
    }
    if sla:
        data["sla"] = SLA
    return Scenario.from_dict(data)


def simpy_mmc(tickets: int, seed: int) -> tuple[int, float]:
    """The bare model: returns the number served and the mean wait in seconds."""
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=AGENTS)
    rng = random.Random(seed)
    waited = [0, 0.0]
    end = tickets / PER_HOUR  # hours

    def customer() -> Generator[simpy.Event, Any, None]:
        arrived = env.now
        with desk.request() as request:
            yield request
            waited[0] += 1
            waited[1] += env.now - arrived
            yield env.timeout(rng.expovariate(60 / MINUTES))

    def source() -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.expovariate(PER_HOUR))
            env.process(customer())

    env.process(source())
    env.run(until=end)
    return int(waited[0]), waited[1] / waited[0] * 3600


def ciw_mmc(tickets: int, seed: int) -> tuple[int, float]:
    """The same queue in ciw: returns the number served and the mean wait in seconds."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=PER_HOUR)],
        service_distributions=[ciw.dists.Exponential(rate=60 / MINUTES)],
        number_of_servers=[AGENTS],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(tickets / PER_HOUR)
    records = sim.get_all_records()
    return len(records), sum(r.waiting_time for r in records) / len(records) * 3600


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    args = parser.parse_args()
    n = args.tickets
    theory = erlang_c(PER_HOUR, timedelta(minutes=MINUTES), AGENTS)
    print(f"M/M/{AGENTS}: {PER_HOUR:g} tickets an hour, {MINUTES:g} minutes each, about {n:,} tickets")
    print(f"  Erlang C: P(wait) {theory.p_wait:.4f}, mean wait {theory.mean_wait.total_seconds():.1f} s")

    gc.collect()
    start = time.perf_counter()
    served, mean_wait = simpy_mmc(n, 1)
    bare = time.perf_counter() - start
    per = bare / served * 1e6
    print(f"SimPy (bare M/M/c)        {bare:8.2f} s  {per:7.1f} µs/ticket   mean wait {mean_wait:6.1f} s")

    gc.collect()
    start = time.perf_counter()
    served, mean_wait = ciw_mmc(n, 1)
    peer = time.perf_counter() - start
    per = peer / served * 1e6
    print(f"ciw (bare M/M/c)          {peer:8.2f} s  {per:7.1f} µs/ticket   mean wait {mean_wait:6.1f} s")

    gc.collect()
    start = time.perf_counter()
    result = simulate(scenario(n), records=False)
    ours = time.perf_counter() - start
    wait = result.wait.mean.total_seconds() if result.wait.mean else 0.0
    print(
        f"ticketcore (full logic)   {ours:8.2f} s  {ours / result.created * 1e6:7.1f} µs/ticket   "
        f"mean wait {wait:6.1f} s, P(wait) {result.waited_share:.4f}"
    )
    print(f"ratio ticketcore / SimPy: {ours / bare:.2f}   (target: at most 4)")
    print(f"ratio ticketcore / ciw:   {ours / peer:.2f}   (target: at most 2)")

    gc.collect()
    start = time.perf_counter()
    with_sla = simulate(scenario(n, sla=True), records=False)
    sla_time = time.perf_counter() - start
    print(
        f"ticketcore, SLA clocks on {sla_time:8.2f} s  {sla_time / with_sla.created * 1e6:7.1f} µs/ticket   "
        f"{len(with_sla.sla)} SLA rows"
    )
    print(f"ratio SLA on / off:       {sla_time / ours:.2f}   (target: at most 1.5)")

    if args.no_memory:
        return
    print("memory without per-ticket records (tracemalloc):")
    print("  live: the most memory in use, from a full collection every 5% of the run;")
    print("  traced peak: the highest traced total, with garbage Python had not collected yet")
    lives = []
    for size in (n // 40, n // 10, n // 4, n // 2):
        samples: list[float] = []

        def probe(share: float, samples: list[float] = samples) -> None:
            if share >= len(samples) * 0.05:
                gc.collect()  # also empties the interpreter's free lists
                samples.append(tracemalloc.get_traced_memory()[0])

        gc.collect()
        tracemalloc.start()
        simulate(scenario(size), records=False, progress=probe)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        lives.append(max(samples))
        print(
            f"  {size:>9,} tickets: live {max(samples) / 2**20:6.1f} MiB"
            f"   traced peak {peak / 2**20:6.1f} MiB"
        )
    print(f"  live, largest / smallest: {lives[-1] / lives[0]:.2f} for 20x the tickets")
    print(f"  live, largest / second largest: {lives[-1] / lives[-2]:.2f} for 2x the tickets (flat: about 1)")


if __name__ == "__main__":
    main()
