"""Staffing per block of the week (issue 18): the smallest count per block, by replicated runs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ticketcore import InvalidInput
from ticketcore.__main__ import main
from ticketcore.simulate import (
    InlineExecutor,
    Scenario,
    ServiceLevel,
    estimate,
    replicate,
    staff,
    staff_blocks,
)
from ticketcore.simulate._block_staffing import _blocks

INLINE = InlineExecutor()
MORNINGS = [0] * 8 + [3] * 4 + [1] * 6 + [0] * 6  # busy 08-12, quieter 12-18, nobody at night
BUSY: dict[str, Any] = {
    "days": 4,
    "seed": 3,
    "arrivals": {"per_day": 120, "profile": {"daily": MORNINGS}},
    "agents": {"count": 2},
    "handling": {"*": {"solve": {"exponential": "20m"}}},
    "routing": {"pools": [{"name": "team", "cap": 1, "backlog": True}], "default_pool": "team"},
}
WAIT = ServiceLevel(metric="wait", within=timedelta(minutes=10), share=0.8)


@pytest.mark.slow
def test_busy_mornings_get_more_agents() -> None:
    result = staff_blocks(
        Scenario.from_dict(BUSY), WAIT, ["* 12-18", "* 08-12"], replications=4, executor=INLINE
    )
    morning, afternoon = result.blocks  # week order, whatever the order given
    assert (morning.name, afternoon.name) == ("* 08-12", "* 12-18")
    # 120 a day over 24 weighted hours: 20 an hour in the morning, 6.67 in the afternoon.
    assert morning.per_hour == pytest.approx(20.0)
    assert afternoon.per_hour == pytest.approx(20 / 3)
    assert morning.agents is not None
    assert afternoon.agents is not None
    assert morning.agents > afternoon.agents
    assert result.schedule() == {"* 08-12": morning.agents, "* 12-18": afternoon.agents}
    for block in result.blocks:
        assert block.meets(0.8)
        tried = dict(block.tried)
        assert block.agents is not None
        below = tried.get(block.agents - 1)
        assert below is None or below.low is None or below.low < 0.8
        for e in tried.values():
            assert e.low is not None
            assert e.high is not None
            assert 0.0 <= e.low <= e.high <= 1.0  # shares: intervals clamped to [0, 1]
    # The schedule as a scenario: agent i works the blocks that need at least i agents.
    agents = result.scenario.agents
    assert len(agents) == morning.agents
    last = agents[-1].shift
    assert last is not None
    assert dict(last.to_dict()["hours"])["mon"] == ["08:00-12:00"]
    first = agents[0].shift
    assert first is not None
    assert dict(first.to_dict()["hours"])["sun"] == ["08:00-18:00"]
    rows = result.to_records()
    assert [r["block"] for r in rows] == ["* 08-12", "* 12-18"]
    assert all(r["meets"] for r in rows)
    json.dumps(rows)


@pytest.mark.slow
def test_erlang_c_conditions_land_at_the_erlang_c_count() -> None:
    """Cap 1, first come first served, open 24/7 at a constant rate: the simulated count is Erlang C's
    (100 tickets a day, 20 minutes each, 80% within 5 minutes: 3 agents, as docs/studies.md shows)."""
    scenario = Scenario.from_dict({**BUSY, "days": 3, "arrivals": {"per_day": 100}})
    target = ServiceLevel(metric="wait", within=timedelta(minutes=5), share=0.8)
    result = staff_blocks(scenario, target, ["* 00-12", "* 12-24"], replications=5, executor=INLINE)
    for block in result.blocks:
        assert block.erlang_c == 3
        assert block.agents is not None
        assert abs(block.agents - block.erlang_c) <= 1


def test_a_block_length_cuts_the_week() -> None:
    blocks = _blocks(12)
    assert len(blocks) == 14
    assert [name for name, _ in blocks[:3]] == ["mon 00-12", "mon 12-24", "tue 00-12"]
    assert blocks[2][1] == frozenset(range(24, 36))
    assert _blocks(["sat,sun 10-16", "mon-fri 8:00-12"])[0] == (
        "mon-fri 08-12",
        _blocks(["mon-fri 08-12"])[0][1],
    )
    # A length cuts the whole week: a run of one day does not reach Tuesday's blocks.
    with pytest.raises(InvalidInput, match="tue 00-12") as e:
        staff_blocks(Scenario.from_dict({**BUSY, "days": 1}), WAIT, 12, replications=2, executor=INLINE)
    assert e.value.field == "blocks"


@pytest.mark.parametrize(
    ("blocks", "field"),
    [
        (["mon-fri 8-12", "mon 11-13"], "blocks[1]"),  # overlap
        (["someday 08-12"], "blocks[0]"),
        (["mon 12-08"], "blocks[0]"),  # a night must be split in two
        (["fri-mon 08-12"], "blocks[0]"),
        ([], "blocks"),
        ("mon 08-12", "blocks"),
        (5, "blocks"),
        ([8], "blocks[0]"),
        (["* 00-08"], "blocks"),  # no arrivals in any block
    ],
)
def test_bad_blocks_are_named(blocks: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        staff_blocks(Scenario.from_dict(BUSY), WAIT, blocks, replications=2, executor=INLINE)
    assert e.value.field == field


def test_bad_arguments_are_named() -> None:
    scenario = Scenario.from_dict(BUSY)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"replications": 1}, "replications"),
        ({"low": -1}, "low"),
        ({"low": 5, "high": 4}, "high"),
        ({"strategy": "round_robbin"}, "strategy"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as e:
            staff_blocks(scenario, WAIT, ["* 08-12"], executor=INLINE, **kwargs)
        assert e.value.field.startswith(field), (kwargs, e.value.field)
    with pytest.raises(InvalidInput) as e:
        staff_blocks(scenario, "wait<=10m", ["* 08-12"])  # type: ignore[arg-type]  # the wrong type on purpose
    assert e.value.field == "target"
    short = Scenario.from_dict({**BUSY, "days": 1})  # Monday only
    with pytest.raises(InvalidInput) as e:
        staff_blocks(short, WAIT, ["sat 08-12"], executor=INLINE)
    assert e.value.field == "blocks"
    shifted = Scenario.from_dict(
        {**BUSY, "agents": {"count": 2, "shift": {"timezone": "UTC", "hours": {"mon": ["08:00-12:00"]}}}}
    )
    with pytest.raises(InvalidInput) as e:
        staff_blocks(shifted, WAIT, ["* 08-12"], executor=INLINE)
    assert e.value.field == "agents[0].shift"
    unchecked = Scenario.from_dict(
        {**BUSY, "routing": {"pools": [{"name": "team", "check_shift": False}], "default_pool": "team"}}
    )
    with pytest.raises(InvalidInput) as e:
        staff_blocks(unchecked, WAIT, ["* 08-12"], executor=INLINE)
    assert e.value.field == "routing.pools[0].check_shift"
    different = Scenario.from_dict({**BUSY, "agents": [{"id": "a", "cap": 1}, {"id": "b"}]})
    with pytest.raises(InvalidInput) as e:
        staff_blocks(different, WAIT, ["* 08-12"], executor=INLINE)
    assert e.value.field == "grid.agents"


def test_share_intervals_are_clamped() -> None:
    e = estimate([1.0, 1.0, 0.9], bounds=(0.0, 1.0))
    assert e.high == 1.0
    assert e.mean is not None
    assert e.half_width is not None
    assert e.mean + e.half_width > 1.0
    assert "to 1" in str(e)
    assert estimate([1.0, 1.0, 0.9]).high == pytest.approx(1.0 + (e.mean + e.half_width - 1.0))
    with pytest.raises(InvalidInput) as err:
        estimate([1.0], bounds=(1.0, 0.0))
    assert err.value.field == "bounds"
    with pytest.raises(InvalidInput):
        estimate([1.0], bounds="0-1")  # type: ignore[arg-type]  # the wrong type on purpose
    easy = Scenario.from_dict({**BUSY, "days": 1, "agents": {"count": 6}})
    study = replicate(easy, replications=3, executor=INLINE)
    for figure in ("waited_share", "utilisation_mean", "fairness", "sla_met"):
        est = study.estimate(figure)
        assert est.low is None or 0.0 <= est.low
        assert est.high is None or est.high <= 1.0
    flat = staff(
        easy,
        ServiceLevel(metric="wait", within=timedelta(hours=4), share=0.5),
        replications=3,
        high=6,
        executor=INLINE,
    )
    assert all(e.high is None or e.high <= 1.0 for _, e in flat.tried)


@pytest.mark.slow
def test_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "busy.json"
    path.write_text(json.dumps(BUSY))
    args = ["staff", str(path), "--target", "wait<=10m@80%", "--replications", "3", "--workers", "1"]
    blocks = ["--per-block", "* 08-12", "--per-block", "* 12-18"]
    assert main([*args, *blocks]) == 0
    out = capsys.readouterr().out
    assert "arrivals/h" in out
    assert "Erlang C" in out
    assert "* 08-12" in out
    assert main([*args, *blocks, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == {"metric": "wait", "within_s": 600.0, "share": 0.8}
    assert [b["block"] for b in data["blocks"]] == ["* 08-12", "* 12-18"]
    assert data["blocks"][0]["tried"]
    assert main([*args, "--per-block", "* 08-12", "--per-block", "* 11-13"]) == 2
    assert "blocks[1]" in capsys.readouterr().err
