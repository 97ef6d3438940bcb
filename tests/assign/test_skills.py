"""Tickets that require skills: every strategy, backlog line, closure and direct rule honours them."""

from __future__ import annotations

import json

import pytest

from ticketcore import Ticket
from ticketcore.assign import (
    Agent,
    Assigned,
    Dispatcher,
    LeftUnassigned,
    Pool,
    Queued,
    Routing,
    Rule,
    Strategy,
    choose,
)
from ticketcore.conditions import F
from ticketcore.events import TicketUpdated

from dispatch_helpers import STRATEGIES, T0, at, drive, new, one, status

AGENTS = [
    Agent(id="a"),
    Agent(id="b", skills=["billing"]),
    Agent(id="c", skills=["billing", "refunds"]),
    Agent(id="d", skills=["refunds"], weight=3),
]
SKILLS = {a.id: a.skills for a in AGENTS}
NEEDS = [set(), {"billing"}, {"Refunds"}, {"billing", "refunds"}, {"billing"}]


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: str(s.to_dict()))
def test_every_strategy_gives_a_ticket_only_to_agents_with_its_skills(strategy: Strategy) -> None:
    """A ticket needing 'billing' goes only to billing agents, whatever the strategy."""
    pool = Pool(name="p", strategy=strategy, cap=12, backlog=True)
    d = Dispatcher(Routing(pools=[pool], default_pool="p"), AGENTS)
    got: dict[str, set[str]] = {}
    for i in range(12):
        need = NEEDS[i % len(NEEDS)]
        decision = one(d.handle(new(f"T{i}", i, skills=need)))
        assert isinstance(decision, Assigned), decision
        assert {s.lower() for s in need} <= SKILLS[decision.agent_id], (need, decision.agent_id)
        for skill in need:
            got.setdefault(skill.lower(), set()).add(decision.agent_id)
        for passed, why in decision.explanation.passed:
            if not {s.lower() for s in need} <= SKILLS[passed]:
                assert why.startswith("missing skill") or why.startswith("at cap"), why
    assert got["billing"] <= {"b", "c"}
    assert got["refunds"] <= {"c", "d"}


def test_the_explanation_names_the_missing_skills() -> None:
    """The existing phrase of pool skills, for the ticket's own: "missing skill 'billing'"."""
    d = Dispatcher(Routing(pools=[Pool(name="p")], default_pool="p"), AGENTS)
    decision = one(d.handle(new("T1", skills={"billing", "refunds"})))

    assert isinstance(decision, Assigned)
    assert "c" == decision.agent_id
    assert (("a", "missing skill 'billing', 'refunds'"), ("b", "missing skill 'refunds'")) == (
        decision.explanation.passed
    )
    assert "  passed over 'b': missing skill 'refunds'" in decision.explanation.text().splitlines()


def test_a_ticket_nobody_has_the_skills_for_is_left_with_everyone_passed_over() -> None:
    """Without a backlog, a ticket whose skills no member has is left unassigned, each member named."""
    d = Dispatcher(Routing(pools=[Pool(name="p", agents=["a", "b"])], default_pool="p"), AGENTS)
    decision = one(d.handle(new("T1", skills={"refunds"})))

    assert isinstance(decision, LeftUnassigned)
    assert (("a", "missing skill 'refunds'"), ("b", "missing skill 'refunds'")) == decision.explanation.passed


def test_a_head_nobody_can_take_does_not_block_a_plain_ticket_behind_it() -> None:
    """Backlog lines are kept per need: a waiting billing ticket does not hold up the plain one behind it."""
    pool = Pool(name="p", agents=["a", "b"], cap=1, backlog=True)
    d = Dispatcher(Routing(pools=[pool], default_pool="p"), AGENTS)
    out = drive(d, [new("T1", 0, skills={"billing"}), new("T2", 1, skills={"billing"}), new("T3", 2)])
    assert [("T1", "b"), ("T3", "a")] == [(x.ticket_id, x.agent_id) for x in out if isinstance(x, Assigned)]
    assert isinstance(one(d.handle(new("T4", 3))), Queued)
    assert ("T2", "T4") == d.backlog("p")

    freed = one(d.handle(status("T3", "solved", 4)))  # 'a' is free: T2 (billing) waits, T4 does not

    assert isinstance(freed, Assigned)
    assert ("T4", "a", "backlog") == (freed.ticket_id, freed.agent_id, freed.cause)
    assert ("T2",) == d.backlog("p")
    restored = Dispatcher.from_dict(json.loads(json.dumps(d.to_dict())))
    event = status("T1", "solved", 5)
    decision = one(d.handle(event))
    assert isinstance(decision, Assigned)
    assert ("T2", "b") == (decision.ticket_id, decision.agent_id)
    assert (decision,) == restored.handle(event)


def test_backlog_order_holds_among_tickets_of_the_same_needs() -> None:
    """Two billing tickets wait in one line, in order; a pass hands them out oldest first."""
    pool = Pool(name="p", agents=["a", "b", "c"], cap=1, backlog=True)
    d = Dispatcher(Routing(pools=[pool], default_pool="p"), AGENTS)
    drive(d, [new("T1", 0), new("T2", 1), new("T3", 2), new("T4", 3, skills={"billing"})])
    drive(d, [new("T5", 4), new("T6", 5, skills={"billing"})])
    assert ("T4", "T5", "T6") == d.backlog("p")

    out = drive(d, [status("T1", "solved", 6), status("T2", "solved", 7), status("T3", "solved", 8)])

    given = [(x.ticket_id, x.agent_id) for x in out if isinstance(x, Assigned)]
    assert [("T5", "a"), ("T4", "b"), ("T6", "c")] == given


def test_assign_on_closure_gives_the_owner_the_first_ticket_they_have_the_skills_for() -> None:
    """The freed slot goes to the owner's first backlog ticket they have the skills for."""
    pool = Pool(name="p", agents=["a", "b"], cap=1, backlog=True, assign_on_closure=True)
    d = Dispatcher(Routing(pools=[pool], default_pool="p"), AGENTS)
    drive(d, [new("T1", 0), new("T2", 1), new("T3", 2, skills={"billing"}), new("T4", 3)])

    decision = one(d.handle(status("T1", "closed", 4)))

    assert isinstance(decision, Assigned)
    assert ("T4", "a", "closure") == (decision.ticket_id, decision.agent_id, decision.cause)
    assert ("T3",) == d.backlog("p")


def test_a_direct_rule_respecting_availability_checks_the_skills_one_that_does_not_assigns_as_asked() -> None:
    """respect_availability falls through on missing skills, naming them; a plain direct rule assigns."""
    rules = [
        Rule(name="XT to a", when=F.product_code == "XT", agent="a", respect_availability=True),
        Rule(name="XT to d", when=F.product_code == "XT", agent="d"),
    ]
    d = Dispatcher(Routing(rules=rules), AGENTS)

    decision = one(d.handle(new("T1", product_code="XT", skills={"billing"})))

    assert isinstance(decision, Assigned)
    assert "d" == decision.agent_id
    assert (("XT to a", "agent 'a' is missing skill 'billing'"),) == decision.explanation.rules_passed


def test_a_waiting_ticket_whose_needs_drop_is_handed_out() -> None:
    """Dropping the skill nobody free has hands the ticket out at once; adding one moves it."""
    pool = Pool(name="p", agents=["a", "b"], cap=1, backlog=True)
    d = Dispatcher(Routing(pools=[pool], default_pool="p"), AGENTS)
    drive(d, [new("T1", 0, skills={"billing"}), new("T2", 1, skills={"billing"})])
    assert ("T2",) == d.backlog("p")

    decision = one(d.handle(TicketUpdated(ticket_id="T2", at=at(2), changes={"skills": []})))

    assert isinstance(decision, Assigned)
    assert ("T2", "a", "backlog") == (decision.ticket_id, decision.agent_id, decision.cause)
    assert isinstance(one(d.handle(new("T3", 3))), Queued)
    assert () == d.handle(TicketUpdated(ticket_id="T3", at=at(4), changes={"skills": ["refunds"]}))
    assert ("T3",) == d.backlog("p")
    assert frozenset({"refunds"}) == d.ticket("T3").skills


def test_choose_honours_the_skills() -> None:
    """The pure function chooses as the dispatcher does."""
    routing = Routing(pools=[Pool(name="p", cap=5)], default_pool="p")
    ticket = Ticket(id="T1", created=T0, skills={"refunds"})

    decision, rotation = choose(ticket, routing, AGENTS, {"c": 4, "a": 0})
    assert isinstance(decision, Assigned)
    assert "c" == decision.agent_id

    decision, _ = choose(ticket, routing, AGENTS, {"c": 5, "a": 0}, rotation)
    assert isinstance(decision, Assigned)
    assert "d" == decision.agent_id
    decision, _ = choose(ticket, routing, AGENTS[:2], {})
    assert isinstance(decision, LeftUnassigned)
