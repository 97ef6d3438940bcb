"""Bad input is refused before anything changes, and options round-trip (ISSUE #16)."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import InvalidInput, InvalidTransition, Ticket
from ticketcore.backlog import BacklogOptions, BacklogTracker, backlog_report
from ticketcore.events import AgentReply, CustomerMessage, DueDateSet, StatusChanged, TicketCreated

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)
YEAR_ONE = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
YEAR_3000 = datetime(3000, 1, 1, tzinfo=UTC)
T = TypeVar("T")


def forced(value: T, **changes: object) -> T:
    """``value`` with fields its constructor may refuse (a host's bug, or an old version)."""
    for name, field in changes.items():
        object.__setattr__(value, name, field)
    return value


def test_a_creation_out_of_range_leaves_the_tracker_and_its_weeks_unchanged() -> None:
    options = BacklogOptions()
    tracker = BacklogTracker(options)
    tracker.handle(TicketCreated(ticket=Ticket(id="A", created=MONDAY)))
    before, cache = tracker.report(), (options._weeks.first, list(options._weeks.bounds))
    for at in (YEAR_ONE, YEAR_3000, datetime(1899, 12, 31, 23, tzinfo=UTC)):
        with pytest.raises(InvalidInput) as info:
            tracker.handle(TicketCreated(ticket=forced(Ticket(id="B", created=MONDAY), created=at)))
        assert info.value.field == "ticket.created"
        with pytest.raises(InvalidInput) as info:
            tracker.handle(forced(StatusChanged(ticket_id="A", at=MONDAY, status="solved"), at=at))
        assert info.value.field == "at"
    assert tracker.report() == before
    assert (options._weeks.first, options._weeks.bounds) == cache
    # It still works, and every week is where it was.
    tracker.handle(TicketCreated(ticket=Ticket(id="B", created=MONDAY + 7 * 24 * H)))
    assert tracker.report().weeks == (date(2026, 3, 2), date(2026, 3, 9))
    for name, call in (("before", tracker.seal), ("through", tracker.report)):
        with pytest.raises(InvalidInput) as info:
            call(YEAR_ONE)
        assert info.value.field == name


def test_records_out_of_range_are_refused_by_name() -> None:
    for field, record in (
        ("created", {"id": "A", "created": YEAR_ONE}),
        ("created", {"id": "A", "created": datetime(1800, 1, 1, tzinfo=UTC), "channel": "x"}),
        ("solved[0]", {"id": "A", "created": MONDAY, "solved": YEAR_3000}),
        (
            "transferred[0]",
            {"id": "A", "created": MONDAY, "transferred": [datetime(9999, 12, 31, tzinfo=UTC)]},
        ),
    ):
        with pytest.raises(InvalidInput, match="1900-01-01 to 2999-12-31") as info:
            backlog_report([record])
        assert info.value.field == f"records[0] ('A').{field}"


@pytest.mark.parametrize("kind", ["reply", "message", "due"])
def test_replies_and_due_dates_need_a_followed_ticket_in_time_order(kind: str) -> None:
    def event(ticket_id: str, at: datetime) -> object:
        if kind == "reply":
            return AgentReply(ticket_id=ticket_id, at=at)
        if kind == "message":
            return CustomerMessage(ticket_id=ticket_id, at=at)
        return DueDateSet(ticket_id=ticket_id, at=at, target="resolution", due=at + H)

    tracker = BacklogTracker()
    tracker.handle(TicketCreated(ticket=Ticket(id="A", created=MONDAY)))
    tracker.handle(event("A", MONDAY + H))  # accepted, counts nothing
    before = tracker.report()
    for bad, field in ((event("nobody", MONDAY + H), "ticket_id"), (event("A", MONDAY), "at")):
        with pytest.raises(InvalidTransition) as info:
            tracker.handle(bad)
        assert info.value.field == field
    assert tracker.report() == before
    tracker.handle(StatusChanged(ticket_id="A", at=MONDAY + 2 * H, status="closed"))
    with pytest.raises(InvalidTransition):  # a closed ticket is forgotten
        tracker.handle(event("A", MONDAY + 3 * H))


def test_unknown_tickets_and_order_errors_are_invalid_transitions() -> None:
    tracker = BacklogTracker()
    tracker.handle(TicketCreated(ticket=Ticket(id="A", created=MONDAY)))
    for bad in (
        StatusChanged(ticket_id="B", at=MONDAY, status="solved"),
        StatusChanged(ticket_id="A", at=MONDAY - H, status="solved"),
        TicketCreated(ticket=Ticket(id="A", created=MONDAY)),
    ):
        with pytest.raises(InvalidTransition):
            tracker.handle(bad)


@pytest.mark.parametrize("factor", [math.nan, math.inf, -math.inf, True, "2", 10**400, 1, 0.5])
def test_spike_factor_must_be_a_finite_number_above_one(factor: object) -> None:
    with pytest.raises(InvalidInput) as info:
        BacklogOptions(spike_factor=factor)
    assert info.value.field == "spike_factor"
    with pytest.raises(InvalidInput):
        BacklogOptions.from_dict({"spike_factor": factor})


def test_options_dicts_nested_too_deep_are_refused() -> None:
    deep: Any = "mon"
    for _ in range(200):
        deep = [deep]
    with pytest.raises(InvalidInput, match="levels of nesting"):
        BacklogOptions.from_dict({"by": deep})


OPTION_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "timezone": st.sampled_from(["UTC", "Europe/Berlin", "Pacific/Kiritimati"]),
        "week_starts": st.sampled_from(["mon", "sun", "Wednesday"]),
        "window": st.integers(1, 10**18),
        "growing_weeks": st.integers(1, 10**18),
        "spike_factor": st.integers(2, 10**18) | st.floats(1, exclude_min=True) | st.just(math.nan),
        "by": st.lists(st.sampled_from(["channel", "tier", "custom.team"]), unique=True),
    },
)


@given(OPTION_VALUES)
def test_every_accepted_options_value_round_trips_through_json(values: dict[str, Any]) -> None:
    try:
        options = BacklogOptions.from_dict(values)
    except InvalidInput:
        assert not math.isfinite(values["spike_factor"])
        return
    assert BacklogOptions.from_dict(json.loads(json.dumps(options.to_dict(), allow_nan=False))) == options
