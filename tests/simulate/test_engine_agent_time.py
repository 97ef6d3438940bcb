"""The agent's time (issue 18): one ticket at a time, concurrent chats, the customer's turn.

The golden cases are small enough to compute by hand: one agent, fixed handling times
(the first reply 10 minutes into the work, the solve after 30), and a seed whose first two
tickets arrive close together and no third comes in the run. Each test states the
arithmetic; ``g`` is the gap between the two arrivals.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput
from ticketcore.simulate import Scenario, TicketOutcome, simulate

S = timedelta(seconds=1)
US = timedelta(microseconds=1)


def one_agent(seed: int, **changes: Any) -> Scenario:
    data: dict[str, Any] = {
        "seed": seed,
        "days": 0.25,
        "arrivals": {"per_day": 12},
        "agents": {"count": 1},
        "handling": {"*": {"solve": {"fixed": "30m"}, "first_response": {"fixed": "10m"}}},
        "customers": {"close_after": "0s"},
        "routing": {"pools": [{"name": "p", "cap": 2, "backlog": True}], "default_pool": "p"},
    }
    for key, value in changes.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) and key in data else value
    return Scenario.from_dict(data)


def two(scenario: Scenario) -> tuple[TicketOutcome, TicketOutcome, float]:
    tickets = simulate(scenario).tickets or ()
    assert len(tickets) == 2
    first, second = tickets
    return first, second, (second.created - first.created) / S


def test_two_emails_to_one_agent_with_cap_2_the_second_waits_for_the_first() -> None:
    """Both are assigned at once (cap 2), but the agent starts the second at a1 + 30m:
    its first reply comes at 30m - g + 10m, its solve at 30m - g + 30m."""
    first, second, g = two(one_agent(12))
    assert 0 < g < 60
    assert first.wait == second.wait == timedelta(0)
    assert first.first_response == 600 * S
    assert first.resolution == 1800 * S
    assert second.first_response == pytest.approx((2400 - g) * S, abs=US)
    assert second.resolution == pytest.approx((3600 - g) * S, abs=US)


def test_two_chats_at_once_share_the_agent_with_a_slowdown() -> None:
    """Concurrency 2, slowdown 1.5: chat 1 works alone for g, then both at 1/1.5.

    Chat 1: 600 - g of work to its reply takes 1.5 (600 - g), so its first response is
    g + 1.5 (600 - g); its solve comes at g + 1.5 (1800 - g). Chat 2 replies at 1.5 x 600
    = 900 s; when chat 1 is solved it has done 1800 - g, and its last g runs at full speed.
    """
    first, second, g = two(
        one_agent(12, arrivals={"channels": {"chat": 1}}, concurrency={"chat": 2}, slowdown={"chat": 1.5})
    )
    assert 0 < g < 600
    assert first.first_response == pytest.approx((g + 1.5 * (600 - g)) * S, abs=2 * US)
    assert first.resolution == pytest.approx((g + 1.5 * (1800 - g)) * S, abs=2 * US)
    assert second.first_response == pytest.approx(900 * S, abs=2 * US)
    assert second.resolution == pytest.approx(first.resolution, abs=2 * US)  # 1.5 (1800 - g) + g - g


def test_a_chat_suspends_the_email_in_hand() -> None:
    """Email at a1, chat at a1 + g (g < 10m): the email stops with 600 - g to its reply;
    the chat runs alone (reply 10m, solve 30m); then the email resumes: its reply at
    g + 1800 + (600 - g) = 2400 s, its solve at 3600 s."""
    first, second, g = two(
        one_agent(212, arrivals={"channels": {"chat": 1, "email": 1}}, concurrency={"chat": 2})
    )
    assert (first.channel, second.channel) == ("email", "chat")
    assert 0 < g < 600
    assert (second.first_response, second.resolution) == (600 * S, 1800 * S)
    assert first.first_response == pytest.approx(2400 * S, abs=US)
    assert first.resolution == pytest.approx(3600 * S, abs=US)


def test_the_customers_turn_frees_the_agent() -> None:
    """Each ticket: 10m of work, the customer 5m, 5m of work, the customer 5m, 5m of work.

    t1 works 0-10, the customer 10-15; the agent takes t2 at 10 (g < 5m), replies at 20;
    t1's customer wrote at 15 and waits in the queue until 20; t1 is answered at 25, t2
    (its customer wrote at 25) at 30, t1 solved at 35 (its customer wrote at 30), t2 at 40.
    """
    first, second, g = two(
        one_agent(
            16,
            handling={
                "*": {
                    "solve": {"fixed": "30m"},
                    "first_response": {"fixed": "10m"},
                    "next_response": {"fixed": "5m"},
                }
            },
            customers={"reply_probability": 1, "reply_delay": {"fixed": "5m"}},
        )
    )
    assert 0 < g < 300
    assert (first.first_response, first.resolution) == (600 * S, 2100 * S)
    assert second.first_response == pytest.approx((1200 - g) * S, abs=US)
    assert second.resolution == pytest.approx((2400 - g) * S, abs=US)


def test_one_agent_is_a_single_server_queue_whatever_the_cap() -> None:
    """One agent, fixed work: the first come are served first, one at a time (Lindley's
    recursion ``start = max(arrival, previous end)``), with cap 1 or cap 4 alike; only the
    wait to assignment differs (cap 4: assigned when the fourth ticket ahead is done)."""
    for cap in (1, 4):
        scenario = one_agent(
            3,
            days=2,
            arrivals={"per_day": 40},
            routing={"pools": [{"name": "p", "cap": cap, "backlog": True}]},
        )
        result = simulate(scenario)
        tickets = [t for t in result.tickets or () if t.resolution is not None]
        assert len(tickets) > 60
        ends: list[timedelta] = []
        for t in tickets:
            arrival = t.created - tickets[0].created
            start = max(arrival, ends[-1]) if ends else arrival
            ends.append(start + 1800 * S)
            assert t.first_response == pytest.approx(start - arrival + 600 * S, abs=US)
            assert t.resolution == pytest.approx(start - arrival + 1800 * S, abs=US)
            ahead = ends[-1 - cap] if len(ends) > cap else timedelta(0)
            assert t.wait == pytest.approx(max(arrival, ahead) - arrival, abs=US)


def test_utilisation_is_time_working_and_held_is_time_holding() -> None:
    """Two emails at once: the agent works 60 minutes and holds one or two tickets the
    whole time; with one ticket the figures are 30 minutes each (of a 6-hour run)."""
    result = simulate(one_agent(12))
    agent = result.agents[0]
    assert agent.utilisation == pytest.approx(3600 / (6 * 3600))
    assert agent.held == pytest.approx(agent.utilisation)
    assert agent.in_hand == pytest.approx(agent.utilisation)
    assert agent.peak_load == 2


def test_work_by_due_time_takes_the_most_urgent_first() -> None:
    """By due time, an urgent email (due in 10 minutes) goes ahead of normal ones waiting
    in the agent's queue (due in 1 hour): urgent tickets wait less, normal ones more."""
    data = {
        "arrivals": {"per_day": 40, "priorities": {"normal": 0.7, "urgent": 0.3}},
        "days": 7,
        "routing": {"pools": [{"name": "p", "cap": 50, "backlog": True}]},
        "sla": {
            "policies": [
                {
                    "name": "std",
                    "targets": [
                        {
                            "name": "first_response",
                            "metric": "first_response",
                            "goals": {"normal": "1h", "urgent": "10m"},
                        }
                    ],
                }
            ]
        },
    }
    by_due = simulate(one_agent(5, work_order="due", **data))
    fifo = simulate(one_agent(5, **data))

    def mean(result: Any, priority: str) -> float:
        waits = [t.first_response / S for t in result.tickets if t.priority == priority and t.first_response]
        return float(sum(waits) / len(waits))

    assert mean(by_due, "urgent") < 0.9 * mean(fifo, "urgent")
    assert mean(by_due, "normal") > mean(fifo, "normal")


def test_same_seed_same_run_with_concurrent_chats_and_reopens() -> None:
    """The same seed, the same run (a pure function of scenario, strategy and seed)."""
    scenario = one_agent(
        7,
        days=3,
        arrivals={"per_day": 150, "channels": {"chat": 0.7, "email": 0.3}},
        agents={"count": 3},
        routing={"pools": [{"name": "p", "cap": 5, "backlog": True}]},
        concurrency={"chat": 3},
        slowdown={"chat": 1.2},
        customers={
            "reply_probability": 0.5,
            "reopen_probability": 0.2,
            "reopen_delay": {"exponential": "2h"},
        },
    )
    a, b = simulate(scenario, "least_loaded"), simulate(scenario, "least_loaded")
    assert a.ticket_records() == b.ticket_records()
    assert a.tables() == b.tables()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"concurrency": {"chat": 0}}, "concurrency.chat"),
        ({"concurrency": {"chat": 101}}, "concurrency.chat"),
        ({"concurrency": {"chat": True}}, "concurrency.chat"),
        ({"concurrency": {"chat": 2.5}}, "concurrency.chat"),
        ({"concurrency": ["chat"]}, "concurrency"),
        ({"concurrency": {"chat": 2}, "slowdown": {"chat": 0.9}}, "slowdown.chat"),
        ({"concurrency": {"chat": 2}, "slowdown": {"chat": float("nan")}}, "slowdown.chat"),
        ({"concurrency": {"chat": 2}, "slowdown": {"chat": "1.2"}}, "slowdown.chat"),
        ({"slowdown": {"email": 1.2}}, "slowdown.email"),
        ({"work_order": "priority"}, "work_order"),
    ],
)
def test_bad_agent_time_settings_are_refused_by_name(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        one_agent(1, **changes)
    assert e.value.field == field


def test_agent_time_settings_round_trip() -> None:
    scenario = one_agent(1, concurrency={"chat": 3, "email": 1}, slowdown={"chat": 1.25}, work_order="due")
    assert scenario.concurrency == (("chat", 3),)  # 1 is the default: not kept
    data = scenario.to_dict()
    assert (data["concurrency"], data["slowdown"], data["work_order"]) == ({"chat": 3}, {"chat": 1.25}, "due")
    assert Scenario.from_dict(data) == scenario
    assert "concurrency" not in one_agent(1).to_dict()


def test_common_random_numbers_hold_with_the_agents_time() -> None:
    """Each ticket draws its work at arrival: another strategy sees the same tickets."""
    scenario = one_agent(
        9,
        days=2,
        arrivals={"per_day": 200, "channels": {"chat": 0.5, "email": 0.5}},
        agents={"count": 3},
        concurrency={"chat": 2},
        routing={"pools": [{"name": "p", "cap": 4, "backlog": True}]},
    )
    a, b = simulate(scenario, "sequential"), simulate(scenario, "least_loaded")
    assert [(t.ticket_id, t.created, t.channel) for t in a.tickets or ()] == [
        (t.ticket_id, t.created, t.channel) for t in b.tickets or ()
    ]
