"""A peak load above the cap names its cause (issue 18): the dispatcher's reason, per agent."""

from __future__ import annotations

import json
from typing import Any

from ticketcore.simulate import Scenario, default_scenario, simulate

RULED: dict[str, Any] = {
    "days": 1,
    "seed": 5,
    "arrivals": {"per_day": 200, "channels": {"chat": 0.5, "email": 0.5}},
    "agents": [{"id": "ana"}, {"id": "bo"}],
    "handling": {"*": {"solve": {"exponential": "1h"}}},
    "routing": {
        "rules": [{"name": "chats to Ana", "when": {"field": "channel", "eq": "chat"}, "agent": "ana"}],
        "pools": [{"name": "team", "cap": 1, "backlog": True}],
        "default_pool": "team",
    },
}


def test_a_direct_rule_above_the_cap_is_named() -> None:
    """Rules to an agent ignore the cap: Ana's load passes 1 because of the rule, and the report says so."""
    result = simulate(Scenario.from_dict(RULED))
    ana, bo = result.agents
    assert ana.cap is not None
    assert ana.peak_load > ana.cap == 1
    assert dict(ana.above_cap)["direct_rule"] >= ana.peak_load - 1
    assert bo.peak_load <= 1
    assert bo.above_cap == ()
    text = result.text()
    assert "ana: direct_rule" in text
    assert "direct_rule: a direct rule to the agent assigned a ticket" in text
    assert "    bo:" not in text
    record = ana.to_record()
    assert record["above_cap"] == dict(ana.above_cap)
    json.dumps(result.agent_records())  # JSON-compatible


def test_every_rise_above_the_cap_has_a_cause() -> None:
    """An agent whose peak passed the cap has at least one cause; one who stayed under, none."""
    result = simulate(default_scenario().replace(days=1))
    for a in result.agents:
        assert a.cap is not None
        assert bool(a.above_cap) == (a.peak_load > a.cap)
        assert all(n > 0 for _, n in a.above_cap)
    # The built-in team: reopened tickets return to their owner whatever the load.
    assert {code for a in result.agents for code, _ in a.above_cap} == {"reopened_to_owner"}
    assert "reopened_to_owner: a customer reopened a solved ticket of theirs" in result.text()


def test_no_cap_no_cause() -> None:
    data = {**RULED, "routing": {**RULED["routing"], "pools": [{"name": "team", "backlog": True}]}}
    result = simulate(Scenario.from_dict(data))
    assert all(a.cap is None and a.above_cap == () for a in result.agents)
    assert "above the cap" not in result.text()


def test_an_sla_ladder_reassign_above_the_cap_is_named() -> None:
    """The ladder's reassign is a transfer: it places the ticket with Bo whatever Bo's load."""
    ladder = [{"at": 1.0, "action": {"reassign": "bo"}}]
    target = {"name": "first_response", "metric": "first_response", "goals": {"all": "10m"}, "ladder": ladder}
    data = {
        **RULED,
        "routing": {"pools": [{"name": "team", "cap": 1, "backlog": True}], "default_pool": "team"},
        "sla": {"policies": [{"name": "std", "targets": [target]}]},
    }
    result = simulate(Scenario.from_dict(data))
    bo = next(a for a in result.agents if a.agent_id == "bo")
    assert bo.cap == 1
    assert bo.peak_load > 1
    assert "transferred" in dict(bo.above_cap)
    assert "transferred: a transfer (in a run: an SLA ladder's reassign action)" in result.text()
