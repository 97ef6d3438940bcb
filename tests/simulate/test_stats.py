"""Student's t and confidence intervals for replicated runs, against tables and a slow reference."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcore import InvalidInput
from ticketcore.simulate import Estimate, estimate, paired
from ticketcore.simulate._stats import t_quantile

# Two-sided 95% and 99% critical values, t(0.975, df) and t(0.995, df), from the NIST/SEMATECH
# e-Handbook of Statistical Methods, section 1.3.6.7.2, "Critical Values of the Student's t
# Distribution" (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm).
NIST = [
    (1, 12.706, 63.657),
    (2, 4.303, 9.925),
    (3, 3.182, 5.841),
    (4, 2.776, 4.604),
    (5, 2.571, 4.032),
    (9, 2.262, 3.250),
    (10, 2.228, 3.169),
    (19, 2.093, 2.861),
    (29, 2.045, 2.756),
    (30, 2.042, 2.750),
    (60, 2.000, 2.660),
    (100, 1.984, 2.626),
]


@pytest.mark.parametrize(("df", "t95", "t99"), NIST)
def test_critical_values_match_the_nist_table(df: int, t95: float, t99: float) -> None:
    assert round(t_quantile(0.975, df), 3) == t95
    assert round(t_quantile(0.995, df), 3) == t99


def reference_t_quantile(p: float, df: int) -> float:
    """Slow and obvious: integrate the t density with Simpson's rule, bisect on the CDF."""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def density(x: float) -> float:
        return float(c * (1 + x * x / df) ** (-(df + 1) / 2))

    def cdf(t: float) -> float:  # 0.5 + the integral from 0 to t
        n = 4000
        h = t / n
        total = density(0) + density(t)
        total += sum((4 if i % 2 else 2) * density(i * h) for i in range(1, n))
        return 0.5 + total * h / 3

    lo, hi = 0.0, 100.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return float((lo + hi) / 2)


@pytest.mark.parametrize("df", [3, 7, 15, 40])
@pytest.mark.parametrize("p", [0.6, 0.9, 0.975])
def test_the_quantile_agrees_with_the_slow_reference(df: int, p: float) -> None:
    assert t_quantile(p, df) == pytest.approx(reference_t_quantile(p, df), abs=1e-6)


@given(st.floats(0.001, 0.999), st.integers(1, 500))
def test_the_quantile_is_odd_and_tends_to_the_normal(p: float, df: int) -> None:
    assert t_quantile(1 - p, df) == pytest.approx(-t_quantile(p, df), abs=1e-9)
    # Heavier tails than the normal: further out for every df.
    z = abs(__import__("statistics").NormalDist().inv_cdf(p))
    assert abs(t_quantile(p, df)) >= z - 1e-9


def test_an_estimate_is_the_mean_with_a_t_interval() -> None:
    e = estimate([10.0, 12.0, 11.0, 13.0, 9.0])
    # s = sqrt(2.5), t(0.975, 4) = 2.776: half-width 2.776 * sqrt(2.5 / 5) = 1.963.
    assert e.mean == 11.0
    assert e.half_width == pytest.approx(2.7764451 * math.sqrt(0.5))
    assert e.half_width is not None
    assert (e.low, e.high) == pytest.approx((11.0 - e.half_width, 11.0 + e.half_width))
    assert e.n == 5


def test_one_value_has_no_interval_and_nones_are_left_out() -> None:
    assert estimate([3.0, None]) == Estimate(mean=3.0, half_width=None, n=1, level=0.95)
    assert estimate([None]) == Estimate(mean=None, half_width=None, n=0, level=0.95)
    assert str(estimate([])) == "n/a"


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30), st.floats(0.5, 0.99))
@settings(max_examples=50)
def test_the_interval_holds_the_mean_and_widens_with_the_level(values: list[float], level: float) -> None:
    e = estimate(values, level)
    wider = estimate(values, (1 + level) / 2)
    assert e.low is not None
    assert e.high is not None
    assert e.mean is not None
    assert e.low <= e.mean <= e.high
    assert wider.half_width is not None
    assert e.half_width is not None
    assert wider.half_width >= e.half_width


def test_paired_differences_cancel_what_both_runs_share() -> None:
    a = [100.0, 200.0, 300.0, 400.0]
    b = [x + 5.0 for x in a]
    d = paired(a, b)
    assert d.mean == 5.0
    assert d.half_width == 0.0  # the common variation is gone
    spread = estimate(b).half_width
    assert spread is not None
    assert spread > 100


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: t_quantile(1.0, 3), "p"),
        (lambda: t_quantile(0.5, 0), "df"),
        (lambda: t_quantile(0.5, True), "df"),
        (lambda: estimate([1.0, 2.0], level=1.5), "level"),
        (lambda: paired([1.0], [1.0, 2.0]), "b"),
    ],
)
def test_bad_arguments_are_named(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        call()
    assert e.value.field == field
