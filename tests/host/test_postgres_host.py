"""The reference host on PostgreSQL: four workers, one killed mid-transaction, lose and repeat nothing.

The test starts a throwaway server itself (as root, as the ``postgres`` user) and skips
only where the PostgreSQL programs are missing.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from examples.host import apply_logged, create_schema, drift, enqueue, replay
from examples.host.pg import Server, connect, missing_binaries
from examples.host.team import config, team_day
from ticketcore.desk import Desk

ROOT = Path(__file__).resolve().parents[2]
CAP = 3
AGENTS = 20

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(missing_binaries()),
        reason=f"PostgreSQL programs not found on the PATH: {', '.join(missing_binaries())}",
    ),
]


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    server = Server()
    try:
        yield server.start()
    finally:
        server.stop()


def test_four_workers_one_killed_apply_every_event_once_in_lane_order(dsn: str) -> None:
    cfg = config(agents=AGENTS, cap=CAP)
    events = team_day(5, tickets=1300, agents=AGENTS, ticks=timedelta(minutes=10), breaks=40)
    assert len(events) >= 5000
    db = connect(dsn)
    create_schema(db, cfg)
    enqueue(db, events)

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    command = [sys.executable, "-m", "examples.host", "worker", dsn]
    # Worker 0 kills itself (SIGKILL) at its 1,000th statement: inside some transaction.
    workers = [
        subprocess.Popen([*command, *(["--die-at", "1000"] if i == 0 else [])], env=env, cwd=ROOT)  # noqa: S603
        for i in range(4)
    ]
    codes = [w.wait(timeout=600) for w in workers]
    assert codes == [-9, 0, 0, 0]

    states = dict(db.execute("SELECT state, COUNT(*) FROM events GROUP BY state"))
    assert states == {"applied": len(events)}, db.execute(
        "SELECT id, error FROM events WHERE state = 'parked'"
    )
    # No event applied twice, none lost: one position each, 1..N without gaps.
    positions = [r[0] for r in db.execute("SELECT applied_seq FROM events ORDER BY applied_seq")]
    assert positions == list(range(1, len(events) + 1))
    # Per-lane order: within a lane, applied in inbox order.
    lanes: dict[str, list[int]] = collections.defaultdict(list)
    for lane, applied in db.execute("SELECT lane, applied_seq FROM events ORDER BY seq"):
        lanes[lane].append(applied)
    assert all(seqs == sorted(seqs) for seqs in lanes.values())

    # The stored state equals a single-process replay of the log in applied order, and so
    # does the outbox (every decision and notification exactly once).
    assert drift(db, cfg) == []
    _, rows = replay(db, cfg)
    stored = db.execute("SELECT applied_seq, kind, ticket_id, body FROM outbox ORDER BY applied_seq, seq")
    assert [tuple(r) for r in stored] == rows

    # The stored history is that replay's sequence of states (the desk is deterministic and
    # the two agree at the end and in every outcome): check caps and places along it.
    desk = Desk(cfg)
    agents = [a.id for a in cfg.agents]
    log = db.execute("SELECT body FROM events ORDER BY applied_seq")
    for n, (body,) in enumerate(log):
        apply_logged(desk, json.loads(body))
        assert all(desk.dispatcher.load(a) <= CAP for a in agents), f"a cap exceeded after event {n + 1}"
        if n % 250 == 0 or n == len(log) - 1:
            assert_each_ticket_in_one_place(desk)
    db.close()


def assert_each_ticket_in_one_place(desk: Desk) -> None:
    """Every open ticket is in exactly one place: assigned (to its assignee), waiting in the
    backlog, or left unassigned with a reason (solved while it waited)."""
    backlog = desk.dispatcher.backlog("team")
    assert len(backlog) == len(set(backlog))
    waiting = set(backlog)
    for tid in desk.tickets():
        where, who = desk.dispatcher.place(tid)
        if where == "assigned":
            assert tid not in waiting
            assert desk.dispatcher.ticket(tid).assignee == who
        elif where == "backlog":
            assert who == "team"
            assert tid in waiting
        else:
            assert (where, desk.dispatcher.ticket(tid).status.value) == ("unassigned", "solved"), (tid, who)
            assert tid not in waiting
    assert waiting <= set(desk.tickets())
