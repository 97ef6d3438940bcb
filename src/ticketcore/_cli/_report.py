"""The command line's report formatting: figures as text, tables, and JSON records of estimates.

Its one job: turn results and studies into the lines the commands print. No I/O; imports only
the library's public names (and the simulator's duration format).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Final

from ticketcore._text import text_table
from ticketcore._time import _human_duration as _fmt_duration
from ticketcore.simulate import Estimate, Scenario, SimulationResult, Study


def _tables(result: SimulationResult, *, tickets: bool) -> dict[str, list[dict[str, Any]]]:
    tables = result.tables()
    if not tickets:
        del tables["tickets"]
    return tables


def _label(strategy: str | None) -> str:
    return strategy or "as configured"


#: The figures a replicated report and a sweep show, with how each reads.
_FIGURES: Final = (
    ("created", "tickets created", "count"),
    ("wait_mean_s", "mean wait", "duration"),
    ("wait_p90_s", "p90 wait", "duration"),
    ("waited_share", "waited", "share"),
    ("first_response_mean_s", "mean first response", "duration"),
    ("first_response_p90_s", "p90 first response", "duration"),
    ("resolution_p50_s", "median resolution", "duration"),
    ("sla_met", "SLA met", "share"),
    ("backlog_ratio_last_week", "backlog ratio, last week", "number"),
    ("queue_mean", "queue, mean", "number"),
    ("utilisation_mean", "time working, mean", "share"),
    ("fairness", "fairness", "number"),
)
_SWEEP_FIGURES: Final = ("wait_mean_s", "first_response_p90_s", "sla_met", "utilisation_mean")
_KIND: Final = {name: kind for name, _, kind in _FIGURES}
_TITLE: Final = {name: title for name, title, _ in _FIGURES}


def _show(value: float | None, kind: str) -> str:
    """One figure as the report reads it (durations as ``1 h 5 min``, shares as percentages)."""
    if value is None:
        return "-"
    if kind == "duration":
        return _fmt_duration(timedelta(seconds=abs(value)))
    if kind == "share":
        return f"{100 * abs(value):.1f}%"
    if kind == "count":
        return f"{abs(value):,.0f}" if abs(value) >= 100 else f"{abs(value):.3g}"
    return f"{abs(value):.3g}"


def _with_interval(e: Estimate, kind: str, *, signed: bool = False) -> str:
    """``12 min 3 s ± 40 s``: a mean and its confidence interval's half-width (``signed``: ``+`` or ``-``)."""
    if e.mean is None:
        return "-"
    sign = "-" if e.mean < 0 else "+" if signed and e.mean > 0 else ""
    text = sign + (f"{100 * abs(e.mean):.1f} pt" if signed and kind == "share" else _show(e.mean, kind))
    if e.half_width is None:
        return text
    width = f"{100 * e.half_width:.1f} pt" if kind == "share" else _show(e.half_width, kind)
    return f"{text} ± {width}"


def _study_text(study: Study, scenario: Scenario) -> list[str]:
    """The replicated report: each figure's mean and interval per strategy, and paired differences."""
    strategies = study.strategies
    level = f"{100 * study.level:g}%"
    plural = "s" if len(strategies) != 1 else ""
    lines = [
        f"Scenario {scenario.name!r}: {study.replications} replications of {len(strategies)} "
        f"strateg{'ies' if plural else 'y'}, seeds from {scenario.seed} (mean ± the half-width "
        f"of the {level} confidence interval)"
    ]
    head = ["", *(_label(s) for s in strategies)]
    head += [f"{_label(s)} - {_label(strategies[0])}" for s in strategies[1:]]
    rows = []
    for name, title, kind in _FIGURES:
        if name not in study.figures:
            continue
        row = [title] + [_with_interval(study.estimate(name, strategy=s), kind) for s in strategies]
        row += [
            _with_interval(study.difference(name, strategies[0], s), kind, signed=True)
            for s in strategies[1:]
        ]
        rows.append(row)
    lines += text_table(head, rows)
    if len(strategies) > 1:
        lines.append(
            "  differences are paired: replication r of every strategy sees the same tickets "
            "(common random numbers)"
        )
    return lines


def _sweep_text(study: Study, scenario: Scenario, figures: Sequence[str]) -> list[str]:
    """One row per point and strategy: the grid's values and each figure's mean ± half-width."""
    points = len(study.points)
    lines = [
        f"Scenario {scenario.name!r}: {points} point{'s' * (points != 1)} x {len(study.strategies)} "
        f"strateg{'ies' if len(study.strategies) != 1 else 'y'} x {study.replications} "
        f"replication{'s' * (study.replications != 1)} (mean ± the half-width of the "
        f"{100 * study.level:g}% confidence interval)"
    ]
    head = [*study.params, "strategy", *(_TITLE.get(f, f) for f in figures)]
    rows = []
    for i, point in enumerate(study.points):
        for strategy in study.strategies:
            row = [str(point[k]) for k in study.params] + [_label(strategy)]
            row += [
                _with_interval(study.estimate(name, strategy=strategy, point=i), _KIND.get(name, "number"))
                for name in figures
            ]
            rows.append(row)
    return lines + text_table(head, rows)


def _estimate_record(e: Estimate) -> dict[str, Any]:
    return {"mean": e.mean, "low": e.low, "high": e.high, "n": e.n}
