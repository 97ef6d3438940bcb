"""The run's figures: counted as the run goes, and the `SimulationResult` made at its end.

Queue length and agents' loads over time, final SLA results per target, and per-ticket
records (when kept). Imports `_state` only.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

from ticketcore._priority import Priority
from ticketcore.simulate._results import (
    AgentFigures,
    SimulationResult,
    SLAFigures,
    TicketOutcome,
    above_cap_cause,
    jain,
)
from ticketcore.simulate._state import _RunState, _Tk
from ticketcore.sla import TargetState, attainment


class _Figures(_RunState):
    """The part of `_Run` that keeps the figures and assembles the result."""

    def _wait(self, tk: _Tk) -> None:
        if tk.id not in self.waiting:
            self._queue_mark()
            self.waiting.add(tk.id)
            self.queue_max = max(self.queue_max, len(self.waiting))

    def _unwait(self, tk: _Tk) -> None:
        if tk.id in self.waiting:
            self._queue_mark()
            self.waiting.discard(tk.id)

    def _queue_mark(self) -> None:
        self.queue_area += len(self.waiting) * (self.now - self.queue_since)
        self.queue_since = self.now

    def _load(self, agent_id: str) -> None:
        new = self.dispatcher.load(agent_id)
        old = self.loads[agent_id]
        if new != old:
            span = self.now - self.load_since[agent_id]
            self.load_area[agent_id] += old * span
            if old:
                self.held_area[agent_id] += span
            self.load_since[agent_id] = self.now
            self.loads[agent_id] = new
            self.peak[agent_id] = max(self.peak[agent_id], new)
            if new > old and agent_id in self.caps and new > self.caps[agent_id]:
                causes = self.above.setdefault(agent_id, {})
                cause = above_cap_cause(self.why.get(agent_id))
                causes[cause] = causes.get(cause, 0) + 1

    def _sla_final(self, tk: _Tk, at: datetime) -> tuple[tuple[str, str, bool], ...]:
        """Count the ticket's final SLA result and return each target's end state.

        (The desk gives the result to its backlog tracker itself, at the close or the report.)
        Read from the clock's cheap `ticketcore.sla.SLAClock.summary`; with ``trusted`` off,
        from the full `ticketcore.sla.SLAResult` through `ticketcore.sla.attainment` (the
        reference a test compares with).
        """
        clock = self.desk.clock(tk.id) if self.sla else None
        if clock is None:
            return ()
        priority = tk.priority.value
        rows = self.sla_rows
        if not self.trusted:
            result = clock.result(at)
            for row in attainment([result]):
                counts = rows.setdefault((row.policy, row.target, priority), [0, 0, 0])
                counts[0] += row.achieved
                counts[1] += row.late
                counts[2] += row.open_breached
            return tuple(
                (
                    t.name,
                    t.state.value,
                    any(c.breached and c.state is not TargetState.CANCELLED for c in t.cycles),
                )
                for t in result.targets
            )
        summary = clock.summary(at)
        if summary.policy is not None:
            for t in summary.targets:
                counts = rows.setdefault((summary.policy, t.name, priority), [0, 0, 0])
                counts[0] += t.achieved
                counts[1] += t.late
                counts[2] += t.open_breached
        return tuple((t.name, t.state.value, t.breached) for t in summary.targets)

    def _finish(self, tk: _Tk, sla: tuple[tuple[str, str, bool], ...], *, closed: bool) -> None:
        tk.closed = True
        self._unwait(tk)
        if self.records:
            self.outcomes.append(
                TicketOutcome(
                    ticket_id=tk.id,
                    created=tk.ticket.created,
                    channel=tk.ticket.channel,
                    priority=tk.priority.value,
                    language=tk.ticket.language,
                    plan=tk.ticket.plan,
                    agent=tk.agent,
                    wait=None if tk.assigned is None else timedelta(microseconds=tk.assigned - tk.created),
                    first_response=None
                    if tk.first_reply is None
                    else timedelta(microseconds=tk.first_reply - tk.created),
                    resolution=None
                    if tk.solved is None or tk.next < len(tk.steps)
                    else timedelta(microseconds=tk.solved - tk.created),
                    reopened=tk.reopened,
                    transfers=tk.transfers,
                    escalations=tk.escalations,
                    closed=closed,
                    sla=sla,
                )
            )
        del self.tickets[tk.id]

    def _result(self) -> SimulationResult:
        end = self.end
        end_dt = self._dt(end).astimezone(self.zone)
        for tk in list(self.tickets.values()):
            # Solved, its reopen still ahead: resolved at the end, as its record says.
            if (
                tk.solved is not None
                and not tk.reopened
                and tk.work.reopen_at is not None
                and tk.next >= len(tk.steps)
            ):
                self.resolution.add(tk.solved - tk.created)
            self._finish(tk, self._sla_final(tk, end_dt), closed=False)
        self._queue_mark()
        span = end - self.start
        agents = []
        caps = self.caps
        for agent_id in self.assigned_counts:
            since = self.load_since[agent_id]
            area = self.load_area[agent_id] + self.loads[agent_id] * (end - since)
            held = self.held_area[agent_id] + (end - since if self.loads[agent_id] else 0)
            mean = area / span
            cap = caps.get(agent_id)
            ag = self.ags[agent_id]
            ag.mark(end)
            agents.append(
                AgentFigures(
                    agent_id=agent_id,
                    assigned=self.assigned_counts[agent_id],
                    peak_load=self.peak[agent_id],
                    mean_load=mean,
                    utilisation=ag.busy / span,
                    in_hand=ag.worked / span,
                    held=held / span,
                    cap_used=None if not cap else mean / min(cap, sys.float_info.max),  # a cap of 10**400 too
                    cap=cap,
                    above_cap=tuple(sorted(self.above.get(agent_id, {}).items())),
                )
            )
        sla = tuple(
            SLAFigures(
                policy=policy, target=target, priority=priority, achieved=a, late=late, open_breached=o
            )
            for (policy, target, priority), (a, late, o) in sorted(
                self.sla_rows.items(), key=lambda kv: (kv[0][0], kv[0][1], -Priority.parse(kv[0][2]).rank)
            )
        )
        return SimulationResult(
            scenario=self.scenario.name,
            strategy=self.strategy,
            seed=self.scenario.seed,
            start=self.start_dt,
            end=end_dt,
            created=self.created,
            solved=self.solves,
            unresolved=self.unresolved,
            left_unassigned=self.left,
            waited=self.waited,
            wait=self.wait.summary(),
            first_response=self.first_response.summary(),
            resolution=self.resolution.summary(),
            agents=tuple(agents),
            fairness=jain(self.assigned_counts),
            sla=sla,
            alerts=tuple(sorted(self.alerts.items())),
            queue=tuple(self.samples),
            queue_mean=self.queue_area / span,
            queue_max=self.queue_max,
            backlog=self.desk.report(through=end_dt - timedelta(microseconds=1)),
            tickets=tuple(sorted(self.outcomes, key=lambda o: o.ticket_id)) if self.records else None,
        )
