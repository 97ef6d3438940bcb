"""Priorities as open, ordered values, and the host's scale of them (issue 17, "Host vocabulary")."""

from __future__ import annotations

import copy
import pickle
import threading
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import InvalidInput, Priority, PriorityScale, Ticket
from ticketcore.conditions import Condition, F
from ticketcore.sla import RaisePriority, Target

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
FIVE = PriorityScale(["P1", "P2", "P3", "P4", "P5"])


def test_the_built_ins_keep_their_names_order_and_value() -> None:
    assert [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT] == sorted(
        [Priority.URGENT, Priority.LOW, Priority.HIGH, Priority.NORMAL]
    )
    assert ["low", "normal", "high", "urgent"] == [p.value for p in PriorityScale.BUILTIN]
    assert [0, 1, 2, 3] == [p.rank for p in PriorityScale.BUILTIN]
    assert list(PriorityScale.BUILTIN) == list(Priority)  # the old enum's iteration, lowest first
    assert Priority.URGENT is Priority.parse("urgent")
    assert Priority.NORMAL is PriorityScale.BUILTIN.default


def test_a_priority_is_interned_so_equality_is_identity() -> None:
    assert Priority("P1", 4) is Priority("P1", 4)
    assert Priority("P1", 4) is FIVE["P1"]
    assert Priority("P1", 4) != Priority("P1", 3)
    assert Priority("urgent", 3) is Priority.URGENT
    assert {Priority("P1", 4): 1}[FIVE["P1"]] == 1


def test_copies_and_pickles_are_the_canonical_instance() -> None:
    p1 = FIVE["P1"]
    assert copy.copy(p1) is p1
    assert copy.deepcopy([p1])[0] is p1
    assert pickle.loads(pickle.dumps(p1)) is p1
    assert pickle.loads(pickle.dumps(Priority.HIGH)) is Priority.HIGH
    assert pickle.loads(pickle.dumps(FIVE)) == FIVE


def test_interning_holds_across_threads() -> None:
    found: list[Priority] = []

    def make() -> None:
        found.extend(Priority("racy", 7) for _ in range(200))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(p) for p in found}) == 1


def test_a_priority_is_immutable() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Priority.HIGH.rank = 9
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del Priority.HIGH.name


@pytest.mark.parametrize(
    ("name", "rank", "field"),
    [("", 0, "name"), ("  ", 0, "name"), ("x" * 101, 0, "name"), (5, 0, "name"), ("all", 0, "name"),
     ("P1", -1, "rank"), ("P1", 100, "rank"), ("P1", True, "rank"), ("P1", 1.0, "rank")],
)  # fmt: skip
def test_a_bad_priority_is_refused_naming_the_field(name: object, rank: object, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        Priority(name, rank)  # type: ignore[arg-type]  # the wrong type on purpose
    assert field == e.value.field


def test_a_scale_lists_names_highest_first_and_iterates_lowest_first() -> None:
    assert ("P1", "P2", "P3", "P4", "P5") == FIVE.names
    assert ["P5", "P4", "P3", "P2", "P1"] == [p.name for p in FIVE]
    assert sorted(FIVE) == list(FIVE)
    assert FIVE["P1"] is FIVE.highest
    assert FIVE["P5"] is FIVE.lowest
    assert 5 == len(FIVE)
    assert "P2" in FIVE
    assert FIVE["P2"] in FIVE
    assert Priority.HIGH not in FIVE
    assert "P7" not in FIVE


def test_the_default_is_the_middle_name_unless_given() -> None:
    assert "P3" == FIVE.default.name
    assert "normal" == PriorityScale(["urgent", "high", "normal", "low"]).default.name  # lower middle
    assert "low" == PriorityScale(["high", "low"]).default.name
    assert "only" == PriorityScale(["only"]).default.name
    assert "P4" == PriorityScale(FIVE.names, default="P4").default.name
    assert "P4" == PriorityScale(FIVE.names, default=FIVE["P4"]).default.name


def test_above_is_the_next_more_urgent_and_none_at_the_top() -> None:
    assert FIVE["P2"] is FIVE.above("P3")
    assert FIVE.above(FIVE["P1"]) is None
    assert Priority.URGENT is PriorityScale.BUILTIN.above(Priority.HIGH)


def test_an_unknown_name_is_refused_listing_the_known_ones_highest_first() -> None:
    with pytest.raises(InvalidInput) as e:
        FIVE.parse("P7", "ticket.priority")
    assert "ticket.priority" == e.value.field
    assert "'P1', 'P2', 'P3', 'P4', 'P5' (highest first)" in e.value.expected
    with pytest.raises(InvalidInput):
        FIVE["urgent"]
    with pytest.raises(InvalidInput):
        FIVE.parse(Priority.URGENT)  # a priority of another scale
    with pytest.raises(InvalidInput):
        FIVE.above("P9")


@pytest.mark.parametrize(
    ("names", "default", "field"),
    [
        ([], None, "priorities"),
        ("P1", None, "priorities"),
        (["P1", "P1"], None, "priorities[1]"),
        (["P1", ""], None, "priorities[1]"),
        (["P1", "all"], None, "priorities[1]"),
        (["P1", 2], None, "priorities[1]"),
        ([f"P{i}" for i in range(101)], None, "priorities"),
        (["P1", "P2"], "P3", "default_priority"),
        (["P1", "P2"], Priority.HIGH, "default_priority"),
    ],
)
def test_a_bad_scale_is_refused_naming_the_field(names: object, default: object, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        PriorityScale(names, default)  # type: ignore[arg-type]  # the wrong type on purpose
    assert field == e.value.field


def test_the_scale_in_force_reads_names_and_gives_the_default() -> None:
    with FIVE.active():
        assert FIVE is PriorityScale.current()
        t = Ticket(id="T-1", created=T0, priority="P1")
        assert FIVE["P1"] is t.priority
        assert FIVE["P3"] is Ticket(id="T-2", created=T0).priority
        assert (F.priority >= "P2") == Condition.from_dict({"field": "priority", "gte": "P2"})
        assert (F.priority >= "P2").matches(t)
        assert RaisePriority(FIVE["P2"]) == RaisePriority.from_dict({"raise_priority": "P2"})
        with pytest.raises(InvalidInput, match="'P1', 'P2'"):
            Ticket(id="T-3", created=T0, priority="urgent")
    assert PriorityScale.BUILTIN is PriorityScale.current()
    with pytest.raises(InvalidInput):
        Ticket(id="T-1", created=T0, priority="P1")


def test_a_ticket_s_dict_form_leaves_out_the_default_of_the_scale_in_force() -> None:
    with FIVE.active():
        p3 = Ticket(id="T-1", created=T0)
        p1 = Ticket(id="T-2", created=T0, priority="P1")
        assert "priority" not in p3.to_dict()
        assert "P1" == p1.to_dict()["priority"]
        assert p3 == Ticket.from_dict(p3.to_dict())
        assert p1 == Ticket.from_dict(p1.to_dict())
    assert "P3" == p3.to_dict()["priority"]  # outside the block it is not the default


def test_goals_for_all_cover_every_priority_of_the_scale_in_force() -> None:
    with FIVE.active():
        one = Target(name="fr", metric="first_response", goals=timedelta(hours=1))
        read = Target.from_dict(
            {"name": "fr", "metric": "first_response", "goals": {"all": "1h", "P1": "10m"}}
        )
    assert list(FIVE) == [p for p, _ in one.goals]
    assert timedelta(minutes=10) == read.goal_for(FIVE["P1"])
    assert timedelta(hours=1) == read.goal_for(FIVE["P5"])


def test_a_scale_s_dict_form_round_trips_and_errors_name_the_path() -> None:
    assert {"priorities": ["P1", "P2", "P3", "P4", "P5"], "default_priority": "P3"} == FIVE.to_dict()
    assert FIVE == PriorityScale.from_dict(FIVE.to_dict())
    with pytest.raises(InvalidInput) as e:
        PriorityScale.from_dict({"priorities": ["P1", "P1"]}, "vocabulary")
    assert "vocabulary.priorities[1]" == e.value.field
    with pytest.raises(InvalidInput) as e:
        PriorityScale.from_dict({"priorities": ["P1"], "default_priority": "P2"}, "vocabulary")
    assert "vocabulary.default_priority" == e.value.field


_name = st.text(min_size=1, max_size=8).filter(lambda s: s.strip() and s != "all")


@pytest.mark.slow
@given(names=st.lists(_name, min_size=1, max_size=12, unique=True), data=st.data())
def test_law_rank_order_is_list_order_and_the_dict_form_round_trips(
    names: list[str], data: st.DataObject
) -> None:
    default = data.draw(st.none() | st.sampled_from(names))
    scale = PriorityScale(names, default)
    ranks = [scale.parse(name).rank for name in names]
    assert ranks == sorted(ranks, reverse=True)
    assert len(set(ranks)) == len(names)
    assert [scale[n] for n in names] == sorted(scale, reverse=True)
    assert scale == PriorityScale.from_dict(scale.to_dict())
    assert scale.default in scale
    for lower, higher in zip(list(scale), list(scale)[1:], strict=False):
        assert scale.above(lower) is higher
    with scale.active():
        assert all(Priority.parse(n) is scale[n] for n in names)
