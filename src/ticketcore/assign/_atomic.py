"""Undo and atomicity: an event that raises leaves the dispatcher as it was.

Job: `_Atomic`, the mixin that knows which events may fail after they began to change
the state (`_may_fail`: only a due time that cannot be computed, met when a ticket is
queued), what to save before them (`_save`) and how to put it back (`_undo`). May import:
`_core`, `_records` and the value and event modules; never another job module.
"""

from __future__ import annotations

from typing import Any, Final

from ticketcore.assign._core import _Core
from ticketcore.assign._events import (
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    PoolChanged,
    PresenceChanged,
    RoutingChanged,
    Tick,
    TicketTransferred,
)
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    TicketCreated,
)


class _Atomic(_Core):
    """Undo: what an event that may fail half-way must save, and putting it back."""

    __slots__ = ()

    def _may_fail(self, kind: type) -> bool:
        """Whether an event of this kind may fail after it began to change the state."""
        if kind in _SAFE:
            return False
        if kind in _REROUTING:
            return self._sla is not None  # the new routing may order a backlog by due time
        if kind is PresenceChanged:
            return self._fragile and self._routing.return_on_offline
        return self._fragile

    def _save(self, event: object) -> tuple[Any, ...]:
        """What `_undo` needs to put the state back as it is before ``event``."""
        if type(event) in _REROUTING or (
            type(event) is PresenceChanged and self._routing.return_on_offline
        ):  # many tickets may move: copy the whole state
            saved = {name: getattr(self, name) for name in _Core.__slots__}
            saved["_tickets"] = {k: rec.copy() for k, rec in self._tickets.items()}
            saved["_load"] = dict(self._load)
            saved["_ch"] = self._ch.copy()
            saved["_idle"] = dict(self._idle)
            saved["_rot"] = {k: rot.copy() for k, rot in self._rot.items()}
            saved["_queues"] = {
                p: {lang: list(q) for lang, q in qs.items()} for p, qs in self._queues.items()
            }
            saved["_agents"] = dict(self._agents)
            return ("all", saved)
        # One ticket's events: before its queueing fails, only the ticket and loads moved.
        ticket_id = event.ticket.id if isinstance(event, TicketCreated) else event.ticket_id  # type: ignore[attr-defined]  # a ticket event: only those come here
        rec = self._tickets.get(ticket_id)
        return ("one", ticket_id, None if rec is None else rec.copy(), self._arrivals, dict(self._load))

    def _undo(self, undo: tuple[Any, ...]) -> None:
        epoch = self._epoch
        if undo[0] == "all":
            for name, value in undo[1].items():
                setattr(self, name, value)
        else:
            _, ticket_id, saved, self._arrivals, self._load = undo
            if saved is None:
                self._tickets.pop(ticket_id, None)
            else:
                self._tickets[ticket_id] = saved
        self._count()  # the loads per channel were not saved: derive them again
        self._epoch = epoch  # never back: cached selections are keyed by it
        self._selected = {}
        self._explained = {}
        self._index()


#: Events that never queue a ticket, so never meet a due time that cannot be computed.
_SAFE: Final = frozenset(
    {AgentReply, CustomerMessage, DueDateSet, TicketTransferred, AgentAdded, AgentChanged, Tick}
)
#: Events that may re-route many tickets at once.
_REROUTING: Final = frozenset({AgentRemoved, RoutingChanged, PoolChanged})
