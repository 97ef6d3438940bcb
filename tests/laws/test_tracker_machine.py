"""A Hypothesis state machine feeds the tracker events and checks it after every step (ISSUE #5).

After every step the tracker's report equals the batch report built from the records
of the same history so far, and an event the tracker refuses leaves it unchanged: after
every valid step the machine injects one bad event (an unknown ticket, an event out of
the ticket's time order, an instant out of the supported range; ISSUE #16). Closing
tickets (which the tracker forgets) and sealing past weeks (which reduces their samples to
percentiles) change no report.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ticketcore import InvalidInput, Ticket
from ticketcore.assign import TicketEscalated, TicketTransferred
from ticketcore.backlog import BacklogOptions, BacklogTracker, backlog_report
from ticketcore.events import AgentReply, StatusChanged, TicketCreated, TicketUpdated

from backlog_helpers import BASE

OPTIONS = BacklogOptions(timezone="Europe/Berlin", by=("channel", "assignee"))


class TrackerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tracker = BacklogTracker(OPTIONS)
        self.now = BASE
        self.records: dict[str, dict[str, Any]] = {}
        self.closed: set[str] = set()
        self.injected = 0

    def later(self, minutes: int) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    @rule(minutes=st.integers(0, 4000), channel=st.sampled_from(["email", "chat"]))
    def create(self, minutes: int, channel: str) -> None:
        at = self.later(minutes)
        ticket_id = f"T{len(self.records)}"
        self.tracker.handle(TicketCreated(ticket=Ticket(id=ticket_id, created=at, channel=channel)))
        self.records[ticket_id] = {
            "id": ticket_id,
            "created": at,
            "solved": [],
            "reopened": [],
            "transferred": [],
            "escalated": [],
            "channel": channel,
            "assignee": None,
        }

    def _pick(self, data: st.DataObject, *, resolved: bool | None = None) -> dict[str, Any] | None:
        pool = [
            r
            for r in self.records.values()
            if r["id"] not in self.closed
            and (resolved is None or (len(r["solved"]) > len(r["reopened"])) == resolved)
        ]
        return data.draw(st.sampled_from(pool)) if pool else None

    @precondition(lambda self: set(self.records) - self.closed)
    @rule(data=st.data(), minutes=st.integers(0, 6000))
    def solve(self, data: st.DataObject, minutes: int) -> None:
        record = self._pick(data, resolved=False)
        if record is not None:
            at = self.later(minutes)
            self.tracker.handle(StatusChanged(ticket_id=record["id"], at=at, status="solved"))
            record["solved"].append(at)

    @precondition(lambda self: set(self.records) - self.closed)
    @rule(data=st.data(), minutes=st.integers(0, 6000))
    def reopen(self, data: st.DataObject, minutes: int) -> None:
        record = self._pick(data, resolved=True)
        if record is not None:
            at = self.later(minutes)
            self.tracker.handle(StatusChanged(ticket_id=record["id"], at=at, status="open"))
            record["reopened"].append(at)

    @precondition(lambda self: set(self.records) - self.closed)
    @rule(data=st.data(), minutes=st.integers(1, 600), agent=st.sampled_from(["ann", "bob"]))
    def transfer(self, data: st.DataObject, minutes: int, agent: str) -> None:
        record = self._pick(data)
        assert record is not None
        at = self.later(minutes)
        self.tracker.handle(TicketTransferred(at=at, ticket_id=record["id"], to_agent=agent))
        record["transferred"].append(at)
        record["assignee"] = agent

    @precondition(lambda self: set(self.records) - self.closed)
    @rule(data=st.data(), minutes=st.integers(1, 600))
    def escalate(self, data: st.DataObject, minutes: int) -> None:
        record = self._pick(data)
        assert record is not None
        at = self.later(minutes)
        self.tracker.handle(TicketEscalated(at=at, ticket_id=record["id"]))
        record["escalated"].append(at)

    @precondition(lambda self: set(self.records) - self.closed)
    @rule(data=st.data(), minutes=st.integers(0, 600), channel=st.sampled_from(["email", "chat", "phone"]))
    def move_channel(self, data: st.DataObject, minutes: int, channel: str) -> None:
        record = self._pick(data)
        assert record is not None
        at = self.later(minutes)
        self.tracker.handle(TicketUpdated(ticket_id=record["id"], at=at, changes={"channel": channel}))
        record["channel"] = channel

    @rule(data=st.data(), minutes=st.integers(0, 3000))
    def close(self, data: st.DataObject, minutes: int) -> None:
        record = self._pick(data, resolved=True)
        if record is None:
            return
        at = self.later(minutes)
        self.tracker.handle(StatusChanged(ticket_id=record["id"], at=at, status="closed"))
        self.closed.add(record["id"])

    @rule(back=st.integers(0, 20000))
    def seal(self, back: int) -> None:
        self.tracker.seal(max(self.now - timedelta(minutes=back), BASE))

    @precondition(lambda self: set(self.records) - self.closed)
    @rule(data=st.data())
    def refused(self, data: st.DataObject) -> None:
        record = self._pick(data)
        assert record is not None
        before = self.tracker.report()
        early = record["created"] - timedelta(minutes=1)
        for event in (
            StatusChanged(ticket_id=record["id"], at=early, status="solved"),
            TicketCreated(ticket=Ticket(id=record["id"], created=self.now)),
            StatusChanged(ticket_id="nobody", at=self.now, status="solved"),
        ):
            try:
                self.tracker.check(event)
            except InvalidInput:
                pass
            else:
                raise AssertionError(f"check accepted {event}")
            try:
                self.tracker.handle(event)
            except InvalidInput:
                pass
            else:
                raise AssertionError(f"accepted {event}")
        assert self.tracker.report() == before

    def _bad_event(self) -> object:
        """The next bad event, in turn: unknown ticket, out of order, out of range."""
        self.injected += 1
        open_ids = sorted(set(self.records) - self.closed)
        kind = self.injected % 5
        if kind == 0 or not open_ids:
            return AgentReply(ticket_id="nobody", at=self.now)
        if kind == 1:
            return StatusChanged(ticket_id="nobody", at=self.now, status="solved")
        if kind == 2:
            record = self.records[open_ids[-1]]
            return TicketTransferred(
                at=record["created"] - timedelta(minutes=1), ticket_id=record["id"], to_agent="ann"
            )
        out = [datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), datetime(3000, 1, 1, tzinfo=UTC)][
            kind % 2
        ]
        if kind == 3:
            ticket = Ticket(id=f"T{len(self.records)}", created=self.now)
            object.__setattr__(ticket, "created", out)  # in case the constructor refuses it
            return TicketCreated(ticket=ticket)
        event = StatusChanged(ticket_id=open_ids[0], at=self.now, status="solved")
        object.__setattr__(event, "at", out)
        return event

    @invariant()
    def refuses_a_bad_event_and_stays_unchanged(self) -> None:
        before, count = self.tracker.report(), len(self.tracker)
        event = self._bad_event()
        try:
            self.tracker.check(event)  # refuses what handle would, with the same message
        except InvalidInput as e:
            checked = str(e)
        else:
            raise AssertionError(f"check accepted {event}")
        with pytest.raises(InvalidInput) as refused:
            self.tracker.handle(event)
        assert str(refused.value) == checked
        assert self.tracker.report() == before
        assert len(self.tracker) == count

    @invariant()
    def agrees_with_the_batch_report(self) -> None:
        assert self.tracker.report() == backlog_report(self.records.values(), OPTIONS)
        assert len(self.tracker) == len(self.records) - len(self.closed)


TestTracker = pytest.mark.slow(TrackerMachine.TestCase)
