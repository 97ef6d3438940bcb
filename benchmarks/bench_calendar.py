"""Benchmark: BusinessCalendar against pandas CustomBusinessHour and businesstimedelta.

Workload (the calendar issue's): Mon-Fri 09:00-17:00, Europe/Berlin, German public
holidays; 20,000 due dates (random 2026 starts at second resolution, 1-400 whole
business hours) and 20,000 elapsed computations (random 2026 starts, spans of 0-90
calendar days). Every peer runs on the same inputs in the same process, and the
results are checked for agreement wherever the peer is correct:

- pandas lands on the next opening when the budget runs out exactly at 17:00, where
  ticketcore (and businesstimedelta) return 17:00; such pairs count as agreeing;
- pandas has no elapsed API, so only due dates are compared with it.

Then the cost of one ``add`` for 1, 8, 40, 400 and 8,000 business hours.

The floor (issue 19's): the same two operations in closed form for this one calendar,
with the least work Python allows: local wall time, a bisect over the sorted ordinals
of the business days, and arithmetic within the day (exact here except across a DST
change inside a span, which the calendar's hours never contain). Target: ticketcore at
most 2x the floor.

Run: ``python benchmarks/bench_calendar.py`` (needs the ``bench`` extra). Use
``--peer-sample N`` to run businesstimedelta (about 5 ms a call) on the first N cases only.
"""

from __future__ import annotations

import argparse
import bisect
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from ticketcore.sla import BusinessCalendar

ZONE = ZoneInfo("Europe/Berlin")
N = 20_000


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Microseconds per call of ``fn`` (which makes ``calls`` calls)."""
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) / calls * 1e6


class Floor:
    """Mon-Fri 09:00-17:00 with a holiday list, closed form over business-day ordinals."""

    OPEN, CLOSE = 9 * 3600, 17 * 3600
    DAY = CLOSE - OPEN

    def __init__(self, holidays: set[date], first: int, last: int) -> None:
        self.days = [
            o for o in range(first, last) if o % 7 not in (6, 0) and date.fromordinal(o) not in holidays
        ]
        self.zone = ZONE

    def _pos(self, local: datetime) -> float:
        """Business seconds from the first business day's start to ``local`` (naive wall time)."""
        o = local.toordinal()
        i = bisect.bisect_left(self.days, o)
        if i < len(self.days) and self.days[i] == o:
            sec = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
            return i * self.DAY + min(max(sec - self.OPEN, 0), self.DAY)
        return i * self.DAY

    def add(self, start: datetime, duration: timedelta) -> datetime:
        target = self._pos(start.astimezone(self.zone).replace(tzinfo=None)) + duration.total_seconds()
        i, rest = divmod(target, self.DAY)
        if rest == 0 and i:
            i, rest = i - 1, self.DAY
        d = date.fromordinal(self.days[int(i)])
        return datetime(d.year, d.month, d.day, tzinfo=self.zone) + timedelta(seconds=self.OPEN + rest)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        a = self._pos(start.astimezone(self.zone).replace(tzinfo=None))
        b = self._pos(end.astimezone(self.zone).replace(tzinfo=None))
        return timedelta(seconds=b - a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-sample", type=int, default=N, help="cases to run businesstimedelta on")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import businesstimedelta as btd
    import pandas as pd
    import pytz

    rng = random.Random(args.seed)
    year_start = datetime(2026, 1, 1, tzinfo=ZONE).astimezone(UTC)
    starts = [(year_start + timedelta(seconds=rng.randrange(365 * 86400))).astimezone(ZONE) for _ in range(N)]
    hours = [rng.randint(1, 400) for _ in range(N)]
    ends = [(s.astimezone(UTC) + timedelta(days=rng.uniform(0, 90))).astimezone(ZONE) for s in starts]

    # Through 2039: businesstimedelta crashes when its holiday list runs out (its issues #8, #10).
    de = holidays.country_holidays("DE", years=range(2025, 2040))
    holiday_dates = sorted(de)

    cal = BusinessCalendar.from_dict(
        {
            "timezone": "Europe/Berlin",
            "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
            "holidays": {"country": "DE"},
        }
    )
    durations = [timedelta(hours=h) for h in hours]

    # pandas: naive local wall time (it computes on the wall clock anyway), offsets cached per h.
    cbh = pd.offsets.CustomBusinessHour(start="09:00", end="17:00", holidays=holiday_dates)
    offsets = {h: h * cbh for h in set(hours)}
    pd_starts = [pd.Timestamp(s.replace(tzinfo=None)) for s in starts]

    # businesstimedelta: pytz zone, holidays as a set (its faster form).
    pz = pytz.timezone("Europe/Berlin")
    workday = btd.WorkDayRule(
        start_time=datetime(2000, 1, 1, 9).time(),
        end_time=datetime(2000, 1, 1, 17).time(),
        working_days=[0, 1, 2, 3, 4],
        tz=pz,
    )
    rules = btd.Rules([workday, btd.HolidayRule(set(holiday_dates), tz=pz)])
    m = min(args.peer_sample, N)
    bt_starts = [s.astimezone(pz) for s in starts[:m]]
    bt_ends = [e.astimezone(pz) for e in ends[:m]]
    bt_deltas = [btd.BusinessTimeDelta(rules, hours=h) for h in hours[:m]]

    # Warm up every library once (ticketcore builds its per-year tables here).
    for s, d, e in zip(starts[:2000], durations[:2000], ends[:2000], strict=True):
        cal.add(s, d)
        cal.elapsed(s, e)

    floor = Floor(set(holiday_dates), date(2025, 1, 1).toordinal(), date(2040, 1, 1).toordinal())
    results: dict[str, list[Any]] = {}  # each library's own types

    def fl_due() -> None:
        results["fl_due"] = [floor.add(s, d) for s, d in zip(starts, durations, strict=True)]

    def fl_elapsed() -> None:
        results["fl_el"] = [floor.elapsed(s, e) for s, e in zip(starts, ends, strict=True)]

    def tc_due() -> None:
        results["tc_due"] = [cal.add(s, d) for s, d in zip(starts, durations, strict=True)]

    def tc_elapsed() -> None:
        results["tc_el"] = [cal.elapsed(s, e) for s, e in zip(starts, ends, strict=True)]

    def pd_due() -> None:
        results["pd_due"] = [ts + offsets[h] for ts, h in zip(pd_starts, hours, strict=True)]

    def bt_due() -> None:
        results["bt_due"] = [s + d for s, d in zip(bt_starts, bt_deltas, strict=True)]

    def bt_elapsed() -> None:
        results["bt_el"] = [rules.difference(s, e) for s, e in zip(bt_starts, bt_ends, strict=True)]

    fl_due()
    fl_elapsed()
    floor_t = {op: [] for op in ("due", "elapsed")}  # type: dict[str, list[float]]
    tc_t = {op: [] for op in ("due", "elapsed")}  # type: dict[str, list[float]]
    for _ in range(3):  # side by side, alternating; medians
        tc_t["due"].append(per_call(tc_due, N))
        floor_t["due"].append(per_call(fl_due, N))
        tc_t["elapsed"].append(per_call(tc_elapsed, N))
        floor_t["elapsed"].append(per_call(fl_elapsed, N))
    timings = {
        ("ticketcore", "due"): sorted(tc_t["due"])[1],
        ("ticketcore", "elapsed"): sorted(tc_t["elapsed"])[1],
        ("floor (closed form)", "due"): sorted(floor_t["due"])[1],
        ("floor (closed form)", "elapsed"): sorted(floor_t["elapsed"])[1],
        ("pandas CustomBusinessHour", "due"): per_call(pd_due, N),
        ("businesstimedelta", "due"): per_call(bt_due, m),
        ("businesstimedelta", "elapsed"): per_call(bt_elapsed, m),
    }

    # Agreement.
    tc_due_list = results["tc_due"]
    pd_agree = pd_conv = 0
    for ours, theirs in zip(tc_due_list, results["pd_due"], strict=True):
        assert isinstance(ours, datetime)
        theirs_dt = theirs.to_pydatetime().replace(tzinfo=ZONE)
        if ours.replace(tzinfo=None) == theirs_dt.replace(tzinfo=None):
            pd_agree += 1
        elif ours.replace(tzinfo=None) == theirs_dt.replace(tzinfo=None) - timedelta(hours=16) or (
            not cal.is_open(ours)
            and cal.next_open(ours).replace(tzinfo=None) == theirs_dt.replace(tzinfo=None)
        ):
            pd_conv += 1  # pandas' convention: the next opening instead of 17:00
    bt_due_agree = sum(
        1 for ours, theirs in zip(tc_due_list[:m], results["bt_due"], strict=True) if ours == theirs
    )
    bt_el_agree = sum(
        1
        for ours, theirs in zip(results["tc_el"][:m], results["bt_el"], strict=True)
        # businesstimedelta keeps whole seconds only: compare ours truncated to the second.
        if ours - timedelta(microseconds=ours.microseconds)
        == timedelta(hours=theirs.hours, seconds=theirs.seconds)
    )

    print(f"Workload: {N:,} due dates and {N:,} elapsed, Mon-Fri 09-17 Europe/Berlin, DE holidays")
    print(f"(businesstimedelta on the first {m:,} cases)\n")
    print(f"{'library':<28}{'operation':<10}{'us/call':>10}{'x ticketcore':>14}")
    for (lib, op), us in timings.items():
        ratio = us / timings[("ticketcore", op)]
        print(f"{lib:<28}{op:<10}{us:>10.2f}{ratio:>14.1f}")
    print()
    for op in ("due", "elapsed"):
        ratio = timings[("ticketcore", op)] / timings[("floor (closed form)", op)]
        print(f"ticketcore / floor, {op:<8} {ratio:.2f}x (target: <= 2x)")
    fl_agree = sum(1 for a, b in zip(tc_due_list, results["fl_due"], strict=True) if a == b)
    fl_el = sum(1 for a, b in zip(results["tc_el"], results["fl_el"], strict=True) if a == b)
    print(f"agreement, floor due: {fl_agree:,} / {N:,}; elapsed: {fl_el:,} / {N:,}")
    print(
        f"agreement, pandas due:            {pd_agree:,} equal + {pd_conv:,} next-opening convention / {N:,}"
    )
    print(f"agreement, businesstimedelta due: {bt_due_agree:,} / {m:,}")
    print(
        f"agreement, businesstimedelta elapsed: {bt_el_agree:,} / {m:,}"
        " (to the second: it drops microseconds)"
    )

    # Scaling with the duration: one start, prebuilt offsets, warm.
    print("\nCost of one add by duration (us/call; ticketcore's years are built once before timing)")
    start = datetime(2026, 3, 4, 10, 17, tzinfo=ZONE)
    pd_start = pd.Timestamp(start.replace(tzinfo=None))
    bt_start = start.astimezone(pz)
    print(f"{'hours':>8}{'ticketcore':>12}{'pandas':>10}{'btd':>12}")
    base = None
    for h in (1, 8, 40, 400, 8000):
        d = timedelta(hours=h)
        cal.add(start, d)
        reps = 20_000

        def tc_adds(d: timedelta = d, reps: int = reps) -> object:
            return [cal.add(start, d) for _ in range(reps)]

        tc = per_call(tc_adds, reps)
        off = h * cbh

        def pd_adds(off: Any = off) -> object:
            return [pd_start + off for _ in range(2000)]

        pdv = per_call(pd_adds, 2000)
        bt_reps = 3 if h >= 400 else 30
        delta = btd.BusinessTimeDelta(rules, hours=h)

        def bt_adds(delta: Any = delta, r: int = bt_reps) -> object:
            return [bt_start + delta for _ in range(r)]

        try:
            us = per_call(bt_adds, bt_reps)
            btv = f"{us:.1f}"
        except TypeError as e:  # businesstimedelta's own failure, reported rather than hidden
            btv = f"error: {e}"[:30]
        if h == 8:
            base = tc
        print(f"{h:>8}{tc:>12.2f}{pdv:>10.1f}{btv:>12}")
    assert base is not None
    tc8000 = per_call(lambda: [cal.add(start, timedelta(hours=8000)) for _ in range(20_000)], 20_000)
    print(f"\n8,000 h add / 8 h add (ticketcore): {tc8000 / base:.2f}x")


if __name__ == "__main__":
    main()
