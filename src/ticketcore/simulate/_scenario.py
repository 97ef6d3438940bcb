"""Scenarios: what a simulation runs, as frozen values with a JSON- and TOML-compatible dict form.

A scenario says who arrives (`Arrivals`), who works (agents, from `ticketcore.assign`), how
long the work takes (`Handling`, per channel and priority), what customers do (`Customers`),
and the policies under test: the routing, named strategy variants of it, and SLA policies.
`Scenario.from_toml` and `Scenario.from_json` read text, never files: the host (or the
command line) reads the file.
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Priority
from ticketcore._time import WEEKDAYS, _check_timezone
from ticketcore._toml import dump_toml
from ticketcore._util import MAX_DEPTH, check_depth, check_keys, read_bool, read_finite, wrap
from ticketcore.assign import STRATEGY_NAMES as _STRATEGY_NAMES
from ticketcore.assign import Agent, Pool, Routing, Strategy
from ticketcore.desk import DeskConfig
from ticketcore.simulate._distributions import (
    MAX_DURATION,
    MAX_POINTS,
    Distribution,
    Exponential,
    Fixed,
    _dump_duration,
    _duration,
    distribution_from_dict,
)
from ticketcore.sla import SLAPolicies

__all__ = ["SCENARIO_LIMITS", "Arrivals", "Customers", "Handling", "Scenario"]

# The limits on a scenario: generous for real teams, small enough that every run finishes
# (about 90 µs of simulation per ticket) and every scenario text parses in about a second.
MAX_PER_DAY: Final = 100_000
MIN_DAYS: Final = 0.001
MAX_DAYS: Final = 3_660
MAX_TICKETS: Final = 20_000_000
MAX_AGENTS: Final = 10_000
MAX_ENTRIES: Final = 1_000
MAX_WEIGHT: Final = 1e15
MAX_SEED: Final = 2**64 - 1
MAX_TEXT: Final = 5_000_000
MAX_CONCURRENCY: Final = 100
MAX_SLOWDOWN: Final = 100.0
FIRST_START: Final = date(1901, 1, 1)
LAST_START: Final = date(2899, 12, 31)

#: Every limit on a scenario, by name (see docs/simulate.md): a bigger one is refused
#: with an `InvalidInput` that states the limit.
SCENARIO_LIMITS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "per_day": MAX_PER_DAY,
        "min_days": MIN_DAYS,
        "days": MAX_DAYS,
        "expected_tickets": MAX_TICKETS,
        "agents": MAX_AGENTS,
        "entries": MAX_ENTRIES,
        "weight": MAX_WEIGHT,
        "empirical_values": MAX_POINTS,
        "duration": MAX_DURATION,
        "seed": MAX_SEED,
        "concurrency": MAX_CONCURRENCY,
        "slowdown": MAX_SLOWDOWN,
        "text_characters": MAX_TEXT,
        "nesting": MAX_DEPTH,
        "first_start": FIRST_START,
        "last_start": LAST_START,
    }
)


def _pairs(value: object, field: str) -> object:
    """A tuple of ``(key, value)`` pairs (the attribute form) as a dict; anything else as it is."""
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        try:
            return dict(value)
        except TypeError:  # an unhashable key
            raise InvalidInput(field, "pairs of a name and a value", value) from None
    return value


def _entries(value: Mapping[Any, Any], field: str) -> None:
    if len(value) > MAX_ENTRIES:
        raise InvalidInput(field, f"at most {MAX_ENTRIES:,} entries", f"{len(value):,} entries")


def _weight(value: object, field: str) -> float:
    expected = f"a weight from 0 to {MAX_WEIGHT:g}"
    weight = read_finite(value, field, expected)
    if not 0 <= weight <= MAX_WEIGHT:
        raise InvalidInput(field, expected, value)
    return weight


def _mix(value: object, field: str) -> tuple[tuple[str, float], ...]:
    """``{"chat": 0.8, "email": 0.2}`` as pairs; weights are relative and need not sum to 1."""
    value = _pairs(value, field)
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput(field, "a non-empty mapping of values to weights", value)
    _entries(value, field)
    out = []
    for key, weight in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidInput(field, "non-empty names as keys", key)
        out.append((key, _weight(weight, f"{field}.{key}")))
    if sum(w for _, w in out) <= 0:
        raise InvalidInput(field, "at least one weight above zero", value)
    return tuple(out)


def _opt_mix(value: object, field: str) -> tuple[tuple[str, float], ...]:
    return () if value is None or value in ({}, ()) else _mix(value, field)


def _probabilities(value: object) -> tuple[tuple[str, float], ...]:
    pairs = _opt_mix(value, "arrivals.tags")
    for tag, p in pairs:
        if p > 1:
            raise InvalidInput(f"arrivals.tags.{tag}", "a probability from 0 to 1", p)
    return pairs


def _to_profile(value: object) -> tuple[tuple[float, ...], ...]:
    """24 relative rates per weekday, Monday first, from ``{"daily": [...], "mon": [...]}``."""
    if value is None:
        return ((1.0,) * 24,) * 7
    if isinstance(value, tuple) and len(value) == 7:
        value = dict(zip(WEEKDAYS, value, strict=True))
    d = check_keys(value, "arrivals.profile", ("daily", *WEEKDAYS), ())
    days: list[tuple[float, ...]] = []
    for day in WEEKDAYS:
        key = day if day in d else "daily"
        if key not in d:
            raise InvalidInput(f"arrivals.profile.{day}", "24 hourly weights (or a 'daily' list)")
        hours = d[key]
        field = f"arrivals.profile.{key}"
        if isinstance(hours, str) or not isinstance(hours, list | tuple) or len(hours) != 24:
            raise InvalidInput(field, "a list of 24 hourly weights", hours)
        days.append(tuple(_weight(w, f"{field}[{i}]") for i, w in enumerate(hours)))
    if not any(any(day) for day in days):
        raise InvalidInput("arrivals.profile", "at least one hour with a weight above zero", value)
    return tuple(days)


def _channels(value: object) -> tuple[tuple[str, float], ...]:
    return _mix(value, "arrivals.channels")


def _priorities(value: object) -> tuple[tuple[str, float], ...]:
    return _mix(value, "arrivals.priorities")


def _languages(value: object) -> tuple[tuple[str, float], ...]:
    return _opt_mix(value, "arrivals.languages")


def _plans(value: object) -> tuple[tuple[str, float], ...]:
    return _opt_mix(value, "arrivals.plans")


def _per_day(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    expected = f"a number of tickets per day above zero, at most {MAX_PER_DAY:,}"
    if not 0 < read_finite(value, "arrivals.per_day", expected) <= MAX_PER_DAY:
        raise InvalidInput("arrivals.per_day", expected, value)


@attrs.frozen
class Arrivals:
    """Who arrives and when: a Poisson process whose rate varies by hour of the week.

    ``per_day`` is the mean number of tickets per day over a week; ``profile`` spreads the
    week's tickets over its 168 hours in proportion to the weights (24 per weekday, Monday
    first, in the scenario's time zone; flat by default). Each ticket draws its channel,
    priority, language and plan from the mixes (relative weights) and gets each tag of
    ``tags`` with that tag's probability.
    """

    per_day: float = attrs.field(validator=_per_day)
    profile: tuple[tuple[float, ...], ...] = attrs.field(default=None, converter=_to_profile)
    channels: tuple[tuple[str, float], ...] = attrs.field(default=(("email", 1.0),), converter=_channels)
    priorities: tuple[tuple[str, float], ...] = attrs.field(default=(("normal", 1.0),), converter=_priorities)
    languages: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_languages)
    plans: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_plans)
    tags: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_probabilities)

    def __attrs_post_init__(self) -> None:
        for name, _ in self.priorities:
            Priority.parse(name, f"arrivals.priorities.{name}")

    @classmethod
    def from_dict(cls, data: object, path: str = "arrivals") -> Arrivals:
        """Read the dict form; an error names the bad key."""
        d = check_keys(data, path, _ARRIVAL_FIELDS, ("per_day",))
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        out: dict[str, Any] = {"per_day": self.per_day}
        if len(set(self.profile)) == 1:
            if set(self.profile[0]) != {1.0}:
                out["profile"] = {"daily": list(self.profile[0])}
        else:
            out["profile"] = {day: list(h) for day, h in zip(WEEKDAYS, self.profile, strict=True)}
        for key in ("channels", "priorities", "languages", "plans", "tags"):
            pairs = getattr(self, key)
            if pairs:
                out[key] = dict(pairs)
        return out


_ARRIVAL_FIELDS: Final = tuple(f.name for f in attrs.fields(Arrivals))


def _solve(value: object) -> Distribution:
    return distribution_from_dict(value, "solve")


def _first_response(value: object) -> Distribution:
    return distribution_from_dict(value, "first_response")


def _next_response(value: object) -> Distribution | None:
    return None if value is None else distribution_from_dict(value, "next_response")


def _resolve(value: object) -> Distribution | None:
    return None if value is None else distribution_from_dict(value, "resolve")


def _reply_delay(value: object) -> Distribution:
    return distribution_from_dict(value, "customers.reply_delay")


def _reopen_delay(value: object) -> Distribution:
    return distribution_from_dict(value, "customers.reopen_delay")


def _close_after(value: object) -> timedelta:
    return _duration(value, "customers.close_after")


@attrs.frozen
class Handling:
    """How long agents take: to the first reply, to later replies, and to solve the ticket.

    All are counted from the moment the agent gets the ticket. ``solve`` is how long the
    ticket holds its place in the agent's load; the first reply comes at
    ``min(first_response, solve)``. ``next_response`` (default: ``first_response``) is
    the time to answer each later customer message. ``resolve`` (default: ``solve``) is
    the time to solve a reopened ticket again.
    """

    solve: Distribution = attrs.field(converter=_solve)
    first_response: Distribution = attrs.field(default=Fixed(timedelta(0)), converter=_first_response)
    next_response: Distribution | None = attrs.field(default=None, converter=_next_response)
    resolve: Distribution | None = attrs.field(default=None, converter=_resolve)

    @classmethod
    def from_dict(cls, data: object, path: str = "handling") -> Handling:
        """Read ``{"solve": ..., "first_response": ..., ...}`` (distributions in their dict form)."""
        d = check_keys(data, path, _HANDLING_FIELDS, ("solve",))
        return wrap(path, cls, **d)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        out = {"solve": self.solve.to_dict(), "first_response": self.first_response.to_dict()}
        for key in ("next_response", "resolve"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.to_dict()
        return out


_HANDLING_FIELDS: Final = tuple(f.name for f in attrs.fields(Handling))


def _to_handling(value: object) -> tuple[tuple[str, Handling], ...]:
    """``{"*": ..., "chat": ..., "email/urgent": ..., "*/high": ...}``: keys ``channel[/priority]``."""
    value = _pairs(value, "handling")
    if not isinstance(value, Mapping):
        raise InvalidInput("handling", "a mapping of 'channel/priority' patterns to handling", value)
    _entries(value, "handling")
    if "*" not in value:
        raise InvalidInput("handling.*", "a default entry under '*' (the handling of any ticket)")
    out = []
    for key, spec in value.items():
        path = f"handling.{key}"
        if not isinstance(key, str) or key.count("/") > 1 or not all(key.split("/")):
            raise InvalidInput(path, "a pattern 'channel', 'channel/priority' or '*/priority'", key)
        if "/" in key:
            priority = key.split("/")[1]
            if priority != "*":
                Priority.parse(priority, path)
        out.append((key, spec if isinstance(spec, Handling) else Handling.from_dict(spec, path)))
    return tuple(out)


def _probability(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    field = f"customers.{attribute.name}"
    if not 0 <= read_finite(value, field, "a probability from 0 to 1") <= 1:
        raise InvalidInput(field, "a probability from 0 to 1", value)


@attrs.frozen
class Customers:
    """What customers do.

    After each agent reply before the ticket is solved, the customer writes back with
    ``reply_probability`` after a ``reply_delay`` (the agent then answers within the
    handling's ``next_response``). After a solve, the customer reopens it once with
    ``reopen_probability`` after a ``reopen_delay``, if that comes before the ticket
    closes; a solved ticket closes ``close_after`` its last solve (Zendesk's four days).
    """

    reply_probability: float = attrs.field(default=0.0, validator=_probability)
    reply_delay: Distribution = attrs.field(
        default=Exponential(timedelta(minutes=10)), converter=_reply_delay
    )
    reopen_probability: float = attrs.field(default=0.0, validator=_probability)
    reopen_delay: Distribution = attrs.field(default=Exponential(timedelta(days=1)), converter=_reopen_delay)
    close_after: timedelta = attrs.field(default=timedelta(days=4), converter=_close_after)

    @classmethod
    def from_dict(cls, data: object, path: str = "customers") -> Customers:
        """Read the dict form; an error names the bad key."""
        d = check_keys(data, path, _CUSTOMER_FIELDS, ())
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        return {
            "reply_probability": self.reply_probability,
            "reply_delay": self.reply_delay.to_dict(),
            "reopen_probability": self.reopen_probability,
            "reopen_delay": self.reopen_delay.to_dict(),
            "close_after": _dump_duration(self.close_after),
        }


_CUSTOMER_FIELDS: Final = tuple(f.name for f in attrs.fields(Customers))

_POOL_OVERRIDES: Final = tuple(f.name for f in attrs.fields(Pool) if f.name not in ("name", "agents"))
_POOL_FLAGS: Final = frozenset(f.name for f in attrs.fields(Pool) if isinstance(f.default, bool))


def _to_agents(value: object) -> tuple[Agent, ...]:
    """A list of agents (values or dicts), or ``{"count": n, ...fields every agent shares}``."""
    if isinstance(value, Mapping):
        d = dict(value)
        count = d.pop("count", None)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_AGENTS:
            raise InvalidInput("agents.count", f"a number of agents from 1 to {MAX_AGENTS:,}", count)
        if "id" in d:
            raise InvalidInput(
                "agents.id", "no id with 'count' (agents are named agent1, agent2, ...)", d["id"]
            )
        width = len(str(count))
        return tuple(
            Agent.from_dict({"id": f"agent{i:0{width}d}", **d}, "agents") for i in range(1, count + 1)
        )
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise InvalidInput("agents", "a non-empty list of agents, or {'count': n, ...}", value)
    if len(value) > MAX_AGENTS:
        raise InvalidInput("agents", f"at most {MAX_AGENTS:,} agents", f"{len(value):,} agents")
    out = tuple(
        a if isinstance(a, Agent) else Agent.from_dict(a, f"agents[{i}]") for i, a in enumerate(value)
    )
    seen: set[str] = set()
    for i, agent in enumerate(out):
        if agent.id in seen:
            raise InvalidInput(f"agents[{i}].id", "an id no other agent has", agent.id)
        seen.add(agent.id)
    return out


def _to_routing(value: object) -> Routing:
    if value is None:
        return Routing(pools=[Pool(name="support", backlog=True)], default_pool="support")
    return value if isinstance(value, Routing) else Routing.from_dict(value)


def _to_sla(value: object) -> SLAPolicies:
    if value is None:
        return SLAPolicies(())
    return value if isinstance(value, SLAPolicies) else wrap("sla", SLAPolicies.from_dict, value)


def _to_strategies(value: object) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """``{name: {pool field: value}}``: each variant overrides those fields in every pool."""
    if value is None:
        return ()
    value = _pairs(value, "strategies")
    if not isinstance(value, Mapping):
        raise InvalidInput("strategies", "a mapping of variant names to pool settings", value)
    _entries(value, "strategies")
    out = []
    for name, fields in value.items():
        if not isinstance(name, str) or not name or "," in name:
            raise InvalidInput("strategies", "variant names without commas", name)
        path = f"strategies.{name}"
        d = check_keys(_pairs(fields, path), path, _POOL_OVERRIDES, ())
        strategy = d.get("strategy")
        if isinstance(strategy, Strategy):
            d["strategy"] = strategy.to_dict()
        elif "strategy" in d and not isinstance(strategy, str):
            raise InvalidInput(f"{path}.strategy", "a strategy name such as 'least_loaded'", strategy)
        for key in _POOL_FLAGS.intersection(d):
            read_bool(d[key], f"{path}.{key}")
        out.append((name, tuple(d.items())))
    return tuple(out)


def _to_arrivals(value: object) -> Arrivals:
    return value if isinstance(value, Arrivals) else Arrivals.from_dict(value)


def _to_customers(value: object) -> Customers:
    return value if isinstance(value, Customers) else Customers.from_dict(value)


def _to_date(value: object) -> date:
    expected = f"a date like '2026-03-02', from {FIRST_START} to {LAST_START}"
    out = None
    if isinstance(value, date):
        out = value
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            out = date.fromisoformat(value)
    if out is None or type(out) is not date or not FIRST_START <= out <= LAST_START:
        raise InvalidInput("start", expected, value)
    return out


def _to_seed(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise InvalidInput("seed", "a whole number from 0 to 2**64 - 1", value)
    return value


def _days(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    expected = f"a number of days from {MIN_DAYS} to {MAX_DAYS:,}"
    if not MIN_DAYS <= read_finite(value, "days", expected) <= MAX_DAYS:
        raise InvalidInput("days", expected, value)


def _strategy_name(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidInput("strategy", "a variant or strategy name such as 'least_loaded', or None", value)


def _name(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidInput(attribute.name, "a non-empty name", value)


def _to_by(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput("backlog_by", "a list of ticket field names", value)
    if len(set(value)) != len(value):
        raise InvalidInput("backlog_by", "ticket field names without repeats", value)
    return tuple(value)


def _to_concurrency(value: object) -> tuple[tuple[str, int], ...]:
    """``{"chat": 3}``: how many tickets of a channel an agent works on at once (default 1)."""
    if value is None:
        return ()
    value = _pairs(value, "concurrency")
    if not isinstance(value, Mapping):
        raise InvalidInput("concurrency", "a mapping of channels to a number of tickets at once", value)
    _entries(value, "concurrency")
    expected = f"a whole number of tickets at once from 1 to {MAX_CONCURRENCY}"
    out = []
    for channel, n in value.items():
        if not isinstance(channel, str) or not channel:
            raise InvalidInput("concurrency", "non-empty channel names as keys", channel)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CONCURRENCY:
            raise InvalidInput(f"concurrency.{channel}", expected, n)
        if n > 1:  # 1 is the default: not kept, so equal scenarios have equal fields
            out.append((channel, n))
    return tuple(sorted(out))


def _to_slowdown(value: object) -> tuple[tuple[str, float], ...]:
    """``{"chat": 1.2}``: each extra ticket of the channel in hand multiplies its work time by this."""
    if value is None:
        return ()
    value = _pairs(value, "slowdown")
    if not isinstance(value, Mapping):
        raise InvalidInput("slowdown", "a mapping of concurrent channels to a factor", value)
    _entries(value, "slowdown")
    expected = f"a factor from 1 to {MAX_SLOWDOWN:g}"
    out = []
    for channel, factor in value.items():
        if not isinstance(channel, str) or not channel:
            raise InvalidInput("slowdown", "non-empty channel names as keys", channel)
        f = read_finite(factor, f"slowdown.{channel}", expected)
        if not 1 <= f <= MAX_SLOWDOWN:
            raise InvalidInput(f"slowdown.{channel}", expected, factor)
        if f != 1:
            out.append((channel, float(f)))
    return tuple(sorted(out))


WORK_ORDERS: Final = ("assigned", "due")

#: Strategy names used before the library's names were the only ones, and the library's name
#: for each: a scenario that does not define the old name as its own variant is refused with
#: a message giving the new one.
_RENAMED_STRATEGIES: Final[Mapping[str, str]] = MappingProxyType({"round_robin": "sequential"})


def _work_order(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in WORK_ORDERS:
        raise InvalidInput("work_order", "'assigned' or 'due'", value)


@attrs.frozen
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

    def handling_for(self, channel: str, priority: Priority) -> Handling:
        """The most specific handling entry: ``channel/priority``, ``channel``, ``*/priority``, ``*``."""
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

# What `_parse` looks at before the parser does: strings and comments (skipped, so that
# brackets and dots inside them do not count), brackets (nesting), and a dotted key of
# more than MAX_DEPTH parts (tomllib's memory grows with the square of a key's length).
_PART: Final = r"""(?:[\w-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')"""
_SCAN: Final = re.compile(
    rf"(?P<dots>(?<![\w.\-\"'])(?<!\.[ \t]){_PART}(?:[ \t]*+\.[ \t]*+{_PART}){{{MAX_DEPTH},}})"
    r'|"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*+"|\'[^\'\n]*+\'|#[^\n]*+'
    r"|(?P<open>[\[{])|(?P<close>[\]}])"
)
_AT: Final = re.compile(r"line (\d+), column (\d+)")


def _where(text: str, pos: int) -> tuple[int, int, str]:
    """The line and column (from 1) of ``pos`` in ``text``, and that line's text."""
    line = text.count("\n", 0, pos) + 1
    begin = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return line, pos - begin + 1, text[begin : end if end >= 0 else len(text)]


def _guard(text: str, kind: str) -> None:
    """Refuse text too long, nested too deep or with a too long dotted key, before parsing."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "scenario", f"{kind} text of at most {MAX_TEXT:,} characters", f"{len(text):,} characters"
        )
    depth = 0
    for m in _SCAN.finditer(text):
        group = m.lastgroup
        if group == "open":
            depth += 1
            if depth <= MAX_DEPTH:
                continue
            what = f"at most {MAX_DEPTH} levels of nested arrays and tables"
        elif group == "close":
            depth -= 1
            continue
        elif group == "dots":
            what = f"a dotted key of at most {MAX_DEPTH} parts"
        else:
            continue
        line, column, source = _where(text, m.start())
        raise InvalidInput("scenario", f"{kind} with {what} (line {line}, column {column})", source)


def _parse(text: object, kind: str, loads: Any) -> object:
    """``loads(text)``, every failure an `InvalidInput` naming the line and column."""
    if not isinstance(text, str):
        raise InvalidInput("scenario", f"{kind} text (a str)", text)
    _guard(text, kind)
    try:
        return loads(text)
    except RecursionError:  # a backstop: _guard keeps the parsers far from the limit
        raise InvalidInput(
            "scenario", f"{kind} with at most {MAX_DEPTH} levels of nesting", "deeper"
        ) from None
    except ValueError as e:  # TOMLDecodeError, JSONDecodeError, an integer of over 4,300 digits
        message = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
        if isinstance(e, json.JSONDecodeError):
            line, column, source = e.lineno, e.colno, _where(text, e.pos)[2]
            message = f"{message} (line {line}, column {column})"
        elif (at := _AT.search(message)) is not None:
            source = _where(text, _offset(text, int(at[1]), int(at[2])))[2]
        else:
            source = text[:60]
        if "integer string conversion" in message:
            message = "integers of at most 4,300 digits"
        raise InvalidInput("scenario", f"valid {kind}: {message}", source) from None


def _offset(text: str, line: int, column: int) -> int:
    """The position of ``line``, ``column`` (from 1) in ``text``."""
    pos = 0
    for _ in range(line - 1):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return min(pos + column - 1, len(text))
