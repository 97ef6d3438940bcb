"""The readers and validators of `Scenario`'s own fields: agents, routing, SLA, variants, dates.

Each turns the dict form of one field into its value, or raises `InvalidInput` naming the
field. Imports `_limits` and `_parts`; `_scenario` imports it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._util import check_keys, pairs_to_dict, read_bool, read_finite, wrap
from ticketcore.assign import Agent, Pool, Routing, Strategy
from ticketcore.simulate._limits import (
    FIRST_START,
    LAST_START,
    MAX_AGENTS,
    MAX_CONCURRENCY,
    MAX_DAYS,
    MAX_SEED,
    MAX_SLOWDOWN,
    MIN_DAYS,
)
from ticketcore.simulate._parts import Arrivals, Customers, _entries
from ticketcore.sla import SLAPolicies

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
    value = pairs_to_dict(value, "strategies")
    if not isinstance(value, Mapping):
        raise InvalidInput("strategies", "a mapping of variant names to pool settings", value)
    _entries(value, "strategies")
    out = []
    for name, fields in value.items():
        if not isinstance(name, str) or not name or "," in name:
            raise InvalidInput("strategies", "variant names without commas", name)
        path = f"strategies.{name}"
        d = check_keys(pairs_to_dict(fields, path), path, _POOL_OVERRIDES, ())
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


_N = TypeVar("_N", int, float)


def _channel_map(
    value: object, field: str, expected: str, read: Callable[[object, str], _N | None]
) -> tuple[tuple[str, _N], ...]:
    """A mapping of channel names to values, as sorted pairs.

    ``read(value, path)`` checks one value and returns None for the default, which is not
    kept, so that equal scenarios have equal fields.
    """
    if value is None:
        return ()
    value = pairs_to_dict(value, field)
    if not isinstance(value, Mapping):
        raise InvalidInput(field, expected, value)
    _entries(value, field)
    out = []
    for channel, given in value.items():
        if not isinstance(channel, str) or not channel:
            raise InvalidInput(field, "non-empty channel names as keys", channel)
        kept = read(given, f"{field}.{channel}")
        if kept is not None:
            out.append((channel, kept))
    return tuple(sorted(out))


def _to_concurrency(value: object) -> tuple[tuple[str, int], ...]:
    """``{"chat": 3}``: how many tickets of a channel an agent works on at once (default 1)."""

    def read(n: object, path: str) -> int | None:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CONCURRENCY:
            raise InvalidInput(path, f"a whole number of tickets at once from 1 to {MAX_CONCURRENCY}", n)
        return n if n > 1 else None

    return _channel_map(value, "concurrency", "a mapping of channels to a number of tickets at once", read)


def _to_slowdown(value: object) -> tuple[tuple[str, float], ...]:
    """``{"chat": 1.2}``: each extra ticket of the channel in hand multiplies its work time by this."""

    def read(factor: object, path: str) -> float | None:
        expected = f"a factor from 1 to {MAX_SLOWDOWN:g}"
        f = read_finite(factor, path, expected)
        if not 1 <= f <= MAX_SLOWDOWN:
            raise InvalidInput(path, expected, factor)
        return float(f) if f != 1 else None

    return _channel_map(value, "slowdown", "a mapping of concurrent channels to a factor", read)


WORK_ORDERS: Final = ("assigned", "due")

#: Strategy names used before the library's names were the only ones, and the library's name
#: for each: a scenario that does not define the old name as its own variant is refused with
#: a message giving the new one.
_RENAMED_STRATEGIES: Final[Mapping[str, str]] = MappingProxyType({"round_robin": "sequential"})


def _work_order(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in WORK_ORDERS:
        raise InvalidInput("work_order", "'assigned' or 'due'", value)
