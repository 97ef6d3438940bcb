"""Bad input to BusinessCalendar: a clear TicketcoreError naming the field, and nothing changed."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import holidays
import pytest

from ticketcore import InvalidInput, TicketcoreError
from ticketcore.sla import BusinessCalendar, Closure, DayInterval, HolidaySpec, Opening

GOOD: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "hours": {"mon": ["09:00-12:00", "13:00-17:00"], "fri": ["22:00-06:00"]},
    "holidays": {"country": "DE", "subdiv": "BY", "dates": ["2026-12-24"]},
    "closures": [{"start": "2026-12-31T12:00", "end": "2027-01-01T00:00"}],
    "openings": [{"date": "2026-12-19", "hours": ["10:00-14:00"]}],
}


def patched(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """GOOD with the item at ``path`` replaced (or deleted when value is DELETE)."""
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()

BAD_DICTS = [
    # (what is changed, the new value, the field the error must name)
    (("timezone",), "Europe/Berlinn", "timezone"),
    (("timezone",), "", "timezone"),
    (("timezone",), 1, "timezone"),
    (("timezone",), DELETE, "timezone"),
    (("hours",), DELETE, "hours"),
    (("hours",), ["09:00-17:00"], "hours"),
    (("hours", "monday"), ["09:00-17:00"], "hours.monday"),
    (("hours", "mon"), "09:00-17:00", "hours.mon"),
    (("hours", "mon", 1), "13:00-17:60", "hours.mon[1]"),
    (("hours", "mon", 1), "1pm-5pm", "hours.mon[1]"),
    (("hours", "mon", 1), "24:00-24:00", "hours.mon[1]"),
    (("hours", "mon", 1), "13:00-24:01", "hours.mon[1]"),
    (("hours", "mon", 1), "25:00-26:00", "hours.mon[1]"),
    (("hours", "mon", 1), "11:00-17:00", "hours.mon[1]"),  # overlaps hours.mon[0]
    (("hours", "mon", 1), 13, "hours.mon[1]"),
    (("hours", "sat"), ["05:00-07:00"], "hours.sat[0]"),  # overlaps Friday's night shift
    (("hours", "sun"), ["22:00-10:00"], "hours.sun[0]"),  # overlaps Monday 09:00 across the week end
    (("holidays", "country"), "XX", "holidays.country"),
    (("holidays", "subdiv"), "ZZ", "holidays.subdiv"),
    (("holidays", "dates", 0), "2026-12-32", "holidays.dates[0]"),
    (("holidays", "dates", 0), "24.12.2026", "holidays.dates[0]"),
    (("holidays", "annual"), ["02-30"], "holidays.annual[0]"),
    (("holidays", "countryy"), "DE", "holidays.countryy"),
    (("closures", 0, "end"), "2026-12-31T11:00", "closures[0].end"),
    (("closures", 0, "end"), "2026-12-31T12:00", "closures[0].end"),
    (("closures", 0, "start"), "2026-12-31T12:00+01:00", "closures[0].start"),
    (("closures", 0, "start"), "noon", "closures[0].start"),
    (("closures", 0), "2026-12-31", "closures[0]"),
    (("openings", 0, "date"), "2026-13-01", "openings[0].date"),
    (("openings", 0, "hours"), [], "openings[0].hours"),
    (("openings", 0, "hours"), ["10:00-14:00", "13:00-15:00"], "openings[0].hours[1]"),
    (("openings", 0, "day"), "2026-12-19", "openings[0].day"),
    (("horizon_days",), 0, "horizon_days"),
    (("horizon_days",), "10y", "horizon_days"),
    (("timezon",), "Europe/Berlin", "timezon"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD_DICTS)
def test_bad_dict_names_the_field(path: tuple[Any, ...], value: Any, field: str) -> None:
    """Every malformed field of the dict form raises InvalidInput naming it."""
    with pytest.raises(InvalidInput) as info:
        BusinessCalendar.from_dict(patched(path, value))

    assert field == info.value.field
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, TicketcoreError)
    assert field in str(info.value)


def test_a_typo_suggests_the_right_key() -> None:
    """An unknown key is reported with the closest known key."""
    with pytest.raises(InvalidInput, match="did you mean 'timezone'"):
        BusinessCalendar.from_dict(patched(("timezon",), "Europe/Berlin"))


def test_the_message_names_field_expectation_and_value() -> None:
    """The message follows 'field: expected X, got <repr>'."""
    with pytest.raises(InvalidInput) as info:
        BusinessCalendar.from_dict(patched(("hours", "mon", 1), "13:00-17:60"))

    assert str(info.value).startswith("hours.mon[1]: expected an interval 'HH:MM-HH:MM'")
    assert str(info.value).endswith("got '13:00-17:60'")
    assert "13:00-17:60" == info.value.value


def test_overlap_names_both_intervals() -> None:
    """An overlap error names the later interval and the one it overlaps."""
    with pytest.raises(InvalidInput, match=r"hours\.mon\[1\].*does not overlap hours\.mon\[0\]"):
        BusinessCalendar.from_dict(patched(("hours", "mon", 1), "11:00-17:00"))


def test_a_calendar_that_is_never_open_is_rejected() -> None:
    """HDP 46: zero working time is an error when the calendar is built, not a hang later."""
    with pytest.raises(InvalidInput, match="hours"):
        BusinessCalendar.from_dict({"timezone": "UTC", "hours": {"mon": []}})


CAL = BusinessCalendar.from_dict(GOOD)
NAIVE = datetime(2026, 3, 2, 9)
AWARE = datetime.fromisoformat("2026-03-02T09:00+01:00")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: CAL.add(NAIVE, timedelta(hours=1)), "start"),
        (lambda: CAL.add("2026-03-02T09:00+01:00", timedelta(hours=1)), "start"),  # type: ignore[arg-type]  # the wrong type on purpose
        (lambda: CAL.add(AWARE, 3600), "duration"),  # type: ignore[arg-type]  # the wrong type on purpose
        (lambda: CAL.elapsed(AWARE, NAIVE), "end"),
        (lambda: CAL.elapsed(NAIVE, AWARE), "start"),
        (lambda: CAL.is_open(NAIVE), "at"),
        (lambda: CAL.next_open(NAIVE), "at"),
        (lambda: CAL.next_close(NAIVE), "at"),
        (lambda: CAL.open_intervals(AWARE, NAIVE), "end"),
        (lambda: CAL.add(datetime(1, 1, 1, tzinfo=AWARE.tzinfo), timedelta(hours=1)), "start"),
        (lambda: CAL.holidays_between(AWARE, AWARE), "first"),  # a datetime is not a date here
    ],
)
def test_bad_arguments_name_the_argument(call: Any, field: str) -> None:
    """Naive datetimes and wrong types raise InvalidInput naming the argument, at the call."""
    with pytest.raises(InvalidInput) as info:
        call()

    assert field == info.value.field


def test_the_calendar_is_unchanged_after_an_error() -> None:
    """After an error the calendar answers exactly as before."""
    before = CAL.add(AWARE, timedelta(hours=30))
    with pytest.raises(InvalidInput):
        CAL.add(NAIVE, timedelta(hours=30))

    assert before == CAL.add(AWARE, timedelta(hours=30))
    assert CAL == BusinessCalendar.from_dict(GOOD)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: DayInterval(start=timedelta(hours=25), end=timedelta(hours=1)), "start"),
        (lambda: DayInterval(start=timedelta(hours=1), end=timedelta(hours=24, seconds=1)), "end"),
        (lambda: DayInterval(start=timedelta(hours=1), end=timedelta(hours=2, microseconds=1)), "end"),
        (lambda: Closure(start=datetime(2026, 1, 2), end=datetime(2026, 1, 1)), "end"),
        (lambda: Closure(start=AWARE, end=AWARE + timedelta(hours=1)), "start"),
        (lambda: Opening(date=datetime(2026, 1, 2), hours=(DayInterval.parse("09:00-10:00"),)), "date"),
        (lambda: Opening(date=AWARE.date(), hours=()), "hours"),
        (lambda: HolidaySpec(subdiv="BY"), "subdiv"),
        (lambda: HolidaySpec(annual=((2, 30),)), "annual[0]"),
        (lambda: HolidaySpec.of(42), "holidays"),
        (
            lambda: BusinessCalendar(timezone="UTC", hours={"mon": ["09:00-17:00"]}, horizon=timedelta(0)),
            "horizon",
        ),
        (
            lambda: BusinessCalendar(timezone="UTC", hours={"mon": ["09:00-17:00"]}, closures=["x"]),
            "closures[0]",
        ),
    ],
)
def test_bad_python_values_name_the_field(build: Any, field: str) -> None:
    """The Python constructors validate like the dict form."""
    with pytest.raises(InvalidInput) as info:
        build()

    assert field == info.value.field


def test_a_python_holidays_source_has_no_dict_form() -> None:
    """to_dict refuses, clearly, to serialise a holidays.HolidayBase."""
    calendar = BusinessCalendar(
        timezone="UTC", hours={"mon": ["09:00-17:00"]}, holidays=holidays.country_holidays("DE")
    )

    with pytest.raises(InvalidInput, match=r"holidays\.source"):
        calendar.to_dict()
