"""Bad input gets an error that names the record and the field (ISSUE #5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, Ticket
from ticketcore.backlog import BacklogOptions, BacklogTracker, TicketRecord, backlog_report
from ticketcore.events import StatusChanged, TicketCreated

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)


def fails(records: list[Any], field: str, options: BacklogOptions | None = None) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        backlog_report(records, options)
    assert info.value.field == field
    return info.value


def test_solved_before_created_names_the_record() -> None:
    error = fails(
        [{"id": "A", "created": T0}, {"id": "B", "created": T0, "solved": T0 - H}],
        "records[1] ('B').solved[0]",
    )
    assert "no earlier than created" in str(error)


def test_lifecycle_out_of_order() -> None:
    fails(
        [{"id": "A", "created": T0, "solved": [T0 + H, T0 + 3 * H], "reopened": [T0 + 4 * H]}],
        "records[0] ('A').solved[1]",
    )
    fails(
        [{"id": "A", "created": T0, "solved": [T0 + H], "reopened": [T0, T0 + 2 * H]}],
        "records[0] ('A').reopened",
    )


def test_duplicate_ids() -> None:
    error = fails([{"id": "A", "created": T0}, {"id": "A", "created": T0}], "records[1].id")
    assert "records[0] has it" in str(error)


def test_naive_datetimes() -> None:
    fails([{"id": "A", "created": datetime(2026, 3, 2, 9)}], "records[0] ('A').created")
    fails([{"id": "A", "created": T0, "solved": datetime(2026, 3, 2, 10)}], "records[0] ('A').solved[0]")
    fails(
        [TicketRecord(id="A", created=T0, transferred=(datetime(2026, 3, 2, 10),))],
        "records[0] ('A').transferred[0]",
    )
    with pytest.raises(InvalidInput, match="through"):
        backlog_report([], through=datetime(2026, 3, 2))


def test_an_unknown_group_field_suggests_the_closest() -> None:
    error = fails(
        [{"id": "A", "created": T0, "channel": "chat"}],
        "records[0] ('A').chanel",
        BacklogOptions(by="chanel"),
    )
    assert "did you mean 'channel'?" in str(error)
    fails(
        [TicketRecord(id="A", created=T0, fields={"tier": 1})],
        "records[0] ('A').channel",
        BacklogOptions(by="channel"),
    )

    class Plain:
        id = "A"
        created = T0

    fails([Plain()], "records[0] ('A').channel", BacklogOptions(by="channel"))


def test_missing_or_bad_ids_and_sla() -> None:
    fails([{"created": T0}], "records[0].id")
    fails([{"id": "A", "created": T0, "sla": "late"}], "records[0] ('A').sla")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"week_starts": "someday"}, "week_starts"),
        ({"window": 0}, "window"),
        ({"growing_weeks": 1.5}, "growing_weeks"),
        ({"spike_factor": 1}, "spike_factor"),
        ({"by": ["channel", "channel"]}, "by"),
        ({"by": 3}, "by"),
        ({"calendar": "office"}, "calendar"),
    ],
)
def test_bad_options(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        BacklogOptions(**kwargs)
    assert info.value.field == field


def test_options_dict_with_an_unknown_key() -> None:
    with pytest.raises(InvalidInput, match="did you mean 'window'"):
        BacklogOptions.from_dict({"windows": 4})


def test_the_tracker_refuses_and_stays_unchanged() -> None:
    tracker = BacklogTracker(BacklogOptions(by="channel"))
    tracker.handle(TicketCreated(ticket=Ticket(id="A", created=T0, channel="chat")))
    tracker.handle(StatusChanged(ticket_id="A", at=T0 + 2 * H, status="solved"))
    before = tracker.report()
    cases: list[tuple[object, str]] = [
        (StatusChanged(ticket_id="B", at=T0, status="solved"), "ticket_id"),
        (TicketCreated(ticket=Ticket(id="A", created=T0)), "ticket.id"),
        (StatusChanged(ticket_id="A", at=T0 + H, status="open"), "at"),
        ("solved", "event"),
    ]
    for event, field in cases:
        with pytest.raises(InvalidInput) as info:
            tracker.handle(event)
        assert info.value.field == field
    assert tracker.report() == before
    with pytest.raises(InvalidInput, match="options"):
        BacklogTracker("weekly")  # type: ignore[arg-type]  # the wrong type on purpose


def test_report_lookups() -> None:
    report = backlog_report([{"id": "A", "created": T0, "channel": "chat"}], BacklogOptions(by="channel"))
    assert report.week(date(2026, 3, 4), {"channel": "chat"}).created == 1
    with pytest.raises(InvalidInput, match="day"):
        report.week(date(2026, 4, 1))
    with pytest.raises(InvalidInput, match="group"):
        report.series({"tier": 1})
