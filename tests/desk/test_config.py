"""DeskConfig: one document, references checked as a whole, exact round trips.

The vocabulary's tests are in test_vocabulary.py, the linter's (`desk/_lint.py`) in test_lint.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ticketcore import InvalidInput
from ticketcore.desk import DeskConfig

from desk_helpers import full_config


def test_a_full_configuration_round_trips_through_json_exactly() -> None:
    config = DeskConfig.from_dict(full_config())
    form = config.to_dict()

    assert json.loads(json.dumps(form)) == form
    assert config == DeskConfig.from_dict(json.loads(json.dumps(form)))
    assert form["sla"]["policies"][0]["calendar"] == "office"
    assert form["agents"][1]["shift"] == "nights"


def test_names_resolve_to_the_named_calendars() -> None:
    config = DeskConfig.from_dict(full_config())

    assert config.sla.policies[0].calendar == config.calendar("office")
    assert config.sla.policies[0].calendar_name == "office"
    assert config.agents[1].shift == config.calendar("nights")


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("sla", "policies", 0, "calendar"), "offce", "sla.policies[0].calendar"),
        (("agents", 1, "shift"), "day", "agents[1].shift"),
        (("routing", "rules", 0, "agent"), "anna", "routing.rules[0].agent"),
        (
            ("sla", "policies", 0, "targets", 1, "ladder", 0, "action"),
            {"move_tier": 3},
            "sla.policies[0].targets[1].ladder[0].action.to",
        ),
        (
            ("sla", "policies", 0, "targets", 1, "ladder", 0, "action"),
            {"reassign": "zed"},
            "sla.policies[0].targets[1].ladder[0].action.to",
        ),
        (("vocabulary", "statuses", "Waiting on vendor"), "waiting", "vocabulary.statuses.Waiting on vendor"),
        (("version",), 2, "version"),
    ],
)
def test_a_bad_reference_names_its_path(path: tuple[Any, ...], value: object, field: str) -> None:
    data = full_config()
    here: Any = data
    for key in path[:-1]:
        here = here[key]
    here[path[-1]] = value

    with pytest.raises(InvalidInput) as e:
        DeskConfig.from_dict(data)

    assert field == e.value.field


def test_an_unknown_calendar_lists_the_known_ones() -> None:
    data = full_config()
    data["sla"]["policies"][0]["calendar"] = "offce"

    with pytest.raises(InvalidInput, match="did you mean 'office'"):
        DeskConfig.from_dict(data)


def test_a_pool_naming_an_unknown_agent_is_refused_with_its_path() -> None:
    data = full_config()
    data["routing"]["pools"][0]["agents"] = ["ana", "zed"]

    with pytest.raises(InvalidInput) as e:
        DeskConfig.from_dict(data)

    assert e.value.field == "routing.pools[0].agents[1]"


def test_toml_and_json_read_the_same_configuration() -> None:
    toml = """
[calendars.office]
timezone = "Europe/Berlin"
hours = { mon = ["09:00-17:00"] }

[[sla.policies]]
name = "std"
calendar = "office"
targets = [{ name = "first_response", metric = "first_response", goals = { all = "1h" } }]

[routing]
pools = [{ name = "team" }]
default_pool = "team"

[[agents]]
id = "ana"
"""
    from_toml = DeskConfig.from_toml(toml)

    assert from_toml == DeskConfig.from_json(json.dumps(from_toml.to_dict()))


def test_a_toml_syntax_error_names_line_and_column() -> None:
    with pytest.raises(InvalidInput, match="line 2"):
        DeskConfig.from_toml("[routing]\npools = [1 2]\n")


def test_deeply_nested_documents_are_refused_with_a_named_error() -> None:
    with pytest.raises(InvalidInput):
        DeskConfig.from_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InvalidInput):
        DeskConfig.from_toml("x = " + "[" * 5_000 + "]" * 5_000)
