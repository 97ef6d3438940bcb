"""ticketcore: decides who gets a helpdesk ticket and when its service-level promise falls due.

A pure-domain, sans-I/O library: nothing in it reads a clock, a file, a network, a
database or a random source. The subpackages are

- `ticketcore.conditions`: the condition language SLA policies and assignment rules share;
- `ticketcore.events`: the ticket events every engine takes;
- `ticketcore.sla`: business calendars, SLA policies, clocks, alerts and escalation ladders;
- `ticketcore.assign`: the assignment engine (rules, pools, strategies, the dispatcher);
- `ticketcore.backlog`: backlog metrics (the backlog ratio, trends, breakdowns);
- `ticketcore.desk`: `Desk`, the one object a host embeds, with its configuration and state;
- `ticketcore.simulate`: scenarios run through the real engines, studies and staffing;
- `ticketcore.testing`: policy case files, their runner, strategies and the pytest plugin.

The root package exports the version, the error hierarchy and the shared values
(`Ticket`, `Priority`, `PriorityScale`, `Status`).
"""

from ticketcore._errors import HorizonExceeded as HorizonExceeded
from ticketcore._errors import InvalidInput as InvalidInput
from ticketcore._errors import InvalidTransition as InvalidTransition
from ticketcore._errors import OutOfOrder as OutOfOrder
from ticketcore._errors import TicketcoreError as TicketcoreError
from ticketcore._priority import Priority as Priority
from ticketcore._priority import PriorityScale as PriorityScale
from ticketcore._ticket import Status as Status
from ticketcore._ticket import Ticket as Ticket
from ticketcore._version import __version__ as __version__

__all__ = [
    "HorizonExceeded",
    "InvalidInput",
    "InvalidTransition",
    "OutOfOrder",
    "Priority",
    "PriorityScale",
    "Status",
    "Ticket",
    "TicketcoreError",
    "__version__",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore", globals())
del fixup_module_metadata
