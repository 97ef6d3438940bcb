"""Erlang C: the formula against a slow textbook version, and the simulator against both.

The checks against theory are issue 18's: a 24/7 team, Poisson arrivals, exponential
handling and a first-come-first-served backlog. With c agents each capped at one ticket,
the mean wait to assignment and the probability of waiting match Erlang C within 3%; with
N chats at once (no slowdown) they match Erlang C with cN servers; with a cap above one and
one ticket at a time, the wait to the first response is at least Erlang C's and grows
with the cap.
"""

import math
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import InvalidInput
from ticketcore.simulate import Scenario, SimulationResult, erlang_c, simulate


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


@pytest.mark.slow
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


def team(
    seed: int, days: float, per_hour: float, minutes: float, *, agents: int, cap: int, **extra: Any
) -> Scenario:
    """A 24/7 team, Poisson arrivals, exponential work, a first-come-first-served backlog."""
    return Scenario.from_dict(
        {
            "seed": seed,
            "days": days,
            "arrivals": {"per_day": per_hour * 24, **extra.pop("arrivals", {})},
            "agents": {"count": agents},
            "handling": {"*": {"solve": {"exponential": f"{minutes}m"}}},
            "customers": {"close_after": "0s"},
            "routing": {"pools": [{"name": "all", "cap": cap, "backlog": True}], "default_pool": "all"},
            **extra,
        }
    )


def pooled_waits(runs: list[SimulationResult]) -> tuple[float, float, float]:
    """P(wait to assignment > 0), its mean and the mean first response (seconds), over all runs."""
    n = sum(r.wait.count for r in runs)
    waited = sum(r.waited for r in runs) / n
    wait = sum(((r.wait.mean or timedelta(0)) * r.wait.count for r in runs), timedelta(0)) / n
    m = sum(r.first_response.count for r in runs)
    first = (
        sum(((r.first_response.mean or timedelta(0)) * r.first_response.count for r in runs), timedelta(0))
        / m
    )
    return waited, wait.total_seconds(), first.total_seconds()


@pytest.mark.slow
def test_chat_concurrency_is_an_m_m_cn_queue() -> None:
    """4 agents x 3 chats at once, no slowdown, capped at 3: 12 servers (27 chats an hour,
    20 minutes each: A = 9, rho = 0.75); seeds 1-4, 60 days each (about 155,000 chats)."""
    runs = [
        simulate(
            team(
                seed, 60, 27, 20, agents=4, cap=3, arrivals={"channels": {"chat": 1}}, concurrency={"chat": 3}
            ),
            records=False,
        )
        for seed in (1, 2, 3, 4)
    ]
    theory = erlang_c(27, timedelta(minutes=20), 12)
    waited, wait, _ = pooled_waits(runs)
    assert waited == pytest.approx(theory.p_wait, rel=0.03)
    assert wait == pytest.approx(theory.mean_wait.total_seconds(), rel=0.03)
    # Each of the 12 slots is busy rho of the time: 3 rho chats in hand per agent.
    in_hand = sum(a.in_hand for r in runs for a in r.agents) / (4 * len(runs))
    assert in_hand / 3 == pytest.approx(theory.utilisation, rel=0.03)


@pytest.mark.slow
def test_a_cap_above_one_makes_the_first_response_wait_longer_than_erlang_c() -> None:
    """8 agents at rho 0.9 working one ticket at a time, the reply as they start: with cap 1
    the wait to the first response is Erlang C's; a higher cap hands tickets to agents
    early, to wait in their own queues behind one another, and loses the pooling (round
    robin here; the longer runs of benchmarks/bench_agent_time.py, in docs/simulate.md,
    show least loaded too)."""
    theory = erlang_c(36, timedelta(minutes=12), 8).mean_wait.total_seconds()
    firsts = []
    for cap in (1, 2, 4, 8):
        runs = [simulate(team(1, 15, 36, 12, agents=8, cap=cap), "sequential", records=False)]
        _, wait, first = pooled_waits(runs)
        firsts.append(first)
        if cap == 1:
            assert wait == first  # the reply comes as the agent starts
        else:
            assert wait < first  # assigned at once, worked on later
    assert firsts[0] == pytest.approx(theory, rel=0.15)  # one 15-day run (13,000 tickets): within 15%
    assert firsts == sorted(firsts)
    assert firsts[-1] > 2 * theory
