"""The backlog's heaps by need (`ticketcore.assign._backlog`): versions mark stale entries.

A ticket re-keyed while it waits (its priority or skills changed) is pushed again with a
new version and its old entry stays in the heap until it reaches the top; the version
tells the two apart, so the old entry never hands the ticket out in its old place.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ticketcore import Status, Ticket
from ticketcore.assign import Agent, Assigned, BacklogOrder, Dispatcher, Pool, Routing
from ticketcore.events import StatusChanged, TicketCreated, TicketUpdated

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_a_ticket_whose_priority_fell_while_waiting_is_handed_out_in_its_new_place() -> None:
    pool = Pool(name="p", cap=1, backlog=True, backlog_order=BacklogOrder.PRIORITY)
    d = Dispatcher(Routing(pools=[pool], default_pool="p"), [Agent(id="a")])
    d.handle(TicketCreated(ticket=Ticket(id="T0", created=T0)))  # a is at their cap
    d.handle(TicketCreated(ticket=Ticket(id="T1", created=T0 + MINUTE, priority="urgent")))
    d.handle(TicketCreated(ticket=Ticket(id="T2", created=T0 + 2 * MINUTE, priority="normal")))
    d.handle(TicketUpdated(ticket_id="T1", at=T0 + 3 * MINUTE, changes={"priority": "low"}))
    assert d.backlog("p") == ("T2", "T1")

    out = d.handle(StatusChanged(ticket_id="T0", at=T0 + 4 * MINUTE, status=Status.SOLVED))

    # The stale entry of T1 (urgent) is at the top of the heap, but no longer T1's place.
    assert [(x.ticket_id, x.agent_id) for x in out if isinstance(x, Assigned)] == [("T2", "a")]
    assert d.backlog("p") == ("T1",)
