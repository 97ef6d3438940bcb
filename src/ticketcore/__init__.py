"""ticketcore: decides who gets a helpdesk ticket and when its service-level promise falls due.

A pure-domain, sans-I/O library: nothing in it reads a clock, a file, a network, a
database or a random source. The subpackages are

- `ticketcore.sla`: business calendars (and, later, SLA policies and clocks);
- `ticketcore.assign`: the assignment engine;
- `ticketcore.backlog`: backlog metrics.

The root package exports the version, the error hierarchy and the shared values
(`Ticket`, `Priority`, `PriorityScale`, `Status`); `ticketcore.conditions` holds the condition
language that SLA policies and assignment rules share.
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
