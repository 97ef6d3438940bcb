"""Caps per channel (issue 18): an agent's cap per channel beside the overall cap.

Golden cases follow the public product documentation:

- Zendesk, "Creating capacity rules to balance agent workloads"
  (https://support.zendesk.com/hc/en-us/articles/4776409839770): a capacity per channel
  ("only 10 open email tickets can be assigned to an agent at a time"); routing assigns
  "to the agent with the highest spare capacity for the channel"; round robin "checks that
  agents have some amount of spare capacity".
- Zendesk, "My agent automatically gets assigned more tickets than their capacity allows"
  (https://support.zendesk.com/hc/en-us/articles/5308501814042): the "Set routing channel"
  action makes a messaging ticket "count as an email ... toward the email capacity instead
  of messaging"; manual assignment can take an agent past the capacity.
- Zendesk omnichannel routing (https://support.zendesk.com/hc/en-us/articles/6083625616666):
  solved, pending and on-hold tickets stop counting toward capacity.
- Freshdesk, "Configure Omniroute settings"
  (https://support.freshdesk.com/support/solutions/articles/238979-configure-omniroute-settings):
  a default load for every agent ("10 tickets and 5 chats") with agent-level overrides.
- Freshdesk, "Setting up load-balanced ticket assignment"
  (https://support.freshdesk.com/support/solutions/articles/221919): a ticket assigned by
  hand past the limit is "counted as excess", and the agent gets no new ticket "until his/her
  number of tickets falls below the set threshold".
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from ticketcore import HorizonExceeded, InvalidInput, InvalidTransition, Status, Ticket
from ticketcore.assign import (
    Agent,
    AgentChanged,
    Dispatcher,
    LeastLoaded,
    LongestIdle,
    Pool,
    PoolChanged,
    Routing,
    Rule,
    Sequential,
    SpareCapacity,
    Strategy,
    TicketTransferred,
    choose,
)
from ticketcore.conditions import F
from ticketcore.events import StatusChanged, TicketCreated, TicketUpdated
from ticketcore.sla import SLAPolicies

from dispatch_helpers import DOOM, STRATEGIES, T0, assigned, left, queued

SEQUENTIAL: Strategy = Sequential()


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def created(tid: str, minute: int, channel: str = "email", **fields: Any) -> TicketCreated:
    return TicketCreated(ticket=Ticket(id=tid, created=at(minute), channel=channel, **fields))


def team(strategy: Strategy = SEQUENTIAL, **pool: Any) -> Routing:
    return Routing(pools=[Pool(name="team", strategy=strategy, backlog=True, **pool)], default_pool="team")


# -- the model -------------------------------------------------------------------------


def test_channel_caps_are_case_insensitive_sorted_pairs_with_a_dict_form() -> None:
    agent = Agent(id="ana", cap=10, channel_caps={"Email": 10, "chat": 3})

    assert agent.channel_caps == (("chat", 3), ("email", 10))
    assert agent.channel_cap("CHAT") == 3
    assert agent.channel_cap("phone") is None
    assert agent.to_dict() == {"id": "ana", "cap": 10, "channel_caps": {"chat": 3, "email": 10}}
    assert Agent.from_dict(json.loads(json.dumps(agent.to_dict()))) == agent
    pool = Pool(name="team", channel_caps={"phone": 1})
    assert Pool.from_dict(pool.to_dict()) == pool
    assert pool.channel_cap("Phone") == 1


@pytest.mark.parametrize(
    ("caps", "field"),
    [
        ({"chat": -1}, "agent.channel_caps.chat"),
        ({"chat": True}, "agent.channel_caps.chat"),
        ({"chat": 2.0}, "agent.channel_caps.chat"),
        ({"chat": 1, "Chat": 2}, "agent.channel_caps.Chat"),
        ({"": 1}, "agent.channel_caps"),
        (["chat", 3], "agent.channel_caps"),
        ("chat", "agent.channel_caps"),
    ],
)
def test_bad_channel_caps_are_refused_with_the_path(caps: object, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        Agent.from_dict({"id": "ana", "channel_caps": caps})

    assert e.value.field == field


def test_a_channel_cap_of_zero_means_none_of_that_channel() -> None:
    d = Dispatcher(team(), [Agent(id="ana", channel_caps={"phone": 0}), Agent(id="ben")])

    (phone,) = d.handle(created("P1", 0, "phone"))

    assert assigned(phone).agent_id == "ben"
    assert assigned(phone).explanation.passed == (("ana", "at phone cap 0/0"),)


# -- what counts and what binds --------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES, ids=str)
def test_every_strategy_respects_the_channel_cap_and_leaves_other_channels_to_the_overall_cap(
    strategy: Strategy,
) -> None:
    """Zendesk 4776409839770: a capacity per channel; a channel without one: the overall cap only."""
    agents = [Agent(id="ana", channel_caps={"chat": 1}), Agent(id="ben", channel_caps={"chat": 1})]
    d = Dispatcher(team(strategy, cap=2), agents)

    out = [x for i, ch in enumerate(["chat", "chat", "chat"]) for x in d.handle(created(f"C{i}", i, ch))]

    assert sorted(assigned(x).agent_id for x in out[:2]) == ["ana", "ben"]
    assert queued(out[2]).explanation.passed == (("ana", "at chat cap 1/1"), ("ben", "at chat cap 1/1"))
    assert d.backlog("team") == ("C2",)
    (email,) = d.handle(created("E1", 5))  # email has no cap of its own: the overall cap 2 binds
    assert assigned(email).agent_id in ("ana", "ben")
    d.handle(created("E2", 6))
    (full,) = d.handle(created("E3", 7))
    assert queued(full).explanation.passed == (("ana", "at cap 2/2"), ("ben", "at cap 2/2"))


def test_the_overall_cap_binds_beside_the_channel_caps() -> None:
    """Freshdesk 238979: a load of tickets and of chats; ticketcore adds the overall cap above both."""
    d = Dispatcher(team(), [Agent(id="ana", cap=2, channel_caps={"chat": 5, "email": 10})])

    d.handle(created("C1", 0, "chat"))
    d.handle(created("E1", 1))
    (third,) = d.handle(created("C2", 2, "chat"))

    assert queued(third).explanation.passed == (("ana", "at cap 2/2"),)
    assert (d.load("ana"), d.load("ana", "chat"), d.load("ana", "Email"), d.load("ana", "phone")) == (
        2,
        1,
        1,
        0,
    )


def test_an_agents_channel_cap_overrides_the_pools_for_that_channel_only() -> None:
    """Freshdesk 238979: a default load for every agent, overridden per agent."""
    routing = team(channel_caps={"chat": 1, "email": 1})
    d = Dispatcher(routing, [Agent(id="ana", channel_caps={"chat": 2})])

    got = [
        x.agent_id for i in range(3) for x in d.handle(created(f"C{i}", i, "chat")) if hasattr(x, "agent_id")
    ]
    (email1,) = d.handle(created("E1", 5))
    (email2,) = d.handle(created("E2", 6))

    assert got == ["ana", "ana"]
    assert assigned(email1).agent_id == "ana"
    assert queued(email2).explanation.passed == (("ana", "at email cap 1/1"),)


def test_only_counted_statuses_load_a_channel() -> None:
    """Zendesk 6083625616666: pending and on-hold tickets stay assigned but stop counting."""
    d = Dispatcher(team(), [Agent(id="ana", channel_caps={"chat": 1})])
    d.handle(created("C1", 0, "chat"))
    d.handle(created("C2", 1, "chat"))

    (handed,) = d.handle(StatusChanged(ticket_id="C1", at=at(2), status="pending"))

    assert (handed.ticket_id, assigned(handed).agent_id, handed.cause) == ("C2", "ana", "backlog")
    assert d.load("ana", "chat") == 1


def test_a_ticket_whose_channel_changes_counts_toward_its_new_channel_and_frees_the_old() -> None:
    """Zendesk 5308501814042: "Set routing channel" makes a messaging ticket count as email."""
    d = Dispatcher(team(), [Agent(id="ana", channel_caps={"chat": 1, "email": 5})])
    d.handle(created("C1", 0, "chat"))
    d.handle(created("C2", 1, "chat"))  # waits: ana is at her chat cap

    (handed,) = d.handle(TicketUpdated(ticket_id="C1", at=at(2), changes={"channel": "email"}))

    assert (handed.ticket_id, assigned(handed).agent_id) == ("C2", "ana")
    assert (d.load("ana", "chat"), d.load("ana", "email"), d.load("ana")) == (1, 1, 2)


def test_a_lowered_cap_takes_nothing_away_and_stops_that_channel_until_under() -> None:
    """Freshdesk 221919: the excess is counted; nothing new until below the limit."""
    d = Dispatcher(team(), [Agent(id="ana", channel_caps={"chat": 3})])
    for i in range(3):
        d.handle(created(f"C{i}", i, "chat"))

    assert d.handle(AgentChanged(at=at(5), agent_id="ana", changes={"channel_caps": {"chat": 1}})) == ()
    assert d.place("C0") == ("assigned", "ana")
    (waits,) = d.handle(created("C9", 6, "chat"))
    assert queued(waits).explanation.passed == (("ana", "at chat cap 3/1"),)
    (email,) = d.handle(created("E1", 7))
    assert assigned(email).agent_id == "ana"
    d.handle(StatusChanged(ticket_id="C0", at=at(8), status="solved"))
    assert d.place("C9")[0] == "backlog"  # 2 chats held, cap 1: still over
    d.handle(StatusChanged(ticket_id="C1", at=at(9), status="solved"))
    assert d.place("C9")[0] == "backlog"  # 1 held, cap 1: at the cap
    (handed,) = d.handle(StatusChanged(ticket_id="C2", at=at(10), status="solved"))
    assert handed.ticket_id == "C9"


def test_a_manual_transfer_may_pass_the_channel_cap_which_then_holds_automatic_work() -> None:
    """Zendesk 5308501814042 and Freshdesk 221919: a manual assignment can exceed capacity."""
    d = Dispatcher(team(), [Agent(id="ana", channel_caps={"chat": 1}), Agent(id="ben")])
    d.handle(created("C1", 0, "chat"))
    d.handle(created("C2", 1, "chat"))  # ben

    (moved,) = d.handle(TicketTransferred(ticket_id="C2", at=at(2), to_agent="ana"))
    (next_chat,) = d.handle(created("C3", 3, "chat"))

    assert assigned(moved).agent_id == "ana"
    assert d.load("ana", "chat") == 2
    assert assigned(next_chat).agent_id == "ben"
    assert assigned(next_chat).explanation.passed == (("ana", "at chat cap 2/1"),)


# -- the backlog -----------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES, ids=str)
def test_a_freed_chat_slot_takes_the_oldest_chat_not_an_older_email_the_agent_cannot_take(
    strategy: Strategy,
) -> None:
    d = Dispatcher(team(strategy, cap=9), [Agent(id="ana", channel_caps={"chat": 1, "email": 1})])
    d.handle(created("C1", 0, "chat"))
    d.handle(created("E1", 1))
    d.handle(created("E2", 2))  # waits: email cap
    d.handle(created("C2", 3, "chat"))  # waits: chat cap

    (handed,) = d.handle(StatusChanged(ticket_id="C1", at=at(4), status="solved"))

    assert (handed.ticket_id, assigned(handed).agent_id) == ("C2", "ana")
    assert d.backlog("team") == ("E2",)


def test_assign_on_closure_gives_the_owner_the_oldest_ticket_of_a_channel_with_room() -> None:
    routing = Routing(
        pools=[Pool(name="team", backlog=True, assign_on_closure=True)],
        default_pool="team",
    )
    d = Dispatcher(routing, [Agent(id="ana", channel_caps={"chat": 1, "email": 1})])
    d.handle(created("C1", 0, "chat"))
    d.handle(created("E1", 1))
    d.handle(created("C2", 2, "chat"))  # waits: chat cap
    d.handle(created("E2", 3))  # waits: email cap

    (handed,) = d.handle(StatusChanged(ticket_id="E1", at=at(4), status="closed"))

    assert (handed.ticket_id, handed.reason) == ("E2", "assign_on_closure")


def test_channel_caps_added_later_split_a_waiting_backlog_by_channel() -> None:
    """A cap per channel given while tickets wait: the lines are filed anew, so none blocks another."""
    d = Dispatcher(team(cap=1), [Agent(id="ana")])
    d.handle(created("X", 0, "chat"))  # ana is full
    d.handle(created("C1", 1, "chat"))
    d.handle(created("E1", 2))
    d.handle(AgentChanged(at=at(3), agent_id="ana", changes={"cap": 5, "channel_caps": {"chat": 1}}))

    assert d.place("E1") == ("assigned", "ana")  # the waiting chat did not hold the email up
    assert d.backlog("team") == ("C1",)


# -- strategies --------------------------------------------------------------------------


def test_spare_capacity_counts_in_the_tickets_channel() -> None:
    """Zendesk 4776409839770: "the highest spare capacity for the channel"."""
    routing = Routing(pools=[Pool(name="team", strategy=SpareCapacity())], default_pool="team")
    agents = [Agent(id="a", cap=20, channel_caps={"chat": 3}), Agent(id="b", cap=4, channel_caps={"chat": 1})]
    chat = Ticket(id="T", created=T0, channel="chat")

    decision, _ = choose(chat, routing, agents, {"a": 1, "b": 0}, channel_loads={"a": {"chat": 1}})
    assert assigned(decision).agent_id == "a"
    assert assigned(decision).explanation.tiebreak == "most spare capacity in chat (2 spare)"

    email = Ticket(id="E", created=T0)
    decision, _ = choose(email, routing, agents, {"a": 1, "b": 0}, channel_loads={"a": {"chat": 1}})
    assert assigned(decision).agent_id == "a"
    assert assigned(decision).explanation.tiebreak == "most spare capacity (19 spare)"


def test_spare_percentage_takes_the_share_of_the_cap_that_binds_first() -> None:
    """Zendesk's example, in one channel: 1 of 2 chats (50%) beats 8 of 10 (20%)."""
    routing = Routing(pools=[Pool(name="team", strategy=SpareCapacity(percentage=True))], default_pool="team")
    agents = [Agent(id="a", channel_caps={"chat": 2}), Agent(id="b", channel_caps={"chat": 10})]
    loads = {"a": {"chat": 1}, "b": {"chat": 8}}
    chat = Ticket(id="T", created=T0, channel="chat")

    decision, _ = choose(chat, routing, agents, {"a": 1, "b": 8}, channel_loads=loads)

    assert assigned(decision).agent_id == "a"
    assert assigned(decision).explanation.tiebreak == "most spare capacity in chat (1/2 of cap spare)"
    email = Ticket(id="E", created=T0)
    decision, _ = choose(email, routing, agents, {"a": 1, "b": 8}, channel_loads=loads)
    assert left(decision).explanation.passed == (
        ("a", "no cap, which the spare_capacity strategy needs"),
        ("b", "no cap, which the spare_capacity strategy needs"),
    )


@pytest.mark.parametrize("strategy", [LeastLoaded(), LongestIdle()], ids=str)
def test_least_loaded_reads_the_overall_load(strategy: Strategy) -> None:
    routing = Routing(pools=[Pool(name="team", strategy=LeastLoaded())], default_pool="team")
    agents = [Agent(id="a", channel_caps={"chat": 5}), Agent(id="b", channel_caps={"chat": 5})]
    chat = Ticket(id="T", created=T0, channel="chat")

    decision, _ = choose(
        chat, routing, agents, {"a": 1, "b": 3}, channel_loads={"b": {"chat": 0}, "a": {"chat": 1}}
    )

    assert assigned(decision).agent_id == "a"


def test_choose_refuses_bad_channel_loads() -> None:
    routing = team()
    t = Ticket(id="T", created=T0)
    with pytest.raises(InvalidInput) as e:
        choose(t, routing, [Agent(id="a")], {}, channel_loads={"a": {"chat": -1}})
    assert e.value.field == "channel_loads['a']['chat']"
    with pytest.raises(InvalidTransition):
        choose(t, routing, [Agent(id="a")], {}, channel_loads={"zed": {"chat": 1}})


# -- direct rules, loads, state -------------------------------------------------------


def test_a_direct_rule_that_respects_availability_checks_the_channel_cap() -> None:
    routing = Routing(
        rules=[Rule(name="chat to cat", when=F.channel == "chat", agent="cat", respect_availability=True)],
        pools=[Pool(name="team", agents=["cat", "ben"], channel_caps={"chat": 1})],
        default_pool="team",
    )
    d = Dispatcher(routing, [Agent(id="cat"), Agent(id="ben")])
    (first,) = d.handle(created("C1", 0, "chat"))  # the pool's chat cap is cat's cap for the rule

    (second,) = d.handle(created("C2", 1, "chat"))

    assert assigned(first).agent_id == "cat"
    assert assigned(second).agent_id == "ben"
    assert assigned(second).explanation.rules_passed == (("chat to cat", "agent 'cat' is at chat cap 1/1"),)


def test_load_by_channel_refuses_a_bad_channel() -> None:
    d = Dispatcher(team(), [Agent(id="ana")])
    with pytest.raises(InvalidInput) as e:
        d.load("ana", "")  # a channel must be named
    assert e.value.field == "channel"
    with pytest.raises(InvalidTransition):
        d.load("zed", "chat")


def test_the_state_round_trip_keeps_loads_per_channel_without_a_new_version() -> None:
    d = Dispatcher(
        team(channel_caps={"chat": 1}), [Agent(id="ana"), Agent(id="ben", channel_caps={"chat": 2})]
    )
    for i, ch in enumerate(["chat", "chat", "chat", "email", "chat"]):
        d.handle(created(f"T{i}", i, ch))
    state = json.loads(json.dumps(d.to_dict()))
    again = Dispatcher.from_dict(state)

    assert state["version"] == 2
    assert again.to_dict() == d.to_dict()
    assert [again.load(a, "chat") for a in ("ana", "ben")] == [d.load(a, "chat") for a in ("ana", "ben")]
    e = created("T9", 9, "chat")
    assert again.handle(e) == d.handle(e)


def test_a_pool_change_of_channel_caps_hands_out_waiting_tickets() -> None:
    d = Dispatcher(team(channel_caps={"chat": 1}), [Agent(id="ana")])
    d.handle(created("C1", 0, "chat"))
    d.handle(created("C2", 1, "chat"))

    (handed,) = d.handle(PoolChanged(pool="team", at=at(2), changes={"channel_caps": {"chat": 2}}))

    assert (handed.ticket_id, assigned(handed).agent_id) == ("C2", "ana")


def test_a_failed_update_that_moved_a_channel_leaves_the_loads_as_they_were() -> None:
    """Atomicity: a channel change whose re-routing cannot compute a due time undoes everything."""
    routing = Routing(
        rules=[Rule(name="doom", when=F.tags.has("doom"), pool="due", on=["update"])],
        pools=[
            Pool(name="team", channel_caps={"chat": 1}),
            Pool(name="due", agents=["zed"], backlog=True, backlog_order="due"),
        ],
        default_pool="team",
    )
    d = Dispatcher(routing, [Agent(id="ana"), Agent(id="zed", presence="offline")], sla=SLAPolicies([DOOM]))
    d.handle(created("C1", 0, "chat"))
    before = d.to_dict()

    with pytest.raises(HorizonExceeded):
        d.handle(TicketUpdated(ticket_id="C1", at=at(1), changes={"channel": "email", "tags": {"doom"}}))

    assert d.to_dict() == before
    assert (d.load("ana", "chat"), d.load("ana", "email")) == (1, 0)
    (waits,) = d.handle(created("C2", 2, "chat"))
    assert ("ana", "at chat cap 1/1") in left(waits).explanation.passed


def test_solving_frees_the_slot_of_the_status_counted() -> None:
    d = Dispatcher(team(), [Agent(id="ana", channel_caps={"chat": 1})])
    d.handle(created("C1", 0, "chat"))
    d.handle(StatusChanged(ticket_id="C1", at=at(1), status=Status.SOLVED))

    assert d.load("ana", "chat") == 0


# -- configuration and the desk ---------------------------------------------------------


def test_a_desk_from_toml_routes_by_channel_caps_end_to_end() -> None:
    from ticketcore.desk import Desk, DeskConfig, event_from_dict, event_to_dict  # noqa: PLC0415

    config = DeskConfig.from_toml(
        """
[routing]
pools = [{ name = "team", strategy = "spare_capacity", backlog = true, channel_caps = { phone = 1 } }]
default_pool = "team"

[[agents]]
id = "ana"
cap = 10
channel_caps = { chat = 1, email = 10 }

[[agents]]
id = "ben"
channel_caps = { Chat = 2 }
"""
    )
    assert config.agents[0].channel_caps == (("chat", 1), ("email", 10))
    assert DeskConfig.from_json(json.dumps(config.to_dict())) == config
    desk = Desk(config)

    got = [desk.handle(created(f"C{i}", i, "chat")).decisions[0] for i in range(4)]

    assert [getattr(x, "agent_id", None) for x in got] == ["ben", "ana", "ben", None]
    assert assigned(got[0]).explanation.tiebreak == "most spare capacity in chat (2 spare)"
    assert queued(got[3]).explanation.passed == (("ana", "at chat cap 1/1"), ("ben", "at chat cap 2/2"))
    change = AgentChanged(at=at(5), agent_id="ben", changes={"channel_caps": {"chat": 3}})
    assert event_from_dict(json.loads(json.dumps(event_to_dict(change)))) == change
    (handed,) = desk.handle(change).decisions
    assert (handed.ticket_id, assigned(handed).agent_id) == ("C3", "ben")
    cleared = AgentChanged(at=at(6), agent_id="ben", changes={"channel_caps": {}})
    assert event_from_dict(json.loads(json.dumps(event_to_dict(cleared)))) == cleared
