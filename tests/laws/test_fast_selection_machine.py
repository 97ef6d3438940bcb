"""The fast selection decides exactly as the strategies' reference `select` (issue 19).

A Hypothesis state machine feeds the same random events into two dispatchers: the
real one, whose round robin, least loaded and longest idle pools answer from the
structures of ``ticketcore.assign._fast`` (a ring of eligible positions, heaps with
lazy invalidation), and one that runs every selection through the strategy's own
``select`` (the slow, obviously correct reference). After every step their decisions
(``to_dict()``, explanations and reason codes included) and their states are equal.
Events cover presence, caps, caps per channel (the agents' and a pool's, changed by
events, tickets moving between channels), required skills and languages, a pool with a member list,
backlog passes, agents added (to the listed pool) and removed, routing and pool changes
(the strategies swapped), transfers, escalations, and state round trips through
``to_dict``/``from_dict`` and ``shared_state``/``from_parts`` (into either kind).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from ticketcore import Priority, Status, Ticket, TicketcoreError
from ticketcore.assign import (
    Agent,
    AgentAdded,
    AgentChanged,
    AgentRemoved,
    Dispatcher,
    Explanation,
    LeastLoaded,
    LongestIdle,
    Pool,
    PoolChanged,
    PresenceChanged,
    Routing,
    RoutingChanged,
    Rule,
    Selection,
    Sequential,
    Strategy,
    Tick,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.conditions import F
from ticketcore.events import AgentReply, StatusChanged, TicketCreated, TicketUpdated

from dispatch_helpers import STRATEGIES, T0


class ReferenceDispatcher(Dispatcher):
    """A dispatcher whose every selection runs the strategy's reference `select`, afresh.

    It never reuses a selection or an explanation cached under the current epoch (the
    epoch memo): each call empties those caches first (it has no channel tables, which
    only the fast selection builds).
    """

    _FAST = False

    def _select(
        self, pool: Pool, ticket: Ticket, at: datetime, counts: dict[str, int] | None = None
    ) -> Selection:
        self._selected = {}
        return super()._select(pool, ticket, at, counts)

    def _explain(
        self, pool: Pool, sel: Selection, route: str, rules_passed: tuple[tuple[str, str], ...] = ()
    ) -> Explanation:
        self._explained = {}
        return super()._explain(pool, sel, route, rules_passed)


#: The strategies with a fast path, twice as likely as the others.
FAST = [Sequential(), LeastLoaded(), LongestIdle()]
PICK = st.sampled_from([*FAST, *STRATEGIES])
AGENTS = ["a1", "a2", "a3", "a4", "a5", "a6", "b1"]
EXTRA = ["x1", "x2"]
NEEDS: list[set[str]] = [set(), set(), set(), {"billing"}, {"refunds"}]
LANGS = [None, None, "en", "de"]
CHANNELS = ["email", "email", "chat", "Chat", "phone"]
CHANNEL_CAPS: list[dict[str, int]] = [{}, {}, {"chat": 1}, {"chat": 2, "phone": 0}, {"email": 1, "chat": 1}]


def make_agents() -> list[Agent]:
    """Seven agents: six of tier 1 with mixed languages, skills, caps and weights, one of tier 2."""
    return [
        Agent(id="a1", languages=["en"], skills=["billing"], channel_caps={"chat": 1}),
        Agent(id="a2", languages=["en", "de"], weight=2),
        Agent(id="a3", languages=["de"], cap=4, skills=["billing", "refunds"], channel_caps={"phone": 0}),
        Agent(id="a4", languages=["en"], departments=["sales"]),
        Agent(id="a5", languages=["de", "en"], skills=["refunds"], departments=["sales"]),
        Agent(id="a6", languages=["en"], cap=1),
        Agent(id="b1", tier=2, languages=["en", "de"], skills=["billing"]),
    ]


def make_routing(
    team: Strategy, listed: Strategy, cap: int, backlog: bool, flags: tuple[bool, ...]
) -> Routing:
    """Rules to an agent and to the listed pool, a tier-1 pool of everyone, a listed pool, a tier-2 pool."""
    offline_ok, match_language, on_closure, returns = flags
    return Routing(
        rules=[
            Rule(name="vip to a1", when=F.tags.has("vip"), agent="a1"),
            Rule(name="sales", when=F.tags.has("sales"), pool="listed"),
        ],
        pools=[
            Pool(
                name="team",
                tier=1,
                strategy=team,
                cap=cap,
                backlog=backlog,
                assign_offline=offline_ok,
                match_language=match_language,
                assign_on_closure=on_closure,
            ),
            Pool(
                name="listed",
                agents=["a5", "a2", "a4", "a6"],
                strategy=listed,
                cap=cap + 1,
                channel_caps={"chat": 1, "email": cap},
                backlog=True,
            ),
            Pool(name="second", tier=2, cap=cap, backlog=backlog, strategy=team),
        ],
        tiers={1: "team", 2: "second"},
        escalation_tags=["crash"],
        return_on_offline=returns,
    )


class FastLaw(RuleBasedStateMachine):
    """Two dispatchers in lockstep: fast and reference."""

    def __init__(self) -> None:
        super().__init__()
        self.fast: Dispatcher
        self.ref: Dispatcher
        self.minute = 0
        self.serial = 0

    @initialize(
        team=PICK,
        listed=PICK,
        cap=st.integers(1, 3),
        backlog=st.booleans(),
        flags=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    )
    def setup(
        self, team: Strategy, listed: Strategy, cap: int, backlog: bool, flags: tuple[bool, ...]
    ) -> None:
        routing = make_routing(team, listed, cap, backlog, flags)
        self.fast = Dispatcher(routing, make_agents())
        self.ref = ReferenceDispatcher(routing, make_agents())
        assert type(self.fast) is Dispatcher
        note(f"team: {team}, listed: {listed}, cap {cap}, backlog {backlog}, flags {flags}")

    def at(self, minutes: int = 1) -> datetime:
        self.minute += minutes
        return T0 + timedelta(minutes=self.minute)

    def feed(self, event: object) -> None:
        """The event into both: the same decisions (dict forms), or the same refusal; then the same state."""
        before = self.fast.to_dict()
        refused: TicketcoreError | None = None
        try:
            out = self.fast.handle(event)
        except TicketcoreError as error:
            refused = error
        if refused is not None:
            assert self.fast.to_dict() == before, "a refused event changed the state"
            with pytest.raises(type(refused)) as info:
                self.ref.handle(event)
            assert str(info.value) == str(refused)
            return
        expected = self.ref.handle(event)
        assert [d.to_dict() for d in out] == [d.to_dict() for d in expected]
        assert out == expected
        assert self.fast.to_dict() == self.ref.to_dict()
        assert self.fast.rotation() == self.ref.rotation()
        self.check_channel_loads()

    def check_channel_loads(self) -> None:
        """Each agent's load per channel is the count of their counted tickets of that channel."""
        held: dict[tuple[str, str], int] = {}
        for tid in self.fast.tickets():
            ticket = self.fast.ticket(tid)
            if ticket.assignee is not None and ticket.status in self.fast.routing.counted:
                key = (ticket.assignee, ticket.channel.casefold())
                held[key] = held.get(key, 0) + 1
        for agent in self.fast.agents:
            for channel in ("email", "chat", "phone"):
                assert self.fast.load(agent.id, channel) == held.get((agent.id, channel), 0)
                assert self.ref.load(agent.id, channel) == held.get((agent.id, channel), 0)

    def known(self, data: st.DataObject) -> str | None:
        tickets = self.fast.tickets()
        return data.draw(st.sampled_from(tickets)) if tickets else None

    # ------------------------------------------------------------ events

    @rule(
        skills=st.sampled_from(NEEDS),
        language=st.sampled_from(LANGS),
        tag=st.sampled_from([None, None, None, "vip", "sales", "crash"]),
        priority=st.sampled_from(list(Priority)),
        minutes=st.integers(0, 3),
        channel=st.sampled_from(CHANNELS),
    )
    def create(
        self,
        *,
        skills: set[str],
        language: str | None,
        tag: str | None,
        priority: Priority,
        minutes: int,
        channel: str,
    ) -> None:
        self.serial += 1
        ticket = Ticket(
            id=f"T{self.serial}",
            created=self.at(minutes),
            skills=skills,
            language=language,
            tags=set() if tag is None else {tag},
            priority=priority,
            channel=channel,
        )
        self.feed(TicketCreated(ticket=ticket))

    @rule(
        data=st.data(),
        new=st.sampled_from([Status.SOLVED, Status.SOLVED, Status.CLOSED, Status.PENDING, Status.OPEN]),
    )
    def change_status(self, data: st.DataObject, new: Status) -> None:
        tid = self.known(data)
        if tid is not None:
            self.feed(StatusChanged(ticket_id=tid, at=self.at(), status=new))

    @rule(data=st.data(), skills=st.sampled_from(NEEDS), language=st.sampled_from(LANGS))
    def change_needs(self, data: st.DataObject, skills: set[str], language: str | None) -> None:
        tid = self.known(data)
        if tid is not None:
            changes = {"skills": skills, "language": language}
            self.feed(TicketUpdated(ticket_id=tid, at=self.at(), changes=changes))

    @rule(data=st.data(), channel=st.sampled_from(CHANNELS))
    def change_channel(self, data: st.DataObject, channel: str) -> None:
        tid = self.known(data)
        if tid is not None:
            self.feed(TicketUpdated(ticket_id=tid, at=self.at(), changes={"channel": channel}))

    @rule(agent=st.sampled_from(AGENTS + EXTRA), caps=st.sampled_from(CHANNEL_CAPS))
    def change_channel_caps(self, agent: str, caps: dict[str, int]) -> None:
        self.feed(AgentChanged(at=self.at(), agent_id=agent, changes={"channel_caps": caps}))

    @rule(
        agent=st.sampled_from(AGENTS + EXTRA),
        presence=st.sampled_from(["online", "online", "away", "offline"]),
    )
    def presence(self, agent: str, presence: str) -> None:
        self.feed(PresenceChanged(agent_id=agent, at=self.at(), presence=presence))

    @rule(data=st.data(), agent=st.sampled_from(AGENTS))
    def transfer(self, data: st.DataObject, agent: str) -> None:
        tid = self.known(data)
        if tid is not None:
            self.feed(TicketTransferred(ticket_id=tid, at=self.at(), to_agent=agent))

    @rule(data=st.data())
    def reply_or_escalate(self, data: st.DataObject) -> None:
        tid = self.known(data)
        if tid is not None:
            if data.draw(st.booleans()):
                self.feed(AgentReply(ticket_id=tid, at=self.at()))
            else:
                self.feed(TicketEscalated(ticket_id=tid, at=self.at(), to_tier=2))

    @rule(agent=st.sampled_from(AGENTS + EXTRA), cap=st.sampled_from([None, 1, 2, 3, 5]))
    def change_cap(self, agent: str, cap: int | None) -> None:
        self.feed(AgentChanged(at=self.at(), agent_id=agent, changes={"cap": cap}))

    @rule(agent=st.sampled_from([*EXTRA, "a6"]), listed=st.booleans())
    def add_or_remove(self, agent: str, listed: bool) -> None:
        if agent in {a.id for a in self.fast.agents}:
            self.feed(AgentRemoved(agent_id=agent, at=self.at()))
        else:
            new = Agent(id=agent, languages=["de", "en"], skills=["refunds"])
            self.feed(AgentAdded(agent=new, at=self.at(), pools=("listed",) if listed else ()))

    @rule(team=PICK, listed=PICK, cap=st.integers(1, 3), backlog=st.booleans())
    def change_routing(self, team: Strategy, listed: Strategy, cap: int, backlog: bool) -> None:
        flags = (False, bool(self.serial % 2), True, bool(self.minute % 2))
        self.feed(RoutingChanged(routing=make_routing(team, listed, cap, backlog, flags), at=self.at()))

    @rule(pool=st.sampled_from(["team", "listed", "second"]), strategy=PICK)
    def change_pool(self, pool: str, strategy: Strategy) -> None:
        self.feed(PoolChanged(pool=pool, at=self.at(), changes={"strategy": strategy}))

    @rule(pool=st.sampled_from(["team", "listed", "second"]), caps=st.sampled_from(CHANNEL_CAPS))
    def change_pool_channel_caps(self, pool: str, caps: dict[str, int]) -> None:
        self.feed(PoolChanged(pool=pool, at=self.at(), changes={"channel_caps": caps}))

    @rule(minutes=st.integers(0, 30))
    def tick(self, minutes: int) -> None:
        self.feed(Tick(at=self.at(minutes)))

    @precondition(lambda self: hasattr(self, "fast"))
    @rule(how=st.sampled_from(["dict", "parts", "cross"]))
    def round_trip(self, how: str) -> None:
        """Both restored from their stored forms (``cross``: each from the other's) decide on alike."""
        if how == "dict":
            self.fast = Dispatcher.from_dict(json.loads(json.dumps(self.fast.to_dict())))
            self.ref = ReferenceDispatcher.from_dict(json.loads(json.dumps(self.ref.to_dict())))
        elif how == "parts":
            shared = json.loads(json.dumps(self.fast.shared_state()))
            rows = [json.loads(json.dumps(self.fast.ticket_state(t))) for t in reversed(self.fast.tickets())]
            self.fast = Dispatcher.from_parts(shared, rows)
        else:
            fast_state, ref_state = self.fast.to_dict(), self.ref.to_dict()
            self.fast = Dispatcher.from_dict(ref_state)
            self.ref = ReferenceDispatcher.from_dict(fast_state)
        assert self.fast.to_dict() == self.ref.to_dict()


FastLaw.TestCase.settings = settings(FastLaw.TestCase.settings, max_examples=200, stateful_step_count=50)
TestFastLaw = pytest.mark.slow(FastLaw.TestCase)


def test_reference_dispatcher_runs_the_reference() -> None:
    """The law's reference skips the fast structures and the epoch memo (else the law compares
    the fast path with itself)."""
    routing = Routing(pools=[Pool(name="p", strategy=LeastLoaded(), cap=2)], default_pool="p")
    ref = ReferenceDispatcher(routing, [Agent(id="a"), Agent(id="b")])
    fast = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    assert ref._ranked == {}
    assert ref._open == {}
    assert set(fast._ranked) == {"p"}
    assert ref._ch.tables == {}
    ticket = Ticket(id="T-1", created=T0)
    first = ref._select(routing.pools[0], ticket, T0)
    assert ref._selected["p"][1] is first  # cached under the epoch, and yet:
    assert ref._select(routing.pools[0], ticket, T0) is not first
