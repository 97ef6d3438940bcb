"""``python -m ticketcore simulate``: the report, JSON, CSV, comparisons and errors."""

import csv
import importlib.util
import io
import json
import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import ticketcore
from ticketcore.__main__ import main
from ticketcore._time import _human_duration as _fmt
from ticketcore.simulate import Scenario, default_scenario, simulate


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["simulate", "--days", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0
    assert err == ""  # no progress bar when stderr is not a terminal
    for heading in (
        "source-article team",
        "Times (creation to ...)",
        "SLA attainment",
        "Backlog by week",
        "Agents",
    ):
        assert heading in out
    assert "agent10" in out  # the built-in team has ten agents


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "--seed", "4", "--strategy", "least_loaded")
    data = json.loads(out)
    assert code == 0
    assert data["summary"][0]["strategy"] == "least_loaded"
    assert data["summary"][0]["seed"] == 4
    assert {"agents", "sla", "queue", "backlog"} <= data.keys()


@pytest.mark.slow
def test_compare_and_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--compare", "sequential,least_loaded_cap_8", "--csv", str(tmp_path))
    assert code == 0
    assert "sequential" in out
    assert "least_loaded_cap_8" in out
    with (tmp_path / "comparison.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["strategy"] for r in rows] == ["sequential", "least_loaded_cap_8"]
    with (tmp_path / "sequential-tickets.csv").open() as f:
        assert len(list(csv.DictReader(f))) == int(rows[0]["created"])


def test_scenario_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(
        'name = "tiny"\n[arrivals]\nper_day = 50\n[agents]\ncount = 2\n'
        '[handling."*"]\nsolve = { exponential = "20m" }\n'
    )
    code, out, _ = run(capsys, "--scenario", str(path))
    assert code == 0
    assert "'tiny'" in out


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (
            '[arrivals]\nper_dya = 5\n[agents]\ncount = 1\n[handling."*"]\nsolve = { fixed = "1m" }\n',
            ".toml",
            "arrivals.per_dya",
        ),
        ("{}", ".yaml", "a .toml or .json file"),
    ],
)
def test_bad_scenario(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content)
    code, _, err = run(capsys, "--scenario", str(path))
    assert code == 2
    assert message in err


def test_unknown_strategy(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--strategy", "fastest")
    assert code == 2
    assert "strategy" in err


@pytest.mark.slow
def test_plot_needs_matplotlib_or_draws(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "run.png"
    if importlib.util.find_spec("matplotlib") is None:
        code, _, err = run(capsys, "--plot", str(target))
        assert code == 2
        assert "ticketcore[plot]" in err
    else:  # with the plot extra (part of dev)
        code, _, _ = run(capsys, "--plot", str(target))
        assert code == 0
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # a PNG image was written


# -- issue 18, the command line -----------------------------------------------------------

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "scenarios").glob("*.toml"))
SMALL_TEAM = (
    'name = "tiny"\nseed = 5\n[arrivals]\nper_day = 80\n[agents]\ncount = 2\n'
    '[handling."*"]\nsolve = { exponential = "20m" }\n'
    '[routing]\ndefault_pool = "p"\n[[routing.pools]]\nname = "p"\ncap = 1\nbacklog = true\n'
)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ticketcore {ticketcore.__version__}"


def test_scenario_prints_toml_that_reads_back_equal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# ")
    assert Scenario.from_toml(text) == default_scenario()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_scenarios_run(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = run(capsys, "--scenario", str(path))
    assert (code, err) == (0, "")
    assert "Agents" in out
    assert (
        Scenario.from_toml(path.read_text()).to_toml()
        == Scenario.from_toml(Scenario.from_toml(path.read_text()).to_toml()).to_toml()
    )


def test_three_examples() -> None:
    assert [p.name for p in EXAMPLES] == ["chat-heavy-team.toml", "small-email-team.toml", "tiered-team.toml"]


def test_strategy_with_compare_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--strategy", "least_loaded", "--compare", "sequential,least_loaded")
    assert code == 2
    assert "--strategy and --compare" in err


def test_round_robin_names_its_new_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--compare", "round_robin,least_loaded")
    assert code == 2
    assert "'round_robin' is called 'sequential'" in err


def test_one_strategy_is_not_plural(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--days", "0.2", "--compare", "least_loaded")
    assert code == 0
    assert "1 strategy on the same tickets" in out


@pytest.mark.slow
def test_replications_with_compare(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(SMALL_TEAM)
    args = ["--scenario", str(path), "--replications", "3", "--workers", "1"]
    code, out, _ = run(capsys, *args, "--compare", "sequential,least_loaded")
    assert code == 0
    assert "3 replications of 2 strategies" in out
    assert "least_loaded - sequential" in out
    assert "±" in out
    plot = tmp_path / "replications.png"
    code, _, _ = run(capsys, *args, "--strategy", "least_loaded", "--plot", str(plot), "--csv", str(tmp_path))
    assert code == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with (tmp_path / "runs.csv").open() as f:
        assert [r["replication"] for r in csv.DictReader(f)] == ["0", "1", "2"]
    code, out, _ = run(capsys, *args, "--compare", "sequential,least_loaded", "--json")
    data = json.loads(out)
    assert len(data["runs"]) == 6
    assert {d["strategy"] for d in data["differences"]} == {"least_loaded"}
    created = next(d for d in data["differences"] if d["figure"] == "created")
    assert created["mean"] == 0  # the same tickets


@pytest.mark.slow
def test_sweep(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(SMALL_TEAM)
    table = tmp_path / "runs.csv"
    plot = tmp_path / "sweep.png"
    args = ["sweep", str(path), "--days", "1", "--grid", "agents=2,3", "--grid", "cap=1,2"]
    code = main([*args, "--replications", "2", "--workers", "1", "--csv", str(table), "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0
    assert "4 points x 1 strategy x 2 replications" in out
    with table.open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["agents"], r["cap"], r["replication"]) for r in rows][:3] == [
        ("2", "1", "0"),
        ("2", "1", "1"),
        ("2", "2", "0"),
    ]
    assert len(rows) == 8
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sweep_bad_grid_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--grid", "agents"]) == 2
    assert "KEY=VALUE1,VALUE2" in capsys.readouterr().err
    assert main(["sweep", "--grid", "arrivals.per_day=-5"]) == 2  # checked before any run
    assert "arrivals.per_day" in capsys.readouterr().err


def test_staff(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(SMALL_TEAM)
    args = ["staff", str(path), "--days", "1", "--target", "wait<=10m@80%", "--replications", "3"]
    assert main([*args, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "simulated:" in out
    assert "Erlang C:" in out
    assert main([*args[:-4], "--target", "wait<10m"]) == 2
    assert "METRIC<=DURATION@SHARE%" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csv", "{file}"], "expected a folder, but it is a file"),
        (["--plot", "{missing}/run.png"], "does not exist"),
        (["--plot", "{dir}/run.xyz"], "expected a file ending in one of"),
        (["--plot", "{dir}"], "it is a folder"),
        (["--replications", "0"], "--replications"),
        (["--workers", "2"], "give --replications R as well"),
    ],
)
def test_outputs_checked_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    pytest.importorskip("matplotlib")
    file = tmp_path / "a-file"
    file.write_text("")
    names = {"file": str(file), "missing": str(tmp_path / "no" / "such"), "dir": str(tmp_path)}
    filled = [a.format(**names) for a in args]
    code = main(["simulate", *filled])  # four weeks if a check were missed: the checks come first
    assert code == 2
    assert message in capsys.readouterr().err


def test_plot_without_matplotlib_is_refused_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    assert main(["simulate", "--plot", str(tmp_path / "run.png")]) == 2
    assert "pip install 'ticketcore[plot]'" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_elapsed_and_remaining_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["simulate", "--days", "0.5"]) == 0
    shown = terminal.getvalue()
    assert "elapsed" in shown
    assert "left" in shown
    capsys.readouterr()
    terminal.seek(0)
    terminal.truncate()
    assert main(["simulate", "--days", "0.5", "--json"]) == 0
    assert terminal.getvalue() == ""  # never with --json
    json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("command", [[], ["simulate"], ["sweep"], ["staff"], ["scenario"]])
def test_help_is_plain_text(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "``" not in text
    assert "`" not in text


@pytest.mark.slow
def test_report_reads_right(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    assert re.search(r"\d+ min \d+ s|\d+ h \d+ min", out)  # durations with units spelled out
    assert re.search(r"\d+\.\d%", out)  # shares as percentages
    result = simulate(default_scenario().replace(days=1))
    over = [a for a in result.agents if a.cap is not None and a.peak_load > a.cap]
    assert over  # reopened tickets return to their owner, whatever the load
    assert "* above the cap" in result.text()
    assert "* above the cap" in out


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (0.2, "< 1 s"),
        (45, "45 s"),
        (59.7, "1 min"),
        (125, "2 min 5 s"),
        (3599.6, "1 h"),
        (3 * 3600 + 5 * 60, "3 h 5 min"),
        (40 * 3600, "1 d 16 h"),
        (2 * 86400, "2 d"),
    ],
)
def test_durations_read_as_units(seconds: float, text: str) -> None:
    assert _fmt(timedelta(seconds=seconds)) == text


def test_sweep_in_two_processes_gives_the_same_table(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sweep", "--days", "0.3", "--grid", "agents=9,10", "--json"]
    assert main([*args, "--workers", "2"]) == 0
    pooled = json.loads(capsys.readouterr().out)
    assert main([*args, "--workers", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == pooled
