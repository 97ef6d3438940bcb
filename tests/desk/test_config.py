"""DeskConfig: one document, references checked as a whole, exact round trips; the vocabulary; the linter."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ticketcore import InvalidInput, Status
from ticketcore.desk import DeskConfig, Vocabulary, lint

OFFICE = {
    "timezone": "Europe/Berlin",
    "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
}


def full_config() -> dict[str, Any]:
    return copy.deepcopy(_FULL)


_FULL: dict[str, Any] = {
    "version": 1,
    "calendars": {"office": OFFICE, "nights": {"timezone": "UTC", "hours": {"mon": ["22:00-06:00"]}}},
    "vocabulary": {
        "statuses": {
            "New": "new",
            "Working": "open",
            "Waiting on customer": "pending",
            "Waiting on vendor": "on_hold",
            "Resolved": "solved",
            "Closed": "closed",
        }
    },
    "sla": {
        "policies": [
            {
                "name": "standard",
                "calendar": "office",
                "targets": [
                    {
                        "name": "first_response",
                        "metric": "first_response",
                        "goals": {"urgent": "30m", "high": "1h", "normal": "4h"},
                    },
                    {
                        "name": "resolution",
                        "metric": "resolution",
                        "goals": {"all": "2d"},
                        "ladder": [{"after": "1h", "action": {"move_tier": 2}}],
                    },
                ],
            }
        ]
    },
    "routing": {
        "rules": [{"name": "chat to ana", "when": {"field": "channel", "eq": "chat"}, "agent": "ana"}],
        "pools": [{"name": "team", "cap": 5}, {"name": "second", "tier": 2}],
        "tiers": {"2": "second"},
        "default_pool": "team",
    },
    "agents": [{"id": "ana"}, {"id": "ben", "shift": "nights"}, {"id": "cy", "tier": 2}],
}


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


# -- vocabulary ------------------------------------------------------------------------


def test_host_status_names_map_to_their_categories() -> None:
    v = Vocabulary.from_dict(full_config()["vocabulary"])

    assert Status.ON_HOLD == v.category("Waiting on vendor")
    assert Status.PENDING == v.category("Waiting on customer")
    assert "Resolved" == v.name(Status.SOLVED)
    assert ("New", "Working", "Waiting on customer", "Waiting on vendor", "Resolved", "Closed") == v.names


def test_an_unknown_status_name_lists_the_known_ones() -> None:
    v = Vocabulary.from_dict(full_config()["vocabulary"])

    with pytest.raises(InvalidInput, match="Waiting on vendor") as e:
        v.category("Waiting on vender")

    assert e.value.field == "status"


def test_the_default_vocabulary_is_the_categories_own_names() -> None:
    v = Vocabulary()

    assert [s.value for s in Status] == list(v.names)
    assert all(v.category(s.value) is s for s in Status)


def test_a_category_no_name_maps_to_is_refused() -> None:
    v = Vocabulary(statuses={"Open": "open", "Done": "closed"})

    with pytest.raises(InvalidInput):
        v.name(Status.PENDING)
    with pytest.raises(InvalidInput):
        v.category(Status.PENDING)


def test_two_names_may_share_a_category_and_the_first_is_reported() -> None:
    v = Vocabulary(
        statuses={"Waiting on customer": "pending", "Waiting on vendor": "pending", "Open": "open"}
    )

    assert "Waiting on customer" == v.name(Status.PENDING)
    assert v.to_dict() == Vocabulary.from_dict(v.to_dict()).to_dict()


# -- the linter --------------------------------------------------------------------------


def codes(data: dict[str, Any], at: datetime | None = None) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in lint(DeskConfig.from_dict(data), at)]


def test_a_clean_configuration_has_no_findings() -> None:
    data = full_config()

    assert [] == codes(data)


def test_a_rule_after_a_catch_all_rule_is_shadowed() -> None:
    data = full_config()
    data["routing"]["rules"].insert(0, {"name": "everything to team", "pool": "team"})

    assert [("shadowed_rule", "routing.rules[1]")] == codes(data)


def test_a_narrower_rule_after_a_broader_one_is_shadowed_but_not_the_reverse() -> None:
    data = full_config()
    data["routing"]["rules"] = [
        {"name": "chat", "when": {"field": "channel", "eq": "chat"}, "pool": "team"},
        {
            "name": "vip chat",
            "when": {"all": [{"field": "channel", "eq": "chat"}, {"field": "tags", "has": "vip"}]},
            "agent": "ana",
        },
        {"name": "email", "when": {"field": "channel", "in": ["email", "web"]}, "pool": "team"},
        {"name": "plain email", "when": {"field": "channel", "eq": "email"}, "pool": "team"},
    ]

    assert [("shadowed_rule", "routing.rules[1]"), ("shadowed_rule", "routing.rules[3]")] == codes(data)


def test_a_rule_that_respects_availability_shadows_nothing() -> None:
    data = full_config()
    data["routing"]["rules"] = [
        {"name": "all to ana", "agent": "ana", "respect_availability": True},
        {"name": "all to team", "pool": "team"},
    ]

    assert [] == codes(data)


def test_a_pool_with_a_skill_nobody_has_is_unserved() -> None:
    data = full_config()
    data["routing"]["pools"].append({"name": "billing", "skills": ["billing"]})
    data["routing"]["rules"].append(
        {"name": "bills", "when": {"field": "product_code", "eq": "B"}, "pool": "billing"}
    )

    assert [("unserved_pool", "routing.pools[2]")] == codes(data)


def test_a_pool_nothing_sends_tickets_to_is_unreachable() -> None:
    data = full_config()
    data["routing"]["pools"].append({"name": "orphan"})

    assert [("unreachable_pool", "routing.pools[2]")] == codes(data)


def test_policies_that_all_have_conditions_leave_tickets_without_sla() -> None:
    data = full_config()
    data["sla"]["policies"][0]["when"] = {"field": "channel", "eq": "chat"}

    assert [("no_catch_all_policy", "sla.policies")] == codes(data)


def test_a_goal_the_calendar_cannot_reach_within_its_horizon_can_never_be_met() -> None:
    data = full_config()
    data["calendars"]["office"]["horizon_days"] = 7
    data["sla"]["policies"][0]["targets"][1]["goals"] = {"all": "10d"}

    found = codes(data, datetime(2026, 3, 2, tzinfo=UTC))

    assert [("goal_beyond_horizon", "sla.policies[0].targets[1].goals.low")] == found[:1]


def test_a_shift_with_no_open_time_in_the_year_ahead_is_found_when_a_date_is_given() -> None:
    data = full_config()
    data["calendars"]["nights"] = {
        "timezone": "UTC",
        "hours": {"mon": ["22:00-06:00"]},
        "closures": [{"start": "2026-01-01T00:00", "end": "2028-01-01T00:00"}],
    }

    assert [] == codes(data)
    assert [("closed_shift", "agents[1].shift")] == codes(data, datetime(2026, 3, 2, tzinfo=UTC))
