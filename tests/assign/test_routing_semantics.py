"""Routing semantics (issue 15): each test names the item it covers."""

from __future__ import annotations

import pytest

from ticketcore import InvalidInput
from ticketcore.assign import (
    Agent,
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    Assigned,
    Dispatcher,
    LongestIdle,
    Pool,
    PoolChanged,
    PresenceChanged,
    ReturnedToPool,
    Rotation,
    Routing,
    Rule,
    SpareCapacity,
    TicketTransferred,
)
from ticketcore.conditions import F
from ticketcore.events import StatusChanged

from dispatch_helpers import assigned, at, drive, new, one, status


def test_direct_rule_respecting_availability_checks_the_pool_cap() -> None:
    """I15.1: with no personal cap, the agent's pool cap stops a rule that respects availability."""
    routing = Routing(
        rules=[Rule(name="chat to a", when=F.channel == "chat", agent="a", respect_availability=True)],
        pools=[Pool(name="team", agents=["a", "b"], cap=1)],
        default_pool="team",
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    first = one(d.handle(new("T1", 0, channel="chat")))
    assert assigned(first).agent_id == "a"
    second = assigned(one(d.handle(new("T2", 1, channel="chat"))))
    assert assigned(second).agent_id == "b"
    assert second.explanation.rules_passed == (("chat to a", "agent 'a' is at cap 1/1"),)


def test_spare_capacity_works_with_personal_caps_and_no_pool_cap() -> None:
    """I15.2: spare = the agent's own cap minus load; a member with no cap at all is passed over."""
    routing = Routing(pools=[Pool(name="team", strategy=SpareCapacity())], default_pool="team")
    d = Dispatcher(routing, [Agent(id="a", cap=2), Agent(id="b", cap=5), Agent(id="c")])
    got = [one(d.handle(new(f"T{i}", i))) for i in range(5)]
    assert [g.agent_id for g in got if isinstance(g, Assigned)] == ["b", "b", "b", "a", "b"]
    assert ("c", "no cap, which the spare_capacity strategy needs") in assigned(got[0]).explanation.passed


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
    decision = assigned(one(d.handle(new("T4", 3))))
    assert assigned(decision).agent_id == "b"
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


def test_one_event_adds_an_agent_to_pools_listing_members_by_id() -> None:
    """I15.4: AgentAdded(pools=...) joins the pools at the end of their lists; the state keeps it."""
    routing = Routing(pools=[Pool(name="team", agents=["a"], cap=1, backlog=True)], default_pool="team")
    d = Dispatcher(routing, [Agent(id="a")])
    drive(d, [new("T1", 0), new("T2", 1)])
    (handed,) = d.handle(AgentAdded(at=at(2), agent=Agent(id="b"), pools=["team"]))
    assert (assigned(handed).ticket_id, assigned(handed).agent_id) == ("T2", "b")
    assert d.routing.pool("team").agents == ("a", "b")
    assert Dispatcher.from_dict(d.to_dict()).routing == d.routing


def test_a_pool_may_name_an_agent_before_the_agent_exists() -> None:
    """I15.4: a member who does not exist yet is not eligible; once added (no pools named) they are."""
    routing = Routing(pools=[Pool(name="team", agents=["b", "a"])], default_pool="team")
    d = Dispatcher(routing, [Agent(id="a")])
    first = assigned(one(d.handle(new("T1", 0))))
    assert assigned(first).agent_id == "a"
    assert first.explanation.passed[0] == ("b", "not a current agent")
    d.handle(AgentAdded(at=at(1), agent=Agent(id="b")))
    second = one(d.handle(new("T2", 2)))
    assert assigned(second).agent_id == "b"


@pytest.mark.parametrize(
    ("pools", "field"),
    [(["nope"], "pools[0]"), (["all"], "pools[0]")],
)
def test_joining_needs_a_known_pool_that_lists_members(pools: list[str], field: str) -> None:
    """I15.4: an unknown pool, or one that takes every agent, is refused and nothing changes."""
    routing = Routing(pools=[Pool(name="team", agents=["a"]), Pool(name="all")], default_pool="team")
    d = Dispatcher(routing, [Agent(id="a")])
    before = d.to_dict()
    with pytest.raises(InvalidInput) as info:
        d.handle(AgentAdded(at=at(1), agent=Agent(id="b"), pools=pools))
    assert info.value.field == field
    assert d.to_dict() == before


def test_agent_changed_changes_one_field_and_keeps_presence() -> None:
    """I15.5: AgentChanged(changes={"cap": 2}) raises one cap, and an away agent stays away."""
    routing = Routing(pools=[Pool(name="team", cap=1, backlog=True)], default_pool="team")
    d = Dispatcher(routing, [Agent(id="a", skills=["billing"]), Agent(id="b", presence="away")])
    drive(d, [new("T1", 0), new("T2", 1)])
    (handed,) = d.handle(AgentChanged(at=at(2), agent_id="a", changes={"cap": 2}))
    assert (assigned(handed).ticket_id, assigned(handed).agent_id) == ("T2", "a")
    d.handle(AgentChanged(at=at(3), agent_id="b", changes={"skills": ["Billing"]}))
    agents = {x.id: x for x in d.agents}
    assert agents["a"] == Agent(id="a", skills=["billing"], cap=2)
    assert agents["b"] == Agent(id="b", presence="away", skills=["billing"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"presence": "online"}, "changes.presence"), ({"cap": 0}, "changes.cap"), ({}, "changes")],
)
def test_agent_changed_checks_its_changes(changes: dict[str, object], field: str) -> None:
    """I15.5: presence has its own event; a bad value names its field."""
    with pytest.raises(InvalidInput) as info:
        AgentChanged(at=at(0), agent_id="a", changes=changes)
    assert info.value.field == field


def test_pool_changed_raises_a_cap_without_restating_the_routing() -> None:
    """I15.6: PoolChanged(pool, changes={"cap": 2}) hands the backlog out under the new cap."""
    rule = Rule(name="vip to a", when=F.tags.has("vip"), agent="a")
    routing = Routing(rules=[rule], pools=[Pool(name="team", cap=1, backlog=True)], default_pool="team")
    d = Dispatcher(routing, [Agent(id="a")])
    drive(d, [new("T1", 0), new("T2", 1)])
    (handed,) = d.handle(PoolChanged(at=at(2), pool="team", changes={"cap": 2}))
    assert (assigned(handed).ticket_id, assigned(handed).agent_id) == ("T2", "a")
    assert d.routing == Routing(
        rules=[rule], pools=[Pool(name="team", cap=2, backlog=True)], default_pool="team"
    )


def test_pool_changed_names_a_known_pool() -> None:
    """I15.6: an unknown pool is refused and nothing changes; a bad value names its field."""
    d = Dispatcher(Routing(pools=[Pool(name="team")]), [Agent(id="a")])
    before = d.to_dict()
    with pytest.raises(InvalidInput) as info:
        d.handle(PoolChanged(at=at(0), pool="tema", changes={"cap": 2}))
    assert info.value.field == "pool"
    assert d.to_dict() == before
    with pytest.raises(InvalidInput) as info:
        PoolChanged(at=at(0), pool="team", changes={"cap": -1})
    assert info.value.field == "changes.cap"


def test_a_reopened_ticket_goes_back_to_its_owner_with_a_decision() -> None:
    """I15.7: reopening yields Assigned to the owner (Zendesk: back to the current assignee)."""
    d = Dispatcher(Routing(pools=[Pool(name="team", cap=1)], default_pool="team"), [Agent(id="a")])
    drive(d, [new("T1", 0), status("T1", "solved", 1), new("T2", 2)])
    back = assigned(one(d.handle(status("T1", "open", 3))))
    assert (back.agent_id, back.previous, back.cause) == ("a", "a", "reopened")
    assert d.load("a") == 2  # past the cap: a reopen is not held back by it


def test_a_reopened_ticket_of_an_offline_agent_is_routed_under_return_on_offline() -> None:
    """I15.7: with return_on_offline, a ticket reopened while its owner is offline is routed again."""
    routing = Routing(pools=[Pool(name="team")], default_pool="team", return_on_offline=True)
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    drive(d, [new("T1", 0), status("T1", "solved", 1)])
    drive(d, [PresenceChanged(at=at(2), agent_id="a", presence="offline")])
    returned, routed = d.handle(status("T1", "open", 3))
    assert isinstance(returned, ReturnedToPool)
    assert returned.agent_id == "a"
    assert (assigned(routed).agent_id, routed.cause) == ("b", "reopened")


def test_backlog_ties_go_to_arrival_order_not_to_ids() -> None:
    """I15.8: T9 and T10 created at the same time wait, and are handed out, in arrival order."""
    d = Dispatcher(
        Routing(pools=[Pool(name="team", cap=1, backlog=True)], default_pool="team"), [Agent(id="a")]
    )
    drive(d, [new("T1", 0), new("T9", 1), new("T10", 1)])
    assert d.backlog("team") == ("T9", "T10")
    handed = assigned(one(d.handle(status("T1", "solved", 2))))
    assert handed.ticket_id == "T9"
    assert Dispatcher.from_dict(d.to_dict()).backlog("team") == ("T10",)


def test_every_decision_carries_a_reason_code_in_its_dict_form_too() -> None:
    """I15.9: a stable code beside the prose, for each kind of decision."""
    routing = Routing(
        rules=[Rule(name="chat to a", when=F.channel == "chat", agent="a")],
        pools=[Pool(name="team", agents=["b"], cap=1, backlog=True), Pool(name="t2", tier=2, agents=["c"])],
        tiers={2: "t2"},
        default_pool="team",
        escalation_tags=["crash"],
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    events = [
        new("T1", 0, channel="chat"),
        new("T2", 1),
        new("T3", 2),
        new("T4", 3, tags=["crash"]),
        status("T2", "solved", 4),
        TicketTransferred(at=at(5), ticket_id="T1", to_agent="b"),
        AgentRemoved(at=at(6), agent_id="a"),
    ]
    got = [(type(x).__name__, x.reason) for x in drive(d, events)]
    assert got == [
        ("Assigned", "direct_rule"),
        ("Assigned", "pool_choice"),
        ("Queued", "no_eligible_agent"),
        ("Escalated", "escalation_tag"),
        ("LeftUnassigned", "pool_empty"),  # t2 names only 'c', who does not exist
        ("Assigned", "backlog_pass"),
        ("Assigned", "transferred"),
    ]
    left = drive(Dispatcher(Routing(), []), [new("T9", 7)])[0]
    assert left.to_dict()["reason"] == "no_route"
    assert type(left.to_dict()["reason"]) is str


def test_status_changed_records_who_changed_it() -> None:
    """I15.10: StatusChanged(by=...) carries an optional agent id; an empty one is refused."""
    event = StatusChanged(ticket_id="T1", at=at(0), status="solved", by="ana")
    assert event.by == "ana"
    assert StatusChanged(ticket_id="T1", at=at(0), status="solved").by is None
    with pytest.raises(InvalidInput) as info:
        StatusChanged(ticket_id="T1", at=at(0), status="solved", by=" ")
    assert info.value.field == "by"


def test_every_dispatcher_event_is_exported_from_assign() -> None:
    """I15.10: PresenceChanged and every other public dispatcher event come from ticketcore.assign."""
    from ticketcore import assign  # noqa: PLC0415 - the module itself is under test
    from ticketcore.assign import _events  # noqa: PLC0415

    events = {name for name in _events.__all__ if name != "DispatcherEvent"}
    assert "PresenceChanged" in events
    assert events <= set(assign.__all__)
