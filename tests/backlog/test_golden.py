"""Golden weekly series, computed by hand (ISSUE #5).

The definitions are those of the source article (Zendesk blog, Liz Bauer, "Neun Tipps für
ein Ticketsystem ...", 2022, tip 8, see tests/data/sources.md: "the number of unresolved
tickets divided by the average number of tickets solved per week"; "a spike in one week a
month is no cause for concern, a jam that grows week after week must be looked into"),
made precise in docs/backlog.md. Each table says how its expected values follow from them.
Every history is checked both ways in: batch from records, and the tracker fed the same events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ticketcore import InvalidInput, Ticket
from ticketcore.backlog import (
    BacklogOptions,
    BacklogReport,
    BacklogTracker,
    Trend,
    WeekFigures,
    backlog_report,
)
from ticketcore.events import AgentReply, DueDateSet, StatusChanged, TicketCreated
from ticketcore.sla import Metric, SLAPolicies, SLAPolicy, Target, evaluate

from backlog_helpers import History, events, records

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)  # week 0 of every table below
D = timedelta(days=1)


def day(n: float, hour: int = 9) -> datetime:
    return MONDAY + n * D + timedelta(hours=hour)


def ticket(i: int, created: datetime, *lifecycle: datetime, channel: str = "email") -> History:
    return History(id=f"T{i}", created=created, channel=channel, assignee=None, lifecycle=lifecycle)


def both(history: Sequence[History], options: BacklogOptions | None = None) -> BacklogReport:
    options = options or BacklogOptions()
    batch = backlog_report(records(history), options)
    tracker = BacklogTracker(options)
    for event in events(history):
        tracker.handle(event)
    assert tracker.report() == batch
    return batch


def table(rows: Sequence[WeekFigures], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(r, n) for n in names) for r in rows]


def test_a_steady_team() -> None:
    # Each Monday 10 tickets arrive; 5 are solved that Friday and 5 the next Friday.
    # So 5 are open at every week's end, and from week 1 on 10 are solved a week.
    # ratio = 5 / mean(solved so far, up to 4 weeks): 5/5, 5/7.5, 5/(25/3), 5/8.75.
    history = []
    for w in range(4):
        for k in range(10):
            solve = day(7 * w + 4) if k < 5 else day(7 * w + 11)
            history.append(ticket(10 * w + k, day(7 * w), *([solve] if (k < 5 or w < 3) else [])))
    report = both(history)
    assert table(report.series(), "created", "solved", "unresolved", "ratio_weeks", "trend") == [
        (10, 5, 5, 1, Trend.STABLE),
        (10, 10, 5, 2, Trend.STABLE),
        (10, 10, 5, 3, Trend.STABLE),
        (10, 10, 5, 4, Trend.STABLE),
    ]
    assert [r.ratio for r in report.series()] == pytest.approx([1.0, 5 / 7.5, 0.6, 5 / 8.75])
    # The 5 open at each week's end came Monday 09:00: 6 days 15 hours old at the end.
    assert {r.ages for r in report.series()} == {(0, 0, 5, 0)}
    # Week 1 solves: five after 4 days, five after 11; nearest rank: 5th and 9th of 10.
    assert table(report.series(), "resolution_median", "resolution_p90") == [
        (4 * D, 4 * D),
        (4 * D, 11 * D),
        (4 * D, 11 * D),
        (4 * D, 11 * D),
    ]
    assert report.trend is Trend.STABLE


def test_a_single_spike_week_that_falls_back() -> None:
    # N tickets arrive each Monday and are all solved the next Tuesday, so the backlog
    # at the end of week w is N[w] and week w solves N[w-1].
    arrivals = [4, 4, 4, 4, 12, 4, 4]
    history = [
        ticket(100 * w + k, day(7 * w), day(7 * w + 8)) for w, n in enumerate(arrivals) for k in range(n)
    ]
    rows = both(history).series()
    assert table(rows, "created", "unresolved", "solved", "ratio_weeks") == [
        (4, 4, 0, 1),
        (4, 4, 4, 2),
        (4, 4, 4, 3),
        (4, 4, 4, 4),
        (12, 12, 4, 4),
        (4, 4, 12, 4),
        (4, 4, 4, 4),
        (0, 0, 4, 4),  # the last Tuesday's solves open an eighth week
    ]
    # Week 0 solved nothing: no ratio, and why. Then 4/(4/2), 4/(8/3), 4/(12/4),
    # 12/(16/4), 4/(24/4), 4/(24/4), 0.
    assert rows[0].ratio is None
    assert rows[0].ratio_note == "nothing was solved in the 1 week(s) ending 2026-03-02"
    assert [r.ratio for r in rows[1:]] == pytest.approx([2.0, 1.5, 4 / 3, 3.0, 4 / 6, 4 / 6, 0.0])
    # Week 4: 12 created > 1.5 x mean(4, 4, 4, 4) = 6, a spike (the window's 4 weeks of
    # history exist from week 4 on). Week 5: 4 created against mean(4, 4, 4, 12) = 6, and
    # the backlog fell back 12 -> 4: shrinking, not a spike any more. Week 6: 4 -> 4,
    # stable. Week 7: 4 -> 0, shrinking.
    assert [r.trend for r in rows] == [Trend.STABLE] * 4 + [
        Trend.SPIKE,
        Trend.SHRINKING,
        Trend.STABLE,
        Trend.SHRINKING,
    ]
    assert rows[4].trend_reason == "12 created, above 1.5 x the mean 4.0 of the 4 week(s) before"
    assert rows[5].trend_reason == (
        "the backlog fell from 12 to 4; 4 created against a mean of 6.0 over the 4 week(s) before"
    )


def test_a_backlog_that_grows_for_five_weeks() -> None:
    # Each Monday 3 arrive and one of them is solved on Wednesday: +2 a week.
    history = []
    for w in range(5):
        history += [ticket(10 * w, day(7 * w), day(7 * w + 2))]
        history += [ticket(10 * w + k, day(7 * w)) for k in (1, 2)]
    rows = both(history).series()
    assert table(rows, "unresolved", "solved", "ratio") == [
        (2, 1, 2.0),
        (4, 1, 4.0),
        (6, 1, 6.0),
        (8, 1, 8.0),
        (10, 1, 10.0),
    ]
    # The same 3 arrive every week: never a spike of volume. 2 -> 4 -> 6 -> 8 rose three
    # weeks in a row (K = 3): growing, and still growing at 10.
    assert [r.trend for r in rows] == [Trend.STABLE] * 3 + [Trend.GROWING, Trend.GROWING]
    assert rows[4].trend_reason == "the backlog rose 3 week(s) in a row: 4 -> 6 -> 8 -> 10"
    assert rows[0].trend_reason == "the first week; no spike is judged before 4 week(s) of history"
    # At the end of week 4: two from that Monday (6 d 15 h old), eight older than 7 days.
    assert rows[4].ages == (0, 0, 2, 8)
    # With K = 5 the same series is not yet "growing": only four rises so far.
    five = both(history, BacklogOptions(growing_weeks=5)).series()
    assert Trend.GROWING not in {r.trend for r in five}


def test_an_empty_window_gives_no_ratio_and_says_why() -> None:
    # Two tickets in week 0, nothing solved for five weeks, one solved in week 5.
    history = [ticket(1, day(0), day(7 * 5 + 1)), ticket(2, day(1))]
    rows = both(history).series()
    assert [r.ratio for r in rows] == [None] * 5 + [1 / (1 / 4)]
    assert [r.ratio_weeks for r in rows] == [1, 2, 3, 4, 4, 4]
    assert rows[4].ratio_note == "nothing was solved in the 4 week(s) ending 2026-03-30"
    assert rows[5].ratio_note is None
    # No history at all: an empty report, not an error.
    empty = both([])
    assert empty.rows == ()
    assert empty.trend is None


def test_reopened_tickets_are_unresolved_again_until_solved_again() -> None:
    # Created Mon w0, solved Tue, reopened Thu, solved Tue w1, reopened Wed w2.
    history = [ticket(1, day(0), day(1), day(3), day(8), day(16))]
    rows = both(history).series()
    assert table(rows, "created", "solved", "reopened", "unresolved", "reopen_rate") == [
        (1, 1, 1, 1, 1.0),
        (0, 1, 0, 0, 0.0),
        (0, 0, 1, 1, None),
    ]
    # Time to full resolution counts from creation: 1 day, then 8 days.
    assert [r.resolution_median for r in rows] == [D, 8 * D, None]
    # Ratio: 1/(1/1), 0/(2/2), 1/(2/3).
    assert [r.ratio for r in rows] == pytest.approx([1.0, 0.0, 1.5])
    # The age is from creation, not from the reopen: 16 days at the end of week 2.
    assert rows[2].ages == (0, 0, 0, 1)


def test_tickets_solved_in_the_week_they_arrive_never_count_as_backlog() -> None:
    history = [ticket(k, day(0), day(0, hour=15)) for k in range(3)]
    (row,) = both(history).series()
    assert (row.created, row.solved, row.unresolved, row.ratio) == (3, 3, 0, 0.0)
    assert row.resolution_median == timedelta(hours=6)


def test_an_event_at_the_first_instant_of_a_week_belongs_to_that_week() -> None:
    # Weeks are half-open: created Monday 00:00 is in the new week; solved at Monday
    # 00:00 means the ticket is no longer unresolved at the end of the week before.
    history = [ticket(1, MONDAY - timedelta(microseconds=1), MONDAY + 7 * D), ticket(2, MONDAY + 7 * D)]
    rows = both(history).series()
    assert table(rows, "week", "created", "solved", "unresolved") == [
        (MONDAY.date() - 7 * D, 1, 0, 1),
        (MONDAY.date(), 0, 0, 1),
        (MONDAY.date() + 7 * D, 1, 1, 1),
    ]


BERLIN = ZoneInfo("Europe/Berlin")


def test_week_boundaries_follow_the_zone_through_dst() -> None:
    # Berlin springs forward on Sunday 2026-03-29 (02:00 -> 03:00) and falls back on
    # Sunday 2026-10-25 (03:00 -> 02:00): those weeks last 167 and 169 hours.
    options = BacklogOptions(timezone="Europe/Berlin")
    spring = datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC)  # Sunday 23:59:59 CEST
    history = [
        ticket(1, datetime(2026, 3, 23, 0, 0, tzinfo=BERLIN)),
        ticket(2, spring),
        ticket(3, spring + timedelta(seconds=1)),  # Monday 00:00 CEST: the next week
        ticket(4, datetime(2026, 10, 26, 0, 0, tzinfo=BERLIN) - timedelta(microseconds=1)),
    ]
    rows = both(history, options).series()
    assert rows[0].week.isoformat() == "2026-03-23"
    # (Subtract in UTC: Python subtracts two datetimes of one zone by their wall clocks.)
    assert rows[0].end.astimezone(UTC) - rows[0].start.astimezone(UTC) == timedelta(hours=167)
    assert (rows[0].created, rows[1].created) == (2, 1)
    fall = next(r for r in rows if r.week.isoformat() == "2026-10-19")
    assert fall.end.astimezone(UTC) - fall.start.astimezone(UTC) == timedelta(hours=169)
    assert fall.created == 1
    assert fall.start.tzinfo is BERLIN
    # The same tickets in UTC weeks: ticket 1 (Sunday the 22nd, 23:00 UTC) falls in the
    # week before, and ticket 3 (Sunday the 29th, 22:00 UTC) stays with ticket 2.
    utc = both(history).series()
    assert table(utc[:2], "week", "created") == [(MONDAY.date() + 14 * D, 1), (MONDAY.date() + 21 * D, 2)]


def test_weeks_may_start_on_any_weekday() -> None:
    options = BacklogOptions(week_starts="sunday")
    rows = both([ticket(1, day(-1)), ticket(2, day(0))], options).series()  # Sunday, Monday
    assert table(rows, "week", "created") == [(MONDAY.date() - D, 2)]


def test_breakdown_by_channel_and_per_ticket_figures() -> None:
    transferred = History(
        id="T1",
        created=day(0),
        channel="chat",
        assignee="ann",
        lifecycle=(day(2),),
        transfers=((day(1), "bob"), (day(1, hour=10), "ann")),
        escalations=(day(1, hour=11),),
    )
    history = [transferred, ticket(2, day(0), day(3), channel="email"), ticket(3, day(1), channel="email")]
    report = both(history, BacklogOptions(by="channel"))
    assert report.groups == ((("channel", "chat"),), (("channel", "email"),))
    chat = report.week(MONDAY.date(), {"channel": "chat"})
    email = report.week(MONDAY.date(), {"channel": "email"})
    total = report.week(MONDAY.date())
    assert (chat.solved, chat.transfers_per_ticket, chat.escalations_per_ticket) == (1, 2.0, 1.0)
    assert (email.solved, email.unresolved, email.transfers_per_ticket) == (1, 1, 0.0)
    assert (total.solved, total.transfers_per_ticket, total.escalations_per_ticket) == (2, 1.0, 0.5)


def test_sla_attainment_per_target_by_the_week_a_cycle_ended() -> None:
    policies = SLAPolicies(
        [
            SLAPolicy(
                name="all",
                targets=[
                    Target(name="first_response", metric=Metric.FIRST_RESPONSE, goals=timedelta(hours=1))
                ],
            )
        ]
    )
    replies = {"T1": day(0, hour=9) + timedelta(minutes=30), "T2": day(1, hour=12), "T3": day(8)}
    history = [ticket(1, day(0)), ticket(2, day(1)), ticket(3, day(7, hour=23))]
    recs = records(history)
    tracker = BacklogTracker()
    for event in events(history):
        tracker.handle(event)
    # A due time set by hand (HDP 36) is the SLA's business; the tracker takes it and counts nothing.
    tracker.handle(DueDateSet(ticket_id="T1", at=day(0, hour=10), target="first_response", due=day(2)))
    for record in recs:
        ticket_events = [
            TicketCreated(ticket=Ticket(id=record["id"], created=record["created"])),
            AgentReply(ticket_id=record["id"], at=replies[record["id"]]),
        ]
        record["sla"] = evaluate(policies, ticket_events, day(14))
        tracker.handle(record["sla"])
    report = backlog_report(recs)
    assert tracker.report() == report
    # T1 answered in 30 minutes (week 0), T2 in 3 hours (late, week 0), T3 in 10 hours (late, week 1).
    assert [(r.sla[0].achieved, r.sla[0].late, r.sla[0].rate) for r in report.series()] == [
        (1, 1, 0.5),
        (0, 1, 0.0),
    ]
    assert report.to_records()[0]["sla_first_response_late"] == 1


def test_sealing_frees_the_samples_of_closed_weeks_and_changes_no_report() -> None:
    """ISSUE (incremental memory), HAND: the steady team's history, each ticket closed a day
    after its solve and the tracker sealed every Monday. The weeks that ended before both the
    seal and every open ticket's first solve keep only their percentiles; the report is the
    batch report; an event before the seal is refused, naming the field."""
    history = []
    for w in range(4):
        for k in range(10):
            solve = day(7 * w + 4) if k < 5 else day(7 * w + 11)
            history.append(ticket(10 * w + k, day(7 * w), solve))
    options = BacklogOptions(by="channel")
    tracker = BacklogTracker(options)
    stream = sorted(
        [(e.at, 0, e) for e in events(history)]
        + [
            (h.solved[-1] + D, 1, StatusChanged(ticket_id=h.id, at=h.solved[-1] + D, status="closed"))
            for h in history
        ],
        key=lambda x: (x[0], x[1]),
    )
    sealed_at = []
    for at, _, event in stream:
        if at.weekday() == 0 and at not in sealed_at:
            tracker.seal(at)
            sealed_at.append(at)
        tracker.handle(event)
    tracker.seal(day(40))

    assert tracker.report() == backlog_report(records(history), options)
    ledger = tracker._ledger  # what sealing frees is internal
    assert sorted(ledger.total_quantiles) == [ledger.weeks.index(day(7 * w).timestamp()) for w in range(5)]
    assert all(not s.durations for s in ledger.groups.values())
    with pytest.raises(InvalidInput) as e:
        tracker.handle(TicketCreated(ticket=Ticket(id="late", created=day(39))))
    assert "ticket.created" == e.value.field
