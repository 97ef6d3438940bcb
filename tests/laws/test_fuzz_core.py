"""Mutation fuzz of Condition.from_dict and Ticket.from_dict: refused with a named error, or round trip."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz_helpers import assert_rejects_or_roundtrips, mutations
from ticketcore import Ticket
from ticketcore.conditions import Condition

CONDITIONS: list[dict[str, Any]] = [
    {"field": "channel", "eq": "chat"},
    {"field": "channel", "in": ["chat", "phone"]},
    {"field": "subject", "contains": "refund"},
    {"field": "subject", "word": "refund"},
    {"field": "subject", "regex": "^re(fund)+"},
    {"field": "language", "is_set": True},
    {"field": "priority", "gte": "high"},
    {"field": "priority", "in": ["low", "urgent"]},
    {"field": "tier", "lt": 3},
    {"field": "status", "in": ["open", "pending"]},
    {"field": "tags", "has": "vip"},
    {"field": "tags", "has_any": ["vip", "crash"]},
    {"field": "tags", "has_all": ["vip"]},
    {"field": "custom.seats", "gt": 50},
    {"field": "custom.region", "in": ["EU", 3, True]},
    {"field": "custom.ok", "eq": False},
    {"field": "custom.score", "lte": 2.5},
    {"always": True},
    {"all": [{"field": "channel", "eq": "chat"}, {"not": {"field": "tags", "has": "spam"}}]},
    {"any": [{"field": "plan", "eq": "pro"}, {"always": True}]},
]

TICKET: dict[str, Any] = {
    "id": "T-1",
    "created": "2026-03-02T09:00:00+01:00[Europe/Berlin]",
    "channel": "chat",
    "department": "billing",
    "priority": "high",
    "tier": 2,
    "tags": ["crash", "vip"],
    "subject": "Refund please",
    "language": "de",
    "product_code": "XT372",
    "plan": "pro",
    "custom": {"region": "EU", "seats": 12, "score": 2.5, "ok": True, "none": None},
    "status": "open",
    "assignee": "a1",
}

conditions = st.sampled_from(CONDITIONS).flatmap(mutations)
tickets = mutations(TICKET)


@given(data=conditions)
def test_condition_from_dict_rejects_or_roundtrips(data: object) -> None:
    """A mutated condition dict is refused with a TicketcoreError or round-trips exactly through JSON."""
    assert_rejects_or_roundtrips(Condition.from_dict, data)


@given(data=tickets)
def test_ticket_from_dict_rejects_or_roundtrips(data: object) -> None:
    """A mutated ticket dict is refused with a TicketcoreError or round-trips exactly through JSON."""
    assert_rejects_or_roundtrips(Ticket.from_dict, data)


@pytest.mark.slow
@settings(max_examples=2_000)
@given(data=st.one_of(conditions, tickets))
def test_long_fuzz_of_both(data: object) -> None:
    """The same laws over many more inputs (run with ``-m slow``)."""
    if isinstance(data, dict) and "id" in data:
        assert_rejects_or_roundtrips(Ticket.from_dict, data)
    else:
        assert_rejects_or_roundtrips(Condition.from_dict, data)
