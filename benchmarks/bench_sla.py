"""Benchmark: evaluating SLA histories, in units of one calendar add.

Workload (the SLA issue's): 100,000 ticket histories of about 10 events each (customer
messages, public replies, internal notes, pauses in pending, a priority change, solved),
under an office calendar with Bavarian holidays and a policy with first response, next
response and resolution targets and a three-level ladder. Each history is evaluated
with the pure function `evaluate` at its end.

Prints tickets per second, the cost per ticket, and that cost divided by the cost of
one `BusinessCalendar.add` measured in the same run on the same calendar. The target
is at most 10 calendar operations' worth of work per ticket.

Then the issue's clock workload (issue 19): the same histories fed event by event to an
`SLAClock` (``handle`` then ``next_deadline``, as a host arms its timer), against host code
that does the same bookkeeping by hand on two peers, in the same run on the same events:

- a Frappe-style day loop (Frappe Helpdesk and ERPNext walk the calendar day by day
  over the working hours and the holiday list), on local wall time;
- pandas ``CustomBusinessHour`` for the due times (pandas has no elapsed business time:
  the host uses the day loop for that, so the figure is a lower bound for pandas).

The host code keeps per target its state, the business time consumed and when its
running span started, and after each event computes the earliest pending point (ladder
level or breach) of each running target, one add per running target. Neither peer is
exact across DST changes or pauses the way ticketcore is; they set the speed to beat.
Targets: ticketcore at most 1x the day loop, and at least 10x faster than pandas.

Run: ``python benchmarks/bench_sla.py [--tickets N] [--clock-tickets N]``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from ticketcore import Priority, Ticket
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla import (
    BusinessCalendar,
    Level,
    Metric,
    MoveTier,
    Notify,
    SLAClock,
    SLAPolicies,
    SLAPolicy,
    Target,
    evaluate,
)

H = timedelta(hours=1)


def build_policies() -> tuple[SLAPolicies, BusinessCalendar]:
    cal = BusinessCalendar.from_dict(
        {
            "timezone": "Europe/Berlin",
            "hours": {d: ["09:00-12:30", "13:30-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
            "holidays": {"country": "DE", "subdiv": "BY"},
        }
    )
    goals = {Priority.LOW: 24 * H, Priority.NORMAL: 16 * H, Priority.HIGH: 8 * H, Priority.URGENT: 4 * H}
    ladder = [
        Level(action=Notify("lead"), fraction=0.8),
        Level(action=Notify("assignee"), offset=-H),
        Level(action=MoveTier(), offset=H),
    ]
    policy = SLAPolicy(
        name="office",
        calendar=cal,
        targets=[
            Target(
                name="first_response",
                metric=Metric.FIRST_RESPONSE,
                goals={p: g / 4 for p, g in goals.items()},
            ),
            Target(name="next_response", metric=Metric.NEXT_RESPONSE, goals=2 * H),
            Target(name="resolution", metric=Metric.RESOLUTION, goals=goals, ladder=ladder),
        ],
    )
    return SLAPolicies([policy]), cal


def history(rng: random.Random, i: int) -> tuple[list[TicketEvent], datetime]:
    t = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(360 * 86400))
    tid = f"T-{i}"
    events: list[TicketEvent] = [
        TicketCreated(ticket=Ticket(id=tid, created=t, priority=rng.choice(list(Priority))))
    ]
    script = [
        "reply",
        "customer",
        "note",
        "pending",
        "customer",
        "open",
        "reply",
        "priority",
        "customer",
        "reply",
    ]
    for kind in script[: rng.randint(7, 10)]:
        t += timedelta(minutes=rng.randint(5, 36 * 60))
        if kind == "reply":
            events.append(AgentReply(ticket_id=tid, at=t))
        elif kind == "note":
            events.append(AgentReply(ticket_id=tid, at=t, public=False))
        elif kind == "customer":
            events.append(CustomerMessage(ticket_id=tid, at=t))
        elif kind == "priority":
            events.append(
                TicketUpdated(ticket_id=tid, at=t, changes={"priority": rng.choice(list(Priority))})
            )
        else:
            events.append(StatusChanged(ticket_id=tid, at=t, status=kind))
    t += timedelta(hours=rng.randint(1, 48))
    events.append(StatusChanged(ticket_id=tid, at=t, status="solved"))
    return events, t + H


ZONE = ZoneInfo("Europe/Berlin")
INTERVALS = ((dtime(9), dtime(12, 30)), (dtime(13, 30), dtime(18)))
GOALS_H = {"low": 24.0, "normal": 16.0, "high": 8.0, "urgent": 4.0}


class DayLoop:
    """Business-time arithmetic the Frappe way: a walk over days, on naive local wall time."""

    def __init__(self, holidays: set[date]) -> None:
        self.holidays = holidays

    def _open(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.holidays

    def add(self, start: datetime, seconds: float) -> datetime:
        d, t = start.date(), start
        while True:
            if self._open(d):
                for h0, h1 in INTERVALS:
                    s, e = max(datetime.combine(d, h0), t), datetime.combine(d, h1)
                    if s < e:
                        avail = (e - s).total_seconds()
                        if seconds <= avail:
                            return s + timedelta(seconds=seconds)
                        seconds -= avail
            d += timedelta(days=1)
            t = datetime.combine(d, dtime(0))

    def elapsed(self, a: datetime, b: datetime) -> float:
        total, d = 0.0, a.date()
        while d <= b.date():
            if self._open(d):
                for h0, h1 in INTERVALS:
                    s, e = max(datetime.combine(d, h0), a), min(datetime.combine(d, h1), b)
                    if s < e:
                        total += (e - s).total_seconds()
            d += timedelta(days=1)
        return total


class HostCode:
    """A host's own SLA bookkeeping on top of an ``add(start, seconds)`` and an ``elapsed``."""

    def __init__(
        self, add: Callable[[datetime, float], object], elapsed: Callable[[datetime, datetime], float]
    ):
        self.add, self.elapsed = add, elapsed

    def run(self, events: list[TicketEvent]) -> object:
        add, elapsed = self.add, self.elapsed
        # name -> [running since (local naive) or None, consumed seconds, goal hours, thresholds]
        targets: dict[str, list[Any]] = {}
        replied = False
        deadline: Any = None
        for event in events:
            at = event.at.astimezone(ZONE).replace(tzinfo=None)
            if isinstance(event, TicketCreated):
                g = GOALS_H[event.ticket.priority.value]
                targets["first_response"] = [at, 0.0, g / 4]
                targets["resolution"] = [at, 0.0, g]
            elif isinstance(event, AgentReply):
                if event.public:
                    replied = True
                    for name in ("first_response", "next_response"):
                        row = targets.get(name)
                        if row is not None and row[0] is not None:
                            row[1] += elapsed(row[0], at)
                            row[0] = None
                            del targets[name]
            elif isinstance(event, CustomerMessage):
                if replied and "next_response" not in targets:
                    targets["next_response"] = [at, 0.0, 2.0]
            elif isinstance(event, TicketUpdated):
                p = dict(event.changes).get("priority")
                if p is not None:
                    g = GOALS_H[p.value]
                    if "first_response" in targets:
                        targets["first_response"][2] = g / 4
                    targets["resolution"][2] = g
            elif isinstance(event, StatusChanged):
                row = targets["resolution"]
                if event.status.value in ("pending", "solved") and row[0] is not None:
                    row[1] += elapsed(row[0], at)
                    row[0] = None
                elif event.status.value == "open" and row[0] is None:
                    row[0] = at
                if event.status.value == "solved":
                    targets.clear()
            # The next deadline: the earliest pending point of each running target.
            deadline = None
            for name, (since, used, goal) in targets.items():
                if since is None:
                    continue
                g = goal * 3600
                points = (0.8 * g, g - 3600, g + 3600, g) if name == "resolution" else (g,)
                now_used = used + elapsed(since, at)
                pending = [x for x in points if x > now_used]
                if pending:
                    due = add(since, min(pending) - used)
                    deadline = due if deadline is None or due < deadline else deadline
        return deadline


def clock_run(policies: SLAPolicies, histories: list[tuple[list[TicketEvent], datetime]]) -> int:
    armed = 0
    for events, _ in histories:
        clock = SLAClock(policies)
        for event in events:
            clock.handle(event)
            armed += clock.next_deadline() is not None
    return armed


def clock_workload(policies: SLAPolicies, histories: list[tuple[list[TicketEvent], datetime]]) -> None:
    """The clock against host code on a day loop and on pandas, in the same run (µs per ticket)."""
    import holidays as hol
    import pandas as pd

    by = set(hol.country_holidays("DE", subdiv="BY", years=range(2025, 2030)))
    loop = DayLoop(by)
    cbh = pd.offsets.CustomBusinessHour(start=["09:00", "13:30"], end=["12:30", "18:00"], holidays=sorted(by))
    minute = pd.Timedelta(minutes=1)

    def pd_add(start: datetime, seconds: float) -> object:
        # Whole business hours by the offset, the rest as minutes rolled into open hours.
        hours, rest = divmod(int(seconds), 3600)
        ts = pd.Timestamp(start) + hours * cbh if hours else cbh.rollforward(pd.Timestamp(start))
        return cbh.rollforward(ts + (rest // 60) * minute)

    day_host, pd_host = HostCode(loop.add, loop.elapsed), HostCode(pd_add, loop.elapsed)
    n = len(histories)
    rows: dict[str, list[float]] = {"ticketcore": [], "day loop": [], "pandas": []}
    pd_n = max(n // 10, 1)
    for _ in range(3):
        t0 = time.perf_counter()
        clock_run(policies, histories)
        rows["ticketcore"].append((time.perf_counter() - t0) / n * 1e6)
        t0 = time.perf_counter()
        for events, _ in histories:
            day_host.run(events)
        rows["day loop"].append((time.perf_counter() - t0) / n * 1e6)
        t0 = time.perf_counter()
        for events, _ in histories[:pd_n]:
            pd_host.run(events)
        rows["pandas"].append((time.perf_counter() - t0) / pd_n * 1e6)
    med = {k: sorted(v)[1] for k, v in rows.items()}
    tc = med["ticketcore"]
    print(
        f"\nSLA clock, handle + next_deadline per event, 3 targets "
        f"({n:,} tickets; pandas on {pd_n:,}); median of 3"
    )
    for name, us in med.items():
        print(f"  {name:<12}{us:9.1f} us/ticket   runs: " + ", ".join(f"{x:.1f}" for x in rows[name]))
    print(f"  ticketcore / day loop: {tc / med['day loop']:.2f}x (target: <= 1x)")
    print(f"  pandas / ticketcore:   {med['pandas'] / tc:.1f}x (target: >= 10x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--clock-tickets", type=int, default=5_000)
    parser.add_argument("--clock-only", action="store_true", help="only the clock workload")
    args = parser.parse_args()
    if args.clock_only:
        policies, _ = build_policies()
        rng = random.Random(args.seed)
        hs = [history(rng, i) for i in range(args.clock_tickets)]
        clock_run(policies, hs[:500])  # warm up
        clock_workload(policies, hs)
        return

    policies, cal = build_policies()
    rng = random.Random(args.seed)
    histories = [history(rng, i) for i in range(args.tickets)]
    n_events = sum(len(events) for events, _ in histories)

    for events, now in histories[:2000]:  # warm up: the calendar builds its year tables once
        evaluate(policies, events, now)

    # Each result is read (as a host would) and let go: keeping 100,000 results alive
    # would time Python's cyclic GC walking them, not the library (40% more here).
    breached = 0
    t0 = time.perf_counter()
    for events, now in histories:
        current = evaluate(policies, events, now).target("resolution").current
        breached += current is not None and current.breached
    per_ticket = (time.perf_counter() - t0) / len(histories)

    starts = [events[0].at for events, _ in histories[:20_000]]
    durations = [timedelta(minutes=rng.randint(60, 40 * 60)) for _ in starts]
    t0 = time.perf_counter()
    for s, d in zip(starts, durations, strict=True):
        cal.add(s, d)
    per_add = (time.perf_counter() - t0) / len(starts)

    print(f"{len(histories):,} histories, {n_events / len(histories):.1f} events each on average")
    print(f"evaluate():      {1 / per_ticket:>12,.0f} tickets/s   {per_ticket * 1e6:8.1f} us/ticket")
    print(f"calendar add():  {1 / per_add:>12,.0f} calls/s     {per_add * 1e6:8.1f} us/call")
    print(f"cost per ticket: {per_ticket / per_add:.1f} calendar adds (target: at most 10)")
    print(f"(resolution breached on {breached:,} tickets)")

    clock_workload(policies, histories[: args.clock_tickets])


if __name__ == "__main__":
    main()
