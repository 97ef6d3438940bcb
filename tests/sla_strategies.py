"""Random ticket histories and the policies the SLA laws run them under."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from ticketcore import InvalidInput, Priority, Ticket
from ticketcore.conditions import F
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketEvent,
    TicketUpdated,
)
from ticketcore.sla import (
    BusinessCalendar,
    Level,
    Metric,
    MoveTier,
    Notify,
    SLAClock,
    SLAPolicies,
    SLAPolicy,
    Target,
)

H = timedelta(hours=1)
OFFICE = BusinessCalendar.from_dict(
    {
        "timezone": "Europe/Berlin",
        "hours": {d: ["09:00-12:30", "13:30-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": {"country": "DE", "subdiv": "BY"},
    }
)
NIGHTS = BusinessCalendar.from_dict(
    {
        "timezone": "America/New_York",
        "hours": {d: ["20:00-04:00"] for d in ("sun", "mon", "tue", "wed", "thu")},
    }
)
LADDER = [
    Level(action=Notify("lead"), fraction=0.75),
    Level(action=Notify("assignee"), offset=-H),
    Level(action=MoveTier(), offset=H),
]
GOALS = {Priority.LOW: 16 * H, Priority.NORMAL: 8 * H, Priority.HIGH: 4 * H, Priority.URGENT: H}

POLICIES = SLAPolicies(
    [
        SLAPolicy(
            name="chat",
            when=F.channel == "chat",
            targets=[
                Target(
                    name="first_response",
                    metric=Metric.FIRST_RESPONSE,
                    goals=timedelta(minutes=3),
                    ladder=LADDER,
                ),
                Target(name="next_response", metric=Metric.NEXT_RESPONSE, goals=timedelta(minutes=15)),
                Target(
                    name="next_response_first",
                    metric=Metric.NEXT_RESPONSE,
                    goals=timedelta(minutes=15),
                    repeat="first_only",
                ),
                Target(
                    name="accept", metric=Metric.TIME_IN_STATUS, status="new", goals=timedelta(seconds=60)
                ),
            ],
        ),
        SLAPolicy(
            name="nights",
            when=F.department == "nights",
            calendar=NIGHTS,
            calendar_name="night desk",
            targets=[
                Target(
                    name="resolution",
                    metric=Metric.RESOLUTION,
                    goals=GOALS,
                    ladder=LADDER,
                    on_reopen="restart",
                ),
                Target(name="update", metric=Metric.PERIODIC_UPDATE, goals=4 * H, repeat="cumulative"),
            ],
        ),
        SLAPolicy(
            name="office",
            calendar=OFFICE,
            calendar_name="Munich office",
            timezone_from="custom.timezone",  # the requester's zone, when the ticket names one
            targets=[
                Target(name="first_response", metric=Metric.FIRST_RESPONSE, goals=GOALS, ladder=LADDER),
                Target(name="next_response", metric=Metric.NEXT_RESPONSE, goals=2 * H),
                Target(
                    name="next_response_cumulative",
                    metric=Metric.NEXT_RESPONSE,
                    goals=2 * H,
                    ladder=LADDER,
                    repeat="cumulative",
                ),
                Target(name="resolution", metric=Metric.RESOLUTION, goals=GOALS, ladder=LADDER),
                Target(
                    name="resolution_restart",
                    metric=Metric.RESOLUTION,
                    goals=GOALS,
                    on_priority_change="restart",
                    pause_on=["pending"],
                ),
                Target(
                    name="resolution_retroactive",
                    metric=Metric.RESOLUTION,
                    goals=GOALS,
                    on_priority_change="retroactive",
                ),
                Target(
                    name="resolution_retroactive_start",
                    metric=Metric.RESOLUTION,
                    goals=GOALS,
                    on_priority_change="retroactive_start",
                ),
                Target(name="waiting", metric=Metric.TIME_IN_STATUS, status="pending", goals=48 * H),
            ],
        ),
    ]
)

#: Requesters' zones: behind Berlin, ahead of it, and on a half hour.
ZONES = ["America/New_York", "Asia/Kolkata", "Europe/Berlin"]

STATUSES = ["new", "open", "in_progress", "pending", "on_hold", "solved", "closed"]


@st.composite
def histories(
    draw: st.DrawFn, *, statuses: bool = True, updates: bool = True
) -> tuple[list[TicketEvent], datetime]:
    """A random, valid history of one ticket, and a `now` at or after its last event."""
    t0 = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 340 * 24 * 60)))
    ticket = Ticket(
        id="T-1",
        created=t0,
        channel=draw(st.sampled_from(["chat", "email", "web"])),
        priority=draw(st.sampled_from(list(Priority))),
        department=draw(st.sampled_from([None, "nights", "billing"])),
        status=draw(st.sampled_from(["new", "open"])),
        custom=draw(st.sampled_from([{}, *({"timezone": z} for z in ZONES)])),
    )
    events: list[TicketEvent] = [TicketCreated(ticket=ticket, by_agent=draw(st.booleans()))]
    kinds = (
        ["customer", "reply", "note"]
        + (["status", "status"] if statuses else [])
        + (["priority", "department", "due", "zone"] if updates else [])
    )
    t = t0
    for _ in range(draw(st.integers(0, 12))):
        t += timedelta(minutes=draw(st.one_of(st.integers(0, 90), st.integers(0, 4 * 24 * 60))))
        kind = draw(st.sampled_from(kinds))
        if kind == "customer":
            events.append(CustomerMessage(ticket_id="T-1", at=t))
        elif kind in ("reply", "note"):
            events.append(AgentReply(ticket_id="T-1", at=t, public=kind == "reply"))
        elif kind == "status":
            events.append(StatusChanged(ticket_id="T-1", at=t, status=draw(st.sampled_from(STATUSES))))
        elif kind == "priority":
            events.append(
                TicketUpdated(
                    ticket_id="T-1", at=t, changes={"priority": draw(st.sampled_from(list(Priority)))}
                )
            )
        elif kind == "zone":
            zone = draw(st.sampled_from([None, *ZONES]))
            events.append(TicketUpdated(ticket_id="T-1", at=t, changes={"custom": {"timezone": zone}}))
        elif kind == "due":
            target = draw(st.sampled_from(["first_response", "resolution", "next_response_cumulative"]))
            due = t + timedelta(minutes=draw(st.integers(-600, 5 * 24 * 60)))
            events.append(DueDateSet(ticket_id="T-1", at=t, target=target, due=due))
        else:
            events.append(
                TicketUpdated(
                    ticket_id="T-1",
                    at=t,
                    changes={"department": draw(st.sampled_from(["nights", "billing"]))},
                )
            )
    now = t + timedelta(minutes=draw(st.integers(0, 6 * 24 * 60)))
    return _valid(events), now


def _valid(events: list[TicketEvent]) -> list[TicketEvent]:
    """The history without the due times set by hand that a clock refuses (an error leaves
    the clock unchanged, so the rest stays valid)."""
    clock = SLAClock(POLICIES)
    kept = []
    for event in events:
        try:
            clock.handle(event)
        except InvalidInput:
            assert isinstance(event, DueDateSet)
            continue
        kept.append(event)
    return kept
