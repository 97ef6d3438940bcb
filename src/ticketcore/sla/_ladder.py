"""Escalation ladders: the actions a level asks for, and the levels of a target's ladder.

One job: `Action` and its kinds (`Notify`, `Reassign`, `RaisePriority`, `MoveTier`) and
`Level`, a point of a target's clock with an action, each with its dict form. Also what
the policy values share for reading dict forms: `MAX_DURATION` and `_check_depth` (this
is the lowest module of the policy values).

All values are frozen and have a JSON-compatible dict form whose errors name the path of
the bad field. Imports: no other module of `ticketcore.sla`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._ticket import nonempty
from ticketcore._time import _duration_text, _format_duration
from ticketcore._util import MAX_INSTANT, MIN_INSTANT, check_depth, read_finite
from ticketcore._util import check_keys as _check_keys

__all__ = ["Action", "Level", "MoveTier", "Notify", "RaisePriority", "Reassign"]


class Action:
    """What an escalation level asks the host (and the assignment engine) to do."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The dict form."""
        raise NotImplementedError

    @staticmethod
    def from_dict(data: object, path: str = "action") -> Action:
        """Read an action: ``{"notify": WHO}``, ``reassign``, ``raise_priority`` or ``move_tier``."""
        _check_depth(data, path)
        d = _check_keys(data, path, ("notify", "reassign", "raise_priority", "move_tier"), ())
        if len(d) != 1:
            raise InvalidInput(
                path, "exactly one of 'notify', 'reassign', 'raise_priority', 'move_tier'", data
            )
        ((key, value),) = d.items()
        p = f"{path}.{key}"
        try:
            if key == "notify":
                return Notify(value)
            if key == "reassign":
                return Reassign(value)
            if key == "raise_priority":
                return RaisePriority(None if value is None else Priority.parse(value, p))
            return MoveTier(value)
        except InvalidInput as e:
            raise InvalidInput(p, e.expected, e.value) from None


_who = nonempty("a non-empty name of a person, agent or team")


@attrs.frozen
class Notify(Action):
    """Tell someone (``"assignee"``, ``"team-lead"``, an agent id ...)."""

    to: str = attrs.field(validator=_who)

    def to_dict(self) -> dict[str, Any]:
        """``{"notify": to}``."""
        return {"notify": self.to}


@attrs.frozen
class Reassign(Action):
    """Give the ticket to another agent or team."""

    to: str = attrs.field(validator=_who)

    def to_dict(self) -> dict[str, Any]:
        """``{"reassign": to}``."""
        return {"reassign": self.to}


@attrs.frozen
class RaisePriority(Action):
    """Raise the ticket's priority to ``to``, or by one step when ``to`` is None."""

    to: Priority | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"raise_priority": name or null}``."""
        return {"raise_priority": None if self.to is None else self.to.value}


def _tier_or_none(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (type(value) is not int or not 1 <= value <= 4):
        raise InvalidInput(attribute.name, "a support tier from 1 to 4, or None for the next tier", value)


@attrs.frozen
class MoveTier(Action):
    """Move the ticket up to support tier ``to`` (1-4), or to the next tier when None.

    The assignment engine re-routes the ticket to that tier's pool.
    """

    to: int | None = attrs.field(default=None, validator=_tier_or_none)

    def to_dict(self) -> dict[str, Any]:
        """``{"move_tier": n or null}``."""
        return {"move_tier": self.to}


#: The longest duration a goal, ladder point or pause window may be: the supported range


#: this keeps every instant computed from one far inside `datetime`'s range.
MAX_DURATION: Final = MAX_INSTANT - MIN_INSTANT


def _check_span(value: timedelta, path: str, expected: str) -> None:
    if abs(value) > MAX_DURATION:
        raise InvalidInput(path, expected, value)


@attrs.frozen(kw_only=True)
class Level:
    """One rung of an escalation ladder: an action at a point of a target's clock.

    The point is either ``offset``, business time relative to the due time (negative:
    before the breach, such as one business hour before; positive: after it), or
    ``fraction``, a share of the goal (0.8: when 80% is used). A level fires once per
    cycle, at the first instant the clock reaches that point, never while paused;
    a pause pushes it back by exactly the paused business time. A point at or before
    the start fires when the cycle starts.
    """

    action: Action
    offset: timedelta | None = None
    fraction: float | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.action, Action):
            raise InvalidInput("action", "a Notify, Reassign, RaisePriority or MoveTier", self.action)
        if (self.offset is None) == (self.fraction is None):
            raise InvalidInput("offset", "exactly one of offset and fraction", (self.offset, self.fraction))
        if self.offset is not None:
            if not isinstance(self.offset, timedelta):
                raise InvalidInput("offset", "a datetime.timedelta", self.offset)
            _check_span(self.offset, "offset", "a datetime.timedelta of at most 401767 days either way")
        if self.fraction is not None:
            expected = "a finite number above 0 (0.8 is 80% of the goal)"
            if read_finite(self.fraction, "fraction", expected) <= 0:
                raise InvalidInput("fraction", expected, self.fraction)

    def threshold(self, goal: int) -> int:
        """The point on the clock, in microseconds of business time, for a goal."""
        if self.offset is not None:
            return max(goal + self.offset // timedelta(microseconds=1), 0)
        assert self.fraction is not None
        return max(round(goal * self.fraction), 0)

    @classmethod
    def from_dict(cls, data: object, path: str = "level") -> Level:
        """Read ``{"before": "1h" | "after": "30m" | "at": 0.8, "action": {...}}``."""
        _check_depth(data, path)
        d = _check_keys(data, path, ("before", "after", "at", "action"), ("action",))
        points = [k for k in ("before", "after", "at") if k in d]
        if len(points) != 1:
            raise InvalidInput(
                path, "exactly one of 'before', 'after' (a duration) or 'at' (a fraction)", data
            )
        action = Action.from_dict(d["action"], f"{path}.action")
        key = points[0]
        if key == "at":
            try:
                return cls(action=action, fraction=d["at"])
            except InvalidInput as e:
                raise InvalidInput(f"{path}.at", e.expected, e.value) from None
        amount = _duration_text(d[key], f"{path}.{key}")
        if amount < timedelta(0):
            raise InvalidInput(f"{path}.{key}", "a duration of zero or more", d[key])
        return cls(action=action, offset=-amount if key == "before" else amount)

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        out: dict[str, Any]
        if self.fraction is not None:
            out = {"at": self.fraction}
        else:
            assert self.offset is not None
            out = (
                {"before": _format_duration(-self.offset)}
                if self.offset < timedelta(0)
                else {"after": _format_duration(self.offset)}
            )
        out["action"] = self.action.to_dict()
        return out


def _check_depth(data: object, path: str) -> None:
    """`check_depth` for a dict form read at ``path`` (which may be empty, at the top)."""
    try:
        check_depth(data, path)
    except InvalidInput as e:
        raise InvalidInput(e.field.lstrip("."), e.expected, e.value) from None
