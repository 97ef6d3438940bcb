"""The agent's time: each agent's queue and hand, and the work on the tickets in hand.

Each agent has a hand (the tickets they are working on) and a queue (the tickets they
hold that have work waiting, in ``work_order``). On a non-concurrent channel the hand
holds one ticket; on a concurrent one (``concurrency``) up to N, each progressing at
``1 / slowdown ** (k - 1)`` with k of them in hand; concurrent tickets in hand suspend
the non-concurrent one, which resumes with its remaining work. A ticket in hand has
``started`` (when its rate last changed), ``mult`` (its work time multiplier) and ``seg``
(the work left in its step); its completion is on the heap with the ticket's ``gen``
(generation), and a step on the heap whose generation is stale is dropped. When a ticket
leaves the hand its work done is subtracted and its generation moves on. Who takes what
into hand is decided once per heap event, after the desk has had its say (``dirty``
agents), so a decision never sees a half-made change. Imports `_state` only.
"""

from __future__ import annotations

import heapq
import math
from bisect import insort
from typing import Any

from ticketcore.simulate._state import _STEP, _Ag, _RunState, _Tk


class _AgentTime(_RunState):
    """The part of `_Run` that moves tickets into and out of agents' queues and hands."""

    def _start(self, tk: _Tk, mult: float) -> None:
        """Work on the ticket (in hand) at ``1 / mult``: its step completes after ``seg * mult``."""
        tk.started = now = self.now
        tk.mult = mult
        tk.gen += 1
        self.push(now + (tk.seg if mult == 1.0 else math.ceil(tk.seg * mult)), _STEP, tk, tk.gen)

    def _pause(self, tk: _Tk) -> None:
        """Stop working on the ticket: keep the work left, drop its completion on the heap."""
        if tk.started is not None:
            done = self.now - tk.started
            tk.seg = max(0, tk.seg - (done if tk.mult == 1.0 else round(done / tk.mult)))
            tk.started = None
            tk.gen += 1

    def _enqueue(self, tk: _Tk) -> None:
        """The ticket's work joins its agent's queue (taken into hand at the end of the event)."""
        ag = self.ags[tk.agent]  # type: ignore[index]  # an enqueued ticket has an agent; no check on this hot path
        self.qseq += 1
        key: Any = self.now
        if self.by_due:
            clock = self.desk.clock(tk.id) if self.sla else None
            dues = [d for d in clock.due_times().values() if d is not None] if clock is not None else []
            key = (0, min(dues)) if dues else (1,)  # no due time: after those with one
        entry = (key, self.qseq, tk)
        if tk.n > 1:
            insort(ag.cq, entry)
        else:
            heapq.heappush(ag.q, entry)
        tk.at = ag
        tk.qseq = self.qseq
        if not ag.dirty:
            ag.dirty = True
            self.dirty.append(ag)

    def _leave(self, tk: _Tk) -> None:
        """The ticket leaves its agent's queue or hand (its work done so far is kept)."""
        ag = tk.at
        if ag is None:
            return
        tk.at = None
        tk.qseq = 0  # a queue entry, if any, is dropped when met
        if tk.inhand:
            ag.mark(self.now)
            self._pause(tk)
            tk.inhand = False
            if ag.hand is tk:
                ag.hand = None
            else:
                ag.chats.remove(tk)
            if not ag.dirty:
                ag.dirty = True
                self.dirty.append(ag)

    def _flush(self) -> None:
        """Each agent whose queue or hand changed takes work into hand."""
        dirty, self.dirty = self.dirty, []
        for ag in dirty:
            ag.dirty = False
            self._dispatch(ag)

    def _dispatch(self, ag: _Ag) -> None:
        """Take work into hand: concurrent tickets first, up to each channel's concurrency.

        The non-concurrent ticket in hand is worked on only while no concurrent one is.
        """
        now = self.now
        ag.mark(now)
        chats = ag.chats
        started: list[_Tk] = []
        if ag.cq:
            keep = []
            for entry in ag.cq:
                tk = entry[2]
                if tk.qseq != entry[1]:
                    continue  # it left the queue
                channel = tk.ticket.channel
                if sum(1 for c in chats if c.ticket.channel == channel) < tk.n:
                    tk.qseq = 0
                    tk.inhand = True
                    chats.append(tk)
                    started.append(tk)
                else:
                    keep.append(entry)
            ag.cq = keep
        k = len(chats)
        if k:
            hand = ag.hand
            if hand is not None and hand.started is not None:
                self._pause(hand)  # suspended while a concurrent ticket is in hand
            slowdown = self.slowdown
            if k != ag.k and slowdown:
                for c in chats:
                    f = slowdown.get(c.ticket.channel)
                    if f is not None and c.started is not None:
                        self._pause(c)
                        self._start(c, f ** (k - 1))
            for c in started:
                f = slowdown.get(c.ticket.channel)
                self._start(c, 1.0 if f is None else f ** (k - 1))
        else:
            if ag.hand is None:
                q = ag.q
                while q:
                    _, seq, tk = heapq.heappop(q)
                    if tk.qseq == seq:
                        tk.qseq = 0
                        tk.inhand = True
                        ag.hand = tk
                        break
            hand = ag.hand
            if hand is not None and hand.started is None:
                self._start(hand, 1.0)
        ag.k = k

    def _release(self, tk: _Tk) -> None:
        """The ticket leaves its agent's hand: the customer's turn, or solved."""
        ag = tk.at
        tk.ready = False
        if ag is not None:
            self._leave(tk)

    def _hand_to(self, tk: _Tk, agent_id: str) -> None:
        """The ticket's new agent (assigned or transferred): its work waiting joins their queue.

        The work done so far is kept; during the customer's turn nothing joins (the
        customer's message will).
        """
        self._unwait(tk)
        previous = tk.agent
        self._leave(tk)
        tk.agent = agent_id
        if tk.ready and not tk.closed:
            self._enqueue(tk)
        if previous is not None:
            self._load(previous)
        self._load(agent_id)
