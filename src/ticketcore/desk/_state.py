"""The desk's stored state: its shared part and one part per open ticket, and reading them back.

One job: convert a desk to JSON-compatible dicts (`shared_state`, `ticket_state`,
`to_dict`) and fill a new desk from them (`_restore`, behind `Desk.from_parts`), with
the version of the stored state and the strategies of the host's own it may name.

May import: the standard library, ``ticketcore._errors`` and ``ticketcore._util``,
public names of other subpackages, and the desk's ``_config``, ``_part`` and ``_feed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from ticketcore._errors import InvalidInput, show
from ticketcore._util import check_keys, dump_instant, load_instant
from ticketcore.assign import STRATEGY_NAMES, Dispatcher, Strategy
from ticketcore.desk._config import DeskConfig
from ticketcore.desk._feed import _BacklogFeed
from ticketcore.desk._part import _Part
from ticketcore.sla import SLAClock

#: The version of the desk's stored state. A release reads the states every earlier
#: release wrote (the migration rule: a new version only adds keys with defaults, or
#: ships a reader for the old shape).
STATE_VERSION: Final = 1


def _known_strategies(config: DeskConfig, strategies: object) -> Mapping[str, Strategy]:
    """The configuration's pools' strategies of the host's own by name, with ``strategies``.

    The dispatcher checks the names (`ticketcore.assign.strategy_from_dict`); a name given
    both ways must be the same strategy.
    """
    if not isinstance(strategies, Mapping):
        raise InvalidInput(
            "strategies", "a mapping from name to a strategy of your own, as {'mine': Mine()}", strategies
        )
    own: dict[str, Strategy] = {}
    for pool in config.routing.pools:
        name = pool.strategy.to_dict()
        if isinstance(name, str) and name not in STRATEGY_NAMES:  # a Pool refuses a built-in name for its own
            own[name] = pool.strategy
    for name, strategy in strategies.items():
        if name in own and own[name] != strategy:
            raise InvalidInput(
                f"strategies[{show(name)}]",
                "the strategy the configuration's pools name so, or another name",
                strategy,
            )
    return {**own, **strategies}


class _StateConversion(_BacklogFeed):
    """The desk's fields, deadlines and backlog feed with its stored state."""

    def shared_state(self) -> dict[str, Any]:
        """The part of the state that is not any one ticket's, as a JSON-compatible dict."""
        return {
            "version": STATE_VERSION,
            "dispatcher": self._dispatcher.shared_state(),
            "now": None if self._now is None else dump_instant(self._now),
            "ids": list(self._shared_ids),
        }

    def ticket_state(self, ticket_id: str) -> dict[str, Any]:
        """One open ticket's part of the state, as a JSON-compatible dict (one row for a host)."""
        part = self._part(ticket_id, "ticket_id")
        with self._config.vocabulary.active():  # a ticket's dict form leaves out the scale's default
            out: dict[str, Any] = {"dispatcher": self._dispatcher.ticket_state(ticket_id)}
            if part.clock is not None:
                out["sla"] = part.clock.to_dict()
            elif part.last is not None:
                out["last"] = dump_instant(part.last)
        if part.ids:
            out["ids"] = list(part.ids)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The whole state: the shared part and every open ticket's part, in arrival order."""
        with self._config.vocabulary.active():
            return {"shared": self.shared_state(), "tickets": [self.ticket_state(t) for t in self._parts]}

    def _restore(self, shared: object, tickets: Iterable[object], strategies: Mapping[str, Strategy]) -> None:
        """Fill this new desk from its stored shared part and ticket parts (see `Desk.from_parts`)."""
        s = check_keys(shared, "shared", ("version", "dispatcher", "now", "ids"), ("version", "dispatcher"))
        if type(s["version"]) is not int or not 1 <= s["version"] <= STATE_VERSION:
            raise InvalidInput("shared.version", f"a state version from 1 to {STATE_VERSION}", s["version"])
        rows: list[Mapping[str, Any]] = []
        for i, item in enumerate(tickets):
            rows.append(
                check_keys(item, f"tickets[{i}]", ("dispatcher", "sla", "ids", "last"), ("dispatcher",))
            )
        self._dispatcher = Dispatcher.from_parts(
            s["dispatcher"], [r["dispatcher"] for r in rows], sla=self._sla, strategies=strategies
        )
        self._now = None if s.get("now") is None else load_instant(s["now"], "shared.now")
        ids = s.get("ids", [])
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise InvalidInput("shared.ids", "a list of event ids", ids)
        self._shared_ids.extend(ids)
        by_id = {row["dispatcher"]["ticket"]["id"]: row for row in rows}  # the dispatcher checked them
        for tid in self._dispatcher.tickets():
            row = by_id[tid]
            clock = None
            if self._sla is not None:
                if "sla" not in row:
                    raise InvalidInput(f"tickets[{tid!r}].sla", "the ticket's SLA clock state")
                clock = SLAClock.from_dict(self._sla, row["sla"])
            part = _Part(clock)
            part.arrival = self._dispatcher.arrival(tid)
            ids = row.get("ids", [])
            if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
                raise InvalidInput(f"tickets[{tid!r}].ids", "a list of event ids", ids)
            part.ids = list(ids)
            if clock is None:
                # A row written before the desk kept it: the ticket's creation is its last event.
                last = row.get("last")
                part.last = (
                    self._dispatcher.ticket(tid).created
                    if last is None
                    else load_instant(last, f"tickets[{tid!r}].last")
                )
            if clock is not None and self._report_due:
                _, part.due, part.zone = clock._desk_view(due=True)
            self._parts[tid] = part
            if clock is not None:
                self._schedule(tid, part)
