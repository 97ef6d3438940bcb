"""The assignment model's values: dict forms round-trip through JSON without loss."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ticketcore import Priority, Ticket
from ticketcore.assign import (
    Agent,
    BacklogOrder,
    LeastLoaded,
    LongestIdle,
    Pool,
    Presence,
    Routing,
    Rule,
    Sequential,
    SpareCapacity,
    Weighted,
    strategy_from_dict,
)
from ticketcore.conditions import Condition, F
from ticketcore.sla import BusinessCalendar

from dispatch_helpers import STRATEGIES

NAMES = st.text(alphabet="abcdefgh", min_size=1, max_size=5)
WORDS = st.frozensets(NAMES, max_size=3)
SHIFT = BusinessCalendar(
    timezone="Europe/Berlin", hours={"mon": ["08:00-12:00", "13:00-17:00"], "sat": ["22:00-06:00"]}
)

agents = st.builds(
    Agent,
    id=NAMES,
    departments=WORDS,
    tier=st.integers(1, 4),
    skills=WORDS,
    languages=WORDS,
    presence=st.sampled_from(Presence),
    cap=st.none() | st.integers(1, 50),
    weight=st.integers(1, 5),
    shift=st.none() | st.just(SHIFT),
)

pools = st.builds(
    Pool,
    name=NAMES,
    agents=st.none() | st.lists(NAMES, min_size=1, max_size=4, unique=True),
    department=st.none() | NAMES,
    tier=st.none() | st.integers(1, 4),
    skills=WORDS,
    match_language=st.booleans(),
    check_shift=st.booleans(),
    strategy=st.sampled_from([Sequential(), LongestIdle(), LeastLoaded(), Weighted()]),
    cap=st.none() | st.integers(1, 9),
    assign_offline=st.booleans(),
    backlog=st.booleans(),
    backlog_order=st.sampled_from(BacklogOrder),
    backlog_limit=st.none() | st.integers(1, 50),
    assign_on_closure=st.booleans(),
)


def json_round_trip(data: object) -> object:
    return json.loads(json.dumps(data))


@given(agents)
def test_agent_dict_form_round_trips(agent: Agent) -> None:
    """Agent.from_dict(agent.to_dict()) == agent, through JSON text."""
    assert Agent.from_dict(json_round_trip(agent.to_dict())) == agent


@given(pools)
def test_pool_dict_form_round_trips(pool: Pool) -> None:
    """Pool.from_dict(pool.to_dict()) == pool, through JSON text."""
    assert Pool.from_dict(json_round_trip(pool.to_dict())) == pool


def test_routing_dict_form_round_trips_and_pickles() -> None:
    """A routing with every option survives JSON and pickle."""
    routing = Routing(
        rules=[
            Rule(name="chat", when=F.channel == "chat", agent="cat"),
            Rule(
                name="vip",
                when=F.tags.has("vip") & (F.priority >= "high"),
                pool="p2",
                on=["create", "update"],
            ),
            Rule(name="hard", when=F.subject.contains_word("crash"), tier=2, respect_availability=True),
        ],
        pools=[Pool(name="p1", cap=3, strategy=SpareCapacity(percentage=True)), Pool(name="p2", tier=2)],
        tiers={1: "p1", 2: "p2"},
        default_pool="p1",
        escalation_tags=["Crash"],
        counted=["open"],
        return_on_offline=True,
    )
    assert Routing.from_dict(json_round_trip(routing.to_dict())) == routing
    assert pickle.loads(pickle.dumps(routing)) == routing


VALUES = ["xt1", "XT1", "xt2", "Straße", "STRASSE", "high"]
CONDITIONS: list[Condition] = [
    *(F.product_code == v for v in VALUES),
    *(F.channel == v for v in VALUES),
    F.priority == "high",
    F.priority == "low",
    F.subject.contains("xt"),
    F.tags.has("vip"),
    F.custom("code") == "xt1",
]


@given(
    whens=st.lists(st.sampled_from(CONDITIONS), max_size=12),
    product=st.none() | st.sampled_from(VALUES),
    channel=st.sampled_from(VALUES),
    priority=st.sampled_from(list(Priority)),
    subject=st.sampled_from(["", "XT2 broken"]),
    tags=st.sampled_from([frozenset(), frozenset({"vip"})]),
    code=st.none() | st.sampled_from(VALUES),
)
def test_matching_rules_equal_testing_every_rule_in_order(  # noqa: PLR0917 - one per field
    whens: list[Condition],
    product: str | None,
    channel: str,
    priority: Priority,
    subject: str,
    tags: frozenset[str],
    code: str | None,
) -> None:
    """Routing.matching looks runs of equality rules up by value; the reference tests each rule.

    Runs on one field, repeated values, values that differ only in case (and "Straße",
    which casefolds to "strasse"), other conditions between runs and missing values.
    """
    routing = Routing(rules=[Rule(name=f"r{i}", when=when, agent="a") for i, when in enumerate(whens)])
    ticket = Ticket(
        id="T1",
        created=datetime(2026, 3, 2, tzinfo=UTC),
        product_code=product,
        channel=channel,
        priority=priority,
        subject=subject,
        tags=tags,
        custom={"code": code} if code else {},
    )
    assert list(routing.matching(ticket)) == [r for r in routing.rules if r.when.matches(ticket)]


def test_strategy_names() -> None:
    """Every built-in strategy is named by its dict form."""
    for strategy in STRATEGIES:
        assert strategy_from_dict(strategy.to_dict()) == strategy
