"""Benchmark: the Desk against the hand-wired loop of docs/index.md, as open tickets grow.

Workload (issue 17's): a team of 50 agents in one pool with a cap of 5 and the backlog
on; one SLA policy, 24/7, with three targets (first response, next response and
resolution, goals per priority) and a two-level ladder of notifications on resolution.
Each ticket follows one script: created, agent reply, customer message, pending, open,
agent reply, customer message, agent reply, solved, closed; every event carries the
host's event id. The open population is built first (untimed): each ticket is at a
random step of its script (a steady state's mix of young and old tickets). Then a
steady stream of events is timed: each picks an open ticket at random and applies its
next step; a closed ticket is replaced by a new one, so the population stays the same.
Time runs so that an open ticket sees one event every two hours on average whatever
the population, so the same share of events finds an alert due.

Timed, in the same process, on the same events (two identical generators):

1. ``desk.handle(event)`` then ``desk.next_deadline()`` per event, against the hand-wired
   loop of docs/index.md: ``Dispatcher.handle`` (same routing, same agents, the same SLA
   policies), one `SLAClock` per ticket fed the event, the alerts and assignments
   written to an outbox, the ticket's timer re-armed with ``clock.next_deadline()``,
   and the clock dropped when the ticket closes. Target: at most 1.2x, and a flat cost
   per event at 1,000, 10,000 and 100,000 open tickets. The desk also reports the due
   times that moved (`Outcome.due`), which that loop does not: so two like-for-like pairs
   are printed beside it, the loop also computing its due times (hand+due) against the
   desk, and the loop against ``Desk(due_changes=False)`` (desk-due).
2. Bytes a host writes per event: ``json.dumps(shared_state())`` when ``outcome.shared``
   plus ``json.dumps(ticket_state(t))`` per touched ticket. Target: flat. For contrast,
   the whole state (``to_dict``) per event at 10,000.
3. Memory per open ticket: tracemalloc at 10,000 (desk and hand-wired), and the RSS
   growth of building the 100,000 population.
4. ``desk.advance(desk.next_deadline())`` (one ticket due) at 1,000 and 100,000 open
   tickets, against finding the due tickets in the hand-wired loop's timers (a dict: a
   scan). Target: about the same at both sizes.

Each stream is timed 3 times (consecutive streams against the same population, desk
and hand-wired alternating); medians are printed. Run:
``python benchmarks/bench_desk.py [--events N]`` (default 20,000 events per stream).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ticketcore import Priority, Status, Ticket
from ticketcore.assign import Assigned, Dispatcher
from ticketcore.desk import Desk, DeskConfig
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated, TicketEvent
from ticketcore.sla import SLAClock

T0 = datetime(2026, 1, 5, 8, tzinfo=UTC)
SCRIPT = ("created", "reply", "customer", "pending", "open", "reply", "customer", "reply", "solved", "closed")
#: The mean time between two events of one open ticket.
TICKET_GAP = timedelta(hours=2)
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
SIZES = (1_000, 10_000, 100_000)
REPEATS = 3


def config() -> DeskConfig:
    """50 agents, one capped pool with the backlog, three SLA targets, a two-level ladder."""
    return DeskConfig.from_dict(
        {
            "routing": {"pools": [{"name": "team", "cap": 5, "backlog": True}], "default_pool": "team"},
            "agents": [{"id": f"agent{i:02d}"} for i in range(50)],
            "sla": {
                "policies": [
                    {
                        "name": "std",
                        "targets": [
                            {
                                "name": "first_response",
                                "metric": "first_response",
                                "goals": {"urgent": "30m", "high": "1h", "normal": "2h", "low": "4h"},
                            },
                            {"name": "next_response", "metric": "next_response", "goals": {"all": "4h"}},
                            {
                                "name": "resolution",
                                "metric": "resolution",
                                "goals": {"urgent": "4h", "high": "8h", "normal": "16h", "low": "24h"},
                                "ladder": [
                                    {"at": 0.5, "action": {"notify": "lead"}},
                                    {"before": "1h", "action": {"notify": "assignee"}},
                                ],
                            },
                        ],
                    }
                ]
            },
        }
    )


class Workload:
    """A deterministic stream of ticket events; two with the same seed yield equal streams."""

    def __init__(self, population: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.size = population
        self.step = TICKET_GAP / population
        self.at = T0
        self.serial = 0
        self.n = 0
        self.open: list[list[Any]] = []  # [ticket id, next step]

    def _event(self, tid: str, kind: str) -> TicketEvent:
        self.at += self.step
        self.n += 1
        eid = f"e{self.n}"
        at = self.at
        if kind == "created":
            prio = self.rng.choice(
                (Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
            )
            return TicketCreated(ticket=Ticket(id=tid, created=at, priority=prio), event_id=eid)
        if kind == "reply":
            return AgentReply(ticket_id=tid, at=at, event_id=eid)
        if kind == "customer":
            return CustomerMessage(ticket_id=tid, at=at, event_id=eid)
        return StatusChanged(ticket_id=tid, at=at, status=kind, event_id=eid)

    def _new(self) -> list[Any]:
        self.serial += 1
        return [f"T{self.serial}", 0]

    def build(self) -> Iterator[TicketEvent]:
        """The open population: each ticket at a random step of its script (before closing)."""
        rows = [(self._new(), self.rng.randrange(1, len(SCRIPT) - 1)) for _ in range(self.size)]
        self.open = [row for row, _ in rows]
        for r in range(len(SCRIPT) - 2):  # round r applies step r to every ticket that gets it
            for row, steps in rows:
                if steps > r:
                    yield self._event(row[0], SCRIPT[r])
                    row[1] = r + 1

    def stream(self, n: int) -> list[TicketEvent]:
        """``n`` events: a random open ticket's next step each; a closed ticket is replaced."""
        out: list[TicketEvent] = []
        rng, tickets = self.rng, self.open
        while len(out) < n:
            i = rng.randrange(len(tickets))
            row = tickets[i]
            kind = SCRIPT[row[1]]
            out.append(self._event(row[0], kind))
            row[1] += 1
            if kind == "closed":
                tickets[i] = new = self._new()
                out.append(self._event(new[0], "created"))
                new[1] = 1
        return out


class HandWired:
    """The loop of docs/index.md ("The engines on their own"): a dispatcher and one clock per ticket."""

    def __init__(self, cfg: DeskConfig, *, due: bool = False) -> None:
        self.policies = cfg.sla
        self.dispatcher = Dispatcher(cfg.routing, cfg.agents, sla=cfg.sla)
        self.clocks: dict[str, SLAClock] = {}
        self.timers: dict[str, datetime | None] = {}
        self.outbox: list[str] = []
        # With ``due``: also the ticket's due times after each event, and those that moved
        # (what the desk reports as `Outcome.due`).
        self.due: dict[str, dict[str, datetime | None]] | None = {} if due else None

    def on_event(self, event: TicketEvent) -> None:
        outbox = self.outbox
        for decision in self.dispatcher.handle(event):
            if isinstance(decision, Assigned):
                outbox.append(f"{decision.ticket_id} to {decision.agent_id}")
        tid = event.ticket_id
        clock = self.clocks.get(tid)
        if clock is None:
            clock = self.clocks[tid] = SLAClock(self.policies)
        outbox.extend(f"{a.kind} {a.ticket_id}" for a in clock.handle(event))
        if isinstance(event, StatusChanged) and event.status is Status.CLOSED:
            del self.clocks[tid]
            self.timers.pop(tid, None)
            if self.due is not None:
                del self.due[tid]
            return
        self.timers[tid] = clock.next_deadline()  # arm (or re-arm) the host's timer
        if self.due is not None:
            now = clock.due_times()
            before = self.due.get(tid, {})
            if now != before:
                outbox.extend(f"{tid} {k} due {v}" for k, v in now.items() if before.get(k) != v)
                self.due[tid] = now
        if len(outbox) > 10_000:
            outbox.clear()


def run_desk(desk: Desk, events: list[TicketEvent]) -> float:
    """Seconds to apply ``events`` through the desk, arming the timer after each."""
    handle, next_deadline = desk.handle, desk.next_deadline
    t0 = time.perf_counter()
    for event in events:
        handle(event)
        next_deadline()
    return time.perf_counter() - t0


def run_hand(hand: HandWired, events: list[TicketEvent]) -> float:
    on_event = hand.on_event
    t0 = time.perf_counter()
    for event in events:
        on_event(event)
    return time.perf_counter() - t0


def rss() -> int:
    """Resident set size in bytes (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def state_bytes(desk: Desk, events: list[TicketEvent]) -> tuple[float, float]:
    """Mean bytes written per event, and mean microseconds spent serialising them."""
    total = 0
    spent = 0.0
    for event in events:
        out = desk.handle(event)
        t0 = time.perf_counter()
        if out.shared:
            total += len(json.dumps(desk.shared_state()))
        for tid in out.touched:
            total += len(json.dumps(desk.ticket_state(tid)))
        spent += time.perf_counter() - t0
    return total / len(events), spent / len(events) * 1e6


def advance_cost(desk: Desk, hand: HandWired, calls: int) -> tuple[float, float, int]:
    """Median µs of ``desk.advance(next_deadline())``, of the hand-wired scan for due timers; alerts."""
    now = desk.now
    assert now is not None
    desk.advance(now + timedelta(seconds=1))  # fire what the stream left due
    desk_times: list[float] = []
    fired = 0
    for _ in range(calls):
        nxt = desk.next_deadline()
        assert nxt is not None
        due = nxt
        t0 = time.perf_counter()
        out = desk.advance(due)
        desk_times.append(time.perf_counter() - t0)
        fired += len(out.alerts)
    timers = hand.timers
    scan_times: list[float] = []
    for _ in range(min(calls, 20)):
        t0 = time.perf_counter()
        [tid for tid, at in timers.items() if at is not None and at <= due]
        scan_times.append(time.perf_counter() - t0)
    return statistics.median(desk_times) * 1e6, statistics.median(scan_times) * 1e6, fired


def memory_per_ticket(cfg: DeskConfig, population: int, seed: int) -> tuple[float, float]:
    """Bytes per open ticket (tracemalloc) for the desk and for the hand-wired loop."""
    out = []
    for build in (build_desk, build_hand):
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        keep = build(cfg, Workload(population, seed))
        gc.collect()
        used = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        del keep
        out.append(used / population)
    return out[0], out[1]


def build_desk(cfg: DeskConfig, w: Workload, *, due: bool = True) -> Desk:
    desk = Desk(cfg, due_changes=due)
    for event in w.build():
        desk.handle(event)
    return desk


def build_hand(cfg: DeskConfig, w: Workload, *, due: bool = False) -> HandWired:
    hand = HandWired(cfg, due=due)
    for event in w.build():
        hand.on_event(event)
    hand.outbox.clear()
    return hand


def main() -> None:
    """Run every part and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    cfg = config()
    n = args.events
    started = time.perf_counter()

    print(
        f"50 agents, pool cap 5 with backlog, 3 SLA targets (24/7), a 2-level ladder; "
        f"{n:,} events per stream, median of {REPEATS} streams"
    )
    print("1. µs per event: desk.handle + next_deadline vs the hand-wired loop (target: <= 1.2x, flat)")
    print("   (hand+due: the hand-wired loop also computing due_times() per event, as Outcome.due does;")
    print("    desk-due: Desk(due_changes=False), which does the hand-wired loop's work and no more)")
    per_event: dict[int, float] = {}
    written: dict[int, tuple[float, float]] = {}
    advance: dict[int, tuple[float, float, int]] = {}
    whole = (0, 0.0)
    rss_per_ticket = 0.0
    for size in SIZES:
        wd, wh, wu, wn = (Workload(size, args.seed) for _ in range(4))
        before = rss()
        desk = build_desk(cfg, wd)
        gc.collect()
        grown = rss() - before
        hand, hand_due = build_hand(cfg, wh), build_hand(cfg, wu, due=True)
        plain = build_desk(cfg, wn, due=False)
        assert len(desk.tickets()) == size == len(hand.clocks)
        if size == SIZES[-1]:
            rss_per_ticket = grown / size
        gc.collect()
        runs: tuple[list[float], list[float], list[float], list[float]] = ([], [], [], [])
        for _ in range(REPEATS):
            runs[0].append(run_desk(desk, wd.stream(n)) / n * 1e6)
            runs[1].append(run_hand(hand, wh.stream(n)) / n * 1e6)
            runs[2].append(run_hand(hand_due, wu.stream(n)) / n * 1e6)
            runs[3].append(run_desk(plain, wn.stream(n)) / n * 1e6)
        d, h, u, p = (statistics.median(r) for r in runs)
        per_event[size] = d
        print(
            f"  {size:>7,} open: desk {d:5.1f}   hand-wired {h:5.1f}   hand+due {u:5.1f}   "
            f"desk/hand {d / h:.2f}x   desk/hand+due {d / u:.2f}x   desk-due {p:5.1f} = {p / h:.2f}x hand"
        )
        print("           runs: " + " | ".join(", ".join(f"{x:.1f}" for x in r) for r in runs))
        if size >= 10_000:
            written[size] = state_bytes(desk, wd.stream(n))
        if size == 10_000:
            t0 = time.perf_counter()
            blob = json.dumps(desk.to_dict())
            whole = (len(blob), (time.perf_counter() - t0) * 1e6)
        if size in (SIZES[0], SIZES[-1]):
            advance[size] = advance_cost(desk, hand, 200)
        del desk, hand, hand_due, plain
        gc.collect()
    costs = list(per_event.values())
    print(f"  desk, largest / smallest: {max(costs) / min(costs):.2f} (target: about 1)")

    print("2. bytes written per event (shared part when changed + touched tickets' parts; target: flat)")
    for size, (b, us) in written.items():
        print(f"  {size:>7,} open: {b:8,.0f} bytes/event   ({us:5.1f} µs/event to serialise)")
    print(
        f"  whole state (to_dict) per event at 10,000 open: {whole[0]:,} bytes/event "
        f"({whole[1] / 1e3:,.0f} ms/event to serialise)"
    )

    print("3. memory per open ticket")
    m_desk, m_hand = memory_per_ticket(cfg, 10_000, args.seed)
    print(f"  tracemalloc, 10,000 open: desk {m_desk:,.0f} bytes/ticket   hand-wired {m_hand:,.0f}")
    print(f"  RSS growth building 100,000 open tickets (desk): {rss_per_ticket:,.0f} bytes/ticket")

    print("4. desk.advance(next_deadline()), one ticket due (target: about the same at both sizes)")
    for size, (us, scan, fired) in advance.items():
        print(
            f"  {size:>7,} open: desk {us:5.1f} µs/call ({fired} alerts in 200 calls)   "
            f"hand-wired scan of its timers {scan:8.1f} µs/call"
        )
    a_small, a_large = advance[SIZES[0]][0], advance[SIZES[-1]][0]
    print(f"  100,000 / 1,000: {a_large / a_small:.2f}")
    print(f"(whole run: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
