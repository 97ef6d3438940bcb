"""Policy case files: parsing and its errors, the runner and its failure diffs, the `test`
command, JUnit XML, and the pytest plugin (through pytester)."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ticketcore.__main__ import main
from ticketcore.testing import (
    CaseFile,
    CaseFileError,
    junit_xml,
    load_case_file,
    run_file,
)

pytest_plugins = ["pytester"]

CONFIG_TOML = """
[calendars.office]
timezone = "Europe/Berlin"
hours.mon = ["09:00-17:00"]
hours.tue = ["09:00-17:00"]
hours.wed = ["09:00-17:00"]
hours.thu = ["09:00-17:00"]
hours.fri = ["09:00-17:00"]

[routing]
default_pool = "team"
tiers = { "2" = "team" }
rules = [{ name = "chat to ana", when = { field = "channel", eq = "chat" }, agent = "ana" }]
pools = [{ name = "team", agents = ["ben", "cy"], cap = 1, backlog = true }]

[[agents]]
id = "ana"
[[agents]]
id = "ben"
[[agents]]
id = "cy"

[[sla.policies]]
name = "std"
calendar = "office"
targets = [{ name = "first_response", metric = "first_response", goals = { all = "1h" } }]
"""

PASSING = """
config = "desk.toml"
start = 2026-03-02T09:00:00+01:00

[[case]]
name = "chat to ana"

[[case.step]]
ticket = { id = "T-1", channel = "chat" }
expect.assigned = { T-1 = "ana" }
expect.reason = { T-1 = "direct_rule" }
expect.due = { T-1 = { first_response = "+1h" } }
"""

FAILING = """
config = "desk.toml"
start = 2026-03-02T09:00:00+01:00

[[case]]
name = "email to ana"

[[case.step]]
ticket = { id = "T-1" }
expect.assigned = { T-1 = "ana" }
"""


def inline(steps: list[Any], **top: Any) -> dict[str, Any]:
    """A case file's dict form with the small configuration inline and one case."""
    return {
        "config": tomllib.loads(CONFIG_TOML),
        "start": "2026-03-02T09:00:00+01:00",
        **top,
        "case": [{"name": "c", "step": steps}],
    }


def write(folder: Path, cases: str, name: str = "c.policy.toml") -> Path:
    (folder / "desk.toml").write_text(CONFIG_TOML, encoding="utf-8")
    path = folder / name
    path.write_text(cases, encoding="utf-8")
    return path


def run_one(steps: list[Any], **top: Any) -> str:
    """Run a one-case file; the report ('' when it passed)."""
    (result,) = run_file(CaseFile.from_dict(inline(steps, **top)))
    return result.report()


# -- reading -----------------------------------------------------------------------------


def test_a_case_file_reads_its_configuration_next_to_it(tmp_path: Path) -> None:
    case_file = load_case_file(write(tmp_path, PASSING))

    assert [c.name for c in case_file.cases] == ["chat to ana"]
    assert case_file.calendar == "office"  # the only calendar is the default one
    assert case_file.cases[0].steps[0].line == 8
    assert [r.passed for r in run_file(case_file)] == [True]


def test_the_dict_form_with_an_inline_configuration_runs_the_same() -> None:
    data = tomllib.loads(PASSING)
    data["config"] = tomllib.loads(CONFIG_TOML)
    assert [r.passed for r in run_file(CaseFile.from_dict(data))] == [True]


def test_a_toml_syntax_error_names_the_file_and_line() -> None:
    with pytest.raises(CaseFileError) as e:
        CaseFile.from_toml("start = 2026-03-02T09:00:00Z\n[[case]\n", source="bad.policy.toml")
    assert e.value.location == "bad.policy.toml:2"
    assert str(e.value).startswith("bad.policy.toml:2: case file: expected valid TOML")


def test_a_bad_step_names_the_file_line_case_and_step(tmp_path: Path) -> None:
    text = PASSING.replace('channel = "chat"', 'channel = "chat", priority = "urgentt"')
    with pytest.raises(CaseFileError) as e:
        load_case_file(write(tmp_path, text))
    message = str(e.value)
    assert e.value.line == 8
    assert "c.policy.toml:8: case 'chat to ana', step 1: ticket.priority" in message
    assert "urgentt" in message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"at": "tomorrow-ish"}, "at: expected an instant"),
        ({"expect": {"asigned": {}}}, "asigned"),
        ({"expect": {"tier": {"T-1": "2"}}}, "expect.tier.T-1"),
        ({"ticket": {"id": "T-1"}, "status": {"T-1": "open"}}, "at most one action"),
        ({"ticket": {"channel": "chat"}}, "ticket.id"),
        ({"presence": {"nobody": "offline"}}, "presence"),
        ({"expect": {"due": {"T-1": {"first_response": "+1x"}}}}, "expect.due.T-1.first_response"),
    ],
)
def test_bad_steps_are_refused_by_path(change: dict[str, Any], field: str) -> None:
    step = {"ticket": {"id": "T-1"}} | change
    with pytest.raises(CaseFileError, match="step 1") as e:
        CaseFile.from_dict(inline([step]))
    assert field in str(e.value)


def test_bad_top_level_keys_are_refused_with_the_file_name() -> None:
    with pytest.raises(CaseFileError, match=r"^<dict>: .*lint: expected one of report, fail, ignore"):
        CaseFile.from_dict(inline([{"ticket": {"id": "T-1"}}], lint="loud"))
    with pytest.raises(CaseFileError, match=r"config\.routing\.default_pool"):
        CaseFile.from_dict({**inline([]), "config": {"routing": {"default_pool": "nope"}}})
    data = inline([{"ticket": {"id": "T-1"}}])
    with pytest.raises(CaseFileError, match="a name no other case has"):
        CaseFile.from_dict({**data, "case": data["case"] * 2})
    with pytest.raises(CaseFileError, match="needs load_case_file"):
        CaseFile.from_dict({**inline([]), "config": "desk.toml"})


def test_a_missing_configuration_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.policy.toml"
    path.write_text(PASSING.replace("desk.toml", "gone.toml"), encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"x\.policy\.toml: config: expected a readable UTF-8 file"):
        load_case_file(path)


def test_times_relative_business_and_next_business_day() -> None:
    steps = [
        {"ticket": {"id": "T-1"}, "expect": {"due": {"T-1": {"first_response": "+1h"}}}},
        # Monday 16:30: one business hour is Tuesday 09:30 on the 09:00-17:00 calendar.
        {"at": "2026-03-02T16:30:00", "ticket": {"id": "T-2"},
         "expect": {"due": {"T-2": {"first_response": "+1h business"}}}},
        {"at": "next business day 09:30",
         "expect": {"due": {"T-2": {"first_response": "2026-03-03T09:30:00+01:00"}}}},
        {"at": "+2h30m", "expect": {"alerts": ["T-2 first_response breach"]}},
    ]  # fmt: skip
    assert run_one(steps, timezone="Europe/Berlin") == ""


def test_local_times_need_a_time_zone() -> None:
    data = inline([{"ticket": {"id": "T-1"}}])
    data["config"].pop("calendars")
    data["config"]["sla"]["policies"][0].pop("calendar")
    with pytest.raises(CaseFileError, match="an offset, or 'timezone'"):
        CaseFile.from_dict({**data, "case": [{"name": "c", "step": [{"at": "2026-03-02T10:00:00"}]}]})


# -- running and reports -----------------------------------------------------------------


def test_a_failing_assignment_reports_the_step_the_diff_and_the_explanation(tmp_path: Path) -> None:
    (result,) = run_file(load_case_file(write(tmp_path, FAILING)))
    report = result.report()

    assert not result.passed
    assert report.splitlines()[:5] == [
        f"case 'email to ana' ({tmp_path / 'c.policy.toml'}:5) failed",
        "step 1 (line 8) at 2026-03-02T09:00:00+01:00: ticket T-1 arrives",
        "  assigned T-1",
        "    - expected: ana",
        "    + actual:   ben",
    ]
    assert "route: default pool" in report
    assert "pool 'team', strategy sequential, 1 eligible" in report


def test_waiting_reason_tier_and_list_diffs() -> None:
    steps = [
        {"ticket": {"id": "T-1"}},
        {"ticket": {"id": "T-2"}},
        {
            "ticket": {"id": "T-3"},
            "expect": {"waiting": ["T-2"], "reason": {"T-3": "pool_choice"}, "tier": {"T-3": 2}},
        },
    ]
    report = run_one(steps)
    assert "  waiting (- expected, + actual)\n    - T-2\n    + T-3" in report
    assert "  reason T-3\n    - expected: pool_choice\n    + actual:   no_eligible_agent" in report
    assert "passed over 'ben': at cap 1/1" in report
    assert "  tier T-3\n    - expected: 2\n    + actual:   1" in report


def test_alerts_escalations_and_notifications_are_compared_as_lists() -> None:
    steps = [
        {"ticket": {"id": "T-1"}},
        {"at": "+2h", "expect": {"alerts": ["T-1 resolution breach"], "escalations": [], "notified": []}},
    ]
    report = run_one(steps)
    assert (
        "  alerts (- expected, + actual)\n    - T-1 resolution breach\n    + T-1 first_response breach"
        in report
    )
    assert "escalations" not in report


def test_due_reports_the_clock_explanation_and_none() -> None:
    steps = [
        {
            "ticket": {"id": "T-1"},
            "expect": {"due": {"T-1": {"first_response": "none", "resolution": "+1h"}}},
        },
    ]
    report = run_one(steps)
    assert (
        "  due T-1 first_response\n    - expected: none\n    + actual:   2026-03-02T10:00:00+01:00" in report
    )
    assert "policy 'std' is the first that covers it" in report
    assert "no such target in the ticket's policy (targets: first_response)" in report


def test_a_refused_event_and_time_going_back_are_failures_not_crashes() -> None:
    assert "refused: " in run_one([{"reply": "T-404"}])
    report = run_one([{"at": "+1h", "ticket": {"id": "T-1"}}, {"at": "2026-03-02T09:00:00+01:00"}])
    assert "  the step's time\n    - expected: at or after 2026-03-02T10:00:00+01:00" in report


def test_a_case_stops_at_its_first_failing_step() -> None:
    steps = [
        {"ticket": {"id": "T-1"}, "expect": {"assigned": {"T-1": "cy"}}},
        {"ticket": {"id": "T-2"}, "expect": {"assigned": {"T-2": "nobody-at-all"}}},
    ]
    report = run_one(steps)
    assert "step 1" in report
    assert "step 2" not in report


def test_every_action_runs() -> None:
    steps = [
        {"presence": {"ben": "offline"}},
        {"ticket": {"id": "T-1"}, "expect": {"assigned": {"T-1": "cy"}}},
        {"update": {"id": "T-1", "priority": "urgent"}},
        {"message": "T-1"},
        {"reply": {"id": "T-1", "agent": "cy"}, "expect": {"due": {"T-1": {"first_response": "none"}}}},
        {"transfer": {"id": "T-1", "to": "ana"}, "expect": {"assigned": {"T-1": "ana"}}},
        {"escalate": {"id": "T-1", "tier": 2}, "expect": {"tier": {"T-1": 2}, "assigned": {"T-1": "cy"}}},
        {
            "event": {"type": "status_changed", "ticket_id": "T-1", "status": "closed"},
            "expect": {"assigned": {"T-1": ""}},
        },
        {"status": {}, "at": "+1m"},
    ]
    assert run_one(steps) == ""


def test_lint_findings_are_reported_and_fail_only_when_asked() -> None:
    steps = [{"ticket": {"id": "T-1"}}]
    data = inline(steps)
    data["config"]["routing"]["pools"].append({"name": "lonely"})
    (result,) = run_file(CaseFile.from_dict(data))
    assert result.passed
    assert [f.code for f in result.findings] == ["unreachable_pool"]
    (strict,) = run_file(CaseFile.from_dict({**data, "lint": "fail"}))
    assert "+ routing.pools[1]: " in strict.report()
    (quiet,) = run_file(CaseFile.from_dict({**data, "lint": "ignore"}))
    assert quiet.findings == ()


# -- the command line and JUnit XML ------------------------------------------------------


def test_the_test_command_exit_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, PASSING, "good.policy.toml")
    assert main(["test", str(good)]) == 0
    assert "1 passed, 0 failed, in 1 case file" in capsys.readouterr().out

    bad = write(tmp_path, FAILING, "bad.policy.toml")
    assert main(["test", str(tmp_path)]) == 1  # a folder: every *.policy.toml in it
    out = capsys.readouterr().out
    assert f"FAIL {bad}:5 email to ana" in out
    assert "      - expected: ana" in out

    broken = tmp_path / "broken.toml"
    broken.write_text("config = 1\n[[case\n", encoding="utf-8")
    assert main(["test", str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {broken}:2: case file: expected valid TOML")
    assert main(["test", str(tmp_path / "missing.policy.toml")]) == 2


def test_junit_xml(tmp_path: Path) -> None:
    write(tmp_path, PASSING, "good.policy.toml")
    write(tmp_path, FAILING, "bad.policy.toml")
    target = tmp_path / "out" / "junit.xml"
    target.parent.mkdir()
    assert main(["test", str(tmp_path), "--junit-xml", str(target)]) == 1
    root = ET.fromstring(target.read_text(encoding="utf-8"))  # noqa: S314 - our own output
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    failure = root.find(".//testcase[@name='email to ana']/failure")
    assert failure is not None
    assert failure.get("message") == "step 1: assigned T-1"
    assert "- expected: ana" in (failure.text or "")
    assert junit_xml([]).startswith("<?xml")


# -- the pytest plugin -------------------------------------------------------------------

PLUGIN = ("-p", "no:ticketcore", "-p", "ticketcore.testing.plugin", "-p", "no:cacheprovider")


def test_the_entry_point_is_declared() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["entry-points"]["pytest11"] == {"ticketcore": "ticketcore.testing.plugin"}


def test_plugin_passing_case(pytester: pytest.Pytester) -> None:
    write(pytester.path, PASSING)
    result = pytester.runpytest(*PLUGIN, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*c.policy.toml::chat to ana PASSED*"])


def test_plugin_failing_case_shows_the_diff(pytester: pytest.Pytester) -> None:
    write(pytester.path, PASSING + FAILING.split("\n", 3)[3])
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*case 'email to ana' (*c.policy.toml:*) failed",
            "step 1 (line *) at 2026-03-02T09:00:00+01:00: ticket T-1 arrives",
            "  assigned T-1",
            "    - expected: ana",
            "    + actual:   ben",
            "*route: default pool",
            "*FAILED c.policy.toml::email to ana*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_plugin_malformed_case_file_is_a_collection_error_naming_the_line(pytester: pytest.Pytester) -> None:
    write(pytester.path, PASSING.replace('channel = "chat" }', 'channel = "chat", prio = 1 }'))
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*ticketcore case file: *c.policy.toml:8: case 'chat to ana', step 1: ticket*prio*"]
    )


def test_plugin_reports_lint_findings_without_crashing(pytester: pytest.Pytester) -> None:
    write(pytester.path, PASSING)
    config = CONFIG_TOML.replace("backlog = true }]", 'backlog = true }, { name = "lonely" }]')
    (pytester.path / "desk.toml").write_text(config, encoding="utf-8")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*ticketcore lint*", "*c.policy.toml: routing.pools[[]1]: *[[]unreachable_pool]"]
    )


def test_plugin_collects_only_matching_names_and_can_be_switched_off(pytester: pytest.Pytester) -> None:
    write(pytester.path, PASSING)
    write(pytester.path, PASSING, "other.toml")
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nticketcore_policy_files =\n")
    pytester.runpytest(*PLUGIN).assert_outcomes()
    pytester.makeini("[pytest]\nticketcore_policy_files = *.toml\n")
    pytester.runpytest(*PLUGIN, "--continue-on-collection-errors").assert_outcomes(
        passed=2, errors=1
    )  # desk.toml is no case file
    assert (
        pytester.runpytest("-p", "no:ticketcore", "-p", "no:cacheprovider").ret
        == pytest.ExitCode.NO_TESTS_COLLECTED
    )
