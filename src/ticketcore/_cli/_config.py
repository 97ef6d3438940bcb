"""``scenario``, ``check``, ``test`` and ``demo``: the commands that print or check a configuration.

Imports `_common` only (and the library's public names).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from ticketcore._cli._common import _load_scenario, _read_text, _Refused
from ticketcore._errors import TicketcoreError
from ticketcore._util import load_instant
from ticketcore.desk import DeskConfig, lint
from ticketcore.sla import BusinessCalendar

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


def _print_scenario(args: argparse.Namespace, out: list[str]) -> None:
    """The built-in scenario (or ``--scenario FILE``) as TOML, the starting point for one's own."""
    scenario = _load_scenario(args.scenario)
    out.append(
        f"# The scenario {scenario.name!r} as TOML: save it, edit it, and run it with\n"
        "#   python -m ticketcore simulate --scenario FILE.toml\n"
        "# Every field is described in docs/simulate.md; examples/scenarios/ has commented ones."
    )
    out.append(scenario.to_toml().rstrip("\n"))
