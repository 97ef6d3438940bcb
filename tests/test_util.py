"""Shared readers of `ticketcore._util`: pairs as a dict, errors put under a path."""

import pytest

from ticketcore import InvalidInput
from ticketcore._util import pairs_to_dict, wrap


def test_pairs_to_dict() -> None:
    assert pairs_to_dict((("a", 1), ("b", 2))) == {"a": 1, "b": 2}
    for other in ("ab", (("a", 1, 2),), [("a", 1)], {"a": 1}):
        assert pairs_to_dict(other) is other
    unhashable = ((["a"], 1),)
    assert pairs_to_dict(unhashable) is unhashable  # for the caller to refuse
    with pytest.raises(InvalidInput) as e:
        pairs_to_dict(unhashable, "arrivals.channels")
    assert str(e.value) == "arrivals.channels: expected pairs of a name and a value, got ((['a'], 1),)"
    assert e.value.__suppress_context__


def test_wrap_puts_the_field_under_the_path_and_passes_any_keyword_on() -> None:
    def build(**fields: object) -> dict[str, object]:
        if fields.get("tier") == 9:
            raise InvalidInput("tier", "a support tier from 1 to 4", 9)
        return fields

    assert wrap("x", build, path="p", fn="f") == {"path": "p", "fn": "f"}
    with pytest.raises(InvalidInput) as e:
        wrap("pools[0]", build, tier=9)
    assert e.value.field == "pools[0].tier"
