"""The configuration linter (`ticketcore.desk.lint`, `desk/_lint.py`): each finding with its path."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ticketcore.desk import DeskConfig, lint

from desk_helpers import full_config


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
