"""The dispatcher's state declaration, shared by the modules of its jobs.

Job: `_Core`, the base of `Dispatcher` and of each of its job mixins: the slots with their
types, the look-ups and checks every job uses (`_rec`, `_agent`, `_check_due`,
`_check_agents_known`) and, for the type checker only, the methods one job calls in
another. May import: `_records`, `_rotation` and the value modules; never a job module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from ticketcore._errors import InvalidInput, InvalidTransition
from ticketcore._ticket import Status, Ticket
from ticketcore.assign._decisions import (
    Decision,
    Explanation,
    Reason,
)
from ticketcore.assign._fast import Ranked
from ticketcore.assign._model import (
    Agent,
    BacklogOrder,
    Pool,
    Routing,
    Rule,
)
from ticketcore.assign._records import (
    _Channels,
    _Info,
    _Need,
    _Rec,
    _Rot,
)
from ticketcore.assign._rotation import Rotation
from ticketcore.assign._strategies import (
    Selection,
)
from ticketcore.sla import SLAPolicies


def _check_agents_known(routing: Routing, agents: Mapping[str, Agent], path: str) -> None:
    """Rules must name current agents; a pool may name one who does not exist (yet)."""
    for i, rule in enumerate(routing.rules):
        if rule.agent is not None and rule.agent not in agents:
            raise InvalidInput.unknown_key(f"{path}.rules[{i}].agent", rule.agent, agents, "agent ids")


class _Core:
    """The dispatcher's state: its slots with their types, and the checks and look-ups every job uses.

    `Dispatcher` is this class with its jobs mixed in (each a class of ``__slots__ = ()``
    in its own module); under ``TYPE_CHECKING`` the methods one job calls in another are
    declared here, so each module type-checks alone and no module imports a higher one.
    """

    #: Whether the built-in round robin, least loaded and longest idle use the fast
    #: structures of `_fast` (set on `Dispatcher`; see there).
    _FAST: ClassVar[bool]

    # Slots: attribute reads stay fast for the dispatcher's whole life (on CPython 3.11, once an
    # instance's __dict__ is read, every later attribute read on it is several times slower), and
    # `_save` copies the whole state by these names.
    __slots__ = (
        "_agents",
        "_arrivals",
        "_ch",
        "_counted",
        "_counter",
        "_decided",
        "_epoch",
        "_explained",
        "_fallback",
        "_fragile",
        "_idle",
        "_info",
        "_load",
        "_members",
        "_now",
        "_open",
        "_pool_by_name",
        "_pools_of",
        "_pos",
        "_queues",
        "_ranked",
        "_ranked_of",
        "_reasons",
        "_rot",
        "_routing",
        "_selected",
        "_sla",
        "_tickets",
    )

    _routing: Routing
    _sla: SLAPolicies | None
    _agents: dict[str, Agent]
    _tickets: dict[str, _Rec]
    _load: dict[str, int]
    _ch: _Channels
    _rot: dict[str, _Rot]
    _counter: int
    _idle: dict[str, int]
    _arrivals: int
    _now: datetime | None
    _decided: datetime
    _queues: dict[str, dict[_Need, list[tuple[Any, ...]]]]
    _members: dict[str, list[str]]
    _info: dict[str, _Info]
    _fallback: dict[int, tuple[Pool, str]]
    _pools_of: dict[str, list[Pool]]
    _pool_by_name: dict[str, Pool]
    _reasons: dict[str, dict[str, str | None]]
    _pos: dict[str, dict[str, int]]
    _open: dict[str, list[int]]
    _ranked: dict[str, Ranked]
    _ranked_of: dict[str, list[tuple[dict[str, str | None], Ranked]]]
    _epoch: int
    _selected: dict[str, tuple[int, Selection]]
    _explained: dict[str, tuple[int, Selection, str, tuple[tuple[str, str], ...], Explanation]]
    _counted: frozenset[Status]
    _fragile: bool

    @staticmethod
    def _check_due(routing: Routing, sla: SLAPolicies | None) -> None:
        if sla is None:
            for i, pool in enumerate(routing.pools):
                if pool.backlog_order is BacklogOrder.DUE:
                    raise InvalidInput(
                        f"routing.pools[{i}].backlog_order",
                        "an order other than 'due' when no sla is given",
                        "due",
                    )

    def _rec(self, ticket_id: str) -> _Rec:
        try:
            rec = self._tickets.get(ticket_id)
        except TypeError:  # unhashable: no id (a try costs nothing until it catches)
            raise InvalidInput("ticket_id", "a ticket id (text)", ticket_id) from None
        if rec is None:
            raise InvalidTransition("ticket_id", "a ticket the dispatcher knows", ticket_id)
        return rec

    def _agent(self, agent_id: str, field: str) -> Agent:
        try:
            agent = self._agents.get(agent_id)
        except TypeError:  # unhashable: no id
            raise InvalidInput(field, "an agent id (text)", agent_id) from None
        if agent is None:
            raise InvalidTransition(field, "an agent the dispatcher knows", agent_id)
        return agent

    if TYPE_CHECKING:  # the methods one job calls in another (defined in the modules named)

        def __init__(
            self, routing: Routing, agents: Iterable[Agent] = (), *, sla: SLAPolicies | None = None
        ) -> None: ...

        # _tables
        def _index(self) -> None: ...
        def _reason(self, agent_id: str, pool: Pool, channel: str | None = None) -> str | None: ...
        def _refresh(self, agent_id: str) -> None: ...
        def _bump(self, agent_id: str, delta: int, rec: _Rec | None) -> None: ...
        def _rank(self, agent_id: str) -> None: ...
        def _refresh_all(self) -> None: ...
        def _count(self) -> None: ...
        def _recount(self) -> None: ...

        # _selection
        def _select(
            self, pool: Pool, ticket: Ticket, at: datetime, counts: dict[str, int] | None = None
        ) -> Selection: ...
        def _ring_choice(
            self, pool: Pool, ticket: Ticket, route: str, rules_passed: tuple[tuple[str, str], ...] = ()
        ) -> tuple[str, Explanation] | None: ...
        def _explain(
            self, pool: Pool, sel: Selection, route: str, rules_passed: tuple[tuple[str, str], ...] = ()
        ) -> Explanation: ...

        # _placing
        def _first_rule(self, rec: _Rec, kind: str) -> Rule | None: ...
        def _route(self, rec: _Rec, at: datetime, cause: str, kind: str, out: list[Decision]) -> None: ...
        def _escalate(
            self,
            rec: _Rec,
            to: int,
            at: datetime,
            *,
            detail: str,
            cause: str,
            out: list[Decision],
            code: Reason = ...,
        ) -> None: ...
        def _to_pool(  # noqa: PLR0917
            self,
            rec: _Rec,
            pool: Pool,
            at: datetime,
            cause: str,
            route: str,
            out: list[Decision],
            rules_passed: tuple[tuple[str, str], ...] = (),
        ) -> None: ...
        def _leave(
            self,
            rec: _Rec,
            at: datetime,
            *,
            cause: str,
            code: Reason,
            reason: str,
            why: Explanation,
            out: list[Decision],
            pool: str | None = None,
        ) -> None: ...
        def _unplace(self, rec: _Rec, reason: str) -> None: ...
        def _give(  # noqa: PLR0917
            self,
            rec: _Rec,
            agent: str,
            at: datetime,
            cause: str,
            reason: Reason,
            why: Explanation,
            out: list[Decision],
            pool: Pool | None = None,
            sel: Selection | None = None,
        ) -> None: ...
        def _return(
            self,
            agent_id: str,
            at: datetime,
            *,
            cause: str,
            code: Reason,
            reason: str,
            which: Any,
            out: list[Decision],
        ) -> None: ...

        # _backlog
        def _refile(self, name: str) -> None: ...
        def _key(self, rec: _Rec, pool: Pool, status: Status | None = None) -> tuple[Any, ...]: ...
        def _enqueue(self, rec: _Rec, pool: Pool, key: tuple[Any, ...] | None = None) -> None: ...
        def _need(self, ticket: Ticket, pool: Pool) -> _Need: ...
        def _live(self, entry: tuple[Any, ...], pool: str) -> bool: ...
        def _head(self, queue: list[tuple[Any, ...]], pool: str) -> _Rec | None: ...
        def _drain(self, at: datetime, trigger: set[str] | None, out: list[Decision]) -> None: ...
        def _to_pool_from_backlog(
            self, rec: _Rec, pool: Pool, at: datetime, counts: dict[str, int], out: list[Decision]
        ) -> bool: ...
        def _closure(self, owner: str, at: datetime, out: list[Decision]) -> None: ...

        # _state
        def _restore_rotation(self, rotation: Rotation) -> None: ...

        # _dispatcher
        def load(self, agent_id: str, channel: str | None = None) -> int: ...
        def rotation(self) -> Rotation: ...
