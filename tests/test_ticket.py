"""The shared Ticket value and its enums."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from ticketcore import InvalidInput, Priority, Status, Ticket
from ticketcore._util import load_instant
from ticketcore.conditions import Condition, F
from ticketcore.events import CustomerMessage

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_defaults_and_normalisation() -> None:
    """Tags are lower-cased; priority and status parse from their names; custom fields sort."""
    t = Ticket(
        id="T",
        created=T0,
        tags=[" VIP", "Crash"],
        priority="high",
        status="pending",
        custom={"b": 1, "a": "x"},
    )

    assert frozenset({"vip", "crash"}) == t.tags
    assert Priority.HIGH == t.priority
    assert Status.PENDING == t.status
    assert (("a", "x"), ("b", 1)) == t.custom
    assert 1 == t.custom_value("b")
    assert t.custom_value("missing") is None


def test_required_skills_are_a_set_in_lower_case_and_a_sorted_list_in_the_dict_form() -> None:
    """Skills normalise as Agent.skills; the dict form lists them sorted, leaving them out when empty."""
    t = Ticket(id="T", created=T0, skills=[" Billing", "refunds", "BILLING"])

    assert frozenset({"billing", "refunds"}) == t.skills
    assert ["billing", "refunds"] == t.to_dict()["skills"]
    assert t == Ticket.from_dict(json.loads(json.dumps(t.to_dict())))
    assert "skills" not in Ticket(id="T", created=T0).to_dict()
    assert frozenset() == Ticket.from_dict({"id": "T", "created": "2026-03-02T09:00:00+00:00"}).skills


def test_priorities_are_ordered() -> None:
    """LOW < NORMAL < HIGH < URGENT."""
    assert sorted(Priority, reverse=True) == [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]


def test_tickets_are_immutable_values() -> None:
    """Tickets compare by value, hash, and change only through attrs.evolve."""
    t = Ticket(id="T", created=T0)

    assert t == Ticket(id="T", created=T0)
    assert hash(t) == hash(Ticket(id="T", created=T0))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        t.channel = "chat"  # type: ignore[misc]  # assigning a frozen field on purpose
    assert "chat" == attrs.evolve(t, channel="chat").channel


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id": ""}, "id"),
        ({"created": datetime(2026, 3, 2)}, "created"),
        ({"priority": "critical"}, "priority"),
        ({"status": "waiting"}, "status"),
        ({"tier": 5}, "tier"),
        ({"tier": True}, "tier"),
        ({"tags": "vip"}, "tags"),
        ({"skills": "billing"}, "skills"),
        ({"skills": ["billing", " "]}, "skills"),
        ({"skills": [7]}, "skills"),
        ({"channel": ""}, "channel"),
        ({"subject": None}, "subject"),
        ({"custom": {"x": [1]}}, "custom.x"),
    ],
)
def test_bad_fields_are_named(fields: dict[str, Any], field: str) -> None:
    """Every bad field raises InvalidInput naming it."""
    values: dict[str, Any] = {"id": "T", "created": T0, **fields}

    with pytest.raises(InvalidInput) as info:
        Ticket(**values)

    assert field == info.value.field


@pytest.mark.parametrize(
    "created",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1899, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(3000, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        # 1900-01-01 00:00 in UTC+1 is still 1899 in UTC.
        datetime(1900, 1, 1, tzinfo=timezone(timedelta(hours=1))),
    ],
)
def test_instants_outside_the_supported_range_are_refused(created: datetime) -> None:
    """Ticket (and every event, through the same validator) takes instants from 1900 to 2999 UTC only."""
    with pytest.raises(InvalidInput, match="1900-01-01 to 2999-12-31") as info:
        Ticket(id="T", created=created)
    assert "created" == info.value.field

    with pytest.raises(InvalidInput, match="1900-01-01 to 2999-12-31") as info:
        Ticket.from_dict({"id": "T", "created": created.isoformat()}, "tickets[2]")
    assert "tickets[2].created" == info.value.field


def test_the_ends_of_the_supported_range() -> None:
    """1900-01-01 00:00 UTC is accepted, and the last instant before 3000 UTC is too."""
    first = datetime(1900, 1, 1, tzinfo=UTC)
    last = datetime(3000, 1, 1, tzinfo=UTC) - timedelta(microseconds=1)

    for at in (first, last, last.astimezone(ZoneInfo("Asia/Tokyo"))):
        t = Ticket(id="T", created=at)
        assert t == Ticket.from_dict(t.to_dict())


def test_load_instant_refuses_the_year_9999_before_converting_to_a_zone() -> None:
    """Converting 9999-12-31T23:00Z to Tokyo time would overflow: the range check comes first."""
    with pytest.raises(InvalidInput, match="2999-12-31") as info:
        load_instant("9999-12-31T23:00:00+00:00[Asia/Tokyo]", "state.now")
    assert "state.now" == info.value.field
    assert "9999-12-31T23:00:00+00:00[Asia/Tokyo]" == info.value.value


def test_events_enforce_the_range_through_the_shared_validator() -> None:
    """The `aware` validator is shared: an event with a year-1 instant is refused at construction."""
    with pytest.raises(InvalidInput, match="2999-12-31") as info:
        CustomerMessage(ticket_id="T", at=datetime(1, 1, 1, tzinfo=UTC))
    assert "at" == info.value.field


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_custom_values_must_survive_json(value: float) -> None:
    """NaN and the infinities are refused as custom values: json.dumps would write them as non-JSON."""
    with pytest.raises(InvalidInput, match="finite number") as info:
        Ticket(id="T", created=T0, custom={"score": value})
    assert "custom.score" == info.value.field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"tags": {"vip": 1}}, "t.tags"),
        ({"tags": "vip"}, "t.tags"),
        ({"skills": "billing"}, "t.skills"),
        ({"skills": {"billing": 1}}, "t.skills"),
        ({"skills": [""]}, "t.skills"),
        ({"custom": [["region", "EU"]]}, "t.custom"),
        ({"custom": {"score": math.nan}}, "t.custom.score"),
        ({"tier": "2"}, "t.tier"),
        ({"tier": 2.0}, "t.tier"),
        ({"tier": True}, "t.tier"),
        ({"priority": None}, "t.priority"),
        ({"id": 7}, "t.id"),
        ({"subject": ["x"]}, "t.subject"),
        ({"created": 1772442000}, "t.created"),
    ],
)
def test_from_dict_reads_json_types_strictly(fields: dict[str, Any], field: str) -> None:
    """The dict form takes JSON's types only: no dict for tags, no pairs for custom, no '2' for a tier."""
    with pytest.raises(InvalidInput) as info:
        Ticket.from_dict({"id": "T", "created": "2026-03-02T09:00:00+00:00", **fields}, "t")
    assert field == info.value.field


def test_from_dict_refuses_deep_nesting() -> None:
    """A custom value nested 100,000 lists deep is InvalidInput naming the path, not RecursionError."""
    value: Any = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(InvalidInput, match="levels of nesting") as info:
        Ticket.from_dict({"id": "T", "created": "2026-03-02T09:00:00+00:00", "custom": {"x": value}}, "t")
    assert info.value.field.startswith("t.custom.x[0][0]")


def test_an_accepted_ticket_round_trips_exactly_through_json() -> None:
    """Every field, with big integers, floats, booleans and None in custom, comes back equal."""
    t = Ticket(
        id="T",
        created=datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/Berlin")),
        channel="chat",
        department="billing",
        priority="urgent",
        tier=3,
        tags={"VIP", "crash"},
        subject="Straße \ud800",
        language="de",
        skills={"Billing", "refunds"},
        product_code="XT372",
        plan="pro",
        custom={"big": 10**30, "f": -0.0, "yes": True, "none": None, "s": ""},
        status="on_hold",
        assignee="a1",
    )
    text = json.dumps(t.to_dict(), allow_nan=False)
    back = Ticket.from_dict(json.loads(text))

    assert t == back
    assert t.to_dict() == back.to_dict()


def test_a_skipped_wall_time_is_stored_as_the_real_one() -> None:
    """02:30 on the night Berlin springs forward does not exist: the ticket holds 03:30 CEST instead."""
    skipped = datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    t = Ticket(id="T", created=skipped)

    assert datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin")) == t.created
    assert t.created.timestamp() == skipped.timestamp()
    assert t == Ticket.from_dict(json.loads(json.dumps(t.to_dict())))


def test_conditions_read_required_skills_as_a_set_field() -> None:
    """F.skills tests the required skills as F.tags tests the tags, ignoring case, in both forms."""
    t = Ticket(id="T", created=T0, skills={"billing", "refunds"})
    cases = [
        (F.skills.has("Billing"), True),
        (F.skills.has("de"), False),
        (F.skills.has_any("de", "refunds"), True),
        (F.skills.has_all("billing", "de"), False),
    ]
    for condition, expected in cases:
        assert expected is condition.matches(t)
        assert condition == Condition.from_dict(json.loads(json.dumps(condition.to_dict())))
    assert not F.skills.has("billing").matches(Ticket(id="T", created=T0))
    assert {"field": "skills", "has": "billing"} == F.skills.has("billing").to_dict()
    assert "skills has skill 'billing'" == F.skills.has("billing").describe()
    assert "skills has all skills of ['billing', 'de']" == F.skills.has_all("billing", "de").describe()
    with pytest.raises(InvalidInput) as info:
        Condition.from_dict({"field": "skills", "eq": "billing"}, "when")
    assert "when.eq" == info.value.field
