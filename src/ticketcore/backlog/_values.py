"""How the readers take values: missing values, group values, ticket ids and instants.

Data from pandas arrives with its own missing values (``NaT``, ``NaN``, ``NA``) and
integer ids; they are recognised by duck typing, so that nothing here imports pandas.
"""

from __future__ import annotations

import enum
import math
import operator
from collections.abc import Hashable
from datetime import datetime
from typing import Final, SupportsIndex, cast

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._util import MAX_INSTANT, MIN_INSTANT, check_in_range

__all__ = ["MISSING_GROUP", "group_value", "is_missing", "stamp", "ticket_id"]

#: The group of the tickets whose value of a grouped field is missing (None, NaN, NaT).
MISSING_GROUP: Final = "(none)"
# pandas' missing values, known by their type's name: src never imports pandas.
_MISSING_TYPES: Final = frozenset({"NaTType", "NAType"})
_MIN_TS: Final = MIN_INSTANT.timestamp()
_MAX_TS: Final = MAX_INSTANT.timestamp()


def is_missing(value: object) -> bool:
    """Whether ``value`` is a missing value: None, a float NaN, or pandas' NaT or NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in _MISSING_TYPES


def group_value(value: object, path: str) -> Hashable:
    """``value`` as a group value: a missing value is `MISSING_GROUP`, an enum member its value.

    So ``Priority.LOW`` and ``"low"`` are one group, and so are None, NaN and NaT.
    """
    if is_missing(value):
        return MISSING_GROUP
    if isinstance(value, enum.Enum | Priority):
        value = value.value
    try:
        hash(value)
    except TypeError:
        raise InvalidInput(path, "a hashable value to group by (text, a number ...)", value) from None
    return value


def ticket_id(value: object, path: str) -> str:
    """A ticket id: non-empty text, or a whole number (as pandas reads an id column) as its text."""
    if isinstance(value, str) and value:
        return value
    if not isinstance(value, (bool, str, float)):
        try:
            return str(operator.index(cast(SupportsIndex, value)))  # int, numpy integers; refused: TypeError
        except TypeError:
            pass
    raise InvalidInput(path, "a non-empty ticket id (text or a whole number)", value)


def stamp(value: datetime, path: str) -> float:
    """The POSIX timestamp of the aware ``value``, refused outside the supported range of instants."""
    try:
        ts = value.timestamp()
    except (ValueError, OverflowError):
        ts = math.nan
    if not _MIN_TS <= ts < _MAX_TS:
        check_in_range(value, path)
        raise InvalidInput(path, "an instant from 1900-01-01 to 2999-12-31 (UTC)", value)
    return ts
