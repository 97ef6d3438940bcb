"""``python -m ticketcore``: the command line.

``demo`` prints real due dates from a real calendar (Munich office hours with
Bavarian public holidays), for tickets created at awkward moments. The instants are
fixed, so the output is the same on every machine and every day.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m ticketcore", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="print due dates from a real business calendar")
    args = parser.parse_args(argv)
    lines: list[str] = []
    if args.command == "demo":
        demo(lines)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
