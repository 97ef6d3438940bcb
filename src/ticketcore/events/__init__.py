"""Ticket events, shared by SLA clocks, the dispatcher and the backlog tracker."""

from ticketcore.events._events import AgentReply as AgentReply
from ticketcore.events._events import CustomerMessage as CustomerMessage
from ticketcore.events._events import DueDateSet as DueDateSet
from ticketcore.events._events import StatusChanged as StatusChanged
from ticketcore.events._events import TicketCreated as TicketCreated
from ticketcore.events._events import TicketEvent as TicketEvent
from ticketcore.events._events import TicketUpdated as TicketUpdated

__all__ = [
    "AgentReply",
    "CustomerMessage",
    "DueDateSet",
    "StatusChanged",
    "TicketCreated",
    "TicketEvent",
    "TicketUpdated",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.events", globals())
del fixup_module_metadata
