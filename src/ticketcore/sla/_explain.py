"""The text of `SLAResult.explanation`: which policy applies and why, and per cycle its story.

One job: prose for a person, built from a result when asked for (never on the hot
path): the policy and calendar, each cycle's goal, start, pauses and due time, the
open hours counted and the holidays skipped on the way.

Imports: the calendar and policy values; the result is only read (a type, not imported
at run time, since `ticketcore.sla._results` imports this module).
"""

from __future__ import annotations

import itertools
from datetime import UTC
from typing import TYPE_CHECKING, Final

from ticketcore.sla._calendar import BusinessCalendar
from ticketcore.sla._policy import SLAPolicy

if TYPE_CHECKING:
    from ticketcore.sla._results import SLAResult

_UTC: Final = UTC


def _calendar_name(policy: SLAPolicy, calendar: BusinessCalendar | None) -> str:
    if calendar is None or calendar is policy.calendar:
        return policy.calendar_name
    return f"{policy.calendar_name}, in the requester's zone {calendar.timezone}"


def _explain(policy: SLAPolicy | None, cal: BusinessCalendar | None, result: SLAResult) -> str:
    lines = [f"Ticket {result.ticket_id}: {result.reason}."]
    if policy is None:
        return lines[0]
    if cal is None:
        lines.append(f"Calendar: {result.calendar} (every hour counts).")
    else:
        week = f"{cal.weekly_open_time} open in a regular week"
        lines.append(f"Calendar: {result.calendar} ({cal.timezone}, {week}).")
    for target in result.targets:
        for cycle in target.cycles:
            head = f"- {target.name} cycle {cycle.index + 1}: {cycle.state.value}"
            if cycle.goal is None:
                lines.append(f"{head}; no goal for this priority.")
                continue
            parts = [f"goal {cycle.goal}", f"started {cycle.start.isoformat()}", f"elapsed {cycle.elapsed}"]
            if cycle.due_set is not None:
                parts[0] += f" (due time set by hand to {cycle.due_set.isoformat()})"
            if cycle.carried:
                parts.append(f"{cycle.carried} of it carried from earlier cycles")
            if cycle.paused:
                spans = ", ".join(
                    f"{a.isoformat()} to {'now' if b is None else b.isoformat()}" for a, b in cycle.paused
                )
                parts.append(f"paused {spans}")
            if cycle.due_at is not None:
                parts.append(f"due {cycle.due_at.isoformat()}")
            if cycle.stop is not None:
                parts.append(f"stopped {cycle.stop.isoformat()}")
            lines.append(f"{head}; " + "; ".join(parts) + ".")
            if cal is not None:
                end = cycle.stop or result.at
                worked = list(itertools.islice(cal.open_intervals(cycle.start, end), 6))
                if worked:
                    shown = ", ".join(f"{a:%a %d %b %H:%M}-{b:%H:%M}" for a, b in worked[:5])
                    more = " ..." if len(worked) > 5 else ""
                    lines.append(f"  working time counted from: {shown}{more} (less any pauses).")
            if cal is not None and cycle.due_at is not None:
                stop = cycle.stop or cycle.due_at
                end = max(stop.astimezone(_UTC), cycle.due_at.astimezone(_UTC))
                skipped = cal.holidays_between(
                    cycle.start.astimezone(cal.zone).date(), end.astimezone(cal.zone).date()
                )
                if skipped:
                    lines.append(
                        "  closed on the way: " + ", ".join(f"{d.isoformat()} {n}" for d, n in skipped) + "."
                    )
    lines.extend(
        f"Suspicious pause at {t.isoformat()}: a pausing status soon after a customer message."
        for t in result.suspicious_pauses
    )
    return "\n".join(lines)
