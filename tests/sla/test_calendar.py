"""Golden cases for BusinessCalendar, each citing why its expected value is right.

Sources, abbreviated in the tables:

- ISSUE: the pinned semantics of the calendar issue (#2).
- BTL: what business-time libraries do (biz 1.8.2, pandas 3.1.1, businesstimedelta 1.0.1),
  by finding or vector name.
- HDP: a helpdesk product's documented behaviour, by case number.
- OSH: what open-source helpdesks do (Frappe Helpdesk, ERPNext, Zammad, Znuny), by finding number.

Each key names its public source (page, project and version) in tests/data/sources.md.
- TZ: the IANA tz database rules of the zone (transition dates stated in the row).
- HAND: worked out by hand in the row's comment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest

from ticketcore import HorizonExceeded
from ticketcore.sla import BusinessCalendar, DayInterval

WEEKDAYS5 = ("mon", "tue", "wed", "thu", "fri")


def cal(hours: dict[str, list[str]] | str, tz: str = "Europe/Berlin", **extra: Any) -> BusinessCalendar:
    """A calendar from short arguments; ``hours`` may be one interval for Mon-Fri."""
    weekly = {d: [hours] for d in WEEKDAYS5} if isinstance(hours, str) else hours
    return BusinessCalendar.from_dict({"timezone": tz, "hours": weekly, **extra})


def at(text: str) -> datetime:
    """An aware instant from ISO text with an explicit offset (so the instant is unambiguous)."""
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None
    return value


def same_instant(a: datetime, b: datetime) -> bool:
    """Instant equality that also checks the wall-clock offset the result carries."""
    return a.astimezone(UTC) == b.astimezone(UTC) and a.utcoffset() == b.utcoffset()


def H(hours: float) -> timedelta:  # noqa: N802 - reads like a unit in the tables
    return timedelta(hours=hours)


OFFICE = "09:00-17:00"

ADD_CASES = [
    # (calendar, start, duration, expected, source)
    (
        cal(OFFICE),
        "2026-03-02T09:00+01:00",
        H(8),
        "2026-03-02T17:00+01:00",
        "ISSUE: lands on the interval end, not Tue 09:00; OSH 0.1 (Frappe/ERPNext)",
    ),
    (
        cal(OFFICE),
        "2026-03-02T09:00+01:00",
        H(8) + timedelta(microseconds=1),
        "2026-03-03T09:00:00.000001+01:00",
        "ISSUE: one microsecond more is the next day",
    ),
    (
        cal(OFFICE),
        "2026-03-06T16:00+01:00",
        H(8),
        "2026-03-09T16:00+01:00",
        "HDP 42: Fri 16:00 + 8 h -> Mon 16:00",
    ),
    (
        cal(OFFICE),
        "2026-03-06T16:00+01:00",
        H(2),
        "2026-03-09T10:00+01:00",
        "HDP 42: Fri 16:00 + 2 h -> Mon 10:00",
    ),
    (
        cal("08:00-17:00"),
        "2026-03-06T16:00+01:00",
        H(4),
        "2026-03-09T11:00+01:00",
        "HDP 42: the published doc says Tue 11:00; Mon 11:00 is right",
    ),
    (
        cal(OFFICE),
        "2026-03-07T10:00+01:00",
        H(1),
        "2026-03-09T10:00+01:00",
        "HDP 41 / GLPI #687: a Saturday ticket starts its clock Monday 09:00",
    ),
    (
        cal(OFFICE),
        "2026-03-07T10:00+01:00",
        H(0),
        "2026-03-07T10:00+01:00",
        "ISSUE: add(start, 0) == start, even when closed",
    ),
    (
        cal(OFFICE),
        "2026-03-02T17:00+01:00",
        H(1),
        "2026-03-03T10:00+01:00",
        "BTL 2 / biz #62: at exactly 17:00 the calendar is closed",
    ),
    (
        cal(OFFICE),
        "2026-03-03T17:00+01:00",
        -H(8),
        "2026-03-03T09:00+01:00",
        "ISSUE: negative mirrors positive, landing on the interval start",
    ),
    (
        cal(OFFICE),
        "2026-03-02T09:00+01:00",
        -H(8),
        "2026-02-27T09:00+01:00",
        "ISSUE/HAND: back over the weekend to Friday 09:00",
    ),
    (
        cal(OFFICE),
        "2026-03-02T12:00+01:00",
        -H(0),
        "2026-03-02T12:00+01:00",
        "ISSUE: minus nothing is nothing",
    ),
    # Split shifts.
    (
        cal({"mon": ["09:00-12:00", "13:00-17:00"]}),
        "2026-03-02T11:00+01:00",
        H(2),
        "2026-03-02T14:00+01:00",
        "HAND: 1 h before lunch, 1 h after",
    ),
    (
        cal({"mon": ["09:00-12:00", "13:00-17:00"]}),
        "2026-03-02T09:00+01:00",
        H(3),
        "2026-03-02T12:00+01:00",
        "ISSUE: lands on the end of the morning interval",
    ),
    # Overnight shifts across a weekend (BTL vector night-weekend-skip: pandas answers Mon 01:51).
    (
        cal("22:00-06:00"),
        "2026-03-06T23:00+01:00",
        H(7),
        "2026-03-07T06:00+01:00",
        "ISSUE: Friday's night shift ends Saturday 06:00",
    ),
    (
        cal("22:00-06:00"),
        "2026-03-06T23:00+01:00",
        H(8),
        "2026-03-09T23:00+01:00",
        "HAND: 7 h Friday night, 1 h Monday night",
    ),
    (
        cal("22:00-06:00"),
        "2026-03-05T01:51+01:00",
        H(56),
        "2026-03-14T01:51+01:00",
        "BTL night-weekend-skip: 4:09 + 6 shifts of 8 h + 3:51 -> Sat 01:51",
    ),
    # 24/7 and 24:00 (OSH 0.4: Zammad's 23:59 gap, ERPNext's 23:59:59 gap).
    (
        cal({d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}),
        "2026-03-02T23:00+01:00",
        H(2),
        "2026-03-03T01:00+01:00",
        "OSH 0.4: no gap at midnight",
    ),
    (
        cal({d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}),
        "2026-03-28T12:00+01:00",
        H(24),
        "2026-03-29T13:00+02:00",
        "ISSUE/TZ: real hours; Berlin springs forward 2026-03-29",
    ),
    (
        cal({d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}, tz="UTC"),
        "2026-03-02T00:00+00:00",
        H(1000),
        "2026-04-12T16:00+00:00",
        "HAND: 1000 h = 41 d 16 h",
    ),
    # DST, Berlin: 2026-03-29 02:00 -> 03:00; 2026-10-25 03:00 -> 02:00 (TZ).
    (
        cal({"sun": ["00:00-06:00"]}),
        "2026-03-29T00:00+01:00",
        H(5),
        "2026-03-29T06:00+02:00",
        "ISSUE: 00:00-06:00 on spring-forward night is 5 real hours",
    ),
    (
        cal({"sun": ["00:00-06:00"]}),
        "2026-10-25T00:00+02:00",
        H(7),
        "2026-10-25T06:00+01:00",
        "ISSUE: and 7 real hours on fall-back night",
    ),
    (
        cal({"sun": ["02:30-04:00"]}),
        "2026-03-29T00:00+01:00",
        H(1),
        "2026-03-29T04:00+02:00",
        "ISSUE/BTL 5.3: 02:30 is in the gap, the interval starts 03:00 (biz: 03:30)",
    ),
    (
        cal({"sun": ["02:30-02:45"]}),
        "2026-10-25T00:00+02:00",
        timedelta(minutes=15),
        "2026-10-25T02:45+02:00",
        "ISSUE: in the overlap, the first occurrence",
    ),
    (
        cal({"sun": ["02:30-09:00"]}),
        "2026-10-25T02:30+02:00",
        H(7.5),
        "2026-10-25T09:00+01:00",
        "ISSUE: from the first 02:30 to 09:00 CET is 7.5 real hours",
    ),
    (
        cal({"sun": ["09:00-17:00"]}),
        "2026-03-29T09:00+02:00",
        H(8),
        "2026-03-29T17:00+02:00",
        "HDP 44: a 09-17 window on a DST day is still 8 hours",
    ),
    # DST, New York: 2026-03-08 02:00 -> 03:00; 2026-11-01 02:00 -> 01:00 (TZ).
    (
        cal({"sun": ["00:00-06:00"]}, tz="America/New_York"),
        "2026-03-08T00:00-05:00",
        H(5),
        "2026-03-08T06:00-04:00",
        "ISSUE/TZ: 5 real hours",
    ),
    (
        cal({"sun": ["00:00-06:00"]}, tz="America/New_York"),
        "2026-11-01T00:00-04:00",
        H(7),
        "2026-11-01T06:00-05:00",
        "ISSUE/TZ: 7 real hours",
    ),
    (
        cal({"sun": ["01:30-01:45"]}, tz="America/New_York"),
        "2026-11-01T00:00-04:00",
        timedelta(minutes=15),
        "2026-11-01T01:45-04:00",
        "ISSUE: first occurrence (EDT)",
    ),
    (
        cal({"sun": ["02:15-02:45", "03:00-04:00"]}, tz="America/New_York"),
        "2026-03-08T00:00-05:00",
        H(1),
        "2026-03-08T04:00-04:00",
        "ISSUE/BTL biz-la-gap: an interval inside the gap is empty",
    ),
    # Southern hemisphere and a 30-minute shift (TZ: Sydney 2026-10-04 02:00 -> 03:00;
    # Lord Howe 2026-04-05 02:00 -> 01:30 and 2026-10-04 02:00 -> 02:30).
    (
        cal({"sun": ["00:00-06:00"]}, tz="Australia/Sydney"),
        "2026-10-04T00:00+10:00",
        H(5),
        "2026-10-04T06:00+11:00",
        "TZ: Sydney springs forward in October",
    ),
    (
        cal({"sun": ["00:00-06:00"]}, tz="Australia/Lord_Howe"),
        "2026-04-05T00:00+11:00",
        H(6.5),
        "2026-04-05T06:00+10:30",
        "TZ: Lord Howe falls back 30 minutes",
    ),
    (
        cal({"sun": ["00:00-06:00"]}, tz="Australia/Lord_Howe"),
        "2026-10-04T00:00+10:30",
        H(5.5),
        "2026-10-04T06:00+11:00",
        "TZ: and springs forward 30 minutes",
    ),
    # The start given in another zone than the calendar's (HDP 44).
    (
        cal(OFFICE),
        "2026-03-02T08:00+00:00",
        H(1),
        "2026-03-02T10:00+01:00",
        "HDP 44: 08:00 UTC is 09:00 in Berlin",
    ),
    (
        cal(OFFICE),
        "2026-03-02T17:30+09:00",
        H(1),
        "2026-03-02T10:30+01:00",
        "HDP 44: 17:30 in Tokyo is 09:30 in Berlin",
    ),
]


@pytest.mark.parametrize(("calendar", "start", "duration", "expected", "source"), ADD_CASES)
def test_add(calendar: BusinessCalendar, start: str, duration: timedelta, expected: str, source: str) -> None:
    """add() gives the documented due time."""
    result = calendar.add(at(start), duration)

    assert same_instant(at(expected), result), f"{source}: got {result.isoformat()}"
    assert result.tzinfo == calendar.zone


ELAPSED_CASES = [
    (cal(OFFICE), "2026-03-02T09:00+01:00", "2026-03-03T10:00+01:00", H(9), "HAND: 8 h Monday, 1 h Tuesday"),
    (
        cal(OFFICE),
        "2026-03-03T10:00+01:00",
        "2026-03-02T09:00+01:00",
        -H(9),
        "ISSUE: antisymmetric (biz: 0, businesstimedelta: +9 h; BTL 1)",
    ),
    (
        cal(OFFICE),
        "2026-03-07T00:00+01:00",
        "2026-03-08T23:59+01:00",
        H(0),
        "HAND: a weekend has no business time",
    ),
    (
        cal({"sun": ["00:00-06:00"]}),
        "2026-03-29T00:00+01:00",
        "2026-03-29T12:00+02:00",
        H(5),
        "ISSUE: spring-forward night",
    ),
    (
        cal({"sun": ["00:00-06:00"]}, tz="America/New_York"),
        "2026-11-01T00:00-04:00",
        "2026-11-02T00:00-05:00",
        H(7),
        "ISSUE/OSH 0.5: the repeated hour is real time",
    ),
    (
        cal("22:00-06:00"),
        "2026-03-06T00:00+01:00",
        "2026-03-09T00:00+01:00",
        H(6 + 8),
        "HAND: end of Thursday's shift, then Friday's",
    ),
]


@pytest.mark.parametrize(("calendar", "start", "end", "expected", "source"), ELAPSED_CASES)
def test_elapsed(calendar: BusinessCalendar, start: str, end: str, expected: timedelta, source: str) -> None:
    """elapsed() gives the documented business time."""
    assert expected == calendar.elapsed(at(start), at(end)), source


class TestHolidays:
    def test_500_business_hours_across_christmas_with_german_holidays(self) -> None:
        """500 h from Tue 2026-12-01 09:00 on Mon-Fri 09-17 with German holidays is Mon 2027-03-01 13:00.

        HAND: 62 full days are 496 h. December has 22 working days (Dec 25 is a holiday,
        Dec 26 a Saturday, Dec 24 and 31 are working days nationally), January 20
        (Jan 1 a holiday; Epiphany is regional), February 20; 4 h remain on Mon, March 1.
        """
        calendar = cal(OFFICE, holidays={"country": "DE"})

        due = calendar.add(at("2026-12-01T09:00+01:00"), H(500))

        assert same_instant(at("2027-03-01T13:00+01:00"), due)

    def test_a_holiday_cancels_the_night_shift_starting_that_evening(self) -> None:
        """Good Friday's 22:00 shift does not run at all, so nothing is open on Saturday morning.

        ISSUE, and BTL 5.4: biz's per-day cut would leave a phantom Sat 00:00-06:00 tail.
        """
        calendar = cal("22:00-06:00", holidays={"country": "DE"})

        assert not calendar.is_open(at("2026-04-03T23:00+02:00"))
        assert not calendar.is_open(at("2026-04-04T01:00+02:00"))

    def test_a_holiday_never_cuts_short_the_shift_that_began_the_day_before(self) -> None:
        """Thursday's shift runs into Good Friday morning in full (ISSUE)."""
        calendar = cal("22:00-06:00", holidays={"country": "DE"})

        due = calendar.add(at("2026-04-02T22:00+02:00"), H(8))

        assert same_instant(at("2026-04-03T06:00+02:00"), due)

    def test_easter_weekend_is_skipped(self) -> None:
        """4 h from Thu 16:00 before Easter is Tue 12:00: 1 h Thursday, 3 h Tuesday (HAND; DE closes
        Good Friday and Easter Monday)."""
        calendar = cal(OFFICE, holidays={"country": "DE"})

        assert same_instant(at("2026-04-07T12:00+02:00"), calendar.add(at("2026-04-02T16:00+02:00"), H(4)))

    def test_a_holiday_on_a_closed_day_changes_nothing(self) -> None:
        """HDP 45: a holiday on a non-working day is a no-op."""
        plain = cal(OFFICE)
        with_holiday = cal(OFFICE, holidays={"dates": ["2026-03-07"]})
        start = at("2026-03-06T12:00+01:00")

        assert plain.add(start, H(20)) == with_holiday.add(start, H(20))

    def test_annual_holidays_recur(self) -> None:
        """HDP 45 (JSM): a recurring annual holiday closes the date every year."""
        calendar = cal(OFFICE, holidays={"annual": ["03-03"]})

        assert not calendar.is_open(at("2026-03-03T10:00+01:00"))
        assert not calendar.is_open(at("2027-03-03T10:00+01:00"))
        assert calendar.is_open(at("2026-03-04T10:00+01:00"))

    def test_holidays_from_a_python_holidays_object(self) -> None:
        """ISSUE: a holidays.HolidayBase (or a collection of dates) can be passed directly."""
        by_object = BusinessCalendar(
            timezone="Europe/Berlin",
            hours={d: [OFFICE] for d in WEEKDAYS5},
            holidays=holidays.country_holidays("DE"),
        )
        by_dates = BusinessCalendar(
            timezone="Europe/Berlin", hours={d: [OFFICE] for d in WEEKDAYS5}, holidays={date(2026, 4, 3)}
        )
        start = at("2026-04-02T16:00+02:00")

        assert same_instant(at("2026-04-07T12:00+02:00"), by_object.add(start, H(4)))
        assert same_instant(at("2026-04-06T12:00+02:00"), by_dates.add(start, H(4)))

    def test_holidays_between_names_the_closed_dates(self) -> None:
        """The calendar explains which holidays a span crossed."""
        calendar = cal(OFFICE, holidays={"country": "DE", "dates": ["2026-12-24"]})

        found = calendar.holidays_between(date(2026, 12, 20), date(2026, 12, 27))

        assert [(date(2026, 12, 24), "closed"), (date(2026, 12, 25), "Christmas Day"),
                (date(2026, 12, 26), "Second Day of Christmas")] == list(found)  # fmt: skip


class TestClosuresAndOpenings:
    def test_a_partial_closure_cuts_the_afternoon(self) -> None:
        """ISSUE: closed from New Year's Eve 12:00; 3 h on the morning, the rest on Jan 1."""
        calendar = cal(OFFICE, closures=[{"start": "2026-12-31T12:00", "end": "2027-01-01T00:00"}])

        due = calendar.add(at("2026-12-31T09:00+01:00"), H(4))

        assert same_instant(at("2027-01-01T10:00+01:00"), due)

    def test_a_closure_can_end_a_night_shift_early(self) -> None:
        """A closure removes open time whatever date its interval belongs to."""
        calendar = cal("22:00-06:00", closures=[{"start": "2026-03-06T02:00", "end": "2026-03-06T08:00"}])

        assert H(4) == calendar.elapsed(at("2026-03-05T22:00+01:00"), at("2026-03-06T08:00+01:00"))

    def test_an_opening_adds_saturday_hours(self) -> None:
        """ISSUE: extra hours on a given date; 1 h Friday, then 2 h on Saturday's opening."""
        calendar = cal(OFFICE, openings=[{"date": "2026-12-19", "hours": ["10:00-14:00"]}])

        assert same_instant(at("2026-12-19T12:00+01:00"), calendar.add(at("2026-12-18T16:00+01:00"), H(3)))

    def test_an_opening_applies_on_a_holiday(self) -> None:
        """An explicit opening wins over a holiday on the same date."""
        calendar = cal(
            OFFICE,
            holidays={"dates": ["2026-12-24"]},
            openings=[{"date": "2026-12-24", "hours": ["09:00-12:00"]}],
        )

        assert calendar.is_open(at("2026-12-24T10:00+01:00"))
        assert not calendar.is_open(at("2026-12-24T13:00+01:00"))

    def test_an_opening_overlapping_regular_hours_is_their_union(self) -> None:
        """An opening of 08:00-18:00 on a 09-17 day makes it a 10-hour day."""
        calendar = cal(OFFICE, openings=[{"date": "2026-03-02", "hours": ["08:00-18:00"]}])

        assert H(10) == calendar.elapsed(at("2026-03-02T00:00+01:00"), at("2026-03-03T00:00+01:00"))


class TestShapes:
    def test_a_tuesday_only_schedule(self) -> None:
        """HDP 47 (osTicket #6739): a schedule that skips weekdays still computes correctly."""
        calendar = cal({"tue": [OFFICE]})

        assert same_instant(at("2026-03-10T10:00+01:00"), calendar.add(at("2026-03-02T09:00+01:00"), H(9)))

    def test_an_overnight_shift_equals_its_split_form(self) -> None:
        """HDP 43: 22:00-06:00 as one interval equals 22:00-24:00 plus next day 00:00-06:00."""
        one = cal({"mon": ["22:00-06:00"]})
        split = cal({"mon": ["22:00-24:00"], "tue": ["00:00-06:00"]})
        start = at("2026-03-02T00:00+01:00")

        for hours in (1, 2, 3, 8, 9, 100):
            assert one.add(start, H(hours)) == split.add(start, H(hours))

    def test_sunday_night_runs_into_monday(self) -> None:
        """A Sunday overnight interval wraps into the next week."""
        calendar = cal({"sun": ["20:00-04:00"]})

        assert same_instant(at("2026-03-09T04:00+01:00"), calendar.add(at("2026-03-08T20:00+01:00"), H(8)))

    def test_24_hour_overnight_interval(self) -> None:
        """'09:00-09:00' is a 24-hour shift (end <= start is overnight)."""
        assert H(24) == DayInterval.parse("09:00-09:00").length

    def test_microsecond_exact(self) -> None:
        """Microsecond-exact, never rounded to minutes (OSH 0.2: Zammad's 13:26:36 + 1200 min).

        HAND: 3:33:23.876544 on Monday, 8 h Tuesday, 8 h Wednesday, 0:26:36.123463 Thursday.
        """
        calendar = cal(OFFICE)
        start = at("2026-03-02T13:26:36.123456+01:00")

        due = calendar.add(start, timedelta(minutes=1200, microseconds=7))

        assert same_instant(at("2026-03-05T09:26:36.123463+01:00"), due)


class TestQueries:
    def test_is_open_is_half_open(self) -> None:
        """BTL 2 / biz #62: open at 09:00, closed at 17:00."""
        calendar = cal(OFFICE)

        assert calendar.is_open(at("2026-03-02T09:00+01:00"))
        assert calendar.is_open(at("2026-03-02T16:59:59.999999+01:00"))
        assert not calendar.is_open(at("2026-03-02T17:00+01:00"))

    def test_next_open_and_next_close(self) -> None:
        """From Friday evening: opens Monday 09:00, closes Monday 17:00; open now: closes today."""
        calendar = cal(OFFICE)

        assert same_instant(at("2026-03-09T09:00+01:00"), calendar.next_open(at("2026-03-06T18:00+01:00")))
        assert same_instant(at("2026-03-09T17:00+01:00"), calendar.next_close(at("2026-03-06T18:00+01:00")))
        assert same_instant(at("2026-03-06T17:00+01:00"), calendar.next_close(at("2026-03-06T10:00+01:00")))

    def test_next_close_joins_a_night_shift_to_the_next_days_hours(self) -> None:
        """Adjacent intervals form one span: Mon 22:00-06:00 then Tue 06:00-09:00 closes at 09:00."""
        calendar = cal({"mon": ["22:00-06:00"], "tue": ["06:00-09:00"]})

        assert same_instant(at("2026-03-03T09:00+01:00"), calendar.next_close(at("2026-03-02T23:00+01:00")))

    def test_open_intervals_lists_a_week(self) -> None:
        """A split-shift Monday and an overnight Friday, in order, clipped to the range."""
        calendar = cal({"mon": ["09:00-12:00", "13:00-17:00"], "fri": ["22:00-06:00"]})
        zone = ZoneInfo("Europe/Berlin")

        spans = list(calendar.open_intervals(at("2026-03-02T10:00+01:00"), at("2026-03-07T05:00+01:00")))

        expected = [
            (datetime(2026, 3, 2, 10, tzinfo=zone), datetime(2026, 3, 2, 12, tzinfo=zone)),
            (datetime(2026, 3, 2, 13, tzinfo=zone), datetime(2026, 3, 2, 17, tzinfo=zone)),
            (datetime(2026, 3, 6, 22, tzinfo=zone), datetime(2026, 3, 7, 5, tzinfo=zone)),
        ]
        assert expected == spans


class TestNeverHangs:
    def test_holidays_covering_everything_raise_instead_of_looping(self) -> None:
        """HDP 46 (OCA #73): no open time within the horizon raises HorizonExceeded promptly."""
        calendar = cal(
            {"mon": [OFFICE]},
            closures=[{"start": "2026-01-01T00:00", "end": "2040-01-01T00:00"}],
        )

        with pytest.raises(HorizonExceeded, match="duration"):
            calendar.add(at("2026-03-02T09:00+01:00"), H(1))

    def test_a_duration_beyond_the_horizon_raises(self) -> None:
        """15 minutes a week cannot hold 1,000 hours within ten years."""
        calendar = cal({"mon": ["09:00-09:15"]})

        with pytest.raises(HorizonExceeded):
            calendar.add(at("2026-03-02T09:00+01:00"), H(1000))
        with pytest.raises(HorizonExceeded):
            calendar.add(at("2026-03-02T09:00+01:00"), -H(1000))

    def test_the_horizon_is_configurable(self) -> None:
        """With a 30-day horizon and 8 h on Mondays, 40 h fit (Mar 30 17:00) and 48 h do not."""
        calendar = BusinessCalendar.from_dict(
            {"timezone": "UTC", "hours": {"mon": [OFFICE]}, "horizon_days": 30}
        )

        assert same_instant(at("2026-03-30T17:00+00:00"), calendar.add(at("2026-03-02T09:00+00:00"), H(40)))
        with pytest.raises(HorizonExceeded):
            calendar.add(at("2026-03-02T09:00+00:00"), H(48))
        assert same_instant(at("2026-03-09T17:00+00:00"), calendar.add(at("2026-03-02T09:00+00:00"), H(16)))

    def test_a_calendar_of_only_openings_works(self) -> None:
        """No weekly hours, one opening: its 4 hours are all there is."""
        calendar = BusinessCalendar.from_dict(
            {"timezone": "UTC", "hours": {}, "openings": [{"date": "2026-12-19", "hours": ["10:00-14:00"]}]}
        )

        assert same_instant(at("2026-12-19T13:00+00:00"), calendar.add(at("2026-03-02T00:00+00:00"), H(3)))
        with pytest.raises(HorizonExceeded):
            calendar.add(at("2026-03-02T00:00+00:00"), H(5))
