"""`staff_blocks`: the smallest team per block of the week, blocks settled in week order.

Imports `_runs`, `_service_level` and `_staffing` (for Erlang C's answer per block).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._time import WEEKDAYS
from ticketcore.simulate._results import SimulationResult
from ticketcore.simulate._runs import (
    _UNIT,
    MAX_REPLICATIONS,
    _check_count,
    _execute,
    _point,
    _strategies,
    _Task,
    seed_for,
)
from ticketcore.simulate._scenario import Scenario
from ticketcore.simulate._service_level import ServiceLevel
from ticketcore.simulate._staffing import _erlang_agents, _reaches, _smallest
from ticketcore.simulate._stats import Estimate, estimate

__all__ = ["Block", "BlockStaffing", "staff_blocks"]

_HOURS_OF_WEEK: Final = 168
_BLOCK: Final = re.compile(
    r"^\s*(?P<days>[a-z*][a-z,\-*]*)\s+(?P<start>\d{1,2})(?::00)?\s*-\s*(?P<end>\d{1,2})(?::00)?\s*$"
)
_EVERY_DAY: Final = frozenset({"*", "daily", "all"})


def _days_of(text: str, field: str, spec: object) -> list[int]:
    """``mon-fri``, ``sat,sun``, ``*``: weekday indices, Monday 0."""
    if text in _EVERY_DAY:
        return list(range(7))
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise InvalidInput(field, "days such as mon, mon-fri, sat,sun or * before the hours", spec)
        a = WEEKDAYS.index(first)
        b = WEEKDAYS.index(last) if last else a
        if b < a:
            raise InvalidInput(field, "a range of days from Monday towards Sunday, such as mon-fri", spec)
        out += range(a, b + 1)
    return out


def _parse_block(spec: object, field: str) -> tuple[str, frozenset[int]]:
    """``"mon-fri 08-12"``: the block's name (the text, tidied) and its hours of the week."""
    if not isinstance(spec, str):
        raise InvalidInput(field, "a block such as 'mon-fri 08-12' (days, then whole hours from-to)", spec)
    m = _BLOCK.match(spec.casefold())
    if m is None:
        raise InvalidInput(field, "a block such as 'mon-fri 08-12' (days, then whole hours from-to)", spec)
    start, end = int(m["start"]), int(m["end"])
    if not 0 <= start < end <= 24:
        raise InvalidInput(
            field, "hours from 00 to 24, the start before the end (split a night in two)", spec
        )
    days = _days_of(m["days"], field, spec)
    hours = frozenset(d * 24 + h for d in days for h in range(start, end))
    return f"{m['days']} {start:02d}-{end:02d}", hours


def _blocks(blocks: object) -> list[tuple[str, frozenset[int]]]:
    """Blocks from a length in hours (dividing 24) or a list of block texts; no hour in two blocks."""
    if isinstance(blocks, int) and not isinstance(blocks, bool):
        if blocks < 1 or 24 % blocks:
            raise InvalidInput(
                "blocks", "a block length in hours that divides a day (1, 2, 3, 4, 6, 8, 12, 24)", blocks
            )
        return [
            (f"{WEEKDAYS[d]} {h:02d}-{h + blocks:02d}", frozenset(range(d * 24 + h, d * 24 + h + blocks)))
            for d in range(7)
            for h in range(0, 24, blocks)
        ]
    if isinstance(blocks, str | bytes) or not isinstance(blocks, Sequence) or not blocks:
        raise InvalidInput(
            "blocks", "a block length in hours, or a non-empty list of blocks such as 'mon-fri 08-12'", blocks
        )
    if len(blocks) > _HOURS_OF_WEEK:
        raise InvalidInput(
            "blocks", f"at most {_HOURS_OF_WEEK} blocks (one per hour of the week)", len(blocks)
        )
    out: list[tuple[str, frozenset[int]]] = []
    owner: dict[int, str] = {}
    for i, spec in enumerate(blocks):
        name, hours = _parse_block(spec, f"blocks[{i}]")
        clash = sorted(hours & owner.keys())
        if clash:
            h = clash[0]
            raise InvalidInput(
                f"blocks[{i}]",
                f"a block sharing no hour with another "
                f"({WEEKDAYS[h // 24]} {h % 24:02d}:00 is in {owner[h]!r})",
                spec,
            )
        owner.update(dict.fromkeys(hours, name))
        out.append((name, hours))
    return sorted(out, key=lambda b: min(b[1]))  # week order, from Monday 00:00


def _shift(hours: frozenset[int], zone: str) -> dict[str, Any]:
    """The dict form of a shift calendar open in ``hours`` (hours of the week, local time)."""
    days: dict[str, list[str]] = {}
    for d in range(7):
        h = 0
        while h < 24:
            if d * 24 + h not in hours:
                h += 1
                continue
            end = h
            while end < 24 and d * 24 + end in hours:
                end += 1
            days.setdefault(WEEKDAYS[d], []).append(f"{h:02d}:00-{end:02d}:00")
            h = end
    return {"timezone": zone, "hours": days}


def _scheduled(
    data: dict[str, Any], blocks: Sequence[tuple[str, frozenset[int]]], counts: Sequence[int], zone: str
) -> dict[str, Any]:
    """``data`` (a scenario's dict form) with agent i on shift in the blocks that need at least i agents."""
    shared = data["agents"][0]
    top = max(counts)
    width = len(str(top))
    agents = []
    for i in range(1, top + 1):
        hours = frozenset().union(*(h for (_, h), n in zip(blocks, counts, strict=True) if n >= i))
        agent = {**shared, "id": f"agent{i:0{width}d}"}
        if len(hours) < _HOURS_OF_WEEK:  # on all week: no shift (a calendar that never closes has none)
            agent["shift"] = _shift(hours, zone)
        agents.append(agent)
    return {**data, "agents": agents}


def _block_shares(
    target: ServiceLevel, of_hour: tuple[int, ...], blocks: int, zone: str, result: SimulationResult
) -> dict[str, float | None]:
    """Each block's service level: ``block{k}``, over the tickets created in block k (local time)."""
    met = [0] * blocks
    decided = [0] * blocks
    tz = ZoneInfo(zone)
    for t in result.tickets or ():
        local = t.created.astimezone(tz)
        k = of_hour[local.weekday() * 24 + local.hour]
        if k < 0:
            continue  # created outside every block: not measured
        verdict = target.met(t, result.end)
        if verdict is not None:
            decided[k] += 1
            met[k] += verdict
    return {f"block{k}": met[k] / decided[k] if decided[k] else None for k in range(blocks)}


@attrs.frozen(kw_only=True)
class Block:
    """One block of the week in `BlockStaffing`: its answer, the textbook's, and the search behind it.

    ``name`` is the block as given (``mon-fri 08-12``); ``per_hour`` its mean arrival rate
    (tickets an hour, from the scenario's arrival profile); ``erlang_c`` the Erlang C agents
    for the goal at that rate (None: no arrivals, or none up to ``high`` settles);
    ``agents`` the simulated answer (None: even ``high`` did not pass); ``attainment`` the
    block's service level in the final schedule (every block at its answer), with its
    interval clamped to [0, 1]; ``tried`` each count run while searching the block.
    """

    name: str
    hours: frozenset[int]
    per_hour: float
    erlang_c: int | None
    agents: int | None
    attainment: Estimate
    tried: tuple[tuple[int, Estimate], ...]

    def meets(self, share: float) -> bool:
        """The lower bound of the attainment's interval reaches ``share``."""
        return _reaches(self.attainment, share)


@attrs.frozen(kw_only=True)
class BlockStaffing:
    """The smallest number of agents per block of the week meeting a service level with confidence.

    ``blocks`` in week order (from Monday 00:00); ``scenario`` is the scenario with that
    schedule (agent i on shift in the blocks that need at least i agents; a block not met
    at ``high`` agents has ``high``), ready for `simulate`.
    """

    target: ServiceLevel
    blocks: tuple[Block, ...]
    scenario: Scenario
    replications: int
    level: float

    def schedule(self) -> dict[str, int | None]:
        """The agents per block, by block name."""
        return {b.name: b.agents for b in self.blocks}

    def to_records(self) -> list[dict[str, Any]]:
        """One row per block: arrivals an hour, Erlang C, simulated agents, attainment and its interval."""
        return [
            {
                "block": b.name,
                "per_hour": b.per_hour,
                "erlang_c": b.erlang_c,
                "agents": b.agents,
                "attainment": b.attainment.mean,
                "attainment_low": b.attainment.low,
                "attainment_high": b.attainment.high,
                "meets": b.meets(self.target.share),
            }
            for b in self.blocks
        ]


def _hourly_rates(scenario: Scenario) -> list[float]:
    """Tickets an hour in each hour of the week (local time), from the arrival profile."""
    a = scenario.arrivals
    weekly = sum(sum(day) for day in a.profile)
    return [a.profile[d][h] * a.per_day * 7 / weekly for d in range(7) for h in range(24)]


def _covered(scenario: Scenario) -> set[int]:
    """The hours of the week (local time) the run passes through."""
    zone = scenario.zone
    start = datetime.combine(scenario.start, datetime.min.time(), zone)
    hours = min(_HOURS_OF_WEEK, math.ceil(scenario.days * 24))
    out: set[int] = set()
    for i in range(hours):  # wall-clock hours from local midnight: DST moves one hour at most
        local = (start + timedelta(hours=i)).astimezone(zone)
        out.add(local.weekday() * 24 + local.hour)
    return out


def staff_blocks(
    scenario: Scenario,
    target: ServiceLevel,
    blocks: int | Sequence[str],
    *,
    strategy: str | None = None,
    replications: int = 10,
    level: float = 0.95,
    low: int = 1,
    high: int = 200,
    executor: Executor | None = None,
    progress: Callable[[float], None] | None = None,
) -> BlockStaffing:
    """The smallest number of agents in each block of the week that meets ``target`` with confidence.

    ``blocks`` is a block length in hours (dividing 24: ``4`` makes ``mon 00-04``,
    ``mon 04-08`` ...) or a list of blocks such as ``["mon-fri 08-12", "mon-fri 12-18",
    "sat-sun 10-16"]`` (days, then whole local hours; no hour in two blocks). Hours in
    no block have nobody on shift, and their tickets are not measured.

    How it runs: the scenario's agents (alike but for their ids, with no shift of their
    own) are numbered, and agent i is on shift (`ticketcore.assign.Agent.shift`) in the
    blocks that need at least i agents; pools pass over agents off shift. A block's
    service level counts the tickets created in it, wherever they are served. The blocks
    are settled one by one in week order, each holding the earlier ones at their answer
    and the later ones at their Erlang C estimate: the search starts from the block's
    Erlang C count (at its mean arrival rate), walks down while one agent fewer passes
    and up until one passes. A count passes when the lower bound of the block's
    ``level`` confidence interval over ``replications`` runs (the same seeds for every
    candidate) reaches ``target.share``. A block without arrivals gets ``low`` agents.
    The attainment reported is that of the final schedule.

    Raises:
        InvalidInput: bad blocks (naming the block), a block the run never reaches, agents
            that differ or have a shift, a pool that does not check shifts, fewer than 2
            replications, bad bounds.

    """
    if not isinstance(scenario, Scenario):
        raise InvalidInput("scenario", "a ticketcore.simulate.Scenario", scenario)
    if not isinstance(target, ServiceLevel):
        raise InvalidInput("target", "a ticketcore.simulate.ServiceLevel", target)
    parsed = _blocks(blocks)
    given: object = low
    if isinstance(given, bool) or not isinstance(given, int) or not 0 <= low <= 10_000:
        raise InvalidInput("low", "a whole number from 0 to 10,000 (0: a block may have nobody)", low)
    high = _check_count(high, "high", 10_000)
    if high < max(low, 1):
        raise InvalidInput("high", f"at least low ({low}) and 1", high)
    replications = _check_count(replications, "replications", MAX_REPLICATIONS)
    if replications < 2:
        raise InvalidInput("replications", "at least 2 (one run says nothing about its spread)", replications)
    names = _strategies(scenario, [strategy] if strategy is not None else None)
    for i, agent in enumerate(scenario.agents):
        if agent.shift is not None:
            raise InvalidInput(
                f"agents[{i}].shift", "agents without a shift (the blocks set every agent's shift)", agent.id
            )
    for i, pool in enumerate(scenario.routing_for(names[0]).pools):
        if not pool.check_shift:
            raise InvalidInput(
                f"routing.pools[{i}].check_shift",
                "True: staffing per block schedules agents by shifts",
                pool.check_shift,
            )
    base = _point(scenario, {"agents": 1})  # the agents must differ only by id: said now
    base["agents"] = [{k: v for k, v in base["agents"].items() if k != "count"}]
    covered = _covered(scenario)
    for name, hours in parsed:
        if not hours & covered:
            raise InvalidInput(
                "blocks",
                f"blocks the run reaches (it lasts {scenario.days:g} days from {scenario.start})",
                name,
            )
    rates = _hourly_rates(scenario)
    of_hour = [-1] * _HOURS_OF_WEEK
    for k, (_, hours) in enumerate(parsed):
        for h in hours:
            of_hour[h] = k
    per_hour = [math.fsum(rates[h] for h in hours) / len(hours) for _, hours in parsed]
    if not any(per_hour):
        raise InvalidInput("blocks", "at least one block with arrivals (see arrivals.profile)", blocks)
    erlang = [_erlang_agents(scenario, target, high, r) if r > 0 else None for r in per_hour]
    counts = [
        low if r == 0 else min(max(e or high, low, 1), high) for r, e in zip(per_hour, erlang, strict=True)
    ]
    measure = partial(_block_shares, target, tuple(of_hour), len(parsed), scenario.timezone)
    zone = scenario.timezone
    Scenario.from_dict(_scheduled(base, parsed, counts, zone))  # a bad schedule is said before any run
    seen: dict[tuple[int, ...], list[Estimate]] = {}

    def evaluate(candidate: list[int]) -> list[Estimate]:
        key = tuple(candidate)
        if key not in seen:
            data = _scheduled(base, parsed, candidate, zone)
            tasks = [
                _Task(0, r, names[0], dict(data, seed=seed_for(scenario.seed, r)), measure, target)
                for r in range(replications)
            ]
            rows = _execute(tasks, executor, None)
            seen[key] = [
                estimate([row[f"block{k}"] for row in rows], level, bounds=_UNIT) for k in range(len(parsed))
            ]
        return seen[key]

    tried: list[dict[int, Estimate]] = [{} for _ in parsed]
    answers: list[int | None] = [None] * len(parsed)
    for k in range(len(parsed)):
        if per_hour[k] == 0:
            answers[k] = counts[k] = low
            continue

        def passes(n: int, k: int = k) -> bool:
            e = evaluate([*counts[:k], n, *counts[k + 1 :]])[k]
            tried[k][n] = e
            return _reaches(e, target.share)

        found = answers[k] = _smallest(counts[k], max(low, 1), high, passes)
        counts[k] = high if found is None else found  # not reached: the block keeps high agents
        if progress is not None:
            progress((k + 1) / len(parsed))
    final = evaluate(counts)
    out = tuple(
        Block(
            name=name,
            hours=hours,
            per_hour=per_hour[k],
            erlang_c=erlang[k],
            agents=answers[k],
            attainment=final[k],
            tried=tuple(sorted(tried[k].items())),
        )
        for k, (name, hours) in enumerate(parsed)
    )
    return BlockStaffing(
        target=target,
        blocks=out,
        scenario=Scenario.from_dict(_scheduled(base, parsed, counts, zone)),
        replications=replications,
        level=level,
    )
