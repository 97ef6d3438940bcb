"""Time helpers shared by the subpackages (`ticketcore._time`): the time-zone reader."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from ticketcore import InvalidInput
from ticketcore._time import read_zone
from ticketcore.backlog import BacklogOptions
from ticketcore.simulate import default_scenario
from ticketcore.sla import BusinessCalendar
from ticketcore.testing._case import _zone

BAD = ["", "Europe/Nowhere", "Europe", "../etc", "/etc/passwd", "zone.tab", "a" * 300, 5, b"UTC"]
MESSAGE = "timezone: expected an IANA time zone name such as 'Europe/Berlin', got "


def test_read_zone() -> None:
    assert read_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    with pytest.raises(InvalidInput) as e:
        read_zone("Mars/Olympus", "calendars.x.timezone")
    assert (
        str(e.value)
        == "calendars.x.timezone: expected an IANA time zone name such as 'Europe/Berlin', got 'Mars/Olympus'"
    )


@pytest.mark.parametrize("value", BAD)
def test_every_reader_refuses_a_bad_zone_with_the_same_message(value: object) -> None:
    readers: list[Callable[[], object]] = [
        lambda: read_zone(value),
        lambda: BacklogOptions(timezone=value),
        lambda: BusinessCalendar.from_dict({"timezone": value, "hours": {"mon": ["09:00-17:00"]}}),
        lambda: default_scenario().replace(timezone=value),
        lambda: _zone(value),  # a policy case file's timezone (None: the desk's default)
    ]
    for reader in readers:
        with pytest.raises(InvalidInput) as e:
            reader()
        assert str(e.value).startswith(MESSAGE)
        assert e.value.__context__ is None or e.value.__suppress_context__
