"""Mutation fuzz of every other public dict form: refused with a named error, or an exact round trip.

Each form has a realistic seed with every optional key present. `mutations` swaps values
for hostile ones, deletes, wraps, nests and adds keys; each input is read and must raise a
`ticketcore.TicketcoreError` or be accepted and round-trip exactly through strict JSON.
Stateful readers (the dispatcher, the SLA clock, the desk) compare dict forms, and an accepted
mutated state must still take one valid further event. The configuration's TOML and JSON
texts are also mutated as text: truncated, bytes flipped, nested deep.

The laws per form are bounded (a few dozen inputs per form). The long run (marked slow, and run
by the default command like every test) tries ten times the Hypothesis profile's
``max_examples`` over all forms at once: 1,000 inputs with the "dev" profile, 1,500 with "ci",
20,000 with ``HYPOTHESIS_PROFILE=thorough``; it prints the outcomes per form (visible with ``-s``).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_helpers import BY_FORM, DictForm, assert_rejects_or_roundtrips, mutations
from ticketcore import Ticket
from ticketcore.assign import (
    Agent,
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    Dispatcher,
    Pool,
    PoolChanged,
    PoolRotation,
    Presence,
    PresenceChanged,
    Rotation,
    Routing,
    RoutingChanged,
    Rule,
    Tick,
    TicketEscalated,
    TicketTransferred,
    Weighted,
    strategy_from_dict,
)
from ticketcore.backlog import BacklogOptions
from ticketcore.desk import EVENT_TYPES, Desk, DeskConfig, Vocabulary, event_from_dict, event_to_dict
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)
from ticketcore.sla import Action, BusinessCalendar, Level, SLAClock, SLAPolicies, SLAPolicy, Target

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)

# -- seeds: every optional key present ----------------------------------------------------

CALENDAR: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "hours": {
        "mon": ["08:00-12:00", "13:00-17:00"],
        "tue": ["08:00-17:00"],
        "wed": ["08:00-17:00"],
        "thu": ["08:00-17:00"],
        "fri": ["08:00-15:00"],
        "sat": ["22:00-06:00"],
    },
    "holidays": {
        "country": "DE",
        "subdiv": "BY",
        "categories": ["public"],
        "dates": ["2026-12-24", "2026-12-31"],
        "annual": ["12-24"],
    },
    "closures": [{"start": "2026-03-04T12:00", "end": "2026-03-04T14:30"}],
    "openings": [{"date": "2026-03-07", "hours": ["10:00-14:00"]}],
    "horizon_days": 800,
}

AGENT: dict[str, Any] = {
    "id": "ana",
    "departments": ["billing", "sales"],
    "tier": 2,
    "skills": ["refunds", "sepa"],
    "languages": ["de", "en"],
    "presence": "away",
    "cap": 4,
    "weight": 3,
    "shift": CALENDAR,
}

POOL: dict[str, Any] = {
    "name": "billing",
    "agents": ["ana", "ben"],
    "department": "billing",
    "tier": 1,
    "skills": ["refunds"],
    "match_language": True,
    "check_shift": False,
    "strategy": "weighted",
    "cap": 5,
    "assign_offline": True,
    "backlog": True,
    "backlog_order": "priority",
    "backlog_limit": 2,
    "assign_on_closure": True,
}

RULE: dict[str, Any] = {
    "name": "vip chat to ana",
    "when": {"all": [{"field": "channel", "eq": "chat"}, {"field": "tags", "has": "vip"}]},
    "agent": "ana",
    "on": ["create", "update"],
    "respect_availability": True,
}

ROUTING: dict[str, Any] = {
    "rules": [
        RULE,
        {"name": "refunds", "when": {"field": "subject", "contains": "refund"}, "pool": "billing"},
        {"name": "crash", "when": {"field": "tags", "has": "crash"}, "tier": 2, "on": "update"},
    ],
    "pools": [
        POOL,
        {"name": "team", "cap": 2, "backlog": True, "strategy": "least_loaded", "check_shift": False},
        {"name": "second", "tier": 2, "strategy": "spare_percentage", "cap": 3},
    ],
    "tiers": {"1": "team", "2": "second"},
    "default_pool": "team",
    "escalation_tags": ["outage"],
    "counted": ["new", "open", "in_progress", "pending"],
    "return_on_offline": True,
}

ROTATION: dict[str, Any] = {
    "pools": {
        "billing": {"last": "ana", "index": 0, "credits": {"ana": -1, "ben": 1}},
        "team": {"last": "ben", "index": 1, "credits": {}},
    },
    "counter": 7,
    "assigned": {"ana": 6, "ben": 7},
}

LEVEL: dict[str, Any] = {"before": "30m", "action": {"notify": "team lead"}}

TARGET: dict[str, Any] = {
    "name": "next_response",
    "metric": "next_response",
    "goals": {"urgent": "30m", "high": "2h", "normal": "28h", "low": "3d"},
    "pause_on": ["pending", "on_hold"],
    "on_reopen": "restart",
    "on_priority_change": "retroactive",
    "ladder": [
        LEVEL,
        {"at": 0.8, "action": {"raise_priority": "urgent"}},
        {"after": "1h", "action": {"move_tier": 2}},
        {"after": "2h", "action": {"reassign": "ben"}},
    ],
    "repeat": "cumulative",
}

POLICY: dict[str, Any] = {
    "name": "standard",
    "when": {"field": "priority", "gte": "normal"},
    "calendar": CALENDAR,
    "calendar_name": "office",
    "targets": [
        {
            "name": "first_response",
            "metric": "first_response",
            "goals": {"all": "1h"},
            "on_solve_without_reply": "keep_running",
            "ladder": [{"at": 0.5, "action": {"notify": "ana"}}],
        },
        TARGET,
        {
            "name": "resolution",
            "metric": "resolution",
            "goals": {"all": "2d", "urgent": "4h"},
            "pause_on": ["on_hold"],
            "on_reopen": "restart",
            "on_priority_change": "restart",
            "ladder": [{"after": "0m", "action": {"move_tier": 2}}],
        },
        {
            "name": "waiting",
            "metric": "time_in_status",
            "status": "new",
            "goals": {"all": "8h"},
            "repeat": "first_only",
        },
    ],
    "suspicious_pause": "10m",
    "timezone_from": "custom.timezone",
}

POLICIES: dict[str, Any] = {
    "policies": [
        POLICY,
        {
            "name": "fallback",
            "targets": [{"name": "resolution", "metric": "resolution", "goals": {"all": "5d"}}],
        },
    ]
}

BACKLOG: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "week_starts": "sun",
    "window": 6,
    "growing_weeks": 2,
    "spike_factor": 2.5,
    "by": ["channel", "priority"],
    "calendar": CALENDAR,
}

VOCABULARY: dict[str, Any] = {
    "statuses": {
        "New": "new",
        "Working": "open",
        "In progress": "in_progress",
        "Waiting on customer": "pending",
        "Waiting on vendor": "on_hold",
        "Resolved": "solved",
        "Closed": "closed",
    }
}

CONFIG: dict[str, Any] = {
    "version": 1,
    "calendars": {"office": CALENDAR, "nights": {"timezone": "UTC", "hours": {"mon": ["22:00-06:00"]}}},
    "vocabulary": VOCABULARY,
    "sla": {
        "policies": [
            {**POLICY, "calendar": "office", "calendar_name": "office"},
            {"name": "inline", "calendar": {"timezone": "UTC", "hours": {"tue": ["09:00-17:00"]}},
             "targets": [{"name": "resolution", "metric": "resolution", "goals": {"all": "1d"}}]},
        ]
    },
    "routing": ROUTING,
    "agents": [
        {**AGENT, "shift": "office", "presence": "online"},
        {"id": "ben", "shift": "nights", "departments": ["billing"], "skills": ["refunds"],
         "languages": ["de"]},
        {"id": "cy", "tier": 2, "shift": {"timezone": "UTC", "hours": {"wed": ["00:00-24:00"]}}},
    ],
    "backlog": BACKLOG,
}  # fmt: skip


def _ticket(n: int, minute: float, **fields: Any) -> Ticket:
    base: dict[str, Any] = {
        "channel": "chat",
        "priority": "high",
        "tags": ["vip"],
        "subject": "Refund please",
        "language": "de",
        "custom": {"timezone": "Europe/Berlin", "seats": 12},
    }
    return Ticket(id=f"T-{n}", created=T0 + timedelta(minutes=minute), **{**base, **fields})


def _at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


#: One event of every type the desk reads, each with every optional field.
EVENTS: list[object] = [
    TicketCreated(ticket=_ticket(9, 60, assignee="ana", tier=2, status="open"), by_agent=True, event_id="e1"),
    TicketUpdated(
        ticket_id="T-1",
        at=_at(61),
        changes={"priority": "urgent", "tags": ["vip", "crash"], "custom": {"seats": 3}, "tier": 2},
        event_id="e2",
    ),
    StatusChanged(ticket_id="T-1", at=_at(62), status="pending", by="ana", event_id="e3"),
    CustomerMessage(ticket_id="T-1", at=_at(63), event_id="e4"),
    AgentReply(ticket_id="T-1", at=_at(64), public=False, agent_id="ana", event_id="e5"),
    DueDateSet(ticket_id="T-1", at=_at(65), target="resolution", due=_at(600), event_id="e6"),
    AgentAdded(
        at=_at(66), agent=Agent.from_dict({**AGENT, "id": "dan"}), pools=("billing", "team"), event_id="e7"
    ),
    AgentRemoved(at=_at(67), agent_id="ben", event_id="e8"),
    AgentChanged(
        at=_at(68),
        agent_id="ana",
        changes={"cap": 3, "skills": {"sepa"}, "shift": BusinessCalendar.from_dict(CALENDAR), "tier": 2},
        event_id="e9",
    ),
    PresenceChanged(at=_at(69), agent_id="ana", presence=Presence.OFFLINE, event_id="e10"),
    TicketTransferred(at=_at(70), ticket_id="T-1", to_agent="ben", by="ana", event_id="e11"),
    TicketEscalated(at=_at(71), ticket_id="T-1", to_tier=2, reason="customer asked", event_id="e12"),
    Tick(at=_at(72), event_id="e13"),
    RoutingChanged(at=_at(73), routing=Routing.from_dict(ROUTING), event_id="e14"),
    PoolChanged(
        at=_at(74),
        pool="team",
        changes={"cap": 4, "strategy": Weighted(), "skills": ["sepa"]},
        event_id="e15",
    ),
]


# -- states: real ones, after a few events ---------------------------------------------------


def _history() -> list[TicketCreated | AgentReply | StatusChanged | CustomerMessage | Tick]:
    """Tickets that get assigned, fill the caps and wait in backlogs; replies, pauses and a solve."""
    return [
        TicketCreated(ticket=_ticket(1, 0)),
        TicketCreated(ticket=_ticket(2, 5, tags=["outage"], subject="Down")),
        TicketCreated(ticket=_ticket(3, 10, channel="email", tags=[], language="en")),
        TicketCreated(ticket=_ticket(4, 12, channel="email", tags=[], priority="urgent")),
        TicketCreated(ticket=_ticket(5, 14, channel="web", tags=[], priority="normal")),
        TicketCreated(ticket=_ticket(6, 15, channel="web", tags=[], priority="low")),
        AgentReply(ticket_id="T-1", at=_at(20), agent_id="ana"),
        StatusChanged(ticket_id="T-3", at=_at(25), status="pending"),
        CustomerMessage(ticket_id="T-3", at=_at(30)),
        StatusChanged(ticket_id="T-5", at=_at(35), status="solved"),
        Tick(at=_at(40)),
    ]


def _dispatcher() -> Dispatcher:
    config = DeskConfig.from_dict(CONFIG)
    d = Dispatcher(config.routing, config.agents, sla=config.sla)
    for event in _history():
        if not isinstance(event, AgentReply | CustomerMessage):
            d.handle(event)
    return d


def _clock() -> SLAClock:
    clock = SLAClock(SLAPolicies.from_dict(POLICIES))
    for event in _history():
        if not isinstance(event, Tick) and event.ticket_id == "T-1":
            clock.handle(event)
    clock.handle(StatusChanged(ticket_id="T-1", at=_at(45), status="pending"))
    clock.handle(CustomerMessage(ticket_id="T-1", at=_at(50)))
    clock.handle(StatusChanged(ticket_id="T-1", at=_at(55), status="open"))
    clock.advance(_at(2 * 24 * 60))
    return clock


def _desk() -> Desk:
    desk = Desk(DeskConfig.from_dict(CONFIG))
    for i, event in enumerate(_history()):
        desk.handle(attrs.evolve(event, event_id=f"h{i}"))
    desk.advance(_at(6 * 60))
    return desk


DESK_CONFIG = DeskConfig.from_dict(CONFIG)
SLA_POLICIES = SLAPolicies.from_dict(POLICIES)
DISPATCHER_STATE = _dispatcher().to_dict()
CLOCK_STATE = _clock().to_dict()
DESK_STATE = _desk().to_dict()
DISPATCHER_SHARED = _dispatcher().shared_state()
DISPATCHER_TICKETS = [_dispatcher().ticket_state(f"T-{n}") for n in range(1, 7)]
LATER = _at(3 * 24 * 60)  # after every event of the states


def _next_ticket() -> TicketCreated:
    return TicketCreated(ticket=_ticket(99, 3 * 24 * 60, channel="email", tags=[]), event_id="next")


# -- readers: what each form is read with, and its dict form ---------------------------------


@attrs.frozen
class _Value:
    """An event read back, with `event_to_dict` as its dict form."""

    event: object

    def to_dict(self) -> dict[str, Any]:
        return event_to_dict(self.event)


@attrs.frozen
class _Strategy:
    """A strategy read back (its dict form is a name, not a dict)."""

    value: Any

    def to_dict(self) -> Any:
        return self.value.to_dict()


@attrs.frozen
class _Parts:
    """The dispatcher's parts, ``{"shared": ..., "tickets": [...]}``, read by `Dispatcher.from_parts`."""

    dispatcher: Dispatcher

    def to_dict(self) -> dict[str, Any]:
        d = self.dispatcher
        return {"shared": d.shared_state(), "tickets": [d.ticket_state(t) for t in _ids(d)]}


def _ids(d: Dispatcher) -> list[str]:
    return [entry["ticket"]["id"] for entry in d.to_dict()["tickets"]]


def _read_event(data: object) -> _Value:
    return _Value(event_from_dict(data))


def _read_strategy(data: object) -> _Strategy:
    return _Strategy(strategy_from_dict(data))


def _read_parts(data: object) -> _Parts:
    shared = data.get("shared") if isinstance(data, dict) else data
    tickets = data.get("tickets") if isinstance(data, dict) else ()
    return _Parts(
        Dispatcher.from_parts(shared, tickets if isinstance(tickets, list) else (), sla=SLA_POLICIES)
    )


def _read_dispatcher(data: object) -> Dispatcher:
    return Dispatcher.from_dict(data, sla=SLA_POLICIES)


def _read_clock(data: object) -> SLAClock:
    return SLAClock.from_dict(SLA_POLICIES, data)


def _read_desk(data: object) -> Desk:
    return Desk.from_dict(DESK_CONFIG, data)


def _dispatcher_goes_on(d: Dispatcher | _Parts) -> None:
    (d.dispatcher if isinstance(d, _Parts) else d).handle(_next_ticket())


def _clock_goes_on(clock: SLAClock) -> None:
    clock.handle(AgentReply(ticket_id="T-1", at=LATER, agent_id="ana"))
    clock.advance(LATER + H)


def _desk_goes_on(desk: Desk) -> None:
    desk.handle(_next_ticket())


def _action(data: object) -> DictForm:
    return Action.from_dict(data)


@attrs.frozen
class Form:
    """A public dict form: its seed, its reader and, for states, the step taken after a read."""

    name: str
    seed: object
    read: Callable[[Any], DictForm]
    compare_forms: bool = False
    then: Callable[[Any], object] | None = None


FORMS: list[Form] = [
    Form("Agent", AGENT, Agent.from_dict),
    Form("Pool", POOL, Pool.from_dict),
    Form("Rule", RULE, Rule.from_dict),
    Form("Routing", ROUTING, Routing.from_dict),
    Form("strategy", "spare_percentage", _read_strategy),
    Form("PoolRotation", ROTATION["pools"]["billing"], PoolRotation.from_dict),
    Form("Rotation", ROTATION, Rotation.from_dict),
    Form("Dispatcher", DISPATCHER_STATE, _read_dispatcher, True, _dispatcher_goes_on),
    Form(
        "Dispatcher.parts",
        {"shared": DISPATCHER_SHARED, "tickets": DISPATCHER_TICKETS},
        _read_parts,
        True,
        _dispatcher_goes_on,
    ),
    Form("BusinessCalendar", CALENDAR, BusinessCalendar.from_dict),
    Form("Target", TARGET, Target.from_dict),
    Form("Level", LEVEL, Level.from_dict),
    Form("Action", {"raise_priority": "urgent"}, _action),
    Form("SLAPolicy", POLICY, SLAPolicy.from_dict),
    Form("SLAPolicies", POLICIES, SLAPolicies.from_dict),
    Form("SLAClock", CLOCK_STATE, _read_clock, True, _clock_goes_on),
    Form("BacklogOptions", BACKLOG, BacklogOptions.from_dict),
    Form("DeskConfig", CONFIG, DeskConfig.from_dict),
    Form("Vocabulary", VOCABULARY, Vocabulary.from_dict),
    Form("Desk", DESK_STATE, _read_desk, True, _desk_goes_on),
    *(Form(f"event.{event_to_dict(e)['type']}", event_to_dict(e), _read_event) for e in EVENTS),
]
BY_NAME = {form.name: form for form in FORMS}


def test_every_event_type_has_a_seed() -> None:
    assert set(EVENT_TYPES) == {event_to_dict(e)["type"] for e in EVENTS}


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_every_seed_is_accepted_and_round_trips(form: Form) -> None:
    """The fuzz starts from valid documents (else it would test only the first check)."""
    assert "accepted" == assert_rejects_or_roundtrips(
        form.read, copy.deepcopy(form.seed), compare_forms=form.compare_forms, then=form.then
    )


def _fuzz(form: Form, data: object) -> None:
    assert_rejects_or_roundtrips(
        form.read, data, compare_forms=form.compare_forms, then=form.then, form=form.name
    )


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_form_is_refused_by_name_or_round_trips(form: Form, data: st.DataObject) -> None:
    """Law: a mutated dict form raises a TicketcoreError, or is accepted and round-trips exactly."""
    _fuzz(form, data.draw(mutations(form.seed), label="input"))


# -- the configuration as TOML and JSON text ------------------------------------------------


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, but characters beyond the BMP as themselves
    (JSON escapes them as surrogate pairs, which TOML refuses)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")  # TOML refuses a raw DEL


def _toml_value(value: object) -> str:
    """TOML for one value, inline (tables as inline tables); refuses what TOML cannot carry."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{_toml_string(str(k))} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(value)


def to_toml(data: object) -> str:
    """A TOML document for a dict of JSON-like values: top-level keys, values inline.

    TOML has no null: a key whose value is None is left out, as a host writing TOML would
    (the readers take a missing optional key as None; `BacklogOptions.to_dict` writes
    ``"calendar": None``, for one). A None elsewhere (in a list) cannot be written.
    """
    if not isinstance(data, dict):
        raise TypeError(data)
    return "".join(f"{_toml_string(str(k))} = {_toml_value(v)}\n" for k, v in data.items() if v is not None)


def _as_text(data: object, dump: Callable[[Any], str]) -> str | None:
    try:
        return dump(data)
    except (TypeError, ValueError, RecursionError):
        return None  # a value the format cannot carry: that mutation is tested as a dict


CONFIG_TOML = to_toml(CONFIG)
CONFIG_JSON = json.dumps(CONFIG, indent=1)


#: Text spliced into a document: deep nesting, a NUL, a lone surrogate, a byte order mark.
SPLICES = ["[" * 500, "{" * 500, "[" * 70 + "]" * 70, "\x00", "\ud800", "\ufeff"]


def _text_mutations(text: str) -> st.SearchStrategy[str]:
    """The text truncated, a character flipped, a slice deleted or duplicated, or deep nesting spliced in."""
    n = len(text)
    index = st.integers(0, n - 1)
    return st.one_of(
        index.map(lambda i: text[:i]),
        st.tuples(index, st.characters(codec="utf-8")).map(lambda t: text[: t[0]] + t[1] + text[t[0] + 1 :]),
        st.tuples(index, st.integers(1, 40)).map(lambda t: text[: t[0]] + text[t[0] + t[1] :]),
        st.tuples(index, st.integers(1, 40)).map(lambda t: text[: t[0] + t[1]] + text[t[0] :]),
        st.tuples(index, st.sampled_from(SPLICES)).map(lambda t: text[: t[0]] + t[1] + text[t[0] :]),
        st.sampled_from(["", " ", "[" * 100_000, "a = " + "[" * 3_000 + "]" * 3_000, "x" * 2_000_000]),
    )  # fmt: skip


def _config_texts(fmt: str) -> st.SearchStrategy[str]:
    text, dump = (CONFIG_TOML, to_toml) if fmt == "toml" else (CONFIG_JSON, json.dumps)
    as_text = mutations(CONFIG).map(lambda d: _as_text(d, dump)).filter(lambda t: t is not None)
    return st.one_of(_text_mutations(text), as_text)


def _read_text(fmt: str) -> Callable[[Any], DictForm]:
    return DeskConfig.from_toml if fmt == "toml" else DeskConfig.from_json


def _fuzz_text(fmt: str, text: str) -> None:
    """A mutated text is refused by name, or accepted; accepted, its dict form reads back equal."""
    read = _read_text(fmt)
    dump = to_toml if fmt == "toml" else json.dumps
    assert_rejects_or_roundtrips(read, text, read_back=lambda d: read(dump(d)), form=f"DeskConfig.{fmt}")


def test_a_config_with_a_backlog_writes_back_as_toml() -> None:
    """The long fuzz's find: the backlog's ``"calendar": None`` has no TOML form, so it is left out."""
    form = DeskConfig.from_dict({**CONFIG, "backlog": {"timezone": "UTC"}}).to_dict()
    assert form["backlog"]["calendar"] is None
    assert DeskConfig.from_toml(to_toml(form)) == DeskConfig.from_dict(form)


def test_the_seed_texts_are_read_to_the_seed() -> None:
    assert DeskConfig.from_toml(CONFIG_TOML) == DeskConfig.from_dict(CONFIG)
    assert DeskConfig.from_json(CONFIG_JSON) == DeskConfig.from_dict(CONFIG)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["toml", "json"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_config_text_is_refused_by_name_or_round_trips(fmt: str, data: st.DataObject) -> None:
    """Law: a mutated TOML or JSON configuration raises a TicketcoreError, or round-trips exactly."""
    _fuzz_text(fmt, data.draw(_config_texts(fmt), label="text"))


# -- the long run ---------------------------------------------------------------------------

_ALL = [*(("form", f.name) for f in FORMS), ("text", "toml"), ("text", "json")]


def _any_input() -> st.SearchStrategy[tuple[str, str, object]]:
    return st.sampled_from(_ALL).flatmap(
        lambda kf: st.tuples(
            st.just(kf[0]),
            st.just(kf[1]),
            mutations(BY_NAME[kf[1]].seed) if kf[0] == "form" else _config_texts(kf[1]),
        )
    )


#: The long run's size follows the Hypothesis profile loaded by conftest.py (dev 1,000, ci 1,500,
#: thorough 20,000 inputs), so that the default command runs it in seconds and a deep run is one
#: environment variable away.
LONG_RUN = 10 * settings().max_examples


@pytest.fixture(scope="module")
def report() -> Iterator[None]:
    """Print the outcomes per form after the long run (visible with ``-s``)."""
    BY_FORM.clear()
    yield
    names = sorted({name for name, _ in BY_FORM})
    lines = [f"{'form':34} {'tried':>6} {'rejected':>9} {'accepted':>9} {'foreign':>8}"]
    total = {"rejected": 0, "accepted": 0, "foreign": 0}
    for name in names:
        got = {k: BY_FORM[name, k] for k in total}
        for k in total:
            total[k] += got[k]
        lines.append(
            f"{name:34} {sum(got.values()):6} {got['rejected']:9} {got['accepted']:9} {got['foreign']:8}"
        )
    t = total
    lines.append(f"{'total':34} {sum(t.values()):6} {t['rejected']:9} {t['accepted']:9} {t['foreign']:8}")
    print("\n" + "\n".join(lines))


@pytest.mark.slow
@settings(max_examples=LONG_RUN, deadline=None, suppress_health_check=list(HealthCheck))
@given(item=_any_input())
def test_long_fuzz_of_every_form(report: None, item: tuple[str, str, object]) -> None:
    """The same laws over many more inputs (run with ``-s`` to see the counts)."""
    kind, name, data = item
    if kind == "form":
        _fuzz(BY_NAME[name], data)
    else:
        assert isinstance(data, str)
        _fuzz_text(name, data)
