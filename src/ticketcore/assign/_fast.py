"""The dispatcher's fast selection: structures that answer without scanning every member.

The strategies' own `Strategy.select` methods are the reference: slow, obviously
correct, and what a custom strategy (or a subclass of a built-in one) still runs. For
the built-in `Sequential`, `LeastLoaded` and `LongestIdle` the dispatcher keeps, per
pool, structures that give the same `Selection` (the same agent, the same members
passed over with the same words, the same tie-break text) at a cost that does not grow
with the pool (a law in tests/laws/test_fast_selection_machine.py compares the two on random
event sequences):

- round robin: the positions of the members who are eligible now (the reason table
  says None), sorted; the next one after the rotation's cursor is a bisection, and the
  members passed over are the slice between the cursor and them (the output itself);
- least loaded and longest idle: a heap of the eligible members keyed by
  ``(load, last assigned, position)`` or ``(last assigned, position)``, with lazy
  invalidation (an entry whose key is no longer the agent's current key is dropped when
  it reaches the top), a count of eligible members per tie value (for "3 tied"), and
  the members passed over (every ineligible one, in pool order) cached until a
  member's reason changes.

Eligibility is always the reason table's (presence, cap, whatever it comes to hold,
e.g. a cap per channel): the structures order the eligible members, they never decide
eligibility from a load number. A selection with extra checks for one ticket (skills,
language, shifts, a backlog limit) walks the ring from the cursor for round robin and
falls back to the reference for the others.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from itertools import chain, compress, repeat
from operator import is_not
from typing import Any, Final

from ticketcore.assign._strategies import Selection, idle_text, make_selection, rotation_text

__all__ = ["LEAST_LOADED", "LONGEST_IDLE", "Ranked", "ring_select", "ring_walk"]

#: The kinds of `Ranked` index.
LEAST_LOADED: Final = 0
LONGEST_IDLE: Final = 1


def ring_select(
    members: Sequence[str],
    start: int,
    open_: list[int],
    reasons: Mapping[str, str | None],
    last: str | None,
) -> Selection:
    """Round robin over the reason table alone: the first eligible member at or after ``start``.

    ``open_`` is the sorted positions of the members whose reason is None.
    """
    why: Callable[[str], str] = reasons.__getitem__  # type: ignore[assignment]  # None only at the open positions
    k = bisect_left(open_, start)
    if k < len(open_):
        j = open_[k]
        if j == start:  # (the common case: the next member is eligible)
            return make_selection(members[j], (), 1, rotation_text(last))
        seg = members[start:j]
    elif open_:
        j = open_[0]
        seg = [*members[start:], *members[:j]]
    else:
        order = [*members[start:], *members[:start]]
        return make_selection(None, tuple(zip(order, map(why, order), strict=True)), 0, "nobody eligible")
    passed = tuple(zip(seg, map(why, seg), strict=True)) if seg else ()
    return make_selection(members[j], passed, 1, rotation_text(last))


def ring_walk(
    members: Sequence[str], start: int, check: Callable[[str], str | None], last: str | None
) -> Selection:
    """Round robin with any check: walk the ring from ``start`` to the first eligible member."""
    passed: list[tuple[str, str]] = []
    for i in chain(range(start, len(members)), range(start)):
        agent = members[i]
        why = check(agent)
        if why is None:
            return make_selection(agent, tuple(passed), 1, rotation_text(last))
        passed.append((agent, why))
    return make_selection(None, tuple(passed), 0, "nobody eligible")


class Ranked:
    """One pool's eligible members in a heap, for least loaded or longest idle.

    ``key[agent]`` is the eligible agent's current key (absent: not eligible); the heap
    may hold stale entries, dropped when they reach the top or when it is rebuilt;
    ``ties`` counts the eligible members per tie value (the load for least loaded, the
    last assignment for longest idle).
    """

    __slots__ = ("heap", "key", "kind", "passed", "pos", "ties")

    def __init__(self, kind: int, pos: Mapping[str, int]) -> None:
        self.kind = kind
        self.pos = pos
        self.heap: list[tuple[Any, ...]] = []  # (*key, agent)
        self.key: dict[str, tuple[int, ...]] = {}
        self.ties: dict[int, int] = {}
        #: The members passed over, as the reference lists them, or None when stale.
        self.passed: tuple[tuple[str, str], ...] | None = None

    def update(self, agent: str, eligible: bool, load: int, idle: int) -> None:
        """The agent's eligibility, load or last assignment may have changed."""
        key = self.key
        old = key.get(agent)
        ties = self.ties
        if old is not None:
            tie = old[0]
            n = ties[tie] - 1
            if n:
                ties[tie] = n
            else:
                del ties[tie]
        if not eligible:
            if old is not None:
                del key[agent]
            return
        new = (load, idle, self.pos[agent]) if self.kind == LEAST_LOADED else (idle, self.pos[agent])
        ties[new[0]] = ties.get(new[0], 0) + 1
        if new != old:
            key[agent] = new
            heap = self.heap
            heapq.heappush(heap, (*new, agent))
            if len(heap) > 2 * len(self.pos) + 32:  # too many stale entries: rebuild
                self.heap = [(*k, a) for a, k in key.items()]
                heapq.heapify(self.heap)

    def select(
        self, members: Sequence[str], reasons: Mapping[str, str | None], idle: Mapping[str, int]
    ) -> Selection:
        """The reference's selection, from the heap's top."""
        passed = self.passed
        if passed is None:
            whys: list[Any] = list(map(reasons.__getitem__, members))
            flags = map(is_not, whys, repeat(None))
            passed = self.passed = tuple(compress(zip(members, whys, strict=True), flags))
        key = self.key
        if not key:
            return make_selection(None, passed, 0, "nobody eligible")
        heap = self.heap
        while True:
            top = heap[0]
            agent: str = top[-1]
            if key.get(agent) == top[:-1]:
                break
            heapq.heappop(heap)
        if self.kind == LEAST_LOADED:
            low = top[0]
            tied = self.ties[low]
            if tied == 1:
                return make_selection(agent, passed, len(key), f"least loaded ({low} open)")
            words = f"least loaded ({low} open, {tied} tied); {idle_text(top[1], 0)}"
            return make_selection(agent, passed, len(key), words)
        seq = top[0]
        return make_selection(agent, passed, len(key), idle_text(seq, self.ties[seq] - 1))
