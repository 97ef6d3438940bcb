"""SLA targets: what a target measures (`Metric`), its goals per priority, pauses and modes.

One job: the `Target` value and its dict form (for example ``targets[0].goals.urgent``
in an error), with the statuses each metric pauses in by default (`DEFAULT_PAUSES`),
and the ``_name`` validator policies share.

Imports: `ticketcore.sla._ladder` (a target holds a ladder of levels).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority, PriorityScale
from ticketcore._ticket import Status, nonempty
from ticketcore._time import _MAX_US, _duration_text, _format_duration
from ticketcore._util import check_keys as _check_keys
from ticketcore._util import pairs_to_dict
from ticketcore.sla._ladder import MAX_DURATION, Level, _check_depth

__all__ = ["DEFAULT_PAUSES", "Metric", "Target"]


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


_PRIORITY_MODES: Final = ("recompute", "restart", "retroactive", "retroactive_start")
_SOLVE_MODES: Final = ("stop", "keep_running")
_REPEAT_MODES: Final = ("reset", "first_only", "cumulative")


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


@attrs.frozen(kw_only=True)
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
