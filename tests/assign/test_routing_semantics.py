"""Routing semantics (issue 15): each test names the item it covers."""

from __future__ import annotations

from ticketcore.assign import Agent, Assigned, Dispatcher, Pool, Routing, Rule, SpareCapacity
from ticketcore.conditions import F

from dispatch_helpers import new, one


def test_direct_rule_respecting_availability_checks_the_pool_cap() -> None:
    """I15.1: with no personal cap, the agent's pool cap stops a rule that respects availability."""
    routing = Routing(
        rules=[Rule(name="chat to a", when=F.channel == "chat", agent="a", respect_availability=True)],
        pools=[Pool(name="team", agents=["a", "b"], cap=1)],
        default_pool="team",
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    first = one(d.handle(new("T1", 0, channel="chat")))
    assert isinstance(first, Assigned) and first.agent_id == "a"
    second = one(d.handle(new("T2", 1, channel="chat")))
    assert isinstance(second, Assigned) and second.agent_id == "b"
    assert second.explanation.rules_passed == (("chat to a", "agent 'a' is at cap 1/1"),)


def test_spare_capacity_works_with_personal_caps_and_no_pool_cap() -> None:
    """I15.2: spare = the agent's own cap minus load; a member with no cap at all is passed over."""
    routing = Routing(pools=[Pool(name="team", strategy=SpareCapacity())], default_pool="team")
    d = Dispatcher(routing, [Agent(id="a", cap=2), Agent(id="b", cap=5), Agent(id="c")])
    got = [one(d.handle(new(f"T{i}", i))) for i in range(5)]
    assert [g.agent_id for g in got if isinstance(g, Assigned)] == ["b", "b", "b", "a", "b"]
    assert ("c", "no cap, which the spare_capacity strategy needs") in got[0].explanation.passed  # type: ignore[attr-defined]
