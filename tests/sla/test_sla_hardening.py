"""Bad input to SLA policies, calendars and clocks (issue 16): named errors, and an object
left unchanged and working after any of them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import HorizonExceeded, InvalidInput, Ticket
from ticketcore.events import CustomerMessage, TicketCreated, TicketUpdated
from ticketcore.sla import (
    BusinessCalendar,
    Level,
    Metric,
    Notify,
    Opening,
    SLAClock,
    SLAPolicies,
    SLAPolicy,
    Target,
    evaluate,
)

H = timedelta(hours=1)
T0 = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday
CAL = BusinessCalendar(timezone="Europe/Berlin", hours={d: ["09:00-17:00"] for d in ("mon", "tue", "wed")})
GOOD: dict[str, Any] = {
    "policies": [
        {
            "name": "std",
            "calendar": {"timezone": "Europe/Berlin", "hours": {"mon": ["09:00-17:00"]}},
            "calendar_name": "Berlin",
            "targets": [
                {
                    "name": "fr",
                    "metric": "first_response",
                    "goals": {"all": "4h"},
                    "ladder": [
                        {"before": "30m", "action": {"notify": "lead"}},
                        {"at": 0.5, "action": {"notify": "x"}},
                    ],
                }
            ],
            "suspicious_pause": "5m",
        }
    ]
}
BAD_DURATIONS = [
    float("nan"),
    float("inf"),
    -float("inf"),
    10**30,
    10**400,
    "99999999999d",
    "--5m",
    "1e3m",
    "\u0661h",  # an Arabic-Indic digit one
]


def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


class TestDurations:
    @pytest.mark.parametrize("value", BAD_DURATIONS)
    @pytest.mark.parametrize(
        ("path", "field"),
        [
            (("policies", 0, "targets", 0, "goals", "all"), "policies[0].targets[0].goals.all"),
            (("policies", 0, "targets", 0, "ladder", 0, "before"), "policies[0].targets[0].ladder[0].before"),
            (("policies", 0, "suspicious_pause"), "policies[0].suspicious_pause"),
        ],
    )
    def test_a_duration_that_cannot_be_is_a_named_error(
        self, value: Any, path: tuple[Any, ...], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as info:
            SLAPolicies.from_dict(changed(path, value))

        assert field == info.value.field

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "0.5"])
    def test_a_ladder_fraction_must_be_a_finite_number(self, value: Any) -> None:
        with pytest.raises(InvalidInput) as info:
            SLAPolicies.from_dict(changed(("policies", 0, "targets", 0, "ladder", 1, "at"), value))

        assert "policies[0].targets[0].ladder[1].at" == info.value.field

    def test_a_ladder_point_beyond_any_instant_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as info:
            SLAPolicies.from_dict(changed(("policies", 0, "targets", 0, "ladder", 1, "at"), 1e300))

        assert "policies[0].targets[0].ladder[1]" == info.value.field

    @pytest.mark.parametrize(
        ("build", "field"),
        [
            (lambda: Target(name="fr", metric="first_response", goals=timedelta.max), "goals.low"),
            (lambda: Level(action=Notify("lead"), offset=timedelta.min), "offset"),
            (lambda: Level(action=Notify("lead"), fraction=float("nan")), "fraction"),
            (lambda: Level(action=Notify("lead"), fraction=float("inf")), "fraction"),
            (
                lambda: SLAPolicy(
                    name="p", targets=[Target(name="a", metric="resolution", goals=H)], suspicious_pause=-H
                ),
                "suspicious_pause",
            ),
        ],
    )
    def test_the_python_api_refuses_the_same(self, build: Any, field: str) -> None:
        with pytest.raises(InvalidInput) as info:
            build()

        assert field == info.value.field

    @given(
        goal=st.integers(1, 401_767 * 86_400_000_000 // 20),  # room for a fraction of 10
        offset=st.integers(0, 10**12),
        fraction=st.floats(1e-6, 10, allow_nan=False, allow_infinity=False),
        minutes=st.one_of(st.integers(1, 10**7), st.floats(1e-3, 1e7)),
    )
    def test_every_accepted_value_round_trips_through_json(
        self, goal: int, offset: int, fraction: float, minutes: int | float
    ) -> None:
        data = changed(("policies", 0, "targets", 0, "goals", "all"), minutes)
        data["policies"][0]["targets"][0]["ladder"][1]["at"] = fraction
        policies = SLAPolicies.from_dict(data)
        target = Target(
            name="t",
            metric="resolution",
            goals=timedelta(microseconds=goal),
            ladder=[
                Level(action=Notify("a"), offset=timedelta(microseconds=offset)),
                Level(action=Notify("b"), fraction=fraction),
            ],
        )
        for value, read in ((policies, SLAPolicies.from_dict), (target, Target.from_dict)):
            text = json.dumps(value.to_dict(), allow_nan=False)
            assert value == read(json.loads(text))
            assert value.to_dict() == read(json.loads(text)).to_dict()


class TestNamesAndNesting:
    @pytest.mark.parametrize("value", [1, 1.5, float("nan"), ["a"], ""])
    def test_a_calendar_name_must_be_text(self, value: Any) -> None:
        with pytest.raises(InvalidInput) as info:
            SLAPolicies.from_dict(changed(("policies", 0, "calendar_name"), value))

        assert "policies[0].calendar_name" == info.value.field

    def test_a_nested_calendar_name_is_refused_before_any_fingerprint(self) -> None:
        deep: Any = "x"
        for _ in range(5000):
            deep = [deep]
        with pytest.raises(InvalidInput) as info:
            SLAPolicy(name="p", targets=[Target(name="a", metric="resolution", goals=H)], calendar_name=deep)

        assert "calendar_name" == info.value.field

    @pytest.mark.parametrize(
        ("read", "path"),
        [
            (lambda d: SLAPolicies.from_dict({"policies": [d]}), "policies[0]"),
            (lambda d: SLAPolicy.from_dict(d, "p"), "p"),
            (lambda d: Target.from_dict(d, "t"), "t"),
            (lambda d: Level.from_dict(d, "l"), "l"),
            (BusinessCalendar.from_dict, ""),
        ],
    )
    def test_deep_nesting_is_a_named_error(self, read: Any, path: str) -> None:
        deep: Any = {}
        for _ in range(10_000):
            deep = {"all": [deep]}
        with pytest.raises(InvalidInput) as info:
            read({"name": "x", "when": deep, "targets": [], "goals": deep, "action": deep, "hours": deep})

        assert info.value.field.startswith(path)
        assert "nesting" in info.value.expected


class TestCalendarRange:
    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda: CAL.add(datetime(1, 1, 2, tzinfo=UTC), H), "start"),
            (lambda: CAL.add(datetime(9999, 1, 1, tzinfo=UTC), H), "start"),
            (lambda: CAL.elapsed(T0, datetime(3000, 1, 1, tzinfo=UTC)), "end"),
            (lambda: CAL.is_open(datetime(1899, 12, 31, 23, tzinfo=UTC)), "at"),
            (lambda: CAL.next_open(datetime(5000, 1, 1, tzinfo=UTC)), "at"),
            (lambda: CAL.next_close(datetime(1, 1, 1, tzinfo=UTC)), "at"),
            (lambda: CAL.open_intervals(datetime(1, 1, 1, tzinfo=UTC), T0), "start"),
            (lambda: CAL.holidays_between(date(1, 1, 1), date(2026, 1, 1)), "first"),
        ],
    )
    def test_instants_outside_the_supported_range_are_named(self, call: Any, field: str) -> None:
        with pytest.raises(InvalidInput) as info:
            call()

        assert field == info.value.field

    @pytest.mark.slow
    def test_the_ends_of_the_range(self) -> None:
        assert (
            CAL.elapsed(datetime(1900, 1, 1, tzinfo=UTC), datetime(1900, 1, 2, tzinfo=UTC)) == 8 * H
        )  # a Monday
        assert CAL.is_open(datetime(2999, 12, 31, 23, 59, tzinfo=UTC)) is False


POLICIES = SLAPolicies(
    [SLAPolicy(name="std", targets=[Target(name="fr", metric=Metric.FIRST_RESPONSE, goals=H)])]
)
TINY = BusinessCalendar(
    timezone="UTC", hours={}, openings=[Opening.from_dict({"date": "2026-06-02", "hours": ["09:00-10:00"]})]
)
VIP = SLAPolicies(
    [
        SLAPolicy(
            name="vip",
            calendar=TINY,
            targets=[Target(name="resolution", metric="resolution", goals={"normal": H / 2, "low": 5 * H})],
        )
    ]
)


class TestClockAfterErrors:
    @pytest.mark.parametrize("year", [1, 1899, 3000, 9999])
    def test_a_creation_out_of_range_leaves_no_ticket_behind(self, year: int) -> None:
        """Issue 16: year 1 or 9999 raised OverflowError midway and left the ticket registered.

        The range is decided once, at the edge: the ticket itself cannot be built.
        """
        clock = SLAClock(POLICIES)
        with pytest.raises(InvalidInput) as info:
            clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=datetime(year, 6, 1, tzinfo=UTC))))
        assert "created" == info.value.field
        assert clock.next_deadline() is None

        assert () == clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
        assert clock.next_deadline() == T0 + H + timedelta(microseconds=1)

    def test_an_event_whose_due_time_cannot_be_computed_is_refused_and_named(self) -> None:
        """A calendar open one hour in ten years and a 5-hour goal: HorizonExceeded names the
        policy and target, and the clock is as before and keeps working."""
        clock = SLAClock(VIP)
        clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
        before = (clock.next_deadline(), clock.result(T0 + H))

        with pytest.raises(HorizonExceeded) as info:
            clock.handle(TicketUpdated(ticket_id="T-1", at=T0 + H, changes={"priority": "low"}))

        assert "policies['vip'].targets.resolution" == info.value.field
        assert before == (clock.next_deadline(), clock.result(T0 + H))
        assert () == clock.handle(CustomerMessage(ticket_id="T-1", at=T0 + H))
        assert ["breach"] == [a.kind for a in clock.advance(T0 + 48 * H)]

    def test_evaluate_names_the_target_too(self) -> None:
        created = TicketCreated(ticket=Ticket(id="T-1", created=T0, priority="low"))
        with pytest.raises(HorizonExceeded) as info:
            evaluate(VIP, [created], T0 + H)

        assert "policies['vip'].targets.resolution" == info.value.field

    @pytest.mark.parametrize("when", [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)])
    def test_now_out_of_range_is_named(self, when: datetime) -> None:
        clock = SLAClock(POLICIES)
        clock.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
        for call in (clock.advance, clock.result):
            with pytest.raises(InvalidInput) as info:
                call(when)
            assert "now" == info.value.field
