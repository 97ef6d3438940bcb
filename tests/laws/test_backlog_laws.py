"""Laws of the backlog report, over random histories (ISSUE #5).

- The batch report from records, the tracker fed the same history as events, and a
  slow reference that looks at every ticket at the end of every week all agree.
- The per-group figures add up to the total.
- Shifting every instant by whole weeks shifts the weeks and nothing else.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore.backlog import BacklogOptions, BacklogTracker, backlog_report, backlog_report_from_events
from ticketcore.sla import BusinessCalendar

from backlog_helpers import History, comparable, event_rows, events, histories, records, reference

OFFICE = BusinessCalendar.from_dict(
    {
        "timezone": "Europe/Berlin",
        "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": {"country": "DE"},
    }
)
OPTIONS = st.sampled_from(
    [
        BacklogOptions(timezone="Europe/Berlin", by="channel"),
        BacklogOptions(timezone="America/New_York", by="assignee", week_starts="sun"),
        BacklogOptions(by=("channel", "tier"), calendar=OFFICE, window=2, growing_weeks=2, spike_factor=1.2),
        BacklogOptions(timezone="Europe/Berlin"),
    ]
)


def tracked(history: list[History], options: BacklogOptions) -> BacklogTracker:
    tracker = BacklogTracker(options)
    for event in events(history):
        tracker.handle(event)
    return tracker


@pytest.mark.slow
@given(histories(), OPTIONS, st.none() | st.integers(0, 60))
def test_batch_tracker_and_reference_agree(
    history: list[History], options: BacklogOptions, extra: int | None
) -> None:
    through = None
    if extra is not None and history:
        through = max(h.created for h in history) + timedelta(days=extra)
    batch = backlog_report(records(history), options, through=through)
    assert batch == tracked(history, options).report(through)
    assert comparable(batch.to_records()) == reference(records(history), options, through)


@pytest.mark.slow
@given(histories(), OPTIONS, st.randoms(use_true_random=False))
def test_an_event_table_tracker_and_records_agree(
    history: list[History], options: BacklogOptions, rng: Any
) -> None:
    # ISSUE #15: one row per event, in any interleaving of the tickets, gives the report of
    # the per-ticket records and of the tracker fed the same history (ids as numbers).
    renamed = [attrs.evolve(h, id=h.id[1:]) for h in history]
    expected = backlog_report(records(renamed), options)
    assert backlog_report_from_events(event_rows(history, rng), options) == expected
    assert tracked(renamed, options).report() == expected


COUNTS = ("created", "solved", "reopened", "unresolved")


@pytest.mark.slow
@given(histories(), OPTIONS)
def test_groups_add_up_to_the_total(history: list[History], options: BacklogOptions) -> None:
    report = backlog_report(records(history), options)
    for total in report.series():
        rows = [r for r in report.rows if r.week == total.week and r.group]
        if not options.by:
            assert rows == []
            continue
        for name in COUNTS:
            assert sum(getattr(r, name) for r in rows) == getattr(total, name)
        assert [sum(r.ages[k] for r in rows) for k in range(4)] == list(total.ages)
        assert sum(total.ages) == total.unresolved


def _shift(history: list[History], weeks: int) -> list[History]:
    def move(t: datetime) -> datetime:  # whole weeks of real time, whatever the zone's clocks do
        return (t.astimezone(UTC) + timedelta(weeks=weeks)).astimezone(t.tzinfo)

    return [
        attrs.evolve(
            h,
            created=move(h.created),
            lifecycle=tuple(map(move, h.lifecycle)),
            transfers=tuple((move(t), a) for t, a in h.transfers),
            escalations=tuple(map(move, h.escalations)),
        )
        for h in history
    ]


def _unweeked(report_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in ("week", "ratio_note")} for r in report_records]


@pytest.mark.slow
@given(histories(), st.integers(-30, 30))
def test_shifting_by_whole_weeks_shifts_the_series_and_nothing_else(
    history: list[History], weeks: int
) -> None:
    options = BacklogOptions(by="channel")  # UTC weeks: whole weeks of real time
    before = backlog_report(records(history), options)
    after = backlog_report(records(_shift(history, weeks)), options)
    assert _unweeked(after.to_records()) == _unweeked(before.to_records())
    assert after.weeks == tuple(d + timedelta(weeks=weeks) for d in before.weeks)


@given(OPTIONS)
def test_options_round_trip_through_their_dict(options: BacklogOptions) -> None:
    assert BacklogOptions.from_dict(options.to_dict()) == options
