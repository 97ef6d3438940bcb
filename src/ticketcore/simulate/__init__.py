"""Simulation: run a scenario through the real dispatcher, SLA clocks and backlog tracker.

A `Scenario` (arrivals, agents, handling times, customers, and the policies under test)
runs with `simulate`, or several strategy variants of it side by side with `compare`,
on the same tickets. `erlang_c` gives the textbook M/M/c figures to check a run against.

>>> from ticketcore.simulate import Scenario, simulate
>>> scenario = Scenario.from_dict({
...     "days": 7, "seed": 3,
...     "arrivals": {"per_day": 200, "channels": {"chat": 0.8, "email": 0.2}},
...     "agents": {"count": 3},
...     "handling": {"*": {"solve": {"exponential": "30m"}, "first_response": {"exponential": "2m"}}},
...     "routing": {"pools": [{"name": "support", "cap": 2, "backlog": True}], "default_pool": "support"},
... })
>>> result = simulate(scenario, "least_loaded")
>>> result.created == sum(w.created for w in result.backlog.series())
True
"""

from ticketcore.simulate._block_staffing import Block as Block
from ticketcore.simulate._block_staffing import BlockStaffing as BlockStaffing
from ticketcore.simulate._block_staffing import staff_blocks as staff_blocks
from ticketcore.simulate._defaults import default_scenario as default_scenario
from ticketcore.simulate._distributions import Distribution as Distribution
from ticketcore.simulate._distributions import Empirical as Empirical
from ticketcore.simulate._distributions import Exponential as Exponential
from ticketcore.simulate._distributions import Fixed as Fixed
from ticketcore.simulate._distributions import LogNormal as LogNormal
from ticketcore.simulate._distributions import distribution_from_dict as distribution_from_dict
from ticketcore.simulate._engine import compare as compare
from ticketcore.simulate._engine import simulate as simulate
from ticketcore.simulate._limits import SCENARIO_LIMITS as SCENARIO_LIMITS
from ticketcore.simulate._parts import Arrivals as Arrivals
from ticketcore.simulate._parts import Customers as Customers
from ticketcore.simulate._parts import Handling as Handling
from ticketcore.simulate._results import AgentFigures as AgentFigures
from ticketcore.simulate._results import Comparison as Comparison
from ticketcore.simulate._results import QueueSample as QueueSample
from ticketcore.simulate._results import SimulationResult as SimulationResult
from ticketcore.simulate._results import SLAFigures as SLAFigures
from ticketcore.simulate._results import Summary as Summary
from ticketcore.simulate._results import TicketOutcome as TicketOutcome
from ticketcore.simulate._runs import InlineExecutor as InlineExecutor
from ticketcore.simulate._runs import seed_for as seed_for
from ticketcore.simulate._scenario import Scenario as Scenario
from ticketcore.simulate._service_level import ServiceLevel as ServiceLevel
from ticketcore.simulate._staffing import Staffing as Staffing
from ticketcore.simulate._staffing import staff as staff
from ticketcore.simulate._stats import Estimate as Estimate
from ticketcore.simulate._stats import estimate as estimate
from ticketcore.simulate._stats import paired as paired
from ticketcore.simulate._study import Study as Study
from ticketcore.simulate._study import replicate as replicate
from ticketcore.simulate._study import sweep as sweep
from ticketcore.simulate._theory import ErlangC as ErlangC
from ticketcore.simulate._theory import erlang_c as erlang_c

__all__ = [
    "SCENARIO_LIMITS",
    "AgentFigures",
    "Arrivals",
    "Block",
    "BlockStaffing",
    "Comparison",
    "Customers",
    "Distribution",
    "Empirical",
    "ErlangC",
    "Estimate",
    "Exponential",
    "Fixed",
    "Handling",
    "InlineExecutor",
    "LogNormal",
    "QueueSample",
    "SLAFigures",
    "Scenario",
    "ServiceLevel",
    "SimulationResult",
    "Staffing",
    "Study",
    "Summary",
    "TicketOutcome",
    "compare",
    "default_scenario",
    "distribution_from_dict",
    "erlang_c",
    "estimate",
    "paired",
    "replicate",
    "seed_for",
    "simulate",
    "staff",
    "staff_blocks",
    "sweep",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.simulate", globals())
del fixup_module_metadata
