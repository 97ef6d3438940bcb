"""SLA semantics pinned by issue 15: breach episodes, the breach instant, pauses on
statuses that stop the clock, and first response on a ticket solved without a reply.

The calendar is Mon-Fri 09:00-18:00 in Berlin (9 hours a day); 2026-03-02 is a Monday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, Ticket
from ticketcore.events import AgentReply, StatusChanged, TicketCreated, TicketEvent, TicketUpdated
from ticketcore.sla import (
    Alert,
    BusinessCalendar,
    Metric,
    SLAClock,
    SLAPolicies,
    SLAPolicy,
    Target,
    TargetState,
    evaluate,
)

BERLIN = BusinessCalendar.from_dict(
    {
        "timezone": "Europe/Berlin",
        "hours": {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    }
)
H = timedelta(hours=1)
US = timedelta(microseconds=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def utc(value: datetime | None) -> datetime:
    assert value is not None
    return value.astimezone(UTC)


def policies(*targets: Target, calendar: BusinessCalendar | None = BERLIN) -> SLAPolicies:
    return SLAPolicies([SLAPolicy(name="std", targets=list(targets), calendar=calendar)])


def created(when: str, **fields: Any) -> TicketCreated:
    return TicketCreated(ticket=Ticket(id="T-1", created=at(when), **fields))


def priority(when: str, value: str) -> TicketUpdated:
    return TicketUpdated(ticket_id="T-1", at=at(when), changes={"priority": value})


def feed(clock: SLAClock, events: list[TicketEvent]) -> list[Alert]:
    out: list[Alert] = []
    for event in events:
        out += clock.handle(event)
    return out


class TestBreachEpisodes:
    """Item 1: a breach that a priority change undoes, and that happens again, is reported again."""

    RES = Target(name="resolution", metric=Metric.RESOLUTION, goals={"normal": 2 * H, "low": 4 * H})

    def test_a_breach_undone_and_repeated_is_reported_twice(self) -> None:
        """HAND: normal (2 h) from Mon 09:00 breaches at 11:00; low at 12:00 moves the goal to
        4 h (3 h used: no longer breached); the clock reads more than 4 h after 13:00."""
        clock = SLAClock(policies(self.RES))
        fired = feed(clock, [created("2026-03-02T09:00+01:00")])
        fired += clock.advance(at("2026-03-02T11:30+01:00"))
        fired += clock.handle(priority("2026-03-02T12:00+01:00", "low"))
        fired += clock.advance(at("2026-03-02T18:00+01:00"))

        breaches = [a for a in fired if a.kind == "breach"]
        assert [utc(a.due) for a in breaches] == [
            utc(at("2026-03-02T11:00+01:00")),
            utc(at("2026-03-02T13:00+01:00")),
        ]
        assert clock.advance(at("2026-03-03T18:00+01:00")) == ()

    def test_a_change_that_leaves_the_target_breached_is_the_same_episode(self) -> None:
        """Low (4 h) would still be breached at 14:00 (5 h used): no second alert."""
        clock = SLAClock(policies(self.RES))
        fired = feed(clock, [created("2026-03-02T09:00+01:00")])
        fired += clock.advance(at("2026-03-02T13:30+01:00"))
        fired += clock.handle(priority("2026-03-02T14:00+01:00", "low"))
        fired += clock.advance(at("2026-03-03T18:00+01:00"))

        assert 1 == [a.kind for a in fired].count("breach")

    def test_a_breach_the_host_had_not_polled_yet_is_still_reported_once(self) -> None:
        """The first episode comes out of handle() (it fell due before the change), the second later."""
        clock = SLAClock(policies(self.RES))
        feed(clock, [created("2026-03-02T09:00+01:00")])
        first = clock.handle(priority("2026-03-02T12:00+01:00", "low"))
        later = clock.advance(at("2026-03-02T18:00+01:00"))

        assert ["breach"] == [a.kind for a in first]
        assert ["breach"] == [a.kind for a in later]


class TestBreachInstant:
    """Item 2: breach_at and the breach alert are the instant the clock starts to exceed the goal."""

    FR = Target(name="first_response", metric=Metric.FIRST_RESPONSE, goals=4 * H)

    def test_a_goal_used_up_while_open_breaches_at_that_instant(self) -> None:
        """HAND: 4 h from Mon 13:00 is 17:00, and the desk is open after it: breach_at 17:00."""
        pol = policies(self.FR)
        result = evaluate(pol, [created("2026-03-02T13:00+01:00")], at("2026-03-02T17:00+01:00"))
        target = result.target("first_response")

        assert utc(target.breach_at) == utc(at("2026-03-02T17:00+01:00"))
        assert TargetState.RUNNING == target.state  # breached means more elapsed than the goal
        later = evaluate(pol, [created("2026-03-02T13:00+01:00")], at("2026-03-02T17:00+01:00") + US)
        assert TargetState.BREACHED == later.target("first_response").state

    def test_a_goal_used_up_at_the_close_breaches_at_the_next_opening(self) -> None:
        """HAND: 4 h from Mon 14:00 is 18:00, the close: breach_at is Tue 09:00 exactly."""
        result = evaluate(
            policies(self.FR), [created("2026-03-02T14:00+01:00")], at("2026-03-03T10:00+01:00")
        )

        assert utc(result.target("first_response").breach_at) == utc(at("2026-03-03T09:00+01:00"))

    def test_the_alert_reports_the_breach_instant_and_the_timer_observes_it(self) -> None:
        """The host's timer (next_deadline) is 1 us later: the first instant the target is breached."""
        clock = SLAClock(policies(self.FR))
        feed(clock, [created("2026-03-02T14:00+01:00")])

        assert utc(clock.next_deadline()) == utc(at("2026-03-03T09:00+01:00")) + US
        assert clock.advance(at("2026-03-03T09:00+01:00")) == ()
        (alert,) = clock.advance(at("2026-03-03T09:00+01:00") + US)
        assert "breach" == alert.kind
        assert utc(alert.due) == utc(at("2026-03-03T09:00+01:00"))

    def test_an_event_just_after_the_breach_instant_gets_the_alert(self) -> None:
        """handle() returns the alerts reported strictly before the event; a reply at 09:00 is on time."""
        on_time = SLAClock(policies(self.FR))
        feed(on_time, [created("2026-03-02T14:00+01:00")])
        reply = AgentReply(ticket_id="T-1", at=at("2026-03-03T09:00+01:00"))
        assert on_time.handle(reply) == ()
        assert on_time.advance(at("2026-03-04T09:00+01:00")) == ()

        late = SLAClock(policies(self.FR))
        feed(late, [created("2026-03-02T14:00+01:00")])
        (alert,) = late.handle(AgentReply(ticket_id="T-1", at=reply.at + US))
        assert utc(alert.due) == utc(reply.at)
        result = late.result(reply.at + US).target("first_response")
        assert TargetState.ACHIEVED_LATE == result.state


class TestPausesOnStoppingStatuses:
    """Item 3: a pause on a status that stops the clock is an error naming the field."""

    @pytest.mark.parametrize(("metric", "status"), [("resolution", "solved"), ("first_response", "closed")])
    def test_solved_and_closed_cannot_pause(self, metric: str, status: str) -> None:
        with pytest.raises(InvalidInput) as info:
            Target(name="t", metric=metric, goals=H, pause_on=["pending", status])

        assert "pause_on" == info.value.field
        assert status == info.value.value

    def test_the_dict_form_names_the_index(self) -> None:
        data = {
            "name": "t",
            "metric": "resolution",
            "goals": {"all": "4h"},
            "pause_on": ["pending", "closed"],
        }

        with pytest.raises(InvalidInput) as info:
            Target.from_dict(data, "targets[0]")

        assert "targets[0].pause_on[1]" == info.value.field

    def test_a_time_in_status_target_takes_no_pauses(self) -> None:
        """Every other status stops it, and a pause in its own status would keep it from running."""
        with pytest.raises(InvalidInput) as info:
            Target(name="w", metric=Metric.TIME_IN_STATUS, status="pending", goals=H, pause_on=["on_hold"])

        assert "pause_on" == info.value.field
        assert (
            Target(name="w", metric=Metric.TIME_IN_STATUS, status="pending", goals=H, pause_on=[]).pause_on
            == frozenset()
        )


class TestSolvedWithoutReply:
    """Item 4: first response on a ticket solved without any reply, as the target chooses."""

    def fr(self, mode: str | None) -> Target:
        extra = {} if mode is None else {"on_solve_without_reply": mode}
        return Target(name="first_response", metric=Metric.FIRST_RESPONSE, goals=4 * H, **extra)

    EVENTS: tuple[TicketEvent, ...] = (
        created("2026-03-02T09:00+01:00"),
        StatusChanged(ticket_id="T-1", at=at("2026-03-02T10:00+01:00"), status="solved"),
    )

    def test_stop_is_the_default_and_solving_counts_as_the_response(self) -> None:
        """Zendesk and Freshdesk: solving a ticket ends its first-response clock."""
        for mode in (None, "stop"):
            result = evaluate(policies(self.fr(mode)), self.EVENTS, at("2026-03-03T09:00+01:00"))
            target = result.target("first_response")
            assert TargetState.ACHIEVED == target.state
            assert utc(target.current.stop if target.current else None) == utc(self.EVENTS[1].at)

    def test_keep_running_waits_for_a_real_reply(self) -> None:
        """Zammad (first_response_escalation_at is cleared only by a first response): the clock
        runs through solved, breaches at 13:00, and a reply the next day stops it, late."""
        pol = policies(self.fr("keep_running"))
        running = evaluate(pol, self.EVENTS, at("2026-03-02T12:00+01:00")).target("first_response")
        assert TargetState.RUNNING == running.state
        assert utc(running.breach_at) == utc(at("2026-03-02T13:00+01:00"))

        reply = AgentReply(ticket_id="T-1", at=at("2026-03-03T10:00+01:00"))
        done = evaluate(pol, [*self.EVENTS, reply], at("2026-03-03T11:00+01:00")).target("first_response")
        assert TargetState.ACHIEVED_LATE == done.state
        assert utc(done.current.stop if done.current else None) == utc(reply.at)

        clock = SLAClock(pol)
        feed(clock, list(self.EVENTS))
        assert ["breach"] == [a.kind for a in clock.advance(at("2026-03-03T09:00+01:00"))]

    def test_the_dict_form_round_trips_and_refuses_other_values(self) -> None:
        target = self.fr("keep_running")
        data = target.to_dict()

        assert "keep_running" == data["on_solve_without_reply"]
        assert target == Target.from_dict(data)
        assert "on_solve_without_reply" not in self.fr(None).to_dict()  # the default is left out
        with pytest.raises(InvalidInput) as info:
            Target.from_dict({**data, "on_solve_without_reply": "wait"}, "t")
        assert "t.on_solve_without_reply" == info.value.field
        with pytest.raises(InvalidInput) as info:
            Target(name="r", metric="resolution", goals=H, on_solve_without_reply="keep_running")
        assert "on_solve_without_reply" == info.value.field
