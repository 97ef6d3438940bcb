"""SLA policies: which tickets they cover, their calendar and targets, and the choice among them.

One job: `SLAPolicy` (a condition, a calendar, maybe the requester's zone, the targets,
a fingerprint of its dict form) and `SLAPolicies`, the ordered list whose first covering
policy applies. Targets are `ticketcore.sla._target`'s, ladders `ticketcore.sla._ladder`'s.

All values are frozen and have a JSON-compatible dict form (``to_dict`` /
``from_dict``) whose errors name the path of the bad field, for example
``policies[1].targets[0].goals.urgent``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._ticket import Ticket
from ticketcore._time import _duration_text, _format_duration
from ticketcore._util import check_keys as _check_keys
from ticketcore.conditions import ALWAYS, Condition, fields_read
from ticketcore.sla._calendar import BusinessCalendar
from ticketcore.sla._ladder import MAX_DURATION, _check_depth
from ticketcore.sla._target import Target, _name

__all__ = ["SLAPolicies", "SLAPolicy"]


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


@attrs.frozen(kw_only=True)
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
