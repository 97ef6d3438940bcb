"""The simulation loop: reproducible, fair comparisons, exact arrivals, figures that add up."""

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcore import InvalidInput
from ticketcore._instant import from_real_reference, to_real
from ticketcore.simulate import Scenario, compare, simulate
from ticketcore.simulate._state import _Intensity

BASE: dict[str, Any] = {
    "days": 5,
    "seed": 11,
    "timezone": "Europe/Berlin",
    "start": "2026-03-26",  # across the spring DST change (Sunday 29 March)
    "arrivals": {
        "per_day": 300,
        "channels": {"chat": 0.7, "email": 0.3},
        "priorities": {"normal": 0.8, "urgent": 0.2},
        "tags": {"vip": 0.1},
    },
    "agents": {"count": 4},
    "handling": {
        "*": {"first_response": {"exponential": "3m"}, "solve": {"lognormal": {"mean": "40m", "sigma": 0.7}}},
        "email": {"first_response": {"exponential": "30m"}, "solve": {"exponential": "2h"}},
    },
    "customers": {
        "reply_probability": 0.4,
        "reopen_probability": 0.2,
        "reopen_delay": {"exponential": "4h"},
        "close_after": "1d",
    },
    "routing": {"pools": [{"name": "support", "cap": 3, "backlog": True}], "default_pool": "support"},
    "sla": {
        "policies": [
            {
                "name": "std",
                "targets": [
                    {
                        "name": "first_response",
                        "metric": "first_response",
                        "goals": {"all": "30m"},
                        "ladder": [{"at": 0.5, "action": {"notify": "lead"}}],
                    },
                    {"name": "resolution", "metric": "resolution", "goals": {"all": "4h"}},
                ],
            }
        ]
    },
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.from_dict(BASE)


@pytest.fixture(scope="module")
def result(scenario: Scenario) -> Any:
    return simulate(scenario, "least_loaded")


def test_same_seed_same_run(scenario: Scenario, result: Any) -> None:
    again = simulate(scenario, "least_loaded")
    assert again.ticket_records() == result.ticket_records()
    assert again.summary() == result.summary()
    assert again.backlog.to_records() == result.backlog.to_records()


@pytest.mark.slow
def test_another_seed_another_run(scenario: Scenario, result: Any) -> None:
    other = simulate(scenario.replace(seed=12), "least_loaded")
    assert other.ticket_records() != result.ticket_records()


def test_figures_add_up(result: Any) -> None:
    records = result.tickets
    assert len(records) == result.created == sum(w.created for w in result.backlog.series())
    assert result.solved == sum(w.solved for w in result.backlog.series())
    assert sum(a.assigned for a in result.agents) >= result.wait.count
    assert result.wait.count == sum(1 for t in records if t.wait is not None)
    for t in records:
        if t.wait is not None and t.first_response is not None:
            assert timedelta(0) <= t.wait <= t.first_response
        if t.resolution is not None:
            assert t.first_response is not None
            assert t.first_response <= t.resolution
    assert result.unresolved == result.backlog.series()[-1].unresolved
    assert 0 < result.fairness <= 1
    assert {a.agent_id for a in result.agents} == {"agent1", "agent2", "agent3", "agent4"}
    for a in result.agents:
        # Working implies holding; one ticket in hand at a time (no concurrency here).
        assert 0 <= a.utilisation <= a.held <= 1
        assert a.in_hand == pytest.approx(a.utilisation)
        assert a.peak_load >= 0
    ended = sum(f.achieved + f.late for f in result.sla if f.target == "first_response")
    assert ended == sum(1 for t in records if t.first_response is not None)
    assert dict(result.alerts)["notify"] > 0
    assert any(t.reopened for t in records)
    assert len(result.queue) == 5 * 24 - 2  # each hour inside the run: 119 hours long, DST began


@pytest.mark.slow
def test_common_random_numbers(scenario: Scenario) -> None:
    """Every strategy sees the same tickets: same ids, instants, fields and work."""
    comparison = compare(scenario, ["sequential", "least_loaded"], records=True)
    a, b = comparison.results

    def arrivals(r: Any) -> list[tuple[Any, ...]]:
        return [(t.ticket_id, t.created, t.channel, t.priority) for t in r.tickets]

    assert arrivals(a) == arrivals(b)
    assert [row["strategy"] for row in comparison.to_records()] == ["sequential", "least_loaded"]
    assert comparison.result("least_loaded") is b
    assert "least_loaded" in comparison.text()


def test_arrivals_follow_the_profile_in_local_time() -> None:
    """Only 09:00-10:00 local has a weight: every ticket arrives then, before and after DST."""
    hours = [0] * 24
    hours[9] = 1
    scenario = Scenario.from_dict({**BASE, "arrivals": {"per_day": 50, "profile": {"daily": hours}}})
    result = simulate(scenario)
    zone = ZoneInfo("Europe/Berlin")
    local = [t.created.astimezone(zone) for t in result.tickets or ()]
    assert {d.hour for d in local} == {9}
    assert {d.date().isoformat() for d in local} >= {"2026-03-28", "2026-03-29", "2026-03-30"}


def test_run_ends_at_local_midnight(result: Any) -> None:
    assert result.start.isoformat() == "2026-03-26T00:00:00+01:00"
    assert result.end.isoformat() == "2026-03-31T00:00:00+02:00"


def intensity_reference(scenario: Scenario, start: int, end: int, level: float) -> int | None:
    """Walk minute by minute in local wall time, summing the rate (slow, obviously right)."""
    zone = scenario.zone
    weekly = sum(sum(d) for d in scenario.arrivals.profile)
    per_minute = scenario.arrivals.per_day * 7 / weekly / 60
    t = start
    seen = 0.0
    while t < end:
        local = from_real_reference(t, zone)
        rate = scenario.arrivals.profile[local.weekday()][local.hour] * per_minute
        if rate and seen + rate >= level:
            return t + round((level - seen) / rate * 60e6)
        seen += rate
        t += 60_000_000
    return None


@settings(max_examples=30)
@given(level=st.floats(0, 400), weights=st.lists(st.integers(0, 5), min_size=24, max_size=24))
def test_intensity_against_minute_walk(level: float, weights: list[int]) -> None:
    if not any(weights):
        weights[3] = 1
    scenario = Scenario.from_dict(
        {**BASE, "days": 3, "arrivals": {"per_day": 120, "profile": {"daily": weights}}}
    )
    start = to_real(datetime.combine(scenario.start, time(), scenario.zone))
    end = start + 3 * 86_400_000_000
    fast = _Intensity(scenario, start, end).invert(level)
    slow = intensity_reference(scenario, start, end, level)
    if slow is None or fast is None:
        assert slow is None or slow >= end - 60_000_000
    else:
        assert abs(fast - slow) <= 2


@pytest.mark.slow
def test_records_off_keeps_the_figures(scenario: Scenario, result: Any) -> None:
    lean = simulate(scenario, "least_loaded", records=False)
    assert lean.tickets is None
    assert lean.ticket_records() == []
    assert lean.summary() == result.summary()


def test_progress_is_reported_up_to_the_end(scenario: Scenario) -> None:
    shares: list[float] = []
    simulate(scenario.replace(days=1), progress=shares.append)
    assert shares == sorted(shares)
    assert 0 < shares[0]
    assert shares[-1] <= 1
    assert len(shares) > 50


def test_bad_calls(scenario: Scenario) -> None:
    with pytest.raises(InvalidInput) as e:
        simulate(scenario, "fastest")
    assert e.value.field == "strategy"
    with pytest.raises(InvalidInput):
        simulate(BASE)  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(InvalidInput):
        compare(scenario, "sequential")  # type: ignore[arg-type]  # the wrong type on purpose


def test_escalation_ladder_moves_tickets_up_a_tier() -> None:
    """A MoveTier level re-routes through the dispatcher to the tier's pool (HDP tier model)."""
    data = {
        **BASE,
        "agents": [{"id": "first"}, {"id": "second", "tier": 2}],
        "routing": {
            "pools": [
                {"name": "t1", "agents": ["first"], "cap": 1, "backlog": True},
                {"name": "t2", "agents": ["second"], "cap": 50, "backlog": True},
            ],
            "tiers": {"1": "t1", "2": "t2"},
            "default_pool": "t1",
        },
        "sla": {
            "policies": [
                {
                    "name": "std",
                    "targets": [
                        {
                            "name": "first_response",
                            "metric": "first_response",
                            "goals": {"all": "20m"},
                            "ladder": [{"at": 1.0, "action": {"move_tier": None}}],
                        }
                    ],
                }
            ]
        },
    }
    result = simulate(Scenario.from_dict(data))
    moved = [t for t in result.tickets or () if t.escalations]
    assert moved
    # "second" works one ticket at a time, so its cap of 50 fills up: an escalated ticket is
    # with "second" or waits in tier 2's backlog, never left with "first".
    assert all(t.agent in ("second", None) for t in moved)
    assert any(t.agent == "second" for t in moved)
    assert dict(result.alerts)["movetier"] >= len(moved)


def test_times_are_utc_instants(result: Any) -> None:
    assert all(t.created.tzinfo is UTC for t in result.tickets)


def test_shift_open_all_week_runs() -> None:
    """A shift that never closes has no opening to wait for: the run goes on (it raised HorizonExceeded)."""
    always = {
        "timezone": "Europe/Berlin",
        "hours": {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    }
    data = {**BASE, "days": 2, "agents": [{"id": "a1", "shift": always}, {"id": "a2"}]}
    run = simulate(Scenario.from_dict(data), "least_loaded")
    plain = simulate(Scenario.from_dict({**data, "agents": [{"id": "a1"}, {"id": "a2"}]}), "least_loaded")
    assert run.summary() == plain.summary()  # always on shift is the same as no shift
