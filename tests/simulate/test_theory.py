"""Erlang C: the formula against a slow textbook version, and the simulator against both.

The check against theory is the issue's: a 24/7 team, Poisson arrivals, exponential
handling, c agents each capped at one ticket and a first-come-first-served backlog. The
mean wait to assignment and the probability of waiting must match Erlang C within 3%.
"""

import math
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import InvalidInput
from ticketcore.simulate import Scenario, erlang_c, simulate


def erlang_c_textbook(per_hour: float, hours: float, c: int) -> tuple[float, float]:
    """P(wait) and E[wait] (hours) straight from the formula with factorials (slow, obvious)."""
    a = per_hour * hours
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait, p_wait * hours / (c - a)


@pytest.mark.parametrize(
    ("per_hour", "minutes", "servers", "p_wait", "wait_s"),
    [
        # M/M/1: P(wait) = rho, E[W] = rho / (mu - lambda).
        (45, 1, 1, 0.75, 180.0),
        # Two servers, A = 1: P(wait) = 1/3, E[W] = P / (2 mu - lambda) = 1/3 h = 20 min.
        (1, 60, 2, 1 / 3, 1200.0),
    ],
)
def test_golden_values(per_hour: float, minutes: float, servers: int, p_wait: float, wait_s: float) -> None:
    r = erlang_c(per_hour, timedelta(minutes=minutes), servers)
    assert r.p_wait == pytest.approx(p_wait)
    assert r.mean_wait.total_seconds() == pytest.approx(wait_s, rel=1e-6)


@given(
    servers=st.integers(1, 60),
    share=st.floats(0.05, 0.97),
    minutes=st.floats(1, 600),
)
def test_recursion_equals_textbook(servers: int, share: float, minutes: float) -> None:
    handling = timedelta(minutes=minutes)  # whole microseconds
    hours = handling / timedelta(hours=1)
    per_hour = share * servers / hours
    r = erlang_c(per_hour, handling, servers)
    p, w = erlang_c_textbook(per_hour, hours, servers)
    assert r.p_wait == pytest.approx(p, rel=1e-9)
    assert r.mean_wait.total_seconds() == pytest.approx(w * 3600, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((10, timedelta(minutes=6), 1), "per_hour"),  # A = 1: never settles
        ((0, timedelta(minutes=6), 1), "per_hour"),
        ((5, timedelta(0), 1), "mean_handling"),
        ((5, timedelta(minutes=6), 0), "servers"),
        ((5, timedelta(minutes=6), True), "servers"),
    ],
)
def test_bad_arguments(args: tuple[float, timedelta, int], field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        erlang_c(*args)
    assert e.value.field == field


def mmc(seed: int) -> Scenario:
    """8 agents capped at 1, 30 tickets an hour, 12 minutes each on average: A = 6, rho = 0.75."""
    return Scenario.from_dict(
        {
            "seed": seed,
            "days": 100,
            "arrivals": {"per_day": 30 * 24},
            "agents": {"count": 8},
            "handling": {"*": {"solve": {"exponential": "12m"}}},
            "customers": {"close_after": "0s"},
            "routing": {"pools": [{"name": "all", "cap": 1, "backlog": True}], "default_pool": "all"},
        }
    )


def test_simulation_matches_erlang_c() -> None:
    """Seeds 1-4, 100 days each (about 290,000 tickets together), pooled."""
    runs = [simulate(mmc(seed), records=False) for seed in (1, 2, 3, 4)]
    tickets = sum(r.wait.count for r in runs)
    waited = sum(r.waited for r in runs)
    total_wait = sum((r.wait.mean * r.wait.count for r in runs if r.wait.mean is not None), timedelta(0))
    theory = erlang_c(30, timedelta(minutes=12), 8)
    assert waited / tickets == pytest.approx(theory.p_wait, rel=0.03)
    assert (total_wait / tickets).total_seconds() == pytest.approx(theory.mean_wait.total_seconds(), rel=0.03)
    # Utilisation: each agent is busy A / c of the time.
    busy = sum(a.utilisation for r in runs for a in r.agents) / (8 * len(runs))
    assert busy == pytest.approx(theory.utilisation, rel=0.03)
