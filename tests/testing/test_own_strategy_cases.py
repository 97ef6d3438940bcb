"""Case files whose configuration or steps name a strategy of your own (``strategies=``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from ticketcore import InvalidInput
from ticketcore.testing import CaseFile, CaseFileError, build_desk, load_case_file, run_file

from dispatch_helpers import Mine

pytest_plugins = ["pytester"]

CONFIG_TOML = """
[routing]
default_pool = "team"
pools = [{ name = "team", agents = ["ana", "ben", "cy"], strategy = "mine" }]

[[agents]]
id = "ana"
[[agents]]
id = "ben"
[[agents]]
id = "cy"
"""

CASES = """
config = "desk.toml"
start = 2026-03-02T09:00:00+01:00

[[case]]
name = "the pool's own strategy, switched off and on again"

[[case.step]]
ticket = { id = "T-1" }
expect.assigned = { T-1 = "cy" }

[[case.step]]
at = "+1m"
event = { type = "pool_changed", pool = "team", changes = { strategy = "sequential" } }

[[case.step]]
ticket = { id = "T-2" }
expect.assigned = { T-2 = "ana" }

[[case.step]]
at = "+1m"
event = { type = "pool_changed", pool = "team", changes = { strategy = "mine" } }

[[case.step]]
ticket = { id = "T-3" }
expect.assigned = { T-3 = "cy" }
"""

MINE = {"mine": Mine()}


def write(folder: Path, config: str = CONFIG_TOML) -> Path:
    (folder / "desk.toml").write_text(config, encoding="utf-8")
    path = folder / "own.policy.toml"
    path.write_text(CASES, encoding="utf-8")
    return path


def data(config: str = CONFIG_TOML) -> dict[str, Any]:
    return {**tomllib.loads(CASES), "config": tomllib.loads(config)}


def test_a_case_file_with_an_own_strategy_loads_and_runs_given_it(tmp_path: Path) -> None:
    case_file = load_case_file(write(tmp_path), strategies=MINE)

    assert case_file.strategies == MINE
    assert case_file.config.routing.pools[0].strategy == Mine()
    (result,) = run_file(case_file)
    assert result.passed, result.report()


def test_the_dict_form_takes_it_too_and_the_runner_uses_the_file_s_strategies() -> None:
    (result,) = run_file(CaseFile.from_dict(data(), strategies=MINE))
    assert result.passed, result.report()


def test_without_it_the_configuration_is_refused_saying_how_to_pass_it(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError) as caught:
        load_case_file(write(tmp_path))
    assert caught.value.field == "config.routing.pools[0].strategy"
    assert caught.value.value == "mine"
    assert "strategies={'mine': Mine()}" in caught.value.expected


def test_a_step_naming_it_is_refused_with_its_line_when_only_the_step_does() -> None:
    config = CONFIG_TOML.replace('strategy = "mine"', 'strategy = "sequential"')
    text = CASES

    with pytest.raises(CaseFileError) as caught:
        CaseFile.from_toml(text, source="own.policy.toml", config_loader=lambda _: tomllib.loads(config))
    assert caught.value.line == 20  # the second pool_changed: the first names a built-in
    assert caught.value.where.endswith("step 4")
    assert caught.value.field == "event.strategy"
    assert "strategies={'mine': Mine()}" in caught.value.expected
    assert (
        CaseFile.from_toml(
            text, source="own.policy.toml", config_loader=lambda _: tomllib.loads(config), strategies=MINE
        ).strategies
        == MINE
    )


def test_a_case_s_own_agents_keep_the_pool_s_strategy() -> None:
    d = data()
    d["case"][0]["agents"] = [{"id": "ana"}, {"id": "ben"}, {"id": "cy"}, {"id": "dee"}]
    (result,) = run_file(CaseFile.from_dict(d, strategies=MINE))
    assert result.passed, result.report()


@pytest.mark.parametrize(
    ("strategies", "field"),
    [
        ([Mine()], "strategies"),
        ({"other": Mine()}, "strategies['other']"),
        ({"mine": "mine"}, "strategies['mine']"),
    ],
)
def test_a_bad_strategies_argument_is_refused(strategies: Any, field: str) -> None:
    with pytest.raises(CaseFileError) as caught:
        CaseFile.from_dict(data(), strategies=strategies)
    assert caught.value.field == field
    with pytest.raises(InvalidInput):
        CaseFile(
            source="x",
            config=CaseFile.from_dict(data(), strategies=MINE).config,
            cases=(),
            strategies=strategies,
        )


def test_the_strategies_are_no_part_of_the_value() -> None:
    with_them = CaseFile.from_dict(data(), strategies=MINE)
    again = CaseFile.from_dict(data(), strategies={"mine": Mine()})
    assert with_them == again
    assert "strategies" not in repr(with_them)


def test_build_desk_reads_a_full_configuration_with_them() -> None:
    desk = build_desk(config=tomllib.loads(CONFIG_TOML), strategies=MINE)
    assert desk.config.routing.pools[0].strategy == Mine()
    with pytest.raises(InvalidInput, match="pools"):
        build_desk(config=tomllib.loads(CONFIG_TOML))
    with pytest.raises(InvalidInput) as caught:
        build_desk("ana ben", strategies=MINE)
    assert caught.value.field == "strategies"


# -- the pytest plugin: a conftest.py hook -------------------------------------------------

PLUGIN = ("-p", "no:ticketcore", "-p", "ticketcore.testing.plugin", "-p", "no:cacheprovider")

CONFTEST = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parents[1])!r})
import pytest
from dispatch_helpers import Mine

@pytest.hookimpl(optionalhook=True)  # the run still works with -p no:ticketcore
def pytest_ticketcore_strategies(config, path):
    return {{"mine": Mine()}}
"""


def test_plugin_reads_the_strategies_a_conftest_hook_gives(pytester: pytest.Pytester) -> None:
    write(pytester.path)
    pytester.makeconftest(CONFTEST)
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=1)


def test_plugin_without_the_hook_is_a_collection_error_saying_how(pytester: pytest.Pytester) -> None:
    write(pytester.path)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*own.policy.toml*config.routing.pools[[]0].strategy*strategies=*"])


def test_plugin_the_nearest_conftest_decides(pytester: pytest.Pytester) -> None:
    sub = pytester.mkpydir("sub")
    write(sub)
    pytester.makeconftest(CONFTEST)
    (sub / "conftest.py").write_text("def pytest_ticketcore_strategies():\n    return {}\n", encoding="utf-8")
    pytester.runpytest(*PLUGIN).assert_outcomes(errors=1)
    (sub / "conftest.py").write_text(
        "def pytest_ticketcore_strategies():\n    return None\n", encoding="utf-8"
    )
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=1)


def test_plugin_switched_off_an_optional_hook_is_no_error(pytester: pytest.Pytester) -> None:
    write(pytester.path)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_python():\n    pass\n")
    pytester.runpytest("-p", "no:ticketcore", "-p", "no:cacheprovider").assert_outcomes(passed=1)
