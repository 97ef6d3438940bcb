"""ticketcore.testing for Python tests: the desk builder, assertions, the clock, the
hypothesis strategies, and the examples in examples/policy-tests/ run by the suite."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import find, given, settings

import ticketcore
from ticketcore import InvalidInput, Ticket
from ticketcore.assign import PresenceChanged
from ticketcore.desk import Desk
from ticketcore.events import StatusChanged, TicketCreated, TicketEvent
from ticketcore.testing import (
    DeskClock,
    assert_alerts,
    assert_assigned,
    assert_due,
    build_desk,
    load_case_file,
    run_file,
)
from ticketcore.testing.strategies import agents, field_values, play, ticket_fields, tickets, timelines

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
EXAMPLES = Path(__file__).parents[2] / "examples" / "policy-tests"


def test_build_desk_and_assert_assigned() -> None:
    desk = build_desk("ana ben", cap=1, rules={"channel=chat": "ana"})
    out = desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0, channel="chat")))
    assert_assigned(desk, "T-1", "ana", reason="direct_rule", outcome=out)
    out = desk.handle(TicketCreated(ticket=Ticket(id="T-2", created=T0)))
    with pytest.raises(
        AssertionError, match=r"(?s)assigned T-2\n    - expected: ana\n    \+ actual:   ben.*route"
    ):
        assert_assigned(desk, "T-2", "ana", outcome=out)
    with pytest.raises(AssertionError, match="reason T-2"):
        assert_assigned(desk, "T-2", "ben", reason="direct_rule", outcome=out)
    out = desk.handle(TicketCreated(ticket=Ticket(id="T-3", created=T0)))
    assert_assigned(desk, "T-3", None, reason="no_eligible_agent", outcome=out)


def test_build_desk_refuses_a_bad_spec() -> None:
    with pytest.raises(InvalidInput, match=r"rules\.chat"):
        build_desk("ana", rules={"chat": "ana"})
    with pytest.raises(InvalidInput, match="either a full configuration"):
        build_desk(cap=2, config={"routing": {}})
    assert build_desk(config={"routing": {"pools": [{"name": "p"}]}}).config.routing.pools[0].name == "p"


def test_assert_due_and_alerts_with_the_clock() -> None:
    office = {"timezone": "UTC", "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}
    desk = build_desk("ana", sla={"first_response": "8h"}, calendar=office)
    clock = DeskClock(desk, T0)
    desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
    assert_due(desk, "T-1", "first_response", datetime(2026, 3, 2, 17, tzinfo=UTC))
    with pytest.raises(AssertionError, match=r"(?s)- expected: 2026-03-02T18:00:00\+00:00.*policy 'sla'"):
        assert_due(desk, "T-1", "first_response", datetime(2026, 3, 2, 18, tzinfo=UTC))
    with pytest.raises(AssertionError, match="no such target"):
        assert_due(desk, "T-1", "resolution", None)
    assert_alerts(clock.advance(hours=7), [])
    # Used up at Monday's close: breached from the next opening on.
    assert_alerts(clock.advance_to(datetime(2026, 3, 3, 9, 1, tzinfo=UTC)), ["T-1 first_response breach"])
    with pytest.raises(AssertionError, match=r"- T-1 first_response breach"):
        assert_alerts(clock.advance(minutes=1), ["T-1  first_response breach"])
    with pytest.raises(InvalidInput, match="until"):
        clock.advance(hours=-1)


def test_the_clock_fires_each_deadline_at_its_own_instant() -> None:
    desk = build_desk("ana", sla={"first_response": "1h", "resolution": "2h"})
    desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
    outcomes = DeskClock(desk, T0).advance(hours=5)
    assert [[a.due - T0 for a in o.alerts] for o in outcomes] == [[timedelta(hours=1)], [timedelta(hours=2)]]


def test_assert_due_without_policies() -> None:
    desk = build_desk("ana")
    desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
    with pytest.raises(AssertionError, match="no SLA"):
        assert_due(desk, "T-1", "first_response", None)
    with pytest.raises(InvalidInput):
        DeskClock(desk, datetime(2026, 3, 2))


# -- strategies ----------------------------------------------------------------------------

CONFIG = load_case_file(EXAMPLES / "team.policy.toml").config


def test_field_values_come_from_the_rules_and_policies() -> None:
    values = field_values(CONFIG)
    assert values["channel"] == ["chat"]
    assert values["tags"] == ["vip"]
    assert values["product_code"] == ["xt372"]
    assert values["priority"] == ["low", "normal", "high", "urgent"]


@settings(max_examples=30, deadline=None)
@given(ticket_fields(CONFIG), tickets(CONFIG, T0), agents(CONFIG))
def test_drawn_tickets_and_agents_are_valid(fields: dict[str, Any], ticket: Ticket, team: Any) -> None:
    assert set(fields) <= {"channel", "priority", "tags", "language", "product_code"}
    assert ticket.created == T0
    assert [a.id for a in team] == [a.id for a in CONFIG.agents]


@settings(max_examples=30, deadline=None)
@given(timelines(CONFIG, T0, max_events=10))
def test_drawn_timelines_are_in_order_and_the_desk_accepts_them(timeline: list[object]) -> None:
    instants: list[datetime] = []
    for e in timeline:
        assert isinstance(e, TicketEvent | PresenceChanged)  # what timelines draws
        instants.append(e.at)
    assert instants == sorted(instants)
    play(Desk(CONFIG), timeline)


@pytest.mark.slow
def test_a_broken_invariant_shrinks_to_a_minimal_timeline() -> None:
    def chat_to_catherine(timeline: list[object]) -> bool:
        desk = Desk(CONFIG)
        return any(
            getattr(d, "agent_id", None) == "catherine" for o in play(desk, timeline) for d in o.decisions
        )

    smallest = find(
        timelines(CONFIG, T0), chat_to_catherine, settings=settings(database=None, max_examples=500)
    )
    assert len(smallest) == 1
    assert isinstance(smallest[0], TicketCreated)
    assert smallest[0].ticket.channel == "chat"
    assert not isinstance(smallest[0], StatusChanged)


# -- the examples ----------------------------------------------------------------------------


def test_the_example_case_file_passes() -> None:
    results = run_file(load_case_file(EXAMPLES / "team.policy.toml"))
    assert len(results) >= 7
    assert [r.report() for r in results if not r.passed] == []
    assert all(r.findings == () for r in results)


def _invariant_tests() -> list[tuple[str, Callable[[], None]]]:
    spec = importlib.util.spec_from_file_location("policy_invariants", EXAMPLES / "test_policy_invariants.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(n, getattr(module, n)) for n in module.__all__ if n.startswith("test_")]


@pytest.mark.parametrize(("name", "test"), _invariant_tests())
def test_the_example_invariants_hold(name: str, test: Callable[[], None]) -> None:
    test()


# -- the public surface ----------------------------------------------------------------------


def test_importing_ticketcore_testing_does_not_import_hypothesis_or_pytest() -> None:
    code = "import sys, ticketcore.testing; print(sorted({'hypothesis', 'pytest'} & set(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(Path(ticketcore.__file__).parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)  # noqa: S603
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "name", ["ticketcore.testing", "ticketcore.testing.strategies", "ticketcore.testing.plugin"]
)
def test_every_public_name_is_documented_and_in_the_api_reference(name: str) -> None:
    module = importlib.import_module(name)
    api = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    assert module.__doc__
    for export in module.__all__:
        obj = getattr(module, export)
        assert obj.__doc__, export
        assert (
            re.search("`" + re.escape(export) + r"[`(.\[]", api)
            or f" `{export}`" in api
            or f"`{export}(" in api
        )
        if inspect.isclass(obj) and name == "ticketcore.testing":
            assert obj.__module__ == name
