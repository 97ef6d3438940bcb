"""python -m ticketcore: the command line.

commands:
  simulate   run a scenario (the built-in team by default) and print a report; --compare
             runs several strategies on the same tickets, --replications R gives each
             figure with its 95% confidence interval
  sweep      run a scenario over a grid of its fields (agents, caps, strategies, arrival
             rate ...) and print a tidy table, one row per point and strategy
  staff      find the smallest team that meets a service-level target
  scenario   print the built-in scenario as TOML, the starting point for one's own
  check      lint a desk configuration (exit status 1 when there are findings)
  test       run policy case files (exit status 1 when a case fails; --junit-xml for CI)
  demo       print real due dates from a real calendar (Munich office hours with
             Bavarian public holidays), the same on every machine and every day

Bad input exits with status 2 and one line naming the problem.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import sys
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, NoReturn

from ticketcore._errors import TicketcoreError
from ticketcore._time import _duration_text
from ticketcore._util import load_instant
from ticketcore._version import __version__
from ticketcore.desk import DeskConfig, lint
from ticketcore.simulate import (
    SCENARIO_LIMITS,
    Comparison,
    Estimate,
    InlineExecutor,
    Scenario,
    ServiceLevel,
    SimulationResult,
    Study,
    compare,
    default_scenario,
    replicate,
    simulate,
    staff,
    staff_blocks,
    sweep,
)
from ticketcore.simulate._results import _fmt as _fmt_duration
from ticketcore.sla import BusinessCalendar

__all__ = ["main"]

DEMO_CALENDAR = {
    "timezone": "Europe/Berlin",
    "hours": {day: ["09:00-12:30", "13:30-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": {"country": "DE", "subdiv": "BY", "dates": ["2026-12-24", "2026-12-31"]},
}

DEMO_TICKETS = (
    ("Friday evening email", "2026-03-27T19:45+01:00"),
    ("Chat just before the DST switch", "2026-03-27T17:30+01:00"),
    ("The day before Christmas Eve", "2026-12-23T16:00+01:00"),
    ("Call during lunch", "2026-06-03T12:45+02:00"),
)

TARGETS = (("first response", timedelta(hours=4)), ("resolution", timedelta(hours=40)))


def _fmt(dt: datetime) -> str:
    return dt.strftime("%a %Y-%m-%d %H:%M %Z")


def demo(out: list[str]) -> None:
    """Append the demo report's lines to ``out``."""
    cal = BusinessCalendar.from_dict(DEMO_CALENDAR)
    out.append("Calendar: Mon-Fri 09:00-12:30 and 13:30-18:00, Europe/Berlin, Bavarian holidays")
    out.append(f"Open {cal.weekly_open_time.total_seconds() / 3600:g} business hours in a regular week.")
    for title, created_text in DEMO_TICKETS:
        created = datetime.fromisoformat(created_text)
        out.append("")
        out.append(f"{title}: created {_fmt(created.astimezone(cal.zone))}")
        for name, target in TARGETS:
            due = cal.add(created, target)
            hours = target.total_seconds() / 3600
            out.append(f"  {name:<15} {hours:>4g} business hours -> due {_fmt(due)}")
        skipped = cal.holidays_between(created.date(), due.date())
        if skipped:
            names = ", ".join(f"{d:%d %b} {n}" for d, n in skipped)
            out.append(f"  closed on the way: {names}")


class _Refused(Exception):
    """Bad input to the command line: the message is printed on one line, the exit status is 2."""


def _read_text(path: str, what: str, limit: int) -> tuple[str, str]:
    """The UTF-8 text of the .toml or .json file at ``path`` and its kind; `_Refused` if bad."""
    file = Path(path)
    kind = file.suffix.lower()
    if kind not in (".toml", ".json"):
        raise _Refused(f"{what}: expected a .toml or .json file, got {path!r}")
    with file.open("rb") as f:  # read no more than the limit, whatever the file is
        data = f.read(limit + 1)
    if len(data) > limit:
        raise _Refused(f"{path}: expected a file of at most {limit:,} bytes, got a longer one")
    try:
        text = data.decode("utf-8-sig")  # a byte order mark, as some editors write, is fine
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        bad = f"the byte 0x{data[e.start]:02x} at line {line} (byte {e.start + 1})"
        raise _Refused(f"{path}: expected UTF-8 text, got {bad}") from None
    return text, kind


def _load_scenario(path: str | None) -> Scenario:
    """The scenario in the file at ``path`` (the built-in one for None); `_Refused` if bad."""
    if path is None:
        return default_scenario()
    text, kind = _read_text(path, "--scenario", SCENARIO_LIMITS["text_characters"])
    try:
        return Scenario.from_toml(text) if kind == ".toml" else Scenario.from_json(text)
    except TicketcoreError as e:
        raise _Refused(f"{path}: {e}") from None


def _check(args: argparse.Namespace, out: list[str]) -> int:
    """Lint a desk configuration; the exit status is 1 when there are findings."""
    text, kind = _read_text(args.config, "CONFIG", 16 * 1024 * 1024)
    try:
        config = DeskConfig.from_toml(text) if kind == ".toml" else DeskConfig.from_json(text)
        at = None if args.at is None else load_instant(args.at, "--at")
    except TicketcoreError as e:
        raise _Refused(f"{args.config}: {e}") from None
    findings = lint(config, at)
    out.extend(f"{args.config}: {finding}" for finding in findings)
    out.append(f"{len(findings)} finding{'' if len(findings) == 1 else 's'} in {args.config}")
    return 1 if findings else 0


def _case_paths(names: Sequence[str]) -> list[Path]:
    """The case files named: files as given, folders searched for ``*.policy.toml``."""
    out: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.rglob("*.policy.toml"))
            if not found:
                raise _Refused(f"{name}: expected case files (*.policy.toml) in the folder, found none")
            out += found
        elif not path.is_file():
            raise _Refused(f"{name}: expected a case file, but there is no such file")
        else:
            out.append(path)
    return out


def _test(args: argparse.Namespace, out: list[str]) -> int:
    """Run policy case files; the exit status is 1 when a case fails."""
    from ticketcore.testing import junit_xml, load_case_file, run_file  # noqa: PLC0415 - only for `test`

    files = [load_case_file(path) for path in _case_paths(args.cases)]  # all read before any runs
    results = [r for f in files for r in run_file(f)]
    for r in results:
        out.append(f"{'PASS' if r.passed else 'FAIL'} {r.location} {r.case}")
        out.extend(f"  lint: {finding}" for finding in r.findings)
        if not r.passed:
            out.extend("  " + line for line in r.report().splitlines())
    failed = sum(1 for r in results if not r.passed)
    out.append(
        f"{len(results) - failed} passed, {failed} failed, in {len(files)} case file{'s' * (len(files) != 1)}"
    )
    if args.junit_xml is not None:
        Path(args.junit_xml).write_text(junit_xml(results), encoding="utf-8")
    return 1 if failed else 0


def _clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for the progress bar."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _progress_bar(stream: Any, what: str = "simulating") -> Callable[[float], None] | None:
    """A progress bar with the time elapsed and left, on an interactive terminal; None (quiet) otherwise."""
    if not stream.isatty():
        return None
    started = time.monotonic()

    def show(share: float) -> None:
        elapsed = time.monotonic() - started
        left = f"{_clock(elapsed * (1 - share) / share)} left" if share > 0 else "? left"
        filled = int(share * 30)
        stream.write(
            f"\r  {what} [{'#' * filled}{'.' * (30 - filled)}] {100 * share:3.0f}%  "
            f"{_clock(elapsed)} elapsed, {left}   "
        )
        stream.flush()

    return show


def _end_progress(progress: Callable[[float], None] | None) -> None:
    if progress is not None:
        sys.stderr.write("\r" + " " * 79 + "\r")


# -- checks made before a run ---------------------------------------------------------


def _writable_folder(path: Path, what: str) -> None:
    """``path`` is (or can be made) a folder this process may write in; `_Refused` otherwise."""
    if path.exists():
        if not path.is_dir():
            raise _Refused(f"{what} {path}: expected a folder, but it is a file")
        if not os.access(path, os.W_OK | os.X_OK):
            raise _Refused(f"{what} {path}: the folder is not writable")
        return
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise _Refused(f"{what} {path}: cannot create the folder in {parent} (not a writable folder)")


def _writable_file(path: Path, what: str) -> None:
    """``path`` is a file this process may create or overwrite; `_Refused` otherwise."""
    if path.is_dir():
        raise _Refused(f"{what} {path}: expected a file name, but it is a folder")
    parent = path.parent
    if not parent.is_dir():
        raise _Refused(f"{what} {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _Refused(f"{what} {path}: not writable")


def _pyplot() -> Any:
    """Matplotlib's pyplot on the Agg backend (no window); `_Refused` when matplotlib is missing."""
    try:
        import matplotlib as mpl  # noqa: PLC0415 - optional: the 'plot' extra

        mpl.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        raise _Refused("--plot needs matplotlib: pip install 'ticketcore[plot]'") from None
    return plt


def _check_plot(path: str | None) -> None:
    """``--plot FILE``: matplotlib installed, a known image format, a writable file."""
    if path is None:
        return
    plt = _pyplot()
    target = Path(path)
    _writable_file(target, "--plot")
    kinds = plt.figure().canvas.get_supported_filetypes()
    plt.close("all")
    kind = target.suffix.lower().lstrip(".")
    if kind not in kinds:
        raise _Refused(f"--plot {path}: expected a file ending in one of .{', .'.join(sorted(kinds))}")


def _check_workers(workers: int | None) -> None:
    if workers is not None and not 1 <= workers <= 1024:
        raise _Refused(f"--workers: expected a number of worker processes from 1 to 1,024, got {workers}")


@contextlib.contextmanager
def _executor(workers: int | None) -> Iterator[Executor | None]:
    """``--workers N``: N processes (1: this process), shut down after; None: the library's default."""
    if workers is None:
        yield None
        return
    pool: Executor = InlineExecutor() if workers == 1 else ProcessPoolExecutor(max_workers=workers)
    with pool:
        yield pool


# -- output ----------------------------------------------------------------------------


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)


def _tables(result: SimulationResult, *, tickets: bool) -> dict[str, list[dict[str, Any]]]:
    tables = result.tables()
    if not tickets:
        del tables["tickets"]
    return tables


def _label(strategy: str | None) -> str:
    return strategy or "as configured"


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
    lines += _text_table(head, rows)
    if len(strategies) > 1:
        lines.append(
            "  differences are paired: replication r of every strategy sees the same tickets "
            "(common random numbers)"
        )
    return lines


def _text_table(header: list[str], rows: list[list[str]]) -> list[str]:
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return [
        "  "
        + "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in table
    ]


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
    return lines + _text_table(head, rows)


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


# -- the commands ----------------------------------------------------------------------


def _scenario_with(args: argparse.Namespace, path: str | None) -> Scenario:
    """The scenario at ``path`` (built in for None) with ``--days`` and ``--seed`` applied."""
    scenario = _load_scenario(path)
    changes: dict[str, Any] = {}
    if args.days is not None:
        changes["days"] = args.days
    if args.seed is not None:
        changes["seed"] = args.seed
    return scenario.replace(**changes) if changes else scenario


def _strategy_list(args: argparse.Namespace, scenario: Scenario) -> list[str | None] | None:
    """``--strategy`` or ``--compare`` (never both), every name checked; None for the scenario's own."""
    if args.compare is not None and args.strategy is not None:
        raise _Refused(
            "--strategy and --compare: give one (--compare A,B runs each strategy named, --strategy runs one)"
        )
    if args.compare is not None:
        names: list[str | None] = [n.strip() for n in args.compare.split(",") if n.strip()]
        if not names:
            raise _Refused("--compare: expected strategy names separated by commas, got none")
        if len(set(names)) != len(names):
            raise _Refused(f"--compare: expected each strategy once, got {args.compare!r}")
    elif args.strategy is not None:
        names = [args.strategy]
    else:
        return None
    for name in names:
        scenario.routing_for(name)  # an unknown name: refused now, before any run
    return names


def _simulate(args: argparse.Namespace, out: list[str]) -> None:
    scenario = _scenario_with(args, args.scenario)
    names = _strategy_list(args, scenario)
    if args.replications is not None and not 1 <= args.replications <= 10_000:
        raise _Refused(f"--replications: expected a number from 1 to 10,000, got {args.replications}")
    _check_workers(args.workers)
    if args.workers is not None and args.replications is None:
        raise _Refused("--workers: runs replications in parallel; give --replications R as well")
    if args.csv is not None:
        _writable_folder(Path(args.csv), "--csv")
    _check_plot(args.plot)
    progress = None if args.json else _progress_bar(sys.stderr)
    if args.replications is not None:
        _replicated(args, scenario, names, progress, out)
        return
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
    progress: Callable[[float], None] | None,
    out: list[str],
) -> None:
    """``simulate --replications R``: each figure's mean and confidence interval; paired differences."""
    try:
        with _executor(args.workers) as pool:
            study = replicate(
                scenario,
                names,
                replications=args.replications,
                executor=pool,
                progress=progress,
            )
    finally:
        _end_progress(progress)
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


def _estimate_record(e: Estimate) -> dict[str, Any]:
    return {"mean": e.mean, "low": e.low, "high": e.high, "n": e.n}


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
    if not 1 <= args.replications <= 10_000:
        raise _Refused(f"--replications: expected a number from 1 to 10,000, got {args.replications}")
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
    progress = None if args.json else _progress_bar(sys.stderr, "sweeping")
    try:
        with _executor(args.workers) as pool:
            study = sweep(
                scenario,
                grid,
                strategies=names,
                replications=args.replications,
                executor=pool,
                progress=progress,
            )
    finally:
        _end_progress(progress)
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
    return ServiceLevel(m["metric"], within, share)


def _per_block(items: Sequence[str]) -> int | list[str]:
    """``--per-block 4h`` (a block length) or ``--per-block "mon-fri 08-12"`` (repeated): the blocks."""
    if len(items) == 1 and (m := re.fullmatch(r"\s*(\d+)\s*h?\s*", items[0])) is not None:
        return int(m[1])
    return list(items)


def _staff(args: argparse.Namespace, out: list[str]) -> None:
    scenario = _scenario_with(args, args.scenario)
    target = _target(args.target)
    names = _strategy_list(argparse.Namespace(strategy=args.strategy, compare=None), scenario)
    _check_workers(args.workers)
    if args.per_block:
        _staff_blocks(args, scenario, target, names, out)
        return
    progress = None if args.json else _progress_bar(sys.stderr, "staffing")
    try:
        with _executor(args.workers) as pool:
            answer = staff(
                scenario,
                target,
                strategy=None if names is None else names[0],
                replications=args.replications,
                low=args.low,
                high=args.high,
                executor=pool,
                progress=progress,
            )
    finally:
        _end_progress(progress)
    if args.json:
        data = {
            "target": {
                "metric": target.metric,
                "within_s": target.within.total_seconds(),
                "share": target.share,
            },
            "agents": answer.agents,
            "erlang_c": answer.erlang_c,
            "tried": [{"agents": n, **_estimate_record(e)} for n, e in answer.tried],
        }
        out.append(json.dumps(data, indent=1, allow_nan=False))
        return
    goal = (
        f"{100 * target.share:g}% of {target.metric.replace('_', ' ')}s within {_fmt_duration(target.within)}"
    )
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
    out += _text_table(
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
    progress = None if args.json else _progress_bar(sys.stderr, "staffing")
    try:
        with _executor(args.workers) as pool:
            answer = staff_blocks(
                scenario,
                target,
                _per_block(args.per_block),
                strategy=None if names is None else names[0],
                replications=args.replications,
                low=args.low,
                high=args.high,
                executor=pool,
                progress=progress,
            )
    finally:
        _end_progress(progress)
    if args.json:
        data = {
            "target": {
                "metric": target.metric,
                "within_s": target.within.total_seconds(),
                "share": target.share,
            },
            "blocks": [
                {**row, "tried": [{"agents": n, **_estimate_record(e)} for n, e in b.tried]}
                for row, b in zip(answer.to_records(), answer.blocks, strict=True)
            ],
        }
        out.append(json.dumps(data, indent=1, allow_nan=False))
        return
    goal = (
        f"{100 * target.share:g}% of {target.metric.replace('_', ' ')}s within {_fmt_duration(target.within)}"
    )
    out.append(
        f"Scenario {scenario.name!r}: the smallest team per block for {goal}, "
        f"with {100 * answer.level:g}% confidence ({args.replications} replications, the same seeds)"
    )
    out += _text_table(
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


def _print_scenario(args: argparse.Namespace, out: list[str]) -> None:
    """The built-in scenario (or ``--scenario FILE``) as TOML, the starting point for one's own."""
    scenario = _load_scenario(args.scenario)
    out.append(
        f"# The scenario {scenario.name!r} as TOML: save it, edit it, and run it with\n"
        "#   python -m ticketcore simulate --scenario FILE.toml\n"
        "# Every field is described in docs/simulate.md; examples/scenarios/ has commented ones."
    )
    out.append(scenario.to_toml().rstrip("\n"))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and still exit with status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


_PLAIN: Final = argparse.RawDescriptionHelpFormatter

_SIMULATE_HELP: Final = """\
Run a scenario through the real dispatcher, SLA clocks and backlog tracker, and print a report.

examples:
  python -m ticketcore simulate                          the built-in team, four weeks
  python -m ticketcore simulate --days 7 --compare sequential,least_loaded,least_loaded_cap_8
  python -m ticketcore simulate --scenario team.toml --replications 10
  python -m ticketcore simulate --csv out/ --plot run.png

Strategies are called by the library's names (sequential, least_loaded, longest_idle ...)
or by a variant the scenario defines. --strategy runs one, --compare several on the same
tickets; giving both is an error. With --replications R each figure is the mean over R
seeds with its 95% confidence interval, and --compare adds the paired difference of each
strategy against the first. Everything (the scenario, the strategies, the output paths,
matplotlib for --plot) is checked before the first run; bad input exits with status 2.
"""

_SWEEP_HELP: Final = """\
Run a scenario at every point of a grid over its fields and print one row per point and
strategy: each figure's mean with its 95% confidence interval over the replications.

examples:
  python -m ticketcore sweep --grid agents=8,10,12 --grid cap=3,8 --replications 5 --days 7
  python -m ticketcore sweep team.toml --grid arrivals.per_day=500,1000 --compare sequential,least_loaded
  python -m ticketcore sweep --grid concurrency.chat=1,2,3 --csv runs.csv --plot sweep.png

A grid key is a dotted path into the scenario's dict form (arrivals.per_day,
routing.pools[0].cap, customers.reply_probability), or agents (that many agents like the
scenario's), cap (every pool's cap) or strategy (the variant each point runs). Values are
read as TOML (8, 0.5, true, "text"); anything else is text. --csv writes the tidy table,
one row per point, strategy and replication. Replication r of every point and strategy
runs on the same seed (common random numbers).
"""

_STAFF_HELP: Final = """\
Find the smallest number of agents whose service level meets a target with 95% confidence,
by replicated runs (the same seeds for every team size), beside the Erlang C answer.

example:
  python -m ticketcore staff --target "first_response<=1h@80%" --days 7 --replications 5

The target is METRIC<=DURATION@SHARE%, with METRIC wait (to an agent), first_response or
resolution, in elapsed time from the ticket's creation. The scenario's agents must differ
only by their ids.

--per-block finds the count per block of the week instead (blocks in local time: a length
in hours dividing a day, or days and hours such as "mon-fri 08-12", repeated); agent i works
the blocks that need at least i agents, and the blocks are settled in week order:

  python -m ticketcore staff --target "wait<=10m@80%" --days 14 --per-block "mon-fri 08-12" \\
      --per-block "mon-fri 12-18"
"""


def _add_run_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--days", type=float, help="how many days to simulate")
    command.add_argument("--seed", type=int, help="the random seed (same seed, same run)")
    command.add_argument(
        "--json", action="store_true", help="print machine-readable JSON instead of the report"
    )
    command.add_argument(
        "--workers", type=int, metavar="N", help="run in N processes (1: in this one; default: every core)"
    )


def _parser() -> _Parser:
    parser = _Parser(prog="python -m ticketcore", description=__doc__, formatter_class=_PLAIN)
    parser.add_argument("--version", action="version", version=f"ticketcore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="print due dates from a real business calendar")
    sim = sub.add_parser(
        "simulate",
        help="simulate a support team (the built-in scenario by default) and print a report",
        description=_SIMULATE_HELP,
        formatter_class=_PLAIN,
    )
    sim.add_argument("--scenario", metavar="FILE", help="a scenario in TOML or JSON (default: built in)")
    sim.add_argument("--strategy", help="a strategy variant of the scenario, or a built-in strategy name")
    sim.add_argument("--compare", metavar="A,B,C", help="run these strategies on the same tickets")
    sim.add_argument(
        "--replications", type=int, metavar="R", help="run R seeds; each figure with its 95%% CI"
    )
    sim.add_argument("--csv", metavar="DIR", help="write every table as CSV files into DIR")
    sim.add_argument(
        "--plot", metavar="FILE.png", help="plot backlog, waits, time working and SLA (matplotlib)"
    )
    _add_run_options(sim)
    swp = sub.add_parser(
        "sweep",
        help="run a scenario over a grid of its fields, with replications (a tidy table)",
        description=_SWEEP_HELP,
        formatter_class=_PLAIN,
    )
    swp.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", help="a .toml or .json scenario (default: built in)"
    )
    swp.add_argument(
        "--grid", metavar="KEY=V1,V2", action="append", required=True, help="a field and its values (repeat)"
    )
    swp.add_argument("--strategy", help="the strategy every point runs")
    swp.add_argument("--compare", metavar="A,B,C", help="run each of these strategies at every point")
    swp.add_argument("--replications", type=int, default=1, metavar="R", help="runs per point (default 1)")
    swp.add_argument(
        "--figure", action="append", metavar="NAME", help="a figure to show, such as wait_mean_s (repeat)"
    )
    swp.add_argument("--csv", metavar="FILE", help="write the tidy table (one row per run) as CSV")
    swp.add_argument("--plot", metavar="FILE.png", help="each figure against the first grid key, with bands")
    _add_run_options(swp)
    stf = sub.add_parser(
        "staff",
        help="the smallest team that meets a service-level target, by replicated runs",
        description=_STAFF_HELP,
        formatter_class=_PLAIN,
    )
    stf.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", help="a .toml or .json scenario (default: built in)"
    )
    stf.add_argument("--target", required=True, metavar="GOAL", help="such as first_response<=1h@80%%")
    stf.add_argument("--strategy", help="the strategy to staff for")
    stf.add_argument(
        "--replications", type=int, default=10, metavar="R", help="runs per team size (default 10)"
    )
    stf.add_argument("--low", type=int, default=1, help="the fewest agents to try (default 1)")
    stf.add_argument("--high", type=int, default=200, help="the most agents to try (default 200)")
    stf.add_argument(
        "--per-block",
        action="append",
        metavar="BLOCK",
        help='staff each block of the week: a length such as 4h, or blocks such as "mon-fri 08-12" (repeat)',
    )
    _add_run_options(stf)
    scn = sub.add_parser(
        "scenario",
        help="print the built-in scenario as TOML, the starting point for one's own",
        description="Print a scenario (the built-in one, or --scenario FILE) as TOML that reads back "
        "to an equal scenario.",
    )
    scn.add_argument(
        "--scenario", metavar="FILE", help="a scenario in TOML or JSON to print (default: built in)"
    )
    check = sub.add_parser(
        "check",
        help="lint a desk configuration (exit status 1 when there are findings)",
        description="Find what in a desk configuration can never work: rules shadowed by earlier rules, "
        "pools nobody can serve or reach, goals a calendar cannot reach, tickets no policy covers.",
    )
    check.add_argument("config", metavar="CONFIG", help="the configuration, a .toml or .json file")
    check.add_argument(
        "--at",
        metavar="INSTANT",
        help="an ISO 8601 instant with offset, for the checks that depend on the date",
    )
    test = sub.add_parser(
        "test",
        help="run policy case files (exit status 1 when a case fails)",
        description="Run routing and SLA policy cases (*.policy.toml) on a real desk; see docs/testing.md.",
    )
    test.add_argument(
        "cases", metavar="CASES", nargs="+", help="case files, or folders to search for *.policy.toml"
    )
    test.add_argument("--junit-xml", metavar="PATH", help="also write the results as JUnit XML to PATH")
    return parser


_COMMANDS: Final[dict[str, Callable[[argparse.Namespace, list[str]], int | None]]] = {
    "demo": lambda args, out: demo(out),
    "check": _check,
    "test": _test,
    "simulate": _simulate,
    "sweep": _sweep,
    "staff": _staff,
    "scenario": _print_scenario,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0, 1 (findings, failed cases), or 2 for any bad input.

    Every error is one line on standard error, ``error: `` and what was wrong, naming the
    file, option or field (and the line and column of a TOML or JSON mistake).
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # --help, --version (0) or a usage error (2), already printed
        return e.code if isinstance(e.code, int) else 2
    lines: list[str] = []
    try:
        status = _COMMANDS[args.command](args, lines) or 0
    except (TicketcoreError, _Refused, OSError) as e:
        message = " ".join(str(e).split("\n"))
        sys.stderr.write(f"error: {message}\n")
        return 2
    sys.stdout.write("\n".join(lines) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
