"""Rotation state as values: `PoolRotation` (one pool's) and `Rotation` (all pools', with the idle clock).

Job: what `choose` takes and gives back and `Dispatcher.rotation` returns, with its dict
form (and version 1's). May import: `_model` (``read_form``) and ticketcore's core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ticketcore._errors import InvalidInput
from ticketcore.assign._model import (
    read_form,
)


def _read_counts(value: object, path: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and type(v) is int for k, v in value.items()
    ):
        raise InvalidInput(path, "a dict from agent id to a whole number", value)
    return tuple(sorted(value.items()))


@attrs.frozen(kw_only=True)
class PoolRotation:
    """One pool's rotation state.

    The last assignee and their position (for `Sequential`), and the weighted cycle's
    ``credits``.
    """

    last: str | None = None
    index: int = -1
    credits: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {"last": self.last, "index": self.index, "credits": dict(self.credits)}

    @classmethod
    def from_dict(cls, data: object, path: str = "rotation") -> PoolRotation:
        """Read the dict form."""
        d = read_form(data, path, ("last", "index", "credits"), ())
        credits = _read_counts(d.get("credits", {}), f"{path}.credits")
        last, index = d.get("last"), d.get("index", -1)
        if last is not None and not isinstance(last, str):
            raise InvalidInput(f"{path}.last", "an agent id or None", last)
        if type(index) is not int:
            raise InvalidInput(f"{path}.index", "a whole number", index)
        return cls(last=last, index=index, credits=credits)


@attrs.frozen(kw_only=True)
class Rotation:
    """Every pool's rotation state, the idle clock and the counter: what `choose` takes and gives back.

    ``assigned`` is the idle clock, one for all pools: for each agent, the sequence number
    (``counter`` at the time) of the last ticket they received, by any route; longest idle
    means the smallest number (never: none).
    """

    pools: tuple[tuple[str, PoolRotation], ...] = ()
    counter: int = 0
    assigned: tuple[tuple[str, int], ...] = ()

    def pool(self, name: str) -> PoolRotation:
        """The rotation of pool ``name`` (a fresh one if it has none yet)."""
        return dict(self.pools).get(name, PoolRotation())

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form."""
        return {
            "pools": {name: r.to_dict() for name, r in self.pools},
            "counter": self.counter,
            "assigned": dict(self.assigned),
        }

    @classmethod
    def from_dict(cls, data: object, path: str = "rotation") -> Rotation:
        """Read the dict form.

        The form of version 1 kept an idle clock per pool (``pools.<name>.assigned``);
        it is read into the global clock, each agent's latest number across pools.
        """
        d = read_form(data, path, ("pools", "counter", "assigned"), ())
        pools = d.get("pools", {})
        if not isinstance(pools, Mapping):
            raise InvalidInput(f"{path}.pools", "a dict from pool name to rotation", pools)
        counter = d.get("counter", 0)
        if type(counter) is not int or counter < 0:
            raise InvalidInput(f"{path}.counter", "a whole number, at least 0", counter)
        assigned = dict(_read_counts(d.get("assigned", {}), f"{path}.assigned"))
        read = []
        for k, v in pools.items():
            where = f"{path}.pools.{k}"
            form = v
            if isinstance(v, Mapping) and "assigned" in v:  # version 1: a clock per pool
                form = dict(v)
                for agent, seq in _read_counts(form.pop("assigned"), f"{where}.assigned"):
                    assigned[agent] = max(seq, assigned.get(agent, seq))
            read.append((str(k), PoolRotation.from_dict(form, where)))
        return cls(pools=tuple(sorted(read)), counter=counter, assigned=tuple(sorted(assigned.items())))
