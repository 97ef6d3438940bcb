"""The library's one internal time: whole microseconds since 0001-01-01 UTC."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from ticketcore._instant import REAL_EPOCH, US, earlier, from_real, from_real_reference, to_real

ZONES = st.sampled_from(
    [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), timezone(timedelta(hours=-3))]
)
INSTANTS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31), timezones=ZONES, allow_imaginary=False
)


@given(INSTANTS, ZONES)
@example(datetime(1987, 9, 27, 2, 0, fold=1, tzinfo=ZoneInfo("Europe/Berlin")), UTC)  # the second 02:00
@example(datetime(1999, 10, 31, 2, 0, tzinfo=ZoneInfo("Europe/Berlin")), UTC)  # the first 02:00 of two
@example(datetime(2184, 11, 7, 5, 0, tzinfo=UTC), ZoneInfo("America/New_York"))  # back: the first 01:00
def test_round_trip_is_exact(dt: datetime, zone: ZoneInfo | timezone) -> None:
    real = to_real(dt)
    back = from_real(real, zone)
    # The same instant, exactly (not `back == dt`: between zones, `==` is False for a wall
    # time in a fold, PEP 495).
    assert back.astimezone(UTC) == dt.astimezone(UTC)
    assert to_real(back) == real
    assert back.tzinfo is zone
    ref = from_real_reference(real, zone)
    # the same wall time and fold in the zone, not only the same instant
    assert (back.replace(tzinfo=None), back.fold) == (ref.replace(tzinfo=None), ref.fold)


def test_units() -> None:
    assert to_real(REAL_EPOCH) == 0
    assert to_real(datetime(1970, 1, 1, tzinfo=UTC)) == (datetime(1970, 1, 1) - datetime(1, 1, 1)) // US
    assert to_real(datetime(1, 1, 1, 0, 0, 1, tzinfo=UTC)) == 1_000_000


@given(INSTANTS, INSTANTS)
@example(datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=ZoneInfo("Europe/Berlin")),
         datetime(2026, 10, 25, 2, 45, tzinfo=ZoneInfo("Europe/Berlin")))  # fmt: skip
@example(datetime(2026, 10, 25, 2, 45, tzinfo=ZoneInfo("Europe/Berlin")),
         datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=ZoneInfo("Europe/Berlin")))  # fmt: skip
def test_earlier_orders_instants(a: datetime, b: datetime) -> None:
    """Law: `earlier` is the order of the instants, in a repeated hour too (where `<` is not)."""
    assert earlier(a, b) == (to_real(a) < to_real(b))
