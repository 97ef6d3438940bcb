"""Mutations of the built-in scenario's dict form: each is refused by name or round-trips exactly.

Hypothesis takes `DEFAULT_SCENARIO`, replaces one to three of its values (anywhere in the
tree: arrivals, handling, customers, routing, strategies, SLA policies ...) with a hostile
one, or drops a key, or adds an unknown one, and reads the result with `Scenario.from_dict`.
Either a `TicketcoreError` comes out, or the scenario is accepted and its dict form goes
through ``json.dumps`` / ``json.loads`` / `Scenario.from_dict` back to an equal scenario with
an equal dict form. Anything else (a ``TypeError``, ``OverflowError``, ``RecursionError``,
a dict form JSON cannot carry ...) fails the test.

The ``routing`` and ``sla`` parts are read by `ticketcore.assign` and `ticketcore.sla`, which
are hardened in their own change: until that lands, a foreign error from a mutation there
is counted as "elsewhere" (and the exhaustive test is marked xfail, listing them) instead
of failing here. Every other part must hold already.
"""

import copy
import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ticketcore import TicketcoreError
from ticketcore.simulate import Scenario
from ticketcore.simulate._defaults import DEFAULT_SCENARIO

Path = tuple[str | int, ...]


def _paths(node: object, here: Path = ()) -> list[Path]:
    """Every path to a value inside ``node`` (dict keys and list indices), parents first."""
    out: list[Path] = []
    if isinstance(node, dict):
        for key, child in node.items():
            out.append((*here, key))
            out.extend(_paths(child, (*here, key)))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            out.append((*here, i))
            out.extend(_paths(child, (*here, i)))
    return out


PATHS = _paths(DEFAULT_SCENARIO)


def _deep_list(levels: int) -> list[Any]:
    out: list[Any] = []
    for _ in range(levels):
        out = [out]
    return out


def _deep_dict(levels: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(levels):
        out = {"a": out}
    return out


HOSTILE: list[object] = [
    None,
    float("nan"),
    float("inf"),
    float("-inf"),
    10**30,
    -(10**30),
    10**400,
    1e308,
    -1,
    0,
    1,
    0.5,
    1e-300,
    "",
    " ",
    "true",
    "false",
    "0",
    "1",
    "yes",
    "nan",
    "1e400m",
    "99999999999999999999d",
    "5m",
    "x" * 300,
    True,
    False,
    [],
    {},
    [None],
    {"": None},
    {"count": 3},
    ["5m"],
    _deep_list(200),
    _deep_dict(200),
]

ACTIONS = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(PATHS), st.sampled_from(HOSTILE)),
    st.tuples(st.just("drop"), st.sampled_from(PATHS), st.none()),
    st.tuples(st.just("add"), st.sampled_from([(), *PATHS]), st.sampled_from(HOSTILE)),
)

#: What happened to each input, for the record: "refused", "round-tripped", "elsewhere".
OUTCOMES: Counter[str] = Counter()

#: Top-level keys read by other packages (see the module's documentation).
ELSEWHERE = frozenset({"routing", "sla"})


def _mutate(data: dict[str, Any], action: str, path: Path, value: object) -> None:
    parent: Any = data
    for step in path[:-1] if action != "add" else path:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):  # an earlier mutation changed the tree here
            return
    if action == "add":
        if isinstance(parent, dict):
            parent["unexpected"] = value
        elif isinstance(parent, list):
            parent.append(value)
        return
    key: Any = path[-1]
    present = key in parent if isinstance(parent, dict) else isinstance(key, int) and key < len(parent)
    if not isinstance(parent, dict | list) or not present:
        return
    if action == "drop":
        del parent[key]
    else:
        parent[key] = value


def check(data: dict[str, Any]) -> str:
    """Read ``data``: "refused" (a TicketcoreError) or "round-tripped"; anything else raises."""
    try:
        scenario = Scenario.from_dict(data)
    except TicketcoreError:
        return "refused"
    form = scenario.to_dict()
    again = Scenario.from_dict(json.loads(json.dumps(form, allow_nan=False)))
    assert again == scenario
    assert again.to_dict() == form
    return "round-tripped"


@pytest.mark.slow
@settings(max_examples=250, deadline=None)
@given(st.lists(ACTIONS, min_size=1, max_size=3))
def test_mutated_default_scenario_is_refused_by_name_or_round_trips(
    actions: list[tuple[str, Path, object]],
) -> None:
    data = copy.deepcopy(DEFAULT_SCENARIO)
    for action, path, value in actions:
        _mutate(data, action, path, copy.deepcopy(value))
    try:
        OUTCOMES[check(data)] += 1
    except Exception:
        if not any(path and path[0] in ELSEWHERE for _, path, _ in actions):
            raise
        OUTCOMES["elsewhere"] += 1
        assume(False)


@pytest.mark.slow
def test_every_single_hostile_value_everywhere() -> None:
    """The exhaustive core of the above: each hostile value at each path, one at a time."""
    elsewhere = []
    for path in PATHS:
        for value in HOSTILE:
            data = copy.deepcopy(DEFAULT_SCENARIO)
            _mutate(data, "set", path, copy.deepcopy(value))
            try:
                OUTCOMES[check(data)] += 1
            except Exception as e:
                where = f"{'.'.join(map(str, path))} = {value!r:.40}: {type(e).__name__}: {e}"
                if path[0] not in ELSEWHERE:
                    raise AssertionError(where) from e
                OUTCOMES["elsewhere"] += 1
                elsewhere.append(where)
    if elsewhere:
        pytest.xfail(f"{len(elsewhere)} in ticketcore.assign / ticketcore.sla, such as {elsewhere[0]}")
