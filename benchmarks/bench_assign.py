"""Benchmark: the dispatcher against a bare round-robin loop, and its cost as the backlog grows.

Workload (the assignment issue's): 1,000,000 events (tickets created and solved,
presence changes) through a dispatcher with 50 agents, 5 direct rules, a pool cap of
5 and the backlog on, with explanations (they are always on). The same events, as
plain tuples, go through a *bare baseline*: a cycle over agent ids with a dict of
loads, a presence dict and a deque for the backlog, and no rules, explanations, or
state that could be saved. Both run in the same process, one after the other.

Then the cost per decision as the backlog grows: every agent at the cap and a backlog
of 10 to 100,000 tickets, then a stream of solves (each hands a backlog ticket out)
and new tickets (each joins the backlog). The cost should not grow with the backlog.

Events are built before the clock starts (the host builds them either way). Prints
events per second, microseconds per event and the ratio to the baseline; the target is
a ratio of at most 10.

Then issue 19's scaling workloads, each beside its own bare Python loop (the floor)
measured in the same run, medians of three runs: round robin with 1,000 agents and with
10 agents (the first workload's mix and rules, cap 5, backlog on), and least loaded with
1,000 agents against a bare linear scan for the least loaded online agent under the cap.
Each prints the ratio against its target: round robin at most 10x the bare loop (and,
at 1,000 agents, at most 3x its own cost at 10 agents); least loaded faster than the
bare linear scan.

Run: ``python benchmarks/bench_assign.py [--events N] [--scale-events N] [--only-scale]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ticketcore import Status, Ticket
from ticketcore.assign import (
    Agent,
    Dispatcher,
    LeastLoaded,
    Pool,
    PresenceChanged,
    Routing,
    Rule,
    Sequential,
    Strategy,
)
from ticketcore.conditions import F
from ticketcore.events import StatusChanged, TicketCreated

T0 = datetime(2026, 1, 5, 8, tzinfo=UTC)
AGENTS = [f"agent{i:02d}" for i in range(50)]
CAP = 5


def routing() -> Routing:
    """5 direct rules (about 5% of tickets match one) and one capped pool with the backlog on."""
    rules = [Rule(name=f"product {i}", when=F.product_code == f"XT{i}", agent=AGENTS[i]) for i in range(5)]
    return Routing(rules=rules, pools=[Pool(name="all", cap=CAP, backlog=True)], default_pool="all")


def workload(
    n: int, seed: int, agents: list[str] = AGENTS
) -> tuple[list[object], list[tuple[str, str, str]]]:
    """``n`` events for the dispatcher, and the same as tuples for the baseline."""
    rng = random.Random(seed)
    events: list[object] = []
    plain: list[tuple[str, str, str]] = []
    open_tickets: list[str] = []
    offline: set[str] = set()
    step = timedelta(seconds=1)
    at = T0
    serial = 0
    while len(events) < n:
        at += step
        r = rng.random()
        if r < 0.05:
            agent = rng.choice(agents)
            presence = "online" if agent in offline else "offline"
            (offline.discard if presence == "online" else offline.add)(agent)
            events.append(PresenceChanged(agent_id=agent, at=at, presence=presence))
            plain.append(("presence", agent, presence))
        elif r < 0.525 or not open_tickets:  # as many created as solved: the backlog stays bounded
            serial += 1
            tid = f"T{serial}"
            product = f"XT{rng.randrange(100)}"
            events.append(TicketCreated(ticket=Ticket(id=tid, created=at, product_code=product)))
            plain.append(("created", tid, product))
            open_tickets.append(tid)
        else:
            tid = open_tickets.pop(rng.randrange(len(open_tickets)))
            events.append(StatusChanged(ticket_id=tid, at=at, status=Status.SOLVED))
            plain.append(("solved", tid, ""))
    return events, plain


def baseline(plain: list[tuple[str, str, str]]) -> float:
    """A plain capped round robin: the floor any Python implementation starts from. Seconds taken.

    `bare_round_robin` over the workload's 50 agents.
    """
    return bare_round_robin(AGENTS, plain)


def dispatcher(events: list[object]) -> tuple[float, int]:
    """The same events through a `Dispatcher`. Seconds taken and decisions made."""
    d = Dispatcher(routing(), [Agent(id=a) for a in AGENTS])
    handle = d.handle
    decisions = 0
    gc.collect()
    start = time.perf_counter()
    for event in events:
        decisions += len(handle(event))
    return time.perf_counter() - start, decisions


def backlog_growth(sizes: list[int], per_size: int) -> list[tuple[int, float]]:
    """Microseconds per event with everyone at the cap and a backlog of each size."""
    out = []
    for size in sizes:
        d = Dispatcher(routing(), [Agent(id=a) for a in AGENTS])
        at = T0
        serial = 0
        owned: list[str] = []
        for _ in range(len(AGENTS) * CAP + size):
            serial += 1
            owned.append(f"T{serial}")
            at = T0 + timedelta(milliseconds=serial)  # distinct times: the backlog order is creation order
            d.handle(TicketCreated(ticket=Ticket(id=f"T{serial}", created=at)))
        assigned = deque(owned[: len(AGENTS) * CAP])
        waiting = deque(owned[len(AGENTS) * CAP :])
        stream: list[object] = []
        for i in range(per_size):
            at += timedelta(milliseconds=1)
            if i % 2 == 0:
                # solve the oldest assigned ticket: its slot goes to the oldest backlog ticket
                stream.append(StatusChanged(ticket_id=assigned.popleft(), at=at, status=Status.SOLVED))
                assigned.append(waiting.popleft())
            else:
                serial += 1
                stream.append(TicketCreated(ticket=Ticket(id=f"T{serial}", created=at)))
                waiting.append(f"T{serial}")
        handle = d.handle
        gc.collect()
        start = time.perf_counter()
        for event in stream:
            handle(event)
        out.append((size, (time.perf_counter() - start) / per_size * 1e6))
        # every solve handed out the oldest backlog ticket, and the backlog kept its size
        assert len(d.backlog("all")) == size
        assert all(d.place(t)[0] == "assigned" for t in assigned)
    return out


# ---------------------------------------------------------------- issue 19: scaling


def scaled_routing(agents: list[str], strategy: Strategy) -> Routing:
    """The first workload's routing (5 direct rules, cap 5, backlog on) with another strategy."""
    rules = [Rule(name=f"product {i}", when=F.product_code == f"XT{i}", agent=agents[i]) for i in range(5)]
    pool = Pool(name="all", cap=CAP, backlog=True, strategy=strategy)
    return Routing(rules=rules, pools=[pool], default_pool="all")


def bare_round_robin(agents: list[str], plain: list[tuple[str, str, str]]) -> float:
    """The bare capped round robin of `baseline`, for any list of agents. Seconds taken."""
    loads = dict.fromkeys(agents, 0)
    online = dict.fromkeys(agents, True)
    owner: dict[str, str] = {}
    backlog: deque[str] = deque()
    waiting: set[str] = set()
    direct = {f"XT{i}": agents[i] for i in range(5)}
    n = len(agents)
    pointer = -1
    gc.collect()
    start = time.perf_counter()
    for kind, a, b in plain:
        if kind == "created":
            agent = direct.get(b)
            if agent is None:
                for k in range(1, n + 1):
                    cand = agents[(pointer + k) % n]
                    if online[cand] and loads[cand] < CAP:
                        agent = cand
                        pointer = (pointer + k) % n
                        break
            if agent is None:
                backlog.append(a)
                waiting.add(a)
            else:
                owner[a] = agent
                loads[agent] += 1
        elif kind == "solved":
            agent = owner.pop(a, None)
            if agent is None:
                waiting.discard(a)
                continue
            loads[agent] -= 1
            if online[agent] and loads[agent] < CAP:
                while backlog and backlog[0] not in waiting:
                    backlog.popleft()
                if backlog:
                    t = backlog.popleft()
                    waiting.discard(t)
                    owner[t] = agent
                    loads[agent] += 1
        else:
            online[a] = b == "online"
    return time.perf_counter() - start


def bare_least_loaded(agents: list[str], plain: list[tuple[str, str, str]]) -> float:
    """A bare least-loaded dispatcher: a linear scan over the agents for each new ticket. Seconds taken.

    The scan keeps the online agent under the cap with the fewest tickets, ties to the
    longest idle, then to list order (the dispatcher's rule), in plain Python.
    """
    loads = dict.fromkeys(agents, 0)
    online = dict.fromkeys(agents, True)
    idle = dict.fromkeys(agents, -1)
    owner: dict[str, str] = {}
    backlog: deque[str] = deque()
    waiting: set[str] = set()
    direct = {f"XT{i}": agents[i] for i in range(5)}
    counter = 0
    gc.collect()
    start = time.perf_counter()
    for kind, a, b in plain:
        if kind == "created":
            agent = direct.get(b)
            if agent is None:
                best = None
                for cand in agents:
                    if online[cand] and loads[cand] < CAP:
                        key = (loads[cand], idle[cand])
                        if best is None or key < best:
                            best, agent = key, cand
            if agent is None:
                backlog.append(a)
                waiting.add(a)
            else:
                owner[a] = agent
                loads[agent] += 1
                counter += 1
                idle[agent] = counter
        elif kind == "solved":
            agent = owner.pop(a, None)
            if agent is None:
                waiting.discard(a)
                continue
            loads[agent] -= 1
            if online[agent] and loads[agent] < CAP:
                while backlog and backlog[0] not in waiting:
                    backlog.popleft()
                if backlog:
                    t = backlog.popleft()
                    waiting.discard(t)
                    owner[t] = agent
                    loads[agent] += 1
                    counter += 1
                    idle[agent] = counter
        else:
            online[a] = b == "online"
    return time.perf_counter() - start


def timed_dispatcher(agents: list[str], strategy: Strategy, events: list[object]) -> float:
    """The events through a `Dispatcher` with the scaled routing. Seconds taken."""
    d = Dispatcher(scaled_routing(agents, strategy), [Agent(id=a) for a in agents])
    handle = d.handle
    gc.collect()
    start = time.perf_counter()
    for event in events:
        handle(event)
    return time.perf_counter() - start


def median3(run: Callable[[], float]) -> float:
    """The median of three runs."""
    return statistics.median(run() for _ in range(3))


def scaling(n_events: int, seed: int) -> None:
    """Issue 19's three workloads, each beside its floor, with the ratio against each target."""
    big = [f"agent{i:04d}" for i in range(1_000)]
    small = [f"agent{i:02d}" for i in range(10)]
    figures: dict[str, tuple[float, float]] = {}
    cases: list[tuple[str, list[str], Strategy, Callable[[list[str], list[tuple[str, str, str]]], float]]] = [
        ("round robin, 1,000 agents", big, Sequential(), bare_round_robin),
        ("round robin, 10 agents", small, Sequential(), bare_round_robin),
        ("least loaded, 1,000 agents", big, LeastLoaded(), bare_least_loaded),
    ]
    print(f"issue 19 workloads: {n_events:,} events each, cap {CAP}, backlog on, medians of 3 (µs/event)")
    for label, agents, strategy, floor in cases:
        events, plain = workload(n_events, seed, agents)
        bare = median3(lambda: floor(agents, plain)) / n_events * 1e6  # noqa: B023 - called at once
        ours = median3(lambda: timed_dispatcher(agents, strategy, events)) / n_events * 1e6  # noqa: B023
        figures[label] = (bare, ours)
        print(f"  {label:<27}: bare loop {bare:7.2f}   ticketcore {ours:7.2f}   ratio {ours / bare:5.2f}x")
    bare, ours = figures["round robin, 1,000 agents"]
    small_ours = figures["round robin, 10 agents"][1]
    print(f"  round robin, 1,000 agents : {ours / bare:5.2f}x the bare loop (target <= 10x)")
    print(f"                              {ours / small_ours:5.2f}x its cost at 10 agents (target <= 3x)")
    bare, ours = figures["round robin, 10 agents"]
    print(f"  round robin, 10 agents    : {ours / bare:5.2f}x the bare loop (target <= 10x)")
    bare, ours = figures["least loaded, 1,000 agents"]
    print(f"  least loaded, 1,000 agents: {ours / bare:5.2f}x the bare linear scan (target < 1x)")


def main() -> None:
    """Run the parts and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--scale-events", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only-scale", action="store_true", help="only issue 19's scaling workloads")
    args = parser.parse_args()
    scaling(args.scale_events, args.seed)
    if args.only_scale:
        return
    events, plain = workload(args.events, args.seed)
    base = baseline(plain)
    ours, decisions = dispatcher(events)
    n = len(events)
    print(f"{n:,} events, 50 agents, 5 direct rules, cap {CAP}, backlog on ({decisions:,} decisions)")
    print(f"  bare baseline : {n / base:12,.0f} events/s  {base / n * 1e6:7.2f} µs/event")
    print(f"  Dispatcher    : {n / ours:12,.0f} events/s  {ours / n * 1e6:7.2f} µs/event")
    print(f"  ratio         : {ours / base:.1f}x the baseline (target: at most 10x)")
    print("cost per event as the backlog grows (everyone at the cap; best of 3 runs of 20,000 events):")
    sizes = [10, 100, 1_000, 10_000, 100_000]
    runs = [backlog_growth(sizes, 20_000) for _ in range(3)]
    rows = [(size, min(run[i][1] for run in runs)) for i, size in enumerate(sizes)]  # best of 3
    for size, micros in rows:
        print(f"  backlog {size:>7,}: {micros:6.2f} µs/event")
    print(f"  largest / smallest: {max(m for _, m in rows) / min(m for _, m in rows):.2f}")


if __name__ == "__main__":
    main()
