"""The host's vocabulary at the desk's edge: its priorities (P1 to P5) and its status names (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketcore import InvalidInput, Priority, PriorityScale, Status, Ticket
from ticketcore.conditions import F
from ticketcore.desk import Desk, DeskConfig, Vocabulary, event_from_dict, event_to_dict, lint
from ticketcore.events import StatusChanged, TicketCreated, TicketUpdated
from ticketcore.sla import SLAPolicies, SLAPolicy, Target

from desk_helpers import full_config

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)

TOML = """
[vocabulary]
priorities = ["P1", "P2", "P3", "P4", "P5"]
default_priority = "P3"
statuses = { "Neu" = "new", "In Arbeit" = "open", "Warte auf Kunde" = "pending", "Gelöst" = "solved", "Geschlossen" = "closed" }

[routing]
pools = [{ name = "team", cap = 5 }, { name = "major", cap = 5 }]
default_pool = "team"
rules = [{ name = "majors", when = { field = "priority", gte = "P2" }, pool = "major" }]

[[agents]]
id = "ana"

[[sla.policies]]
name = "std"

[[sla.policies.targets]]
name = "first_response"
metric = "first_response"
goals = { P1 = "1h", P2 = "2h", P3 = "4h", P4 = "8h", P5 = "16h" }

[[sla.policies.targets]]
name = "resolution"
metric = "resolution"
goals = { all = "8h", P1 = "2h", P2 = "4h" }
pause_on = ["Warte auf Kunde"]
ladder = [{ at = 0.5, action = { raise_priority = "P2" } }]
"""  # noqa: E501 - one TOML table per line

FIVE = PriorityScale(["P1", "P2", "P3", "P4", "P5"], default="P3")


def desk() -> Desk:
    return Desk(DeskConfig.from_toml(TOML))


def test_the_config_reads_its_goals_and_conditions_on_the_host_s_scale() -> None:
    config = DeskConfig.from_toml(TOML)
    assert FIVE == config.vocabulary.priorities
    first, resolution = config.sla.policies[0].targets
    assert [FIVE[n] for n in ("P5", "P4", "P3", "P2", "P1")] == [p for p, _ in first.goals]
    assert frozenset({Status.PENDING}) == resolution.pause_on
    assert (F.priority >= FIVE["P2"]) == config.routing.rules[0].when
    assert config == DeskConfig.from_dict(config.to_dict())
    assert config == DeskConfig.from_json(__import__("json").dumps(config.to_dict()))


def test_a_p1_ticket_gets_p1_s_goal_and_a_ticket_naming_none_the_default_s() -> None:
    d = desk()
    with d.config.vocabulary.active():
        p1 = Ticket(id="T-1", created=T0, priority="P1")
        plain = Ticket(id="T-2", created=T0)
    out1 = d.handle(TicketCreated(ticket=p1))
    out2 = d.handle(TicketCreated(ticket=plain))

    assert {("first_response", T0 + H), ("resolution", T0 + 2 * H)} == {(c.target, c.after) for c in out1.due}
    assert FIVE["P3"] is plain.priority
    assert {("first_response", T0 + 4 * H), ("resolution", T0 + 8 * H)} == {
        (c.target, c.after) for c in out2.due
    }
    majors = d.config.routing.rules[0].when
    assert majors.matches(p1)
    assert not majors.matches(plain)


def test_raise_priority_climbs_the_host_s_scale() -> None:
    config = DeskConfig.from_dict(
        {
            "vocabulary": {"priorities": ["P1", "P2", "P3", "P4", "P5"]},
            "routing": {"pools": [{"name": "team"}], "default_pool": "team"},
            "sla": {"policies": [{"name": "std", "targets": [
                {"name": "resolution", "metric": "resolution", "goals": {"all": "8h", "P2": "4h"},
                 "ladder": [{"at": 0.25, "action": {"raise_priority": None}}]}]}]},
        }
    )  # fmt: skip
    d = Desk(config)
    with config.vocabulary.active():
        d.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))

    out = d.advance(T0 + 3 * H)

    [link] = out.escalations
    assert isinstance(link.applied, TicketUpdated)
    assert FIVE["P2"] is d.dispatcher.ticket("T-1").priority
    assert ("resolution", T0 + 4 * H) in [(c.target, c.after) for c in out.due]


def test_at_the_top_of_the_scale_raise_priority_is_skipped_with_why() -> None:
    config = DeskConfig.from_dict(
        {
            "vocabulary": {"priorities": ["P1", "P2"]},
            "routing": {"pools": [{"name": "team"}], "default_pool": "team"},
            "sla": {"policies": [{"name": "std", "targets": [
                {"name": "resolution", "metric": "resolution", "goals": {"all": "8h"},
                 "ladder": [{"at": 0.25, "action": {"raise_priority": None}}]}]}]},
        }
    )  # fmt: skip
    d = Desk(config)
    with config.vocabulary.active():
        d.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0, priority="P1")))

    [link] = d.advance(T0 + 3 * H).escalations

    assert "priority already P1" == link.skipped


def test_a_ticket_off_the_scale_is_refused_and_the_desk_is_unchanged() -> None:
    d = desk()
    with d.config.vocabulary.active():
        d.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0, priority="P1")))
    before = d.to_dict()

    with pytest.raises(InvalidInput) as e:
        d.handle(TicketCreated(ticket=Ticket(id="T-2", created=T0, priority=Priority("P7", 9))))
    assert "ticket.priority" == e.value.field
    assert "'P1', 'P2', 'P3', 'P4', 'P5'" in e.value.expected
    with pytest.raises(InvalidInput) as e:
        d.handle(TicketUpdated(ticket_id="T-1", at=T0 + H, changes={"priority": "urgent"}))
    assert "changes.priority" == e.value.field
    with pytest.raises(InvalidInput):
        d.adopt(Ticket(id="T-3", created=T0))  # normal: the built-in scale's, not this desk's

    assert before == d.to_dict()


def test_a_stored_desk_keeps_the_host_s_priorities() -> None:
    d = desk()
    with d.config.vocabulary.active():
        d.handle(TicketCreated(ticket=Ticket(id="T-1", created=T0)))
        d.handle(TicketCreated(ticket=Ticket(id="T-2", created=T0, priority="P5")))
    state = d.to_dict()

    back = Desk.from_dict(d.config, state)

    assert state == back.to_dict()
    assert FIVE["P3"] is back.dispatcher.ticket("T-1").priority
    assert FIVE["P5"] is back.dispatcher.ticket("T-2").priority


def test_events_speak_the_host_s_status_names() -> None:
    v = DeskConfig.from_toml(TOML).vocabulary
    form = {
        "type": "status_changed",
        "ticket_id": "T-1",
        "at": "2026-03-02T10:00:00+00:00",
        "status": "Gelöst",
    }

    event = event_from_dict(form, vocabulary=v)

    assert isinstance(event, StatusChanged)
    assert Status.SOLVED is event.status
    assert form == event_to_dict(event, v)
    assert "solved" == event_to_dict(event)["status"]
    with v.active():
        assert Status.PENDING is StatusChanged(ticket_id="T-1", at=T0, status="Warte auf Kunde").status
        assert Status.PENDING is Status.parse("pending")  # a category's own name
    created = {"type": "ticket_created", "ticket": {"id": "T-1", "created": "2026-03-02T09:00:00+00:00",
               "priority": "P1", "status": "In Arbeit"}}  # fmt: skip
    read = event_from_dict(created, vocabulary=v)
    assert isinstance(read, TicketCreated)
    assert (FIVE["P1"], Status.OPEN) == (read.ticket.priority, read.ticket.status)
    assert created["ticket"] == event_to_dict(read, v)["ticket"]


def test_an_unknown_status_name_is_refused_listing_the_host_s_names() -> None:
    v = DeskConfig.from_toml(TOML).vocabulary
    form = {
        "type": "status_changed",
        "ticket_id": "T-1",
        "at": "2026-03-02T10:00:00+00:00",
        "status": "Offen",
    }

    with pytest.raises(InvalidInput) as e:
        event_from_dict(form, vocabulary=v)

    assert "event.status" == e.value.field
    assert "'Warte auf Kunde'" in e.value.expected
    # A category's own name reads as itself, as the dict forms write it.
    changed = event_from_dict({**form, "status": "on_hold"}, vocabulary=v)
    assert isinstance(changed, StatusChanged)
    assert Status.ON_HOLD is changed.status


def test_a_config_written_out_reads_back_in_its_vocabulary() -> None:
    data = DeskConfig.from_toml(TOML).to_dict()
    data["sla"]["policies"][0]["targets"][1]["pause_on"] = ["on_hold", "pending"]
    config = DeskConfig.from_dict(data)

    assert config == DeskConfig.from_dict(config.to_dict())
    assert frozenset({Status.ON_HOLD, Status.PENDING}) == config.sla.policies[0].targets[1].pause_on


def _config(vocabulary: dict[str, Any], **parts: Any) -> dict[str, Any]:
    return {
        "vocabulary": vocabulary,
        "routing": {"pools": [{"name": "team"}], "default_pool": "team"},
        **parts,
    }


P5 = {"priorities": ["P1", "P2", "P3", "P4", "P5"]}


def _policy(goals: dict[str, str], **target: Any) -> dict[str, Any]:
    return {"policies": [{"name": "std", "targets": [
        {"name": "first", "metric": "first_response", "goals": {"all": "1h"}},
        {"name": "res", "metric": "resolution", "goals": goals, **target},
    ]}]}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_config(P5, sla=_policy({"P1": "1h", "P7": "2h"})), "sla.policies[0].targets[1].goals.P7"),
        (_config(P5, sla=_policy({"urgent": "1h"})), "sla.policies[0].targets[1].goals.urgent"),
        (
            _config(P5, sla=_policy({"all": "1h"}, ladder=[{"at": 0.5, "action": {"raise_priority": "P0"}}])),
            "sla.policies[0].targets[1].ladder[0].action.raise_priority",
        ),
        (
            _config(
                P5,
                routing={
                    "pools": [{"name": "team"}],
                    "default_pool": "team",
                    "rules": [
                        {"name": "r", "when": {"field": "priority", "in": ["P1", "high"]}, "pool": "team"}
                    ],
                },
            ),
            "routing.rules[0].when.in[1]",
        ),
        (_config({**P5, "default_priority": "normal"}), "vocabulary.default_priority"),
        (_config({"priorities": ["P1", "P2", "P1"]}), "vocabulary.priorities[2]"),
        (_config({"priorities": "P1"}), "vocabulary.priorities"),
        (_config({"statuses": {"open": "pending"}}), "vocabulary.statuses.open"),
        (
            _config({**P5, "statuses": {"Neu": "new"}}, sla=_policy({"all": "1h"}, pause_on=["Warte"])),
            "sla.policies[0].targets[1].pause_on[0]",
        ),
    ],
)
def test_a_contradiction_in_the_config_is_refused_naming_its_path(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        DeskConfig.from_dict(data)
    assert field == e.value.field


def test_a_config_built_in_python_is_checked_against_its_scale() -> None:
    policies = SLAPolicies(
        (SLAPolicy(name="std", targets=[Target(name="fr", metric="first_response", goals=H)]),)
    )
    routing = DeskConfig.from_dict(_config({})).routing

    with pytest.raises(InvalidInput) as e:
        DeskConfig(sla=policies, routing=routing, vocabulary=Vocabulary(priorities=FIVE))
    assert "sla.policies[0].targets[0].goals.low" == e.value.field

    with FIVE.active():
        policies = SLAPolicies(
            (
                SLAPolicy(
                    name="std",
                    when=F.priority == "P1",
                    targets=[Target(name="fr", metric="first_response", goals=H)],
                ),
            )
        )
    DeskConfig(sla=policies, routing=routing, vocabulary=Vocabulary(priorities=FIVE))  # accepted
    with pytest.raises(InvalidInput) as e:
        DeskConfig(sla=policies, routing=routing)  # the built-in scale: no P1
    assert "sla.policies[0].when" == e.value.field


def test_lint_finds_a_more_urgent_priority_without_a_goal() -> None:
    config = DeskConfig.from_dict(_config(P5, sla=_policy({"P3": "4h", "P4": "8h", "P1": "1h"})))

    found = [(f.code, f.path, f.message) for f in lint(config) if f.code == "uncovered_priority"]

    assert [("uncovered_priority", "sla.policies[0].targets[1].goals")] == [f[:2] for f in found]
    assert "'P2'" in found[0][2]
    assert "'P5'" not in found[0][2]


# -- status names in a full configuration ------------------------------------------------


def test_host_status_names_map_to_their_categories() -> None:
    v = Vocabulary.from_dict(full_config()["vocabulary"])

    assert Status.ON_HOLD == v.category("Waiting on vendor")
    assert Status.PENDING == v.category("Waiting on customer")
    assert "Resolved" == v.name(Status.SOLVED)
    assert ("New", "Working", "Waiting on customer", "Waiting on vendor", "Resolved", "Closed") == v.names


def test_an_unknown_status_name_lists_the_known_ones() -> None:
    v = Vocabulary.from_dict(full_config()["vocabulary"])

    with pytest.raises(InvalidInput, match="Waiting on vendor") as e:
        v.category("Waiting on vender")

    assert e.value.field == "status"


def test_the_default_vocabulary_is_the_categories_own_names() -> None:
    v = Vocabulary()

    assert [s.value for s in Status] == list(v.names)
    assert all(v.category(s.value) is s for s in Status)


def test_a_category_no_name_maps_to_is_refused() -> None:
    v = Vocabulary(statuses={"Open": "open", "Done": "closed"})

    with pytest.raises(InvalidInput):
        v.name(Status.PENDING)
    with pytest.raises(InvalidInput):
        v.category(Status.PENDING)


def test_two_names_may_share_a_category_and_the_first_is_reported() -> None:
    v = Vocabulary(
        statuses={"Waiting on customer": "pending", "Waiting on vendor": "pending", "Open": "open"}
    )

    assert "Waiting on customer" == v.name(Status.PENDING)
    assert v.to_dict() == Vocabulary.from_dict(v.to_dict()).to_dict()
