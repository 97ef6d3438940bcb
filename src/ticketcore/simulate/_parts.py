"""The parts of a scenario: `Arrivals`, `Handling` and `Customers`, values with their dict form.

Each part validates its own fields (the readers of mixes, profiles and durations are
here too, shared with `_scenario_fields`). Imports `_limits` and `_distributions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._time import WEEKDAYS
from ticketcore._util import check_keys, pairs_to_dict, read_finite, wrap
from ticketcore.simulate._distributions import (
    Distribution,
    Exponential,
    Fixed,
    _dump_duration,
    _duration,
    distribution_from_dict,
)
from ticketcore.simulate._limits import MAX_ENTRIES, MAX_PER_DAY, MAX_WEIGHT

__all__ = ["Arrivals", "Customers", "Handling"]


def _entries(value: Mapping[Any, Any], field: str) -> None:
    if len(value) > MAX_ENTRIES:
        raise InvalidInput(field, f"at most {MAX_ENTRIES:,} entries", f"{len(value):,} entries")


def _weight(value: object, field: str) -> float:
    expected = f"a weight from 0 to {MAX_WEIGHT:g}"
    weight = read_finite(value, field, expected)
    if not 0 <= weight <= MAX_WEIGHT:
        raise InvalidInput(field, expected, value)
    return weight


def _mix(value: object, field: str) -> tuple[tuple[str, float], ...]:
    """``{"chat": 0.8, "email": 0.2}`` as pairs; weights are relative and need not sum to 1."""
    value = pairs_to_dict(value, field)
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput(field, "a non-empty mapping of values to weights", value)
    _entries(value, field)
    out = []
    for key, weight in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidInput(field, "non-empty names as keys", key)
        out.append((key, _weight(weight, f"{field}.{key}")))
    if sum(w for _, w in out) <= 0:
        raise InvalidInput(field, "at least one weight above zero", value)
    return tuple(out)


def _opt_mix(value: object, field: str) -> tuple[tuple[str, float], ...]:
    return () if value is None or value in ({}, ()) else _mix(value, field)


def _probabilities(value: object) -> tuple[tuple[str, float], ...]:
    pairs = _opt_mix(value, "arrivals.tags")
    for tag, p in pairs:
        if p > 1:
            raise InvalidInput(f"arrivals.tags.{tag}", "a probability from 0 to 1", p)
    return pairs


def _to_profile(value: object) -> tuple[tuple[float, ...], ...]:
    """24 relative rates per weekday, Monday first, from ``{"daily": [...], "mon": [...]}``."""
    if value is None:
        return ((1.0,) * 24,) * 7
    if isinstance(value, tuple) and len(value) == 7:
        value = dict(zip(WEEKDAYS, value, strict=True))
    d = check_keys(value, "arrivals.profile", ("daily", *WEEKDAYS), ())
    days: list[tuple[float, ...]] = []
    for day in WEEKDAYS:
        key = day if day in d else "daily"
        if key not in d:
            raise InvalidInput(f"arrivals.profile.{day}", "24 hourly weights (or a 'daily' list)")
        hours = d[key]
        field = f"arrivals.profile.{key}"
        if isinstance(hours, str) or not isinstance(hours, list | tuple) or len(hours) != 24:
            raise InvalidInput(field, "a list of 24 hourly weights", hours)
        days.append(tuple(_weight(w, f"{field}[{i}]") for i, w in enumerate(hours)))
    if not any(any(day) for day in days):
        raise InvalidInput("arrivals.profile", "at least one hour with a weight above zero", value)
    return tuple(days)


def _channels(value: object) -> tuple[tuple[str, float], ...]:
    return _mix(value, "arrivals.channels")


def _priorities(value: object) -> tuple[tuple[str, float], ...]:
    return _mix(value, "arrivals.priorities")


def _languages(value: object) -> tuple[tuple[str, float], ...]:
    return _opt_mix(value, "arrivals.languages")


def _plans(value: object) -> tuple[tuple[str, float], ...]:
    return _opt_mix(value, "arrivals.plans")


def _per_day(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    expected = f"a number of tickets per day above zero, at most {MAX_PER_DAY:,}"
    if not 0 < read_finite(value, "arrivals.per_day", expected) <= MAX_PER_DAY:
        raise InvalidInput("arrivals.per_day", expected, value)


@attrs.frozen(kw_only=True)
class Arrivals:
    """Who arrives and when: a Poisson process whose rate varies by hour of the week.

    ``per_day`` is the mean number of tickets per day over a week; ``profile`` spreads the
    week's tickets over its 168 hours in proportion to the weights (24 per weekday, Monday
    first, in the scenario's time zone; flat by default). Each ticket draws its channel,
    priority, language and plan from the mixes (relative weights) and gets each tag of
    ``tags`` with that tag's probability.
    """

    per_day: float = attrs.field(validator=_per_day)
    profile: tuple[tuple[float, ...], ...] = attrs.field(default=None, converter=_to_profile)
    channels: tuple[tuple[str, float], ...] = attrs.field(default=(("email", 1.0),), converter=_channels)
    priorities: tuple[tuple[str, float], ...] = attrs.field(default=(("normal", 1.0),), converter=_priorities)
    languages: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_languages)
    plans: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_plans)
    tags: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_probabilities)

    def __attrs_post_init__(self) -> None:
        for name, _ in self.priorities:
            Priority.parse(name, f"arrivals.priorities.{name}")

    @classmethod
    def from_dict(cls, data: object, path: str = "arrivals") -> Arrivals:
        """Read the dict form; an error names the bad key."""
        d = check_keys(data, path, _ARRIVAL_FIELDS, ("per_day",))
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        out: dict[str, Any] = {"per_day": self.per_day}
        if len(set(self.profile)) == 1:
            if set(self.profile[0]) != {1.0}:
                out["profile"] = {"daily": list(self.profile[0])}
        else:
            out["profile"] = {day: list(h) for day, h in zip(WEEKDAYS, self.profile, strict=True)}
        for key in ("channels", "priorities", "languages", "plans", "tags"):
            pairs = getattr(self, key)
            if pairs:
                out[key] = dict(pairs)
        return out


_ARRIVAL_FIELDS: Final = tuple(f.name for f in attrs.fields(Arrivals))


def _solve(value: object) -> Distribution:
    return distribution_from_dict(value, "solve")


def _first_response(value: object) -> Distribution:
    return distribution_from_dict(value, "first_response")


def _next_response(value: object) -> Distribution | None:
    return None if value is None else distribution_from_dict(value, "next_response")


def _resolve(value: object) -> Distribution | None:
    return None if value is None else distribution_from_dict(value, "resolve")


def _reply_delay(value: object) -> Distribution:
    return distribution_from_dict(value, "customers.reply_delay")


def _reopen_delay(value: object) -> Distribution:
    return distribution_from_dict(value, "customers.reopen_delay")


def _close_after(value: object) -> timedelta:
    return _duration(value, "customers.close_after")


@attrs.frozen(kw_only=True)
class Handling:
    """How long agents take: to the first reply, to later replies, and to solve the ticket.

    All are counted from the moment the agent gets the ticket. ``solve`` is how long the
    ticket holds its place in the agent's load; the first reply comes at
    ``min(first_response, solve)``. ``next_response`` (default: ``first_response``) is
    the time to answer each later customer message. ``resolve`` (default: ``solve``) is
    the time to solve a reopened ticket again.
    """

    solve: Distribution = attrs.field(converter=_solve)
    first_response: Distribution = attrs.field(default=Fixed(timedelta(0)), converter=_first_response)
    next_response: Distribution | None = attrs.field(default=None, converter=_next_response)
    resolve: Distribution | None = attrs.field(default=None, converter=_resolve)

    @classmethod
    def from_dict(cls, data: object, path: str = "handling") -> Handling:
        """Read ``{"solve": ..., "first_response": ..., ...}`` (distributions in their dict form)."""
        d = check_keys(data, path, _HANDLING_FIELDS, ("solve",))
        return wrap(path, cls, **d)

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        out = {"solve": self.solve.to_dict(), "first_response": self.first_response.to_dict()}
        for key in ("next_response", "resolve"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.to_dict()
        return out


_HANDLING_FIELDS: Final = tuple(f.name for f in attrs.fields(Handling))


def _to_handling(value: object) -> tuple[tuple[str, Handling], ...]:
    """``{"*": ..., "chat": ..., "email/urgent": ..., "*/high": ...}``: keys ``channel[/priority]``."""
    value = pairs_to_dict(value, "handling")
    if not isinstance(value, Mapping):
        raise InvalidInput("handling", "a mapping of 'channel/priority' patterns to handling", value)
    _entries(value, "handling")
    if "*" not in value:
        raise InvalidInput("handling.*", "a default entry under '*' (the handling of any ticket)")
    out = []
    for key, spec in value.items():
        path = f"handling.{key}"
        if not isinstance(key, str) or key.count("/") > 1 or not all(key.split("/")):
            raise InvalidInput(path, "a pattern 'channel', 'channel/priority' or '*/priority'", key)
        if "/" in key:
            priority = key.split("/")[1]
            if priority != "*":
                Priority.parse(priority, path)
        out.append((key, spec if isinstance(spec, Handling) else Handling.from_dict(spec, path)))
    return tuple(out)


def _probability(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    field = f"customers.{attribute.name}"
    if not 0 <= read_finite(value, field, "a probability from 0 to 1") <= 1:
        raise InvalidInput(field, "a probability from 0 to 1", value)


@attrs.frozen(kw_only=True)
class Customers:
    """What customers do.

    After each agent reply before the ticket is solved, the customer writes back with
    ``reply_probability`` after a ``reply_delay`` (the agent then answers within the
    handling's ``next_response``). After a solve, the customer reopens it once with
    ``reopen_probability`` after a ``reopen_delay``, if that comes before the ticket
    closes; a solved ticket closes ``close_after`` its last solve (Zendesk's four days).
    """

    reply_probability: float = attrs.field(default=0.0, validator=_probability)
    reply_delay: Distribution = attrs.field(
        default=Exponential(timedelta(minutes=10)), converter=_reply_delay
    )
    reopen_probability: float = attrs.field(default=0.0, validator=_probability)
    reopen_delay: Distribution = attrs.field(default=Exponential(timedelta(days=1)), converter=_reopen_delay)
    close_after: timedelta = attrs.field(default=timedelta(days=4), converter=_close_after)

    @classmethod
    def from_dict(cls, data: object, path: str = "customers") -> Customers:
        """Read the dict form; an error names the bad key."""
        d = check_keys(data, path, _CUSTOMER_FIELDS, ())
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        """The dict form read by `from_dict`."""
        return {
            "reply_probability": self.reply_probability,
            "reply_delay": self.reply_delay.to_dict(),
            "reopen_probability": self.reopen_probability,
            "reopen_delay": self.reopen_delay.to_dict(),
            "close_after": _dump_duration(self.close_after),
        }


_CUSTOMER_FIELDS: Final = tuple(f.name for f in attrs.fields(Customers))
