"""The error path itself: an InvalidInput message is always built, short, whatever the value."""

from __future__ import annotations

from typing import Any

import pytest

from ticketcore import InvalidInput
from ticketcore.conditions import Condition


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class NotTextRepr:
    def __repr__(self) -> Any:
        return 42


def deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [deep(100_000), "x" * 10_000_000, BadRepr(), NotTextRepr(), {"k": deep(100_000)}, [BadRepr()] * 3],
    ids=["nested-100k", "string-10MB", "repr-raises", "repr-not-text", "dict-of-nested", "list-of-bad"],
)
def test_the_message_is_always_built_and_short(value: object) -> None:
    """A value nested 100,000 deep, a 10 MB string or a failing __repr__ still gives a short message."""
    error = InvalidInput("rules[0].when", "a condition dict", value)

    assert str(error).startswith("rules[0].when: expected a condition dict, got ")
    assert len(str(error)) < 400
    assert value is error.value


def test_an_unknown_key_that_is_not_text_is_named() -> None:
    """{1: ...} in a dict form: the suggestion step takes text only, so a number key must not break it."""
    with pytest.raises(InvalidInput, match="one of the keys") as info:
        Condition.from_dict({1: True})
    assert 1 == info.value.value
