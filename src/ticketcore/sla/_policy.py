"""SLA policies: which tickets they cover, their targets, and the escalation ladders.

All values are frozen and have a JSON-compatible dict form (``to_dict`` /
``from_dict``) whose errors name the path of the bad field, for example
``policies[1].targets[0].goals.urgent``.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Priority, PriorityScale, Status, Ticket, nonempty
from ticketcore._time import _duration_text, _format_duration
from ticketcore._util import MAX_INSTANT, MIN_INSTANT, check_depth, pairs_to_dict, read_finite
from ticketcore._util import check_keys as _check_keys
from ticketcore.conditions import ALWAYS, Condition
from ticketcore.conditions._conditions import fields_read
from ticketcore.sla._calendar import BusinessCalendar

__all__ = [
    "Action",
    "Level",
    "Metric",
    "MoveTier",
    "Notify",
    "RaisePriority",
    "Reassign",
    "SLAPolicies",
    "SLAPolicy",
    "Target",
]


class Metric(enum.Enum):
    """What a target measures.

    - ``FIRST_RESPONSE``: creation until the first public agent reply (on an
      agent-created ticket the opening comment does not count). Solving without a reply
      stops it too, unless ``Target.on_solve_without_reply`` is ``"keep_running"``.
    - ``NEXT_RESPONSE``: each customer message after an agent reply starts a cycle
      that the next public agent reply ends; every cycle keeps its own result.
    - ``RESOLUTION``: creation until solved; on reopen it continues by default.
    - ``PERIODIC_UPDATE``: a public agent reply at least every goal while unresolved;
      each reply ends a cycle and starts the next.
    - ``TIME_IN_STATUS``: how long the ticket stays in ``Target.status`` (a new email
      accepted within an hour; a reminder after 48 hours waiting on the customer).
    """

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"
    PERIODIC_UPDATE = "periodic_update"
    TIME_IN_STATUS = "time_in_status"


#: The statuses that pause each metric unless a target says otherwise.
DEFAULT_PAUSES: Final = {
    Metric.FIRST_RESPONSE: frozenset[Status](),
    Metric.NEXT_RESPONSE: frozenset[Status](),
    Metric.RESOLUTION: frozenset({Status.PENDING, Status.ON_HOLD}),
    Metric.PERIODIC_UPDATE: frozenset[Status](),
    Metric.TIME_IN_STATUS: frozenset[Status](),
}


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


_PRIORITY_MODES: Final = ("recompute", "restart", "retroactive", "retroactive_start")
_SOLVE_MODES: Final = ("stop", "keep_running")
_REPEAT_MODES: Final = ("reset", "first_only", "cumulative")


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
#: of instants (1900 to 2999), about 1100 years. Longer ones cannot mean anything, and
#: this keeps every instant computed from one far inside `datetime`'s range.
MAX_DURATION: Final = MAX_INSTANT - MIN_INSTANT
_MAX_US: Final = MAX_DURATION // timedelta(microseconds=1)


def _check_span(value: timedelta, path: str, expected: str) -> None:
    if abs(value) > MAX_DURATION:
        raise InvalidInput(path, expected, value)


@attrs.frozen
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
                return cls(action, fraction=d["at"])
            except InvalidInput as e:
                raise InvalidInput(f"{path}.at", e.expected, e.value) from None
        amount = _duration_text(d[key], f"{path}.{key}")
        if amount < timedelta(0):
            raise InvalidInput(f"{path}.{key}", "a duration of zero or more", d[key])
        return cls(action, offset=-amount if key == "before" else amount)

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


def _to_goals(value: object) -> tuple[tuple[Priority, timedelta], ...]:
    if isinstance(value, timedelta):
        value = dict.fromkeys(PriorityScale.current(), value)
    value = pairs_to_dict(value)
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput("goals", "a timedelta, or a dict from priority to timedelta", value)
    out: dict[Priority, timedelta] = {}
    for key, goal in value.items():
        priority = Priority.parse(key, f"goals.{key}")
        if not isinstance(goal, timedelta) or goal <= timedelta(0) or goal > MAX_DURATION:
            raise InvalidInput(f"goals.{priority.value}", "a duration above zero, at most 401767 days", goal)
        out[priority] = goal
    return tuple(sorted(out.items(), key=lambda item: item[0].rank))


def _to_statuses(value: object) -> frozenset[Status] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence | set | frozenset):
        raise InvalidInput("pause_on", "a collection of statuses", value)
    return frozenset(Status.parse(s, f"pause_on[{i}]") for i, s in enumerate(value))


_STATUS_ORDER: Final = list(Status)


def _check_pause(metric: Metric, status: Status, path: str) -> None:
    """Refuse a pause on a status that stops the clock (a pause there could never apply)."""
    if metric is Metric.TIME_IN_STATUS:
        raise InvalidInput(
            path,
            "no pauses for a time_in_status target (every other status stops its clock, "
            "and a pause in its own status would keep it from running)",
            status.value,
        )
    if status.is_resolved:
        raise InvalidInput(
            path, "a status that does not stop the clock (solved and closed stop it)", status.value
        )


def _to_ladder(value: object) -> tuple[Level, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, Level) for v in value):
        raise InvalidInput("ladder", "a sequence of Level", value)
    return tuple(value)


_name = nonempty("a non-empty name")


def _to_optional_status(value: object) -> Status | None:
    return None if value is None else Status.parse(value)


def _to_metric(value: object) -> Metric:
    if isinstance(value, Metric):
        return value
    try:
        return Metric(value)
    except ValueError:
        raise InvalidInput("metric", f"one of {', '.join(repr(m.value) for m in Metric)}", value) from None


def _to_metric_at(value: object, path: str) -> Metric:
    try:
        return _to_metric(value)
    except InvalidInput as e:
        raise InvalidInput(path, e.expected, e.value) from None


@attrs.frozen
class Target:
    """One service-level target of a policy: a metric, goals per priority, pauses, a ladder.

    A ticket whose priority has no goal gets ``NOT_APPLICABLE`` for this target.

    Attributes:
        name: How results and alerts name the target (unique within a policy).
        metric: What is measured (`Metric`).
        goals: Business time allowed, per priority; a single timedelta (or ``"all"`` in the
            dict form) applies to every priority of the scale in force (`ticketcore.PriorityScale`).
        pause_on: Statuses in which the clock stops; None takes `DEFAULT_PAUSES`
            (resolution pauses on pending and on-hold; the others never pause).
        status: For ``TIME_IN_STATUS``, the status measured.
        on_reopen: ``"continue"`` (default) keeps counting a resolution cycle after a
            reopen; ``"restart"`` starts a new cycle at the reopen.
        on_priority_change: ``"recompute"`` (default) applies the new priority's goal
            to the running cycle from its original start (which can mean breached at
            once); ``"restart"`` ends the cycle and starts a new one at the change;
            ``"retroactive"`` cancels the cycle and attaches a new one from the original
            start that keeps the pauses so far (ServiceNow's retroactive start and
            pause: the same due time as ``"recompute"``, with the history ServiceNow
            shows); ``"retroactive_start"`` does the same but counts the time paused so
            far as elapsed (retroactive start without retroactive pause).
        repeat: What a new cycle of a repeating metric (next response, periodic update,
            time in status) does after one stopped, after Jira Service Management's
            multi-cycle SLAs: ``"reset"`` (default) starts it from zero;
            ``"first_only"`` measures the first cycle only and ignores later starts;
            ``"cumulative"`` starts the new cycle where the last one stopped, so its
            clock reads the business time of all the cycles so far (a level or breach
            already reached in an earlier cycle is not reported again). Finished cycles
            keep their own state and breached flag. Resolution repeats through
            ``on_reopen`` instead, and first response never repeats.
        on_solve_without_reply: For ``FIRST_RESPONSE``, what solving (or closing) a
            ticket that no agent has replied to does: ``"stop"`` (default) ends the cycle,
            so solving counts as the response (Zendesk's and Freshdesk's reading);
            ``"keep_running"`` keeps the clock running through solved and closed until a
            public agent reply (Zammad's: only a real reply is a first response). Other
            metrics accept only ``"stop"``.
        ladder: Escalation levels (`Level`).

    A status that stops the clock cannot pause it: ``pause_on`` refuses ``solved`` and
    ``closed``, and, for ``TIME_IN_STATUS`` (which every status but ``status`` stops, and
    which pausing in ``status`` would never let run), any status at all.

    """

    name: str = attrs.field(validator=_name)
    metric: Metric = attrs.field(converter=_to_metric)
    goals: tuple[tuple[Priority, timedelta], ...] = attrs.field(converter=_to_goals)
    pause_on: frozenset[Status] | None = attrs.field(default=None, converter=_to_statuses)
    status: Status | None = attrs.field(default=None, converter=_to_optional_status)
    on_reopen: str = "continue"
    on_priority_change: str = "recompute"
    ladder: tuple[Level, ...] = attrs.field(default=(), converter=_to_ladder)
    repeat: str = "reset"
    on_solve_without_reply: str = "stop"

    def __attrs_post_init__(self) -> None:
        if (self.metric is Metric.TIME_IN_STATUS) != (self.status is not None):
            raise InvalidInput("status", "a status exactly when the metric is 'time_in_status'", self.status)
        if self.on_reopen not in ("continue", "restart"):
            raise InvalidInput("on_reopen", "'continue' or 'restart'", self.on_reopen)
        if self.on_priority_change not in _PRIORITY_MODES:
            raise InvalidInput(
                "on_priority_change",
                f"one of {', '.join(map(repr, _PRIORITY_MODES))}",
                self.on_priority_change,
            )
        if self.on_solve_without_reply not in _SOLVE_MODES:
            raise InvalidInput(
                "on_solve_without_reply",
                f"one of {', '.join(map(repr, _SOLVE_MODES))}",
                self.on_solve_without_reply,
            )
        if self.on_solve_without_reply != "stop" and self.metric is not Metric.FIRST_RESPONSE:
            raise InvalidInput(
                "on_solve_without_reply",
                f"'stop' for a {self.metric.value} target (the option is for first response)",
                self.on_solve_without_reply,
            )
        longest = max(goal for _, goal in self.goals) // timedelta(microseconds=1)
        for i, level in enumerate(self.ladder):
            if level.fraction is not None:
                point = longest * level.fraction  # a float: inf when far too big
            else:
                assert level.offset is not None
                point = longest + level.offset // timedelta(microseconds=1)
            if point > _MAX_US:
                raise InvalidInput(f"ladder[{i}]", "a point on the clock at most 401767 days in", level)
        for status in sorted(self.pause_on or (), key=_STATUS_ORDER.index):
            _check_pause(self.metric, status, "pause_on")
        if self.repeat not in _REPEAT_MODES:
            raise InvalidInput("repeat", f"one of {', '.join(map(repr, _REPEAT_MODES))}", self.repeat)
        if self.repeat != "reset" and self.metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
            raise InvalidInput(
                "repeat",
                f"'reset' for a {self.metric.value} target (it does not repeat; resolution uses on_reopen)",
                self.repeat,
            )

    @property
    def pauses(self) -> frozenset[Status]:
        """The statuses that pause this target (its own, or the metric's default)."""
        return DEFAULT_PAUSES[self.metric] if self.pause_on is None else self.pause_on

    def goal_for(self, priority: Priority) -> timedelta | None:
        """The goal for a priority, or None when the target does not cover it."""
        for p, goal in self.goals:
            if p is priority:
                return goal
        return None

    @classmethod
    def from_dict(cls, data: object, path: str = "target") -> Target:
        """Read a target; ``goals`` maps priorities (or ``"all"``) to durations like ``"4h"``."""
        keys = (
            "name",
            "metric",
            "goals",
            "pause_on",
            "status",
            "on_reopen",
            "on_priority_change",
            "ladder",
            "repeat",
            "on_solve_without_reply",
        )
        _check_depth(data, path)
        d = _check_keys(data, path, keys, ("name", "metric", "goals"))
        goals_raw = d["goals"]
        if not isinstance(goals_raw, dict) or not goals_raw:
            raise InvalidInput(f"{path}.goals", "a dict from priority (or 'all') to a duration", goals_raw)
        goals: dict[object, timedelta] = {}
        for key, raw in goals_raw.items():
            amount = _duration_text(raw, f"{path}.goals.{key}")
            if key == "all":
                goals.update(dict.fromkeys(PriorityScale.current(), amount))
            else:
                goals[Priority.parse(key, f"{path}.goals.{key}")] = amount
        ladder_raw = d.get("ladder", [])
        if not isinstance(ladder_raw, list):
            raise InvalidInput(f"{path}.ladder", "a list of levels", ladder_raw)
        ladder = tuple(Level.from_dict(item, f"{path}.ladder[{i}]") for i, item in enumerate(ladder_raw))
        pause_on = d.get("pause_on")
        if pause_on is not None and not isinstance(pause_on, list):
            raise InvalidInput(f"{path}.pause_on", "a list of statuses", pause_on)
        metric = _to_metric_at(d["metric"], f"{path}.metric")
        for i, raw in enumerate(pause_on or ()):
            _check_pause(metric, Status.parse(raw, f"{path}.pause_on[{i}]"), f"{path}.pause_on[{i}]")
        try:
            return cls(
                name=d["name"],
                metric=d["metric"],
                goals=tuple(goals.items()),
                pause_on=None
                if pause_on is None
                else [Status.parse(s, f"pause_on[{i}]") for i, s in enumerate(pause_on)],
                status=None if d.get("status") is None else Status.parse(d["status"], "status"),
                on_reopen=d.get("on_reopen", "continue"),
                on_priority_change=d.get("on_priority_change", "recompute"),
                ladder=ladder,
                repeat=d.get("repeat", "reset"),
                on_solve_without_reply=d.get("on_solve_without_reply", "stop"),
            )
        except InvalidInput as e:
            raise InvalidInput(f"{path}.{e.field}", e.expected, e.value) from None

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        out: dict[str, Any] = {
            "name": self.name,
            "metric": self.metric.value,
            "goals": {p.value: _format_duration(g) for p, g in self.goals},
        }
        if self.pause_on is not None:
            out["pause_on"] = sorted(s.value for s in self.pause_on)
        if self.status is not None:
            out["status"] = self.status.value
        if self.on_reopen != "continue":
            out["on_reopen"] = self.on_reopen
        if self.on_priority_change != "recompute":
            out["on_priority_change"] = self.on_priority_change
        if self.ladder:
            out["ladder"] = [level.to_dict() for level in self.ladder]
        if self.repeat != "reset":
            out["repeat"] = self.repeat
        if self.on_solve_without_reply != "stop":
            out["on_solve_without_reply"] = self.on_solve_without_reply
        return out


def _to_targets(value: object) -> tuple[Target, ...]:
    if not isinstance(value, list | tuple) or not value or not all(isinstance(t, Target) for t in value):
        raise InvalidInput("targets", "a non-empty sequence of Target", value)
    return tuple(value)


def _check_condition(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Condition):
        raise InvalidInput("when", "a ticketcore.conditions.Condition", value)
    if "status" in fields_read(value):
        # ServiceNow's trap (HDP 38): a condition that a pausing status stops matching
        # cancels the SLA instead of pausing it. Here statuses pause and stop targets;
        # they never pick or drop the policy.
        raise InvalidInput(
            "when", "a condition on ticket fields other than status (statuses pause and stop targets)", value
        )


@attrs.frozen
class SLAPolicy:
    """A named SLA policy: a condition saying which tickets it covers, a calendar, and targets.

    ``calendar`` None means calendar hours (24/7 real time). ``suspicious_pause`` flags a
    ticket put into a pausing status within that long after a customer message (None: off).
    `fingerprint` identifies this exact version in results and reports.

    The calendar's zone is the schedule's time zone (ServiceNow's default). For the
    *requester's* zone, ``timezone_from`` names a custom field (``"custom.timezone"``)
    holding an IANA zone name: a ticket that fills it runs on the same hours and holidays
    read in that zone (see `calendar_for`). The *definition's* zone is simply a calendar
    built in that zone.
    """

    name: str = attrs.field(validator=_name)
    targets: tuple[Target, ...] = attrs.field(converter=_to_targets)
    when: Condition = attrs.field(default=ALWAYS, validator=_check_condition)
    calendar: BusinessCalendar | None = None
    calendar_name: str = attrs.field(validator=_name)
    suspicious_pause: timedelta | None = attrs.field(default=timedelta(minutes=5))
    timezone_from: str | None = attrs.field(default=None)
    _fingerprint: str = attrs.field(init=False, eq=False, repr=False, hash=False, default="")
    _zoned: dict[str, BusinessCalendar] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )

    @timezone_from.validator
    def _check_timezone_from(self, attribute: attrs.Attribute[str | None], value: object) -> None:
        if value is not None and (
            not isinstance(value, str) or not value.startswith("custom.") or value == "custom."
        ):
            raise InvalidInput("timezone_from", "None, or a custom field such as 'custom.timezone'", value)

    @suspicious_pause.validator
    def _check_suspicious_pause(self, attribute: attrs.Attribute[timedelta | None], value: object) -> None:
        if value is not None and (
            not isinstance(value, timedelta) or value < timedelta(0) or value > MAX_DURATION
        ):
            raise InvalidInput(
                "suspicious_pause", "None, or a datetime.timedelta from 0 to 401767 days", value
            )

    @calendar_name.default
    def _default_calendar_name(self) -> str:
        return "calendar hours" if self.calendar is None else "business hours"

    def __attrs_post_init__(self) -> None:
        names = [t.name for t in self.targets]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise InvalidInput(f"targets[{i}].name", "a name no other target of the policy has", name)
        if self.calendar is not None and not isinstance(self.calendar, BusinessCalendar):
            raise InvalidInput("calendar", "a BusinessCalendar or None", self.calendar)
        if self.calendar is None or self.calendar.holidays.source is None:
            text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
            object.__setattr__(self, "_fingerprint", hashlib.sha256(text.encode()).hexdigest()[:12])

    @property
    def fingerprint(self) -> str:
        """A short hash of the policy's dict form: different versions never share one.

        Empty for a policy whose calendar takes its holidays from a Python object (no dict form).
        """
        return self._fingerprint

    def covers(self, ticket: Ticket) -> bool:
        """Whether the policy's condition matches the ticket."""
        return self.when.matches(ticket)

    def calendar_for(self, ticket: Ticket) -> BusinessCalendar | None:
        """The calendar a ticket's clocks run on.

        The policy's calendar, read in the requester's zone when ``timezone_from`` names a
        field the ticket fills (the same hours and holidays, in that zone's local time).

        Raises:
            InvalidInput: the field holds something other than an IANA zone name.

        """
        calendar = self.calendar
        if calendar is None or self.timezone_from is None:
            return calendar
        field = self.timezone_from
        zone = ticket.custom_value(field.removeprefix("custom."))
        if zone is None or zone == calendar.timezone:
            return calendar
        if not isinstance(zone, str):
            raise InvalidInput(f"ticket.{field}", "an IANA time zone name", zone)
        found = self._zoned.get(zone)
        if found is None:
            try:
                found = attrs.evolve(calendar, timezone=zone)
            except InvalidInput as e:
                raise InvalidInput(f"ticket.{field}", e.expected, zone) from None
            self._zoned[zone] = found
        return found

    @classmethod
    def from_dict(cls, data: object, path: str = "policy") -> SLAPolicy:
        """Read a policy dict.

        Keys: ``name``, ``when``, ``calendar``, ``calendar_name``, ``targets``,
        ``suspicious_pause``, ``timezone_from``.
        """
        keys = ("name", "when", "calendar", "calendar_name", "targets", "suspicious_pause", "timezone_from")
        _check_depth(data, path)
        d = _check_keys(data, path, keys, ("name", "targets"))
        when = Condition.from_dict(d["when"], f"{path}.when") if "when" in d else ALWAYS
        calendar = None
        if d.get("calendar") is not None:
            try:
                calendar = BusinessCalendar.from_dict(d["calendar"])
            except InvalidInput as e:
                raise InvalidInput(f"{path}.calendar.{e.field}", e.expected, e.value) from None
        targets_raw = d["targets"]
        if not isinstance(targets_raw, list) or not targets_raw:
            raise InvalidInput(f"{path}.targets", "a non-empty list of targets", targets_raw)
        targets = tuple(Target.from_dict(t, f"{path}.targets[{i}]") for i, t in enumerate(targets_raw))
        pause = d.get("suspicious_pause", "5m")
        try:
            return cls(
                name=d["name"],
                targets=targets,
                when=when,
                calendar=calendar,
                calendar_name=d.get(
                    "calendar_name", "calendar hours" if calendar is None else "business hours"
                ),
                suspicious_pause=None if pause is None else _duration_text(pause, f"{path}.suspicious_pause"),
                timezone_from=d.get("timezone_from"),
            )
        except InvalidInput as e:
            raise InvalidInput(
                e.field if e.field.startswith(path) else f"{path}.{e.field}", e.expected, e.value
            ) from None

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        out: dict[str, Any] = {"name": self.name}
        if self.when != ALWAYS:
            out["when"] = self.when.to_dict()
        if self.calendar is not None:
            out["calendar"] = self.calendar.to_dict()
        out["calendar_name"] = self.calendar_name
        out["targets"] = [t.to_dict() for t in self.targets]
        out["suspicious_pause"] = (
            None if self.suspicious_pause is None else _format_duration(self.suspicious_pause)
        )
        if self.timezone_from is not None:
            out["timezone_from"] = self.timezone_from
        return out


def _to_policies(value: object) -> tuple[SLAPolicy, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(p, SLAPolicy) for p in value):
        raise InvalidInput("policies", "a sequence of SLAPolicy", value)
    return tuple(value)


@attrs.frozen
class SLAPolicies:
    """An ordered list of policies: the first that covers a ticket applies.

    A ticket no policy covers has no SLA, and its result says so.
    """

    policies: tuple[SLAPolicy, ...] = attrs.field(converter=_to_policies)

    def __attrs_post_init__(self) -> None:
        names = [p.name for p in self.policies]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise InvalidInput(f"policies[{i}].name", "a name no other policy has", name)

    def select(self, ticket: Ticket) -> SLAPolicy | None:
        """The first policy that covers the ticket, or None."""
        for policy in self.policies:
            if policy.when.matches(ticket):
                return policy
        return None

    @classmethod
    def from_dict(cls, data: object) -> SLAPolicies:
        """Read ``{"policies": [...]}``."""
        _check_depth(data, "")
        d = _check_keys(data, "", ("policies",), ("policies",))
        raw = d["policies"]
        if not isinstance(raw, list):
            raise InvalidInput("policies", "a list of policies", raw)
        return cls(tuple(SLAPolicy.from_dict(p, f"policies[{i}]") for i, p in enumerate(raw)))

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        return {"policies": [p.to_dict() for p in self.policies]}
