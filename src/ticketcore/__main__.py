"""``python -m ticketcore``: the command line.

``simulate`` runs a scenario (by default the built-in one: the team of the source
articles) through the real dispatcher, SLA clocks and backlog tracker, and prints a
report; ``--compare`` runs several strategies on the same tickets.

``check CONFIG`` lints a desk configuration (`ticketcore.desk.lint`): each finding names its
path, and the exit status is 1 when there are findings.

``test CASES...`` runs policy case files (`ticketcore.testing`): each failing case is
reported as a diff, and the exit status is 1 when a case fails (``--junit-xml`` also
writes JUnit XML for a CI system).

``demo`` prints real due dates from a real calendar (Munich office hours with
Bavarian public holidays), for tickets created at awkward moments. The instants are
fixed, so the output is the same on every machine and every day.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from ticketcore._errors import TicketcoreError
from ticketcore._util import load_instant
from ticketcore.desk import DeskConfig, lint
from ticketcore.simulate import (
    SCENARIO_LIMITS,
    Comparison,
    Scenario,
    SimulationResult,
    compare,
    default_scenario,
    simulate,
)
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


def _progress_bar(stream: Any) -> Callable[[float], None] | None:
    """A progress bar on an interactive terminal; None (quiet) otherwise."""
    if not stream.isatty():
        return None

    def show(share: float) -> None:
        filled = int(share * 30)
        stream.write(f"\r  simulating [{'#' * filled}{'.' * (30 - filled)}] {100 * share:3.0f}%")
        stream.flush()

    return show


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


def _plot(path: str, results: Sequence[SimulationResult]) -> None:
    try:
        import matplotlib as mpl  # noqa: PLC0415 - optional: the 'plot' extra

        mpl.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        raise _Refused("--plot needs matplotlib: pip install 'ticketcore[plot]'") from None
    fig, (backlog, waits, loads) = plt.subplots(3, 1, figsize=(9, 11))
    for r in results:
        label = r.strategy or "as configured"
        backlog.plot([q.at for q in r.queue], [q.unresolved for q in r.queue], label=label)
        minutes = [t.wait / timedelta(minutes=1) for t in r.tickets or () if t.wait is not None]
        waits.hist(minutes, bins=60, histtype="step", label=label)
    backlog.set(title="Unresolved tickets, hourly", ylabel="tickets")
    waits.set(title="Wait for an agent", xlabel="minutes", ylabel="tickets", yscale="log")
    width = 0.8 / len(results)
    for i, r in enumerate(results):
        xs = [j + i * width for j in range(len(r.agents))]
        loads.bar(xs, [a.mean_load for a in r.agents], width=width, label=r.strategy or "as configured")
    first = results[0]
    loads.set_xticks(
        [j + 0.4 - width / 2 for j in range(len(first.agents))], [a.agent_id for a in first.agents]
    )
    loads.set(title="Mean load per agent", ylabel="open tickets")
    top = max((a.mean_load for r in results for a in r.agents), default=0.0)
    loads.set_ylim(0, top * 1.3 or 1)  # room above the bars for the legend
    for ax in (backlog, waits):
        ax.legend()
    loads.legend(loc="upper center", ncols=len(results))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _simulate(args: argparse.Namespace, out: list[str]) -> None:
    scenario = _load_scenario(args.scenario)
    changes: dict[str, Any] = {}
    if args.days is not None:
        changes["days"] = args.days
    if args.seed is not None:
        changes["seed"] = args.seed
    if changes:
        scenario = scenario.replace(**changes)
    keep = args.plot is not None or args.csv is not None
    progress = _progress_bar(sys.stderr)
    runs: list[SimulationResult]
    if args.compare:
        names = [n.strip() for n in args.compare.split(",") if n.strip()]
        comparison: Comparison | None = compare(scenario, names, records=keep, progress=progress)
        assert comparison is not None
        runs = list(comparison.results)
    else:
        comparison = None
        runs = [simulate(scenario, args.strategy, records=keep, progress=progress)]
    if progress is not None:
        sys.stderr.write("\r" + " " * 60 + "\r")
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
        out.append(f"Scenario {scenario.name!r}: {len(runs)} strategies on the same tickets")
        out.append(comparison.text())
    else:
        out.append(runs[0].text())


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and still exit with status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0, 1 (findings, failed cases), or 2 for any bad input.

    Every error is one line on standard error, ``error: `` and what was wrong, naming the
    file, option or field (and the line and column of a TOML or JSON mistake).
    """
    parser = _Parser(prog="python -m ticketcore", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="print due dates from a real business calendar")
    sim = sub.add_parser(
        "simulate",
        help="simulate a support team (the built-in scenario by default) and print a report",
        description="Run a scenario through the real dispatcher, SLA clocks and backlog tracker.",
    )
    sim.add_argument("--scenario", metavar="FILE", help="a scenario in TOML or JSON (default: built in)")
    sim.add_argument("--days", type=float, help="how many days to simulate")
    sim.add_argument("--seed", type=int, help="the random seed (same seed, same run)")
    sim.add_argument("--strategy", help="a strategy variant of the scenario, or a built-in strategy name")
    sim.add_argument("--compare", metavar="A,B,C", help="run these strategies on the same tickets")
    sim.add_argument("--json", action="store_true", help="print machine-readable JSON instead of the report")
    sim.add_argument("--csv", metavar="DIR", help="write every table as CSV files into DIR")
    sim.add_argument("--plot", metavar="FILE.png", help="plot backlog, waits and load (needs matplotlib)")
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
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error (2), already printed
        return e.code if isinstance(e.code, int) else 2
    lines: list[str] = []
    status = 0
    try:
        if args.command == "demo":
            demo(lines)
        elif args.command == "check":
            status = _check(args, lines)
        elif args.command == "test":
            status = _test(args, lines)
        else:
            _simulate(args, lines)
    except (TicketcoreError, _Refused, OSError) as e:
        message = " ".join(str(e).split("\n"))
        sys.stderr.write(f"error: {message}\n")
        return 2
    sys.stdout.write("\n".join(lines) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
