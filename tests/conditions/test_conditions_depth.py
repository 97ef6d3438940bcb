"""Nesting: a dict form nested deeper than MAX_DEPTH is InvalidInput naming the path, never RecursionError."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ticketcore import InvalidInput, Ticket
from ticketcore._util import MAX_DEPTH
from ticketcore.conditions import ALWAYS, Condition, F, Not

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def nested_not(levels: int, inner: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = inner or {"always": True}
    for _ in range(levels):
        data = {"not": data}
    return data


@pytest.mark.parametrize("levels", [MAX_DEPTH, 5_000, 100_000])
def test_deeply_nested_not_names_the_path(levels: int) -> None:
    """Thousands of nested 'not's raise InvalidInput naming the first level past the limit."""
    with pytest.raises(InvalidInput, match=f"at most {MAX_DEPTH} levels") as info:
        Condition.from_dict(nested_not(levels), "rules[0].when")

    assert "rules[0].when" + ".not" * MAX_DEPTH == info.value.field


def test_a_condition_nested_up_to_the_limit_works() -> None:
    """63 'not's around 'always' (64 dicts) read, evaluate, describe and round-trip."""
    data = nested_not(MAX_DEPTH - 1)
    condition = Condition.from_dict(data)
    ticket = Ticket(id="T", created=T0)

    assert data == condition.to_dict()
    assert condition == Condition.from_dict(json.loads(json.dumps(condition.to_dict())))
    assert condition.matches(ticket) is False  # an odd number of 'not's around 'always'
    assert condition.describe().startswith("not not ")


def test_all_and_lists_count_as_levels() -> None:
    """{"all": [...]} is two levels (a dict and a list); an 'in' list is one more under its test."""
    test = {"field": "channel", "in": ["chat"]}  # 2 levels
    data: dict[str, Any] = test
    for _ in range((MAX_DEPTH - 2) // 2):
        data = {"all": [data]}
    assert data == Condition.from_dict(data).to_dict()

    with pytest.raises(InvalidInput, match="levels"):
        Condition.from_dict({"not": data})


def test_the_builder_cannot_build_what_from_dict_would_refuse() -> None:
    """Not, All and Any_ refuse a part that would nest the dict form past the limit."""
    condition: Condition = ALWAYS
    for _ in range(MAX_DEPTH - 1):
        condition = ~condition

    with pytest.raises(InvalidInput, match=f"at most {MAX_DEPTH} levels") as info:
        Not(condition)
    assert "part" == info.value.field
    with pytest.raises(InvalidInput, match=f"at most {MAX_DEPTH} levels"):
        condition & (F.channel == "chat")
    with pytest.raises(InvalidInput, match="a condition"):
        Not("channel == chat")  # type: ignore[arg-type]  # the wrong type on purpose
