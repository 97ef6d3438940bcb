"""The command line refuses bad input with exit status 2 and one line naming the problem.

Through ``main([...])`` with pytest's capsys (and once through a subprocess, to show that
no traceback escapes); no network.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ticketcore.__main__ import main

GOOD = '[arrivals]\nper_day = 50\n[agents]\ncount = 2\n[handling."*"]\nsolve = { exponential = "20m" }\n'


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the command line; assert status 2, nothing on stdout and one line on stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_bytes(GOOD.encode() + b'name = "M\xfcnchen"\n')
    err = refused(capsys, "simulate", "--scenario", str(path))
    assert err == f"error: {path}: expected UTF-8 text, got the byte 0xfc at line 7 (byte {len(GOOD) + 10})\n"


def test_byte_order_mark_is_fine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert main(["simulate", "--days", "0.1", "--scenario", str(path)]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("name", ["team.yaml", "team", "team.toml.bak"])
def test_wrong_extension_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(GOOD)
    err = refused(capsys, "simulate", "--scenario", str(path))
    assert "expected a .toml or .json file" in err


def test_toml_error_names_line_and_column_not_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "team.toml"
    path.write_text(GOOD + "# a comment\n" * 2000 + "days = = 3\n")
    err = refused(capsys, "simulate", "--scenario", str(path))
    assert "line 2007, column 8" in err
    assert "days = = 3" in err
    assert "a comment" not in err
    assert len(err) < 300


def test_json_error_names_line_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    path.write_text('{\n  "days": 3,\n  "seed": \n}\n')
    err = refused(capsys, "simulate", "--scenario", str(path))
    assert "line 4, column 1" in err


@pytest.mark.parametrize(
    ("suffix", "text", "message"),
    [
        (".toml", "a = " + "[" * 50_000 + "]" * 50_000, "at most 64 levels"),
        (".json", "[" * 50_000 + "]" * 50_000, "at most 64 levels"),
        (".toml", ".".join(["a"] * 50_000) + " = 1", "a dotted key of at most 64 parts"),
        (".toml", GOOD + "[customers]\nreply_probability = nan\n", "customers.reply_probability"),
        (".toml", GOOD.replace("per_day = 50", "per_day = 1e9"), "at most 100,000"),
        (".json", '{"seed": ' + "1" * 5000 + "}", "integers of at most 4,300 digits"),
    ],
)
def test_bad_scenarios_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, text: str, message: str
) -> None:
    path = tmp_path / f"team{suffix}"
    path.write_text(text)
    err = refused(capsys, "simulate", "--scenario", str(path))
    assert err.startswith(f"error: {path}: ")
    assert message in err


def test_file_too_big_is_not_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    path.write_bytes(b" " * 5_000_001)
    err = refused(capsys, "simulate", "--scenario", str(path))
    assert "at most 5,000,000 bytes" in err


def test_missing_file_and_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "No such file" in refused(capsys, "simulate", "--scenario", str(tmp_path / "none.toml"))
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    refused(capsys, "simulate", "--scenario", str(folder))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--days", "nan"], "days: expected"),
        (["simulate", "--days", "1e400"], "days: expected"),
        (["simulate", "--days", "0"], "days: expected"),
        (["simulate", "--seed", "-1"], "seed: expected"),
        (["simulate", "--seed", "1" + "0" * 30], "seed: expected"),
        (["simulate", "--days", "1", "--compare", ","], "--compare: expected strategy names"),
        (["simulate", "--days", "1", "--strategy", "fastest"], "strategy: expected"),
        (["simulate", "--days", "x"], "argument --days: invalid float value: 'x'"),
        (["simulate", "--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: command"),
    ],
)
def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert message in refused(capsys, *args)


def test_no_traceback_from_a_subprocess(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_bytes(b"\xff\xfe" + GOOD.encode("utf-16-le"))
    src = str(Path(__file__).parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "ticketcore", "simulate", "--scenario", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"error: {path}: expected UTF-8 text, got the byte 0xff at line 1 (byte 1)\n"
