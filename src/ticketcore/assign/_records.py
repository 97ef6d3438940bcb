"""The dispatcher's private records and the constants its jobs share.

Job: the mutable, private records the dispatcher keeps (`_Rec` a ticket, `_Rot` a pool's
rotation, `_Channels` caps per channel, `_Table` a channel's reason table, `_Info` a
pool's facts and its shared round robin explanations), the words for places, and small
helpers. May import: the value modules of this subpackage (`_decisions`, `_model`,
`_strategies`, `_fast`) and ticketcore's core; nothing of the dispatcher's own modules.
"""

from __future__ import annotations

from typing import Final

import attrs

from ticketcore._ticket import Ticket
from ticketcore.assign._decisions import (
    Explanation,
    make_explanation,
)
from ticketcore.assign._fast import Ranked
from ticketcore.assign._model import (
    Pool,
    Presence,
)
from ticketcore.assign._strategies import (
    LeastLoaded,
    LongestIdle,
    Selection,
    Sequential,
    rotation_text,
)

ASSIGNED: Final = "assigned"
BACKLOG: Final = "backlog"
UNASSIGNED: Final = "unassigned"

_ONLINE: Final = Presence.ONLINE
_PRESENCE_WORDS: Final = {p: p.value for p in Presence}
#: The most explanations `_Info.said` keeps.
_SAID: Final = 4096


def _strategy_name(pool: Pool) -> str:
    form = pool.strategy.to_dict()
    return form if isinstance(form, str) else pool.strategy.name


def _missing(need: frozenset[str], have: frozenset[str]) -> str:
    """Why an agent without some of the skills ``need`` is passed over: ``missing skill 'billing'``."""
    return "missing skill " + ", ".join(map(repr, sorted(need - have)))


#: A backlog heap's key: the language to match ("" for none), the required skills, and
#: the channel when some member's or the pool's cap for it binds ("" otherwise).
_Need = tuple[str, frozenset[str], str]
_PLAIN: Final[_Need] = ("", frozenset(), "")


class _Rot:
    __slots__ = ("credit", "index", "last")

    def __init__(self) -> None:
        self.last: str | None = None
        self.index = -1
        self.credit: dict[str, int] = {}

    def copy(self) -> _Rot:
        other = _Rot()
        other.last, other.index, other.credit = self.last, self.index, dict(self.credit)
        return other


class _Rec:
    """A ticket as the dispatcher keeps it (mutable, private)."""

    __slots__ = ("agent", "answered", "arrival", "place", "pool", "reason", "status", "ticket", "version")

    def __init__(self, ticket: Ticket, arrival: int) -> None:
        self.ticket = ticket
        self.status = ticket.status
        self.place = UNASSIGNED
        self.agent: str | None = None
        self.pool: str | None = None
        self.reason: str | None = None
        self.answered = False
        self.arrival = arrival
        self.version = 0

    def copy(self) -> _Rec:
        other = _Rec.__new__(_Rec)
        for name in _Rec.__slots__:
            setattr(other, name, getattr(self, name))
        return other

    def current(self) -> Ticket:
        t = self.ticket
        if t.status is not self.status or t.assignee != self.agent:
            t = self.ticket = attrs.evolve(t, status=self.status, assignee=self.agent)
        return t


def _any(rec: _Rec) -> bool:
    return True


def _unanswered(rec: _Rec) -> bool:
    return not rec.answered and not rec.status.is_resolved


class _Channels:
    """The dispatcher's state for caps per channel (channels in lower case).

    ``load``: each agent's counted open tickets per channel, kept only while ``track``
    (some cap per channel exists); ``agents`` and ``pools``: their caps per channel;
    ``capped``: per pool, the channels some cap binds there; ``tables``: for those, the
    pool's reason tables (built only for the fast selection). One attribute on the
    dispatcher, not six: CPython shares an instance's attribute keys (and so keeps its
    attribute reads fast) only up to 30 of them.
    """

    __slots__ = ("agents", "capped", "load", "pools", "tables", "track")

    def __init__(self) -> None:
        self.load: dict[str, dict[str, int]] = {}
        self.agents: dict[str, dict[str, int]] = {}
        self.pools: dict[str, dict[str, int]] = {}
        self.capped: dict[str, frozenset[str]] = {}
        self.tables: dict[str, dict[str, _Table]] = {}
        self.track = False

    def copy(self) -> _Channels:
        other = _Channels()
        other.load = {a: dict(held) for a, held in self.load.items()}
        other.agents, other.pools, other.capped = self.agents, self.pools, self.capped
        other.tables, other.track = self.tables, self.track
        return other


class _Table:
    """One pool's reason table for tickets of one capped channel, and its fast structures."""

    __slots__ = ("open", "ranked", "reasons", "selected")

    def __init__(self, reasons: dict[str, str | None]) -> None:
        self.reasons = reasons
        self.open: list[int] | None = None
        self.ranked: Ranked | None = None
        self.selected: tuple[int, Selection] | None = None


class _Info:
    """A pool's facts that change only with the routing or the agents (rebuilt by `Dispatcher._index`).

    ``excluded``: the members the pool's filters exclude, with why; ``shifts``: whether
    some member has a shift the pool checks; ``strategy``: its name in explanations;
    ``ring``: the strategy is the built-in round robin; ``ranked``: least loaded or
    longest idle; ``simple``: no shifts and no cap per channel binds in the pool, so a
    ticket without skills and language (outside a backlog pass with a limit) takes the
    plain selection (see `Dispatcher._select`); ``said``: the round robin's explanations
    when it chose the member right after the last assignee, by last assignee and route
    (they depend on nothing else: immutable values, shared between decisions).
    """

    __slots__ = ("excluded", "name", "ranked", "ring", "said", "shifts", "simple", "strategy")

    def __init__(self, pool: Pool, excluded: tuple[tuple[str, str], ...], shifts: bool) -> None:
        self.name = pool.name
        self.said: dict[tuple[str | None, str], Explanation] = {}
        self.excluded = excluded
        self.shifts = shifts
        self.strategy = _strategy_name(pool)
        kind = type(pool.strategy)
        self.ring = kind is Sequential
        self.ranked = kind is LeastLoaded or kind is LongestIdle
        self.simple = not shifts  # and (set by _index) no cap per channel binds

    def ring_explanation(self, last: str | None, route: str) -> Explanation:
        """The explanation of a round robin that chose the member right after ``last``, nobody passed over."""
        said = self.said
        if len(said) >= _SAID:
            said.clear()  # (routes carry escalation details: keep the table bounded)
        why = said[last, route] = make_explanation(
            route, (), self.name, self.strategy, self.excluded, 1, rotation_text(last)
        )
        return why
