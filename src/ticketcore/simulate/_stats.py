"""Statistics for replicated runs: Student's t, means with confidence intervals, paired differences.

Independent replications give independent, identically distributed figures, so a
figure's mean over R replications has the Student-t confidence interval
``mean ± t(1 - (1 - level)/2, R - 1) · s / √R``. Two strategies run on the same seeds (common
random numbers) are compared by the replication-wise differences, whose interval is
narrower than that of two independent means when the runs are positively correlated.

The t quantile is exact (to 1e-12): the t distribution's CDF through the regularised
incomplete beta function (a continued fraction, evaluated by the modified Lentz method),
inverted by bisection. No SciPy.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Final

import attrs

from ticketcore._errors import InvalidInput

__all__ = ["Estimate", "estimate", "paired"]

#: Continued-fraction iterations: convergence is geometric, far faster than this for every df used.
_ITERATIONS: Final = 500
_TINY: Final = 1e-300


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _ITERATIONS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h


def _betai(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function ``I_x(a, b)``."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """``P(T <= t)`` for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betai(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (``p`` in (0, 1)).

    >>> round(t_quantile(0.975, 9), 3)  # the 95% two-sided critical value for 10 runs
    2.262
    """
    given: tuple[object, object] = (p, df)
    if isinstance(given[1], bool) or not isinstance(given[1], int) or df < 1:
        raise InvalidInput("df", "a whole number of degrees of freedom, at least 1", df)
    if isinstance(given[0], bool) or not isinstance(given[0], int | float) or not 0.0 < p < 1.0:
        raise InvalidInput("p", "a probability strictly between 0 and 1", p)
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:  # the tail is polynomial: doubling finds a bound quickly
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13 * max(1.0, hi):
            break
    return (lo + hi) / 2.0


@attrs.frozen(kw_only=True)
class Estimate:
    """A figure over replications: its ``mean``, the ``half_width`` of its confidence interval, ``n`` values.

    ``low`` and ``high`` bound the interval; with one value (or none) the half-width is
    None: one run says nothing about its own spread. ``bounds`` are the values the figure
    can take (``(0.0, 1.0)`` for a share): ``low`` and ``high`` are clamped to them.
    """

    mean: float | None
    half_width: float | None
    n: int
    level: float = 0.95
    bounds: tuple[float, float] | None = None

    @property
    def low(self) -> float | None:
        """The interval's lower bound (never below ``bounds``)."""
        if self.mean is None or self.half_width is None:
            return None
        low = self.mean - self.half_width
        return low if self.bounds is None else max(self.bounds[0], low)

    @property
    def high(self) -> float | None:
        """The interval's upper bound (never above ``bounds``)."""
        if self.mean is None or self.half_width is None:
            return None
        high = self.mean + self.half_width
        return high if self.bounds is None else min(self.bounds[1], high)

    def __str__(self) -> str:
        if self.mean is None:
            return "n/a"
        if self.half_width is None:
            return f"{self.mean:.4g}"
        low, high = self.low, self.high
        symmetric = (self.mean - self.half_width, self.mean + self.half_width)
        if low is not None and high is not None and (low, high) != symmetric:
            return f"{self.mean:.4g} ({low:.4g} to {high:.4g})"  # clamped: not symmetric
        return f"{self.mean:.4g} ± {self.half_width:.2g}"


def _level(level: float) -> float:
    given: object = level
    if isinstance(given, bool) or not isinstance(given, int | float) or not 0.0 < level < 1.0:
        raise InvalidInput("level", "a confidence level strictly between 0 and 1, such as 0.95", level)
    return float(level)


def _figures(values: object, field: str) -> list[float | None]:
    """``values`` as floats (None kept), raising `InvalidInput` naming ``field`` for anything else."""
    if not isinstance(values, Sequence) or isinstance(values, str | bytes):
        raise InvalidInput(field, "a list of numbers (None for a figure a run could not give)", values)
    out: list[float | None] = []
    for i, v in enumerate(values):
        if v is None or type(v) is float or type(v) is int:
            out.append(v if v is None else float(v))
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):  # numpy's numbers too
            out.append(float(v))
        else:
            raise InvalidInput(f"{field}[{i}]", "a number or None", v)
    return out


def estimate(
    values: Sequence[float | None], level: float = 0.95, *, bounds: tuple[float, float] | None = None
) -> Estimate:
    """The mean of ``values`` (Nones, figures a run could not give, are left out) with its t interval.

    ``bounds``: the values the figure can take, such as ``(0.0, 1.0)`` for a share; the
    interval is clamped to them (the t interval knows nothing of them).

    >>> e = estimate([10.0, 12.0, 11.0, 13.0, 9.0])
    >>> round(e.mean, 2), round(e.half_width, 3)
    (11.0, 1.963)
    >>> estimate([1.0, 1.0, 0.9], bounds=(0.0, 1.0)).high
    1.0
    """
    level = _level(level)
    if bounds is not None:
        given: object = bounds
        pair: tuple[object, ...] = given if isinstance(given, tuple) else ()
        if (
            len(pair) != 2
            or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in pair)
            or not bounds[0] <= bounds[1]
        ):
            raise InvalidInput("bounds", "a pair (lowest, highest) of numbers, such as (0.0, 1.0)", bounds)
        bounds = (float(bounds[0]), float(bounds[1]))
    xs = [v for v in _figures(values, "values") if v is not None]
    n = len(xs)
    if n == 0:
        return Estimate(mean=None, half_width=None, n=0, level=level, bounds=bounds)
    mean = math.fsum(xs) / n
    if n == 1:
        return Estimate(mean=mean, half_width=None, n=1, level=level, bounds=bounds)
    variance = math.fsum((x - mean) ** 2 for x in xs) / (n - 1)
    half = t_quantile(1.0 - (1.0 - level) / 2.0, n - 1) * math.sqrt(variance / n)
    return Estimate(mean=mean, half_width=half, n=n, level=level, bounds=bounds)


def paired(a: Sequence[float | None], b: Sequence[float | None], level: float = 0.95) -> Estimate:
    """The mean difference ``b - a`` over paired replications (the same seeds), with its t interval.

    Pairs where either run has no value are left out.
    """
    xa, xb = _figures(a, "a"), _figures(b, "b")
    if len(xa) != len(xb):
        raise InvalidInput("b", f"as many values as a ({len(xa)}), one per replication", len(xb))
    return estimate([None if x is None or y is None else y - x for x, y in zip(xa, xb, strict=True)], level)
