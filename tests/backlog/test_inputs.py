"""Data as pandas and SQL hand it over, reports from a date, and weeks as dates (ISSUE #15).

pandas is not a dependency: its missing values are stood in for by look-alikes, which is
enough since ticketcore recognises them by duck typing (``NaTType`` is a datetime subclass
whose ``utcoffset`` and ``timestamp`` raise ValueError, and which is unequal to itself).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, Priority, Ticket
from ticketcore.backlog import (
    MISSING_GROUP,
    BacklogOptions,
    BacklogTracker,
    TicketRecord,
    backlog_report,
    backlog_report_from_events,
)
from ticketcore.events import StatusChanged, TicketCreated

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)
W = timedelta(weeks=1)


class NaTType(datetime):
    """pandas' NaT, as far as ticketcore can see: a datetime that is not one."""

    def __new__(cls) -> NaTType:
        return super().__new__(cls, 1970, 1, 1)

    def utcoffset(self) -> timedelta | None:
        raise ValueError("NaTType does not support utcoffset")

    def timestamp(self) -> float:
        raise ValueError("NaTType does not support timestamp")

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = datetime.__hash__


NaT = NaTType()


@pytest.mark.parametrize("missing", [NaT, math.nan, None], ids=["NaT", "NaN", "None"])
def test_a_missing_solve_means_unsolved(missing: object) -> None:
    records = [
        {"id": "A", "created": MONDAY, "solved": MONDAY + H},
        {"id": "B", "created": MONDAY, "solved": missing},
    ]
    (row,) = backlog_report(records).series()
    assert (row.created, row.solved, row.unresolved) == (2, 1, 1)
    assert backlog_report([TicketRecord(id="B", created=MONDAY, solved=missing)]).rows[0].unresolved == 1


def test_nat_where_an_instant_is_needed_names_the_record() -> None:
    with pytest.raises(InvalidInput) as info:
        backlog_report([{"id": "A", "created": NaT}])
    assert info.value.field == "records[0] ('A').created"
    with pytest.raises(InvalidInput) as info:
        backlog_report(
            [{"id": "A", "created": MONDAY, "solved": [MONDAY + H, NaT], "reopened": [MONDAY + 2 * H]}]
        )
    assert info.value.field == "records[0] ('A').solved[1]"


def test_integer_ids_are_accepted_and_are_the_ticket_of_their_text() -> None:
    report = backlog_report(
        [{"id": 1, "created": MONDAY}, {"id": 2, "created": MONDAY, "solved": MONDAY + H}]
    )
    assert report.rows[0].created == 2
    with pytest.raises(InvalidInput) as info:
        backlog_report([{"id": 1, "created": MONDAY}, {"id": "1", "created": MONDAY}])
    assert info.value.field == "records[1].id"
    for bad in (True, 1.5, "", None):
        with pytest.raises(InvalidInput, match="text or a whole number"):
            backlog_report([{"id": bad, "created": MONDAY}])


def test_missing_group_values_are_one_named_group() -> None:
    records = [
        {"id": "A", "created": MONDAY, "channel": "chat"},
        {"id": "B", "created": MONDAY, "channel": None},
        {"id": "C", "created": MONDAY, "channel": math.nan},
        {"id": "D", "created": MONDAY, "channel": float("nan")},
        {"id": "E", "created": MONDAY, "channel": NaT},
    ]
    report = backlog_report(records, BacklogOptions(by="channel"))
    assert report.groups == ((("channel", "chat"),), (("channel", MISSING_GROUP),))
    assert report.series({"channel": None})[0].created == 4
    assert report.series({"channel": math.nan}) == report.series({"channel": "(none)"})
    assert "channel=(none)" in report.text()
    assert "nan" not in report.text()
    assert [r["channel"] for r in report.to_records()] == [None, "chat", "(none)"]


def test_an_unknown_group_lists_the_known_ones() -> None:
    report = backlog_report(
        [
            {"id": "A", "created": MONDAY, "channel": "chat"},
            {"id": "B", "created": MONDAY, "channel": "email"},
        ],
        BacklogOptions(by="channel"),
    )
    with pytest.raises(InvalidInput, match="channel='chat'; channel='email'") as info:
        report.series({"channel": "fax"})
    assert info.value.field == "group"
    with pytest.raises(InvalidInput, match=r"fields \['channel'\]"):
        report.series({"tier": 1})


def test_plain_text_priorities_group_as_the_tracker_does() -> None:
    options = BacklogOptions(by="priority")
    tracker = BacklogTracker(options)
    tracker.handle(TicketCreated(ticket=Ticket(id="A", created=MONDAY, priority=Priority.LOW)))
    tracker.handle(TicketCreated(ticket=Ticket(id="B", created=MONDAY, priority="high")))
    tracker.handle(StatusChanged(ticket_id="A", at=MONDAY + H, status="solved"))
    records = [
        {"id": "A", "created": MONDAY, "solved": MONDAY + H, "priority": "low"},
        {"id": "B", "created": MONDAY, "priority": Priority.HIGH},
    ]
    assert backlog_report(records, options) == tracker.report()
    assert tracker.report().series({"priority": Priority.LOW}) == tracker.report().series({"priority": "low"})


def test_a_report_from_a_date_counts_the_weeks_before() -> None:
    records: list[dict[str, Any]] = [
        {"id": f"T{w}", "created": MONDAY + w * W, "solved": MONDAY + w * W + H} for w in range(6)
    ]
    records.append({"id": "open", "created": MONDAY + 5 * W})
    full = backlog_report(records)
    for start in (date(2026, 3, 25), datetime(2026, 3, 23, tzinfo=UTC), MONDAY + 3 * W + H):
        part = backlog_report(records, start=start)
        assert part.weeks == full.weeks[3:]
        assert part.rows == full.rows[3:]  # ratios and trends as in the full report
        assert part.rows[0].ratio_weeks == 4
    # A start before the first week changes nothing.
    assert backlog_report(records, start=date(2020, 1, 1)) == full
    tracker = BacklogTracker()
    for r in records:
        tracker.handle(TicketCreated(ticket=Ticket(id=r["id"], created=r["created"])))
        if "solved" in r:
            tracker.handle(StatusChanged(ticket_id=r["id"], at=r["solved"], status="solved"))
    assert tracker.report(start=date(2026, 3, 25)) == backlog_report(records, start=date(2026, 3, 25))
    with pytest.raises(InvalidInput) as info:
        backlog_report(records, start=date(2027, 1, 1))
    assert info.value.field == "start"
    for bad in ("2026-03-25", datetime(2026, 3, 25), date(1066, 10, 14)):
        with pytest.raises(InvalidInput, match="start"):
            backlog_report(records, start=bad)  # type: ignore[arg-type]  # the wrong type on purpose


def test_records_give_each_week_as_a_date() -> None:
    report = backlog_report([{"id": "A", "created": MONDAY}])
    (record,) = report.to_records()
    assert record["week"] == date(2026, 3, 2)
    assert type(record["week"]) is date
    assert report.to_records(iso=True)[0]["week"] == "2026-03-02"
    with pytest.raises(InvalidInput, match="iso"):
        report.to_records(iso="yes")  # type: ignore[arg-type]  # the wrong type on purpose


ROWS: list[dict[str, Any]] = [
    {"id": 1, "kind": "created", "at": MONDAY, "channel": "chat"},
    {"id": 2, "kind": "created", "at": MONDAY + H, "channel": "email"},
    {"id": 1, "kind": "solved", "at": MONDAY + 2 * H, "channel": None},
    {"id": 1, "kind": "reopened", "at": MONDAY + 3 * H, "channel": None},
    {"id": 2, "kind": "updated", "at": MONDAY + 4 * H, "channel": "chat"},
    {"id": 1, "kind": "closed", "at": MONDAY + W, "channel": None},
]


def test_an_event_table_gives_the_report_of_the_same_records() -> None:
    options = BacklogOptions(by="channel")
    records = [
        {
            "id": "1",
            "created": MONDAY,
            "solved": [MONDAY + 2 * H, MONDAY + W],
            "reopened": [MONDAY + 3 * H],
            "channel": "chat",
        },
        {"id": "2", "created": MONDAY + H, "channel": "chat"},
    ]
    expected = backlog_report(records, options)
    assert backlog_report_from_events(ROWS, options) == expected
    assert backlog_report_from_events(list(reversed(ROWS)), options) == expected


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        (
            [{"id": "A", "kind": "made", "at": MONDAY, "channel": "x"}],
            "rows[0] ('A').kind",
            "one of the kinds",
        ),
        ([{"id": "A", "kind": "solved", "at": MONDAY}], "rows[0] ('A').kind", "has none"),
        (
            [
                {"id": "A", "kind": "created", "at": MONDAY, "channel": "x"},
                {"id": "A", "kind": "solved", "at": MONDAY - H},
            ],
            "rows[1] ('A').at",
            "no earlier than the ticket's creation",
        ),
        (
            [
                {"id": "A", "kind": "created", "at": MONDAY, "channel": "x"},
                {"id": "A", "kind": "created", "at": MONDAY + H, "channel": "x"},
            ],
            "rows[1] ('A').kind",
            r"rows\[0\] creates it",
        ),
        (
            [
                {"id": "A", "kind": "created", "at": MONDAY, "channel": "x"},
                {"id": "A", "kind": "closed", "at": MONDAY + H},
                {"id": "A", "kind": "reopened", "at": MONDAY + 2 * H},
            ],
            "rows[2] ('A').at",
            "closing is final",
        ),
        (
            [{"id": "A", "kind": "created", "at": MONDAY, "chanel": "x"}],
            "rows[0] ('A').channel",
            "did you mean 'chanel'",
        ),
        ([{"id": "A", "kind": "created", "at": NaT, "channel": "x"}], "rows[0] ('A').at", "aware datetime"),
        (
            [{"id": "A", "kind": "created", "at": MONDAY, "channel": ["x"]}],
            "rows[0] ('A').channel",
            "hashable",
        ),
    ],
)
def test_event_table_errors_name_the_row(rows: list[dict[str, Any]], field: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        backlog_report_from_events(rows, BacklogOptions(by="channel"))
    assert info.value.field == field
