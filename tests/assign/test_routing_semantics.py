"""Routing semantics (issue 15): each test names the item it covers."""

from __future__ import annotations

from ticketcore.assign import (
    Agent,
    Assigned,
    Dispatcher,
    LongestIdle,
    Pool,
    Rotation,
    Routing,
    Rule,
    SpareCapacity,
)
from ticketcore.conditions import F

from dispatch_helpers import drive, new, one


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


def test_longest_idle_is_one_clock_across_pools() -> None:
    """I15.3: an agent who just got a ticket from another pool is not the longest idle here."""
    routing = Routing(
        rules=[Rule(name="chat pool", when=F.channel == "chat", pool="chat")],
        pools=[Pool(name="chat", agents=["a"]), Pool(name="mail", agents=["a", "b"], strategy=LongestIdle())],
        default_pool="mail",
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    drive(d, [new("T1", 0), new("T2", 1)])  # mail: a then b
    drive(d, [new("T3", 2, channel="chat")])  # chat: a
    decision = one(d.handle(new("T4", 3)))
    assert isinstance(decision, Assigned) and decision.agent_id == "b"
    assert decision.explanation.tiebreak == "longest since last assignment (#2)"


def test_a_version_1_state_reads_its_per_pool_clocks_into_the_global_one() -> None:
    """I15.3: a stored rotation of version 1 (a clock per pool) keeps each agent's latest number."""
    old = {
        "pools": {
            "x": {"last": "a", "index": 0, "assigned": {"a": 3, "b": 1}, "credits": {}},
            "y": {"last": "b", "index": 1, "assigned": {"b": 4}, "credits": {}},
        },
        "counter": 4,
    }
    assert dict(Rotation.from_dict(old).assigned) == {"a": 3, "b": 4}
