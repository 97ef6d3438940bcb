"""Mutation fuzzing of dict forms: every input is refused with a TicketcoreError or round-trips exactly.

Reusable for any public ``from_dict``: give `mutations` a valid dict form and check each drawn
input with `assert_rejects_or_roundtrips`::

    @given(data=mutations(VALID))
    def test_x(data: object) -> None:
        assert_rejects_or_roundtrips(X.from_dict, data)
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from hypothesis import strategies as st

from ticketcore import TicketcoreError


class DictForm(Protocol):
    def to_dict(self) -> Any: ...


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


#: Values that break code assuming a type: the wrong JSON type, values JSON cannot carry,
#: Python-only containers, bool-ish text, huge and deep values.
BAD_VALUES: tuple[object, ...] = (
    None, math.nan, math.inf, -math.inf, 10**30, -(10**30), 0, 1, -1, 1.5, True, False,
    "", " ", "true", "false", "0", "1", "None", "x" * 5_000, "\ud800",
    [], {}, set(), frozenset({"a"}), (), ("a",), ["a", None], [[]], {"": None}, {"a": 1},
    _deep(70), _deep(300), b"bytes",
)  # fmt: skip

#: Every outcome `assert_rejects_or_roundtrips` has seen, by name ("rejected", "accepted").
OUTCOMES: Counter[str] = Counter()


def _paths(value: object, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside ``value`` (dict keys and list indices), ``()`` for itself."""
    out = [trail]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*trail, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*trail, i))
    return out


def _apply(valid: object, path: tuple[Any, ...], how: str, bad: object) -> object:
    data = copy.deepcopy(valid)
    if not path:
        return bad if how == "replace" else [data] if how == "wrap" else data
    parent: Any = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "replace":
        parent[last] = bad
    elif how == "delete":
        del parent[last]
    elif how == "wrap":
        parent[last] = [parent[last]]
    elif how == "nest":
        parent[last] = {"not": parent[last]} if isinstance(parent, dict) else [parent[last]]
    elif how == "add" and isinstance(parent, dict):
        parent[f"{last}_x" if isinstance(last, str) else "extra"] = bad
    return data


def mutations(valid: object) -> st.SearchStrategy[object]:
    """Inputs near ``valid`` (a dict form): a value swapped for a bad one, deleted, wrapped, nested, added."""
    paths = _paths(valid)
    one = st.builds(
        _apply,
        st.just(valid),
        st.sampled_from(paths),
        st.sampled_from(["replace", "replace", "replace", "delete", "wrap", "nest", "add"]),
        st.sampled_from(BAD_VALUES),
    )
    # Some inputs carry two mutations, so that a check reached only past a first bad value is hit too.
    two = one.flatmap(
        lambda data: mutations(data) if isinstance(data, dict) and data != valid else st.just(data)
    )
    return st.one_of(one, one, two)


def assert_rejects_or_roundtrips(
    from_dict: Callable[[Any], DictForm],
    data: object,
    *,
    read_back: Callable[[Any], DictForm] | None = None,
    compare_forms: bool = False,
    then: Callable[[Any], object] | None = None,
    form: str | None = None,
) -> str:
    """Check that ``from_dict(data)`` raises a `TicketcoreError`, or accepts a value that round-trips.

    Round-trips: its ``to_dict()`` survives strict JSON (no NaN), reads back (through
    ``read_back``, default ``from_dict``) to an equal value, and that value writes the same
    dict. With ``compare_forms`` (stateful objects without ``==``) only the dict forms are
    compared. ``then``, given the accepted value, drives it one step further: it may raise a
    `TicketcoreError`, after which the value's ``to_dict()`` must be unchanged. Any other
    exception fails the test. Returns the outcome, also counted in `OUTCOMES` and, when
    ``form`` names the form, in `BY_FORM`.
    """
    try:
        outcome = _check(from_dict, data, read_back or from_dict, compare_forms, then)
    except Exception:
        _count(form, "foreign")
        raise
    _count(form, outcome)
    return outcome


#: Outcomes per form: ``BY_FORM[form, outcome]``, outcome "rejected", "accepted" or "foreign".
BY_FORM: Counter[tuple[str, str]] = Counter()


def _count(form: str | None, outcome: str) -> None:
    OUTCOMES[outcome] += 1
    if form is not None:
        BY_FORM[form, outcome] += 1


def _check(
    from_dict: Callable[[Any], DictForm],
    data: object,
    read_back: Callable[[Any], DictForm],
    compare_forms: bool,
    then: Callable[[Any], object] | None,
) -> str:
    try:
        value = from_dict(data)
    except TicketcoreError:
        return "rejected"
    out = value.to_dict()
    back = read_back(json.loads(json.dumps(out, allow_nan=False)))
    if not compare_forms:
        assert back == value, (data, out)
    assert back.to_dict() == out, (data, out)
    if then is not None:
        try:
            then(value)
        except TicketcoreError:
            assert value.to_dict() == out, (data, out)
    return "accepted"
