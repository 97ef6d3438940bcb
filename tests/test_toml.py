"""The TOML writer: what it writes reads back equal."""

import math
import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import InvalidInput
from ticketcore._toml import dump_toml

scalars = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.slow
@given(st.dictionaries(st.text(max_size=6), values, max_size=6))
def test_reads_back_equal(data: dict[str, Any]) -> None:
    assert tomllib.loads(dump_toml(data)) == data


def test_long_tables_get_headers_and_short_ones_stay_inline() -> None:
    data = {"a": {"b": {"x": 1}}, "pools": [{"name": "p" * 40, "cap": 3}, {"name": "q" * 40}]}
    text = dump_toml(data)
    assert "[[pools]]" in text
    assert "a = { b = { x = 1 } }" in text
    assert tomllib.loads(text) == data


@pytest.mark.parametrize(
    ("data", "path"),
    [({"a": {"b": None}}, "a.b"), ({"l": [1, math.inf]}, "l[1]"), ({"x": [{"y": None}] * 9}, "x[0].y")],
)
def test_refuses_what_toml_cannot_carry(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidInput) as e:
        dump_toml(data)
    assert e.value.field == path


@pytest.mark.parametrize("key", ["0\n", "a\n", "x\r", "tab\t"])
def test_a_key_ending_in_a_control_character_is_quoted(key: str) -> None:
    """Found by Hypothesis: a bare-key check with ``$`` let ``"0\\n"`` through unquoted."""
    assert tomllib.loads(dump_toml({key: []})) == {key: []}
    assert tomllib.loads(dump_toml({"t": {key: 1}})) == {"t": {key: 1}}
