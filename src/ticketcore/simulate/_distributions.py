"""Random durations: exponential, log-normal, empirical and fixed.

Each distribution is a frozen value with a dict form and draws whole microseconds from
a `random.Random` the caller passes in, so a run is reproducible from its seed alone.
The dict forms name the kind as the only key::

    {"exponential": "5m"}                         # the mean
    {"lognormal": {"mean": "8m", "sigma": 0.6}}   # the mean and the log's standard deviation
    {"empirical": ["1m", "2m", "10m"]}            # equally likely observed values
    {"fixed": "30s"}

Durations are text such as ``"45s"``, ``"8m"``, ``"4h"``, ``"2d"``, ``"0.25s"``, or a number
of minutes, as in the SLA policies, from zero to 3,660 days; ``to_dict`` writes each one so
that it reads back to the same microsecond.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import Any, Final

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._instant import US as _US
from ticketcore._time import _duration_text, _format_duration
from ticketcore._util import check_keys, read_finite

__all__ = ["Distribution", "Empirical", "Exponential", "Fixed", "LogNormal", "distribution_from_dict"]


#: The longest duration a scenario may name (a mean, an observed value, ``close_after``):
#: ten years, about the longest run. Longer ones mean "never" and are refused rather than
#: carried into arithmetic that overflows.
MAX_SCENARIO_DURATION: Final = timedelta(days=3_660)
#: The most values an empirical distribution may hold.
MAX_POINTS: Final = 100_000

_DURATION: Final = "a duration like '30m', '4h' or '2d'"


def _duration(value: object, path: str) -> timedelta:
    """A duration from zero to `MAX_SCENARIO_DURATION`, from its text or number of minutes."""
    if isinstance(value, timedelta):
        d = value
    else:
        if isinstance(value, int | float) and not isinstance(value, bool):
            read_finite(value, path, _DURATION)
        try:
            d = _duration_text(value, path)
        except (OverflowError, ValueError) as e:
            if isinstance(e, InvalidInput):
                raise
            raise InvalidInput(
                path, f"{_DURATION}, at most {MAX_SCENARIO_DURATION.days} days", value
            ) from None
    if d < timedelta(0):
        raise InvalidInput(path, "a duration of zero or more", value)
    if d > MAX_SCENARIO_DURATION:
        raise InvalidInput(path, f"a duration of at most {MAX_SCENARIO_DURATION.days} days", value)
    return d


def _dump_duration(value: timedelta) -> str:
    """``value`` as text that `_duration` reads back exactly: ``"8m"``, ``"1.5s"``, ``"0.000006s"``."""
    us = value // _US
    if us % 1_000_000 == 0:
        return _format_duration(value)
    whole, part = divmod(us, 1_000_000)
    return f"{whole}.{part:06d}".rstrip("0") + "s"


def _exp_mean(value: object) -> timedelta:
    return _duration(value, "exponential")


def _lognormal_mean(value: object) -> timedelta:
    return _duration(value, "lognormal.mean")


def _fixed(value: object) -> timedelta:
    return _duration(value, "fixed")


def _positive(instance: object, attribute: attrs.Attribute[timedelta], value: timedelta) -> None:
    if value <= timedelta(0):
        raise InvalidInput(attribute.name, "a duration above zero", value)


class Distribution:
    """The base of the duration distributions: `sample` draws, `mean` is the expectation."""

    __slots__ = ()

    def sample(self, rng: random.Random) -> int:
        """One draw, in whole microseconds (never negative)."""
        raise NotImplementedError

    @property
    def mean(self) -> timedelta:
        """The expected value."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The dict form (see the module's documentation)."""
        raise NotImplementedError


@attrs.frozen
class Exponential(Distribution):
    """Exponentially distributed with the given mean (memoryless: the M in M/M/c)."""

    mean_value: timedelta = attrs.field(converter=_exp_mean, validator=_positive, alias="mean")

    def sample(self, rng: random.Random) -> int:
        """One draw, in whole microseconds."""
        return round(rng.expovariate(1.0) * (self.mean_value / _US))

    @property
    def mean(self) -> timedelta:
        """The mean."""
        return self.mean_value

    def to_dict(self) -> dict[str, Any]:
        """``{"exponential": mean}``."""
        return {"exponential": _dump_duration(self.mean_value)}


def _sigma(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if not 0 <= read_finite(value, "lognormal.sigma", "a number from 0 to 10") <= 10:
        raise InvalidInput("lognormal.sigma", "a number from 0 to 10", value)


@attrs.frozen(kw_only=True)
class LogNormal(Distribution):
    """Log-normally distributed with the given mean and ``sigma``, the log's standard deviation.

    The long right tail of real handling times: most tickets are quick, a few take long.
    ``mu`` is chosen so that the mean is exactly ``mean``: ``mu = ln(mean) - sigma² / 2``.
    """

    mean_value: timedelta = attrs.field(converter=_lognormal_mean, validator=_positive, alias="mean")
    sigma: float = attrs.field(validator=_sigma)

    def sample(self, rng: random.Random) -> int:
        """One draw, in whole microseconds."""
        mu = math.log(self.mean_value / _US) - self.sigma * self.sigma / 2
        return round(rng.lognormvariate(mu, self.sigma))

    @property
    def mean(self) -> timedelta:
        """The mean."""
        return self.mean_value

    def to_dict(self) -> dict[str, Any]:
        """``{"lognormal": {"mean": ..., "sigma": ...}}``."""
        return {"lognormal": {"mean": _dump_duration(self.mean_value), "sigma": self.sigma}}


def _to_values(value: object) -> tuple[timedelta, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidInput("empirical", "a non-empty list of durations", value)
    if len(value) > MAX_POINTS:
        raise InvalidInput("empirical", f"at most {MAX_POINTS:,} values", f"{len(value):,} values")
    out = tuple(_duration(v, f"empirical[{i}]") for i, v in enumerate(value))
    if not out:
        raise InvalidInput("empirical", "a non-empty list of durations", value)
    return out


@attrs.frozen
class Empirical(Distribution):
    """Observed durations, each equally likely (resampling a helpdesk's own history)."""

    values: tuple[timedelta, ...] = attrs.field(converter=_to_values)
    _us: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_us", tuple(v // _US for v in self.values))

    def sample(self, rng: random.Random) -> int:
        """One of the values, uniformly."""
        return self._us[math.floor(rng.random() * len(self._us))]

    @property
    def mean(self) -> timedelta:
        """The mean of the values."""
        return timedelta(microseconds=sum(self._us) / len(self._us))

    def to_dict(self) -> dict[str, Any]:
        """``{"empirical": [...]}``."""
        return {"empirical": [_dump_duration(v) for v in self.values]}


@attrs.frozen
class Fixed(Distribution):
    """Always the same duration (zero for "at once")."""

    value: timedelta = attrs.field(converter=_fixed)

    def sample(self, rng: random.Random) -> int:
        """The value; draws nothing."""
        return self.value // _US

    @property
    def mean(self) -> timedelta:
        """The value."""
        return self.value

    def to_dict(self) -> dict[str, Any]:
        """``{"fixed": value}``."""
        return {"fixed": _dump_duration(self.value)}


_KINDS: Final = ("exponential", "lognormal", "empirical", "fixed")


def distribution_from_dict(data: object, path: str = "distribution") -> Distribution:
    """A distribution from its dict form, raising `InvalidInput` naming ``path`` on a mistake."""
    if isinstance(data, Distribution):
        return data
    d = check_keys(data, path, _KINDS, ())
    if len(d) != 1:
        raise InvalidInput(path, "exactly one of 'exponential', 'lognormal', 'empirical', 'fixed'", data)
    ((kind, value),) = d.items()
    try:
        if kind == "exponential":
            return Exponential(value)
        if kind == "lognormal":
            spec = check_keys(value, f"{path}.lognormal", ("mean", "sigma"), ("mean", "sigma"))
            return LogNormal(mean=spec["mean"], sigma=spec["sigma"])
        if kind == "empirical":
            return Empirical(value)
        return Fixed(value)
    except InvalidInput as e:
        field = e.field if e.field.startswith(path) else f"{path}.{e.field}"
        raise InvalidInput(field, e.expected, e.value) from None
