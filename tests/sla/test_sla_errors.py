"""Bad input to SLA policies and clocks: a clear InvalidInput, and the clock left unchanged."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, Ticket
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated, TicketUpdated
from ticketcore.sla import Level, Metric, Notify, SLAClock, SLAPolicies, SLAPolicy, Target, evaluate

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)
POLICIES = SLAPolicies(
    [SLAPolicy(name="std", targets=[Target(name="fr", metric=Metric.FIRST_RESPONSE, goals=H)])]
)
CREATED = TicketCreated(ticket=Ticket(id="T-1", created=T0))


def started() -> SLAClock:
    clock = SLAClock(POLICIES)
    clock.handle(CREATED)
    clock.handle(CustomerMessage(ticket_id="T-1", at=T0 + H))
    return clock


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (CustomerMessage(ticket_id="T-1", at=T0), "at"),  # before the previous event
        (CustomerMessage(ticket_id="T-2", at=T0 + 2 * H), "ticket_id"),
        (CREATED, "event"),  # a second TicketCreated
        ("created", "event"),
    ],
)
def test_a_bad_event_is_refused_and_the_clock_is_unchanged(event: Any, field: str) -> None:
    """Out of order, another ticket, a duplicate creation: refused, state intact."""
    clock = started()
    before = clock.result(T0 + 3 * H)

    with pytest.raises(InvalidInput) as info:
        clock.handle(event)

    assert field == info.value.field
    assert before == clock.result(T0 + 3 * H)
    assert before == evaluate(POLICIES, [CREATED, CustomerMessage(ticket_id="T-1", at=T0 + H)], T0 + 3 * H)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: StatusChanged(ticket_id="T-1", at=T0, status="waiting"), "status"),
        (lambda: CustomerMessage(ticket_id="T-1", at=datetime(2026, 3, 2, 9)), "at"),
        (lambda: AgentReply(ticket_id="", at=T0), "ticket_id"),
        (lambda: TicketUpdated(ticket_id="T-1", at=T0, changes={"priorty": "high"}), "changes.priorty"),
        (lambda: TicketUpdated(ticket_id="T-1", at=T0, changes={"tier": 9}), "changes.tier"),
        (lambda: Target(name="fr", metric=Metric.FIRST_RESPONSE, goals=timedelta(0)), "goals.low"),
        (lambda: Target(name="fr", metric=Metric.FIRST_RESPONSE, goals={"high": -H}), "goals.high"),
        (lambda: Target(name="fr", metric="first_reply", goals=H), "metric"),
        (lambda: Target(name="w", metric=Metric.TIME_IN_STATUS, goals=H), "status"),
        (lambda: Target(name="fr", metric=Metric.FIRST_RESPONSE, goals=H, on_reopen="again"), "on_reopen"),
        (lambda: Level(action=Notify("lead")), "offset"),
        (lambda: Level(action=Notify("lead"), fraction=-1), "fraction"),
        (lambda: SLAPolicy(name="p", targets=[]), "targets"),
        (
            lambda: SLAPolicies(
                [SLAPolicy(name="p", targets=[Target(name="a", metric="resolution", goals=H)])] * 2
            ),
            "policies[1].name",
        ),
        (lambda: evaluate(POLICIES, [CREATED], datetime(2026, 3, 2, 10)), "now"),
        (lambda: evaluate(POLICIES, [CREATED], T0 - H), "now"),
        (lambda: evaluate(POLICIES, [CustomerMessage(ticket_id="T-1", at=T0)], T0), "event"),
        (lambda: evaluate(POLICIES, [], T0), "events"),
        (lambda: SLAClock(POLICIES).advance(datetime(2026, 3, 2)), "now"),
    ],
)
def test_bad_values_name_the_field(build: Any, field: str) -> None:
    """Unknown statuses, naive datetimes, goals <= 0, misconfigured targets: named errors."""
    with pytest.raises(InvalidInput) as info:
        build()

    assert field == info.value.field


GOOD: dict[str, Any] = {
    "policies": [
        {
            "name": "std",
            "when": {"field": "channel", "eq": "email"},
            "calendar": {"timezone": "Europe/Berlin", "hours": {"mon": ["09:00-17:00"]}},
            "calendar_name": "Berlin",
            "targets": [
                {
                    "name": "fr",
                    "metric": "first_response",
                    "goals": {"all": "4h", "urgent": "1h"},
                    "ladder": [{"before": "30m", "action": {"notify": "lead"}}],
                }
            ],
            "suspicious_pause": "5m",
        }
    ]
}


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("policies", 0, "tragets"), [], "policies[0].tragets"),
        (("policies", 0, "when", "field"), "chanel", "policies[0].when.field"),
        (("policies", 0, "calendar", "hours", "mon", 0), "9-5", "policies[0].calendar.hours.mon[0]"),
        (("policies", 0, "targets", 0, "metric"), "first_reply", "policies[0].targets[0].metric"),
        (("policies", 0, "targets", 0, "goals", "urgent"), "soon", "policies[0].targets[0].goals.urgent"),
        (("policies", 0, "targets", 0, "goals", "critical"), "1h", "policies[0].targets[0].goals.critical"),
        (
            ("policies", 0, "targets", 0, "ladder", 0, "action"),
            {"email": "lead"},
            "policies[0].targets[0].ladder[0].action.email",
        ),
        (
            ("policies", 0, "targets", 0, "ladder", 0, "before"),
            "-1h",
            "policies[0].targets[0].ladder[0].before",
        ),
        (("policies", 0, "suspicious_pause"), "often", "policies[0].suspicious_pause"),
    ],
)
def test_a_policy_dict_with_a_typo_names_the_path(path: tuple[Any, ...], value: Any, field: str) -> None:
    """A typo anywhere in a stored policy names its path."""
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    with pytest.raises(InvalidInput) as info:
        SLAPolicies.from_dict(data)

    assert field == info.value.field


def test_the_policy_dict_round_trips() -> None:
    """from_dict(to_dict(p)) == p, and a canonical dict comes back unchanged."""
    policies = SLAPolicies.from_dict(GOOD)

    assert policies == SLAPolicies.from_dict(policies.to_dict())
    assert policies.to_dict() == SLAPolicies.from_dict(policies.to_dict()).to_dict()
