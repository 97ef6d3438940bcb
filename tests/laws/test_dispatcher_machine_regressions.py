"""Regressions the dispatcher's state machine found, as plain tests (issue 16, follow-up).

- A status change of a waiting ticket re-keys it in a backlog ordered by due time: the
  due time reads the status (a paused clock has none), and a restored dispatcher
  computes the key from the current status, so without the re-key the two disagreed.
- Tickets that leave an agent other than by solving or closing them (returned when the
  agent goes offline, re-routed by an update rule) free the agent's capacity, and a
  backlog pass for that agent follows, as it does after a transfer or an escalation.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from ticketcore import HorizonExceeded, Priority
from ticketcore.assign import (
    Agent,
    Assigned,
    Dispatcher,
    Pool,
    PresenceChanged,
    Reason,
    Routing,
    Rule,
)
from ticketcore.conditions import F
from ticketcore.events import TicketUpdated
from ticketcore.sla import Metric, SLAPolicies, SLAPolicy, Target

from dispatch_helpers import DOOM, at, drive, new, status

#: Resolution within 1 hour (urgent) to 4 hours (low), around the clock; tickets tagged
#: "doom" have a ten-year goal on a calendar open one hour a week (beyond any horizon).
POLICIES = SLAPolicies(
    [
        DOOM,
        SLAPolicy(
            name="std",
            targets=[
                Target(
                    name="resolution",
                    metric=Metric.RESOLUTION,
                    goals={p: timedelta(hours=i + 1) for i, p in enumerate(reversed(Priority))},
                )
            ],
        ),
    ]
)


def due_team() -> Dispatcher:
    """Agent a (cap 1) busy with T1; T2 (normal) and T3 (urgent, due first) waiting by due time."""
    routing = Routing(
        pools=[Pool(name="team", cap=1, backlog=True, backlog_order="due")], default_pool="team"
    )
    d = Dispatcher(routing, [Agent(id="a")], sla=POLICIES)
    drive(d, [new("T1", 0), new("T2", 1), new("T3", 2, priority="urgent")])
    assert d.backlog("team") == ("T3", "T2")
    return d


def restored(d: Dispatcher) -> Dispatcher:
    return Dispatcher.from_dict(json.loads(json.dumps(d.to_dict())), sla=POLICIES)


def test_a_waiting_ticket_that_pauses_its_clock_moves_behind() -> None:
    """Pending pauses the SLA clock, so T3 has no due time and goes last, here and after a restore."""
    d = due_team()
    drive(d, [status("T3", "pending", 3)])
    assert d.backlog("team") == ("T2", "T3")
    e = restored(d)
    assert e.backlog("team") == ("T2", "T3")
    solve = status("T1", "solved", 4)
    [decision] = d.handle(solve)
    assert isinstance(decision, Assigned)
    assert decision.ticket_id == "T2"
    assert e.handle(solve) == (decision,)


def test_a_waiting_ticket_whose_clock_resumes_moves_ahead_again() -> None:
    d = due_team()
    drive(d, [status("T3", "pending", 3), status("T3", "open", 4)])
    assert d.backlog("team") == ("T3", "T2") == restored(d).backlog("team")


def test_a_status_change_whose_due_time_cannot_be_computed_changes_nothing() -> None:
    """A waiting ticket created pending has no due time; opening it needs one beyond the horizon."""
    d = due_team()
    drive(d, [new("T4", 3, tags={"doom"}, status="pending")])
    before = d.to_dict()
    with pytest.raises(HorizonExceeded):
        d.handle(status("T4", "open", 4))
    assert d.to_dict() == before
    drive(d, [status("T4", "solved", 4)])  # still usable; a resolved ticket needs no key
    assert d.backlog("team") == ("T3", "T2")


def offline_team() -> Dispatcher:
    """a1 (English) has T1 (German, by a direct rule); a2 has T2; T3 (English) waits."""
    routing = Routing(
        rules=[Rule(name="vip to a1", when=F.tags.has("vip"), agent="a1")],
        pools=[Pool(name="team", cap=1, backlog=True, assign_offline=True, match_language=True)],
        default_pool="team",
        return_on_offline=True,
    )
    d = Dispatcher(routing, [Agent(id="a1", languages=["en"]), Agent(id="a2", languages=["en"])])
    drive(
        d,
        [new("T1", 0, language="de", tags={"vip"}), new("T2", 1, language="en"), new("T3", 2, language="en")],
    )
    assert d.place("T3") == ("backlog", "team")
    return d


def test_tickets_returned_on_going_offline_free_the_agent_for_the_backlog() -> None:
    """The pool assigns offline agents: a1, freed of T1 (which nobody can take), gets T3."""
    d = offline_team()
    out = d.handle(PresenceChanged(agent_id="a1", at=at(3), presence="offline"))
    assert [(x.reason, x.ticket_id) for x in out] == [
        (Reason.AGENT_OFFLINE, "T1"),
        (Reason.NO_ELIGIBLE_AGENT, "T1"),
        (Reason.BACKLOG_PASS, "T3"),
    ]
    assert d.place("T3") == ("assigned", "a1")
    assert d.place("T1") == ("backlog", "team")


def test_a_ticket_re_routed_by_an_update_rule_frees_its_agent_for_the_backlog() -> None:
    routing = Routing(
        rules=[Rule(name="billing", when=F.tags.has("billing"), pool="billing", on=["update"])],
        pools=[
            Pool(name="team", agents=["a"], cap=1, backlog=True),
            Pool(name="billing", agents=["b"], cap=1, backlog=True),
        ],
        default_pool="team",
    )
    d = Dispatcher(routing, [Agent(id="a"), Agent(id="b")])
    drive(d, [new("T1", 0), new("T2", 1)])
    assert d.place("T2") == ("backlog", "team")
    out = d.handle(TicketUpdated(ticket_id="T1", at=at(2), changes={"tags": ["billing"]}))
    assert [(x.reason, x.ticket_id, getattr(x, "agent_id", None)) for x in out] == [
        (Reason.POOL_CHOICE, "T1", "b"),
        (Reason.BACKLOG_PASS, "T2", "a"),
    ]
