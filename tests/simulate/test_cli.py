"""``python -m ticketcore simulate``: the report, JSON, CSV, comparisons and errors."""

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from ticketcore.__main__ import main


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
