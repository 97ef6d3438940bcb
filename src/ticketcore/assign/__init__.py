"""The assignment engine: direct rules, pools, capped round robin, backlog and tiers.

A `Dispatcher` takes events and returns decisions, each with its explanation; `choose`
makes the same choice as a pure function for hosts that keep their own state.

>>> from datetime import datetime, timezone
>>> from ticketcore import Ticket
>>> from ticketcore.assign import Agent, Dispatcher, Pool, Routing
>>> from ticketcore.events import TicketCreated
>>> d = Dispatcher(Routing(pools=[Pool(name="team", cap=2)], default_pool="team"),
...                [Agent(id="ana"), Agent(id="ben")])
>>> at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> [d.handle(TicketCreated(ticket=Ticket(id=f"T-{i}", created=at)))[0].agent_id for i in range(4)]
['ana', 'ben', 'ana', 'ben']
>>> left = d.handle(TicketCreated(ticket=Ticket(id="T-4", created=at)))[0]
>>> print(left.reason, "|", left.detail)
no_eligible_agent | nobody in pool 'team' could take it
"""

from ticketcore.assign._decisions import Assigned as Assigned
from ticketcore.assign._decisions import Decision as Decision
from ticketcore.assign._decisions import Escalated as Escalated
from ticketcore.assign._decisions import Explanation as Explanation
from ticketcore.assign._decisions import LeftUnassigned as LeftUnassigned
from ticketcore.assign._decisions import Queued as Queued
from ticketcore.assign._decisions import Reason as Reason
from ticketcore.assign._decisions import ReturnedToPool as ReturnedToPool
from ticketcore.assign._dispatcher import Dispatcher as Dispatcher
from ticketcore.assign._dispatcher import choose as choose
from ticketcore.assign._events import AgentAdded as AgentAdded
from ticketcore.assign._events import AgentChanged as AgentChanged
from ticketcore.assign._events import AgentRemoved as AgentRemoved
from ticketcore.assign._events import DispatcherEvent as DispatcherEvent
from ticketcore.assign._events import PoolChanged as PoolChanged
from ticketcore.assign._events import PresenceChanged as PresenceChanged
from ticketcore.assign._events import RoutingChanged as RoutingChanged
from ticketcore.assign._events import Tick as Tick
from ticketcore.assign._events import TicketEscalated as TicketEscalated
from ticketcore.assign._events import TicketTransferred as TicketTransferred
from ticketcore.assign._model import DEFAULT_COUNTED as DEFAULT_COUNTED
from ticketcore.assign._model import Agent as Agent
from ticketcore.assign._model import BacklogOrder as BacklogOrder
from ticketcore.assign._model import Pool as Pool
from ticketcore.assign._model import Presence as Presence
from ticketcore.assign._model import Routing as Routing
from ticketcore.assign._model import Rule as Rule
from ticketcore.assign._rotation import PoolRotation as PoolRotation
from ticketcore.assign._rotation import Rotation as Rotation
from ticketcore.assign._strategies import STRATEGY_NAMES as STRATEGY_NAMES
from ticketcore.assign._strategies import LeastLoaded as LeastLoaded
from ticketcore.assign._strategies import LongestIdle as LongestIdle
from ticketcore.assign._strategies import PoolView as PoolView
from ticketcore.assign._strategies import Selection as Selection
from ticketcore.assign._strategies import Sequential as Sequential
from ticketcore.assign._strategies import SpareCapacity as SpareCapacity
from ticketcore.assign._strategies import Strategy as Strategy
from ticketcore.assign._strategies import Weighted as Weighted
from ticketcore.assign._strategies import strategy_from_dict as strategy_from_dict

__all__ = [
    "DEFAULT_COUNTED",
    "STRATEGY_NAMES",
    "Agent",
    "AgentAdded",
    "AgentChanged",
    "AgentRemoved",
    "Assigned",
    "BacklogOrder",
    "Decision",
    "Dispatcher",
    "DispatcherEvent",
    "Escalated",
    "Explanation",
    "LeastLoaded",
    "LeftUnassigned",
    "LongestIdle",
    "Pool",
    "PoolChanged",
    "PoolRotation",
    "PoolView",
    "Presence",
    "PresenceChanged",
    "Queued",
    "Reason",
    "ReturnedToPool",
    "Rotation",
    "Routing",
    "RoutingChanged",
    "Rule",
    "Selection",
    "Sequential",
    "SpareCapacity",
    "Strategy",
    "Tick",
    "TicketEscalated",
    "TicketTransferred",
    "Weighted",
    "choose",
    "strategy_from_dict",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.assign", globals())
del fixup_module_metadata
