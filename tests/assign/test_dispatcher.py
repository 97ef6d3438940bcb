"""Golden cases for the assignment engine, each replaying documented behaviour.

Sources, abbreviated (each key names its public source in tests/data/sources.md):

- ISSUE: the assignment issue (#4).
- HDP n: a helpdesk product's documented behaviour (Zoho Desk, Zendesk, Freshdesk, Intercom pages).
- HDP 2.x: the same products' semantics as a whole (2.1 Zoho Desk, 2.2 Zendesk, 2.4 Jira Service Management).
- OSH: open-source helpdesks' code and tests (HDA-n: Frappe Helpdesk's agent tests on GitHub).
- SEED: Zoho Desk's blog article on direct assignment and round robin.
- HAND: worked out by hand in the test's docstring.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from ticketcore import InvalidTransition, Priority, Ticket
from ticketcore.assign import (
    Agent,
    AgentRemoved,
    Assigned,
    BacklogOrder,
    Dispatcher,
    Escalated,
    LeastLoaded,
    LeftUnassigned,
    LongestIdle,
    Pool,
    PresenceChanged,
    Queued,
    ReturnedToPool,
    Routing,
    Rule,
    SpareCapacity,
    Tick,
    TicketEscalated,
    TicketTransferred,
    Weighted,
    choose,
)
from ticketcore.conditions import F
from ticketcore.events import AgentReply, DueDateSet, TicketUpdated
from ticketcore.sla import BusinessCalendar, Metric, SLAPolicies, SLAPolicy, Target

from dispatch_helpers import T0, at, drive, new, one, owners, status


def pool_of(*ids: str, **options: Any) -> Routing:
    """A routing with one pool 'team' of these agents, used for every ticket."""
    return Routing(pools=[Pool(name="team", agents=ids, **options)], default_pool="team")


# ---------------------------------------------------------------- direct rules


SEED_RULES = [
    Rule(name="chat to Catherine", when=F.channel == "chat", agent="catherine"),
    Rule(name="XT372 to Miriam", when=F.product_code == "XT372", agent="miriam"),
    Rule(name="refunds to Adebayo", when=F.subject.contains_word("refund"), agent="adebayo"),
]
SEED_AGENTS = [Agent(id="catherine"), Agent(id="miriam"), Agent(id="adebayo"), Agent(id="zoe")]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"channel": "chat"}, "catherine"),
        ({"product_code": "XT372"}, "miriam"),
        ({"subject": "Please REFUND my order"}, "adebayo"),
        ({"subject": "refunded twice?"}, "zoe"),  # a whole word: 'refunded' is not 'refund'
        ({"channel": "chat", "product_code": "XT372"}, "catherine"),  # the first match wins (HDP 1)
    ],
)
def test_seed_direct_rules(fields: dict[str, Any], expected: str) -> None:
    """SEED: 'chat to Catherine', 'XT372 to Miriam', 'a subject mentioning a refund to Adebayo'."""
    routing = Routing(rules=SEED_RULES, pools=[Pool(name="rest", agents=["zoe"])], default_pool="rest")
    d = Dispatcher(routing, SEED_AGENTS)
    decision = one(d.handle(new("T", **fields)))
    assert isinstance(decision, Assigned)
    assert decision.agent_id == expected


def test_direct_rule_assigns_to_an_offline_agent_at_the_cap_by_default() -> None:
    """ISSUE: by default a direct rule assigns even to an agent who is offline or at the cap."""
    routing = Routing(rules=SEED_RULES[:1], pools=[Pool(name="rest", agents=["zoe"])], default_pool="rest")
    d = Dispatcher(routing, [Agent(id="catherine", presence="offline", cap=1), Agent(id="zoe")])
    decisions = drive(d, [new("T1", channel="chat"), new("T2", channel="chat")])
    assert owners(decisions) == ["catherine", "catherine"]
    assert d.load("catherine") == 2


def test_direct_rule_that_respects_availability_falls_through() -> None:
    """ISSUE: with the option, the rule checks presence and cap and falls through to the next rule."""
    rules = [
        Rule(
            name="chat to Catherine", when=F.channel == "chat", agent="catherine", respect_availability=True
        ),
        Rule(name="chat backup", when=F.channel == "chat", pool="rest"),
    ]
    routing = Routing(rules=rules, pools=[Pool(name="rest", agents=["zoe"])])
    d = Dispatcher(routing, [Agent(id="catherine", presence="offline"), Agent(id="zoe")])
    decision = one(d.handle(new("T1", channel="chat")))
    assert isinstance(decision, Assigned)
    assert decision.agent_id == "zoe"
    assert decision.explanation.route == "rule 'chat backup'"
    assert decision.explanation.rules_passed == (("chat to Catherine", "agent 'catherine' is offline"),)


def test_update_rule_does_not_fire_on_create() -> None:
    """HDP 2: an update-only rule must not fire on create; it fires when an update matches."""
    rules = [Rule(name="vip", when=F.tags.has("vip"), agent="vera", on=["update"])]
    routing = Routing(rules=rules, pools=[Pool(name="team", agents=["zoe"])], default_pool="team")
    d = Dispatcher(routing, [Agent(id="vera"), Agent(id="zoe")])
    assert owners(d.handle(new("T1", tags=["vip"]))) == ["zoe"]
    decision = one(d.handle(TicketUpdated(ticket_id="T1", at=at(1), changes={"subject": "still broken"})))
    assert isinstance(decision, Assigned)
    assert (decision.agent_id, decision.previous, decision.cause) == ("vera", "zoe", "updated")


def test_no_rule_and_no_pool_leaves_the_ticket_unassigned_with_the_reason() -> None:
    """HDP 19: if nobody is eligible the ticket stays unassigned and says so; never 'everyone'."""
    d = Dispatcher(Routing(rules=SEED_RULES[:1]), SEED_AGENTS)
    decision = one(d.handle(new("T1")))
    assert isinstance(decision, LeftUnassigned)
    assert decision.detail == "no rule matched, and there is no pool for its tier and no default pool"


# ---------------------------------------------------------------- strategies


def test_zoho_load_based_example() -> None:
    """HDP 6 / HDP 2.1: loads A=5, B=9, C=3. C gets tickets until 5, then A and C alternate
    up to 9, and B gets nothing until then. HAND: that is 2 + 4 + 4 = 10 tickets, the 11th to B."""
    routing = pool_of("a", "b", "c", strategy=LeastLoaded())
    agents = [Agent(id=x) for x in "abc"]
    loads = {"a": 5, "b": 9, "c": 3}
    rotation = None
    got = []
    for i in range(11):
        decision, rotation = choose(Ticket(id=f"T{i}", created=T0), routing, agents, loads, rotation)
        assert isinstance(decision, Assigned)
        got.append(decision.agent_id)
        loads[decision.agent_id] += 1
    assert got == ["c", "c", "a", "c", "a", "c", "a", "c", "a", "c", "b"]


def test_numeric_and_percentage_spare_capacity() -> None:
    """HDP 9: A has 1 of 2, B has 8 of 10: numeric spare capacity picks B, percentage picks A."""
    agents = [Agent(id="a", cap=2), Agent(id="b", cap=10)]
    loads = {"a": 1, "b": 8}
    t = Ticket(id="T", created=T0)
    numeric, _ = choose(t, pool_of("a", "b", strategy=SpareCapacity(), cap=10), agents, loads)
    percent, _ = choose(t, pool_of("a", "b", strategy=SpareCapacity(percentage=True), cap=10), agents, loads)
    assert isinstance(numeric, Assigned)
    assert isinstance(percent, Assigned)
    assert (numeric.agent_id, percent.agent_id) == ("b", "a")
    assert numeric.explanation.tiebreak == "most spare capacity (2 spare)"
    assert percent.explanation.tiebreak == "most spare capacity (1/2 of cap spare)"


def test_intercom_balanced_with_a_limit() -> None:
    """HDP 10: limit 3, A=3 and B=1: the next two go to B, then nobody can take one."""
    agents = [Agent(id="a"), Agent(id="b")]
    loads = {"a": 3, "b": 1}
    got = []
    for i in range(3):
        decision, _ = choose(
            Ticket(id=f"T{i}", created=T0), pool_of("a", "b", strategy=LeastLoaded(), cap=3), agents, loads
        )
        got.append(decision.agent_id if isinstance(decision, Assigned) else None)
        if isinstance(decision, Assigned):
            loads[decision.agent_id] += 1
    assert got == ["b", "b", None]


def test_sequential_skipped_agent_loses_the_turn() -> None:
    """ISSUE (documented choice): a skipped agent loses that turn; the rotation moves on from
    whoever got the ticket. A, B, C with B offline: A, C, then B is back: A, B, C."""
    d = Dispatcher(pool_of("a", "b", "c"), [Agent(id=x) for x in "abc"])
    got = owners(
        drive(d, [new("T1"), PresenceChanged(agent_id="b", at=at(0), presence="offline"), new("T2")])
    )
    got += owners(
        drive(
            d,
            [
                PresenceChanged(agent_id="b", at=at(1), presence="online"),
                new("T3", 1),
                new("T4", 1),
                new("T5", 1),
            ],
        )
    )
    assert got == ["a", "c", "a", "b", "c"]


def test_sequential_explains_who_was_passed_over() -> None:
    """ISSUE: every candidate considered and why each was passed over, and the tie-break."""
    d = Dispatcher(
        pool_of("a", "b", "c", match_language=True, cap=1),
        [
            Agent(id="a", languages=["en"]),
            Agent(id="b", presence="away", languages=["de"]),
            Agent(id="c", languages=["de"]),
        ],
    )
    d.handle(new("T0", language="de"))  # c, the only German speaker online
    decision = one(d.handle(new("T1", language="de")))
    assert isinstance(decision, LeftUnassigned)
    assert decision.explanation.passed == (("a", "does not speak 'de'"), ("b", "away"), ("c", "at cap 1/1"))
    assert "passed over 'c': at cap 1/1" in decision.explanation.text()


def test_longest_idle_puts_a_returning_agent_first() -> None:
    """ISSUE / OSH §8 (Chatwoot's queue): with longest idle, an agent back from a break is first in line."""
    d = Dispatcher(pool_of("a", "b", "c", strategy=LongestIdle()), [Agent(id=x) for x in "abc"])
    events = [
        new("T1"),
        new("T2"),
        PresenceChanged(agent_id="c", at=at(0), presence="offline"),
        new("T3"),
        new("T4"),
        PresenceChanged(agent_id="c", at=at(1), presence="online"),
        new("T5", 1),
        new("T6", 1),
    ]
    assert owners(drive(d, events)) == ["a", "b", "a", "b", "c", "a"]


def test_weighted_cycle_is_proportional_and_interleaved() -> None:
    """OSH §2.1 (Frappe's weighted distribution, 1:3) with smooth weighted round robin: B, A, B, B."""
    d = Dispatcher(pool_of("a", "b", strategy=Weighted()), [Agent(id="a"), Agent(id="b", weight=3)])
    got = owners(drive(d, [new(f"T{i}") for i in range(8)]))
    assert got == ["b", "a", "b", "b"] * 2


# ---------------------------------------------------------------- caps, presence, backlog


def test_cap_is_strictly_below() -> None:
    """OSH §10 / HDP 11: an agent is eligible while their load is strictly below the cap."""
    d = Dispatcher(pool_of("a", cap=2), [Agent(id="a")])
    assert owners(drive(d, [new("T1"), new("T2"), new("T3")])) == ["a", "a", None]


def test_personal_cap_overrides_the_pool_cap() -> None:
    """HDP 12: an agent-level cap overrides the team or department cap."""
    d = Dispatcher(pool_of("a", "b", cap=1), [Agent(id="a", cap=3), Agent(id="b")])
    assert owners(drive(d, [new(f"T{i}") for i in range(5)])) == ["a", "b", "a", "a", None]


def test_pending_does_not_count_and_frees_a_slot() -> None:
    """HDP 13 (Zendesk defaults): pending and on-hold stop counting but stay assigned."""
    d = Dispatcher(pool_of("a", cap=1, backlog=True), [Agent(id="a")])
    drive(d, [new("T1"), new("T2")])
    assert d.place("T2") == ("backlog", "team")
    decision = one(d.handle(status("T1", "pending")))
    assert isinstance(decision, Assigned)
    assert (decision.ticket_id, decision.agent_id, decision.cause) == ("T2", "a", "backlog")
    assert d.place("T1") == ("assigned", "a")


def test_everyone_at_the_cap_with_backlog_on() -> None:
    """HDP 21-22: with the backlog on, a ticket that finds nobody waits until capacity frees."""
    d = Dispatcher(pool_of("a", "b", cap=1, backlog=True), [Agent(id="a"), Agent(id="b")])
    decisions = drive(d, [new("T1"), new("T2"), new("T3", 1), new("T4", 2)])
    assert [type(x).__name__ for x in decisions] == ["Assigned", "Assigned", "Queued", "Queued"]
    assert d.backlog("team") == ("T3", "T4")
    decision = one(d.handle(status("T2", "solved", 3)))
    assert isinstance(decision, Assigned)
    assert (decision.ticket_id, decision.agent_id) == ("T3", "b")
    assert d.backlog("team") == ("T4",)


def test_queued_tickets_explain_the_pool_as_it_is_at_each_event() -> None:
    """HAND: the dispatcher reuses a pool's last selection until something it reads changes.

    With everyone at the cap, T3 and T4 find the pool as it was (the same explanation);
    once b goes offline, T5's explanation says so, and a solve that frees a slot hands
    out the oldest waiting ticket.
    """
    d = Dispatcher(pool_of("a", "b", cap=1, backlog=True), [Agent(id="a"), Agent(id="b")])
    decisions = drive(d, [new("T1"), new("T2"), new("T3", 1), new("T4", 2)])
    t3, t4 = decisions[2:]
    assert isinstance(t3, Queued)
    assert isinstance(t4, Queued)
    assert t3.explanation.passed == (("a", "at cap 1/1"), ("b", "at cap 1/1"))  # after b: a first
    assert t4.explanation == t3.explanation
    drive(d, [PresenceChanged(agent_id="b", at=at(3), presence="offline")])
    t5 = one(d.handle(new("T5", 4)))
    assert isinstance(t5, Queued)
    assert t5.explanation.passed == (("a", "at cap 1/1"), ("b", "offline"))
    handed = one(d.handle(status("T1", "solved", 5)))
    assert isinstance(handed, Assigned)
    assert (handed.ticket_id, handed.agent_id) == ("T3", "a")
    t6 = one(d.handle(new("T6", 6)))
    assert isinstance(t6, Queued)
    assert t6.explanation.passed == (("b", "offline"), ("a", "at cap 1/1"))  # after a: b first


def test_everyone_at_the_cap_with_backlog_off() -> None:
    """ISSUE: with the backlog off the ticket is left unassigned with a reason and never retried."""
    d = Dispatcher(pool_of("a", cap=1), [Agent(id="a")])
    drive(d, [new("T1")])
    decision = one(d.handle(new("T2")))
    assert isinstance(decision, LeftUnassigned)
    assert decision.detail == "nobody in pool 'team' could take it"
    assert drive(d, [status("T1", "solved", 1), Tick(at=at(2))]) == []
    assert d.place("T2") == ("unassigned", "nobody in pool 'team' could take it")


def test_assign_on_closure_goes_to_the_owner() -> None:
    """HDP 23 / HDP 2.1: closing gives the freed slot to the owner, even when another agent closed it."""
    routing = pool_of("a", "b", cap=1, backlog=True, assign_on_closure=True)
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    drive(d, [new("T1"), new("T2"), new("T3", 1)])  # T1 to a, T2 to b, T3 waits
    drive(d, [AgentReply(ticket_id="T1", at=at(2), agent_id="b")])  # b answers a's ticket
    decision = one(d.handle(status("T1", "closed", 3)))
    assert isinstance(decision, Assigned)
    assert (decision.ticket_id, decision.agent_id, decision.cause) == ("T3", "a", "closure")
    assert "owner of the closed ticket" in decision.explanation.tiebreak


def test_assign_on_closure_skips_an_offline_owner() -> None:
    """HDP 23: only if the owner is online and under the cap."""
    routing = pool_of("a", "b", cap=1, backlog=True, assign_on_closure=True, assign_offline=False)
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    drive(
        d, [new("T1"), new("T2"), new("T3", 1), PresenceChanged(agent_id="a", at=at(2), presence="offline")]
    )
    assert drive(d, [status("T1", "closed", 3)]) == []
    assert d.backlog("team") == ("T3",)


def test_reopen_returns_to_an_owner_at_the_cap() -> None:
    """HDP 11, 13: a reopen returns the ticket to its owner and counts again, even over the cap;
    the owner then gets nothing automatic until back under it (cap 1: load 2, then 1, then 0)."""
    d = Dispatcher(pool_of("a", "b", cap=1), [Agent(id="a"), Agent(id="b")])
    drive(d, [new("T1"), status("T1", "solved", 1), new("T2", 1)])  # T1 and then T2 to a? no: rotation
    assert (d.place("T1"), d.place("T2")) == (("assigned", "a"), ("assigned", "b"))
    drive(d, [status("T2", "solved", 2), new("T3", 2)])  # T3 to a (after b in rotation), a's load 1
    assert d.place("T3") == ("assigned", "a")
    assert owners(drive(d, [status("T1", "open", 3)])) == ["a"]  # reopened: back to a, load 2 of cap 1
    assert (d.place("T1"), d.load("a")) == (("assigned", "a"), 2)
    assert owners(drive(d, [new("T4", 4)])) == ["b"]
    assert owners(drive(d, [status("T4", "solved", 5), status("T3", "solved", 5), new("T5", 5)])) == ["b"]
    assert owners(drive(d, [status("T5", "solved", 6), status("T1", "solved", 6), new("T6", 6)])) == ["a"]


def test_manual_assignment_may_exceed_the_cap() -> None:
    """HDP 11 (Freshdesk): cap 1 plus a manual transfer: nothing automatic until the load is under the cap."""
    d = Dispatcher(pool_of("a", "b", cap=1, backlog=True), [Agent(id="a"), Agent(id="b")])
    drive(d, [new("T1"), new("T2")])
    decision = one(d.handle(TicketTransferred(ticket_id="T2", at=at(1), to_agent="a", by="lead")))
    assert isinstance(decision, Assigned)
    assert (decision.agent_id, decision.previous, decision.cause) == ("a", "b", "transfer")
    assert decision.explanation.route == "transferred by 'lead'"
    assert d.load("a") == 2
    assert owners(drive(d, [new("T3", 2), new("T4", 2)])) == ["b", None]


def test_offline_agents_only_with_the_option() -> None:
    """HDP 16 / OSH HDA-02: only online agents by default; `assign_offline` includes away and offline."""
    agents = [Agent(id="a", presence="offline"), Agent(id="b", presence="away")]
    off = Dispatcher(pool_of("a", "b"), agents)
    on = Dispatcher(pool_of("a", "b", assign_offline=True), agents)
    assert owners(off.handle(new("T1"))) == [None]
    assert owners(on.handle(new("T1"))) == ["a"]


def test_frappe_hda01_prefers_the_active_agent() -> None:
    """OSH HDA-01: pool [away, active] with round robin picks the active one."""
    d = Dispatcher(pool_of("away", "active"), [Agent(id="away", presence="away"), Agent(id="active")])
    assert owners(d.handle(new("T1"))) == ["active"]


def test_going_offline_keeps_tickets_by_default_and_returns_unanswered_with_the_option() -> None:
    """HDP 18: going offline does not reassign by default; the option returns tickets without a reply."""
    agents = [Agent(id="a"), Agent(id="b")]
    keep = Dispatcher(pool_of("a", "b"), agents)
    drive(keep, [new("T1"), new("T2"), new("T3")])
    assert drive(keep, [PresenceChanged(agent_id="a", at=at(1), presence="offline")]) == []
    routing = Routing(
        pools=[Pool(name="team", agents=("a", "b"))], default_pool="team", return_on_offline=True
    )
    back = Dispatcher(routing, agents)
    drive(back, [new("T1"), new("T2"), new("T3"), AgentReply(ticket_id="T1", at=at(1), agent_id="a")])
    decisions = drive(back, [PresenceChanged(agent_id="a", at=at(2), presence="offline")])
    assert [type(x) for x in decisions] == [ReturnedToPool, Assigned]
    assert (decisions[0].ticket_id, decisions[1].ticket_id) == ("T3", "T3")
    assert back.place("T1") == ("assigned", "a")  # answered: kept
    assert back.place("T3") == ("assigned", "b")


def test_backlog_order_by_priority_then_age() -> None:
    """HDP 25 (Zendesk): priority descending, then age."""
    d = Dispatcher(pool_of("a", cap=1, backlog=True, backlog_order="priority"), [Agent(id="a")])
    drive(d, [new("T0"), new("T1", 1), new("T2", 2, priority="urgent"), new("T3", 3, priority="urgent")])
    assert d.backlog("team") == ("T2", "T3", "T1")


def test_backlog_order_by_due_time() -> None:
    """HDP 22 (Zoho's DUEDATE): earliest SLA due first; tickets without an SLA last."""
    policies = SLAPolicies(
        [
            SLAPolicy(
                name="p",
                when=F.channel != "web",
                targets=[
                    Target(
                        name="resolution",
                        metric=Metric.RESOLUTION,
                        goals={Priority.URGENT: timedelta(hours=1), Priority.NORMAL: timedelta(hours=8)},
                    )
                ],
            )
        ]
    )
    d = Dispatcher(
        pool_of("a", cap=1, backlog=True, backlog_order=BacklogOrder.DUE), [Agent(id="a")], sla=policies
    )
    events = [new("T0"), new("T1", 1), new("T2", 2, channel="web"), new("T3", 3, priority="urgent")]
    drive(d, events)
    assert d.backlog("team") == ("T3", "T1", "T2")


def test_backlog_limit_per_agent_per_pass() -> None:
    """HDP 22 (Zoho's backLogLimit): at most N backlog tickets per agent per pass."""
    d = Dispatcher(
        pool_of("a", "b", cap=5, backlog=True, backlog_limit=1),
        [Agent(id="a", presence="offline"), Agent(id="b", presence="offline")],
    )
    drive(d, [new(f"T{i}", i) for i in range(4)])
    assert len(d.backlog("team")) == 4
    drive(
        d,
        [
            PresenceChanged(at=at(5), agent_id="a", presence="online"),
            PresenceChanged(at=at(5), agent_id="b", presence="online"),
        ],
    )
    # a's pass: a takes T0. b's pass hands out to everyone with room, one each: b T1, a T2.
    assert d.backlog("team") == ("T3",)
    assert [d.place(f"T{i}")[1] for i in range(3)] == ["a", "b", "a"]
    assert owners(drive(d, [Tick(at=at(6))])) == ["b"]


def test_shift_calendar_passes_over_an_agent_off_shift() -> None:
    """ISSUE: 'outside shift' is a reason; a Tick hands the backlog out once the shift opens."""
    early = BusinessCalendar(
        timezone="UTC", hours={d: ["08:00-12:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    )
    late = BusinessCalendar(
        timezone="UTC", hours={d: ["12:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    )
    d = Dispatcher(pool_of("l", "e", backlog=True), [Agent(id="e", shift=early), Agent(id="l", shift=late)])
    first = one(d.handle(new("T1")))  # Monday 09:00: only the early shift
    assert isinstance(first, Assigned)
    assert (first.agent_id, first.explanation.passed) == ("e", (("l", "outside shift"),))
    second = one(d.handle(new("T2", 5 * 60)))  # 14:00: only the late shift
    assert isinstance(second, Assigned)
    assert (second.agent_id, second.explanation.passed) == ("l", ())
    third = one(d.handle(new("T3", 5 * 60)))
    assert isinstance(third, Assigned)
    assert (third.agent_id, third.explanation.passed) == ("l", (("e", "outside shift"),))
    saturday = T0 + timedelta(days=5)
    assert isinstance(one(d.handle(new("T4", 5 * 24 * 60))), Queued)
    decision = one(d.handle(Tick(at=saturday + timedelta(days=2))))  # Monday 09:00 again
    assert isinstance(decision, Assigned)
    assert (decision.ticket_id, decision.agent_id, decision.cause) == ("T4", "e", "backlog")


def test_skill_and_tier_filters_explain_themselves() -> None:
    """ISSUE: 'missing skill "billing"' and 'wrong tier' appear in the explanation."""
    routing = Routing(pools=[Pool(name="billing", skills=["billing"], tier=2)], default_pool="billing")
    agents = [
        Agent(id="a", skills=["billing"], tier=1),
        Agent(id="b", tier=2),
        Agent(id="c", skills=["billing"], tier=2),
    ]
    decision = one(Dispatcher(routing, agents).handle(new("T1")))
    assert isinstance(decision, Assigned)
    assert decision.agent_id == "c"
    assert decision.explanation.passed == (("a", "tier 1, not 2"), ("b", "missing skill 'billing'"))


# ---------------------------------------------------------------- tiers


def tiered() -> Dispatcher:
    routing = Routing(
        pools=[Pool(name=f"tier{n}", tier=n) for n in (1, 2, 3, 4)],
        tiers={1: "tier1", 2: "tier2", 3: "tier3", 4: "tier4"},
        escalation_tags=["crash"],
    )
    return Dispatcher(routing, [Agent(id=f"t{n}", tier=n) for n in (1, 2, 3, 4)])


def test_tiers_route_to_their_pool_and_a_crash_tag_escalates() -> None:
    """SEED (002, tiers 1-4) and ISSUE: a tag such as 'crash' moves the ticket to the next tier's pool."""
    d = tiered()
    assert owners(d.handle(new("T1"))) == ["t1"]
    decisions = d.handle(new("T2", tags=["Crash"]))
    assert isinstance(decisions[0], Escalated)
    assert (decisions[0].from_tier, decisions[0].to_tier, decisions[0].detail) == (1, 2, "tag 'crash'")
    assert owners(decisions) == ["t2"]
    decisions = d.handle(TicketUpdated(ticket_id="T1", at=at(1), changes={"tags": ["crash"]}))
    assert owners(decisions) == ["t2"]
    assert d.ticket("T1").tier == 2


def test_escalation_by_hand_up_the_ladder_and_not_past_tier_4() -> None:
    """ISSUE / HDP 27: escalation goes up one tier, or straight to a named tier; tier 4 is the top."""
    d = tiered()
    d.handle(new("T1"))
    d.handle(TicketEscalated(ticket_id="T1", at=at(1), reason="SLA ladder level 2"))
    assert d.place("T1") == ("assigned", "t2")
    d.handle(TicketEscalated(ticket_id="T1", at=at(2), to_tier=4))
    assert d.place("T1") == ("assigned", "t4")
    with pytest.raises(InvalidTransition, match="to_tier"):
        d.handle(TicketEscalated(ticket_id="T1", at=at(3)))
    assert d.load("t1") == 0
    assert d.load("t4") == 1


def test_backlog_waits_for_a_language_without_blocking_others() -> None:
    """HAND: a pool that matches languages keeps one line per language, so a German ticket
    waiting for a German speaker does not hold up an English one behind it."""
    routing = pool_of("en", "de", match_language=True, cap=1, backlog=True)
    d = Dispatcher(routing, [Agent(id="en", languages=["en"]), Agent(id="de", languages=["de"])])
    drive(
        d,
        [
            new("E1", 0, language="en"),
            new("D1", 0, language="de"),
            new("D2", 1, language="de"),
            new("E2", 2, language="en"),
        ],
    )
    assert d.backlog("team") == ("D2", "E2")
    decision = one(d.handle(status("E1", "solved", 3)))
    assert isinstance(decision, Assigned)
    assert (decision.ticket_id, decision.agent_id) == ("E2", "en")


def test_explanation_dict_form_is_json_ready() -> None:
    """ISSUE: the sequence of decisions is the audit trail; each converts to a plain dict."""
    d = Dispatcher(pool_of("a", "b", cap=1), [Agent(id="a"), Agent(id="b", presence="offline")])
    decision = one(d.handle(new("T1")))
    form = decision.to_dict()
    assert json.loads(json.dumps(form)) == form
    assert form["kind"] == "Assigned"
    assert form["explanation"]["passed"] == []
    assert form["at"] == "2026-03-02T09:00:00+00:00"


def test_queued_decision_carries_the_pool() -> None:
    """HDP 21: a backlog ticket matched a pool but nobody could take it."""
    d = Dispatcher(pool_of("a", cap=1, backlog=True), [Agent(id="a")])
    d.handle(new("T1"))
    decision = one(d.handle(new("T2", priority=Priority.HIGH)))
    assert isinstance(decision, Queued)
    assert decision.pool == "team"
    assert decision.explanation.passed == (("a", "at cap 1/1"),)


def test_ordering_of_sequential_rotation_after_a_member_leaves() -> None:
    """HAND: when the last assignee leaves the pool, the rotation goes on from the position they held."""
    d = Dispatcher(pool_of("a", "b", "c", "d"), [Agent(id=x) for x in "abcd"])
    assert owners(drive(d, [new("T1"), new("T2")])) == ["a", "b"]
    decisions = drive(d, [AgentRemoved(agent_id="b", at=at(1))])
    assert [type(x) for x in decisions] == [ReturnedToPool, Assigned]
    assert owners(decisions) == ["c"]  # T2 goes on to the next in line
    assert owners(drive(d, [new("T3", 2), new("T4", 2)])) == ["d", "a"]


def test_events_may_share_an_instant() -> None:
    """HAND: events at the same instant are fine; earlier ones are refused (see the error tests)."""
    d = Dispatcher(pool_of("a"), [Agent(id="a")])
    drive(d, [new("T1", 1), new("T2", 1)])
    assert d.now == T0 + timedelta(minutes=1)


def test_a_due_time_set_by_hand_changes_no_routing() -> None:
    """HDP 36: DueDateSet is an SLA event; the dispatcher takes it for a known ticket and decides nothing."""
    d = Dispatcher(pool_of("a", cap=1), [Agent(id="a")])
    drive(d, [new("T1")])
    assert () == d.handle(DueDateSet(ticket_id="T1", at=at(2), target="resolution", due=at(9)))
    assert d.place("T1")[0] == "assigned"
    with pytest.raises(InvalidTransition, match="T9"):
        d.handle(DueDateSet(ticket_id="T9", at=at(3), target="resolution", due=at(9)))
