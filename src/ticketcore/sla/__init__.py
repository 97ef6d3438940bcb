"""Service levels: business calendars, SLA policies, clocks, alerts and escalation ladders.

Everything here is a value or a pure function of its arguments: time comes in as
aware datetimes, and nothing reads a clock.
"""

from ticketcore.sla._alerts import Alert as Alert
from ticketcore.sla._calendar import BusinessCalendar as BusinessCalendar
from ticketcore.sla._calendar_parts import WEEKDAYS as WEEKDAYS
from ticketcore.sla._calendar_parts import Closure as Closure
from ticketcore.sla._calendar_parts import DayInterval as DayInterval
from ticketcore.sla._calendar_parts import HolidaySpec as HolidaySpec
from ticketcore.sla._calendar_parts import Opening as Opening
from ticketcore.sla._clock import SLAClock as SLAClock
from ticketcore.sla._ladder import Action as Action
from ticketcore.sla._ladder import Level as Level
from ticketcore.sla._ladder import MoveTier as MoveTier
from ticketcore.sla._ladder import Notify as Notify
from ticketcore.sla._ladder import RaisePriority as RaisePriority
from ticketcore.sla._ladder import Reassign as Reassign
from ticketcore.sla._policy import SLAPolicies as SLAPolicies
from ticketcore.sla._policy import SLAPolicy as SLAPolicy
from ticketcore.sla._reading import evaluate as evaluate
from ticketcore.sla._results import Attainment as Attainment
from ticketcore.sla._results import CycleResult as CycleResult
from ticketcore.sla._results import SLAResult as SLAResult
from ticketcore.sla._results import SLASummary as SLASummary
from ticketcore.sla._results import TargetResult as TargetResult
from ticketcore.sla._results import TargetState as TargetState
from ticketcore.sla._results import TargetSummary as TargetSummary
from ticketcore.sla._results import attainment as attainment
from ticketcore.sla._state import ClockCheckpoint as ClockCheckpoint
from ticketcore.sla._target import Metric as Metric
from ticketcore.sla._target import Target as Target

__all__ = [
    "WEEKDAYS",
    "Action",
    "Alert",
    "Attainment",
    "BusinessCalendar",
    "ClockCheckpoint",
    "Closure",
    "CycleResult",
    "DayInterval",
    "HolidaySpec",
    "Level",
    "Metric",
    "MoveTier",
    "Notify",
    "Opening",
    "RaisePriority",
    "Reassign",
    "SLAClock",
    "SLAPolicies",
    "SLAPolicy",
    "SLAResult",
    "SLASummary",
    "Target",
    "TargetResult",
    "TargetState",
    "TargetSummary",
    "attainment",
    "evaluate",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.sla", globals())
del fixup_module_metadata
