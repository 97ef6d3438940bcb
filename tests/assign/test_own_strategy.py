"""A strategy of the user's own survives the dict form, given by name (``strategies=``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import attrs
import pytest

from ticketcore import InvalidInput, Ticket
from ticketcore.assign import (
    STRATEGY_NAMES,
    Agent,
    Dispatcher,
    LeastLoaded,
    Pool,
    Routing,
    Sequential,
    Strategy,
    strategy_from_dict,
)
from ticketcore.events import StatusChanged, TicketCreated

from dispatch_helpers import Mine

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


@attrs.frozen
class Nameless(Mine):
    name: ClassVar[str] = ""


@attrs.frozen
class Impostor(Mine):
    name: ClassVar[str] = "least_loaded"


@attrs.frozen
class LoudSequential(Sequential):
    """A subclass of a built-in strategy that keeps its name: it could not be told apart."""


def routing() -> Routing:
    return Routing(pools=[Pool(name="team", strategy=Mine(), cap=2)], default_pool="team")


def dispatcher() -> Dispatcher:
    d = Dispatcher(routing(), [Agent(id="ana"), Agent(id="ben"), Agent(id="cy")])
    for n in range(4):
        d.handle(TicketCreated(ticket=Ticket(id=f"T{n}", created=T0 + n * timedelta(minutes=1))))
    return d


def test_a_pool_s_own_strategy_is_written_by_its_name() -> None:
    assert routing().to_dict()["pools"][0]["strategy"] == "mine"


def test_reading_it_back_without_the_strategy_says_how_to_pass_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        Dispatcher.from_dict(dispatcher().to_dict())
    assert caught.value.field == "state.routing.pools[0].strategy"
    assert caught.value.value == "mine"
    assert "strategies={'mine': Mine()}" in caught.value.expected
    assert all(repr(name) in caught.value.expected for name in STRATEGY_NAMES)


def test_a_dispatcher_with_an_own_strategy_round_trips_and_decides_the_same() -> None:
    d = dispatcher()
    stored = json.loads(json.dumps(d.to_dict()))
    copy = Dispatcher.from_dict(stored, strategies={"mine": Mine()})
    assert copy.to_dict() == stored
    assert copy.routing == d.routing
    later = [
        TicketCreated(ticket=Ticket(id="T9", created=T0 + timedelta(hours=1))),
        StatusChanged(ticket_id="T3", at=T0 + timedelta(hours=2), status="solved"),
        TicketCreated(ticket=Ticket(id="T10", created=T0 + timedelta(hours=3))),
    ]
    for event in later:
        assert d.handle(event) == copy.handle(event)
    assert d.to_dict() == copy.to_dict()


def test_the_parts_round_trip_with_an_own_strategy() -> None:
    d = dispatcher()
    parts = [d.ticket_state(t) for t in d.tickets()]
    copy = Dispatcher.from_parts(d.shared_state(), parts, strategies={"mine": Mine()})
    assert copy.to_dict() == d.to_dict()
    with pytest.raises(InvalidInput, match="strategies="):
        Dispatcher.from_parts(d.shared_state(), parts)


def test_the_readers_take_the_strategies_by_name() -> None:
    assert strategy_from_dict("mine", strategies={"mine": Mine()}) == Mine()
    assert strategy_from_dict("sequential", strategies={"mine": Mine()}) == Sequential()
    assert Pool.from_dict({"name": "p", "strategy": "mine"}, strategies={"mine": Mine()}).strategy == Mine()
    assert Routing.from_dict(routing().to_dict(), strategies={"mine": Mine()}) == routing()
    with pytest.raises(InvalidInput) as caught:
        Pool.from_dict({"name": "p", "strategy": "mien"}, strategies={"mine": Mine()})
    assert caught.value.field == "pool.strategy"
    assert "did you mean 'mine'?" in caught.value.expected


@pytest.mark.parametrize("strategy", [Nameless(), Impostor(), LoudSequential()])
def test_a_pool_refuses_an_own_strategy_it_could_not_read_back(strategy: Strategy) -> None:
    with pytest.raises(InvalidInput) as caught:
        Pool(name="p", strategy=strategy)
    assert caught.value.field == "strategy"
    assert "non-empty string other than the built-in names" in caught.value.expected
    assert caught.value.value == strategy.to_dict()


def test_the_built_in_strategies_are_still_accepted() -> None:
    for name in STRATEGY_NAMES:
        assert Pool(name="p", strategy=strategy_from_dict(name)).strategy.to_dict() == name


@pytest.mark.parametrize(
    ("strategies", "field", "words"),
    [
        ({"least_loaded": Mine()}, "strategies['least_loaded']", "a name other than the built-in"),
        ({"sequential": LeastLoaded()}, "strategies['sequential']", "a name other than the built-in"),
        ({"other": Mine()}, "strategies['other']", "the strategy's own name 'mine'"),
        ({"mine": "Mine()"}, "strategies['mine']", "a ticketcore.assign.Strategy"),
        ({"": Nameless()}, "strategies['']", "non-empty string"),
        (["mine"], "strategies", "a mapping from name"),
    ],
)
def test_a_bad_strategies_argument_is_refused_clearly(strategies: object, field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Routing.from_dict(routing().to_dict(), strategies=strategies)  # type: ignore[arg-type]  # the wrong type on purpose
    assert caught.value.field == field
    assert words in caught.value.expected
