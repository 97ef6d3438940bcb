"""The run as a client of the desk: events fed, outcomes applied, SLA wake-ups and shift ticks.

Every ticket event goes through `Desk.handle`; the decisions of its outcome (escalations'
included) move tickets between the backlog and agents, and alerts are counted. The desk's
next SLA deadline and each shift opening are scheduled on the heap. Imports `_state` only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from ticketcore._errors import HorizonExceeded
from ticketcore._instant import to_real
from ticketcore.assign import (
    Assigned,
    LeftUnassigned,
    Queued,
    ReturnedToPool,
    Tick,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.desk import Outcome
from ticketcore.events import StatusChanged, TicketUpdated
from ticketcore.simulate._state import _SHIFT, _SLA, _RunState, _Tk


class _DeskClient(_RunState):
    """The part of `_Run` that talks to the desk and applies what it decided."""

    def _feed(self, tk: _Tk, event: Any) -> None:
        """One event to the desk, and what it caused to the work model.

        A status change moves its agent's load only when it crosses the routing's counted
        statuses (new to open does not, a solve does): only then is the load read again.
        """
        crossed = False
        if type(event) is StatusChanged:
            new = event.status
            counted = self.counted
            crossed = (tk.status in counted) is not (new in counted)
            tk.status = new
        self._outcome(tk, self.desk.handle(event), status=crossed)
        if self.sla:
            self._deadline()

    def _outcome(self, tk: _Tk | None, out: Outcome, *, status: bool = False) -> None:
        """Apply a desk outcome: count alerts, note escalations, act on every decision.

        ``tk``: the ticket whose event it was (None for a wake-up); ``status``: the event
        moved its status into or out of the counted ones (a solve frees a slot without a
        decision of its own).
        """
        decisions = out.decisions
        if not decisions and not status and not out.alerts:
            return  # the common case: a reply, a message
        moved: list[_Tk] = [] if tk is None else [tk]
        if out.alerts:
            counts = self.alerts
            for alert in out.alerts:
                action = alert.action
                name = alert.kind if action is None else type(action).__name__.lower()
                counts[name] = counts.get(name, 0) + 1
            for link in out.escalations:
                applied = link.applied
                if applied is None:
                    continue
                esc = self.tickets[link.alert.ticket_id]
                moved.append(esc)
                if type(applied) is TicketEscalated:
                    esc.escalations += 1
                elif type(applied) is TicketTransferred:
                    esc.transfers += 1
                else:  # a TicketUpdated raising the priority
                    esc.priority = dict(cast(TicketUpdated, applied).changes)["priority"]
        if not decisions and not status:
            return  # no load can have changed: only a decision or a status moves one
        owners = [m.agent for m in moved]
        if self.why:
            self.why.clear()  # a rise with no Assigned decision in this outcome has no placement to blame
        for decision in decisions:
            self._decision(decision)
        for owner, m in zip(owners, moved, strict=True):
            if owner is not None:
                self._load(owner)
            if m.agent is not None and m.agent != owner:
                self._load(m.agent)

    def _decision(self, decision: Any) -> None:
        tk = self.tickets[decision.ticket_id]
        now = self.now
        if isinstance(decision, Assigned):
            self.why[decision.agent_id] = decision
            if decision.agent_id == decision.previous:
                return  # a reopened ticket kept by its owner: nothing moves
            self.assigned_counts[decision.agent_id] += 1
            if tk.assigned is None:
                tk.assigned = now
                self.wait.add(now - tk.created)
                if now > tk.created:
                    self.waited += 1
            self._hand_to(tk, decision.agent_id)
        elif isinstance(decision, Queued):
            self._wait(tk)
            if tk.agent is not None:  # moved to another pool's backlog (an escalation): its agent lost it
                previous = tk.agent
                self._leave(tk)
                tk.agent = None
                self._load(previous)
        elif isinstance(decision, ReturnedToPool):
            self._leave(tk)
            tk.agent = None
            self._load(decision.agent_id)
        elif isinstance(decision, LeftUnassigned):
            self._unwait(tk)
            if tk.agent is None and tk.assigned is None:
                self.left += 1
        # Escalated (by a tag on creation) changes nothing here: the routing decision follows.

    def _deadline(self) -> None:
        """Schedule the desk's wake-up at its next SLA deadline (when that moved)."""
        due = self.desk.next_deadline()
        if due is None or due is self.sla_due:
            return
        self.sla_due = due
        t = max(self.now, to_real(due))
        if t != self.sla_at:
            self.sla_at = t
            self.push(t, _SLA, None, t)

    def _shifts(self) -> None:
        """A backlog pass each time a shift opens, per distinct shift calendar."""
        calendars = {a.shift for a in self.scenario.agents if a.shift is not None}
        for calendar in sorted(calendars, key=repr):
            self._next_shift(calendar, self.start_dt)

    def _next_shift(self, calendar: Any, after: datetime) -> None:
        """Schedule the shift's next opening: none if it never closes (open all week) or never opens again."""
        try:
            opens = calendar.next_open(calendar.next_close(after) if calendar.is_open(after) else after)
        except HorizonExceeded:
            return
        self.push(max(self.now, to_real(opens)), _SHIFT, None, calendar)

    def _tick(self, calendar: Any) -> None:
        at = self._dt(self.now)
        self._outcome(None, self.desk.handle(Tick(at=at)))
        if self.sla:
            self._deadline()
        self._next_shift(calendar, at)
