"""The business-time engine behind `BusinessCalendar`: closed-form, never a day loop.

Theory of operation
===================

Two time lines, both integers in microseconds:

- *real* time: microseconds since 0001-01-01T00:00 UTC. Business time is measured
  here, and it is real elapsed time, never wall-clock arithmetic.
- *wall* time: microseconds since local 0001-01-01T00:00 on the calendar's clock.
  Day ``D`` (``date.toordinal() - 1``) is ``[D*DAY, (D+1)*DAY)``; ``D % 7`` is its
  weekday, Monday 0, so weeks are ``[q*WEEK, (q+1)*WEEK)``.

The calendar's configuration is a set ``OW`` of open wall time: each date's
intervals (cancelled when the date is a holiday), plus openings, minus closures.
The pinned semantics say an interval ``[s, e)`` runs in real time from ``T(s)`` to
``T(e)``, where ``T(x)`` is the first instant at which the local clock reads ``>= x``.
``T`` is monotone, so mapping the merged wall set endpoint by endpoint gives the
real open set exactly; in a spring-forward gap a boundary snaps to the transition,
and in a fall-back overlap it takes the first occurrence (so an interval covering
the whole repeated hour is an hour longer in real time).

Let ``F(t)`` be the business time in ``[epoch, t)``: ``elapsed(a, b) = F(b) - F(a)``,
and ``add`` inverts ``F``. ``F`` is continuous and grows at rate 1 while open, 0
while closed. Computing it must not loop over days, so:

1. The *template* is the weekly pattern alone, as merged pieces of ``[0, WEEK)``
   with prefix sums. ``Wt(x)``, the template's open wall time before ``x``, is a
   ``divmod`` by the week plus a bisect, and so is its inverse.
2. A local day is *regular* when its real open set is the template's, shifted by one
   constant UTC offset. On a run of regular days ("a stretch") with offset ``o``,
   ``F(t) = Wt(t + o) + K`` for a constant ``K``.
3. The other days are *exceptional*: holidays and the day after (a cancelled night
   shift), openings, days touched by a closure, and the days around a DST
   transition. Their real open intervals are resolved exactly with ``T``. A day that
   turns out to match the template (a holiday on a closed weekday) is dropped.
4. Exceptional days are collected per local year in a `_Chunk` with, for each day,
   ``F`` at its start and end and the ``(o, K)`` of the stretch after it. A year's
   chunk costs work proportional to its holidays, closures and transitions, and is
   kept: the calendar is an immutable value, so this memo never changes a result.
   Chunks are built contiguously and carry a base ``F`` value relative to the first
   year built; every answer depends only on differences, so the anchor is invisible.

So ``F(t)`` is a chunk lookup, a bisect over that year's exceptional days, and
either a short walk inside one day or a template evaluation. ``add`` steps over whole
years by their totals, bisects the target year's exceptional days by ``F`` value and
inverts either a day or the template in closed form. The cost of a call grows with
the number of *years* crossed (each a comparison), never with days or minutes.

Why one module above 500 lines: it has one job, ``F`` and its inverse for one calendar,
and its parts are read together: the `Engine`'s hot methods (``f``, ``inverse_all``,
``_invert``) work on the `_Chunk` tables and the zone transitions directly, and the
theory above explains them at once. The real-time conversions (`to_real`, `from_real`)
that the clock modules use are `ticketcore._instant`'s, the library's one internal time.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from ticketcore._errors import HorizonExceeded
from ticketcore._instant import REAL_EPOCH, SECOND, from_real, to_real
from ticketcore._instant import US as _US

__all__ = ["DAY", "MAX_YEAR", "MIN_YEAR", "SECOND", "WEEK", "Engine", "Span", "to_real"]

DAY: Final = 86_400_000_000
WEEK: Final = 7 * DAY
#: Local years the engine works in (a margin keeps every conversion inside datetime's range).
MIN_YEAR: Final = 2
MAX_YEAR: Final = 9997

_UTC: Final = UTC
_REAL_EPOCH: Final = REAL_EPOCH
_WALL_EPOCH: Final = datetime(1, 1, 1)
_MEAN_YEAR: Final = 31_556_952 * SECOND  # 365.2425 days

Span = tuple[int, int]


def _merge(spans: list[Span]) -> list[Span]:
    """Sort and merge overlapping or touching spans, dropping empty ones."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _subtract(spans: list[Span], cuts: Sequence[Span]) -> list[Span]:
    """Remove ``cuts`` from merged, sorted ``spans``."""
    for cs, ce in cuts:
        nxt: list[Span] = []
        for s, e in spans:
            if ce <= s or e <= cs:
                nxt.append((s, e))
                continue
            if s < cs:
                nxt.append((s, cs))
            if ce < e:
                nxt.append((ce, e))
        spans = nxt
    return spans


class _Zone:
    """Offsets and transitions of one IANA zone, memoised per UTC year.

    zoneinfo does not expose its transitions, so each year is probed every six hours
    and every change of offset is narrowed to the second by bisection (tz data puts
    transitions on whole seconds; no zone changes offset twice within six hours).
    """

    _STEP: Final = 6 * 3600 * SECOND

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._years: dict[int, tuple[tuple[int, int, int], ...]] = {}

    def offset(self, real: int) -> int:
        """The UTC offset in microseconds at a real instant."""
        local = from_real(real, self.zone)
        off = local.utcoffset()
        assert off is not None
        return off // _US

    def _year(self, year: int) -> tuple[tuple[int, int, int], ...]:
        found = self._years.get(year)
        if found is not None:
            return found
        lo = to_real(datetime(year, 1, 1, tzinfo=_UTC))
        hi = to_real(datetime(year + 1, 1, 1, tzinfo=_UTC))
        out: list[tuple[int, int, int]] = []
        t, off = lo, self.offset(lo)
        while t < hi:
            nt = min(t + self._STEP, hi)
            noff = self.offset(nt)
            if noff != off:
                a, b = t // SECOND, nt // SECOND  # offset(a) == off, offset(b) == noff
                while b - a > 1:
                    mid = (a + b) // 2
                    if self.offset(mid * SECOND) == off:
                        a = mid
                    else:
                        b = mid
                out.append((b * SECOND, off, noff))
            t, off = nt, noff
        result = tuple(out)
        self._years[year] = result
        return result

    def transitions(self, lo: int, hi: int) -> list[tuple[int, int, int]]:
        """Transitions ``(instant, offset before, offset after)`` with ``lo <= instant < hi``."""
        y0 = (_REAL_EPOCH + timedelta(microseconds=lo)).year
        y1 = (_REAL_EPOCH + timedelta(microseconds=hi)).year
        return [tr for y in range(y0, y1 + 1) for tr in self._year(y) if lo <= tr[0] < hi]

    def first_instant(self, wall: int) -> int:
        """``T(wall)``: the first real instant at which the local clock reads ``>= wall``."""
        naive = _WALL_EPOCH + timedelta(microseconds=wall)
        real0 = to_real(naive.replace(tzinfo=self.zone))  # fold=0: first occurrence
        if real0 + self.offset(real0) == wall:
            return real0
        # In a gap: fold=0 used the offset before the transition (real0 after it) and
        # fold=1 the offset after (real1 before it); the transition lies between.
        real1 = to_real(naive.replace(tzinfo=self.zone, fold=1))
        lo, hi = min(real0, real1), max(real0, real1)
        for tr, before, after in self.transitions(lo, hi + 1):
            if after > before:
                return tr
        raise AssertionError(f"no transition found for a nonexistent wall time {naive}")


_ZONES: dict[str, _Zone] = {}
_ZONES_LOCK = threading.Lock()


def _zone(zone: ZoneInfo) -> _Zone:
    with _ZONES_LOCK:
        found = _ZONES.get(zone.key)
        if found is None:
            found = _ZONES[zone.key] = _Zone(zone)
        return found


class _Chunk:
    """One local year's exceptional days, with ``F`` relative to the year's start."""

    __slots__ = (
        "F0",
        "F1",
        "K",
        "K0",
        "base",
        "ivs",
        "o",
        "o0",
        "re",
        "rend",
        "rs",
        "rstart",
        "total",
        "year",
    )

    def __init__(self, year: int) -> None:
        self.year = year
        self.rstart = 0  # real start of the year (T of local Jan 1, 00:00)
        self.rend = 0
        self.o0 = 0  # offset and K of the stretch before the first exceptional day
        self.K0 = 0
        self.rs: list[int] = []  # exceptional days: real start and end
        self.re: list[int] = []
        self.F0: list[int] = []  # F at their start and end
        self.F1: list[int] = []
        self.ivs: list[list[Span]] = []  # their exact real open intervals
        self.o: list[int] = []  # offset and K of the stretch after each
        self.K: list[int] = []
        self.total = 0  # F at the year's end
        self.base = 0  # F at the year's start, relative to the first year built (set once built)


class Engine:
    """Closed-form business time for one calendar (see the module's theory of operation).

    Args:
        zone: The calendar's time zone.
        weekly: Per weekday (Monday first), the intervals as ``(start, end)``
            microseconds after that day's midnight; ``end`` may pass midnight.
        holidays: Returns the holiday dates of a year.
        openings: Extra intervals per date, like ``weekly``.
        closures: Closed wall-time spans.

    """

    def __init__(
        self,
        zone: ZoneInfo,
        weekly: Sequence[Sequence[Span]],
        holidays: Callable[[int], Iterable[date]],
        openings: Mapping[date, Sequence[Span]],
        closures: Sequence[Span],
    ) -> None:
        self.zone = zone
        self._tz = _zone(zone)
        self._weekly = [list(day) for day in weekly]
        self._holiday_source = holidays
        self._openings = {d.toordinal() - 1: list(v) for d, v in openings.items()}
        self._closures = sorted(closures)
        pieces: list[Span] = []
        for wd, day in enumerate(self._weekly):
            for start, end in day:
                s, e = wd * DAY + start, wd * DAY + end
                if e > WEEK:
                    pieces += [(s, WEEK), (0, e - WEEK)]
                else:
                    pieces.append((s, e))
        merged = _merge(pieces)
        self._t_starts = [s for s, _ in merged]
        self._t_ends = [e for _, e in merged]
        self._t_cum: list[int] = []
        self._t_cumend: list[int] = []
        acc = 0
        for s, e in merged:
            self._t_cum.append(acc)
            acc += e - s
            self._t_cumend.append(acc)
        self.weekly_total = acc
        self.horizon = 0  # the calendar's horizon in microseconds (set by the calendar)
        self._holiday_days: dict[int, frozenset[int]] = {}
        self._chunks: dict[int, _Chunk] = {}
        self._base: dict[int, int] = {}
        self._lock = threading.RLock()

    # -- the template -------------------------------------------------------------

    def _wt(self, wall: int) -> int:
        """Template open time in ``[0, wall)`` (relative to the wall epoch)."""
        q, r = divmod(wall, WEEK)
        i = bisect_right(self._t_starts, r) - 1
        if i < 0:
            return q * self.weekly_total
        return (
            q * self.weekly_total
            + self._t_cum[i]
            + min(r - self._t_starts[i], self._t_ends[i] - self._t_starts[i])
        )

    def _wt_latest(self, v: int) -> int:
        """The latest wall ``x`` with ``Wt(x) <= v`` (``v`` below the stretch's end)."""
        q, r = divmod(v, self.weekly_total)
        i = bisect_right(self._t_cum, r) - 1
        return q * WEEK + self._t_starts[i] + (r - self._t_cum[i])

    def _template_open(self, wall: int) -> bool:
        r = wall % WEEK
        i = bisect_right(self._t_starts, r) - 1
        return i >= 0 and r < self._t_ends[i]

    def _template_day(self, day: int) -> list[Span]:
        """The template's wall pieces inside day ``day``."""
        week0 = (day - day % 7) * DAY
        lo, hi = day * DAY, (day + 1) * DAY
        return [
            (max(week0 + s, lo), min(week0 + e, hi))
            for s, e in zip(self._t_starts, self._t_ends, strict=True)
            if week0 + s < hi and week0 + e > lo
        ]

    # -- holidays and exceptional days --------------------------------------------

    def holiday_days(self, year: int) -> frozenset[int]:
        """Day numbers of the holidays in a local year."""
        found = self._holiday_days.get(year)
        if found is None:
            found = frozenset(d.toordinal() - 1 for d in self._holiday_source(year))
            self._holiday_days[year] = found
        return found

    def _is_holiday(self, day: int) -> bool:
        return day in self.holiday_days(date.fromordinal(day + 1).year)

    def _day_wall(self, day: int) -> list[Span]:
        """The exact open wall spans inside day ``day``."""
        spans: list[Span] = []
        for x in (day - 1, day):
            base = x * DAY
            if not self._is_holiday(x):
                spans += [(base + s, base + e) for s, e in self._weekly[x % 7]]
            spans += [(base + s, base + e) for s, e in self._openings.get(x, ())]
        lo, hi = day * DAY, (day + 1) * DAY
        cuts = [(cs, ce) for cs, ce in self._closures if cs < hi and ce > lo]
        spans = _subtract(_merge(spans), cuts)
        return [(max(s, lo), min(e, hi)) for s, e in spans if s < hi and e > lo]

    def _build(self, year: int) -> _Chunk:
        tz = self._tz
        c = _Chunk(year)
        d0 = date(year, 1, 1).toordinal() - 1
        d1 = date(year + 1, 1, 1).toordinal() - 1
        c.rstart = tz.first_instant(d0 * DAY)
        c.rend = tz.first_instant(d1 * DAY)
        cand: set[int] = set()
        for h in self.holiday_days(year) | self.holiday_days(year - 1):
            cand.update((h, h + 1))
        for od in self._openings:
            cand.update((od, od + 1))
        for cs, ce in self._closures:
            if ce > d0 * DAY and cs < d1 * DAY:
                cand.update(range(max(cs // DAY, d0), min((ce - 1) // DAY, d1 - 1) + 1))
        for tr, before, after in tz.transitions(c.rstart - 2 * DAY, c.rend + 2 * DAY):
            lo, hi = min(tr + before, tr + after) - 1, max(tr + before, tr + after)
            cand.update(range(lo // DAY, hi // DAY + 1))
        c.o0 = d0 * DAY - c.rstart
        c.K0 = -self._wt(d0 * DAY)
        o, k = c.o0, c.K0
        for day in sorted(d for d in cand if d0 <= d < d1):
            ws = day * DAY
            rs, re_ = tz.first_instant(ws), tz.first_instant(ws + DAY)
            reals = _merge([(tz.first_instant(s), tz.first_instant(e)) for s, e in self._day_wall(day)])
            shift = ws - rs
            if re_ == ws + DAY - shift and reals == [
                (s - shift, e - shift) for s, e in self._template_day(day)
            ]:
                continue  # a regular day after all (a holiday on a closed weekday, say)
            f0 = self._wt(ws) + k
            f1 = f0 + sum(e - s for s, e in reals)
            o = ws + DAY - re_
            k = f1 - self._wt(ws + DAY)
            c.rs.append(rs)
            c.re.append(re_)
            c.F0.append(f0)
            c.F1.append(f1)
            c.ivs.append(reals)
            c.o.append(o)
            c.K.append(k)
        c.total = self._wt(d1 * DAY) + k
        return c

    def chunk(self, year: int) -> tuple[_Chunk, int]:
        """The chunk of a local year and its base ``F`` value, building years contiguously."""
        found = self._chunks.get(year)
        if found is not None:
            return found, self._base[year]
        if not MIN_YEAR - 1 <= year <= MAX_YEAR + 1:
            raise HorizonExceeded("year", year, f"ticketcore computes in years {MIN_YEAR} to {MAX_YEAR}")
        with self._lock:
            if not self._chunks:
                self._chunks[year] = self._build(year)
                self._base[year] = 0
                self._chunks[year].base = 0
            lo, hi = min(self._chunks), max(self._chunks)
            while year > hi:
                prev = self._chunks[hi]
                hi += 1
                built = self._build(hi)
                built.base = self._base[hi] = self._base[hi - 1] + prev.total
                self._chunks[hi] = built
            while year < lo:
                lo -= 1
                built = self._build(lo)
                built.base = self._base[lo] = self._base[lo + 1] - built.total
                self._chunks[lo] = built
            return self._chunks[year], self._base[year]

    def _locate(self, real: int) -> tuple[_Chunk, int]:
        # A guess from the mean Gregorian year; the loops below correct it by one at most.
        year = 1 + real // _MEAN_YEAR
        found = self._chunks.get(year)
        c, base = (found, self._base[year]) if found is not None else self.chunk(year)
        while real < c.rstart:
            c, base = self.chunk(c.year - 1)
        while real >= c.rend:
            c, base = self.chunk(c.year + 1)
        return c, base

    # -- queries --------------------------------------------------------------------

    def f(self, real: int) -> int:
        """``F(real)``: business time before ``real`` (relative to an invisible anchor).

        `_locate` and `_f_in` inlined for a year already built (the hot path of every
        calendar query and SLA event); `f_reference` is the plain composition.
        """
        c = self._chunks.get(1 + real // _MEAN_YEAR)
        if c is None or not c.rstart <= real < c.rend:
            c, base = self._locate(real)
            return base + self._f_in(c, real)
        i = bisect_right(c.rs, real) - 1
        if i >= 0:
            if real < c.re[i]:
                return c.base + self._f_in(c, real)
            o, k = c.o[i], c.K[i]
        else:
            o, k = c.o0, c.K0
        q, r = divmod(real + o, WEEK)
        starts = self._t_starts
        j = bisect_right(starts, r) - 1
        if j < 0:
            return c.base + q * self.weekly_total + k
        start = starts[j]
        end = self._t_ends[j]
        return c.base + q * self.weekly_total + self._t_cum[j] + (r - start if r < end else end - start) + k

    def f_reference(self, real: int) -> int:
        """`f` without the inlining, for the tests."""
        c, base = self._locate(real)
        return base + self._f_in(c, real)

    def _f_in(self, c: _Chunk, real: int) -> int:
        """``F(real)`` relative to the start of chunk ``c``, which contains ``real``."""
        i = bisect_right(c.rs, real) - 1
        if i >= 0 and real < c.re[i]:
            acc = c.F0[i]
            for s, e in c.ivs[i]:
                if real <= s:
                    break
                acc += min(real, e) - s
            return acc
        if i >= 0:
            return self._wt(real + c.o[i]) + c.K[i]
        return self._wt(real + c.o0) + c.K0

    def is_open(self, real: int) -> bool:
        """Whether the calendar is open at ``real``."""
        c, _ = self._locate(real)
        i = bisect_right(c.rs, real) - 1
        if i >= 0 and real < c.re[i]:
            return any(s <= real < e for s, e in c.ivs[i])
        return self._template_open(real + (c.o[i] if i >= 0 else c.o0))

    def forward(self, start: int, amount: int, limit: int) -> int:
        """The earliest ``t >= start`` with ``F(t) - F(start) >= amount`` (``amount > 0``)."""
        value = self.f(start) + amount
        c = self._chunks.get(1 + start // _MEAN_YEAR)
        if c is None or not c.rstart <= start < c.rend:
            c, _ = self._locate(start)
        return self._invert(c, c.base, value, limit)

    def inverse(self, value: int, start: int, limit: int) -> int:
        """The earliest ``t`` with ``F(t) >= value``, for ``value > F(start)`` (so ``t > start``).

        `forward` without computing ``F(start)``: for a caller that knows it (an SLA
        cycle's running span records ``F`` at its start).
        """
        c, base = self._locate(start)
        return self._invert(c, base, value, limit)

    def inverse_all(self, values: Iterable[int], start: int, limit: int) -> list[int]:
        """`inverse` of several values above ``F(start)``, locating ``start`` once.

        `_invert` inlined for a value in ``start``'s year and outside its exceptional days
        (the SLA clocks' hot path); any other value takes `_invert` itself.
        """
        c = self._chunks.get(1 + start // _MEAN_YEAR)
        if c is None or not c.rstart <= start < c.rend:
            c, _ = self._locate(start)
        base = c.base
        top = base + c.total
        starts, ends, k0, o0 = c.F0, c.F1, c.K0, c.o0
        weekly, cumend, t_ends = self.weekly_total, self._t_cumend, self._t_ends
        out = []
        for value in values:
            tr = value - base
            i = bisect_left(starts, tr)
            if value > top or (i > 0 and ends[i - 1] >= tr):
                out.append(self._invert(c, base, value, limit))
                continue
            if i > 0:
                q, r = divmod(tr - c.K[i - 1] - 1, weekly)
                o = c.o[i - 1]
            else:
                q, r = divmod(tr - k0 - 1, weekly)
                o = o0
            j = bisect_left(cumend, r + 1)
            t = q * WEEK + t_ends[j] - (cumend[j] - r - 1) - o
            if t > limit:
                raise HorizonExceeded("duration", None, "not enough open time within the horizon")
            out.append(t)
        return out

    def _invert(self, c: _Chunk, base: int, target: int, limit: int) -> int:
        while target > base + c.total:
            c, base = self.chunk(c.year + 1)
            if c.rstart > limit:
                raise HorizonExceeded("duration", None, "not enough open time within the horizon")
        tr = target - base
        i = bisect_left(c.F0, tr)
        if i > 0 and c.F1[i - 1] >= tr:
            acc = c.F0[i - 1]
            for s, e in c.ivs[i - 1]:
                if acc + (e - s) >= tr:
                    t = s + (tr - acc)
                    break
                acc += e - s
            else:  # pragma: no cover - F1 >= tr guarantees a hit
                raise AssertionError("forward walk overran an exceptional day")
        else:
            o, k = (c.o[i - 1], c.K[i - 1]) if i > 0 else (c.o0, c.K0)
            # The earliest wall x with Wt(x) >= tr - k, less o (inline: the SLA clocks' hot path).
            q, r = divmod(tr - k - 1, self.weekly_total)
            r += 1
            j = bisect_left(self._t_cumend, r)
            t = q * WEEK + self._t_ends[j] - (self._t_cumend[j] - r) - o
        if t > limit:
            raise HorizonExceeded("duration", None, "not enough open time within the horizon")
        return t

    def backward(self, start: int, amount: int, limit: int) -> int:
        """The latest ``t <= start`` with ``F(start) - F(t) >= amount`` (``amount > 0``)."""
        c, base = self._locate(start)
        target = base + self._f_in(c, start) - amount
        while target < base:
            c, base = self.chunk(c.year - 1)
            if c.rend < limit:
                raise HorizonExceeded("duration", None, "not enough open time within the horizon")
        tr = target - base
        i = bisect_right(c.F1, tr)
        if i < len(c.F1) and c.F0[i] <= tr:
            acc = c.F0[i]
            for s, e in c.ivs[i]:
                if acc + (e - s) > tr:
                    t = s + (tr - acc)
                    break
                acc += e - s
            else:  # pragma: no cover - F1 > tr guarantees a hit
                raise AssertionError("backward walk overran an exceptional day")
        else:
            o, k = (c.o[i - 1], c.K[i - 1]) if i > 0 else (c.o0, c.K0)
            t = self._wt_latest(tr - k) - o
        if t < limit:
            raise HorizonExceeded("duration", None, "not enough open time within the horizon")
        return t

    def next_open(self, real: int, limit: int) -> int:
        """The first open instant ``>= real``."""
        if self.is_open(real):
            return real
        return self.forward(real, 1, limit + 1) - 1

    def close_after(self, real: int, limit: int) -> int:
        """The end of the open span containing the open instant ``real``, or ``limit`` if later."""
        cur = real
        while True:
            c, _ = self._locate(cur)
            i = bisect_right(c.rs, cur) - 1
            if i >= 0 and cur < c.re[i]:
                end = next((e for s, e in c.ivs[i] if s <= cur < e), cur)
            else:
                o = c.o[i] if i >= 0 else c.o0
                stretch_end = c.rs[i + 1] if i + 1 < len(c.rs) else c.rend
                if self.weekly_total == WEEK:
                    end = stretch_end
                else:
                    q, r = divmod(cur + o, WEEK)
                    j = bisect_right(self._t_starts, r) - 1
                    inside = j >= 0 and r < self._t_ends[j]
                    end = min(q * WEEK + self._t_ends[j] - o, stretch_end) if inside else cur
            if end == cur or end >= limit or not self.is_open(end):
                return min(end, limit)
            cur = end

    def spans(self, lo: int, hi: int) -> Iterator[Span]:
        """The maximal open spans inside ``[lo, hi)``, clipped to it."""
        f_hi = self.f(hi)
        cur = lo
        while cur < hi and self.f(cur) < f_hi:
            start = self.next_open(cur, hi)
            end = self.close_after(start, hi)
            yield start, end
            cur = end
