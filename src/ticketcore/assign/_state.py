"""State conversion: the dispatcher's state as a JSON-compatible dict and back.

Job: `_Persisting`, the mixin with `to_dict` / `from_dict` (the whole state) and
`shared_state` / `ticket_state` / `from_parts` (the part without tickets, and one record
per ticket), each stored ticket checked against the state's invariants. Loads and
backlogs are derived, so reading rebuilds them. May import: `_core`, `_records`,
`_rotation` and the value modules; never another job module.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any, Final, Self

from ticketcore._errors import InvalidInput
from ticketcore._instant import earlier
from ticketcore._ticket import Status, Ticket
from ticketcore._util import check_depth, check_keys, dump_instant, load_instant, read_bool
from ticketcore.assign._core import _Core
from ticketcore.assign._model import (
    Agent,
    Routing,
)
from ticketcore.assign._records import (
    ASSIGNED,
    BACKLOG,
    UNASSIGNED,
    _Rec,
    _Rot,
)
from ticketcore.assign._rotation import Rotation
from ticketcore.assign._strategies import NO_STRATEGIES, Strategy, read_strategies
from ticketcore.sla import SLAPolicies

_STATE_VERSION: Final = 2
#: The state versions `Dispatcher.from_dict` reads: 1 kept an idle clock per pool.
_READS: Final = frozenset({1, 2})


class _Persisting(_Core):
    """The state as a JSON-compatible dict and back (whole, or shared part and one record per ticket)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The whole state as a JSON-compatible dict; `from_dict` restores it exactly."""
        out = self.shared_state()
        out["tickets"] = [self._entry(rec) for rec in self._tickets.values()]
        return out

    def shared_state(self) -> dict[str, Any]:
        """The state without the tickets: routing, agents, rotation, counters and the clock.

        Its size does not depend on the number of tickets. With `ticket_state` of every
        ticket it is the whole state (`from_parts`), so a host can store one row per
        ticket and write only the rows an event touched.
        """
        return {
            "version": _STATE_VERSION,
            "routing": self._routing.to_dict(),
            "agents": [a.to_dict() for a in self._agents.values()],
            "rotation": self.rotation().to_dict(),
            "arrivals": self._arrivals,
            "now": None if self._now is None else dump_instant(self._now),
        }

    def arrival(self, ticket_id: str) -> int:
        """The ticket's arrival number: the order in which the dispatcher met its tickets (ties go by it)."""
        return self._rec(ticket_id).arrival

    def ticket_state(self, ticket_id: str) -> dict[str, Any]:
        """One ticket's record as a JSON-compatible dict, with its ``arrival`` number (see `from_parts`)."""
        rec = self._rec(ticket_id)
        return {**self._entry(rec), "arrival": rec.arrival}

    @staticmethod
    def _entry(rec: _Rec) -> dict[str, Any]:
        entry: dict[str, Any] = {"ticket": rec.current().to_dict(), "place": rec.place}
        if rec.pool is not None:
            entry["pool"] = rec.pool
        if rec.reason is not None:
            entry["reason"] = rec.reason
        if rec.answered:
            entry["answered"] = True
        return entry

    @classmethod
    def from_dict(
        cls,
        data: object,
        *,
        sla: SLAPolicies | None = None,
        strategies: Mapping[str, Strategy] = NO_STRATEGIES,
    ) -> Self:
        """Restore a dispatcher from `to_dict`'s output (pass the same ``sla`` as before).

        ``strategies`` gives the pools' strategies of your own by name, as in
        ``strategies={"mine": Mine()}`` (see `strategy_from_dict`).
        """
        strategies = read_strategies(strategies)
        check_depth(data, "state")
        keys = ("version", "routing", "agents", "tickets", "rotation", "arrivals", "now")
        d = check_keys(data, "state", keys, keys)
        tickets = d.pop("tickets")
        if not isinstance(tickets, list):
            raise InvalidInput("state.tickets", "a list", tickets)
        self = cls._from_shared(d, "state", sla, strategies)
        start = self._arrivals - len(tickets)
        if start < 0:
            raise InvalidInput(
                "state.arrivals", "a whole number, at least the number of tickets", self._arrivals
            )
        return self._add_tickets(((item, start + i + 1) for i, item in enumerate(tickets)), "state.tickets")

    @classmethod
    def from_parts(
        cls,
        shared: object,
        tickets: Iterable[object],
        *,
        sla: SLAPolicies | None = None,
        strategies: Mapping[str, Strategy] = NO_STRATEGIES,
    ) -> Self:
        """Restore a dispatcher from `shared_state` and the `ticket_state` of each of its tickets.

        The tickets may come in any order (their ``arrival`` numbers order them);
        ``strategies`` as for `from_dict`.
        """
        strategies = read_strategies(strategies)
        check_depth(shared, "shared")
        keys = ("version", "routing", "agents", "rotation", "arrivals", "now")
        self = cls._from_shared(check_keys(shared, "shared", keys, keys), "shared", sla, strategies)
        numbered = []
        for i, item in enumerate(tickets):
            if not isinstance(item, Mapping):
                raise InvalidInput(f"tickets[{i}]", "a ticket's stored record", item)
            arrival = item.get("arrival")
            if type(arrival) is not int or not 1 <= arrival <= self._arrivals:
                raise InvalidInput(f"tickets[{i}].arrival", f"a number from 1 to {self._arrivals}", arrival)
            numbered.append((arrival, i, {k: v for k, v in item.items() if k != "arrival"}))
        numbered.sort(key=lambda x: x[0])
        for (a, _, _), (b, i, _) in itertools.pairwise(numbered):
            if a == b:
                raise InvalidInput(f"tickets[{i}].arrival", "a number no other ticket has", b)
        return self._add_tickets(((item, arrival) for arrival, _, item in numbered), "tickets")

    @classmethod
    def _from_shared(
        cls,
        d: dict[str, Any],
        path: str,
        sla: SLAPolicies | None = None,
        strategies: Mapping[str, Strategy] = NO_STRATEGIES,
    ) -> Self:
        if type(d["version"]) is not int or d["version"] not in _READS:
            raise InvalidInput(f"{path}.version", f"state version {_STATE_VERSION} (or 1)", d["version"])
        routing = Routing.from_dict(d["routing"], f"{path}.routing", strategies=strategies)
        if not isinstance(d["agents"], list):
            raise InvalidInput(f"{path}.agents", "a list", d["agents"])
        agents = [Agent.from_dict(a, f"{path}.agents[{i}]") for i, a in enumerate(d["agents"])]
        self = cls(routing, agents, sla=sla)
        rotation = Rotation.from_dict(d["rotation"], f"{path}.rotation")
        self._restore_rotation(rotation)
        arrivals = d["arrivals"]
        if type(arrivals) is not int or arrivals < 0:
            raise InvalidInput(f"{path}.arrivals", "a whole number of zero or more", arrivals)
        self._arrivals = arrivals
        self._now = None if d["now"] is None else load_instant(d["now"], f"{path}.now")
        return self

    def _add_tickets(self, items: Iterable[tuple[object, int]], path: str) -> Self:
        for i, (item, arrival) in enumerate(items):
            rec = self._read_ticket(item, f"{path}[{i}]", arrival)
            self._tickets[rec.ticket.id] = rec
        self._recount()
        for rec in self._tickets.values():
            if rec.place == BACKLOG:
                self._enqueue(rec, self._pool_by_name[rec.pool or ""])
        return self

    def _read_ticket(self, item: object, path: str, arrival: int) -> _Rec:
        """One ticket of a stored state, checked against the state's own invariants."""
        e = check_keys(item, path, ("ticket", "place", "pool", "reason", "answered"), ("ticket", "place"))
        ticket = Ticket.from_dict(e["ticket"], f"{path}.ticket")
        if ticket.id in self._tickets:
            raise InvalidInput(f"{path}.ticket.id", "an id no other ticket of the state has", ticket.id)
        if self._now is None or earlier(self._now, ticket.created):
            raise InvalidInput(
                f"{path}.ticket.created", "a time at or before the state's clock (now)", ticket.created
            )
        if ticket.status is Status.CLOSED:
            raise InvalidInput(
                f"{path}.ticket.status", "an unclosed status (closed tickets are forgotten)", "closed"
            )
        place, pool, reason = e["place"], e.get("pool"), e.get("reason")
        if place not in (ASSIGNED, BACKLOG, UNASSIGNED):
            raise InvalidInput(f"{path}.place", "'assigned', 'backlog' or 'unassigned'", place)
        if pool is not None and (not isinstance(pool, str) or not pool):
            raise InvalidInput(f"{path}.pool", "a pool name", pool)
        if reason is not None and (not isinstance(reason, str) or not reason):
            raise InvalidInput(f"{path}.reason", "the reason in words", reason)
        if place == ASSIGNED and ticket.assignee not in self._agents:
            raise InvalidInput(f"{path}.ticket.assignee", "an agent of the state", ticket.assignee)
        if place != ASSIGNED and ticket.assignee is not None:
            raise InvalidInput(
                f"{path}.ticket.assignee", f"no assignee for a ticket in place {place!r}", ticket.assignee
            )
        if place == BACKLOG:
            found = self._pool_by_name.get(pool or "")
            if found is None or not found.backlog:
                raise InvalidInput(f"{path}.pool", "a pool of the routing with a backlog", pool)
            if ticket.status.is_resolved:
                raise InvalidInput(
                    f"{path}.ticket.status", "an unresolved status for a waiting ticket", ticket.status.value
                )
        if (place == UNASSIGNED) != (reason is not None):
            raise InvalidInput(f"{path}.reason", "a reason exactly when the ticket is unassigned", reason)
        rec = _Rec(ticket, arrival)
        rec.place = place
        rec.agent = ticket.assignee if place == ASSIGNED else None
        rec.pool = pool
        rec.reason = reason
        rec.answered = read_bool(e.get("answered", False), f"{path}.answered")
        return rec

    def _restore_rotation(self, rotation: Rotation) -> None:
        self._epoch += 1
        self._counter = rotation.counter
        self._idle = dict(rotation.assigned)
        for name, pr in rotation.pools:
            rot = self._rot.setdefault(name, _Rot())
            rot.last, rot.index = pr.last, pr.index
            rot.credit = dict(pr.credits)
        for agent_id in self._ranked_of:  # the heaps read the idle clock
            self._rank(agent_id)
