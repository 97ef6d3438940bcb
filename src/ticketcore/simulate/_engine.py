"""The discrete-event loop: a heap of timed events feeding the real engines.

Theory of operation
-------------------
Time is integer microseconds since 0001-01-01 UTC, the library's real instants
(`ticketcore._instant`), so ordering and arithmetic are exact and the same on every
machine; a datetime is made only for the events the engines read. The heap holds
``(t, seq, kind, ticket, data)``; ``seq`` grows by one per push, so ties come out in the
order they were scheduled and a run is a pure function of its scenario, strategy and seed.

Arrivals are a non-homogeneous Poisson process: unit-rate exponential gaps in
*cumulative intensity* ``Λ(t)``, mapped back to time through the piecewise-linear
``Λ`` built once per local hour of the run (exact, no thinning, no loop over minutes).
Each ticket draws everything about itself (fields, work, customer behaviour) when it
arrives, from one stream in arrival order: every strategy sees the same tickets with
the same work (common random numbers).

Each ticket's work is a list of steps ``(duration, kind)``, each counted from the step
before: a step that ends in a customer message is the customer's time (the agent is
free meanwhile), every other step is the agent's work (a reply, an answer, the solve).

The agent's time (each agent's hand and queue, concurrency, and how work in hand
progresses) is described in `ticketcore.simulate._agent_time`'s docstring.

The simulator is a client of `ticketcore.desk.Desk`, as a helpdesk would be: every
ticket event goes through `Desk.handle`, which routes it, runs the ticket's SLA clock
(when the scenario has SLA policies), applies the escalation ladders (the closed loop)
and counts the backlog; one heap event at `Desk.next_deadline` wakes the desk up with
`Desk.advance`. The decisions of an outcome, those of escalations included, drive the
work model. A closed ticket is forgotten by the desk, so without per-ticket records
memory does not grow with the number of tickets.

The run is `_Run`, made of one part per job, all on the state that `_state._RunState`
sets up: this module has the loop, the arrivals and each ticket's steps; `_agent_time`
the agents' queues and hands; `_desk_client` the desk's events and outcomes, SLA wake-ups
and shifts; `_figures` the figures and the result.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable
from datetime import datetime, timedelta

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._ticket import Status
from ticketcore.simulate._agent_time import _AgentTime
from ticketcore.simulate._desk_client import _DeskClient
from ticketcore.simulate._figures import _Figures
from ticketcore.simulate._results import Comparison, QueueSample, SimulationResult
from ticketcore.simulate._scenario import Scenario
from ticketcore.simulate._state import (
    _ANSWER,
    _ARRIVAL,
    _CLOSE,
    _DAY,
    _HOUR,
    _MESSAGE,
    _REOPEN,
    _REPLY,
    _SAMPLE,
    _SLA,
    _SOLVE,
    _STEP,
    MAX_REPLIES,
    _Tk,
    _Work,
)

__all__ = ["compare", "simulate"]


class _Run(_DeskClient, _AgentTime, _Figures):
    """One run: the loop over the heap, the arrivals, and each ticket's steps."""

    # -- the loop -------------------------------------------------------------------

    def run(self) -> SimulationResult:
        self._next_arrival()
        self.push(self.start + _HOUR, _SAMPLE)
        self._shifts()
        heap, end = self.heap, self.end
        pop = heapq.heappop
        report_every = max(1, (end - self.start) // 200)
        next_report = self.start + report_every
        while heap and heap[0][0] < end:
            t, _, kind, tk, data = pop(heap)
            self.now = t
            if kind == _STEP:
                if data == tk.gen and not tk.closed:
                    self._step(tk)
            elif kind == _ARRIVAL:
                self._arrive(data)
            elif kind == _REOPEN:
                self._reopen(tk)
            elif kind == _CLOSE:
                if (
                    not tk.closed
                    and tk.solved is not None
                    and tk.next >= len(tk.steps)
                    and data == tk.reopened
                ):
                    self._close(tk)
            elif kind == _SLA:
                if self.sla_at == data:
                    self.sla_at = self.sla_due = None
                    self._outcome(None, self.desk.advance(self._dt(t)))
                    self._deadline()
            elif kind == _SAMPLE:
                self.samples.append(
                    QueueSample(
                        at=self._dt(t).astimezone(self.zone),
                        waiting=len(self.waiting),
                        unresolved=self.unresolved,
                    )
                )
                self.push(t + _HOUR, _SAMPLE)
                if (t - self.start) % _DAY == 0:
                    # Events come in time order: once a day, let the tracker reduce the
                    # weeks no open ticket can change to their figures (memory stays flat).
                    self.desk.seal(self._dt(t))
            else:
                self._tick(data)
            if self.dirty:
                self._flush()
            if self.progress is not None and t >= next_report:
                self.progress((t - self.start) / (end - self.start))
                next_report = t + report_every
        self.now = end
        return self._result()

    # -- arrivals ------------------------------------------------------------------

    def _next_arrival(self) -> None:
        self.level += self.rng.expovariate(1.0)
        t = self.intensity.invert(self.level)
        if t is not None and t < self.end:
            self.push(t, _ARRIVAL, None, t)

    def _pick(self, table: tuple[list[str], list[float]]) -> str:
        names, cum = table
        return names[bisect_right(cum, self.rng.random() * cum[-1])]

    def _arrive(self, t: int) -> None:
        rng = self.rng
        self.serial += 1
        channel = self._pick(self.channels)
        priority = self.priority_of[self._pick(self.priorities)]
        language = None if self.languages is None else self._pick(self.languages)
        plan = None if self.plans is None else self._pick(self.plans)
        tags = frozenset([tag for tag, p in self.scenario.arrivals.tags if rng.random() < p])
        ticket = self.new_ticket(
            id=f"T{self.serial:0{self.width}d}",
            created=self._dt(t),
            channel=channel,
            priority=priority,
            language=language,
            plan=plan,
            tags=tags,
        )
        work = self._draw_work(channel, priority)
        tk = _Tk(ticket, t, work, self.concurrency.get(channel, 1))
        self.tickets[tk.id] = tk
        self.created += 1
        self.unresolved += 1
        self._next_arrival()
        self._feed(tk, self.created_event(ticket=ticket))

    def _draw_work(self, channel: str, priority: Priority) -> _Work:
        key = (channel, priority)
        handling = self.handling.get(key)
        if handling is None:
            handling = self.handling[key] = self.scenario.handling_for(channel, priority)
        rng = self.rng
        customers = self.scenario.customers
        answer = handling.next_response or handling.first_response
        solve = handling.solve.sample(rng)
        first = min(handling.first_response.sample(rng), solve)
        # Each step's duration from the step before (the draws are those of the offsets
        # from the start of the work: the agent's reply at ``first``, the solve at ``solve``).
        steps: list[tuple[int, str]] = [(first, _REPLY)]
        at = first
        for _ in range(MAX_REPLIES):
            if not rng.random() < customers.reply_probability:
                break
            message = at + customers.reply_delay.sample(rng)
            reply = message + answer.sample(rng)
            if message >= solve:
                break
            steps.append((message - at, _MESSAGE))
            at = message
            if reply >= solve:
                break
            steps.append((reply - message, _ANSWER))
            at = reply
        steps.append((solve - at, _SOLVE))
        reopen_at = None
        reopen_steps: list[tuple[int, str]] = []
        if rng.random() < customers.reopen_probability:
            delay = customers.reopen_delay.sample(rng)
            again = (handling.resolve or handling.solve).sample(rng)
            reply = min(answer.sample(rng), again)
            if delay < customers.close_after // timedelta(microseconds=1):
                reopen_at = delay
                reopen_steps = [(reply, _ANSWER), (again - reply, _SOLVE)]
        return _Work(steps, reopen_at, reopen_steps)

    def _step(self, tk: _Tk) -> None:
        seg, kind = tk.steps[tk.next]
        tk.next += 1
        at = self._dt(self.now)
        steps = tk.steps
        if kind == _MESSAGE:  # the customer wrote back: work for the agent again
            tk.ready = True
            tk.seg = steps[tk.next][0]
            tk.answered = False
            self._feed(tk, self.message_event(ticket_id=tk.id, at=at))
            if tk.agent is not None and tk.at is None and not tk.closed:
                self._enqueue(tk)
            return
        # A step of the agent's work is done (the ticket was in hand).
        if tk.next < len(steps):
            seg, following = steps[tk.next]
            if following == _MESSAGE:  # the customer's turn: the agent is free
                self._release(tk)
                self.push(self.now + seg, _STEP, tk, tk.gen)
            else:  # the agent goes on with the next step
                tk.seg = seg
                self._start(tk, tk.mult)
        else:
            self._release(tk)
        if kind == _SOLVE:
            if not tk.answered or tk.first_reply is None:
                self._reply(tk, at)
            self._solve(tk, at)
        else:
            self._reply(tk, at)

    def _reply(self, tk: _Tk, at: datetime) -> None:
        tk.answered = True
        self._feed(tk, self.reply_event(ticket_id=tk.id, at=at, agent_id=tk.agent))
        if tk.first_reply is None:
            tk.first_reply = self.now
            self.first_response.add(self.now - tk.created)
            self._feed(tk, self.status_event(ticket_id=tk.id, at=at, status=Status.OPEN))

    def _solve(self, tk: _Tk, at: datetime) -> None:
        self.solves += 1
        self.unresolved -= 1
        tk.solved = self.now
        self._feed(tk, self.status_event(ticket_id=tk.id, at=at, status=Status.SOLVED))
        work = tk.work
        close = self.now + self.scenario.customers.close_after // timedelta(microseconds=1)
        if work.reopen_at is not None and not tk.reopened:
            self.push(self.now + work.reopen_at, _REOPEN, tk)
        else:
            self.resolution.add(self.now - tk.created)
            self.push(close, _CLOSE, tk, tk.reopened)

    def _reopen(self, tk: _Tk) -> None:
        tk.reopened += 1
        self.unresolved += 1
        at = self._dt(self.now)
        tk.answered = False
        tk.steps = tk.work.reopen_steps
        tk.next = 0
        tk.ready = True
        tk.seg = tk.steps[0][0]
        self._feed(tk, self.message_event(ticket_id=tk.id, at=at))
        self._feed(tk, self.status_event(ticket_id=tk.id, at=at, status=Status.OPEN))
        if tk.agent is not None and tk.at is None and not tk.closed:
            self._enqueue(tk)  # back to its agent's queue (or placed anew by the routing above)

    def _close(self, tk: _Tk) -> None:
        at = self._dt(self.now)
        sla = self._sla_final(tk, at)  # before the close: the desk forgets closed tickets
        self._feed(tk, self.status_event(ticket_id=tk.id, at=at, status=Status.CLOSED))
        self._finish(tk, sla, closed=True)


def simulate(
    scenario: Scenario,
    strategy: str | None = None,
    *,
    records: bool = True,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Run ``scenario`` with one strategy variant (default: the scenario's ``strategy``).

    ``records=False`` keeps no per-ticket records, and memory follows the tickets in
    flight, not the tickets of the run (closed ones are forgotten and the backlog tracker
    is sealed once a simulated day), plus one queue sample per simulated hour: flat
    however long the run, for a team that keeps up (one that cannot holds its growing
    backlog), once the run is past its first week. Within a week memory grows with the
    week's solves: the backlog tracker keeps each solve's duration until the week is over,
    for the week's exact median (about 40 bytes a solve). The benchmark's team (200 tickets
    an hour) holds 1.2 MiB at 20,000 tickets (4 days), then 1.9 MiB at 50,000 and at 100,000.
    ``progress``, when given, is called now and then with the share
    of simulated time done (from 0 to 1); the library itself prints nothing.

    Raises:
        InvalidInput: a scenario that is not a `Scenario`, or an unknown strategy name.

    """
    if not isinstance(scenario, Scenario):
        raise InvalidInput("scenario", "a ticketcore.simulate.Scenario", scenario)
    if strategy is None:
        strategy = scenario.strategy
    scenario.routing_for(strategy)  # an unknown name raises here, before any work
    return _Run(scenario, strategy, records=records, progress=progress).run()


def compare(
    scenario: Scenario,
    strategies: list[str] | tuple[str, ...],
    *,
    records: bool = False,
    progress: Callable[[float], None] | None = None,
) -> Comparison:
    """Run several strategy variants on the same tickets (common random numbers).

    ``progress`` gets the share done over all the runs together.
    """
    if not isinstance(scenario, Scenario):
        raise InvalidInput("scenario", "a ticketcore.simulate.Scenario", scenario)
    names: object = strategies
    if not isinstance(names, list | tuple) or not strategies:
        raise InvalidInput("strategies", "a non-empty list of strategy names", strategies)
    for name in strategies:
        scenario.routing_for(name)
    results = []
    for i, name in enumerate(strategies):
        part = None
        if progress is not None:
            report = progress

            def part(share: float, i: int = i, report: Callable[[float], None] = report) -> None:
                report((i + share) / len(strategies))

        results.append(simulate(scenario, name, records=records, progress=part))
    return Comparison(tuple(results))
