"""A state machine over one SLA clock: after every valid step it is fed one bad event, and
must refuse it, stay exactly as before and keep working (issue 16).

A twin clock gets only the valid steps; the clock under test must agree with it after
every step: the same alerts, the same `next_deadline`, the same result.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ticketcore import HorizonExceeded, Priority, Status, Ticket, TicketcoreError
from ticketcore.conditions import F
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla import BusinessCalendar, Metric, Opening, SLAClock, SLAPolicies, SLAPolicy, Target

from sla_strategies import POLICIES, STATUSES, ZONES

#: Open one hour in 2020 and never again: no due time of a ticket of 2026 can be computed.
TINY = BusinessCalendar(
    timezone="UTC", hours={}, openings=[Opening.from_dict({"date": "2020-01-06", "hours": ["09:00-10:00"]})]
)
WITH_TINY = SLAPolicies(
    [
        SLAPolicy(
            name="tiny",
            when=F.department == "tiny",
            calendar=TINY,
            targets=[
                Target(name="resolution", metric=Metric.RESOLUTION, goals=timedelta(hours=2), pause_on=[])
            ],
        ),
        *POLICIES.policies,
    ]
)
T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
BAD_KINDS = ["unknown_ticket", "out_of_order", "out_of_range", "second_creation", "horizon"]


class ClockWithBadEvents(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = SLAClock(WITH_TINY)
        self.twin = SLAClock(WITH_TINY)
        self.created = False
        self.last = T0
        self.status = Status.NEW

    def _valid(self, event: TicketEvent) -> None:
        assert self.clock.handle(event) == self.twin.handle(event)
        self.last = event.at
        if isinstance(event, StatusChanged):
            self.status = event.status

    def _bad(self, kind: str) -> None:
        """One bad event of the kind drawn: refused, and the clock as before."""
        before = (self.clock.next_deadline(), self.clock.result(self.last))
        later = self.last + timedelta(minutes=5)
        try:
            if kind == "unknown_ticket":
                event: TicketEvent = CustomerMessage(ticket_id="T-2", at=later)
            elif kind == "out_of_order":
                event = CustomerMessage(ticket_id="T-1", at=self.last - timedelta(microseconds=1))
            elif kind == "out_of_range":
                event = CustomerMessage(ticket_id="T-1", at=datetime(9999, 1, 1, tzinfo=UTC))
            elif kind == "second_creation":
                event = TicketCreated(ticket=Ticket(id="T-1", created=later))
            else:
                event = TicketUpdated(ticket_id="T-1", at=self.last, changes={"department": "tiny"})
        except TicketcoreError:
            return  # the event itself could not be built: nothing reached the clock
        expected = HorizonExceeded if kind == "horizon" else TicketcoreError
        try:
            self.clock.handle(event)
        except expected:
            pass
        else:
            raise AssertionError(f"the bad event was accepted: {event!r}")
        assert before == (self.clock.next_deadline(), self.clock.result(self.last))

    @precondition(lambda self: not self.created)
    @rule(
        minutes=st.integers(0, 14 * 24 * 60),
        priority=st.sampled_from(list(Priority)),
        channel=st.sampled_from(["chat", "email"]),
        department=st.sampled_from([None, "nights", "billing"]),
        zone=st.sampled_from([{}, *({"timezone": z} for z in ZONES)]),
    )
    def create(
        self, minutes: int, priority: Priority, channel: str, department: str | None, zone: dict[str, str]
    ) -> None:
        at = T0 + timedelta(minutes=minutes)
        # Out of range before the creation: nothing registered, and the creation that follows works.
        try:
            self.clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=datetime(1, 1, 1, tzinfo=UTC))))
        except TicketcoreError:
            pass
        else:
            raise AssertionError("a creation in year 1 was accepted")
        ticket = Ticket(
            id="T-1", created=at, priority=priority, channel=channel, department=department, custom=zone
        )
        self._valid(TicketCreated(ticket=ticket))
        self.created = True

    @precondition(lambda self: self.created)
    @rule(
        minutes=st.one_of(st.integers(0, 90), st.integers(0, 3 * 24 * 60)),
        kind=st.sampled_from(["customer", "reply", "note", "status", "priority", "department"]),
        status=st.sampled_from(STATUSES),
        priority=st.sampled_from(list(Priority)),
        department=st.sampled_from([None, "nights", "billing"]),
        bad=st.sampled_from(BAD_KINDS),
    )
    def step(
        self, *, minutes: int, kind: str, status: str, priority: Priority, department: str | None, bad: str
    ) -> None:
        at = self.last + timedelta(minutes=minutes)
        event: TicketEvent
        if kind == "customer":
            event = CustomerMessage(ticket_id="T-1", at=at)
        elif kind in ("reply", "note"):
            event = AgentReply(ticket_id="T-1", at=at, public=kind == "reply")
        elif kind == "status":
            event = StatusChanged(ticket_id="T-1", at=at, status=status)
        elif kind == "priority":
            event = TicketUpdated(ticket_id="T-1", at=at, changes={"priority": priority})
        else:
            event = TicketUpdated(ticket_id="T-1", at=at, changes={"department": department})
        self._valid(event)
        if bad == "horizon" and self.status.is_resolved:
            bad = "unknown_ticket"  # a solved ticket has no running resolution to compute
        self._bad(bad)

    @precondition(lambda self: self.created)
    @rule(minutes=st.integers(0, 5 * 24 * 60))
    def advance(self, minutes: int) -> None:
        now = self.last + timedelta(minutes=minutes)
        assert self.clock.advance(now) == self.twin.advance(now)

    @invariant()
    def agrees_with_the_twin(self) -> None:
        assert self.clock.next_deadline() == self.twin.next_deadline()
        if self.created:
            assert self.clock.result(self.last) == self.twin.result(self.last)


ClockWithBadEvents.TestCase.settings = settings(max_examples=60, stateful_step_count=15, deadline=None)
test_a_clock_refuses_bad_events_unchanged = pytest.mark.slow(ClockWithBadEvents.TestCase)
