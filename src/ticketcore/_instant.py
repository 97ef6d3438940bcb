"""The library's internal time: an instant as whole microseconds since 0001-01-01 UTC ("real").

Every engine that does arithmetic on instants converts an aware datetime to a real
instant once, on the way in (`to_real`), works on integers, and converts back once, on
the way out (`from_real`), in the zone the caller reads. Integers compare and subtract
exactly and fast, and an aware datetime is back exactly: microseconds are datetime's
own resolution.

It lives here, below every subpackage, so that each uses the same conversion without
importing a private module of another.

One exception, on purpose: the backlog buckets records into weeks by POSIX float
timestamps (``datetime.timestamp()`` is one C call, about half the cost of the
subtraction for a zoned datetime, and the report's fold is its hot loop). Floats are
exact to the microsecond until 2106; from then on, the backlog takes durations from
real instants (``backlog/_records.py``, ``_EXACT_TS``). Left as it is: after 2106 an
instant less than 2 us before a week boundary may be counted in the next week.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["REAL_EPOCH", "SECOND", "US", "earlier", "from_real", "from_real_reference", "to_real"]

#: One second in microseconds.
SECOND: Final = 1_000_000
#: The instant a real instant counts from.
REAL_EPOCH: Final = datetime(1, 1, 1, tzinfo=UTC)
#: One microsecond, the unit: ``(dt - REAL_EPOCH) // US`` is ``to_real(dt)``.
US: Final = timedelta(microseconds=1)


def to_real(dt: datetime) -> int:
    """Microseconds since 0001-01-01 UTC of an aware datetime."""
    return (dt - REAL_EPOCH) // US


def earlier(a: datetime, b: datetime) -> bool:
    """Whether the aware ``a`` is an earlier instant than ``b``.

    ``a < b`` compares two datetimes that share a tzinfo by their wall times and ignores
    ``fold``, so in an hour a zone repeats it orders 02:15 (the second pass, ``fold=1``)
    before 02:45 (the first), although it comes 30 minutes later. Only a datetime with
    ``fold=1`` can be misordered that way, so the plain comparison serves all others.
    """
    if a.fold or b.fold:
        return to_real(a) < to_real(b)
    return a < b


_POSIX: Final = (datetime(1970, 1, 1, tzinfo=UTC) - REAL_EPOCH) // US
#: Within this many microseconds of 1970 a POSIX timestamp as a float is within 0.48 us
#: of the true value (half a unit in the last place below 2**32 seconds), so
#: ``fromtimestamp``, which rounds to the nearest microsecond, gets it back exactly.
_FLOAT_EXACT: Final = 2**32 * SECOND


def from_real(real: int, zone: ZoneInfo | timezone) -> datetime:
    """The aware datetime in ``zone`` of a real instant."""
    posix = real - _POSIX
    if -_FLOAT_EXACT < posix < _FLOAT_EXACT:  # 1834 to 2106: one C call, a third of the time
        return datetime.fromtimestamp(posix / SECOND, zone)
    return (REAL_EPOCH + timedelta(microseconds=real)).astimezone(zone)


def from_real_reference(real: int, zone: ZoneInfo | timezone) -> datetime:
    """`from_real` the obvious way, for the tests."""
    return (REAL_EPOCH + timedelta(microseconds=real)).astimezone(zone)
