"""`DeskConfig`: everything a desk is configured from, read from one TOML or JSON document.

The parts refer to each other by name: an SLA policy and an agent's shift name a
calendar, a pool names its agents, a rule its pool or agent, the tiers their pools.
`DeskConfig` checks those references as a whole and names the path of a bad one
(``sla.policies[2].calendar``) with the names it knows.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._util import NO_STRATEGIES as _NO_STRATEGIES
from ticketcore._util import check_depth, check_keys, pairs_to_dict, wrap
from ticketcore.assign import Agent, Routing, Strategy
from ticketcore.backlog import BacklogOptions
from ticketcore.conditions import All, Any_, Condition, Not, Test
from ticketcore.desk._vocabulary import Vocabulary
from ticketcore.sla import BusinessCalendar, MoveTier, RaisePriority, Reassign, SLAPolicies, SLAPolicy

__all__ = ["CONFIG_VERSION", "DeskConfig"]

#: The version of `DeskConfig`'s dict form. A release reads every earlier version.
CONFIG_VERSION: Final = 1

#: Largest configuration text `DeskConfig.from_toml` / `from_json` read (16 MiB).
_MAX_TEXT: Final = 16 * 1024 * 1024

#: No strategies of the host's own: the default of every ``strategies=`` argument.
NO_STRATEGIES: Final[Mapping[str, Strategy]] = _NO_STRATEGIES


def _to_calendars(value: object) -> tuple[tuple[str, BusinessCalendar], ...]:
    value = pairs_to_dict(value)
    if not isinstance(value, Mapping):
        raise InvalidInput("calendars", "a mapping of calendar names to calendars", value)
    out = []
    for name, item in value.items():
        if not isinstance(name, str) or not name:
            raise InvalidInput("calendars", "non-empty calendar names", name)
        calendar = (
            item
            if isinstance(item, BusinessCalendar)
            else wrap(f"calendars.{name}", BusinessCalendar.from_dict, item)
        )
        out.append((name, calendar))
    return tuple(out)


def _to_agents(value: object) -> tuple[Agent, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidInput("agents", "a list of agents", value)
    out = []
    seen: set[str] = set()
    for i, agent in enumerate(value):
        if not isinstance(agent, Agent):
            raise InvalidInput(f"agents[{i}]", "a ticketcore.assign.Agent", agent)
        if agent.id in seen:
            raise InvalidInput(f"agents[{i}].id", "an id no other agent has", agent.id)
        seen.add(agent.id)
        out.append(agent)
    return tuple(out)


def _instance(kind: type, what: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise InvalidInput(attribute.name, what, value)

    return check


def _optional_backlog(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, BacklogOptions):
        raise InvalidInput("backlog", "a ticketcore.backlog.BacklogOptions or None", value)


@attrs.frozen(kw_only=True)
class DeskConfig:
    """The configuration of a `ticketcore.desk.Desk`: one value, checked as a whole.

    ``calendars`` are named business calendars; SLA policies and agents' shifts refer
    to them by name in the dict form. ``sla`` holds the policies (first match applies),
    ``routing`` the rules, pools, tiers and options, ``agents`` the starting agents,
    ``vocabulary`` the host's status names, and ``backlog`` (None: off) the options of
    the backlog metrics the desk keeps.

    Raises `ticketcore.InvalidInput` for any reference to something that does not exist,
    naming its path and listing the known names.
    """

    calendars: tuple[tuple[str, BusinessCalendar], ...] = attrs.field(default=(), converter=_to_calendars)
    sla: SLAPolicies = attrs.field(
        factory=lambda: SLAPolicies(()), validator=_instance(SLAPolicies, "a ticketcore.sla.SLAPolicies")
    )
    routing: Routing = attrs.field(validator=_instance(Routing, "a ticketcore.assign.Routing"))
    agents: tuple[Agent, ...] = attrs.field(default=(), converter=_to_agents)
    vocabulary: Vocabulary = attrs.field(
        factory=Vocabulary, validator=_instance(Vocabulary, "a ticketcore.desk.Vocabulary")
    )
    backlog: BacklogOptions | None = attrs.field(default=None, validator=_optional_backlog)

    def __attrs_post_init__(self) -> None:
        _check_references(self)

    def calendar(self, name: str) -> BusinessCalendar:
        """The calendar called ``name``; `InvalidInput` listing the known names otherwise."""
        for key, calendar in self.calendars:
            if key == name:
                return calendar
        raise InvalidInput.unknown_key("calendar", name, [k for k, _ in self.calendars], "calendars")

    # -- dict form -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form; `from_dict` reads it back to an equal value.

        A policy's calendar and an agent's shift that equal a named calendar are written
        as its name.
        """
        names = {calendar: name for name, calendar in reversed(self.calendars)}
        out: dict[str, Any] = {"version": CONFIG_VERSION}
        if self.calendars:
            out["calendars"] = {name: calendar.to_dict() for name, calendar in self.calendars}
        if self.vocabulary != Vocabulary():
            out["vocabulary"] = self.vocabulary.to_dict()
        if self.sla.policies:
            policies = []
            for policy in self.sla.policies:
                form = policy.to_dict()
                name = names.get(policy.calendar) if policy.calendar is not None else None
                if name is not None and policy.calendar_name == name:
                    form["calendar"] = name
                    del form["calendar_name"]
                policies.append(form)
            out["sla"] = {"policies": policies}
        out["routing"] = self.routing.to_dict()
        agents = []
        for agent in self.agents:
            form = agent.to_dict()
            if agent.shift is not None and agent.shift in names:
                form["shift"] = names[agent.shift]
            agents.append(form)
        out["agents"] = agents
        if self.backlog is not None:
            out["backlog"] = self.backlog.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: object, *, strategies: Mapping[str, Strategy] = NO_STRATEGIES) -> DeskConfig:
        """Read the dict form (the shape of a TOML or JSON configuration file).

        Keys: ``version`` (optional, at most `CONFIG_VERSION`), ``calendars``,
        ``vocabulary``, ``sla`` (``{"policies": [...]}``, each policy's ``calendar`` a
        calendar name or an inline calendar), ``routing``, ``agents`` (each ``shift`` a
        calendar name or an inline calendar) and ``backlog``. The vocabulary is read
        first, and the rest in it (`Vocabulary.active`): its priority and status names.
        ``strategies`` gives the pools' strategies of your own by name, as in
        ``strategies={"mine": Mine()}`` (see `ticketcore.assign.strategy_from_dict`).

        Raises:
            InvalidInput: naming the path of the bad key or value, such as
                ``sla.policies[2].calendar``, with the known names where a name is unknown.

        """
        check_depth(data, "config")
        keys = ("version", "calendars", "vocabulary", "sla", "routing", "agents", "backlog")
        d = check_keys(data, "", keys, ("routing",))
        version = d.pop("version", CONFIG_VERSION)
        if type(version) is not int or not 1 <= version <= CONFIG_VERSION:
            raise InvalidInput("version", f"a configuration version from 1 to {CONFIG_VERSION}", version)
        calendars = _to_calendars(d.get("calendars", {}))
        known = dict(calendars)
        d["calendars"] = calendars
        vocabulary = Vocabulary.from_dict(d["vocabulary"]) if "vocabulary" in d else Vocabulary()
        d["vocabulary"] = vocabulary
        # The rest names the host's priorities and statuses: read it in the host's vocabulary.
        with vocabulary.active():
            if "sla" in d:
                d["sla"] = _read_sla(d["sla"], known)
            d["routing"] = Routing.from_dict(d["routing"], "routing", strategies=strategies)
            if "agents" in d:
                d["agents"] = _read_agents(d["agents"], known)
            if d.get("backlog") is not None:
                d["backlog"] = wrap("backlog", BacklogOptions.from_dict, d["backlog"])
            try:
                return cls(**d)
            except InvalidInput as e:
                raise InvalidInput(e.field, e.expected, e.value) from None

    @classmethod
    def from_toml(cls, text: str, *, strategies: Mapping[str, Strategy] = NO_STRATEGIES) -> DeskConfig:
        """Read a configuration from TOML text (the host reads the file; ``strategies`` as for `from_dict`).

        A syntax error names its line and column.
        """
        _check_text(text)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InvalidInput("config", "valid TOML", str(e)) from None
        except RecursionError:
            raise InvalidInput("config", "TOML nested at most 64 levels deep", "deeper") from None
        return cls.from_dict(data, strategies=strategies)

    @classmethod
    def from_json(cls, text: str, *, strategies: Mapping[str, Strategy] = NO_STRATEGIES) -> DeskConfig:
        """Read a configuration from JSON text (the host reads it; ``strategies`` as for `from_dict`)."""
        _check_text(text)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidInput(
                "config", "valid JSON", f"{e.msg} at line {e.lineno} column {e.colno}"
            ) from None
        except RecursionError:
            raise InvalidInput("config", "JSON nested at most 64 levels deep", "deeper") from None
        return cls.from_dict(data, strategies=strategies)


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise InvalidInput("config", "the configuration as text", text)
    if len(text) > _MAX_TEXT:
        raise InvalidInput("config", f"at most {_MAX_TEXT:,} characters", f"{len(text):,} characters")


def _calendar_ref(value: object, path: str, known: dict[str, BusinessCalendar]) -> BusinessCalendar:
    if isinstance(value, str):
        if value not in known:
            raise InvalidInput.unknown_key(path, value, known, "calendars")
        return known[value]
    return wrap(path, BusinessCalendar.from_dict, value)


def _read_sla(data: object, known: dict[str, BusinessCalendar]) -> SLAPolicies:
    d = check_keys(data, "sla", ("policies",), ("policies",))
    raw = d["policies"]
    if not isinstance(raw, list):
        raise InvalidInput("sla.policies", "a list of policies", raw)
    policies = []
    for i, item in enumerate(raw):
        path = f"sla.policies[{i}]"
        form = check_keys(item, path, _POLICY_KEYS, ())
        ref = form.get("calendar")
        calendar = None if ref is None else _calendar_ref(ref, f"{path}.calendar", known)
        if isinstance(ref, str):
            form.setdefault("calendar_name", ref)
        form.pop("calendar", None)
        policy = SLAPolicy.from_dict(form, path)
        policies.append(attrs.evolve(policy, calendar=calendar) if calendar is not None else policy)
    return wrap("sla", SLAPolicies, tuple(policies))


_POLICY_KEYS: Final = (
    "name",
    "when",
    "calendar",
    "calendar_name",
    "targets",
    "suspicious_pause",
    "timezone_from",
)


def _read_agents(data: object, known: dict[str, BusinessCalendar]) -> tuple[Agent, ...]:
    if not isinstance(data, list):
        raise InvalidInput("agents", "a list of agents", data)
    out = []
    for i, item in enumerate(data):
        path = f"agents[{i}]"
        form = check_keys(item, path, _AGENT_KEYS, ("id",))
        shift = form.pop("shift", None)
        agent = Agent.from_dict(form, path)
        if shift is not None:
            agent = wrap(path, attrs.evolve, agent, shift=_calendar_ref(shift, f"{path}.shift", known))
        out.append(agent)
    return _to_agents(out)


_AGENT_KEYS: Final = tuple(f.name for f in attrs.fields(Agent))


def _check_references(config: DeskConfig) -> None:
    """Every name one part gives for another exists; an error names the path and the known names."""
    agents = {a.id for a in config.agents}
    routing = config.routing
    for i, pool in enumerate(routing.pools):
        for j, agent_id in enumerate(pool.agents or ()):
            if agent_id not in agents:
                raise InvalidInput.unknown_key(f"routing.pools[{i}].agents[{j}]", agent_id, agents, "agents")
    for i, rule in enumerate(routing.rules):
        if rule.agent is not None and rule.agent not in agents:
            raise InvalidInput.unknown_key(f"routing.rules[{i}].agent", rule.agent, agents, "agents")
    for i, rule in enumerate(routing.rules):
        _check_condition_priorities(rule.when, f"routing.rules[{i}].when", config)
    scale = config.vocabulary.priorities
    for i, policy in enumerate(config.sla.policies):
        _check_condition_priorities(policy.when, f"sla.policies[{i}].when", config)
        for j, target in enumerate(policy.targets):
            for priority, _ in target.goals:
                if priority not in scale:
                    scale.parse(priority, f"sla.policies[{i}].targets[{j}].goals.{priority.name}")
            for k, level in enumerate(target.ladder):
                path = f"sla.policies[{i}].targets[{j}].ladder[{k}].action"
                _check_action(level.action, path, agents, routing)
                action = level.action
                if isinstance(action, RaisePriority) and action.to is not None and action.to not in scale:
                    scale.parse(action.to, f"{path}.raise_priority")


def _check_condition_priorities(condition: Condition, path: str, config: DeskConfig) -> None:
    """Every priority a condition names is on the vocabulary's scale."""
    scale = config.vocabulary.priorities
    todo = [condition]
    while todo:
        c = todo.pop()
        if isinstance(c, All | Any_):
            todo.extend(c.parts)
        elif isinstance(c, Not):
            todo.append(c.part)
        elif isinstance(c, Test) and c.field == "priority":
            values = c.value if isinstance(c.value, frozenset | tuple) else (c.value,)
            for value in values:
                if isinstance(value, Priority) and value not in scale:
                    scale.parse(value, path)


def _check_action(action: object, path: str, agents: set[str], routing: Routing) -> None:
    if isinstance(action, Reassign) and action.to not in agents:
        raise InvalidInput.unknown_key(f"{path}.to", action.to, agents, "agents")
    if isinstance(action, MoveTier) and action.to is not None and routing.tier_pool(action.to) is None:
        tiers = sorted(t for t, _ in routing.tiers)
        raise InvalidInput(f"{path}.to", f"a tier the routing names a pool for ({tiers})", action.to)
