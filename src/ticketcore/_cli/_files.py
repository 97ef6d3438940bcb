"""The command line's files: CSV tables and matplotlib plots of a run, a comparison or a study.

Its one job: write ``--csv`` and ``--plot`` outputs (checked beforehand by `_common`).
Imports `_common` and `_report`, never a command module.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from ticketcore._cli._common import _pyplot, _write_csv
from ticketcore._cli._report import _KIND, _TITLE, _label
from ticketcore.simulate import SimulationResult, Study


def _plot(path: str, results: Sequence[SimulationResult]) -> None:
    """Backlog over time, waits (the same bins for every strategy), time working per agent, SLA attainment."""
    plt = _pyplot()
    fig, ((backlog, waits), (loads, sla)) = plt.subplots(2, 2, figsize=(14, 9))
    minutes = {
        r.strategy: [t.wait / timedelta(minutes=1) for t in r.tickets or () if t.wait] for r in results
    }
    top = max((max(m) for m in minutes.values() if m), default=1.0)
    low = min((min(m) for m in minutes.values() if m), default=0.1)
    edges = [low * (top / low) ** (i / 50) for i in range(51)] if top > low else [0.0, top or 1.0]
    for r in results:
        label = _label(r.strategy)
        backlog.plot([q.at for q in r.queue], [q.unresolved for q in r.queue], label=label)
        waits.hist(minutes[r.strategy], bins=edges, histtype="step", label=label)
    backlog.set(title="Unresolved tickets, hourly", ylabel="tickets")
    backlog.tick_params(axis="x", labelrotation=30)
    waits.set(
        title="Wait for an agent (tickets that waited; the same bins for every strategy)",
        xlabel="minutes",
        ylabel="tickets",
        xscale="log" if top > low else "linear",
    )
    width = 0.8 / len(results)
    first = results[0]
    for i, r in enumerate(results):
        xs = [j + i * width for j in range(len(r.agents))]
        loads.bar(xs, [100 * a.utilisation for a in r.agents], width=width, label=_label(r.strategy))
    loads.set_xticks(
        [j + 0.4 - width / 2 for j in range(len(first.agents))],
        [a.agent_id for a in first.agents],
        rotation=45,
    )
    loads.set(title="Time working per agent", ylabel="% of the run", ylim=(0, 115))
    targets = sorted({(f.policy, f.target) for r in results for f in r.sla})
    for i, r in enumerate(results):
        rates = []
        for policy, target in targets:
            rows = [f for f in r.sla if (f.policy, f.target) == (policy, target)]
            ended = sum(f.achieved + f.late for f in rows)
            rates.append(100 * sum(f.achieved for f in rows) / ended if ended else 0.0)
        sla.bar([j + i * width for j in range(len(targets))], rates, width=width, label=_label(r.strategy))
    sla.set_xticks([j + 0.4 - width / 2 for j in range(len(targets))], [f"{p}\n{t}" for p, t in targets])
    sla.set(title="SLA attainment per target (cycles that ended)", ylabel="% met", ylim=(0, 115))
    for ax in (backlog, waits, loads, sla):
        ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_study(path: str, study: Study, figures: Sequence[str]) -> None:
    """Each figure against the swept value (bands: the confidence interval), or per strategy if no grid."""
    plt = _pyplot()
    fig, axes = plt.subplots(len(figures), 1, figsize=(9, 3.2 * len(figures)), squeeze=False)
    swept = study.params[0] if study.params else None
    for ax, name in zip((a[0] for a in axes), figures, strict=True):
        kind = _KIND.get(name, "number")
        scale = 100.0 if kind == "share" else 1 / 60 if kind == "duration" else 1.0
        unit = "%" if kind == "share" else "minutes" if kind == "duration" else ""
        for strategy in study.strategies:
            estimates = [study.estimate(name, strategy=strategy, point=i) for i in range(len(study.points))]
            mean = [float("nan") if e.mean is None else e.mean * scale for e in estimates]
            low = [m if e.low is None else e.low * scale for m, e in zip(mean, estimates, strict=True)]
            high = [m if e.high is None else e.high * scale for m, e in zip(mean, estimates, strict=True)]
            if swept is None:
                ax.bar(_label(strategy), mean[0], yerr=[[mean[0] - low[0]], [high[0] - mean[0]]], capsize=6)
                continue
            rest = [k for k in study.params if k != swept]
            groups: dict[tuple[Any, ...], list[int]] = {}
            for i, point in enumerate(study.points):
                groups.setdefault(tuple(point[k] for k in rest), []).append(i)
            for key, idx in groups.items():
                label = ", ".join([_label(strategy), *(f"{k}={v}" for k, v in zip(rest, key, strict=True))])
                xs = [study.points[i][swept] for i in idx]
                numeric = all(isinstance(x, int | float) for x in xs)
                xs_plot = xs if numeric else [str(x) for x in xs]
                (line,) = ax.plot(xs_plot, [mean[i] for i in idx], marker="o", label=label)
                band = ([low[i] for i in idx], [high[i] for i in idx])
                ax.fill_between(xs_plot, *band, alpha=0.2, color=line.get_color())
                if numeric:
                    ax.set_xticks(xs)
        ax.set(title=_TITLE.get(name, name), ylabel=unit, xlabel=swept or "strategy")
        if swept is not None:
            ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _study_outputs(args: argparse.Namespace, study: Study, figures: Sequence[str], *, folder: bool) -> None:
    """``--csv`` (a folder for simulate, a file for sweep) and ``--plot`` of a study."""
    if args.csv is not None:
        if folder:
            path = Path(args.csv)
            path.mkdir(parents=True, exist_ok=True)
            _write_csv(path / "runs.csv", study.to_records())
            _write_csv(path / "summary.csv", study.summary_records())
        else:
            _write_csv(Path(args.csv), study.to_records())
    if args.plot is not None:
        _plot_study(args.plot, study, figures)
