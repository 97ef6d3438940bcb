"""Benchmark: evaluating SLA histories, in units of one calendar add.

Workload (the SLA issue's): 100,000 ticket histories of about 10 events each (customer
messages, public replies, internal notes, pauses in pending, a priority change, solved),
under an office calendar with Bavarian holidays and a policy with first response, next
response and resolution targets and a three-level ladder. Each history is evaluated
with the pure function `evaluate` at its end.

Prints tickets per second, the cost per ticket, and that cost divided by the cost of
one `BusinessCalendar.add` measured in the same run on the same calendar. The target
is at most 10 calendar operations' worth of work per ticket.

Run: ``python benchmarks/bench_sla.py [--tickets N]``.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

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
        Level(Notify("lead"), fraction=0.8),
        Level(Notify("assignee"), offset=-H),
        Level(MoveTier(), offset=H),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
