"""The condition language: each operator, the two forms, and errors naming the path."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_helpers import BAD_VALUES, mutations
from ticketcore import InvalidInput, Priority, Status, Ticket
from ticketcore._util import check_depth
from ticketcore.conditions import ALWAYS, All, Any_, Condition, F, Not, _conditions, text_equality
from ticketcore.conditions import Test as CondTest  # not "Test": pytest would try to collect it

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def ticket(**fields: Any) -> Ticket:
    return Ticket(id="T-1", created=T0, **fields)


# The source articles' direct rules (Zoho Desk's blog; tests/data/sources.md): chat goes to Catherine, product
# code XT372 to Miriam, a subject mentioning a refund to Adebayo.
SEED_RULES = [
    (F.channel == "chat", ticket(channel="chat"), True),
    (F.channel == "chat", ticket(channel="Chat"), True),
    (F.channel == "chat", ticket(channel="email"), False),
    (F.product_code == "XT372", ticket(product_code="xt372"), True),
    (F.product_code == "XT372", ticket(), False),
    (F.subject.contains_word("refund"), ticket(subject="Refund for order 12"), True),
    (F.subject.contains_word("refund"), ticket(subject="I was refunded twice"), False),
    (F.subject.contains("refund"), ticket(subject="I was refunded twice"), True),
]

CASES = [
    *SEED_RULES,
    (F.channel.is_in(["chat", "phone"]), ticket(channel="phone"), True),
    (F.channel != "chat", ticket(channel="phone"), True),
    (F.priority >= "high", ticket(priority="urgent"), True),
    (F.priority >= "high", ticket(priority="normal"), False),
    (F.priority < Priority.HIGH, ticket(priority="low"), True),
    (F.tier > 2, ticket(tier=3), True),
    (F.tier <= 2, ticket(tier=3), False),
    (F.status == "pending", ticket(status=Status.PENDING), True),
    (F.tags.has("VIP"), ticket(tags={"vip", "crash"}), True),
    (F.tags.has_any("crash", "outage"), ticket(tags={"crash"}), True),
    (F.tags.has_all("crash", "outage"), ticket(tags={"crash"}), False),
    (F.subject.matches(r"order\s+#?\d+"), ticket(subject="Where is ORDER #42?"), True),
    (F.language.is_set(), ticket(language="de"), True),
    (F.language.is_set(), ticket(), False),
    (F.language.is_set(False), ticket(), True),
    (F.department == "billing", ticket(), False),
    (F.custom("region") == "EU", ticket(custom={"region": "eu"}), True),
    (F.custom("seats") >= 50, ticket(custom={"seats": 120}), True),
    (F.custom("seats") >= 50, ticket(custom={"seats": "many"}), False),
    (F.custom("seats") >= 50, ticket(), False),
    ((F.channel == "chat") & (F.plan == "enterprise"), ticket(channel="chat", plan="Enterprise"), True),
    ((F.channel == "chat") | (F.plan == "enterprise"), ticket(channel="email", plan="free"), False),
    (~(F.channel == "chat"), ticket(channel="email"), True),
    (ALWAYS, ticket(), True),
]


@pytest.mark.parametrize(("condition", "subject", "expected"), CASES)
def test_matches(condition: Condition, subject: Ticket, expected: bool) -> None:
    """Each operator matches as documented; the dict form behaves the same."""
    assert expected == condition.matches(subject)
    assert expected == Condition.from_dict(condition.to_dict()).matches(subject)


@pytest.mark.parametrize(("condition", "subject", "expected"), CASES)
def test_round_trip(condition: Condition, subject: Ticket, expected: bool) -> None:
    """from_dict(to_dict(c)) == c, and the dict form is JSON-compatible."""
    data = condition.to_dict()

    assert condition == Condition.from_dict(json.loads(json.dumps(data)))
    assert data == Condition.from_dict(data).to_dict()


def test_describe_reads_like_the_rule() -> None:
    """describe() gives a text a person can read, for decision explanations."""
    rule = (F.channel == "chat") & F.subject.contains_word("refund") & (F.priority >= "high")

    assert (
        "((channel == 'chat' and subject contains word 'refund') and priority >= 'high')" == rule.describe()
    )


LEAVES = st.sampled_from(
    [
        F.channel == "chat",
        F.subject.contains_word("refund"),
        F.priority >= "high",
        F.tags.has("vip"),
        F.tier.is_in([1, 2]),
        F.custom("region") == "eu",
        F.language.is_set(),
        ALWAYS,
    ]
)
CONDITIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: p[0] & p[1]),
        st.tuples(inner, inner).map(lambda p: p[0] | p[1]),
        inner.map(lambda c: ~c),
    ),
    max_leaves=8,
)
TICKETS = st.builds(
    ticket,
    channel=st.sampled_from(["chat", "email"]),
    subject=st.sampled_from(["", "refund now", "refunded"]),
    priority=st.sampled_from(list(Priority)),
    tags=st.sets(st.sampled_from(["vip", "crash"])),
    tier=st.integers(1, 4),
    custom=st.sampled_from([{}, {"region": "EU"}]),
    language=st.sampled_from([None, "de"]),
)


@given(condition=CONDITIONS, subject=TICKETS)
def test_dict_form_is_equivalent(condition: Condition, subject: Ticket) -> None:
    """Law: the dict form round-trips and matches exactly like the Python form."""
    back = Condition.from_dict(condition.to_dict())

    assert condition == back
    assert condition.matches(subject) == back.matches(subject)


@given(a=CONDITIONS, b=CONDITIONS, subject=TICKETS)
def test_combinators_are_boolean_algebra(a: Condition, b: Condition, subject: Ticket) -> None:
    """Law: &, | and ~ behave like and, or and not (De Morgan included)."""
    x, y = a.matches(subject), b.matches(subject)

    assert (x and y) == (a & b).matches(subject)
    assert (x or y) == (a | b).matches(subject)
    assert (~(a & b)).matches(subject) == ((~a) | (~b)).matches(subject)


BAD = [
    ({"field": "chanel", "eq": "chat"}, "rules[0].when.field", "did you mean 'channel'"),
    ({"field": "channel", "equals": "chat"}, "rules[0].when.equals", "did you mean 'eq'"),
    ({"field": "channel"}, "rules[0].when", "exactly one operator"),
    ({"field": "channel", "eq": "chat", "in": ["x"]}, "rules[0].when", "exactly one operator"),
    ({"field": "tags", "eq": "vip"}, "rules[0].when.eq", "operator for the tags field"),
    ({"field": "priority", "gte": "hihg"}, "rules[0].when.gte", "'urgent'"),
    ({"field": "status", "eq": "waiting"}, "rules[0].when.eq", "'pending'"),
    ({"field": "tier", "gt": "2"}, "rules[0].when.gt", "a whole number"),
    ({"field": "channel", "in": []}, "rules[0].when.in", "non-empty list"),
    ({"field": "channel", "in": ["chat", 3]}, "rules[0].when.in[1]", "a string"),
    ({"field": "subject", "regex": r"(a)\1"}, "rules[0].when.regex", "RE2 rules out backreferences"),
    ({"field": "subject", "regex": "x" * 1001}, "rules[0].when.regex", "at most 1000"),
    ({"field": "subject", "word": "x" * 1001}, "rules[0].when.word", "at most 1000"),
    ({"field": "subject", "regex": "("}, "rules[0].when.regex", "missing \\)"),
    ({"field": "custom.", "eq": "x"}, "rules[0].when.field", "custom field name"),
    ({"field": "custom.score", "eq": float("nan")}, "rules[0].when.eq", "finite number"),
    ({"field": "custom.score", "lt": float("inf")}, "rules[0].when.lt", "a finite number"),
    ({"field": "custom.score", "in": [1, float("-inf")]}, "rules[0].when.in[1]", "finite number"),
    ({"field": "custom.flag", "in": [True, 1]}, "rules[0].when.in[1]", "not equal to a boolean"),
    ({"field": "tags", "has": "  "}, "rules[0].when.has", "a non-empty tag"),
    ({"field": "tags", "has_any": ["vip", " "]}, "rules[0].when.has_any", "non-empty tags"),
    ({"field": "channel", "in": "chat"}, "rules[0].when.in", "non-empty list"),
    ({"field": "custom.seats", "gt": "50"}, "rules[0].when.gt", "a finite number"),
    ({"all": []}, "rules[0].when.all", "non-empty list"),
    (
        {"all": [{"field": "channel", "eq": "chat"}, {"field": "plann", "eq": "x"}]},
        "rules[0].when.all[1].field",
        "plan",
    ),
    ({"not": {"always": False}}, "rules[0].when.not.always", "true"),
    ({"anyy": []}, "rules[0].when.anyy", "did you mean 'any'"),
    ({"all": [], "any": []}, "rules[0].when", "exactly one"),
    ("channel == chat", "rules[0].when", "a condition dict"),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD)
def test_bad_dict_names_the_path(data: object, field: str, message: str) -> None:
    """A typo or a bad value in a stored rule raises InvalidInput naming its path."""
    with pytest.raises(InvalidInput, match=message) as info:
        Condition.from_dict(data, "rules[0].when")

    assert field == info.value.field


def test_bad_python_builder_values_raise() -> None:
    """The Python builder validates like the dict form."""
    with pytest.raises(InvalidInput, match="priority"):
        F.priority >= "hihg"  # noqa: B015
    with pytest.raises(InvalidInput, match="operator for the tags field"):
        F.tags == "vip"  # noqa: B015
    with pytest.raises(InvalidInput, match="lookahead"):
        F.subject.matches(r"x(?=y)")


def test_regex_sees_the_whole_subject_and_word_a_bounded_part() -> None:
    """RE2 is linear, so a regex reads all the text; a word test reads the first MAX_TEXT characters."""
    assert F.subject.matches(r"needle").matches(ticket(subject="x" * 20_000 + "needle"))
    assert not F.subject.matches(r"^x+$").matches(ticket(subject="x" * 20_000 + "!"))
    assert not F.subject.contains_word("needle").matches(ticket(subject="x " * 10_000 + "needle"))
    assert F.subject.contains_word("needle").matches(ticket(subject="needle " + "x" * 20_000))


def test_a_word_test_matches_the_same_after_a_round_trip() -> None:
    """Casefolding is not IGNORECASE ('Straße' folds to 'strasse'): the round trip keeps the word."""
    rule = F.subject.contains_word("Straße")
    back = Condition.from_dict(rule.to_dict())
    subject = ticket(subject="Umzug in die Straße 5")

    assert rule.matches(subject)
    assert back.matches(subject)
    assert rule == back


def test_a_custom_boolean_is_not_a_number() -> None:
    """JSON tells true from 1, and so do custom tests: eq and in compare booleans with booleans only."""
    yes, one = ticket(custom={"x": True}), ticket(custom={"x": 1})

    assert (F.custom("x") == True).matches(yes)  # noqa: E712
    assert not (F.custom("x") == True).matches(one)  # noqa: E712
    assert not (F.custom("x") == 1).matches(yes)
    assert (F.custom("x") == 1.0).matches(one)
    assert F.custom("x").is_in(["eu", True]).matches(yes)
    assert not F.custom("x").is_in(["eu", True]).matches(one)
    assert not F.custom("x").is_in([1, 2]).matches(yes)


# -- Test(field, op, value) built directly: checked and normalised as F and from_dict do ---------

TEST_DICTS: list[dict[str, Any]] = [
    {"field": "channel", "eq": "Chat"},
    {"field": "channel", "in": ["chat", "Phone"]},
    {"field": "subject", "contains": "Refund"},
    {"field": "subject", "word": "Straße"},
    {"field": "subject", "regex": "^re(fund)+"},
    {"field": "language", "is_set": True},
    {"field": "priority", "gte": "high"},
    {"field": "priority", "in": ["low", "urgent"]},
    {"field": "tier", "lt": 3},
    {"field": "status", "in": ["open", "pending"]},
    {"field": "status", "eq": "solved"},
    {"field": "tags", "has": " VIP "},
    {"field": "tags", "has_any": ["vip", "Crash"]},
    {"field": "skills", "has_all": ["de"]},
    {"field": "custom.seats", "gt": 50},
    {"field": "custom.region", "in": ["EU", 3, True]},
    {"field": "custom.region", "eq": "Eu"},
    {"field": "custom.ok", "eq": False},
    {"field": "custom.score", "lte": 2.5},
]


def _triple(data: object) -> tuple[object, object, object] | None:
    """``(field, op, value)`` of a dict with a field and one operator, else None."""
    if not isinstance(data, dict) or "field" not in data or len(data) != 2:
        return None
    return next((data["field"], op, v) for op, v in data.items() if op != "field")


TRIPLES = st.one_of(
    # a test dict near a good one (fuzz_helpers' mutations), as the triple from_dict reads from it
    st.sampled_from(TEST_DICTS).flatmap(mutations).map(_triple).filter(lambda t: t is not None),
    st.tuples(
        st.sampled_from([*(d["field"] for d in TEST_DICTS), "nope", "custom.", "", 5, None]),
        st.sampled_from([*(op for d in TEST_DICTS for op in d if op != "field"), "bogus", "", 5, None]),
        st.sampled_from([*(v for d in TEST_DICTS for k, v in d.items() if k != "field"), *BAD_VALUES]),
    ),
)


def _leaves(condition: Condition) -> list[CondTest]:
    if isinstance(condition, CondTest):
        return [condition]
    if isinstance(condition, All | Any_):
        return [t for part in condition.parts for t in _leaves(part)]
    if isinstance(condition, Not):
        return _leaves(condition.part)
    return []


@given(condition=CONDITIONS, subject=TICKETS)
def test_a_test_built_directly_equals_the_one_the_builder_built(
    condition: Condition, subject: Ticket
) -> None:
    """Law: for every test F built, CondTest(t.field, t.op, t.value) == t and matches the same tickets."""
    for t in _leaves(condition):
        again = CondTest(t.field, t.op, t.value)

        assert t == again
        assert t.matches(subject) == again.matches(subject)
        assert text_equality(t) == text_equality(again)


@given(triple=TRIPLES, subject=TICKETS)
def test_test_checks_a_triple_as_from_dict_does(triple: tuple[Any, Any, Any], subject: Ticket) -> None:
    """Law: Test(field, op, value) is what from_dict reads from {"field": field, op: value}, or fails so."""
    field, op, value = triple
    try:
        check_depth({"field": field, op: value}, "condition")
    except InvalidInput:
        # from_dict's guard on a whole dict form, before reading it; Test, like F, reads a value
        # one level deep, and a value nested that deep is never a field name or a test's value.
        with pytest.raises(InvalidInput):
            CondTest(field, op, value)
        return
    want: Condition | InvalidInput
    try:
        want = Condition.from_dict({"field": field, op: value})
    except InvalidInput as e:
        want = e
    if isinstance(want, InvalidInput):
        with pytest.raises(InvalidInput) as info:
            CondTest(field, op, value)
        assert (want.field, want.expected) == (info.value.field, info.value.expected)
        return
    got = CondTest(field, op, value)
    assert isinstance(want, CondTest)
    assert want == got
    assert want.matches(subject) == got.matches(subject)
    assert Condition.from_dict(got.to_dict()) == got
    assert CondTest(got.field, got.op, got.value) == got


def test_test_built_directly_is_normalised() -> None:
    """The reviewer's cases: a priority name, text case, and a bad triple."""
    urgent = ticket(priority="urgent", channel="chat")

    assert CondTest("priority", "gte", "high").matches(urgent)
    assert (F.priority >= "high") == CondTest("priority", "gte", "high")
    assert (F.channel == "Chat") == CondTest("channel", "eq", "Chat")
    assert CondTest("channel", "eq", "Chat").matches(urgent)
    assert ("channel", "chat") == text_equality(CondTest("channel", "eq", "Chat"))
    with pytest.raises(InvalidInput) as info:
        CondTest("nope", "bogus", 5)
    assert "condition.bogus" == info.value.field
    with pytest.raises(InvalidInput, match="one of the priorities"):
        attrs.evolve(CondTest("priority", "gte", "high"), value="hihg")


def test_a_checked_test_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """F and from_dict build through Test.build: the regex is compiled once, not again by __init__."""
    calls: list[str] = []
    real = _conditions._compile

    def counting(op: str, value: str, path: str) -> Any:
        calls.append(path)
        return real(op, value, path)

    monkeypatch.setattr(_conditions, "_compile", counting)
    F.subject.matches("x+")
    Condition.from_dict({"field": "subject", "regex": "y+"})
    CondTest("subject", "word", "z")

    assert ["subject.regex", "condition.regex", "condition.word"] == calls
