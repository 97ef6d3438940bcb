"""The run's state: time as integer microseconds, the arrivals' intensity, tickets and agents in flight.

Its job: the private records the discrete-event loop works on (`_Tk`, `_Ag`, `_Work`),
the helper that makes values fast (`_trusted`; instants convert with
`ticketcore._instant.to_real`), and `_RunState`, the run's setup: every field the loop
and its parts (`_agent_time`, `_desk_client`, `_figures`) read and write, made once in
its ``__init__``. It imports the library's public names and
`_results`/`_scenario` only; every other part of the engine imports it, never the reverse.
"""

from __future__ import annotations

import heapq
import math
import random
from bisect import bisect_right
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from ticketcore._instant import from_real, to_real
from ticketcore._priority import Priority
from ticketcore._ticket import Ticket
from ticketcore.assign import Assigned
from ticketcore.backlog import BacklogOptions
from ticketcore.desk import Desk, DeskConfig, Outcome
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated
from ticketcore.simulate._parts import Handling
from ticketcore.simulate._results import Histogram, QueueSample, TicketOutcome
from ticketcore.simulate._scenario import Scenario

_T = TypeVar("_T", bound=attrs.AttrsInstance)

_HOUR: Final = 3_600_000_000
_DAY: Final = 24 * _HOUR
#: How many times a customer may write back in one conversation.
MAX_REPLIES: Final = 5

# Heap event kinds, in the order they run when due at the same instant and scheduled together.
_ARRIVAL, _STEP, _REOPEN, _CLOSE, _SLA, _SAMPLE, _SHIFT = range(7)
# Step kinds.
_REPLY, _MESSAGE, _ANSWER, _SOLVE = "reply", "message", "answer", "solve"


def _trusted(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of the attrs class ``cls`` that runs none of its validators and converters.

    For values the run builds itself from parts already in their checked, converted form
    (a `Ticket` from the scenario's draws, the events of tickets the desk knows, at
    instants within the run): each equals what ``cls(**fields)`` makes, which a test
    checks. Fields with a factory default must be given.
    """
    fields = attrs.fields(cls)
    # Straight-line code, as attrs writes its own __init__: one keyword-only parameter per
    # field (its default where it has a plain one), one slot write each, no loop.
    scope: dict[str, Any] = {"_new": cls.__new__, "_cls": cls, "_put": object.__setattr__}
    params = []
    for a in fields:
        if a.default is attrs.NOTHING or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]  # the stubs declare Factory a function
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
            local = from_real(t, zone)
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


class _RunState:
    """The state of one run, set up from the scenario (the loop and its parts are `_Run`)."""

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
        self.start = to_real(self.start_dt)
        # Whole days are local calendar days (four weeks end at local midnight, DST or not).
        whole = math.floor(scenario.days)
        last_midnight = datetime.combine(scenario.start + timedelta(days=whole), time(), zone)
        self.end = to_real(last_midnight) + round((scenario.days - whole) * _DAY)
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

    def push(self, t: int, kind: int, tk: Any = None, data: Any = None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, kind, tk, data))

    def _dt(self, t: int) -> datetime:
        """The instant ``t`` in UTC (aware arithmetic in a zone would be wall-clock arithmetic)."""
        return from_real(t, UTC)

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

    if TYPE_CHECKING:  # defined by the mixins `_Run` is made of (no runtime cost, no shadowing)

        def _outcome(self, tk: _Tk | None, out: Outcome, *, status: bool = False) -> None: ...
        def _feed(self, tk: _Tk, event: Any) -> None: ...
        def _deadline(self) -> None: ...
        def _hand_to(self, tk: _Tk, agent_id: str) -> None: ...
        def _enqueue(self, tk: _Tk) -> None: ...
        def _leave(self, tk: _Tk) -> None: ...
        def _wait(self, tk: _Tk) -> None: ...
        def _unwait(self, tk: _Tk) -> None: ...
        def _load(self, agent_id: str) -> None: ...
