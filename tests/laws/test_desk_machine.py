"""A state machine over the desk: every call is atomic, and a stored desk decides as the original.

After every valid step: the outcome's due times and notifications, read only after the next
step changed the clocks (the desk makes them on first read, from what it kept), are those an
eager reference computes from `SLAClock.due_times` at the step itself; the state read back
from its parts (through JSON) decides the next step exactly as the original does, and one bad
event (an unknown ticket, an event earlier than the ticket's last one, a second creation, an
assignee changed without a transfer, an agent who does not exist) raises and leaves
``to_dict()`` unchanged. The same machine runs again with the backlog tracker on (ISSUE #17):
a bad event leaves its report unchanged too, and sealing it changes nothing the desk decides;
and once more without SLA policies, where the desk refuses an out-of-order event by itself.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ticketcore import Ticket, TicketcoreError
from ticketcore.assign import PresenceChanged, TicketTransferred
from ticketcore.backlog import BacklogOptions, BacklogReport
from ticketcore.desk import Desk, DeskConfig, Outcome
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated, TicketUpdated
from ticketcore.sla import SLAPolicies

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
CONFIG = DeskConfig.from_dict(
    {
        "calendars": {
            "office": {
                "timezone": "Europe/Berlin",
                "hours": {d: ["08:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
            }
        },
        "routing": {
            "rules": [
                {
                    "name": "chats to ana",
                    "when": {"field": "channel", "eq": "chat"},
                    "agent": "ana",
                    "respect_availability": True,
                }
            ],
            "pools": [
                {"name": "team", "tier": 1, "cap": 2, "backlog": True},
                {"name": "second", "tier": 2, "backlog": True},
            ],
            "tiers": {"1": "team", "2": "second"},
        },
        "agents": [{"id": "ana"}, {"id": "ben"}, {"id": "cy", "tier": 2, "cap": 3}],
        "sla": {
            "policies": [
                {
                    "name": "std",
                    "calendar": "office",
                    "targets": [
                        {
                            "name": "first_response",
                            "metric": "first_response",
                            "goals": {"all": "1h", "urgent": "15m"},
                            "ladder": [{"at": 0.5, "action": {"notify": "lead"}}],
                        },
                        {
                            "name": "resolution",
                            "metric": "resolution",
                            "goals": {"all": "4h"},
                            "pause_on": ["pending"],
                            "ladder": [
                                {"at": 0.5, "action": {"raise_priority": None}},
                                {"after": "0m", "action": {"move_tier": 2}},
                                {"after": "1h", "action": {"reassign": "cy"}},
                            ],
                        },
                    ],
                }
            ]
        },
    }
)

MINUTES = st.integers(0, 90)


class DeskMachine(RuleBasedStateMachine):
    config = CONFIG

    def __init__(self) -> None:
        super().__init__()
        self.desk = Desk(self.config)
        self.now = T0
        self.count = 0
        self.last: dict[str, datetime] = {}  # open ticket -> its last event's instant
        # What a host stores when it writes only what each outcome names.
        self.shared_row: Any = json.loads(json.dumps(self.desk.shared_state()))
        self.ticket_rows: dict[str, Any] = {}
        # The due times each open ticket's clock gave after the last step (the eager reference).
        self.dues: dict[str, dict[str, datetime | None]] = {}
        # The last step's outcome, its twin's and the due changes expected: read at the next step.
        self.unread: list[tuple[Outcome, Outcome, set[tuple[object, ...]]]] = []
        # Work shared within one step (the desk does not change between a rule's end and the next
        # rule): its `to_dict()`, and the twin the rows invariant read back, which is exactly the
        # desk `stored` would build (same JSON parts in the same order, checked there).
        self.snapshot: dict[str, Any] | None = None
        self.twin: Desk | None = None
        self.backlog: BacklogReport | None = None  # the desk's `report()`, computed once per step

    # -- the twin: a desk read back from its stored parts ----------------------------

    def state(self) -> dict[str, Any]:
        """The desk's `to_dict()` since the last rule changed it (computed once per step)."""
        if self.snapshot is None:
            self.snapshot = self.desk.to_dict()
        return self.snapshot

    def report(self) -> BacklogReport:
        """The desk's backlog `report()` since the last rule changed it (once per step)."""
        if self.backlog is None:
            self.backlog = self.desk.report()
        return self.backlog

    def stored(self) -> Desk:
        self.snapshot = self.backlog = None  # the rule calling this changes the desk
        twin, self.twin = self.twin, None
        if twin is not None:
            return twin
        shared = json.loads(json.dumps(self.desk.shared_state()))
        parts = [json.loads(json.dumps(self.desk.ticket_state(t))) for t in reversed(self.desk.tickets())]
        return Desk.from_parts(self.config, shared, parts)

    def both(self, event: Any) -> Outcome:
        twin = self.stored()
        out = self.desk.handle(event)
        self.later(out, twin.handle(event))
        assert self.state() == twin.to_dict()
        self.write(out)
        return out

    def later(self, out: Outcome, twin: Outcome) -> None:
        """Keep the outcome unread with the due changes an eager reference computes now."""
        expected: set[tuple[object, ...]] = set()
        dues: dict[str, dict[str, datetime | None]] = {}
        for tid in self.desk.tickets():
            clock = self.desk.clock(tid)
            now = clock.due_times() if clock is not None else {}  # no SLA: no due times
            was = self.dues.get(tid, {})
            dues[tid] = now
            for target in now.keys() | was.keys():
                before, after = was.get(target), now.get(target)
                if before != after:
                    zones = (getattr(before, "tzinfo", None), getattr(after, "tzinfo", None))
                    expected.add((tid, target, before, after, zones))
        self.dues = dues
        self.read_unread()
        self.unread.append((out, twin, expected))

    def read_unread(self) -> None:
        """Read the outcomes kept by `later` (their clocks moved since): as the reference said."""
        for out, twin, expected in self.unread:
            got = {
                (
                    d.ticket_id,
                    d.target,
                    d.before,
                    d.after,
                    (getattr(d.before, "tzinfo", None), d.after and d.after.tzinfo),
                )
                for d in out.due
            }
            assert got == expected
            assert len(out.due) == len(got)
            assert [d.ticket_id for d in out.due] == sorted(
                (d.ticket_id for d in out.due), key=out.touched.index
            )
            assert out == twin, "a stored desk decided differently"
            assert out.to_dict() == attrs.evolve(out).to_dict()
        self.unread.clear()

    def teardown(self) -> None:
        self.read_unread()

    def write(self, out: Outcome) -> None:
        """Store what the outcome names, as a host does: the shared row, touched rows, deletions."""
        if out.shared:
            self.shared_row = json.loads(json.dumps(self.desk.shared_state()))
        for tid in out.touched:
            self.ticket_rows[tid] = json.loads(json.dumps(self.desk.ticket_state(tid)))
        for tid in out.removed:
            self.ticket_rows.pop(tid, None)

    @invariant()
    def the_rows_an_outcome_names_are_the_whole_state(self) -> None:
        tickets = self.desk.tickets()
        assert self.ticket_rows.keys() == set(tickets)  # so the parts below are all the rows
        # Read back in reverse arrival order, as `stored` does: the restored desk is the next twin.
        restored = Desk.from_parts(
            self.config, self.shared_row, [self.ticket_rows[t] for t in reversed(tickets)]
        )
        shared = self.desk.shared_state()
        assert restored.shared_state() == shared
        assert sorted(restored.tickets()) == sorted(tickets)
        parts = self.state()["tickets"]  # `ticket_state` of each open ticket, in arrival order
        assert len(parts) == len(tickets)
        for tid, part in zip(tickets, parts, strict=True):
            assert restored.ticket_state(tid) == part, tid
            assert self.ticket_rows[tid] == json.loads(json.dumps(part)), tid
        assert self.shared_row == json.loads(json.dumps(shared))
        # The rows are exactly the JSON parts `stored` reads: the restored desk is its twin.
        self.twin = restored

    def track(self, out: Outcome, ticket_id: str, at: datetime) -> None:
        for tid in out.removed:
            self.last.pop(tid, None)
        if ticket_id in self.desk.tickets():
            self.last[ticket_id] = max(at, self.last.get(ticket_id, at))

    # -- valid steps ---------------------------------------------------------------------

    @rule(
        minutes=MINUTES,
        late=st.integers(0, 30),
        channel=st.sampled_from(["email", "chat"]),
        priority=st.sampled_from(["normal", "urgent"]),
    )
    def create(self, minutes: int, late: int, channel: str, priority: str) -> None:
        self.now += timedelta(minutes=minutes)
        self.count += 1
        at = self.now - timedelta(minutes=late)  # a late arrival from another worker
        tid = f"T{self.count}"
        out = self.both(TicketCreated(ticket=Ticket(id=tid, created=at, channel=channel, priority=priority)))
        self.track(out, tid, at)

    @precondition(lambda self: self.last)
    @rule(
        data=st.data(),
        minutes=MINUTES,
        kind=st.sampled_from(["reply", "message", "pending", "open", "solved", "closed"]),
    )
    def ticket_event(self, data: st.DataObject, minutes: int, kind: str) -> None:
        tid = data.draw(st.sampled_from(sorted(self.last)))
        self.now += timedelta(minutes=minutes)
        at = max(self.now, self.last[tid])
        event: Any
        if kind == "reply":
            event = AgentReply(ticket_id=tid, at=at)
        elif kind == "message":
            event = CustomerMessage(ticket_id=tid, at=at)
        else:
            event = StatusChanged(ticket_id=tid, at=at, status=kind)
        self.track(self.both(event), tid, at)

    @rule(
        minutes=MINUTES,
        agent=st.sampled_from(["ana", "ben", "cy"]),
        presence=st.sampled_from(["online", "away", "offline"]),
    )
    def presence(self, minutes: int, agent: str, presence: str) -> None:
        self.now += timedelta(minutes=minutes)
        self.both(PresenceChanged(at=self.now, agent_id=agent, presence=presence))

    @rule(minutes=st.integers(0, 600))
    def advance(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        twin = self.stored()
        out = self.desk.advance(self.now)
        self.later(out, twin.advance(self.now))
        self.write(out)
        for link in out.escalations:
            assert link.alert.action == link.action
            assert (link.applied is None) == (link.skipped is not None)

    # -- one bad event after every step: refused, nothing changed ------------------------

    @invariant()
    def a_bad_event_changes_nothing(self) -> None:
        before = self.state()
        deadline = self.desk.next_deadline()
        report = self.report().to_records() if self.config.backlog is not None else None
        bad: list[Any] = [
            AgentReply(ticket_id="nobody", at=self.now),
            PresenceChanged(at=self.now, agent_id="zed", presence="away"),
        ]
        if self.last:
            tid = sorted(self.last)[0]
            first = self.last[tid]
            bad += [
                AgentReply(ticket_id=tid, at=first - timedelta(minutes=1)),
                TicketCreated(ticket=Ticket(id=tid, created=self.now)),
                TicketUpdated(ticket_id=tid, at=max(first, self.now), changes={"assignee": "ben"}),
                TicketTransferred(at=self.now, ticket_id=tid, to_agent="zed"),
            ]
        # The whole `to_dict()` (and the backlog report) is compared after the last bad event,
        # and after each one the parts it could touch: the shared part and the part of the
        # ticket it names (the whole state is exactly these parts, the rows invariant checks).
        # A refused event that changed anything else shows at the end: none restores a change.
        shared = self.desk.shared_state()
        parts = dict(zip(self.desk.tickets(), before["tickets"], strict=True))
        for k, event in enumerate(bad):
            try:
                self.desk.handle(event)
            except TicketcoreError:
                pass
            else:
                raise AssertionError(f"accepted {event!r}")
            assert deadline == self.desk.next_deadline()
            if k < len(bad) - 1:
                assert shared == self.desk.shared_state()
                named = (
                    event.ticket.id if isinstance(event, TicketCreated) else getattr(event, "ticket_id", None)
                )
                if named in parts:
                    assert parts[named] == self.desk.ticket_state(named)
                continue
            assert before == self.desk.to_dict()
            if report is not None:
                self.backlog = self.desk.report()  # the latest report, equal to the first
                assert report == self.backlog.to_records()

    @invariant()
    def every_open_ticket_has_a_part_and_a_place(self) -> None:
        assert set(self.desk.tickets()) == set(self.desk.dispatcher.tickets())


TestDesk = pytest.mark.slow(DeskMachine.TestCase)


class BacklogDeskMachine(DeskMachine):
    """The same desk with its backlog tracker on."""

    config = attrs.evolve(
        CONFIG, backlog=BacklogOptions(timezone="Europe/Berlin", by=("channel", "assignee"))
    )

    @rule(back=st.integers(0, 600))
    def seal(self, back: int) -> None:
        self.snapshot = self.twin = self.backlog = None  # the desk changes
        self.desk.seal(self.now - timedelta(minutes=back))

    @invariant()
    def counts_the_open_tickets_as_unresolved(self) -> None:
        totals = [row for row in self.report().rows if row.group == ()]
        unresolved = [t for t in self.desk.tickets() if not self.desk.dispatcher.ticket(t).status.is_resolved]
        assert (totals[-1].unresolved if totals else 0) == len(unresolved)


TestBacklogDesk = pytest.mark.slow(BacklogDeskMachine.TestCase)


class NoSlaDeskMachine(DeskMachine):
    """The same desk without SLA policies: it refuses an event earlier than its ticket's last
    one too (rule 3), without a clock to do it, and a stored desk still decides the same."""

    config = attrs.evolve(CONFIG, sla=SLAPolicies(policies=()))


TestNoSlaDesk = pytest.mark.slow(NoSlaDeskMachine.TestCase)
