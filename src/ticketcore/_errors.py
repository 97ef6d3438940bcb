"""The error hierarchy shared by every part of ticketcore.

Every error ticketcore raises on purpose is a `TicketcoreError`. Errors caused by
bad input also subclass `ValueError`, name the offending field with a path such as
``hours.mon[1]``, say what was expected and show the value given. An object that
raised one of these is unchanged and stays usable.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable

__all__ = ["HorizonExceeded", "InvalidInput", "InvalidTransition", "OutOfOrder", "TicketcoreError"]

_MISSING = object()

# Values in messages are shown through a bounded repr: an administrator's form or a
# restored state can hold a string of megabytes or a list nested thousands deep, and the
# message must still be built (and short) without recursing.
_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxdict = _REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = 6
_REPR.maxstring = _REPR.maxother = 120


def show(value: object) -> str:
    """A short, always-computable repr of ``value`` for an error message.

    Strings are cut to about 120 characters and containers to 3 levels and 6 items, with
    ``...`` where something was left out; a repr that itself fails is replaced by the type.
    """
    try:
        return _REPR.repr(value)
    except Exception:  # any failure of a foreign __repr__ must not hide our error
        return f"<{type(value).__name__} object>"


class TicketcoreError(Exception):
    """The root of every error that ticketcore raises deliberately.

    Catch this to handle "ticketcore refused" separately from any other failure.
    """


class InvalidInput(TicketcoreError, ValueError):
    """Bad input: a field that is missing, of the wrong type or out of range.

    Attributes:
        field: The path of the offending field, for example ``hours.mon[1]``.
        expected: What would have been accepted, in words.
        value: The value that was given.

    >>> raise InvalidInput("hours.mon[1]", "an interval like '09:00-17:00'", "9-5")
    Traceback (most recent call last):
        ...
    ticketcore.InvalidInput: hours.mon[1]: expected an interval like '09:00-17:00', got '9-5'

    """

    field: str
    expected: str
    value: object

    def __init__(self, field: str, expected: str, value: object = _MISSING) -> None:
        self.field = field
        self.expected = expected
        self.value = None if value is _MISSING else value
        got = "nothing" if value is _MISSING else show(value)
        super().__init__(f"{field}: expected {expected}, got {got}")

    @classmethod
    def unknown_key(cls, field: str, key: object, allowed: Iterable[str], what: str = "keys") -> InvalidInput:
        """Build the error for an unknown name (a key of a dict form, an agent id ...).

        The message lists the known names (up to twelve) and suggests the closest one.
        """
        allowed = sorted(allowed)
        # A key read from a dict form need not be text (``{1: ...}``): difflib takes text only.
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5) if isinstance(key, str) else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        if len(allowed) > 12:
            return cls(field, f"one of the {len(allowed)} known {what}{hint}", key)
        return cls(field, f"one of the {what} {', '.join(map(repr, allowed))}{hint}", key)


class InvalidTransition(InvalidInput):
    """An event the current state does not allow.

    For example a ticket id already in use, a ticket or agent the object does not
    know, an event earlier than the one before, an escalation past tier 4.

    It carries ``field``, ``expected`` and ``value`` like `InvalidInput` (and is one).
    The object that raised it is unchanged and stays usable.
    """


class OutOfOrder(InvalidTransition):
    """An event timestamped before the engine's clock or before its ticket's last event.

    Every engine raises this one class for it: `ticketcore.sla.SLAClock`,
    `ticketcore.assign.Dispatcher`, `ticketcore.backlog.BacklogTracker` and
    `ticketcore.desk.Desk`. It is an `InvalidTransition` (and so an `InvalidInput`),
    with ``field`` (usually ``at``), ``expected`` (naming the instant it must not
    precede) and ``value`` (the instant given). The engine is unchanged; the host
    may deliver the event again in order.

    >>> raise OutOfOrder("at", "an instant at or after the previous event (09:00)", "08:00")
    Traceback (most recent call last):
        ...
    ticketcore.OutOfOrder: at: expected an instant at or after the previous event (09:00), got '08:00'

    """


class HorizonExceeded(TicketcoreError, ValueError):
    """A computation found no answer within the calendar's horizon.

    Raised, for example, by `ticketcore.sla.BusinessCalendar.add` when a calendar
    does not have enough open time in the next ten years (by default) to cover the
    duration. ticketcore raises this instead of searching forever.

    Attributes:
        field: The argument that asked for too much, for example ``duration``.
        value: The value given for it.

    """

    field: str
    value: object

    def __init__(self, field: str, value: object, message: str) -> None:
        self.field = field
        self.value = value
        super().__init__(f"{field}: {message} (got {show(value)})")
