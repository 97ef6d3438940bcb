"""Scenarios: what a simulation runs, as frozen values with a JSON- and TOML-compatible dict form.

A scenario says who arrives (`Arrivals`), who works (agents, from `ticketcore.assign`), how
long the work takes (`Handling`, per channel and priority), what customers do (`Customers`),
and the policies under test: the routing, named strategy variants of it, and SLA policies.
`Scenario.from_toml` and `Scenario.from_json` read text, never files: the host (or the
command line) reads the file.

The value is here; its parts are in `_parts`, its fields' readers and validators in
`_scenario_fields`, the text reading in `_scenario_text` and the limits in `_limits`.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._time import _check_timezone
from ticketcore._toml import dump_toml
from ticketcore._util import check_depth, check_keys
from ticketcore.assign import STRATEGY_NAMES as _STRATEGY_NAMES
from ticketcore.assign import Agent, Pool, Routing
from ticketcore.desk import DeskConfig
from ticketcore.simulate._limits import MAX_TICKETS
from ticketcore.simulate._parts import Arrivals, Customers, Handling, _to_handling
from ticketcore.simulate._scenario_fields import (
    _RENAMED_STRATEGIES,
    _days,
    _name,
    _strategy_name,
    _to_agents,
    _to_arrivals,
    _to_by,
    _to_concurrency,
    _to_customers,
    _to_date,
    _to_routing,
    _to_seed,
    _to_sla,
    _to_slowdown,
    _to_strategies,
    _work_order,
)
from ticketcore.simulate._scenario_text import _parse
from ticketcore.sla import SLAPolicies

__all__ = ["Scenario"]


@attrs.frozen(kw_only=True)
class Scenario:
    """Everything one simulation run needs, as a value.

    The run starts at local midnight of ``start`` in ``timezone`` and lasts ``days``.
    ``routing`` is the assignment under test (by default one pool, ``support``, of every
    agent, with the backlog on); ``strategies`` are named variants of it, each a set of
    pool settings (``strategy``, ``cap``, ``backlog_order`` ...) applied to every pool;
    the name of a built-in strategy (``sequential``, ``least_loaded`` ...) is a variant
    too. ``strategy`` names the variant a run uses when none is asked for (None: the
    routing as it is). ``sla`` holds the SLA policies, escalation ladders included;
    ``backlog_by`` the ticket fields of the weekly backlog's breakdown.

    How agents spend their time (see docs/simulate.md, "The agent's time"): an agent
    works on one ticket at a time, except on the channels of ``concurrency`` (such as
    ``{"chat": 3}``: up to three chats at once), where each extra ticket in hand multiplies
    the work time of that channel's tickets by its ``slowdown`` factor (default 1, none).
    A ticket the agent holds but is not working on waits in their own queue, in the order
    of ``work_order``: ``"assigned"`` (first ready first: when the ticket was assigned, or
    the customer wrote back) or ``"due"`` (the earliest SLA due time, as it stood when the
    ticket joined the queue, first).

    The same ``seed`` gives the same run on any machine. Variants of one scenario see
    the same tickets (the same arrivals and the same work in each ticket): common random
    numbers, so differences come from the policies, not from luck.

    Every number must be finite and within `SCENARIO_LIMITS` (at most 100,000 tickets a
    day, 3,660 days, 20,000,000 expected tickets, 10,000 agents ...); anything else is an
    `InvalidInput` naming the field and stating the limit.
    """

    arrivals: Arrivals = attrs.field(converter=_to_arrivals)
    agents: tuple[Agent, ...] = attrs.field(converter=_to_agents)
    handling: tuple[tuple[str, Handling], ...] = attrs.field(converter=_to_handling)
    name: str = attrs.field(default="scenario", validator=_name)
    seed: int = attrs.field(default=1, converter=_to_seed)
    days: float = attrs.field(default=28.0, validator=_days)
    start: date = attrs.field(default=date(2026, 3, 2), converter=_to_date)
    timezone: str = attrs.field(default="UTC", validator=_check_timezone)
    customers: Customers = attrs.field(default=Customers(), converter=_to_customers)
    routing: Routing = attrs.field(default=None, converter=_to_routing)
    strategies: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = attrs.field(
        default=None, converter=_to_strategies
    )
    strategy: str | None = attrs.field(default=None, validator=_strategy_name)
    sla: SLAPolicies = attrs.field(default=None, converter=_to_sla)
    backlog_by: tuple[str, ...] = attrs.field(default=("channel",), converter=_to_by)
    concurrency: tuple[tuple[str, int], ...] = attrs.field(default=None, converter=_to_concurrency)
    slowdown: tuple[tuple[str, float], ...] = attrs.field(default=None, converter=_to_slowdown)
    work_order: str = attrs.field(default="assigned", validator=_work_order)

    def __attrs_post_init__(self) -> None:
        concurrent = dict(self.concurrency)
        for channel, _ in self.slowdown:
            if channel not in concurrent:
                raise InvalidInput(
                    f"slowdown.{channel}", "a channel with a concurrency above 1 in 'concurrency'", channel
                )
        if self.arrivals.per_day * self.days > MAX_TICKETS:
            raise InvalidInput(
                "days",
                f"at most {MAX_TICKETS:,} expected tickets in a run (arrivals.per_day times days)",
                self.days,
            )
        known = {a.id for a in self.agents}
        for pool in self.routing.pools:
            for agent_id in pool.agents or ():
                if agent_id not in known:
                    raise InvalidInput.unknown_key(
                        f"routing.pools.{pool.name}.agents", agent_id, known, "agents"
                    )
        for rule in self.routing.rules:
            if rule.agent is not None and rule.agent not in known:
                raise InvalidInput.unknown_key(
                    f"routing.rules.{rule.name}.agent", rule.agent, known, "agents"
                )
        # The desk's own checks (an escalation ladder's agent and tier exist): a scenario
        # runs on a `Desk`, so it must be a configuration a desk accepts.
        DeskConfig(routing=self.routing, agents=self.agents, sla=self.sla)
        for name, _ in self.strategies:
            self.routing_for(name)  # every variant of the scenario's own must make a valid routing
        if self.strategy is not None:
            self.routing_for(self.strategy)

    @property
    def zone(self) -> ZoneInfo:
        """The scenario's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def variants(self) -> tuple[str, ...]:
        """The names a run can use: the scenario's own variants, then the built-in strategies."""
        own = tuple(name for name, _ in self.strategies)
        return own + tuple(name for name in _STRATEGY_NAMES if name not in own)

    def routing_for(self, variant: str | None) -> Routing:
        """The routing of a variant (None: the routing as it is).

        Raises:
            InvalidInput: an unknown variant name (with the closest known name), or a
                variant that makes an invalid pool.

        """
        if variant is None:
            return self.routing
        if not isinstance(variant, str):
            raise InvalidInput(
                "strategy", "a variant or strategy name such as 'least_loaded', or None", variant
            )
        own = dict(self.strategies)
        if variant in own:
            fields = dict(own[variant])
        elif variant in _STRATEGY_NAMES:
            fields = {"strategy": variant}
        elif variant in _RENAMED_STRATEGIES:
            new = _RENAMED_STRATEGIES[variant]
            raise InvalidInput(
                "strategy",
                f"a variant of the scenario or a built-in strategy: {variant!r} is called {new!r} "
                f"(or define [strategies.{variant}] with strategy = {new!r} in the scenario)",
                variant,
            )
        else:
            raise InvalidInput.unknown_key("strategy", variant, self.variants, "strategies")
        path = f"strategies.{variant}"
        pools = [Pool.from_dict({**p.to_dict(), **fields}, path) for p in self.routing.pools]
        return attrs.evolve(self.routing, pools=pools)

    def handling_for(self, channel: str, priority: Priority | str) -> Handling:
        """The most specific handling entry: ``channel/priority``, ``channel``, ``*/priority``, ``*``.

        ``priority`` is a `Priority` or its name; a bad argument raises `InvalidInput` naming it.
        """
        given: object = channel  # from the caller: check it
        if not isinstance(given, str) or not given:
            raise InvalidInput("channel", "a channel name", given)
        priority = Priority.parse(priority, "priority")
        table = dict(self.handling)
        for key in (f"{channel}/{priority.value}", channel, f"{channel}/*", f"*/{priority.value}", "*"):
            if key in table:
                return table[key]
        raise AssertionError("'*' is always present")  # pragma: no cover

    @classmethod
    def from_dict(cls, data: object) -> Scenario:
        """Read the dict form (the shape of a TOML or JSON scenario file).

        Raises:
            InvalidInput: naming the path of the bad key or value, such as
                ``handling.chat.solve.lognormal.sigma`` or ``arrivals.per_dya``.

        """
        try:
            check_depth(data, "")
        except InvalidInput as e:
            raise InvalidInput(e.field.lstrip(".") or "scenario", e.expected, e.value) from None
        d = check_keys(data, "", _SCENARIO_FIELDS, ("arrivals", "agents", "handling"))
        return cls(**d)

    @classmethod
    def from_toml(cls, text: str) -> Scenario:
        """Read a scenario from TOML text (the host reads the file).

        Raises:
            InvalidInput: text that is not TOML (naming the line and column), that is
                longer than 5,000,000 characters or nested more than 64 levels deep, or a
                bad scenario.

        """
        return cls.from_dict(_parse(text, "TOML", tomllib.loads))

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Read a scenario from JSON text (the host reads the file); errors as `from_toml`."""
        return cls.from_dict(_parse(text, "JSON", json.loads))

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict` (JSON-compatible; agents as a list)."""
        out: dict[str, Any] = {
            "name": self.name,
            "seed": self.seed,
            "days": self.days,
            "start": self.start.isoformat(),
            "timezone": self.timezone,
            "arrivals": self.arrivals.to_dict(),
            "agents": [a.to_dict() for a in self.agents],
            "handling": {key: h.to_dict() for key, h in self.handling},
            "customers": self.customers.to_dict(),
            "routing": self.routing.to_dict(),
            "backlog_by": list(self.backlog_by),
        }
        if self.strategies:
            out["strategies"] = {name: dict(fields) for name, fields in self.strategies}
        if self.strategy is not None:
            out["strategy"] = self.strategy
        if self.sla.policies:
            out["sla"] = self.sla.to_dict()
        if self.concurrency:
            out["concurrency"] = dict(self.concurrency)
        if self.slowdown:
            out["slowdown"] = dict(self.slowdown)
        if self.work_order != "assigned":
            out["work_order"] = self.work_order
        return out

    def to_toml(self) -> str:
        """The scenario as TOML text that `from_toml` reads back to an equal scenario.

        Agents that differ only by their generated ids (``agent01`` ...) are written as
        ``[agents]`` with ``count``. TOML has no null: a value of None (an SLA ladder's
        ``raise_priority`` or ``move_tier`` without a target) is refused with an
        `InvalidInput` naming its path; `to_dict` and JSON carry it.
        """
        data = self.to_dict()
        shared = [{k: v for k, v in a.items() if k != "id"} for a in data["agents"]]
        if all(s == shared[0] for s in shared):
            compact = {"count": len(shared), **shared[0]}
            if _to_agents(compact) == self.agents:
                data["agents"] = compact
        return dump_toml(data)

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed, checked like a new scenario (``days``, ``seed`` ...)."""
        for key in changes:
            if key not in _SCENARIO_FIELDS:
                raise InvalidInput.unknown_key(key, key, _SCENARIO_FIELDS, "scenario fields")
        return attrs.evolve(self, **changes)


_SCENARIO_FIELDS: Final = tuple(f.name for f in attrs.fields(Scenario))
