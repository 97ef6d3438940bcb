"""Histories for the backlog tests: a hypothesis strategy, and the same history as records and events.

Also a slow, obviously correct reference: every figure recomputed from the records
week by week, by looking at each ticket's state at the last microsecond of the week.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st

from ticketcore import Ticket
from ticketcore.assign import DispatcherEvent, TicketEscalated, TicketTransferred
from ticketcore.backlog import BacklogOptions
from ticketcore.events import StatusChanged, TicketCreated, TicketEvent
from ticketcore.sla import WEEKDAYS

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2026-03-02, 00:00 in Berlin: four weeks before the spring DST change.
BASE = datetime(2026, 3, 2, tzinfo=BERLIN)
US = timedelta(microseconds=1)


def plus(t: datetime, delta: timedelta) -> datetime:
    """``t + delta`` in real time, shown in Berlin (wall-clock arithmetic could land in the DST gap)."""
    return (t.astimezone(UTC) + delta).astimezone(BERLIN)


@attrs.frozen
class History:
    """One ticket's life: lifecycle instants alternate solved, reopened, solved ..."""

    id: str
    created: datetime
    channel: str
    assignee: str | None
    lifecycle: tuple[datetime, ...] = ()
    transfers: tuple[tuple[datetime, str], ...] = ()
    escalations: tuple[datetime, ...] = ()

    @property
    def solved(self) -> tuple[datetime, ...]:
        return self.lifecycle[0::2]

    @property
    def reopened(self) -> tuple[datetime, ...]:
        return self.lifecycle[1::2]

    @property
    def final_assignee(self) -> str | None:
        return self.transfers[-1][1] if self.transfers else self.assignee

    @property
    def tier(self) -> int:
        return min(4, 1 + len(self.escalations))


@st.composite
def histories(draw: st.DrawFn, max_tickets: int = 25, days: int = 50) -> list[History]:
    """Up to ``max_tickets`` tickets created over ``days`` days; times on whole minutes,
    transfers and escalations on half minutes, so that they never tie with a solve."""
    n = draw(st.integers(0, max_tickets))
    out = []
    for i in range(n):
        created = plus(BASE, timedelta(minutes=draw(st.integers(0, days * 1440))))
        steps = draw(st.lists(st.integers(0, 12 * 1440), max_size=5))
        lifecycle = []
        t = created
        for step in steps:
            t = plus(t, timedelta(minutes=step))
            lifecycle.append(t)
        end = lifecycle[-1] if lifecycle else plus(created, timedelta(days=10))
        span = int((end - created).total_seconds() // 60)

        def moment(minute: int, start: datetime = created) -> datetime:
            return plus(start, timedelta(minutes=minute, seconds=30))

        transfers = sorted(
            (moment(m), a)
            for m, a in draw(
                st.lists(st.tuples(st.integers(0, span), st.sampled_from(["ann", "bob"])), max_size=2)
            )
        )
        escalations = sorted(moment(m) for m in draw(st.lists(st.integers(0, span), max_size=2)))
        out.append(
            History(
                id=f"T{i}",
                created=created,
                channel=draw(st.sampled_from(["email", "chat", "phone"])),
                assignee=draw(st.sampled_from([None, "ann", "bob"])),
                lifecycle=tuple(lifecycle),
                transfers=tuple(transfers),
                escalations=tuple(escalations),
            )
        )
    return out


def records(history: Sequence[History]) -> list[dict[str, Any]]:
    """The history as record dicts, with the fields as they are at the end."""
    return [
        {
            "id": h.id,
            "created": h.created,
            "solved": list(h.solved),
            "reopened": list(h.reopened),
            "transferred": [t for t, _ in h.transfers],
            "escalated": list(h.escalations),
            "channel": h.channel,
            "assignee": h.final_assignee,
            "tier": h.tier,
        }
        for h in history
    ]


def events(history: Sequence[History]) -> list[TicketEvent | DispatcherEvent]:
    """The history as ticket events in time order (a ticket's events keep their own order)."""
    timed: list[tuple[datetime, int, int, TicketEvent | DispatcherEvent]] = []
    for n, h in enumerate(history):
        mine: list[tuple[datetime, TicketEvent | DispatcherEvent]] = [
            (
                h.created,
                TicketCreated(
                    ticket=Ticket(id=h.id, created=h.created, channel=h.channel, assignee=h.assignee)
                ),
            )
        ]
        for k, at in enumerate(h.lifecycle):
            mine.append((at, StatusChanged(ticket_id=h.id, at=at, status="solved" if k % 2 == 0 else "open")))
        mine += [(at, TicketTransferred(at=at, ticket_id=h.id, to_agent=a)) for at, a in h.transfers]
        mine += [(at, TicketEscalated(at=at, ticket_id=h.id)) for at in h.escalations]
        mine.sort(key=lambda pair: pair[0])  # stable: a solve and a reopen at one instant keep their order
        timed += [(at, n, seq, e) for seq, (at, e) in enumerate(mine)]
    timed.sort(key=lambda x: (x[0], x[1], x[2]))
    return [e for *_, e in timed]


def event_rows(history: Sequence[History], rng: Any) -> list[dict[str, Any]]:
    """The history as an event table, one row per event, the tickets' rows interleaved at random.

    Each ticket's rows keep their own order (rows at one instant are read in table order).
    Rows carry every field column, None where the event sets nothing, as SQL gives them.
    """
    blank = {"channel": None, "assignee": None, "tier": None}
    queues = []
    for h in history:
        mine: list[tuple[datetime, dict[str, Any]]] = [
            (h.created, {"kind": "created", "channel": h.channel, "assignee": h.assignee, "tier": 1})
        ]
        mine += [(at, {"kind": ("solved", "reopened")[k % 2]}) for k, at in enumerate(h.lifecycle)]
        mine += [(at, {"kind": "transferred", "assignee": a}) for at, a in h.transfers]
        mine += [(at, {"kind": "escalated", "tier": min(4, 2 + k)}) for k, at in enumerate(h.escalations)]
        mine.sort(key=lambda pair: pair[0])  # stable, as in `events`
        queues.append([{**blank, **row, "id": int(h.id[1:]), "at": at} for at, row in mine])
    out = []
    while queues:
        queue = queues[rng.randrange(len(queues))]
        out.append(queue.pop(0))
        queues = [q for q in queues if q]
    return out


# -- the reference ---------------------------------------------------------------------


def week_start(options: BacklogOptions, at: datetime) -> datetime:
    """The instant the week holding ``at`` starts: local midnight of the start weekday."""
    local = at.astimezone(options.timezone)
    day = local.date() - timedelta(days=(local.weekday() - WEEKDAYS.index(options.week_starts)) % 7)
    return datetime.combine(day, time(0), tzinfo=options.timezone)


def _next_week(options: BacklogOptions, start: datetime) -> datetime:
    day: date = start.date() + timedelta(days=7)
    return datetime.combine(day, time(0), tzinfo=options.timezone)


def _unresolved_at(record: dict[str, Any], t: datetime) -> bool:
    if record["created"] > t:
        return False
    state = True
    for k, at in enumerate(_alternate(record)):
        if at <= t:
            state = k % 2 == 1
    return state


def _alternate(record: dict[str, Any]) -> list[datetime]:
    out = []
    for k, s in enumerate(record["solved"]):
        out.append(s)
        if k < len(record["reopened"]):
            out.append(record["reopened"][k])
    return out


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants (in UTC: one zone's datetimes subtract by wall clock)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def _rank(values: list[timedelta], p: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered) / 100) - 1].total_seconds()


def reference(
    recs: Sequence[dict[str, Any]], options: BacklogOptions, through: datetime | None = None
) -> list[dict[str, Any]]:
    """The report's records, recomputed the slow way (SLA columns aside)."""
    if not recs:
        return []
    instants = [r["created"] for r in recs]
    everything = instants + [
        t for r in recs for k in ("solved", "reopened", "transferred", "escalated") for t in r[k]
    ]
    first = week_start(options, min(instants))
    last = week_start(options, through if through is not None else max(everything))
    weeks = []
    s = first
    while s <= last:
        weeks.append(s)
        s = _next_week(options, s)

    def group(r: dict[str, Any]) -> tuple[Hashable, ...]:
        return tuple("(none)" if r[f] is None else r[f] for f in options.by)

    keys: list[tuple[Hashable, ...]] = [()]
    if options.by:
        keys += sorted({group(r) for r in recs}, key=lambda g: tuple((v == "(none)", str(v)) for v in g))
    rows: dict[tuple[Hashable, ...], list[dict[str, Any]]] = {}
    for key in keys:
        mine = [r for r in recs if not key or group(r) == key]
        series = []
        for start in weeks:
            end = _next_week(options, start)

            def inside(t: datetime, start: datetime = start, end: datetime = end) -> bool:
                return start <= t < end

            last_us = end - US
            open_now = [r for r in mine if _unresolved_at(r, last_us)]
            ages = [0, 0, 0, 0]
            for r in open_now:
                age = elapsed(r["created"], end)
                ages[sum(age >= timedelta(days=d) for d in (1, 3, 7))] += 1
            solves = [(r, s) for r in mine for s in r["solved"] if inside(s)]
            durations = [
                elapsed(r["created"], s)
                if options.calendar is None
                else options.calendar.elapsed(r["created"], s)
                for r, s in solves
            ]
            row: dict[str, Any] = {"week": start.date(), "total": not key}
            row.update(zip(options.by, key or (None,) * len(options.by), strict=True))
            row.update(
                created=sum(inside(r["created"]) for r in mine),
                solved=len(solves),
                reopened=sum(inside(t) for r in mine for t in r["reopened"]),
                unresolved=len(open_now),
                ages=ages,
                median=_rank(durations, 50),
                p90=_rank(durations, 90),
                transfers=sum(sum(t <= s for t in r["transferred"]) for r, s in solves),
                escalations=sum(sum(t <= s for t in r["escalated"]) for r, s in solves),
            )
            series.append(row)
        _judge(options, series)
        rows[key] = series
    return [rows[key][i] for i in range(len(weeks)) for key in keys]


def _judge(options: BacklogOptions, series: list[dict[str, Any]]) -> None:
    """Ratio and trend, straight from their definitions (docs/backlog.md, ISSUE #15)."""
    for i, row in enumerate(series):
        window = series[max(0, i - options.window + 1) : i + 1]
        solved = sum(r["solved"] for r in window)
        row["ratio_weeks"] = len(window)
        row["ratio"] = row["unresolved"] / (solved / len(window)) if solved else None
        backlog = [r["unresolved"] for r in series[: i + 1]]
        k = options.growing_weeks
        before = [r["created"] for r in series[i - options.window : i]] if i >= options.window else []
        baseline = sum(before) / len(before) if before else 0
        if len(backlog) > k and all(backlog[-j - 1] > backlog[-j - 2] for j in range(k)):
            row["trend"] = "growing"
        elif baseline > 0 and row["created"] > options.spike_factor * baseline:
            row["trend"] = "spike"
        elif i > 0 and backlog[-1] < backlog[-2]:
            row["trend"] = "shrinking"
        else:
            row["trend"] = "stable"


def comparable(report_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's records cut down to what `reference` computes."""
    out = []
    for r in report_records:
        row = {k: v for k, v in r.items() if not k.startswith(("age_", "sla_", "resolution_", "ratio_note"))}
        row["ages"] = [r[k] for k in r if k.startswith("age_")]
        row["median"] = r["resolution_median_s"]
        row["p90"] = r["resolution_p90_s"]
        for name in ("transfers", "escalations"):
            per = row.pop(f"{name}_per_ticket")
            row[name] = 0 if per is None else round(per * r["solved"])
        rate = row.pop("reopen_rate")
        assert rate is None or rate == r["reopened"] / r["solved"]
        out.append(row)
    return out
