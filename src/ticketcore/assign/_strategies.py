"""Selection strategies: how a pool chooses one of its eligible agents.

Each strategy is a small immutable object with one method, `Strategy.select`. It gets
the pool's members in the pool's stable order, a ``check`` function that says why an
agent is not eligible (or None when they are), and a read-only view of the pool's
rotation state (loads, caps, weights, when each agent last got a ticket from this
pool, the round-robin pointer). It returns a `Selection`: who was chosen, everyone it
passed over with the reason, and the tie-break that decided, in words.

The round-robin pointer and the weighted credits are kept per pool; the idle clock
is one for all pools: "longest idle" means "longest since they last received any
ticket", from any pool, rule or transfer, since an agent's load is one across pools.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from itertools import compress, repeat
from operator import is_, is_not
from typing import Any, ClassVar, Final, Protocol

import attrs

from ticketcore._errors import InvalidInput, show
from ticketcore._util import NO_STRATEGIES as _NO_STRATEGIES

__all__ = [
    "STRATEGY_NAMES",
    "LeastLoaded",
    "LongestIdle",
    "PoolView",
    "Selection",
    "Sequential",
    "SpareCapacity",
    "Strategy",
    "Weighted",
    "strategy_from_dict",
]


class PoolView(Protocol):
    """What a strategy may read about a pool's agents and its rotation."""

    def load(self, agent_id: str, channel: str | None = None) -> int:
        """The agent's counted open tickets: all of them, or those of ``channel``."""

    def cap(self, agent_id: str, channel: str | None = None) -> int | None:
        """The agent's cap in this pool (their own, else the pool's), overall or for ``channel``, or None."""

    @property
    def channel(self) -> str | None:
        """The channel (lower case) of the ticket being placed; None when there is none."""

    def weight(self, agent_id: str) -> int:
        """The agent's weight (at least 1)."""

    def last_assigned(self, agent_id: str) -> int:
        """The sequence number of the last ticket the agent received (from any pool); -1 if never."""

    def credit(self, agent_id: str) -> int:
        """The agent's credit in the weighted cycle (0 to start with)."""

    @property
    def pointer(self) -> tuple[str | None, int]:
        """The agent this pool assigned to last and their position then; ``(None, -1)`` at first."""


@attrs.frozen(kw_only=True)
class Selection:
    """A strategy's answer.

    ``chosen`` is the agent id or None; ``passed`` lists ``(agent_id, reason)`` for every
    member considered and passed over, in the order considered; ``eligible`` counts the
    eligible members seen; ``tiebreak`` says in words what decided; ``credits`` carries
    the weighted cycle's new credits (other strategies leave it None).
    """

    chosen: str | None
    passed: tuple[tuple[str, str], ...]
    eligible: int
    tiebreak: str
    credits: tuple[tuple[str, int], ...] | None = None


Check = Callable[[str], "str | None"]


class Strategy(abc.ABC):
    """The base of the selection strategies. Subclass it for a strategy of your own.

    A strategy must be deterministic: the same members, checks and view give the
    same `Selection`.
    """

    #: The strategy's name in the dict form.
    name: ClassVar[str] = ""
    #: Whether the strategy needs a cap for each agent, their own or the pool's (spare
    #: capacity does): the dispatcher passes over a member with neither, saying so.
    needs_cap: ClassVar[bool] = False

    @abc.abstractmethod
    def select(self, members: Sequence[str], check: Check, view: PoolView) -> Selection:
        """Choose one eligible member, or None, and say why."""

    def to_dict(self) -> str | dict[str, Any]:
        """The dict form: the strategy's name."""
        return self.name


def _scan(members: Sequence[str], check: Check) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """Check every member: the eligible ones, and ``(agent, why)`` for the rest.

    Written with ``map``/``compress`` so that, when ``check`` is a C-level lookup (the
    dispatcher's reason table), no Python code runs per agent.
    """
    whys = list(map(check, members))
    eligible = list(compress(members, map(is_, whys, repeat(None))))
    passed = tuple(compress(zip(members, whys, strict=True), map(is_not, whys, repeat(None))))
    return eligible, passed  # type: ignore[return-value]  # the None reasons are compressed out; a cast would cost a call


@attrs.frozen
class Sequential(Strategy):
    """Strict rotation in the pool's fixed order (round robin).

    The pool remembers who got its last ticket; the next ticket goes to the first
    eligible member after them, wrapping round. A member who is passed over (offline,
    at the cap, ...) loses that turn only: the rotation moves on to whoever got the
    ticket and reaches the skipped member again on its next round. They are not paid
    back later, which keeps the order fixed; use `LongestIdle` if an agent who was away
    should be first in line when back. When the last assignee has left the pool, the
    rotation goes on from the position they held.

    Unlike load balancing, it never favours an agent who closes tickets quickly (the
    Zoho community's complaint about load-based round robin).
    """

    name: ClassVar[str] = "sequential"

    def select(self, members: Sequence[str], check: Check, view: PoolView) -> Selection:
        """The first eligible member after the last assignee."""
        last, index = view.pointer
        if last is not None and last in members:
            start = members.index(last) + 1
        else:
            start = index if index >= 0 else 0
        start %= len(members)
        order = [*members[start:], *members[:start]]
        whys = list(map(check, order))
        try:
            k = whys.index(None)
        except ValueError:
            return Selection(
                chosen=None,
                passed=tuple(zip(order, whys, strict=True)),  # type: ignore[arg-type]  # no None: index found none
                eligible=0,
                tiebreak="nobody eligible",
            )
        passed = tuple(zip(order[:k], whys[:k], strict=True))
        return Selection(chosen=order[k], passed=passed, eligible=1, tiebreak=rotation_text(last))  # type: ignore[arg-type]  # whys[:k] has no None


#: The default strategy, `Sequential()`.
SEQUENTIAL: Final = Sequential()


def _idle_words(view: PoolView, agent: str, others: int) -> str:
    return idle_text(view.last_assigned(agent), others)


def idle_text(seq: int, others: int) -> str:
    """The idle tie-break in words, for an agent last assigned ticket ``seq`` (-1: never).

    ``others`` counts the other eligible members tied with them.
    """
    if seq < 0:
        return f"never assigned; first in pool order among {others + 1} tied"
    return f"longest since last assignment (#{seq})"


def rotation_text(last: str | None) -> str:
    """The round-robin tie-break in words, after the pool's last assignee ``last``."""
    after = f"after {last!r}" if last is not None else "first in the pool's order"
    return f"next in rotation {after}"


@attrs.frozen
class LongestIdle(Strategy):
    """The eligible member who received a ticket least recently, from any pool (never counts as longest).

    The fairest rotation when agents drop in and out: an agent who was offline is first
    in line when back, and nobody loses a turn for being skipped (Chatwoot's queue,
    Zendesk's round robin, ServiceNow's "Last Assigned"). Ties, only among members
    never assigned, go to pool order.
    """

    name: ClassVar[str] = "longest_idle"

    def select(self, members: Sequence[str], check: Check, view: PoolView) -> Selection:
        """The least recently assigned eligible member."""
        eligible, passed = _scan(members, check)
        if not eligible:
            return Selection(chosen=None, passed=passed, eligible=0, tiebreak="nobody eligible")
        best = min(eligible, key=view.last_assigned)  # min keeps the first of equals
        ties = sum(1 for a in eligible if view.last_assigned(a) == view.last_assigned(best)) - 1
        return Selection(
            chosen=best, passed=passed, eligible=len(eligible), tiebreak=_idle_words(view, best, ties)
        )


@attrs.frozen
class LeastLoaded(Strategy):
    """The eligible member with the fewest counted open tickets (load balancing).

    Fills the least loaded agent up to the others, then rotates among the equals. Ties
    go to the longest idle, then to pool order. With loads 5, 9 and 3 the third agent
    gets tickets until it has 5, then the first and third alternate up to 9, and the
    second gets nothing until then (Zoho's load-based example).
    """

    name: ClassVar[str] = "least_loaded"

    def select(self, members: Sequence[str], check: Check, view: PoolView) -> Selection:
        """The least loaded eligible member."""
        eligible, passed = _scan(members, check)
        if not eligible:
            return Selection(chosen=None, passed=passed, eligible=0, tiebreak="nobody eligible")
        load = view.load
        low = min(load(a) for a in eligible)
        tied = [a for a in eligible if load(a) == low]
        if len(tied) == 1:
            return Selection(
                chosen=tied[0], passed=passed, eligible=len(eligible), tiebreak=f"least loaded ({low} open)"
            )
        best = min(tied, key=view.last_assigned)
        words = f"least loaded ({low} open, {len(tied)} tied); {_idle_words(view, best, 0)}"
        return Selection(chosen=best, passed=passed, eligible=len(eligible), tiebreak=words)


@attrs.frozen
class SpareCapacity(Strategy):
    """The eligible member with the most spare capacity, ``cap - load``.

    With ``percentage=True`` spare capacity is a share of the cap, ``(cap - load) /
    cap``: an agent with 1 of 2 (50% spare) beats one with 8 of 10 (20% spare), where
    the numeric method picks the latter (Zendesk's example). Ties go to the longest
    idle, then to pool order. Each agent's cap is their own, else the pool's; the
    dispatcher passes over a member with neither (``no cap``).

    When the agent has a cap for the ticket's channel (`Agent.channel_caps`, else the
    pool's), spare capacity is counted in that channel, as Zendesk's omnichannel routing
    does ("the highest spare capacity for the channel"); with an overall cap as well,
    it is the smaller of the two (the one that binds first).
    """

    name: ClassVar[str] = "spare_capacity"
    needs_cap: ClassVar[bool] = True
    percentage: bool = False

    def select(self, members: Sequence[str], check: Check, view: PoolView) -> Selection:
        """The eligible member with the most spare capacity."""
        eligible, passed = _scan(members, check)
        if not eligible:
            return Selection(chosen=None, passed=passed, eligible=0, tiebreak="nobody eligible")

        channel = getattr(view, "channel", None)

        def better(a: tuple[int, int], b: tuple[int, int]) -> int:
            # compare fractions exactly: a0/a1 against b0/b1
            return (a[0] * b[1] > b[0] * a[1]) - (a[0] * b[1] < b[0] * a[1])

        def spare(agent: str) -> tuple[int, int, bool]:
            cap = view.cap(agent)
            out = (0, 1) if cap is None else (cap - view.load(agent), cap if self.percentage else 1)
            if channel is not None:
                ccap = view.cap(agent, channel)
                if ccap is not None:
                    room = (ccap - view.load(agent, channel), max(ccap, 1) if self.percentage else 1)
                    if cap is None or better(room, out) < 0:
                        return (*room, True)
            return (*out, False)

        best_val = spare(eligible[0])[:2]
        tied = [eligible[0]]
        for agent in eligible[1:]:
            val = spare(agent)
            cmp = better(val[:2], best_val)
            if cmp > 0:
                best_val, tied = val[:2], [agent]
            elif cmp == 0:
                tied.append(agent)
        best = min(tied, key=view.last_assigned)
        unit = f"{best_val[0]}/{best_val[1]} of cap spare" if self.percentage else f"{best_val[0]} spare"
        where = f" in {channel}" if spare(best)[2] else ""
        words = f"most spare capacity{where} ({unit})"
        if len(tied) > 1:
            words += f", {len(tied)} tied; {_idle_words(view, best, 0)}"
        return Selection(chosen=best, passed=passed, eligible=len(eligible), tiebreak=words)

    def to_dict(self) -> str:
        """``"spare_capacity"`` or ``"spare_percentage"``."""
        return "spare_percentage" if self.percentage else "spare_capacity"


@attrs.frozen
class Weighted(Strategy):
    """A deterministic cycle in proportion to the agents' weights (smooth weighted round robin).

    Each ticket, every eligible member gains their weight in credit; the one with the
    most credit (ties to pool order) gets the ticket and gives back the eligible
    members' total weight. With weights 1 and 3, every four tickets give one to the
    first and three to the second, interleaved (B, A, B, B) rather than in a block. A
    member who is not eligible gains nothing, so nobody comes back from a break with a
    burst owed to them.
    """

    name: ClassVar[str] = "weighted"

    def select(self, members: Sequence[str], check: Check, view: PoolView) -> Selection:
        """The eligible member with the most credit after this round's gain."""
        eligible, passed = _scan(members, check)
        if not eligible:
            return Selection(chosen=None, passed=passed, eligible=0, tiebreak="nobody eligible")
        credits = {a: view.credit(a) + view.weight(a) for a in eligible}
        best = max(eligible, key=credits.__getitem__)  # max keeps the first of equals
        total = sum(view.weight(a) for a in eligible)
        words = f"most credit in the weighted cycle ({credits[best]} of total weight {total})"
        credits[best] -= total
        return Selection(
            chosen=best,
            passed=passed,
            eligible=len(eligible),
            tiebreak=words,
            credits=tuple(sorted(credits.items())),
        )


_BY_NAME: Final[Mapping[str, Strategy]] = {
    "sequential": SEQUENTIAL,
    "longest_idle": LongestIdle(),
    "least_loaded": LeastLoaded(),
    "spare_capacity": SpareCapacity(),
    "spare_percentage": SpareCapacity(percentage=True),
    "weighted": Weighted(),
}


#: The names of the built-in strategies, as `strategy_from_dict` reads them.
STRATEGY_NAMES: Final = tuple(_BY_NAME)

#: No strategies of the user's own: the default of every ``strategies=`` argument.
NO_STRATEGIES: Final[Mapping[str, Strategy]] = _NO_STRATEGIES

_OWN = "a strategy of your own, passed by name to the reader (as in strategies={'mine': Mine()})"


def is_builtin(strategy: Strategy) -> bool:
    """Whether ``strategy`` is one of the built-in strategies (not a subclass of one)."""
    name = strategy.to_dict()
    return isinstance(name, str) and name in _BY_NAME and _BY_NAME[name] == strategy


def check_own_name(strategy: Strategy, path: str = "strategy") -> None:
    """Refuse a strategy of the user's own whose dict form cannot be read back by name.

    Its dict form (`Strategy.to_dict`, by default its ``name``) must be a non-empty
    string other than the built-in strategies' names.
    """
    if is_builtin(strategy):
        return
    name = strategy.to_dict()
    if not isinstance(name, str) or not name or name in _BY_NAME:
        raise InvalidInput(
            path,
            "a strategy of your own whose name (its dict form) is a non-empty string other than the "
            f"built-in names {', '.join(map(repr, STRATEGY_NAMES))}, so that a stored state can name it",
            name,
        )


def read_strategies(strategies: object, path: str = "strategies") -> Mapping[str, Strategy]:
    """Check the user's strategies by name: each key a strategy's name, not a built-in one."""
    if strategies is NO_STRATEGIES:
        return strategies
    if not isinstance(strategies, Mapping):
        raise InvalidInput(
            path, "a mapping from name to a strategy of your own, as {'mine': Mine()}", strategies
        )
    for name, strategy in strategies.items():
        where = f"{path}[{show(name)}]"
        if not isinstance(strategy, Strategy):
            raise InvalidInput(where, "a ticketcore.assign.Strategy", strategy)
        if not isinstance(name, str) or name in _BY_NAME:
            raise InvalidInput(
                where,
                f"a name other than the built-in strategies' {', '.join(map(repr, STRATEGY_NAMES))}",
                name,
            )
        check_own_name(strategy, where)
        if strategy.to_dict() != name:
            raise InvalidInput(where, f"the strategy's own name {strategy.to_dict()!r} as its key", name)
    return strategies


def strategy_from_dict(
    data: object, path: str = "strategy", *, strategies: Mapping[str, Strategy] = NO_STRATEGIES
) -> Strategy:
    """A strategy from its dict form, its name: a built-in one, or one of ``strategies``.

    The built-in names: ``"sequential"``, ``"longest_idle"``, ``"least_loaded"``,
    ``"spare_capacity"``, ``"spare_percentage"`` and ``"weighted"``. A strategy of your
    own is written by its name too; reading it back needs it by that name in
    ``strategies`` (``strategies={"mine": Mine()}``), which may not reuse a built-in name.
    """
    strategies = read_strategies(strategies)
    if isinstance(data, str):
        found = _BY_NAME.get(data) or strategies.get(data)
        if found is not None:
            return found
        known = [*_BY_NAME, *strategies]
        error = InvalidInput.unknown_key(path, data, known, "strategy names")
        raise InvalidInput(path, f"{error.expected}, or {_OWN}", data)
    raise InvalidInput(path, "a strategy name", data)


_SEL = tuple(Selection.__dict__[f.name].__set__ for f in attrs.fields(Selection))
_new = object.__new__


def make_selection(
    chosen: str | None, passed: tuple[tuple[str, str], ...], eligible: int, tiebreak: str
) -> Selection:
    """``Selection(chosen, passed, eligible, tiebreak)`` without credits, trusted.

    For the dispatcher's fast selection: the same object as the attrs constructor builds
    (`Selection` has no validators or converters; a test checks that and compares the two).
    """
    out = _new(Selection)
    a, b, c, d, e = _SEL
    a(out, chosen)
    b(out, passed)
    c(out, eligible)
    d(out, tiebreak)
    e(out, None)
    return out
