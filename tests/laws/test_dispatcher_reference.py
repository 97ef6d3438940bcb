"""The dispatcher against a slow, obviously correct reference, on random event streams.

The reference recounts every load from the tickets, checks every agent from scratch for
every ticket (presence, cap, the ticket's required skills), keeps the backlog as a plain
sorted list and, after every event, walks it in order handing each ticket to whoever can
take it (a ticket nobody has the skills or room for is skipped, not a wall). The
dispatcher keeps incremental reason tables, heaps per need (with versions: a ticket
re-keyed by a change of priority or skills leaves a stale entry behind) and restricted
passes; both must pick the same agent for every ticket.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from ticketcore import Priority, Status, Ticket
from ticketcore.assign import (
    Agent,
    Assigned,
    BacklogOrder,
    Dispatcher,
    LeastLoaded,
    LongestIdle,
    Pool,
    PresenceChanged,
    Queued,
    Routing,
    Sequential,
    Strategy,
)
from ticketcore.events import StatusChanged, TicketCreated, TicketUpdated

from dispatch_helpers import T0

IDS = ["a", "b", "c", "d"]
SKILLS = {
    "a": frozenset(),
    "b": frozenset({"billing"}),
    "c": frozenset({"billing", "de"}),
    "d": frozenset({"de"}),
}
NEEDS = [frozenset(), frozenset({"billing"}), frozenset({"de"}), frozenset({"billing", "de"})]
PRIORITIES = ["low", "normal", "high", "urgent"]


class Reference:
    """One pool, every check from scratch."""

    def __init__(self, strategy: str, cap: int, backlog: bool, by_priority: bool = False) -> None:
        self.strategy = strategy
        self.by_priority = by_priority
        self.rank: dict[str, int] = {}
        self.cap = cap
        self.backlog_on = backlog
        self.online = dict.fromkeys(IDS, True)
        self.owner: dict[str, str] = {}
        self.solved: set[str] = set()
        self.backlog: list[tuple[int, int, str]] = []  # (-rank or 0, created, ticket)
        self.need: dict[str, frozenset[str]] = {}
        self.last = -1
        self.last_at: dict[str, int] = {}
        self.counter = 0

    def load(self, agent: str) -> int:
        return sum(1 for t, a in self.owner.items() if a == agent and t not in self.solved)

    def eligible(self, need: frozenset[str]) -> list[str]:
        return [a for a in IDS if self.online[a] and self.load(a) < self.cap and need <= SKILLS[a]]

    def pick(self, ticket: str) -> str | None:
        ok = self.eligible(self.need[ticket])
        if not ok:
            return None
        if self.strategy == "sequential":
            for k in range(1, len(IDS) + 1):
                agent = IDS[(self.last + k) % len(IDS)]
                if agent in ok:
                    return agent
        idle = {a: self.last_at.get(a, -1) for a in ok}
        if self.strategy == "longest_idle":
            return min(ok, key=lambda a: (idle[a], IDS.index(a)))
        return min(ok, key=lambda a: (self.load(a), idle[a], IDS.index(a)))

    def give(self, ticket: str, agent: str) -> None:
        self.owner[ticket] = agent
        self.last = IDS.index(agent)
        self.counter += 1
        self.last_at[agent] = self.counter

    def drain(self) -> None:
        for entry in list(self.backlog):
            agent = self.pick(entry[-1])
            if agent is not None:
                self.backlog.remove(entry)
                self.give(entry[-1], agent)

    def create(self, ticket: str, n: int, need: frozenset[str], rank: int = 0) -> str | None:
        self.need[ticket] = need
        self.rank[ticket] = rank
        agent = self.pick(ticket)
        if agent is not None:
            self.give(ticket, agent)
        elif self.backlog_on:
            self.backlog.append((-rank if self.by_priority else 0, n, ticket))
            self.backlog.sort()
        return agent

    def update(self, ticket: str, need: frozenset[str], rank: int) -> None:
        """A waiting ticket's needs and priority change: it keeps its place by the new key."""
        self.need[ticket] = need
        self.rank[ticket] = rank
        self.backlog = sorted(
            (-rank if self.by_priority and t == ticket else k, n, t) for k, n, t in self.backlog
        )


@given(
    strategy=st.sampled_from(["sequential", "longest_idle", "least_loaded"]),
    cap=st.integers(1, 3),
    backlog=st.booleans(),
    by_priority=st.booleans(),
    steps=st.lists(
        st.tuples(
            st.sampled_from(["create", "solve", "presence", "update"]),
            st.integers(0, 50),
            st.sampled_from(IDS),
            st.sampled_from(NEEDS),
            st.sampled_from(PRIORITIES),
        ),
        max_size=80,
    ),
)
def test_dispatcher_agrees_with_the_reference(
    strategy: str,
    cap: int,
    backlog: bool,
    by_priority: bool,
    steps: list[tuple[str, int, str, frozenset[str], str]],
) -> None:
    """Every ticket goes to the same agent (or waits) in both, after every event."""
    strategies: dict[str, Strategy] = {
        "sequential": Sequential(),
        "longest_idle": LongestIdle(),
        "least_loaded": LeastLoaded(),
    }
    order = BacklogOrder.PRIORITY if by_priority else BacklogOrder.CREATED
    pool = Pool(
        name="p", agents=IDS, strategy=strategies[strategy], cap=cap, backlog=backlog, backlog_order=order
    )
    d = Dispatcher(Routing(pools=[pool], default_pool="p"), [Agent(id=a, skills=SKILLS[a]) for a in IDS])
    ref = Reference(strategy, cap, backlog, by_priority)
    created: list[str] = []
    for n, (kind, pick, agent, need, priority) in enumerate(steps):
        at = T0 + timedelta(minutes=n)
        rank = Priority.parse(priority).rank
        if kind == "create":
            tid = f"T{n:03d}"
            created.append(tid)
            want = ref.create(tid, n, need, rank)
            ticket = Ticket(id=tid, created=at, skills=need, priority=priority)
            (decision,) = d.handle(TicketCreated(ticket=ticket))
            got = decision.agent_id if isinstance(decision, Assigned) else None
            assert got == want
            assert isinstance(decision, Assigned | Queued) or not backlog
        elif kind == "solve":
            open_ = [t for t in created if t not in ref.solved]
            if not open_:
                continue
            tid = open_[pick % len(open_)]
            ref.solved.add(tid)
            ref.backlog = [e for e in ref.backlog if e[-1] != tid]
            d.handle(StatusChanged(ticket_id=tid, at=at, status=Status.SOLVED))
        elif kind == "update":  # a waiting ticket re-keyed: a stale entry stays in its old heap
            if not ref.backlog:
                continue
            tid = ref.backlog[pick % len(ref.backlog)][-1]
            ref.update(tid, need, rank)
            d.handle(TicketUpdated(ticket_id=tid, at=at, changes={"skills": need, "priority": priority}))
        else:
            ref.online[agent] = not ref.online[agent]
            presence = "online" if ref.online[agent] else "offline"
            d.handle(PresenceChanged(agent_id=agent, at=at, presence=presence))
        ref.drain()
        for tid in created:
            if tid in ref.solved:
                continue
            where = d.place(tid)
            if tid in ref.owner:
                assert where == ("assigned", ref.owner[tid]), tid
            else:
                assert where[0] == ("backlog" if backlog else "unassigned"), tid
        assert d.backlog("p") == tuple(t for *_, t in ref.backlog)
