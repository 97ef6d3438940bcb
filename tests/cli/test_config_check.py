"""``python -m ticketcore check CONFIG``: findings by path, exit status 1 with findings, 2 for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from ticketcore.__main__ import main

CLEAN = """
[routing]
pools = [{ name = "team" }]
default_pool = "team"

[[agents]]
id = "ana"
"""

SHADOWED = """
[routing]
rules = [
  { name = "all", pool = "team" },
  { name = "chat", when = { field = "channel", eq = "chat" }, agent = "ana" },
]
pools = [{ name = "team" }]

[[agents]]
id = "ana"
"""


def run(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *extra: str, name: str = "desk.toml"
) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    status = main(["check", str(path), *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_a_clean_configuration_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(tmp_path, CLEAN, capsys)

    assert 0 == status
    assert "0 findings" in out


def test_findings_are_printed_by_path_and_exit_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(tmp_path, SHADOWED, capsys)

    assert 1 == status
    assert "routing.rules[1]: rule 'chat' never fires" in out
    assert "[shadowed_rule]" in out
    assert "1 finding in" in out


def test_a_bad_reference_exits_two_naming_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(tmp_path, CLEAN.replace('default_pool = "team"', 'default_pool = "tema"'), capsys)

    assert 2 == status
    assert "default_pool" in err
    assert "did you mean 'team'" in err


def test_a_json_configuration_is_read_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{"routing": {"pools": [{"name": "team"}], "default_pool": "team"}, "agents": [{"id": "ana"}]}'

    status, _, _ = run(tmp_path, text, capsys, name="desk.json")

    assert 0 == status


def test_a_wrong_extension_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(tmp_path, CLEAN, capsys, name="desk.yaml")

    assert 2 == status
    assert "expected a .toml or .json file" in err


def test_a_bad_date_for_at_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(tmp_path, CLEAN, capsys, "--at", "tomorrow")

    assert 2 == status
    assert "--at" in err
