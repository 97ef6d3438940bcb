"""``sweep``: a scenario over a grid of its fields, with replications (a tidy table).

Imports `_common`, `_report` and `_files`.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from collections.abc import Sequence
from pathlib import Path

from ticketcore._cli._common import (
    _check_plot,
    _check_replications,
    _check_workers,
    _pooled,
    _Refused,
    _scenario_with,
    _strategy_list,
    _writable_file,
)
from ticketcore._cli._files import _study_outputs
from ticketcore._cli._report import _FIGURES, _SWEEP_FIGURES, _sweep_text
from ticketcore.simulate import sweep


def _grid_value(text: str) -> object:
    """A grid value as TOML reads it (``8``, ``0.5``, ``true``, ``"x"``), else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _grid(items: Sequence[str]) -> dict[str, list[object]]:
    """``--grid key=v1,v2`` (repeated): the grid, in the order given."""
    grid: dict[str, list[object]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        key = key.strip()
        if not sep or not key or not values.strip():
            raise _Refused(f"--grid: expected KEY=VALUE1,VALUE2,..., got {item!r}")
        if key in grid:
            raise _Refused(f"--grid: the key {key!r} is given twice")
        grid[key] = [_grid_value(v.strip()) for v in values.split(",") if v.strip()]
    return grid


def _sweep(args: argparse.Namespace, out: list[str]) -> None:
    scenario = _scenario_with(args, args.scenario)
    names = _strategy_list(args, scenario)
    grid = _grid(args.grid)
    figures = args.figure or list(_SWEEP_FIGURES)
    _check_replications(args.replications)
    _check_workers(args.workers)
    if args.csv is not None:
        _writable_file(Path(args.csv), "--csv")
    _check_plot(args.plot)
    # Every point is built and checked (by `sweep`) before the first run; the figures are checked here.
    known = (
        {name for name, _, _ in _FIGURES}
        | {
            f"{m}_{k}"
            for m in ("wait", "first_response", "resolution")
            for k in ("count", "mean_s", "p50_s", "p90_s", "p95_s", "max_s")
        }
        | {"solved", "unresolved", "left_unassigned", "queue_max"}
    )
    for name in figures:
        if name not in known:
            raise _Refused(
                f"--figure: expected a figure of the study such as {', '.join(_SWEEP_FIGURES)}, got {name!r}"
            )
    study = _pooled(args, "sweeping", sweep, scenario, grid, strategies=names, replications=args.replications)
    _study_outputs(args, study, figures, folder=False)
    if args.json:
        out.append(
            json.dumps(
                {"summary": study.summary_records(figures), "runs": study.to_records()},
                indent=1,
                allow_nan=False,
            )
        )
    else:
        out.extend(_sweep_text(study, scenario, figures))
