"""``staff``: the smallest team meeting a service-level target, flat or per block of the week.

Imports `_common` and `_report`.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from typing import Any, Final

from ticketcore._cli._common import (
    _check_workers,
    _pooled,
    _Refused,
    _scenario_with,
    _strategy_list,
)
from ticketcore._cli._report import _estimate_record, _show
from ticketcore._errors import TicketcoreError
from ticketcore._text import text_table
from ticketcore._time import _duration_text
from ticketcore._time import _human_duration as _fmt_duration
from ticketcore.simulate import Scenario, ServiceLevel, staff, staff_blocks

_TARGET: Final = re.compile(
    r"^\s*(?P<metric>wait|first_response|resolution)\s*<=\s*(?P<within>[^@\s]+)\s*@\s*(?P<share>[0-9.]+)\s*%\s*$"
)


def _target(text: str) -> ServiceLevel:
    """``first_response<=1h@80%``: a `ServiceLevel`."""
    m = _TARGET.match(text)
    if m is None:
        raise _Refused(
            f"--target: expected METRIC<=DURATION@SHARE% with METRIC wait, first_response or "
            f"resolution, such as first_response<=1h@80%, got {text!r}"
        )
    try:
        within = _duration_text(m["within"], "--target")
        share = float(m["share"]) / 100
    except (TicketcoreError, ValueError, OverflowError):
        raise _Refused(
            f"--target: expected a duration such as 90m, 1h or 2d before '@', got {m['within']!r}"
        ) from None
    if not 0 < share < 1:
        raise _Refused(f"--target: expected a share above 0% and below 100%, got {m['share']}%")
    return ServiceLevel(metric=m["metric"], within=within, share=share)


def _per_block(items: Sequence[str]) -> int | list[str]:
    """``--per-block 4h`` (a block length) or ``--per-block "mon-fri 08-12"`` (repeated): the blocks."""
    if len(items) == 1 and (m := re.fullmatch(r"\s*(\d+)\s*h?\s*", items[0])) is not None:
        return int(m[1])
    return list(items)


def _search_options(args: argparse.Namespace, names: list[str | None] | None) -> dict[str, Any]:
    """The search options both staffing commands pass on: the strategy, replications and bounds."""
    return {
        "strategy": None if names is None else names[0],
        "replications": args.replications,
        "low": args.low,
        "high": args.high,
    }


def _goal(target: ServiceLevel) -> str:
    """``80% of first responses within 1 h``: the target as both staffing reports read it."""
    metric = target.metric.replace("_", " ")
    return f"{100 * target.share:g}% of {metric}s within {_fmt_duration(target.within)}"


def _staff(args: argparse.Namespace, out: list[str]) -> None:
    scenario = _scenario_with(args, args.scenario)
    target = _target(args.target)
    names = _strategy_list(argparse.Namespace(strategy=args.strategy, compare=None), scenario)
    _check_workers(args.workers)
    if args.per_block:
        _staff_blocks(args, scenario, target, names, out)
        return
    answer = _pooled(args, "staffing", staff, scenario, target, **_search_options(args, names))
    if args.json:
        data = {
            "target": _target_record(target),
            "agents": answer.agents,
            "erlang_c": answer.erlang_c,
            "tried": [{"agents": n, **_estimate_record(e)} for n, e in answer.tried],
        }
        out.append(json.dumps(data, indent=1, allow_nan=False))
        return
    goal = _goal(target)
    found = (
        f"{answer.agents} agents"
        if answer.agents is not None
        else f"not reached with up to {args.high} agents"
    )
    out.append(
        f"Scenario {scenario.name!r}: the smallest team for {goal}, with {100 * answer.level:g}% confidence"
    )
    out.append(f"  simulated: {found}")
    erlang = "-" if answer.erlang_c is None else f"{answer.erlang_c} agents"
    out.append(f"  Erlang C:  {erlang} (M/M/c on the wait to an agent)")
    out += ["", f"Team sizes tried ({args.replications} replications each, the same seeds)"]
    out += text_table(
        ["agents", "service level", "low", "high", "meets the goal"],
        [
            [
                str(n),
                _show(e.mean, "share"),
                _show(e.low, "share"),
                _show(e.high, "share"),
                "yes" if e.low is not None and e.low >= target.share else "no",
            ]
            for n, e in answer.tried
        ],
    )


def _staff_blocks(
    args: argparse.Namespace,
    scenario: Scenario,
    target: ServiceLevel,
    names: list[str | None] | None,
    out: list[str],
) -> None:
    """``staff --per-block``: the smallest count per block of the week, beside Erlang C's."""
    blocks = _per_block(args.per_block)
    answer = _pooled(args, "staffing", staff_blocks, scenario, target, blocks, **_search_options(args, names))
    if args.json:
        data = {
            "target": _target_record(target),
            "blocks": [
                {**row, "tried": [{"agents": n, **_estimate_record(e)} for n, e in b.tried]}
                for row, b in zip(answer.to_records(), answer.blocks, strict=True)
            ],
        }
        out.append(json.dumps(data, indent=1, allow_nan=False))
        return
    goal = _goal(target)
    out.append(
        f"Scenario {scenario.name!r}: the smallest team per block for {goal}, "
        f"with {100 * answer.level:g}% confidence ({args.replications} replications, the same seeds)"
    )
    out += text_table(
        ["block", "arrivals/h", "Erlang C", "simulated", "attainment", "low", "high", "meets"],
        [
            [
                b.name,
                f"{b.per_hour:.3g}",
                "-" if b.erlang_c is None else str(b.erlang_c),
                f"> {args.high}" if b.agents is None else str(b.agents),
                _show(b.attainment.mean, "share"),
                _show(b.attainment.low, "share"),
                _show(b.attainment.high, "share"),
                "yes" if b.meets(target.share) else "no",
            ]
            for b in answer.blocks
        ],
    )
    out.append(
        "  Blocks settled in week order, earlier ones held at their answer; attainment in the final schedule."
    )


def _target_record(target: ServiceLevel) -> dict[str, object]:
    """The service-level target in the JSON output of both staffing commands."""
    return {"metric": target.metric, "within_s": target.within.total_seconds(), "share": target.share}
