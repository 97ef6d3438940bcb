"""The error path itself: an InvalidInput message is always built, short, whatever the value."""

from __future__ import annotations

import enum
import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, InvalidTransition, OutOfOrder, Status, Ticket, TicketcoreError
from ticketcore.assign import Agent, Dispatcher, Routing
from ticketcore.backlog import BacklogTracker, backlog_report, backlog_report_from_events
from ticketcore.conditions import Condition, Field, fields_read
from ticketcore.desk import Desk, DeskConfig, alert_to_dict, lint
from ticketcore.events import AgentReply, StatusChanged, TicketCreated
from ticketcore.simulate import Comparison, compare, default_scenario, estimate, paired, seed_for
from ticketcore.sla import SLAClock, SLAPolicies, attainment, evaluate
from ticketcore.testing import (
    DeskClock,
    advance_through,
    assert_alerts,
    junit_xml,
    load_case_file,
    run_file,
)


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class NotTextRepr:
    def __repr__(self) -> Any:
        return 42


def deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [deep(100_000), "x" * 10_000_000, BadRepr(), NotTextRepr(), {"k": deep(100_000)}, [BadRepr()] * 3],
    ids=["nested-100k", "string-10MB", "repr-raises", "repr-not-text", "dict-of-nested", "list-of-bad"],
)
def test_the_message_is_always_built_and_short(value: object) -> None:
    """A value nested 100,000 deep, a 10 MB string or a failing __repr__ still gives a short message."""
    error = InvalidInput("rules[0].when", "a condition dict", value)

    assert str(error).startswith("rules[0].when: expected a condition dict, got ")
    assert len(str(error)) < 400
    assert value is error.value


def test_an_unknown_key_that_is_not_text_is_named() -> None:
    """{1: ...} in a dict form: the suggestion step takes text only, so a number key must not break it."""
    with pytest.raises(InvalidInput, match="one of the keys") as info:
        Condition.from_dict({1: True})
    assert 1 == info.value.value


# -- out-of-order events: one error class in every engine (issue 22) -----------------------

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)
SLA = {
    "policies": [
        {"name": "std", "targets": [{"name": "resolution", "metric": "resolution", "goals": {"all": "8h"}}]}
    ]
}
ROUTING = {"pools": [{"name": "team", "tier": 1}], "tiers": {"1": "team"}}


def created(ticket_id: str = "A", at: datetime = T0) -> TicketCreated:
    return TicketCreated(ticket=Ticket(id=ticket_id, created=at))


def desk() -> Desk:
    return Desk(DeskConfig.from_dict({"routing": ROUTING, "agents": [{"id": "ana"}], "sla": SLA}))


def dispatcher() -> Dispatcher:
    return Dispatcher(Routing.from_dict(ROUTING), [Agent(id="ana")])


def late_reply(engine: Any) -> None:
    engine.handle(AgentReply(ticket_id="A", at=T0 + H))


def tracker_report(tracker: BacklogTracker) -> object:
    return tracker.report(T0 + 3 * H)  # a frozen attrs value: compared field by field


def sealed_tracker() -> BacklogTracker:
    tracker = BacklogTracker()
    tracker.handle(created())
    tracker.seal(T0 + 2 * H)
    return tracker


def tracked() -> BacklogTracker:
    tracker = BacklogTracker()
    tracker.handle(created())
    tracker.handle(StatusChanged(ticket_id="A", status=Status.SOLVED, at=T0 + 2 * H))
    return tracker


def with_history(engine: Any) -> Any:
    """``engine`` after ticket A was created at T0 and answered at T0 + 2h."""
    engine.handle(created())
    engine.handle(AgentReply(ticket_id="A", at=T0 + 2 * H))
    return engine


OUT_OF_ORDER: list[tuple[str, Callable[[], Any], Callable[[Any], object], Callable[[Any], None]]] = [
    (
        "sla-clock, before the ticket's last event",
        lambda: with_history(SLAClock(SLAPolicies.from_dict(SLA))),
        lambda c: c.to_dict(),
        late_reply,
    ),
    ("dispatcher, before its clock", lambda: with_history(dispatcher()), lambda d: d.to_dict(), late_reply),
    (
        "tracker, before the ticket's last event",
        tracked,
        tracker_report,
        lambda t: t.handle(StatusChanged(ticket_id="A", status=Status.OPEN, at=T0 + H)),
    ),
    (
        "tracker, before the seal",
        sealed_tracker,
        tracker_report,
        lambda t: t.handle(StatusChanged(ticket_id="A", status=Status.SOLVED, at=T0 + H)),
    ),
    ("desk, before the ticket's last event", lambda: with_history(desk()), lambda d: d.to_dict(), late_reply),
    (
        "desk, adopted before its clock",
        lambda: with_history(desk()),
        lambda d: d.to_dict(),
        lambda d: d.adopt(Ticket(id="B", created=T0), at=T0 + H),
    ),
]


@pytest.mark.parametrize(
    ("engine", "snapshot", "feed"), [c[1:] for c in OUT_OF_ORDER], ids=[c[0] for c in OUT_OF_ORDER]
)
def test_every_engine_refuses_an_out_of_order_event_with_one_class(
    engine: Callable[[], Any], snapshot: Callable[[Any], object], feed: Callable[[Any], None]
) -> None:
    """An event before the engine's clock or the ticket's last event: `OutOfOrder`, nothing changed."""
    subject = engine()
    before = snapshot(subject)

    with pytest.raises(OutOfOrder) as info:
        feed(subject)

    assert type(info.value) is OutOfOrder
    assert isinstance(info.value, InvalidTransition)  # what `except` clauses caught before
    assert info.value.field == "at"
    assert info.value.value == T0 + H
    assert info.value.expected
    assert snapshot(subject) == before


# -- wrong-type arguments to public functions: a TicketcoreError naming the argument ----------

PUBLIC = ["ticketcore", "ticketcore.sla", "ticketcore.conditions", "ticketcore.events", "ticketcore.assign",
          "ticketcore.backlog", "ticketcore.desk", "ticketcore.simulate", "ticketcore.testing"]  # fmt: skip

#: The public functions and class/static methods that accept None for every required parameter.
ACCEPTS_NONE = {
    "ticketcore.sla.HolidaySpec.of": "None is documented: no holidays",
    "ticketcore.conditions.text_equality": "documented: None for anything not one text equality test",
}


def _required(fn: Callable[..., object]) -> list[inspect.Parameter]:
    """``fn``'s parameters without a default (positional or keyword-only)."""
    kinds = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    return [p for p in inspect.signature(fn).parameters.values() if p.kind in kinds and p.default is p.empty]


def _call_with_none(fn: Callable[..., object]) -> object:
    """``fn`` with None for each required parameter."""
    required = _required(fn)
    args = [None for p in required if p.kind is not p.KEYWORD_ONLY]
    return fn(*args, **{p.name: None for p in required if p.kind is p.KEYWORD_ONLY})


def _public_callables() -> list[tuple[str, Callable[..., object]]]:
    """Every public function, class, and class or static method reachable from an ``__all__``.

    Enums are left out: ``Status(None)`` is Python's enum lookup (hosts read names with ``.parse``);
    so are protocols, and callables without a required parameter.
    """
    out: list[tuple[str, Callable[..., object]]] = []

    def add(name: str, fn: Callable[..., object]) -> None:
        if _required(fn):  # nothing to give None for otherwise
            out.append((name, fn))

    for modname in PUBLIC:
        module = importlib.import_module(modname)
        for export in module.__all__:
            obj = getattr(module, export)
            if inspect.isclass(obj):
                if issubclass(obj, BaseException | enum.Enum):
                    continue
                if not inspect.isabstract(obj) and not getattr(obj, "_is_protocol", False):
                    add(f"{modname}.{export}", obj)
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and isinstance(member, classmethod | staticmethod):
                        add(f"{modname}.{export}.{attr}", getattr(obj, attr))
            elif inspect.isfunction(obj):
                add(f"{modname}.{export}", obj)
    return out


@pytest.mark.parametrize(("name", "fn"), _public_callables(), ids=[n for n, _ in _public_callables()])
def test_a_public_callable_given_none_raises_a_ticketcore_error(name: str, fn: Callable[..., object]) -> None:
    """None for each required parameter: a TicketcoreError, never a foreign exception.

    Functions and class or static methods (what reads a host's input) must refuse it, but for
    the documented few in ACCEPTS_NONE. A class may accept it: the attrs records the engines
    build (``Assigned``, ``SimulationResult`` ...) take their fields as given, unchecked, for speed.
    """
    try:
        _call_with_none(fn)
    except TicketcoreError:
        assert name not in ACCEPTS_NONE, f"{name} refuses None now: take it out of ACCEPTS_NONE"
        return
    assert inspect.isclass(fn) or name in ACCEPTS_NONE, f"{name} accepted None"


def _desk() -> Desk:
    return desk()


# Each call passes a wrong type on purpose (hence the `type: ignore`s).
BAD_CALLS: list[tuple[str, Callable[[], object], str]] = [
    ("estimate, text", lambda: estimate("abc"), "values"),  # type: ignore[arg-type]
    ("estimate, a number", lambda: estimate(5), "values"),  # type: ignore[arg-type]
    ("estimate, a text value", lambda: estimate([1.0, "x"]), "values[1]"),  # type: ignore[list-item]
    ("paired, a text value", lambda: paired([1, "x"], [1, 2]), "a[1]"),  # type: ignore[list-item]
    ("paired, b a number", lambda: paired([1, 2], 5), "b"),  # type: ignore[arg-type]
    ("compare, strategies a number", lambda: compare(default_scenario(), 5), "strategies"),  # type: ignore[arg-type]
    ("Comparison.result, not run", lambda: Comparison(()).result("least_loaded"), "strategy"),
    ("Comparison, results None", lambda: Comparison(None), "results"),  # type: ignore[arg-type]
    ("seed_for, text", lambda: seed_for("x", 1), "seed"),  # type: ignore[arg-type]
    ("backlog_report, a number", lambda: backlog_report(5), "records"),  # type: ignore[arg-type]
    ("backlog_report_from_events, None", lambda: backlog_report_from_events(None), "rows"),  # type: ignore[arg-type]
    ("BacklogReport.series, a number", lambda: backlog_report([]).series(5), "group"),  # type: ignore[arg-type]
    ("lint, a number", lambda: lint(5), "config"),  # type: ignore[arg-type]
    ("lint, at text", lambda: lint(_desk().config, at="x"), "at"),  # type: ignore[arg-type]
    ("lint, at naive", lambda: lint(_desk().config, at=datetime(2026, 3, 2)), "at"),
    ("alert_to_dict, None", lambda: alert_to_dict(None), "alert"),  # type: ignore[arg-type]
    ("Desk.adopt, history a number", lambda: _desk().adopt(Ticket(id="B", created=T0), 5), "history"),  # type: ignore[arg-type]
    ("advance_through, desk None", lambda: advance_through(None, T0), "desk"),  # type: ignore[arg-type]
    ("run_file, None", lambda: run_file(None), "case_file"),  # type: ignore[arg-type]
    ("junit_xml, None", lambda: junit_xml(None), "results"),  # type: ignore[arg-type]
    ("load_case_file, None", lambda: load_case_file(None), "path"),  # type: ignore[arg-type]
    ("assert_alerts, a number", lambda: assert_alerts(5, []), "outcomes"),  # type: ignore[arg-type]
    ("DeskClock.advance, by text", lambda: DeskClock(_desk(), T0).advance("x"), "by"),  # type: ignore[arg-type]
    ("Dispatcher, agents a number", lambda: Dispatcher(Routing.from_dict(ROUTING), 5), "agents"),  # type: ignore[arg-type]
    ("evaluate, events a number", lambda: evaluate(SLAPolicies.from_dict(SLA), 5, T0), "events"),  # type: ignore[arg-type]
    ("attainment, a number", lambda: attainment(5), "results"),  # type: ignore[arg-type]
    ("Field, a number", lambda: Field(5), "field"),  # type: ignore[arg-type]
    ("fields_read, None", lambda: fields_read(None), "condition"),  # type: ignore[arg-type]
    ("Desk.clock, an unhashable id", lambda: _desk().clock([]), "ticket_id"),  # type: ignore[arg-type]
    ("Dispatcher.ticket, an unhashable id", lambda: _desk().dispatcher.ticket([]), "ticket_id"),  # type: ignore[arg-type]
    ("Dispatcher.place, an unhashable id", lambda: _desk().dispatcher.place({}), "ticket_id"),  # type: ignore[arg-type]
    ("Dispatcher.tier, an unhashable id", lambda: _desk().dispatcher.tier([]), "ticket_id"),  # type: ignore[arg-type]
    ("Dispatcher.load, an unhashable id", lambda: _desk().dispatcher.load([]), "agent_id"),  # type: ignore[arg-type]
    ("Dispatcher.backlog, an unhashable pool", lambda: _desk().dispatcher.backlog([]), "pool"),  # type: ignore[arg-type]
    ("Routing.tier_pool, a list", lambda: Routing.from_dict(ROUTING).tier_pool([]), "tier"),  # type: ignore[arg-type]
    ("Scenario.handling_for, channel a number", lambda: default_scenario().handling_for(5, "low"), "channel"),  # type: ignore[arg-type]
    (
        "Scenario.handling_for, priority unknown",
        lambda: default_scenario().handling_for("chat", "nope"),
        "priority",
    ),
]


@pytest.mark.parametrize(("call", "field"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_a_wrong_type_argument_is_invalid_input_naming_it(call: Callable[[], object], field: str) -> None:
    """What escaped as ValueError, TypeError, KeyError or AttributeError: InvalidInput naming the argument."""
    with pytest.raises(InvalidInput) as info:
        call()
    assert field == info.value.field
