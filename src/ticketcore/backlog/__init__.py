"""Backlog metrics: the backlog ratio, weekly trends and breakdowns.

The backlog ratio of a week is the number of unresolved tickets at its end divided by
the mean number solved per week over the weeks ending with it: the weeks it would take
to clear the backlog at the current pace. Reports come two ways with one answer: from
ticket records (`backlog_report`), from an event table with one row per event
(`backlog_report_from_events`), or event by event (`BacklogTracker`).
"""

from ticketcore.backlog._options import BacklogOptions as BacklogOptions
from ticketcore.backlog._records import TicketRecord as TicketRecord
from ticketcore.backlog._records import backlog_report as backlog_report
from ticketcore.backlog._report import BacklogReport as BacklogReport
from ticketcore.backlog._report import SLAWeek as SLAWeek
from ticketcore.backlog._report import Trend as Trend
from ticketcore.backlog._report import WeekFigures as WeekFigures
from ticketcore.backlog._table import EVENT_KINDS as EVENT_KINDS
from ticketcore.backlog._table import backlog_report_from_events as backlog_report_from_events
from ticketcore.backlog._tracker import BacklogTracker as BacklogTracker
from ticketcore.backlog._values import MISSING_GROUP as MISSING_GROUP

__all__ = [
    "EVENT_KINDS",
    "MISSING_GROUP",
    "BacklogOptions",
    "BacklogReport",
    "BacklogTracker",
    "SLAWeek",
    "TicketRecord",
    "Trend",
    "WeekFigures",
    "backlog_report",
    "backlog_report_from_events",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.backlog", globals())
del fixup_module_metadata
