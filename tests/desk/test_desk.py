"""The desk: one object owning routing, SLA clocks and the escalation loop."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from ticketcore import InvalidInput, InvalidTransition, OutOfOrder, Ticket
from ticketcore._instant import to_real
from ticketcore.assign import (
    AgentRemoved,
    Assigned,
    Escalated,
    PresenceChanged,
    Queued,
    TicketEscalated,
    TicketTransferred,
)
from ticketcore.desk import Desk, DeskConfig, Outcome
from ticketcore.events import (
    AgentReply,
    CustomerMessage,
    DueDateSet,
    StatusChanged,
    TicketCreated,
    TicketUpdated,
)
from ticketcore.sla import SLAClock, SLAPolicies

from dispatch_helpers import Mine, assigned

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)


def config(ladder: list[dict[str, Any]] | None = None) -> DeskConfig:
    return DeskConfig.from_dict(
        {
            "routing": {
                "pools": [
                    {"name": "team", "tier": 1, "cap": 2, "backlog": True},
                    {"name": "second", "tier": 2},
                ],
                "tiers": {"1": "team", "2": "second"},
            },
            "agents": [{"id": "ana"}, {"id": "ben"}, {"id": "cy", "tier": 2}],
            "sla": {
                "policies": [
                    {
                        "name": "std",
                        "targets": [
                            {"name": "first_response", "metric": "first_response", "goals": {"all": "1h"}},
                            {
                                "name": "resolution",
                                "metric": "resolution",
                                "goals": {"all": "8h", "urgent": "2h"},
                                "ladder": ladder or [],
                            },
                        ],
                    }
                ]
            },
        }
    )


def sla_clock(desk: Desk, ticket_id: str) -> SLAClock:
    """The ticket's SLA clock, checked to exist (these desks have SLA policies)."""
    clock = desk.clock(ticket_id)
    assert clock is not None
    return clock


def ticket(n: int, at: datetime = T0, **fields: Any) -> Ticket:
    return Ticket(id=f"T-{n}", created=at, **fields)


def test_a_ticket_is_routed_and_its_due_times_reported() -> None:
    desk = Desk(config())

    out = desk.handle(TicketCreated(ticket=ticket(1)))

    assert [("T-1", "ana")] == [(d.ticket_id, d.agent_id) for d in out.decisions if isinstance(d, Assigned)]
    assert {("first_response", T0 + H), ("resolution", T0 + 8 * H)} == {(d.target, d.after) for d in out.due}
    assert ("T-1",) == out.touched
    assert out.shared
    assert [("ana", "assigned")] == [(n.to, n.why) for n in out.notifications]


def test_advance_fires_every_due_deadline_once_across_tickets() -> None:
    desk = Desk(config())
    for n in range(3):
        desk.handle(TicketCreated(ticket=ticket(n, T0 + n * timedelta(minutes=10))))

    first = desk.advance(T0 + H + timedelta(minutes=15))
    again = desk.advance(T0 + H + timedelta(minutes=15))

    assert [("T-0", "breach"), ("T-1", "breach")] == [(a.ticket_id, a.kind) for a in first.alerts]
    assert () == again.alerts
    assert T0 + H + timedelta(minutes=20, microseconds=1) == desk.next_deadline()


def test_a_move_tier_level_escalates_and_routes_in_the_same_call() -> None:
    desk = Desk(config(ladder=[{"after": "0m", "action": {"move_tier": 2}}]))
    desk.handle(TicketCreated(ticket=ticket(1)))

    out = desk.advance(T0 + 9 * H)

    [link] = out.escalations
    assert "breach" != link.alert.kind
    assert isinstance(link.applied, TicketEscalated)
    assert [Escalated, Assigned] == [type(d) for d in link.decisions]
    assert "cy" == assigned(link.decisions[-1]).agent_id
    assert link.skipped is None
    assert 2 == desk.dispatcher.ticket("T-1").tier
    assert 2 == desk.dispatcher.tier("T-1")


def test_an_action_that_cannot_apply_is_recorded_with_why() -> None:
    desk = Desk(config(ladder=[{"after": "0m", "action": {"move_tier": 2}}]))
    desk.handle(TicketCreated(ticket=ticket(1, tier=2)))

    [link] = desk.advance(T0 + 9 * H).escalations

    assert "already at tier 2" == link.skipped
    assert link.applied is None


def test_a_reassign_level_transfers_and_notifies() -> None:
    desk = Desk(config(ladder=[{"after": "0m", "action": {"reassign": "ben"}}]))
    desk.handle(TicketCreated(ticket=ticket(1)))

    out = desk.advance(T0 + 9 * H)

    [link] = out.escalations
    assert isinstance(link.applied, TicketTransferred)
    assert ("assigned", "ben") == desk.dispatcher.place("T-1")
    assert ("ben", "reassigned") in [(n.to, n.why) for n in out.notifications]


def test_a_raise_priority_level_moves_the_goal_through_the_clock() -> None:
    desk = Desk(config(ladder=[{"at": 0.5, "action": {"raise_priority": "urgent"}}]))
    desk.handle(TicketCreated(ticket=ticket(1)))

    out = desk.advance(T0 + 5 * H)

    [link] = out.escalations
    assert isinstance(link.applied, TicketUpdated)
    assert "urgent" == desk.dispatcher.ticket("T-1").priority.value
    # The resolution goal is now 2 hours from the creation: already breached at 11:00.
    assert ("T-1", "resolution", T0 + 2 * H) in [(d.ticket_id, d.target, d.after) for d in out.due]
    assert "breach" in [a.kind for a in out.alerts]


def test_a_retried_event_id_is_applied_once() -> None:
    desk = Desk(config())
    event = TicketCreated(ticket=ticket(1), event_id="evt-1")
    desk.handle(event)
    before = desk.to_dict()

    again = desk.handle(event)

    assert Outcome(event_id="evt-1", duplicate=True) == again
    assert before == desk.to_dict()
    reply = AgentReply(ticket_id="T-1", at=T0 + H / 2, event_id="evt-2")
    assert not desk.handle(reply).duplicate
    assert desk.handle(reply).duplicate


def test_agent_event_ids_are_applied_once_too() -> None:
    desk = Desk(config())
    event = PresenceChanged(at=T0, agent_id="ana", presence="away", event_id="p-1")

    assert not desk.handle(event).duplicate
    assert desk.handle(event).duplicate


def test_a_late_event_of_another_ticket_is_decided_now_and_timed_at_its_own_instant() -> None:
    desk = Desk(config())
    desk.handle(TicketCreated(ticket=ticket(1, T0 + H)))

    out = desk.handle(TicketCreated(ticket=ticket(2, T0)))  # arrives after T-1, happened before

    [decision] = out.decisions
    assert T0 + H == decision.at
    assert T0 + H == sla_clock(desk, "T-2").due_times()["first_response"]


def test_a_ticket_s_sla_does_not_depend_on_the_order_of_other_tickets_events() -> None:
    a, b = Desk(config()), Desk(config())
    one = [TicketCreated(ticket=ticket(1, T0)), AgentReply(ticket_id="T-1", at=T0 + 2 * H)]
    two = [TicketCreated(ticket=ticket(2, T0 + H))]
    for event in [one[0], two[0], one[1]]:
        a.handle(event)
    for event in [two[0], *one]:
        b.handle(event)

    now = T0 + 3 * H
    assert sla_clock(a, "T-1").result(now) == sla_clock(b, "T-1").result(now)


def test_an_event_earlier_than_the_ticket_s_last_is_refused_and_changes_nothing() -> None:
    desk = Desk(config())
    desk.handle(TicketCreated(ticket=ticket(1)))
    desk.handle(AgentReply(ticket_id="T-1", at=T0 + H))
    before = desk.to_dict()

    with pytest.raises(InvalidInput):
        desk.handle(StatusChanged(ticket_id="T-1", at=T0 + H / 2, status="solved"))

    assert before == desk.to_dict()


def no_sla_config() -> DeskConfig:
    return attrs.evolve(config(), sla=SLAPolicies(policies=()))


@pytest.mark.parametrize("sla", [True, False], ids=["sla", "no_sla"])
@pytest.mark.parametrize(
    "late",
    [
        AgentReply(ticket_id="T-1", at=T0 + H / 2),
        CustomerMessage(ticket_id="T-1", at=T0 + H / 2),
        StatusChanged(ticket_id="T-1", at=T0 + H / 2, status="solved"),
        TicketUpdated(ticket_id="T-1", at=T0 + H / 2, changes={"subject": "late"}),
        DueDateSet(ticket_id="T-1", at=T0 + H / 2, target="resolution", due=T0 + 9 * H),
    ],
    ids=lambda e: type(e).__name__,
)
def test_an_out_of_order_event_is_refused_alike_with_or_without_sla(sla: bool, late: Any) -> None:
    # Rule 3 of the desk: events of one ticket come in time order, an earlier one is
    # refused with OutOfOrder, whether or not the desk has SLA policies.
    desk = Desk(config() if sla else no_sla_config())
    desk.handle(TicketCreated(ticket=ticket(1)))
    desk.handle(AgentReply(ticket_id="T-1", at=T0 + H))
    desk.handle(TicketCreated(ticket=ticket(2, T0 + 2 * H)))  # the desk's clock is past T-1's last
    before = desk.to_dict()

    with pytest.raises(OutOfOrder) as caught:
        desk.handle(late)

    assert (
        f"at: expected an instant at or after the previous event ({(T0 + H).isoformat()}), "
        f"got {(T0 + H / 2)!r}" == str(caught.value)
    )
    assert before == desk.to_dict()
    desk.handle(attrs.evolve(late, at=T0 + H))  # at the ticket's last instant: in order
    desk.handle(TicketCreated(ticket=ticket(3, T0)))  # a late event of another ticket is taken


@pytest.mark.parametrize("sla", [True, False], ids=["sla", "no_sla"])
def test_a_restored_or_adopted_ticket_refuses_out_of_order_events_too(sla: bool) -> None:
    desk = Desk(config() if sla else no_sla_config())
    desk.handle(TicketCreated(ticket=ticket(1)))
    desk.handle(AgentReply(ticket_id="T-1", at=T0 + H))
    history = [TicketCreated(ticket=ticket(2, T0 - 3 * H)), AgentReply(ticket_id="T-2", at=T0 - H)]
    desk.adopt(ticket(2, T0 - 3 * H, assignee="ben", status="open"), history, at=T0 + H)
    copy = Desk.from_dict(desk.config, json.loads(json.dumps(desk.to_dict())))

    for d in (desk, copy):
        for tid, last in (("T-1", T0 + H), ("T-2", T0 - H)):
            with pytest.raises(OutOfOrder, match=re.escape(f"({last.isoformat()})")):
                d.handle(AgentReply(ticket_id=tid, at=last - H / 2))
            d.handle(AgentReply(ticket_id=tid, at=last))
    assert desk.to_dict() == copy.to_dict()


def test_a_no_sla_row_keeps_the_last_instant_and_an_older_row_reads_it_as_the_creation() -> None:
    desk = Desk(no_sla_config())
    desk.handle(TicketCreated(ticket=ticket(1)))
    desk.handle(AgentReply(ticket_id="T-1", at=T0 + H))
    row = desk.ticket_state("T-1")
    assert (T0 + H).isoformat() == row["last"]
    shared = desk.shared_state()

    older = Desk.from_parts(desk.config, shared, [{k: v for k, v in row.items() if k != "last"}])
    with pytest.raises(OutOfOrder):
        older.handle(AgentReply(ticket_id="T-1", at=T0 - H))
    older.handle(AgentReply(ticket_id="T-1", at=T0 + H / 2))  # the older row knew only the creation
    with pytest.raises(InvalidInput, match=re.escape("tickets['T-1'].last")):
        Desk.from_parts(desk.config, shared, [{**row, "last": "noon"}])


def test_an_unknown_ticket_is_refused_and_changes_nothing() -> None:
    desk = Desk(config())
    before = desk.to_dict()

    with pytest.raises(InvalidTransition):
        desk.handle(AgentReply(ticket_id="T-9", at=T0))

    assert before == desk.to_dict()


def test_an_event_the_dispatcher_refuses_after_the_clock_took_it_leaves_both_as_they_were() -> None:
    desk = Desk(config())
    desk.handle(TicketCreated(ticket=ticket(1)))
    before = desk.to_dict()

    with pytest.raises(InvalidInput):  # the dispatcher wants a transfer for a new assignee
        desk.handle(TicketUpdated(ticket_id="T-1", at=T0 + H, changes={"assignee": "ben"}))

    assert before == desk.to_dict()


def test_closing_a_ticket_removes_its_part() -> None:
    desk = Desk(config())
    desk.handle(TicketCreated(ticket=ticket(1)))

    out = desk.handle(StatusChanged(ticket_id="T-1", at=T0 + H, status="closed"))

    assert ("T-1",) == out.removed
    assert () == desk.tickets()
    assert desk.next_deadline() is None


def test_a_stored_desk_decides_exactly_as_the_original() -> None:
    desk = Desk(config(ladder=[{"after": "0m", "action": {"move_tier": 2}}]))
    for n in range(5):
        desk.handle(TicketCreated(ticket=ticket(n, T0 + n * timedelta(minutes=5))))
    desk.handle(AgentReply(ticket_id="T-0", at=T0 + H / 2))
    stored = json.loads(json.dumps(desk.to_dict()))

    copy = Desk.from_dict(desk.config, stored)

    assert stored == copy.to_dict()
    assert desk.next_deadline() == copy.next_deadline()
    later = [
        StatusChanged(ticket_id="T-1", at=T0 + H, status="solved"),
        TicketCreated(ticket=ticket(9, T0 + H)),
    ]
    for event in later:
        assert desk.handle(event) == copy.handle(event)
    assert desk.advance(T0 + 10 * H) == copy.advance(T0 + 10 * H)
    assert desk.to_dict() == copy.to_dict()


def test_the_shared_part_does_not_grow_with_the_tickets() -> None:
    desk = Desk(config())
    sizes = []
    for n in range(200):
        desk.handle(TicketCreated(ticket=ticket(n, T0 + n * timedelta(seconds=1))))
        sizes.append(len(json.dumps(desk.shared_state())))

    assert max(sizes[10:]) - min(sizes[10:]) <= 4  # counters gain a digit, nothing else grows
    assert 200 == len(desk.tickets())
    assert {"dispatcher", "sla"} <= set(desk.ticket_state("T-150"))


def test_an_outcome_is_json() -> None:
    desk = Desk(config(ladder=[{"after": "0m", "action": {"move_tier": 2}}]))
    desk.handle(TicketCreated(ticket=ticket(1)))

    form = desk.advance(T0 + 9 * H).to_dict()

    assert form == json.loads(json.dumps(form))
    assert "ticket_escalated" == form["escalations"][0]["applied"]["type"]


def test_adopting_an_assigned_ticket_counts_its_load_and_rebuilds_its_clock() -> None:
    desk = Desk(config())
    history = [TicketCreated(ticket=ticket(1, T0 - 3 * H)), AgentReply(ticket_id="T-1", at=T0 - 2 * H)]

    out = desk.adopt(ticket(1, T0 - 3 * H, assignee="ben", status="open"), history, at=T0)

    assert 1 == desk.dispatcher.load("ben")
    assert () == out.alerts  # what fell due before the adoption is history
    assert {"first_response": None, "resolution": T0 + 5 * H} == sla_clock(desk, "T-1").due_times()
    nxt = desk.handle(TicketCreated(ticket=ticket(2, T0)))
    assert "ana" == assigned(nxt.decisions[0]).agent_id


def test_adopting_an_unassigned_ticket_routes_it_now() -> None:
    desk = Desk(config())

    out = desk.adopt(ticket(1, T0 - 3 * H), at=T0)

    assert [Assigned] == [type(d) for d in out.decisions]
    assert T0 == out.decisions[0].at


def test_a_full_pool_queues_and_a_solve_hands_the_backlog_on() -> None:
    desk = Desk(config())
    for n in range(5):
        desk.handle(TicketCreated(ticket=ticket(n)))

    out = desk.handle(StatusChanged(ticket_id="T-0", at=T0 + H, status="solved"))

    assert [Assigned] == [type(d) for d in out.decisions]
    assert {"T-0", "T-4"} == set(out.touched)


def test_tickets_beyond_the_caps_wait_in_the_backlog() -> None:
    desk = Desk(config())
    outs = [desk.handle(TicketCreated(ticket=ticket(n))) for n in range(5)]

    assert [Queued] == [type(d) for d in outs[4].decisions]


def test_an_agent_going_offline_notifies_them_in_words() -> None:
    desk = Desk(config())
    desk.handle(TicketCreated(ticket=ticket(1)))
    desk.handle(PresenceChanged(at=T0, agent_id="ana", presence="away"))

    out = desk.handle(AgentRemoved(at=T0 + H, agent_id="ana"))

    [note] = [n for n in out.notifications if n.why == "unassigned"]
    assert "ana" == note.to
    assert note.text.startswith("'T-1' is no longer yours: ")
    assert "agent_removed" not in note.text  # the prose, not the code


def tiered_config() -> DeskConfig:
    """Tier 2 tickets answer within 15 minutes, others within an hour; a tag escalates."""
    data = config().to_dict()
    data["routing"]["escalation_tags"] = ["vip"]
    first = {"name": "first_response", "metric": "first_response"}
    data["sla"]["policies"] = [
        {
            "name": "second",
            "when": {"field": "tier", "gte": 2},
            "targets": [{**first, "goals": {"all": "15m"}}],
        },
        {"name": "std", "targets": [{**first, "goals": {"all": "1h"}}]},
    ]
    return DeskConfig.from_dict(data)


def test_routing_s_tier_change_reaches_the_sla_clock() -> None:
    desk = Desk(tiered_config())
    desk.handle(TicketCreated(ticket=ticket(1)))
    assert T0 + H == sla_clock(desk, "T-1").due_times()["first_response"]

    out = desk.handle(TicketEscalated(at=T0 + timedelta(minutes=5), ticket_id="T-1", to_tier=2))

    clock = desk.clock("T-1")
    assert clock is not None
    assert clock.ticket is not None
    assert 2 == clock.ticket.tier
    # The tier 2 policy applies from the ticket's start, as on any change of policy.
    assert T0 + timedelta(minutes=15) == clock.due_times()["first_response"]
    assert [("first_response", T0 + H, T0 + timedelta(minutes=15))] == [
        (d.target, d.before, d.after) for d in out.due
    ]
    assert "T-1" in out.touched


def test_a_tag_escalation_on_creation_selects_the_tier_s_policy() -> None:
    desk = Desk(tiered_config())

    out = desk.handle(TicketCreated(ticket=ticket(1, tags=frozenset({"vip"}))))

    assert Escalated in [type(d) for d in out.decisions]
    assert [("first_response", T0 + timedelta(minutes=15))] == [(d.target, d.after) for d in out.due]
    # Stored and restored, the desk decides the same.
    again = Desk.from_dict(desk.config, json.loads(json.dumps(desk.to_dict())))
    assert again.to_dict() == desk.to_dict()


def test_a_tier_change_the_clock_cannot_take_is_reported_and_the_call_ends_whole() -> None:
    # Tier 2's policy has a ten-year goal on a calendar open one hour a week: beyond any
    # horizon, so its due time cannot be computed.
    data = tiered_config().to_dict()
    data["calendars"] = {"sparse": {"timezone": "UTC", "hours": {"mon": ["09:00-10:00"]}}}
    data["sla"]["policies"][0]["calendar"] = "sparse"
    data["sla"]["policies"][0]["targets"][0]["goals"] = {"all": "3650d"}
    desk = Desk(DeskConfig.from_dict(data))
    desk.handle(TicketCreated(ticket=ticket(1)))

    out = desk.handle(TicketEscalated(at=T0 + timedelta(minutes=5), ticket_id="T-1", to_tier=2))

    [note] = [n for n in out.notifications if n.why == "sla_not_updated"]
    assert ("host", "T-1") == (note.to, note.ticket_id)
    assert "sparse" in note.text or "horizon" in note.text
    assert 2 == desk.dispatcher.ticket("T-1").tier
    clock = desk.clock("T-1")
    assert clock is not None
    assert clock.ticket is not None
    assert 1 == clock.ticket.tier
    assert T0 + H == clock.due_times()["first_response"]


def own_strategy_config() -> DeskConfig:
    form = config().to_dict()
    form["routing"]["pools"][0]["strategy"] = "mine"
    return DeskConfig.from_dict(form, strategies={"mine": Mine()})


def test_a_config_with_an_own_strategy_reads_back_given_it_by_name() -> None:
    cfg = own_strategy_config()
    assert cfg.routing.pools[0].strategy == Mine()
    assert DeskConfig.from_json(json.dumps(cfg.to_dict()), strategies={"mine": Mine()}) == cfg
    with pytest.raises(InvalidInput) as caught:
        DeskConfig.from_dict(cfg.to_dict())
    assert caught.value.field == "routing.pools[0].strategy"
    assert "strategies={'mine': Mine()}" in caught.value.expected


def test_a_desk_with_an_own_strategy_is_restored_and_decides_the_same() -> None:
    desk = Desk(own_strategy_config())
    for n in range(3):
        desk.handle(TicketCreated(ticket=ticket(n, T0 + n * timedelta(minutes=5))))
    stored = json.loads(json.dumps(desk.to_dict()))
    # The configuration's own strategies are known by name; passing one again is allowed.
    for copy in (
        Desk.from_dict(desk.config, stored),
        Desk.from_dict(desk.config, stored, strategies={"mine": Mine()}),
    ):
        assert copy.to_dict() == stored
        later = [
            StatusChanged(ticket_id="T-1", at=T0 + H, status="solved"),
            TicketCreated(ticket=ticket(9, T0 + H)),
        ]
        for event in later:
            assert desk.handle(event) == copy.handle(event)
        assert desk.to_dict() == copy.to_dict()
        desk = Desk.from_dict(desk.config, stored)


def test_a_desk_s_state_naming_a_strategy_nobody_gave_says_how_to_give_it() -> None:
    desk = Desk(own_strategy_config())
    stored = desk.to_dict()
    with pytest.raises(InvalidInput) as caught:
        Desk.from_dict(config(), stored)  # a configuration without the strategy
    assert caught.value.field == "shared.routing.pools[0].strategy"
    assert "strategies={'mine': Mine()}" in caught.value.expected
    copy = Desk.from_parts(config(), stored["shared"], stored["tickets"], strategies={"mine": Mine()})
    assert copy.dispatcher.routing.pools[0].strategy == Mine()


def test_a_strategy_given_by_a_name_the_config_uses_for_another_is_refused() -> None:
    @attrs.frozen
    class OtherMine(Mine):
        """Another strategy under the same name."""

    desk = Desk(own_strategy_config())
    with pytest.raises(InvalidInput) as caught:
        Desk.from_dict(desk.config, desk.to_dict(), strategies={"mine": OtherMine()})
    assert caught.value.field == "strategies['mine']"
    with pytest.raises(InvalidInput) as caught:
        Desk.from_dict(desk.config, desk.to_dict(), strategies=["mine"])  # type: ignore[arg-type]  # the wrong type on purpose
    assert caught.value.field == "strategies"


BERLIN = ZoneInfo("Europe/Berlin")
# 25 October 2026: Berlin repeats 02:00-03:00. 02:45 of the first pass is 00:45 UTC; 02:15 of
# the second (fold=1) is 01:15 UTC, later although its wall time is earlier.
FIRST_PASS = datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN)
SECOND_PASS = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)


@pytest.mark.parametrize("sla", [True, False], ids=["sla", "no_sla"])
def test_order_in_a_repeated_hour_is_the_instants_not_the_wall_times(sla: bool) -> None:
    desk = Desk(config() if sla else no_sla_config())
    desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=datetime(2026, 10, 25, 1, tzinfo=BERLIN))))
    desk.handle(AgentReply(ticket_id="T-1", at=FIRST_PASS))
    desk.handle(CustomerMessage(ticket_id="T-1", at=SECOND_PASS))  # 30 minutes later: in order
    assert desk.dispatcher.now is not None
    assert to_real(desk.dispatcher.now) == to_real(SECOND_PASS)  # decided then, not clamped back to 02:45
    before = desk.to_dict()
    with pytest.raises(OutOfOrder):
        desk.handle(AgentReply(ticket_id="T-1", at=FIRST_PASS))  # 30 minutes earlier
    assert before == desk.to_dict()


def test_an_adopted_history_ends_at_its_latest_instant_in_a_repeated_hour() -> None:
    desk = Desk(no_sla_config())
    created = datetime(2026, 10, 25, 1, tzinfo=BERLIN)
    history = [
        TicketCreated(ticket=Ticket(id="T-1", created=created)),
        AgentReply(ticket_id="T-1", at=SECOND_PASS),
        CustomerMessage(ticket_id="T-1", at=FIRST_PASS),  # listed last, but 30 minutes earlier
    ]
    desk.adopt(Ticket(id="T-1", created=created, status="open"), history)
    with pytest.raises(OutOfOrder, match=re.escape(f"({SECOND_PASS.isoformat()})")):
        desk.handle(AgentReply(ticket_id="T-1", at=FIRST_PASS))


def test_the_dispatcher_orders_events_by_instant_in_a_repeated_hour() -> None:
    dispatcher = Desk(no_sla_config()).dispatcher
    created = datetime(2026, 10, 25, 1, tzinfo=BERLIN)
    dispatcher.handle(TicketCreated(ticket=Ticket(id="T-1", created=created)))
    dispatcher.handle(StatusChanged(ticket_id="T-1", at=FIRST_PASS, status="open"))
    dispatcher.handle(StatusChanged(ticket_id="T-1", at=SECOND_PASS, status="pending"))  # later
    with pytest.raises(OutOfOrder):
        dispatcher.handle(StatusChanged(ticket_id="T-1", at=FIRST_PASS, status="open"))  # earlier
    with pytest.raises(InvalidInput, match="decision time"):
        dispatcher.handle(StatusChanged(ticket_id="T-1", at=SECOND_PASS, status="open"), at=FIRST_PASS)
