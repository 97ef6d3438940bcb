"""The dispatcher's hot-path shortcuts build exactly what the slow, obvious code builds (issue 19).

- Trusted construction (``make_explanation``, ``make_assigned``, ``make_queued``,
  ``make_selection``) gives objects equal to the attrs constructors' (equal, same hash,
  repr and dict form), and is only sound while those classes have no validators,
  converters or hooks: checked here, so a future field with one fails this test.
- ``with_presence`` (a `PresenceChanged`'s new agent) equals ``attrs.evolve``.
- The round robin's explanations, shared between decisions from a bounded table, are
  the reference's.
- `Routing._may_match` (the pre-check that lets a ticket matching no rule skip
  `Routing.matching`) is True exactly when `matching` yields a rule with that ``on``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import Status, Ticket, TicketcoreError
from ticketcore.assign import (
    Agent,
    Assigned,
    Dispatcher,
    Explanation,
    Pool,
    PoolChanged,
    Presence,
    Queued,
    Reason,
    Routing,
    Rule,
    Selection,
    _records,
)
from ticketcore.assign._decisions import make_assigned, make_explanation, make_queued
from ticketcore.assign._model import with_presence
from ticketcore.assign._strategies import make_selection
from ticketcore.conditions import F
from ticketcore.events import StatusChanged, TicketCreated

TEXT = st.text(alphabet="abAB ", max_size=4)
PAIRS = st.lists(st.tuples(TEXT, TEXT), max_size=3).map(tuple)
AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_trusted_classes_have_no_validators_converters_or_hooks() -> None:
    for cls in (Explanation, Assigned, Queued, Selection):
        for field in attrs.fields(cls):
            assert field.validator is None, (cls, field.name)
            assert field.converter is None, (cls, field.name)
            assert field.on_setattr in (None, attrs.setters.NO_OP), (cls, field.name)
        assert not hasattr(cls, "__attrs_post_init__")
        assert not hasattr(cls, "__attrs_pre_init__")


@given(
    route=TEXT,
    rules_passed=PAIRS,
    pool=st.none() | TEXT,
    strategy=st.none() | TEXT,
    passed=PAIRS,
    eligible=st.integers(0, 9),
    tiebreak=TEXT,
)
def test_trusted_explanation_equals_attrs(
    *,
    route: str,
    rules_passed: tuple[tuple[str, str], ...],
    pool: str | None,
    strategy: str | None,
    passed: tuple[tuple[str, str], ...],
    eligible: int,
    tiebreak: str,
) -> None:
    slow = Explanation(
        route=route,
        rules_passed=rules_passed,
        pool=pool,
        strategy=strategy,
        passed=passed,
        eligible=eligible,
        tiebreak=tiebreak,
    )
    fast = make_explanation(route, rules_passed, pool, strategy, passed, eligible, tiebreak)
    assert type(fast) is Explanation
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert repr(fast) == repr(slow)
    assert fast.to_dict() == slow.to_dict()
    assert fast.text() == slow.text()

    ticket_id, reason = route or "T", Reason.POOL_CHOICE
    a = Assigned(
        ticket_id=ticket_id,
        at=AT,
        cause="created",
        reason=reason,
        agent_id="a",
        previous=pool,
        explanation=slow,
    )
    b = make_assigned(ticket_id, AT, "created", reason, "a", pool, fast)
    assert type(b) is Assigned
    assert (b == a, hash(b), repr(b), b.to_dict()) == (True, hash(a), repr(a), a.to_dict())

    q = Queued(ticket_id=ticket_id, at=AT, cause="backlog", reason=reason, pool="p", explanation=slow)
    r = make_queued(ticket_id, AT, "backlog", reason, "p", fast)
    assert type(r) is Queued
    assert (r == q, hash(r), repr(r), r.to_dict()) == (True, hash(q), repr(q), q.to_dict())

    s = Selection(chosen=pool, passed=passed, eligible=eligible, tiebreak=tiebreak)
    t = make_selection(pool, passed, eligible, tiebreak)
    assert type(t) is Selection
    assert (t == s, hash(t), repr(t)) == (True, hash(s), repr(s))


VALUES = st.sampled_from(["XT1", "xt1", "XT2", "chat", "Chat", "email", "de"])
ONS = st.sampled_from([frozenset({"create"}), frozenset({"update"}), frozenset({"create", "update"})])


@st.composite
def rules(draw: st.DrawFn) -> list[Rule]:
    """Runs of equality rules on one field (indexed) mixed with other conditions."""
    out = []
    for i in range(draw(st.integers(0, 7))):
        field = draw(st.sampled_from(["product_code", "channel", "language", "tags", "tier"]))
        value = draw(VALUES)
        if field == "tags":
            when = F.tags.has(value.casefold())
        elif field == "tier":
            when = F.tier == draw(st.integers(1, 4))
        else:
            when = getattr(F, field) == value
        out.append(Rule(name=f"r{i}", when=when, pool="p", on=draw(ONS)))
    return out


@given(
    rule_list=rules(),
    product=st.none() | VALUES,
    channel=VALUES,
    language=st.none() | VALUES,
    tags=st.frozensets(VALUES.map(str.casefold), max_size=2),
    tier=st.integers(1, 4),
)
def test_may_match_is_true_exactly_when_a_rule_of_that_kind_matches(
    *,
    rule_list: list[Rule],
    product: str | None,
    channel: str,
    language: str | None,
    tags: frozenset[str],
    tier: int,
) -> None:
    routing = Routing(rules=rule_list, pools=[Pool(name="p")])
    ticket = Ticket(
        id="T",
        created=AT + timedelta(seconds=1),
        product_code=product,
        channel=channel,
        language=language,
        tags=tags,
        tier=tier,
    )
    for kind in ("create", "update"):
        expected = any(kind in rule.on for rule in routing.matching(ticket))
        assert routing._may_match(ticket, kind) is expected


@given(
    agent=st.builds(
        Agent,
        id=st.sampled_from(["ana", "ben"]),
        skills=st.frozensets(st.sampled_from(["Billing", "refunds"])),
        languages=st.frozensets(st.sampled_from(["de", "EN"])),
        presence=st.sampled_from(Presence),
        cap=st.none() | st.integers(1, 9),
        channel_caps=st.dictionaries(st.sampled_from(["chat", "Email"]), st.integers(0, 3)),
        weight=st.integers(1, 3),
        tier=st.integers(1, 4),
    ),
    presence=st.sampled_from(Presence),
)
def test_with_presence_equals_evolve(agent: Agent, presence: Presence) -> None:
    assert not hasattr(Agent, "__attrs_post_init__")
    slow = attrs.evolve(agent, presence=presence)
    fast = with_presence(agent, presence)
    assert type(fast) is Agent
    # Not repr: a frozenset's repr follows its insertion history (evolve rebuilds the set of
    # languages, the copy keeps it), though the two sets are equal.
    assert (fast == slow, hash(fast), fast.to_dict()) == (True, hash(slow), slow.to_dict())
    assert [getattr(fast, f.name) for f in attrs.fields(Agent)] == [
        getattr(slow, f.name) for f in attrs.fields(Agent)
    ]


def test_round_robin_explanations_shared_and_bounded_equal_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The round robin's table of explanations (kept per pool, cleared when full) changes no decision."""

    class Reference(Dispatcher):
        _FAST = False

    monkeypatch.setattr(_records, "_SAID", 3)  # cleared often
    agents = [Agent(id=f"a{i}") for i in range(5)]
    rules = [Rule(name="vip", when=F.plan == "vip", pool="p")]
    routing = Routing(rules=rules, pools=[Pool(name="p", cap=2, backlog=True)], default_pool="p")
    fast, slow = Dispatcher(routing, agents), Reference(routing, agents)
    for n in range(60):
        at = AT + timedelta(minutes=n)
        if n % 3 == 2:
            event: object = StatusChanged(ticket_id=f"T{n - 2}", at=at, status=Status.SOLVED)
        else:
            event = TicketCreated(ticket=Ticket(id=f"T{n}", created=at, plan="vip" if n % 4 == 0 else None))
        got, want = fast.handle(event), slow.handle(event)
        assert [d.to_dict() for d in got] == [d.to_dict() for d in want]
    assert len(fast._info["p"].said) <= 3


def test_round_robin_explanations_by_route_equal_the_reference() -> None:
    """The table is keyed by route too: a tier's pool and the default pool (the same pool,
    no rule passed) explain the same choice with their own routes."""

    class Reference(Dispatcher):
        _FAST = False

    agents = [Agent(id=f"a{i}") for i in range(3)]
    routing = Routing(pools=[Pool(name="p", cap=9)], tiers={2: "p"}, default_pool="p")
    fast, slow = Dispatcher(routing, agents), Reference(routing, agents)
    for n in range(24):
        ticket = Ticket(id=f"T{n}", created=AT + timedelta(minutes=n), tier=2 if n % 4 < 2 else 1)
        got, want = fast.handle(TicketCreated(ticket=ticket)), slow.handle(TicketCreated(ticket=ticket))
        assert [d.to_dict() for d in got] == [d.to_dict() for d in want]
    assert {route for _, route in fast._info["p"].said} == {"tier 2 pool", "default pool"}


def test_dispatcher_keeps_no_instance_dict() -> None:
    """Slots only: reading an instance's __dict__ on CPython 3.11 slows every later attribute read.

    The undo of a rerouting event copies the whole state by slot names, so every attribute
    the dispatcher has must be a slot (the atomicity state machine checks the undo itself).
    """
    d = Dispatcher(Routing(pools=[Pool(name="p", cap=1)], default_pool="p"), [Agent(id="a"), Agent(id="b")])
    d.handle(TicketCreated(ticket=Ticket(id="T1", created=AT)))
    before = d.to_dict()
    with pytest.raises(TicketcoreError):
        d.handle(PoolChanged(pool="nope", changes={"cap": 2}, at=AT))
    assert d.to_dict() == before
    d.handle(PoolChanged(pool="p", changes={"cap": 2}, at=AT))
    assert not hasattr(d, "__dict__")
    assert d.to_dict() != before
