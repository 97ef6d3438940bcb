"""Benchmark: the weekly backlog report over 1,000,000 tickets, against pandas, in one run.

Workload (the backlog issue's): 1,000,000 tickets spread over two years, 60% chat,
25% email, 10% phone, 5% web; times to resolution log-normal (median about 5 hours);
5% reopened once and solved again; 1% never solved. The report: per week (UTC, from
Monday) and channel, created, solved, reopened, unresolved at the end of the week,
the backlog ratio over 4 weeks, the age buckets of the backlog and the median and 90th
percentile time to resolution.

Timed, one after the other in the same process:

- ticketcore batch: `backlog_report` over the records (a list of dicts of aware datetimes);
- ticketcore incremental: a `BacklogTracker` fed the same history as 2.1 million events,
  with the cost per event over each tenth of the stream (it should stay flat), once with
  Python's cyclic garbage collector on (the default) and once with it off, which tells
  the tracker's own cost from the collector's passes over a growing heap;
- pandas, from a ready DataFrame of datetime64 columns (its best case: the columns
  exist already) and from the same records (``pandas.DataFrame(records)`` plus the
  conversions pandas needs first).

The pandas version computes the same figures the way a pandas user would (groupby on
week and channel, cumulative sums for the backlog, ``numpy.add.at`` difference arrays
for the age buckets, nearest-rank percentiles from one sort), and the script
checks that its counts and percentiles equal ticketcore's before printing the times.

Run: ``python benchmarks/bench_backlog.py [--tickets N]`` (needs the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ticketcore import Ticket
from ticketcore.backlog import BacklogOptions, BacklogTracker, backlog_report
from ticketcore.events import StatusChanged, TicketCreated

T0 = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
SPAN = 2 * 365 * 86400
CHANNELS = ["chat"] * 12 + ["email"] * 5 + ["phone"] * 2 + ["web"]
WEEK_NS = 7 * 86400 * 10**9


def history(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        created = T0 + timedelta(seconds=rng.randrange(SPAN))
        record: dict[str, Any] = {"id": f"T{i}", "created": created, "channel": rng.choice(CHANNELS)}
        r = rng.random()
        if r >= 0.01:
            solved = created + timedelta(seconds=int(3600 * rng.lognormvariate(1.6, 1.2)))
            record["solved"] = [solved]
            if r < 0.06:
                reopened = solved + timedelta(seconds=int(3600 * rng.lognormvariate(2.5, 1)))
                record["reopened"] = [reopened]
                record["solved"].append(
                    reopened + timedelta(seconds=int(3600 * rng.lognormvariate(1.6, 1.2)))
                )
        out.append(record)
    return out


def events(records: list[dict[str, Any]]) -> list[object]:
    timed: list[tuple[datetime, int, object]] = []
    for record in records:
        ticket_id = record["id"]
        ticket = Ticket(id=ticket_id, created=record["created"], channel=record["channel"])
        timed.append((record["created"], 0, TicketCreated(ticket=ticket)))
        lifecycle = [*record.get("solved", ())]
        for k, at in enumerate(record.get("reopened", ())):
            lifecycle.insert(2 * k + 1, at)
        for k, at in enumerate(lifecycle):
            status = "solved" if k % 2 == 0 else "open"
            timed.append((at, k + 1, StatusChanged(ticket_id=ticket_id, at=at, status=status)))
    timed.sort(key=lambda x: (x[0], x[1]))
    return [e for *_, e in timed]


# -- pandas ---------------------------------------------------------------------------


def frames(records: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A ticket frame (created, channel) and a lifecycle frame (ticket row, kind, at)."""
    df = pd.DataFrame.from_records(records, columns=["id", "created", "channel", "solved", "reopened"])
    df["created"] = pd.to_datetime(df["created"], utc=True)
    solves = df[["channel", "created", "solved"]].explode("solved").dropna(subset=["solved"])
    reopens = df[["channel", "reopened"]].explode("reopened").dropna(subset=["reopened"])
    life = pd.concat(
        [
            pd.DataFrame(
                {
                    "row": solves.index,
                    "kind": "solved",
                    "at": pd.to_datetime(solves["solved"], utc=True),
                }
            ),
            pd.DataFrame(
                {
                    "row": reopens.index,
                    "kind": "reopened",
                    "at": pd.to_datetime(reopens["reopened"], utc=True),
                }
            ),
        ],
        ignore_index=True,
    )
    return df[["created", "channel"]], life


def pandas_report(tickets: pd.DataFrame, life: pd.DataFrame) -> pd.DataFrame:
    """The weekly report per channel, written with pandas and numpy."""
    origin = pd.Timestamp(T0).value
    created_ns = tickets["created"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    channel = tickets["channel"].to_numpy()
    cweek = (created_ns - origin) // WEEK_NS
    at_ns = life["at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    lweek = (at_ns - origin) // WEEK_NS
    rows = life["row"].to_numpy()
    solved = life["kind"].to_numpy() == "solved"
    nweeks = int(max(cweek.max(), lweek.max())) + 1
    codes, names = pd.factorize(channel, sort=True)
    lcodes = codes[rows]
    g = len(names)

    def count(week: np.ndarray, code: np.ndarray) -> np.ndarray:
        return np.bincount(code * nweeks + week, minlength=g * nweeks).reshape(g, nweeks)

    created = count(cweek, codes)
    solves = count(lweek[solved], lcodes[solved])
    reopens = count(lweek[~solved], lcodes[~solved])
    # Age buckets: each unresolved span adds +1 per bucket from max(start, turn) to its end.
    turns = [cweek]
    for days in (1, 3, 7):
        due = created_ns + days * 86400 * 10**9
        turns.append(np.ceil((due - origin) / WEEK_NS).astype(np.int64) - 1)
    starts = np.concatenate([cweek, lweek[~solved]])
    start_rows = np.concatenate([np.arange(len(cweek)), rows[~solved]])
    order_end = np.full(len(starts), nweeks, dtype=np.int64)
    # Each span ends at the solve that follows its start (the lifecycle alternates).
    life_sorted = life.assign(week=lweek).sort_values(["row", "at"], kind="stable")
    solve_rows = life_sorted["row"].to_numpy()[life_sorted["kind"].to_numpy() == "solved"]
    solve_weeks = life_sorted["week"].to_numpy()[life_sorted["kind"].to_numpy() == "solved"]
    span_order = np.lexsort((starts, start_rows))
    nth = np.zeros(len(starts), dtype=np.int64)
    sorted_rows = start_rows[span_order]
    first = np.r_[True, sorted_rows[1:] != sorted_rows[:-1]]
    idx = np.arange(len(sorted_rows))
    nth[span_order] = idx - np.maximum.accumulate(np.where(first, idx, 0))
    first_solve = np.searchsorted(solve_rows, start_rows, side="left")
    k = first_solve + nth
    has_end = (k < len(solve_rows)) & (solve_rows[np.minimum(k, len(solve_rows) - 1)] == start_rows)
    order_end[has_end] = solve_weeks[k[has_end]]
    ages = np.zeros((4, g, nweeks + 1), dtype=np.int64)
    scode = codes[start_rows]
    for b in range(4):
        lo = np.maximum(starts, turns[b][start_rows])
        hi = order_end if b == 3 else np.minimum(order_end, turns[b + 1][start_rows])
        keep = lo < hi
        np.add.at(ages[b], (scode[keep], lo[keep]), 1)
        np.add.at(ages[b], (scode[keep], hi[keep]), -1)
    ages = ages.cumsum(axis=2)[:, :, :nweeks]
    unresolved = ages.sum(axis=0)
    window = np.cumsum(solves, axis=1)
    window[:, 4:] = window[:, 4:] - window[:, :-4]
    used = np.minimum(np.arange(1, nweeks + 1), 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(window > 0, unresolved / (window / used), np.nan)
    # Resolution percentiles per week and channel, by nearest rank (ceil(p * n)-th smallest).
    frame = pd.DataFrame(
        {
            "code": lcodes[solved],
            "week": lweek[solved],
            "hours": (at_ns[solved] - created_ns[rows[solved]]) / 3.6e12,
        }
    ).sort_values(["code", "week", "hours"])
    sizes = frame.groupby(["code", "week"]).size()
    n = sizes.to_numpy()
    offsets = np.r_[0, np.cumsum(n)[:-1]]
    hours = frame["hours"].to_numpy()
    quant = pd.DataFrame(
        {0.5: hours[offsets + (50 * n + 99) // 100 - 1], 0.9: hours[offsets + (90 * n + 99) // 100 - 1]},
        index=sizes.index,
    )
    index = pd.MultiIndex.from_product([range(g), range(nweeks)], names=["code", "week"])
    out = pd.DataFrame(
        {
            "created": created.ravel(),
            "solved": solves.ravel(),
            "reopened": reopens.ravel(),
            "unresolved": unresolved.ravel(),
            "ratio": ratio.ravel(),
            **{f"age{b}": ages[b].ravel() for b in range(4)},
        },
        index=index,
    ).join(quant)
    out.index = out.index.set_levels([names, out.index.levels[1]])
    return out


def from_records(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The pandas report, starting from the same records ticketcore reads."""
    return pandas_report(*frames(records))


def check(ours: list[dict[str, Any]], theirs: pd.DataFrame) -> bool:
    """Whether pandas and ticketcore give the same counts and percentiles."""
    mine = [r for r in ours if not r["total"]]
    weeks = sorted({r["week"] for r in mine})
    ok = True
    for r in mine:
        row = theirs.loc[(r["channel"], weeks.index(r["week"]))]
        counts = [r["created"], r["solved"], r["reopened"], r["unresolved"]]
        counts += [r[k] for k in r if k.startswith("age_")]
        ok &= counts == [
            int(row[c])
            for c in ("created", "solved", "reopened", "unresolved", "age0", "age1", "age2", "age3")
        ]
        if r["resolution_median_s"] is not None:
            ok &= math.isclose(r["resolution_median_s"] / 3600, row[0.5], abs_tol=1e-6)
            ok &= math.isclose(r["resolution_p90_s"] / 3600, row[0.9], abs_tol=1e-6)
    return bool(ok)


def timed(label: str, fn: Any, repeat: int = 3) -> tuple[float, Any]:
    """The best of ``repeat`` runs (this machine's timings vary by about 10% run to run)."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<46} {best:8.2f} s  (best of {repeat})")
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"building {args.tickets:,} tickets over two years ...")
    records = history(args.tickets, args.seed)
    options = BacklogOptions(by="channel")

    print("ticketcore")
    batch_s, report = timed("batch: backlog_report(records)", partial(backlog_report, records, options))
    ours = report.to_records()

    print("pandas")
    tickets, life = frames(records)
    frame_s, theirs = timed("from a ready DataFrame", partial(pandas_report, tickets, life))
    del tickets, life
    records_s, _ = timed("from the records (DataFrame(records) + report)", partial(from_records, records))
    print(f"  pandas agrees with ticketcore: {check(ours, theirs)}")

    print("ticketcore incremental (building the events, not timed) ...")
    stream = events(records)
    del records
    same = True
    for collector in ("on", "off"):
        tracker = BacklogTracker(options)
        tenth = len(stream) // 10
        per_event = []
        gc.collect()
        gc.freeze()  # the prebuilt stream is the host's, not the tracker's: keep it out of GC passes
        if collector == "off":
            gc.disable()
        start = time.perf_counter()
        for k in range(10):
            part_start = time.perf_counter()
            for event in stream[k * tenth : (k + 1) * tenth]:
                tracker.handle(event)
            per_event.append((time.perf_counter() - part_start) / tenth * 1e6)
        for event in stream[10 * tenth :]:
            tracker.handle(event)
        incremental_s = time.perf_counter() - start
        gc.enable()
        same &= tracker.report() == report
        print(f"  {len(stream):,} events, Python's cyclic GC {collector:<3}{'':<13} {incremental_s:8.2f} s")
        print(f"    us per event, each tenth: {' '.join(f'{x:.2f}' for x in per_event)}")
        print(f"    last tenth / first tenth: {per_event[-1] / per_event[0]:.2f}")
        del tracker
    print(f"  incremental report equals the batch report: {same}")

    print("ratios")
    print(f"  batch / pandas from a ready DataFrame: {batch_s / frame_s:6.2f}")
    print(f"  batch / pandas from the records:       {batch_s / records_s:6.2f}   (target <= 3)")


if __name__ == "__main__":
    main()
