"""The assignment model: agents, pools, direct rules and the routing that holds them.

All of these are frozen attrs values with a JSON-compatible dict form (`to_dict` /
`from_dict`, an error naming the path of a bad key or value). Don't subclass them.

Why one module above 500 lines: it has one job, the assignment values, and most of it
is declarative fields with their docstrings; `Agent`, `Pool`, `Rule` and `Routing` share
the field readers and validators above `Agent` (and `Routing` checks its pools and
rules together), so splitting them would move those shared helpers into a third module
without making any of the parts simpler.
"""

from __future__ import annotations

import enum
import itertools
import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Status, Ticket, _optional_str, _parse_member, _tier, nonempty
from ticketcore._util import check_depth, check_keys, pairs_to_dict, read_bool
from ticketcore._util import wrap as _wrap
from ticketcore.assign._strategies import (
    NO_STRATEGIES,
    SEQUENTIAL,
    Strategy,
    check_own_name,
    read_strategies,
    strategy_from_dict,
)
from ticketcore.conditions import ALWAYS, Condition, text_equality
from ticketcore.sla import BusinessCalendar

__all__ = ["Agent", "BacklogOrder", "Pool", "Presence", "Routing", "Rule"]


class Presence(enum.Enum):
    """Whether an agent is at work: ``ONLINE``, ``AWAY`` or ``OFFLINE``.

    The host decides what each means (an idle timeout, a manual toggle, a logged-in
    session) and tells the dispatcher with `PresenceChanged`. Only ``ONLINE`` agents get
    tickets automatically unless a pool says ``assign_offline=True``.
    """

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"

    __hash__ = object.__hash__

    @classmethod
    def parse(cls, value: object, field: str = "presence") -> Presence:
        """A `Presence` from itself or its name, raising `InvalidInput` naming ``field``."""
        return _parse_member(cls, value, field)


class BacklogOrder(enum.Enum):
    """The order in which a pool's backlog is handed out.

    ``CREATED`` (oldest first, the default), ``PRIORITY`` (highest priority first, then
    oldest) and ``DUE`` (earliest SLA due time first: the earliest due time of the
    ticket's SLA targets under the `ticketcore.sla.SLAPolicies` given to the
    `Dispatcher`, computed from creation with the ticket's current fields; tickets
    without an SLA go last, oldest first). Ties go to the order in which the
    dispatcher learnt of the tickets (never to their ids).
    """

    CREATED = "created"
    PRIORITY = "priority"
    DUE = "due"

    __hash__ = object.__hash__

    @classmethod
    def parse(cls, value: object, field: str = "backlog_order") -> BacklogOrder:
        """A `BacklogOrder` from itself or its name, raising `InvalidInput` naming ``field``."""
        return _parse_member(cls, value, field)


_id = nonempty("a non-empty agent id")
_name = nonempty("a non-empty name")


def _str_set(value: object, field: str) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput(field, "a collection of strings", value)
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InvalidInput(field, "non-empty strings", item)
        out.append(item.strip().casefold())
    return frozenset(out)


def _to_departments(value: object) -> frozenset[str]:
    return _str_set(value, "departments")


def _to_skills(value: object) -> frozenset[str]:
    return _str_set(value, "skills")


def _to_languages(value: object) -> frozenset[str]:
    return _str_set(value, "languages")


def _to_escalation_tags(value: object) -> frozenset[str]:
    return _str_set(value, "escalation_tags")


def _opt_tier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _tier(instance, attribute, value)


def _cap(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (type(value) is not int or value < 1):
        raise InvalidInput(attribute.name, "a whole number, at least 1, or None for no limit", value)


def _to_channel_caps(value: object, field: str = "channel_caps") -> tuple[tuple[str, int], ...]:
    """Caps per channel as sorted ``(channel, cap)`` pairs: channels in lower case, caps 0 or more."""
    if value == ():  # the default, on every agent and pool built: no work
        return ()
    value = pairs_to_dict(value)
    if not isinstance(value, Mapping):
        raise InvalidInput(field, "a dict from channel name to a whole number, at least 0", value)
    out: dict[str, int] = {}
    for key, cap in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidInput(field, "non-empty channel names", key)
        channel = key.strip().casefold()
        if type(cap) is not int or cap < 0:
            raise InvalidInput(f"{field}.{key}", "a whole number, at least 0 (0: none of that channel)", cap)
        if channel in out:
            raise InvalidInput(f"{field}.{key}", "each channel once (names are case-insensitive)", key)
        out[channel] = cap
    return tuple(sorted(out.items()))


def _positive(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 1:
        raise InvalidInput(attribute.name, "a whole number, at least 1", value)


def _to_presence(value: object) -> Presence:
    return Presence.parse(value)


def _shift(instance: object, attribute: attrs.Attribute[BusinessCalendar | None], value: object) -> None:
    if value is not None and not isinstance(value, BusinessCalendar):
        raise InvalidInput("shift", "a ticketcore.sla.BusinessCalendar or None", value)


def _bool(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    read_bool(value, attribute.name)


def read_form(
    data: object, path: str, allowed: Iterable[str], required: Iterable[str], lists: Iterable[str] = ()
) -> dict[str, Any]:
    """A dict form checked before any of it is read.

    Not nested too deeply (`check_depth`), made of JSON's types only (no tuple, set or
    other object anywhere, whatever a converter would make of it), with only the
    ``allowed`` keys, every ``required`` one, and a list (or null) under each of ``lists``.
    """
    check_depth(data, path)
    stack: list[tuple[object, str]] = [(data, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                if not isinstance(k, str):
                    raise InvalidInput(where, "a dict with text keys", k)
                stack.append((v, f"{where}.{k}"))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif not (item is None or isinstance(item, str | int | float)):
            raise InvalidInput(where, "a JSON value (a dict, list, text, number, true/false or null)", item)
    d = check_keys(data, path, tuple(allowed), required)
    for key in lists:
        if d.get(key) is not None and not isinstance(d[key], list):
            raise InvalidInput(f"{path}.{key}", "a list", d[key])
    return d


def _dump(obj: object, key: str, defaults: Mapping[str, object]) -> dict[str, Any]:
    """The dict form of an Agent or Pool: ``key`` first, then every field not at its default."""
    out: dict[str, Any] = {key: getattr(obj, key)}
    for name, default in defaults.items():
        value = getattr(obj, name)
        if value == default:
            continue
        if isinstance(value, frozenset):
            value = sorted(value)
        elif name == "channel_caps":
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, BusinessCalendar | Strategy):
            value = value.to_dict()
        out[name] = value
    return out


@attrs.frozen(kw_only=True)
class Agent:
    """A person who takes tickets.

    ``skills`` and ``languages`` are case-insensitive (kept in lower case). ``cap`` is a
    personal cap on counted open tickets that overrides the pool's; ``channel_caps``
    caps the counted open tickets of each channel named (``{"chat": 3, "email": 10}``;
    channel names case-insensitive, kept in lower case as sorted pairs; 0 means none of
    that channel), each overriding the pool's cap for that channel; ``weight`` is the
    agent's share under the `Weighted` strategy; ``shift`` is a `BusinessCalendar` of
    the hours they work (pools that check shifts pass over an agent outside it).

    >>> Agent(id="miriam", skills={"Billing"}, languages={"de", "en"}).skills
    frozenset({'billing'})
    >>> Agent(id="ana", cap=10, channel_caps={"Chat": 3, "phone": 1}).to_dict()
    {'id': 'ana', 'cap': 10, 'channel_caps': {'chat': 3, 'phone': 1}}
    """

    id: str = attrs.field(validator=_id)
    departments: frozenset[str] = attrs.field(default=frozenset(), converter=_to_departments)
    tier: int = attrs.field(default=1, validator=_tier)
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_to_skills)
    languages: frozenset[str] = attrs.field(default=frozenset(), converter=_to_languages)
    presence: Presence = attrs.field(default=Presence.ONLINE, converter=_to_presence)
    cap: int | None = attrs.field(default=None, validator=_cap)
    channel_caps: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_to_channel_caps)
    weight: int = attrs.field(default=1, validator=_positive)
    shift: BusinessCalendar | None = attrs.field(default=None, validator=_shift)

    def channel_cap(self, channel: str) -> int | None:
        """The agent's own cap for ``channel`` (any case), or None when they have none for it."""
        return dict(self.channel_caps).get(channel.casefold())

    def to_dict(self) -> dict[str, Any]:
        """The dict form; fields at their default are left out."""
        return _dump(self, "id", _AGENT_DEFAULTS)

    @classmethod
    def from_dict(cls, data: object, path: str = "agent") -> Agent:
        """Read the dict form; an error names the path of the bad key or value."""
        d = read_form(data, path, _AGENT_FIELDS, ("id",), ("departments", "skills", "languages"))
        if d.get("shift") is not None:
            d["shift"] = _wrap(f"{path}.shift", BusinessCalendar.from_dict, d["shift"])
        return _wrap(path, cls, **d)


_AGENT_FIELDS: Final = tuple(f.name for f in attrs.fields(Agent))
_AGENT_READ: Final = operator.attrgetter(*_AGENT_FIELDS)
_AGENT_SET: Final = tuple(Agent.__dict__[name].__set__ for name in _AGENT_FIELDS)
_PRESENCE_AT: Final = _AGENT_FIELDS.index("presence")


def with_presence(agent: Agent, presence: Presence) -> Agent:
    """``attrs.evolve(agent, presence=presence)`` without running the converters and validators again.

    For the dispatcher's `PresenceChanged`: every other field is already the agent's, and
    ``presence`` is a `Presence` (the event converted it). A test compares the two.
    """
    values = list(_AGENT_READ(agent))
    values[_PRESENCE_AT] = presence
    out = object.__new__(Agent)
    for put, value in zip(_AGENT_SET, values, strict=True):
        put(out, value)
    return out


_AGENT_DEFAULTS: Final = {f.name: f.default for f in attrs.fields(Agent) if f.name != "id"}


def _members(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput("agents", "a list of agent ids, or None", value)
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item:
            raise InvalidInput("agents", "non-empty agent ids", item)
        if item in out:
            raise InvalidInput("agents", "each agent at most once", item)
        out.append(item)
    if not out:
        raise InvalidInput("agents", "at least one agent id, or None for every agent", value)
    return tuple(out)


def _strategy(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Strategy):
        raise InvalidInput("strategy", "a selection strategy such as Sequential() or LeastLoaded()", value)
    check_own_name(value)


def _to_order(value: object) -> BacklogOrder:
    return BacklogOrder.parse(value)


@attrs.frozen(kw_only=True)
class Pool:
    """A set of agents who share tickets, and how they share them.

    Membership, in a stable order that the strategies rely on:

    - ``agents``: exactly these agents, in the order given (the order they were added);
    - otherwise every agent, or those in ``department`` when it is set, in the order of
      their ids (Zoho uses alphabetical order for departments and teams).

    Filters pass a member over, with the reason recorded in the decision: ``tier``
    (the agent's tier must equal it), ``skills`` (the agent must have all of them),
    ``match_language`` (the agent must speak the ticket's language, when it has one) and
    ``check_shift`` (an agent with a shift calendar must be on shift at the moment of the
    decision; an agent without one always is).

    Options, per pool as in Zoho's per-department preferences:

    - ``strategy``: how one of the eligible agents is chosen (default `Sequential`);
    - ``cap``: the most counted open tickets an agent may hold (an agent's own ``cap``
      overrides it); an agent is eligible while their load is strictly below it;
    - ``channel_caps``: the most counted open tickets of each channel named an agent may
      hold (``{"chat": 3}``; an agent's own cap for a channel overrides the pool's for
      it): a ticket of that channel needs its agent strictly below both that cap and the
      overall one, like Freshdesk's default limits per kind of work;
    - ``assign_offline``: include away and offline agents (default False: online only);
    - ``backlog``: a ticket that finds nobody waits in the pool's backlog and is handed
      out as capacity frees (default False: it is left unassigned, with the reason);
    - ``backlog_order``, ``backlog_limit`` (the most backlog tickets one agent gets in one
      pass, or None) and ``assign_on_closure`` (a ticket's closure gives the freed slot
      to its owner first).
    """

    name: str = attrs.field(validator=_name)
    agents: tuple[str, ...] | None = attrs.field(default=None, converter=_members)
    department: str | None = attrs.field(default=None, validator=_optional_str)
    tier: int | None = attrs.field(default=None, validator=_opt_tier)
    skills: frozenset[str] = attrs.field(default=frozenset(), converter=_to_skills)
    match_language: bool = attrs.field(default=False, validator=_bool)
    check_shift: bool = attrs.field(default=True, validator=_bool)
    strategy: Strategy = attrs.field(default=SEQUENTIAL, validator=_strategy)
    cap: int | None = attrs.field(default=None, validator=_cap)
    channel_caps: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_to_channel_caps)
    assign_offline: bool = attrs.field(default=False, validator=_bool)
    backlog: bool = attrs.field(default=False, validator=_bool)
    backlog_order: BacklogOrder = attrs.field(default=BacklogOrder.CREATED, converter=_to_order)
    backlog_limit: int | None = attrs.field(default=None, validator=_cap)
    assign_on_closure: bool = attrs.field(default=False, validator=_bool)

    def channel_cap(self, channel: str) -> int | None:
        """The pool's cap for ``channel`` (any case), or None when it has none for it."""
        return dict(self.channel_caps).get(channel.casefold())

    def to_dict(self) -> dict[str, Any]:
        """The dict form; fields at their default are left out."""
        return _dump(self, "name", _POOL_DEFAULTS)

    @classmethod
    def from_dict(
        cls, data: object, path: str = "pool", *, strategies: Mapping[str, Strategy] = NO_STRATEGIES
    ) -> Pool:
        """Read the dict form; an error names the path of the bad key or value.

        ``strategies`` gives the strategies of your own by name (see `strategy_from_dict`).
        """
        strategies = read_strategies(strategies)
        d = read_form(data, path, _POOL_FIELDS, ("name",), ("agents", "skills"))
        if "strategy" in d:
            d["strategy"] = strategy_from_dict(d["strategy"], f"{path}.strategy", strategies=strategies)
        return _wrap(path, cls, **d)


_POOL_FIELDS: Final = tuple(f.name for f in attrs.fields(Pool))
_POOL_DEFAULTS: Final = {f.name: f.default for f in attrs.fields(Pool) if f.name != "name"}

_EVENTS: Final = frozenset({"create", "update"})


def _to_on(value: object) -> frozenset[str]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable):
        raise InvalidInput("on", "a collection of 'create' and 'update'", value)
    value = list(value)
    if not all(isinstance(v, str) for v in value):
        raise InvalidInput("on", "a non-empty collection of 'create' and 'update'", value)
    out = frozenset(value)
    if not out or not out <= _EVENTS:
        raise InvalidInput("on", "a non-empty collection of 'create' and 'update'", sorted(map(str, out)))
    return out


def _condition(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Condition):
        raise InvalidInput("when", "a ticketcore.conditions.Condition", value)


@attrs.frozen(kw_only=True)
class Rule:
    """A direct-assignment rule: when ``when`` matches a ticket, send it to one target.

    The target is exactly one of ``agent`` (an agent id), ``pool`` (a pool name) or
    ``tier`` (the pool `Routing.tiers` names for that tier; the ticket moves to the tier).
    ``on`` says when the rule runs: on ``"create"`` (the default), on ``"update"``, or both.

    By default a rule to an agent assigns even when that agent is offline or at the cap,
    since the admin asked for exactly that agent; ``respect_availability=True`` makes it
    check both (the agent's own cap, else the lowest cap of the pools they are a member
    of) and fall through to the next rule instead.

    >>> from ticketcore.conditions import F
    >>> Rule(name="chat to Catherine", when=F.channel == "chat", agent="catherine").to_dict()
    {'name': 'chat to Catherine', 'when': {'field': 'channel', 'eq': 'chat'}, 'agent': 'catherine'}
    """

    name: str = attrs.field(validator=_name)
    when: Condition = attrs.field(default=ALWAYS, validator=_condition)
    agent: str | None = attrs.field(default=None, validator=_optional_str)
    pool: str | None = attrs.field(default=None, validator=_optional_str)
    tier: int | None = attrs.field(default=None, validator=_opt_tier)
    on: frozenset[str] = attrs.field(default=frozenset({"create"}), converter=_to_on)
    respect_availability: bool = attrs.field(default=False, validator=_bool)

    def __attrs_post_init__(self) -> None:
        targets = [t for t in (self.agent, self.pool, self.tier) if t is not None]
        if len(targets) != 1:
            raise InvalidInput("target", "exactly one of 'agent', 'pool' or 'tier'", targets)

    @property
    def target(self) -> str:
        """The target in words: ``agent 'x'``, ``pool 'y'`` or ``tier 2``."""
        if self.agent is not None:
            return f"agent {self.agent!r}"
        if self.pool is not None:
            return f"pool {self.pool!r}"
        return f"tier {self.tier}"

    def to_dict(self) -> dict[str, Any]:
        """The dict form; fields at their default are left out."""
        out: dict[str, Any] = {"name": self.name, "when": self.when.to_dict()}
        for key in ("agent", "pool", "tier"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.on != {"create"}:
            out["on"] = sorted(self.on)
        if self.respect_availability:
            out["respect_availability"] = True
        return out

    @classmethod
    def from_dict(cls, data: object, path: str = "rule") -> Rule:
        """Read the dict form; an error names the path of the bad key or value."""
        d = read_form(data, path, _RULE_FIELDS, ("name",))
        if "on" in d and not isinstance(d["on"], str | list):
            raise InvalidInput(f"{path}.on", "'create', 'update' or a list of them", d["on"])
        if "when" in d:
            d["when"] = Condition.from_dict(d["when"], f"{path}.when")
        return _wrap(path, cls, **d)


_RULE_FIELDS: Final = tuple(f.name for f in attrs.fields(Rule))


def _named_list(value: object, field: str, kind: type[Any], noun: str) -> tuple[Any, ...]:
    """A tuple of ``kind`` values with distinct ``name``s, or `InvalidInput` naming ``field[i]``."""
    if not isinstance(value, Iterable) or isinstance(value, str | Mapping):
        raise InvalidInput(field, f"a list of {kind.__name__}", value)
    out = tuple(value)
    seen: set[str] = set()
    for i, item in enumerate(out):
        if not isinstance(item, kind):
            raise InvalidInput(f"{field}[{i}]", f"a {kind.__name__}", item)
        if item.name in seen:
            raise InvalidInput(f"{field}[{i}].name", f"a name no other {noun} has", item.name)
        seen.add(item.name)
    return out


def _to_rules(value: object) -> tuple[Rule, ...]:
    return _named_list(value, "rules", Rule, "rule")


def _to_pools(value: object) -> tuple[Pool, ...]:
    return _named_list(value, "pools", Pool, "pool")


def _to_tiers(value: object) -> tuple[tuple[int, str], ...]:
    value = pairs_to_dict(value)
    if not isinstance(value, Mapping):
        raise InvalidInput("tiers", "a dict from tier (1-4) to pool name", value)
    out = []
    for key, name in value.items():
        tier = int(key) if isinstance(key, str) and key.isdigit() else key
        if type(tier) is not int or not 1 <= tier <= 4:
            raise InvalidInput(f"tiers.{key}", "a support tier from 1 to 4", key)
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"tiers.{key}", "a pool name", name)
        out.append((tier, name))
    return tuple(sorted(out))


def _to_statuses(value: object) -> frozenset[Status]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput("counted", "a collection of statuses", value)
    out = frozenset(Status.parse(v, "counted") for v in value)
    if not out or any(s.is_resolved for s in out):
        got = sorted(s.value for s in out)
        raise InvalidInput("counted", "unresolved statuses (solved and closed tickets never count)", got)
    return out


#: The statuses that count toward an agent's load by default: new, open and in progress
#: (Zendesk's choice); pending and on-hold tickets stay assigned but do not count.
DEFAULT_COUNTED: Final = frozenset({Status.NEW, Status.OPEN, Status.IN_PROGRESS})


@attrs.frozen(kw_only=True)
class Routing:
    """The whole assignment configuration: rules, pools, tiers and the shared options.

    How a new ticket is routed:

    1. a ticket carrying one of ``escalation_tags`` (such as ``"crash"``) moves up one
       tier at once and goes to that tier's pool;
    2. otherwise the first rule (in order) with ``"create"`` in its ``on`` that matches
       sends it to its target;
    3. otherwise it goes to the pool ``tiers`` names for its tier, if any;
    4. otherwise to ``default_pool``, if set;
    5. otherwise it is left unassigned, with that reason. Never to "everyone".

    ``counted`` is the set of statuses that count toward an agent's load (default: new,
    open and in progress). ``return_on_offline``: when an agent goes offline, their
    tickets that have had no public reply yet go back to routing (default False: an
    agent keeps their tickets).
    """

    rules: tuple[Rule, ...] = attrs.field(default=(), converter=_to_rules)
    pools: tuple[Pool, ...] = attrs.field(default=(), converter=_to_pools)
    tiers: tuple[tuple[int, str], ...] = attrs.field(default=(), converter=_to_tiers)
    default_pool: str | None = attrs.field(default=None, validator=_optional_str)
    escalation_tags: frozenset[str] = attrs.field(default=frozenset(), converter=_to_escalation_tags)
    counted: frozenset[Status] = attrs.field(default=DEFAULT_COUNTED, converter=_to_statuses)
    return_on_offline: bool = attrs.field(default=False, validator=_bool)
    _index: _RuleIndex = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _RuleIndex(self.rules, self.tiers))
        names = {p.name for p in self.pools}
        for i, rule in enumerate(self.rules):
            if rule.pool is not None and rule.pool not in names:
                raise InvalidInput.unknown_key(f"rules[{i}].pool", rule.pool, names, "pool names")
            if rule.tier is not None and rule.tier not in dict(self.tiers):
                known = sorted(dict(self.tiers))
                raise InvalidInput(
                    f"rules[{i}].tier", f"a tier that 'tiers' names a pool for ({known})", rule.tier
                )
        for tier, name in self.tiers:
            if name not in names:
                raise InvalidInput.unknown_key(f"tiers.{tier}", name, names, "pool names")
        if self.default_pool is not None and self.default_pool not in names:
            raise InvalidInput.unknown_key("default_pool", self.default_pool, names, "pool names")

    def pool(self, name: str) -> Pool:
        """The pool called ``name``."""
        for pool in self.pools:
            if pool.name == name:
                return pool
        raise InvalidInput.unknown_key("pool", name, [p.name for p in self.pools], "pool names")

    def matching(self, ticket: Ticket) -> Iterator[Rule]:
        """The rules whose condition the ticket meets, in order (whatever their ``on``).

        A run of two or more rules that each test one text field for equality
        (``F.product_code == "XT372"``) is looked up by the ticket's value, so routing
        by a table of hundreds of such rules costs one lookup, not one test per rule.
        """
        for field, table, rules in self._index.segments:
            if field is None:
                if rules[0].when.matches(ticket):
                    yield rules[0]
            else:
                got = getattr(ticket, field)
                if isinstance(got, str):
                    yield from table.get(got.casefold(), ())

    def _may_match(self, ticket: Ticket, kind: str) -> bool:
        """Whether some rule with ``kind`` in its ``on`` matches the ticket (False: `matching` finds none).

        For the dispatcher's fast path; it tests the conditions in `matching`'s order and
        stops at the first hit, so it tests nothing `matching` would not.
        """
        for field, table, rules in self._index.create if kind == "create" else self._index.update:
            if field is None:
                if rules[0].when.matches(ticket):
                    return True
            else:
                got = getattr(ticket, field)
                if isinstance(got, str) and got.casefold() in table:
                    return True
        return False

    def tier_pool(self, tier: int) -> str | None:
        """The name of the pool for support tier ``tier``, or None."""
        if type(tier) is not int:
            raise InvalidInput("tier", "a support tier (a whole number)", tier)
        return self._index.tiers.get(tier)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form; options at their default are left out."""
        out: dict[str, Any] = {
            "rules": [r.to_dict() for r in self.rules],
            "pools": [p.to_dict() for p in self.pools],
        }
        if self.tiers:
            out["tiers"] = {str(t): name for t, name in self.tiers}
        if self.default_pool is not None:
            out["default_pool"] = self.default_pool
        if self.escalation_tags:
            out["escalation_tags"] = sorted(self.escalation_tags)
        if self.counted != DEFAULT_COUNTED:
            out["counted"] = sorted(s.value for s in self.counted)
        if self.return_on_offline:
            out["return_on_offline"] = True
        return out

    @classmethod
    def from_dict(
        cls, data: object, path: str = "routing", *, strategies: Mapping[str, Strategy] = NO_STRATEGIES
    ) -> Routing:
        """Read the dict form; an error names the path of the bad key or value.

        ``strategies`` gives the pools' strategies of your own by name (see `strategy_from_dict`).

        >>> from ticketcore import InvalidInput
        >>> try:
        ...     Routing.from_dict({"pools": [{"name": "all", "cap": 5}], "default_pol": "all"})
        ... except InvalidInput as e:
        ...     print(e.field, "|", e.expected.split("(")[-1])
        routing.default_pol | did you mean 'default_pool'?)
        """
        strategies = read_strategies(strategies)
        d = read_form(data, path, _ROUTING_FIELDS, (), ("rules", "pools", "escalation_tags", "counted"))
        rules = d.get("rules") or []
        pools = d.get("pools") or []
        if "tiers" in d and not isinstance(d["tiers"], dict):
            raise InvalidInput(f"{path}.tiers", "a dict from tier (1-4) to pool name", d["tiers"])
        d["rules"] = [Rule.from_dict(r, f"{path}.rules[{i}]") for i, r in enumerate(rules)]
        d["pools"] = [
            Pool.from_dict(p, f"{path}.pools[{i}]", strategies=strategies) for i, p in enumerate(pools)
        ]
        return _wrap(path, cls, **d)


_ROUTING_FIELDS: Final = tuple(f.name for f in attrs.fields(Routing))


#: A segment of `_RuleIndex`: ``(field, table, rules)``.
Segment = tuple[str | None, dict[str, tuple[Rule, ...]], tuple[Rule, ...]]


class _RuleIndex:
    """A routing's rules as segments ``(field, table, rules)``, for `Routing.matching`.

    A segment is one rule tested as written (``field`` None, ``rules`` that rule), or a
    run of equality rules on ``field``, the ``table`` giving the rules of the run for
    each (casefolded) value, in order.

    Such a test matches when the field is a string whose casefold equals its value (see
    `text_equality`), so a lookup by ``got.casefold()`` matches the same rules.
    """

    __slots__ = ("create", "segments", "tiers", "update")

    def __init__(self, rules: tuple[Rule, ...], tiers: tuple[tuple[int, str], ...]) -> None:
        self.tiers = dict(tiers)
        segments: list[Segment] = []
        tests = [text_equality(rule.when) or (None, "") for rule in rules]
        for field, run in itertools.groupby(zip(rules, tests, strict=True), key=lambda pair: pair[1][0]):
            group = list(run)
            if field is not None and len(group) >= 2:
                table: dict[str, tuple[Rule, ...]] = {}
                for rule, (_, value) in group:
                    table[value] = (*table.get(value, ()), rule)
                segments.append((field, table, tuple(rule for rule, _ in group)))
            else:
                segments.extend((None, {}, (rule,)) for rule, _ in group)
        self.segments = tuple(segments)
        self.create = self._on(segments, "create")
        self.update = self._on(segments, "update")

    @staticmethod
    def _on(segments: list[Segment], kind: str) -> tuple[Segment, ...]:
        """The segments with the rules whose ``on`` has ``kind`` alone (for `Routing._may_match`)."""
        out: list[Segment] = []
        for field, table, rules in segments:
            if field is None:
                if kind in rules[0].on:
                    out.append((None, table, rules))
                continue
            kept = {v: hit for v, got in table.items() if (hit := tuple(r for r in got if kind in r.on))}
            if kept:
                out.append((field, kept, tuple(r for r in rules if kind in r.on)))
        return tuple(out)
