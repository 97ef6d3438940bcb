"""The trend labels follow the source article's rule of thumb (ISSUE #15).

The article (Zendesk blog, Liz Bauer, 2022, tip 8; tests/data/sources.md, quoted in docs/backlog.md): "if
tickets shoot up in one week a month, there is probably no cause for concern; a jam that
grows week after week must be investigated". So a spike is judged on the tickets that
*arrive*, growth on the unresolved backlog, and a fall on the backlog week against week.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ticketcore.backlog import BacklogOptions, Trend, backlog_report

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
W = timedelta(weeks=1)
H = timedelta(hours=1)


def weekly(arrivals: list[int], *, solve_after: timedelta | None = H) -> list[dict[str, object]]:
    """``arrivals[w]`` tickets each Monday of week w, each solved ``solve_after`` later (or never)."""
    out: list[dict[str, object]] = []
    for w, n in enumerate(arrivals):
        for k in range(n):
            created = MONDAY + w * W
            record: dict[str, object] = {"id": f"{w}-{k}", "created": created}
            if solve_after is not None:
                record["solved"] = created + solve_after
            out.append(record)
    return out


def trends(records: list[dict[str, object]], **options: Any) -> list[Trend]:
    return [r.trend for r in backlog_report(records, BacklogOptions(**options)).series()]


def test_a_jump_in_incoming_tickets_is_a_spike_even_when_they_are_all_solved() -> None:
    # Everything is solved within the hour: the backlog is 0 every week, yet week 4 gets
    # 20 tickets against 5 a week before: a jump in volume.
    assert trends(weekly([5, 5, 5, 5, 20, 5])) == [Trend.STABLE] * 4 + [Trend.SPIKE, Trend.STABLE]


def test_a_backlog_jump_without_more_incoming_is_no_spike() -> None:
    # 5 a week arrive throughout; those of week 4 are not solved. The backlog jumps
    # 0 -> 5, but the volume did not: stable (then the backlog stays at 5).
    records = (
        weekly([5, 5, 5, 5])
        + [{"id": f"late-{k}", "created": MONDAY + 4 * W} for k in range(5)]
        + weekly([0, 0, 0, 0, 0, 5])
    )
    rows = backlog_report(records).series()
    assert [r.unresolved for r in rows] == [0, 0, 0, 0, 5, 5]
    assert [r.trend for r in rows] == [Trend.STABLE] * 6


def test_no_spike_against_a_zero_baseline_or_before_a_full_window() -> None:
    # Week 0 has one ticket, weeks 1-4 none, week 5 has five: their mean of 0 is no baseline.
    rows = backlog_report(weekly([1, 0, 0, 0, 0, 5])).series()
    assert rows[5].trend is Trend.STABLE
    assert rows[5].trend_reason.endswith("5 created against a mean of 0.0 over the 4 week(s) before")
    # 1 then 10: ten times more, but only one week of history (window 4): no label yet.
    assert trends(weekly([1, 10])) == [Trend.STABLE, Trend.STABLE]
    assert trends(weekly([1, 10]), window=1) == [Trend.STABLE, Trend.SPIKE]


def test_shrinking_is_a_fall_of_the_backlog_this_week_against_last() -> None:
    # Unsolved: 3 in week 0, then one solved in week 1: 3 -> 2.
    records = [{"id": f"T{k}", "created": MONDAY} for k in range(3)]
    records[0]["solved"] = MONDAY + W
    assert trends(records) == [Trend.STABLE, Trend.SHRINKING]


def test_growing_comes_first_then_spike_then_shrinking() -> None:
    # 1, 1, 1, 1 arrive and are never solved, then 10, 10, 10: backlog 1, 2, 3, 4, 14, 24, 34.
    rows = backlog_report(weekly([1, 1, 1, 1, 10, 10, 10], solve_after=None)).series()
    assert [r.unresolved for r in rows] == [1, 2, 3, 4, 14, 24, 34]
    # Weeks 3 to 6 rose 3 weeks in a row: growing wins over the spike of week 4.
    assert [r.trend for r in rows] == [Trend.STABLE] * 3 + [Trend.GROWING] * 4
    # With K = 5 week 4 has not risen five weeks in a row: the jump of 10 is a spike.
    assert trends(weekly([1, 1, 1, 1, 10], solve_after=None), growing_weeks=5)[-1] is Trend.SPIKE
    # And a spike wins over a fall: 10 arrive and are solved, while older tickets are solved.
    records = [*weekly([2, 2, 2, 2, 10]), {"id": "old", "created": MONDAY, "solved": MONDAY + 4 * W}]
    assert trends(records)[-1] is Trend.SPIKE
