"""The discrete-event loop: a heap of timed events feeding the real engines.

Theory of operation
-------------------
Time is integer microseconds since the epoch (UTC), so ordering and arithmetic are
exact and the same on every machine; a datetime is made only for the events the
engines read. The heap holds ``(t, seq, kind, ticket, data)``; ``seq`` grows by one
per push, so ties come out in the order they were scheduled and a run is a pure
function of its scenario, strategy and seed.

Arrivals are a non-homogeneous Poisson process: unit-rate exponential gaps in
*cumulative intensity* ``Λ(t)``, mapped back to time through the piecewise-linear
``Λ`` built once per local hour of the run (exact, no thinning, no loop over minutes).
Each ticket draws everything about itself (fields, work, customer behaviour) when it
arrives, from one stream in arrival order: every strategy sees the same tickets with
the same work (common random numbers).

Each ticket's work is a list of steps ``(duration, kind)``, each counted from the step
before: a step that ends in a customer message is the customer's time (the agent is
free meanwhile), every other step is the agent's work (a reply, an answer, the solve).

The agent's time: each agent has a hand (the tickets they are working on) and a queue
(the tickets they hold that have work waiting, in ``work_order``). On a non-concurrent
channel the hand holds one ticket; on a concurrent one (``concurrency``) up to N, each
progressing at ``1 / slowdown ** (k - 1)`` with k of them in hand; concurrent tickets in
hand suspend the non-concurrent one, which resumes with its remaining work. A ticket in
hand has ``started`` (when its rate last changed), ``mult`` (its work time multiplier)
and ``seg`` (the work left in its step); its completion is on the heap with the ticket's
``gen`` (generation), and a step on the heap whose generation is stale is dropped. When
a ticket leaves the hand its work done is subtracted and its generation moves on. Who
takes what into hand is decided once per heap event, after the desk has had its say
(``dirty`` agents), so a decision never sees a half-made change.

The simulator is a client of `ticketcore.desk.Desk`, as a helpdesk would be: every
ticket event goes through `Desk.handle`, which routes it, runs the ticket's SLA clock
(when the scenario has SLA policies), applies the escalation ladders (the closed loop)
and counts the backlog; one heap event at `Desk.next_deadline` wakes the desk up with
`Desk.advance`. The decisions of an outcome, those of escalations included, drive the
work model. A closed ticket is forgotten by the desk, so without per-ticket records
memory does not grow with the number of tickets.
"""

from __future__ import annotations

import heapq
import math
import random
import sys
from bisect import bisect_right, insort
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from itertools import accumulate
from typing import Any, Final, TypeVar

import attrs

from ticketcore._errors import HorizonExceeded, InvalidInput
from ticketcore._ticket import Priority, Status, Ticket
from ticketcore.assign import (
    Assigned,
    LeftUnassigned,
    Queued,
    ReturnedToPool,
    Tick,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.backlog import BacklogOptions
from ticketcore.desk import Desk, DeskConfig, Outcome
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated
from ticketcore.simulate._results import (
    AgentFigures,
    Comparison,
    Histogram,
    QueueSample,
    SimulationResult,
    SLAFigures,
    TicketOutcome,
    above_cap_cause,
    jain,
)
from ticketcore.simulate._scenario import Handling, Scenario
from ticketcore.sla import TargetState, attainment

__all__ = ["compare", "simulate"]

_T = TypeVar("_T")

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR: Final = 3_600_000_000
_DAY: Final = 24 * _HOUR
#: How many times a customer may write back in one conversation.
MAX_REPLIES: Final = 5

# Heap event kinds, in the order they run when due at the same instant and scheduled together.
_ARRIVAL, _STEP, _REOPEN, _CLOSE, _SLA, _SAMPLE, _SHIFT = range(7)
# Step kinds.
_REPLY, _MESSAGE, _ANSWER, _SOLVE = "reply", "message", "answer", "solve"


def _us(dt: datetime) -> int:
    return (dt - _EPOCH) // timedelta(microseconds=1)


def _trusted(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of the attrs class ``cls`` that runs none of its validators and converters.

    For values the run builds itself from parts already in their checked, converted form
    (a `Ticket` from the scenario's draws, the events of tickets the desk knows, at
    instants within the run): each equals what ``cls(**fields)`` makes, which a test
    checks. Fields with a factory default must be given.
    """
    fields = attrs.fields(cls)  # type: ignore[arg-type]  # an attrs class
    # Straight-line code, as attrs writes its own __init__: one keyword-only parameter per
    # field (its default where it has a plain one), one slot write each, no loop.
    scope: dict[str, Any] = {"_new": cls.__new__, "_cls": cls, "_put": object.__setattr__}
    params = []
    for a in fields:
        if a.default is attrs.NOTHING or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            params.append(a.name)
        else:
            scope[f"_d_{a.name}"] = a.default
            params.append(f"{a.name}=_d_{a.name}")
    body = "".join(f"    _put(obj, {a.name!r}, {a.name})\n" for a in fields)
    source = f"def make(*, {', '.join(params)}):\n    obj = _new(_cls)\n{body}    return obj\n"
    exec(source, scope)  # noqa: S102 - code made here from the class's own field names
    make: Callable[..., _T] = scope["make"]
    return make


class _Intensity:
    """``Λ(t)``: the expected number of arrivals from the start, piecewise linear per local hour."""

    def __init__(self, scenario: Scenario, start: int, end: int) -> None:
        zone = scenario.zone
        arrivals = scenario.arrivals
        weekly = sum(sum(day) for day in arrivals.profile)
        per_hour = arrivals.per_day * 7 / weekly  # tickets per hour per unit of weight
        times = [start]
        rates: list[float] = []  # arrivals per microsecond in [times[i], times[i + 1])
        t = start
        while t < end:
            local = datetime.fromtimestamp(t / 1e6, zone)
            into_hour = (local.minute * 60 + local.second) * 1_000_000 + local.microsecond
            nxt = min(end, t + _HOUR - into_hour)
            rates.append(arrivals.profile[local.weekday()][local.hour] * per_hour / _HOUR)
            times.append(nxt)
            t = nxt
        self.times = times
        self.rates = rates
        self.cum = [0.0, *accumulate(r * (b - a) for r, a, b in zip(rates, times, times[1:], strict=False))]
        self.total = self.cum[-1]

    def invert(self, level: float) -> int | None:
        """The instant at which ``Λ`` reaches ``level``, or None past the end."""
        if level >= self.total:
            return None
        i = bisect_right(self.cum, level) - 1  # cum[i] <= level < cum[i + 1], so rates[i] > 0
        return self.times[i] + math.ceil((level - self.cum[i]) / self.rates[i])


def _cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    names = [name for name, _ in pairs]
    return names, list(accumulate(w for _, w in pairs))


class _Work:
    """A ticket's own draws: its agent steps, and whether and when it reopens."""

    __slots__ = ("reopen_at", "reopen_steps", "steps")

    def __init__(
        self, steps: list[tuple[int, str]], reopen_at: int | None, reopen_steps: list[tuple[int, str]]
    ):
        self.steps = steps
        self.reopen_at = reopen_at
        self.reopen_steps = reopen_steps


class _Tk:
    """A ticket in flight (mutable, private)."""

    __slots__ = (
        "agent",
        "answered",
        "assigned",
        "at",
        "closed",
        "created",
        "escalations",
        "first_reply",
        "gen",
        "id",
        "inhand",
        "mult",
        "n",
        "next",
        "priority",
        "qseq",
        "ready",
        "reopened",
        "seg",
        "solved",
        "started",
        "status",
        "steps",
        "ticket",
        "transfers",
        "work",
    )

    def __init__(self, ticket: Ticket, created: int, work: _Work, n: int) -> None:
        self.id = ticket.id
        self.ticket = ticket
        self.priority = ticket.priority
        self.status = ticket.status  # as the engines know it: set by each StatusChanged fed
        self.created = created
        self.work = work
        self.steps = work.steps
        self.next = 0
        self.gen = 0
        self.agent: str | None = None
        self.n = n  # how many tickets of its channel an agent works on at once
        self.ready = True  # it has agent work waiting (not the customer's turn, not solved)
        self.seg = work.steps[0][0]  # the work left in the current step
        self.at: _Ag | None = None  # the agent whose queue or hand it is in
        self.inhand = False
        self.qseq = 0  # its live entry in ``at``'s queue (0: none)
        self.started: int | None = None  # in hand and progressing since
        self.mult = 1.0
        self.assigned: int | None = None
        self.first_reply: int | None = None
        self.solved: int | None = None
        self.answered = True
        self.reopened = 0
        self.transfers = 0
        self.escalations = 0
        self.closed = False


class _Ag:
    """An agent's time (mutable, private): their queue and their hand, and its figures."""

    __slots__ = ("busy", "chats", "cq", "dirty", "hand", "id", "k", "q", "since", "worked")

    def __init__(self, agent_id: str, start: int) -> None:
        self.id = agent_id
        self.q: list[tuple[Any, int, _Tk]] = []  # non-concurrent work waiting: a heap
        self.cq: list[tuple[Any, int, _Tk]] = []  # concurrent work waiting: a sorted list
        self.hand: _Tk | None = None  # the non-concurrent ticket in hand (suspended while chats)
        self.chats: list[_Tk] = []  # the concurrent tickets in hand
        self.k = 0  # len(chats) when their rates were last set
        self.dirty = False
        self.since = start
        self.busy = 0  # time working on at least one ticket
        self.worked = 0  # time x tickets in hand

    def mark(self, now: int) -> None:
        """Count the time since the last change (call before every change of the hand)."""
        span = now - self.since
        if span:
            n = len(self.chats) or (self.hand is not None)
            if n:
                self.busy += span
                self.worked += n * span
            self.since = now


class _Run:
    def __init__(
        self,
        scenario: Scenario,
        strategy: str | None,
        *,
        records: bool,
        progress: Callable[[float], None] | None,
        trusted: bool = True,
    ) -> None:
        self.scenario = scenario
        # The fast paths for what the run built itself; False: the slow, obviously-correct
        # paths (validated constructors, full SLA results), which a test compares with.
        self.trusted = trusted
        self.new_ticket = _trusted(Ticket) if trusted else Ticket
        self.created_event = _trusted(TicketCreated) if trusted else TicketCreated
        self.reply_event = _trusted(AgentReply) if trusted else AgentReply
        self.message_event = _trusted(CustomerMessage) if trusted else CustomerMessage
        self.status_event = _trusted(StatusChanged) if trusted else StatusChanged
        self.strategy = strategy
        self.records = records
        self.progress = progress
        self.zone = zone = scenario.zone
        self.start_dt = datetime.combine(scenario.start, time(), zone)
        self.start = _us(self.start_dt)
        # Whole days are local calendar days (four weeks end at local midnight, DST or not).
        whole = math.floor(scenario.days)
        last_midnight = datetime.combine(scenario.start + timedelta(days=whole), time(), zone)
        self.end = _us(last_midnight) + round((scenario.days - whole) * _DAY)
        config = DeskConfig(
            routing=scenario.routing_for(strategy),
            agents=scenario.agents,
            sla=scenario.sla,
            backlog=BacklogOptions(timezone=zone, by=scenario.backlog_by),
        )
        # The simulator shows no "due by": the desk need not compute due times per event.
        self.desk = Desk(config, due_changes=False)
        self.dispatcher = self.desk.dispatcher
        self.counted = self.dispatcher.routing.counted  # the statuses that count toward a load
        self.sla = bool(scenario.sla.policies)
        self.sla_at: int | None = None  # when the desk's wake-up is scheduled
        self.sla_due: datetime | None = None  # the deadline it was scheduled for
        self.rng = random.Random(f"ticketcore/{scenario.seed}/arrivals")  # noqa: S311 - a simulation, not a secret
        self.intensity = _Intensity(scenario, self.start, self.end)
        self.level = 0.0
        self.serial = 0
        self.width = 7
        a = scenario.arrivals
        self.channels = _cumulative(a.channels)
        self.priorities = _cumulative(a.priorities)
        # Looked up once, not for every ticket.
        self.priority_of = {name: Priority.parse(name) for name, _ in a.priorities}
        self.languages = _cumulative(a.languages) if a.languages else None
        self.plans = _cumulative(a.plans) if a.plans else None
        self.handling: dict[tuple[str, Priority], Handling] = {}
        self.heap: list[tuple[int, int, int, Any, Any]] = []
        self.seq = 0
        self.now = self.start
        self.tickets: dict[str, _Tk] = {}
        # The agent's time.
        self.concurrency = dict(scenario.concurrency)
        self.slowdown = dict(scenario.slowdown)
        self.by_due = scenario.work_order == "due"
        self.ags = {a.id: _Ag(a.id, self.start) for a in scenario.agents}
        self.dirty: list[_Ag] = []
        self.qseq = 0
        # Figures.
        self.wait = Histogram()
        self.first_response = Histogram()
        self.resolution = Histogram()
        self.created = self.solves = self.left = self.waited = 0
        self.unresolved = 0
        self.waiting: set[str] = set()
        self.queue_area = 0
        self.queue_since = self.start
        self.queue_max = 0
        self.samples: list[QueueSample] = []
        self.assigned_counts = {a.id: 0 for a in scenario.agents}
        self.loads = dict.fromkeys(self.assigned_counts, 0)
        self.load_since = dict.fromkeys(self.assigned_counts, self.start)
        self.load_area = dict.fromkeys(self.assigned_counts, 0)
        self.held_area = dict.fromkeys(self.assigned_counts, 0)
        self.peak = dict.fromkeys(self.assigned_counts, 0)
        # Why a load rose above the cap: the Assigned decision of the outcome being applied.
        self.caps = self._caps()
        self.why: dict[str, Assigned] = {}
        self.above: dict[str, dict[str, int]] = {}
        self.sla_rows: dict[tuple[str, str, str], list[int]] = {}
        self.alerts: dict[str, int] = {}
        self.outcomes: list[TicketOutcome] = []

    # -- the loop -------------------------------------------------------------------

    def push(self, t: int, kind: int, tk: Any = None, data: Any = None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, kind, tk, data))

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
                    QueueSample(self._dt(t).astimezone(self.zone), len(self.waiting), self.unresolved)
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

    def _dt(self, t: int) -> datetime:
        """The instant ``t`` in UTC (aware arithmetic in a zone would be wall-clock arithmetic)."""
        return _EPOCH + timedelta(microseconds=t)

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

    # -- feeding the engines ---------------------------------------------------------

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
                    esc.priority = dict(applied.changes)["priority"]  # type: ignore[attr-defined]
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

    # -- the agent's time ------------------------------------------------------------

    def _start(self, tk: _Tk, mult: float) -> None:
        """Work on the ticket (in hand) at ``1 / mult``: its step completes after ``seg * mult``."""
        tk.started = now = self.now
        tk.mult = mult
        tk.gen += 1
        self.push(now + (tk.seg if mult == 1.0 else math.ceil(tk.seg * mult)), _STEP, tk, tk.gen)

    def _pause(self, tk: _Tk) -> None:
        """Stop working on the ticket: keep the work left, drop its completion on the heap."""
        if tk.started is not None:
            done = self.now - tk.started
            tk.seg = max(0, tk.seg - (done if tk.mult == 1.0 else round(done / tk.mult)))
            tk.started = None
            tk.gen += 1

    def _enqueue(self, tk: _Tk) -> None:
        """The ticket's work joins its agent's queue (taken into hand at the end of the event)."""
        ag = self.ags[tk.agent]  # type: ignore[index]
        self.qseq += 1
        key: Any = self.now
        if self.by_due:
            clock = self.desk.clock(tk.id) if self.sla else None
            dues = [d for d in clock.due_times().values() if d is not None] if clock is not None else []
            key = (0, min(dues)) if dues else (1,)  # no due time: after those with one
        entry = (key, self.qseq, tk)
        if tk.n > 1:
            insort(ag.cq, entry)
        else:
            heapq.heappush(ag.q, entry)
        tk.at = ag
        tk.qseq = self.qseq
        if not ag.dirty:
            ag.dirty = True
            self.dirty.append(ag)

    def _leave(self, tk: _Tk) -> None:
        """The ticket leaves its agent's queue or hand (its work done so far is kept)."""
        ag = tk.at
        if ag is None:
            return
        tk.at = None
        tk.qseq = 0  # a queue entry, if any, is dropped when met
        if tk.inhand:
            ag.mark(self.now)
            self._pause(tk)
            tk.inhand = False
            if ag.hand is tk:
                ag.hand = None
            else:
                ag.chats.remove(tk)
            if not ag.dirty:
                ag.dirty = True
                self.dirty.append(ag)

    def _flush(self) -> None:
        """Each agent whose queue or hand changed takes work into hand."""
        dirty, self.dirty = self.dirty, []
        for ag in dirty:
            ag.dirty = False
            self._dispatch(ag)

    def _dispatch(self, ag: _Ag) -> None:
        """Take work into hand: concurrent tickets first, up to each channel's concurrency.

        The non-concurrent ticket in hand is worked on only while no concurrent one is.
        """
        now = self.now
        ag.mark(now)
        chats = ag.chats
        started: list[_Tk] = []
        if ag.cq:
            keep = []
            for entry in ag.cq:
                tk = entry[2]
                if tk.qseq != entry[1]:
                    continue  # it left the queue
                channel = tk.ticket.channel
                if sum(1 for c in chats if c.ticket.channel == channel) < tk.n:
                    tk.qseq = 0
                    tk.inhand = True
                    chats.append(tk)
                    started.append(tk)
                else:
                    keep.append(entry)
            ag.cq = keep
        k = len(chats)
        if k:
            hand = ag.hand
            if hand is not None and hand.started is not None:
                self._pause(hand)  # suspended while a concurrent ticket is in hand
            slowdown = self.slowdown
            if k != ag.k and slowdown:
                for c in chats:
                    f = slowdown.get(c.ticket.channel)
                    if f is not None and c.started is not None:
                        self._pause(c)
                        self._start(c, f ** (k - 1))
            for c in started:
                f = slowdown.get(c.ticket.channel)
                self._start(c, 1.0 if f is None else f ** (k - 1))
        else:
            if ag.hand is None:
                q = ag.q
                while q:
                    _, seq, tk = heapq.heappop(q)
                    if tk.qseq == seq:
                        tk.qseq = 0
                        tk.inhand = True
                        ag.hand = tk
                        break
            hand = ag.hand
            if hand is not None and hand.started is None:
                self._start(hand, 1.0)
        ag.k = k

    def _release(self, tk: _Tk) -> None:
        """The ticket leaves its agent's hand: the customer's turn, or solved."""
        ag = tk.at
        tk.ready = False
        if ag is not None:
            self._leave(tk)

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

    # -- SLA -------------------------------------------------------------------------

    def _deadline(self) -> None:
        """Schedule the desk's wake-up at its next SLA deadline (when that moved)."""
        due = self.desk.next_deadline()
        if due is None or due is self.sla_due:
            return
        self.sla_due = due
        t = max(self.now, _us(due))
        if t != self.sla_at:
            self.sla_at = t
            self.push(t, _SLA, None, t)

    def _hand_to(self, tk: _Tk, agent_id: str) -> None:
        """The ticket's new agent (assigned or transferred): its work waiting joins their queue.

        The work done so far is kept; during the customer's turn nothing joins (the
        customer's message will).
        """
        self._unwait(tk)
        previous = tk.agent
        self._leave(tk)
        tk.agent = agent_id
        if tk.ready and not tk.closed:
            self._enqueue(tk)
        if previous is not None:
            self._load(previous)
        self._load(agent_id)

    # -- shifts ----------------------------------------------------------------------

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
        self.push(max(self.now, _us(opens)), _SHIFT, None, calendar)

    def _tick(self, calendar: Any) -> None:
        at = self._dt(self.now)
        self._outcome(None, self.desk.handle(Tick(at=at)))
        if self.sla:
            self._deadline()
        self._next_shift(calendar, at)

    # -- the result ------------------------------------------------------------------

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
                    agent_id,
                    self.assigned_counts[agent_id],
                    self.peak[agent_id],
                    mean,
                    ag.busy / span,
                    ag.worked / span,
                    held / span,
                    None if not cap else mean / min(cap, sys.float_info.max),  # a cap of 10**400 too
                    cap,
                    tuple(sorted(self.above.get(agent_id, {}).items())),
                )
            )
        sla = tuple(
            SLAFigures(policy, target, priority, *counts)
            for (policy, target, priority), counts in sorted(
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

    def _caps(self) -> dict[str, int]:
        """Each agent's cap: their own, else that of the first pool they are in."""
        routing = self.dispatcher.routing
        out: dict[str, int] = {}
        for agent in self.scenario.agents:
            if agent.cap is not None:
                out[agent.id] = agent.cap
                continue
            for pool in routing.pools:
                members = pool.agents
                if pool.cap is not None and (members is None or agent.id in members):
                    out[agent.id] = pool.cap
                    break
        return out


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
    if isinstance(names, str) or not strategies:
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
