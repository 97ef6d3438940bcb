"""The shared Ticket value and its enums."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from ticketcore import InvalidInput, Priority, Status, Ticket

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


def test_priorities_are_ordered() -> None:
    """LOW < NORMAL < HIGH < URGENT."""
    assert sorted(Priority, reverse=True) == [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]


def test_tickets_are_immutable_values() -> None:
    """Tickets compare by value, hash, and change only through attrs.evolve."""
    t = Ticket(id="T", created=T0)

    assert t == Ticket(id="T", created=T0)
    assert hash(t) == hash(Ticket(id="T", created=T0))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        t.channel = "chat"  # type: ignore[misc]
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
