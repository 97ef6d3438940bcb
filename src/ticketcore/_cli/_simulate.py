"""``simulate``: one run, ``--compare`` (several strategies on the same tickets), ``--replications``.

Imports `_common`, `_report` and `_files`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ticketcore._cli._common import (
    _check_plot,
    _check_replications,
    _check_workers,
    _end_progress,
    _pooled,
    _progress_bar,
    _Refused,
    _scenario_with,
    _strategy_list,
    _writable_folder,
    _write_csv,
)
from ticketcore._cli._files import _plot, _study_outputs
from ticketcore._cli._report import _SWEEP_FIGURES, _estimate_record, _study_text, _tables
from ticketcore.simulate import Comparison, Scenario, SimulationResult, compare, replicate, simulate


def _simulate(args: argparse.Namespace, out: list[str]) -> None:
    scenario = _scenario_with(args, args.scenario)
    names = _strategy_list(args, scenario)
    if args.replications is not None:
        _check_replications(args.replications)
    _check_workers(args.workers)
    if args.workers is not None and args.replications is None:
        raise _Refused("--workers: runs replications in parallel; give --replications R as well")
    if args.csv is not None:
        _writable_folder(Path(args.csv), "--csv")
    _check_plot(args.plot)
    if args.replications is not None:
        _replicated(args, scenario, names, out)
        return
    progress = None if args.json else _progress_bar(sys.stderr)
    keep = args.plot is not None or args.csv is not None
    runs: list[SimulationResult]
    comparison: Comparison | None = None
    try:
        if args.compare is not None:
            comparison = compare(scenario, [str(n) for n in names or ()], records=keep, progress=progress)
            runs = list(comparison.results)
        else:
            runs = [simulate(scenario, args.strategy, records=keep, progress=progress)]
    finally:
        _end_progress(progress)
    if args.csv is not None:
        folder = Path(args.csv)
        folder.mkdir(parents=True, exist_ok=True)
        if comparison is not None:
            _write_csv(folder / "comparison.csv", comparison.to_records())
        for r in runs:
            prefix = f"{r.strategy}-" if comparison is not None else ""
            for name, rows in _tables(r, tickets=True).items():
                _write_csv(folder / f"{prefix}{name}.csv", rows)
    if args.plot is not None:
        _plot(args.plot, runs)
    if args.json:
        if comparison is not None:
            data: Any = {
                "comparison": comparison.to_records(),
                "runs": {r.strategy: _tables(r, tickets=False) for r in runs},
            }
        else:
            data = _tables(runs[0], tickets=False)
        out.append(json.dumps(data, indent=1, allow_nan=False))
    elif comparison is not None:
        n = len(runs)
        out.append(f"Scenario {scenario.name!r}: {n} strateg{'ies' if n != 1 else 'y'} on the same tickets")
        out.append(comparison.text())
    else:
        out.append(runs[0].text())


def _replicated(
    args: argparse.Namespace,
    scenario: Scenario,
    names: list[str | None] | None,
    out: list[str],
) -> None:
    """``simulate --replications R``: each figure's mean and confidence interval; paired differences."""
    study = _pooled(args, "simulating", replicate, scenario, names, replications=args.replications)
    _study_outputs(args, study, _SWEEP_FIGURES, folder=True)
    if args.json:
        data = {"summary": study.summary_records(), "runs": study.to_records()}
        if len(study.strategies) > 1:
            first = study.strategies[0]
            data["differences"] = [
                {
                    "strategy": s,
                    "against": first,
                    "figure": name,
                    **_estimate_record(study.difference(name, first, s)),
                }
                for s in study.strategies[1:]
                for name in study.figures
            ]
        out.append(json.dumps(data, indent=1, allow_nan=False))
    else:
        out.extend(_study_text(study, scenario))
