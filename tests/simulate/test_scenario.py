"""Scenarios and distributions: dict, TOML and JSON forms, and errors that name the field."""

import json
import random
from datetime import timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, Priority
from ticketcore.simulate import (
    DEFAULT_SCENARIO,
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
    Scenario,
    default_scenario,
    distribution_from_dict,
)

SMALL: dict[str, Any] = {
    "arrivals": {"per_day": 100},
    "agents": {"count": 2},
    "handling": {"*": {"solve": {"exponential": "30m"}}},
}


def test_default_scenario_round_trips() -> None:
    scenario = default_scenario()
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert Scenario.from_json(json.dumps(scenario.to_dict())) == scenario
    assert scenario.strategy == "round_robin"
    assert [a.id for a in scenario.agents] == ["agent1", "agent2", "agent3", "agent4", "agent5"]


def test_toml() -> None:
    text = """
name = "night shift"
days = 3
seed = 7

[arrivals]
per_day = 240
channels = { chat = 3, email = 1 }

[agents]
count = 12

[handling."*"]
solve = { lognormal = { mean = "20m", sigma = 0.5 } }

[handling."email/urgent"]
solve = { empirical = ["5m", "15m"] }
"""
    scenario = Scenario.from_toml(text)
    assert scenario.name == "night shift"
    assert scenario.agents[0].id == "agent01"
    assert dict(scenario.arrivals.channels) == {"chat": 3.0, "email": 1.0}
    assert scenario.handling_for("email", Priority.URGENT).solve == Empirical(["5m", "15m"])
    assert scenario.handling_for("email", Priority.LOW).solve == LogNormal("20m", 0.5)


def test_variants() -> None:
    scenario = Scenario.from_dict({**SMALL, "strategies": {"capped": {"cap": 8, "strategy": "least_loaded"}}})
    pool = scenario.routing_for("capped").pools[0]
    assert (pool.cap, pool.strategy.to_dict()) == (8, "least_loaded")
    assert scenario.routing_for("weighted").pools[0].strategy.to_dict() == "weighted"
    assert scenario.routing_for(None) == scenario.routing
    assert scenario.variants[0] == "capped"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"arrivals": {"per_dya": 100}}, "arrivals.per_dya"),
        ({"arrivals": {"per_day": 0}}, "arrivals.per_day"),
        ({"arrivals": {"per_day": 5, "channels": {"chat": -1}}}, "arrivals.channels.chat"),
        ({"arrivals": {"per_day": 5, "priorities": {"hot": 1}}}, "arrivals.priorities.hot"),
        ({"arrivals": {"per_day": 5, "profile": {"daily": [1] * 23}}}, "arrivals.profile.daily"),
        ({"arrivals": {"per_day": 5, "profile": {"mon": [1] * 24}}}, "arrivals.profile.tue"),
        ({"arrivals": {"per_day": 5, "tags": {"vip": 2}}}, "arrivals.tags.vip"),
        ({"handling": {"chat": {"solve": {"fixed": "1m"}}}}, "handling.*"),
        ({"handling": {"*": {"solve": {"lognormal": {"mean": "8m", "sigma": -1}}}}}, "handling.*.solve"),
        ({"handling": {"*": {"solve": {"exponential": "soon"}}}}, "handling.*.solve.exponential"),
        ({"handling": {"*": {"solve": {"gamma": "1m"}}}}, "handling.*.solve.gamma"),
        (
            {"handling": {"*/hot": {"solve": {"fixed": "1m"}}, "*": {"solve": {"fixed": "1m"}}}},
            "handling.*/hot",
        ),
        ({"agents": {"count": 0}}, "agents.count"),
        ({"agents": [{"id": "a"}, {"id": "a"}]}, "agents[1].id"),
        ({"customers": {"reply_probability": 1.5}}, "customers.reply_probability"),
        ({"customers": {"close_after": "-1m"}}, "customers.close_after"),
        ({"days": 0}, "days"),
        ({"seed": -1}, "seed"),
        ({"start": "March"}, "start"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"strategy": "fastest"}, "strategy"),
        ({"strategies": {"x": {"cap": 0}}}, "strategies.x.cap"),
        ({"strategies": {"x": {"capp": 3}}}, "strategies.x.capp"),
        ({"routing": {"pools": [{"name": "p", "agents": ["agent9"]}]}}, "routing.pools.p.agents"),
        (
            {
                "sla": {
                    "policies": [
                        {
                            "name": "p",
                            "targets": [{"name": "t", "metric": "first_response", "goals": {"all": "0m"}}],
                        }
                    ]
                }
            },
            "sla.policies[0]",
        ),
        ({"speed": 3}, "speed"),
    ],
)
def test_errors_name_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        Scenario.from_dict({**SMALL, **change})
    assert e.value.field.startswith(field)


def test_bad_text() -> None:
    with pytest.raises(InvalidInput, match="valid TOML"):
        Scenario.from_toml("days = = 3")
    with pytest.raises(InvalidInput, match="valid JSON"):
        Scenario.from_json("{days: 3}")


def test_replace_is_checked() -> None:
    scenario = Scenario.from_dict(SMALL)
    assert scenario.replace(days=2).days == 2
    with pytest.raises(InvalidInput):
        scenario.replace(days=-2)
    with pytest.raises(InvalidInput) as e:
        scenario.replace(dayz=2)
    assert e.value.field == "dayz"


@pytest.mark.parametrize(
    ("dist", "mean_s"),
    [
        (Exponential("5m"), 300),
        (LogNormal("8m", 0.8), 480),
        (Empirical(["1m", "2m", "6m"]), 180),
        (Fixed("45s"), 45),
    ],
)
def test_distribution_means(dist: Any, mean_s: float) -> None:
    rng = random.Random(5)
    draws = [dist.sample(rng) for _ in range(40_000)]
    assert min(draws) >= 0
    assert sum(draws) / len(draws) / 1e6 == pytest.approx(mean_s, rel=0.03)
    assert dist.mean == timedelta(seconds=mean_s)
    assert distribution_from_dict(dist.to_dict()) == dist


def test_default_is_the_source_article_team() -> None:
    """About 1,000 tickets a day, five agents, mostly chats, four weeks (seed 002 and 001 articles)."""
    a = DEFAULT_SCENARIO["arrivals"]
    assert a["per_day"] == 1000
    assert max(a["channels"], key=a["channels"].get) == "chat"
    assert DEFAULT_SCENARIO["agents"] == {"count": 5}
    assert DEFAULT_SCENARIO["days"] == 28
