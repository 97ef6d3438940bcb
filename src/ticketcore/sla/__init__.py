"""Service levels: business calendars (SLA policies, clocks and escalation ladders to come).

Everything here is a value or a pure function of its arguments: time comes in as
aware datetimes, and nothing reads a clock.
"""

from ticketcore.sla._calendar import BusinessCalendar as BusinessCalendar
from ticketcore.sla._config import WEEKDAYS as WEEKDAYS
from ticketcore.sla._config import Closure as Closure
from ticketcore.sla._config import DayInterval as DayInterval
from ticketcore.sla._config import HolidaySpec as HolidaySpec
from ticketcore.sla._config import Opening as Opening

__all__ = ["WEEKDAYS", "BusinessCalendar", "Closure", "DayInterval", "HolidaySpec", "Opening"]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.sla", globals())
del fixup_module_metadata
