"""``python -m examples.host demo|check|worker``: the reference host's command line.

- ``demo [--seed N] [--tickets N] [--db PATH]``: a simulated team's day through the SQLite
  host, with no server; prints what landed.
- ``check DB``: the drift check: replays the log of a SQLite database into a fresh desk and
  compares it with the stored state; prints the differences, exit status 1 on drift.
- ``worker DSN``: one PostgreSQL worker: applies pending events until none is left.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime

from examples.host import store, team


def demo(seed: int, tickets: int, path: str | None) -> int:
    """Run the day through SQLite and print a summary; 0 when the drift check passes."""
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_sqlite(path or os.path.join(tmp, "desk.sqlite3"))
        config = team.config()
        store.create_schema(db, config)
        cache = store.DeskCache()
        parked = 0
        for host_id, event in team.team_day(seed, tickets=tickets):
            at = getattr(event, "at", None)
            assert isinstance(at, datetime)
            store.fire_due(db, config, at, cache)  # the host's one timer, at the next event's time
            store.enqueue(db, [(host_id, event)])
            while (done := store.apply_next(db, config, cache)) is not None:
                parked += done.error is not None
        store.fire_due(db, config, team.DAY.replace(hour=23, minute=59), cache)
        print(summary(db, parked))
        found = store.drift(db, config)
        print("drift check:", "no drift" if not found else f"{len(found)} differences")
        db.close()
        if path:
            print(f"database kept at {path}; run: python -m examples.host check {path}")
        return 1 if found else 0


def summary(db: store.Db, parked: int = 0) -> str:
    """What landed in a host's database: events, open tickets, the outbox by kind, a few notifications."""
    lines = []
    states = dict(db.execute("SELECT state, COUNT(*) FROM events GROUP BY state"))
    timers = db.execute(
        """SELECT COUNT(*) FROM events WHERE state = 'applied' AND body LIKE '%"type":"advance"%'"""
    )
    lines.append(
        f"events: {states.get('applied', 0)} applied ({timers[0][0]} timer firings), "
        f"{states.get('parked', 0)} parked, {states.get('pending', 0)} pending"
    )
    open_tickets = [json.loads(s) for (s,) in db.execute("SELECT state FROM tickets")]
    places = collections.Counter(t["dispatcher"]["place"] for t in open_tickets)
    lines.append(
        f"open tickets: {len(open_tickets)} ({', '.join(f'{n} {p}' for p, n in sorted(places.items()))})"
    )
    kinds = dict(db.execute("SELECT kind, COUNT(*) FROM outbox GROUP BY kind ORDER BY kind"))
    lines.append("outbox: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    decisions = collections.Counter(
        json.loads(b)["kind"] for (b,) in db.execute("SELECT body FROM outbox WHERE kind = 'decisions'")
    )
    lines.append("decisions: " + ", ".join(f"{n} {k}" for k, n in sorted(decisions.items())))
    why = collections.Counter(
        json.loads(b)["why"] for (b,) in db.execute("SELECT body FROM outbox WHERE kind = 'notifications'")
    )
    lines.append("notifications: " + ", ".join(f"{n} {k}" for k, n in sorted(why.items())))
    for (body,) in db.execute("SELECT body FROM outbox WHERE kind = 'notifications' ORDER BY seq LIMIT 4"):
        n = json.loads(body)
        lines.append(f"  {n['at']}  to {n['to']}: {n['text']}")
    ((timer,),) = db.execute("SELECT next_deadline FROM shared WHERE id = 1")
    lines.append(f"next timer: {timer}")
    return "\n".join(lines)


def check(path: str) -> int:
    """The drift check on a SQLite database; 1 on drift."""
    if not os.path.exists(path):
        print(f"no such database: {path}", file=sys.stderr)
        return 2
    db = store.open_sqlite(path)
    found = store.drift(db, store.stored_config(db))
    db.close()
    for line in found:
        print(line)
    print("no drift" if not found else f"drift: {len(found)} differences")
    return 1 if found else 0


def worker(dsn: str, die_at: int | None = None) -> int:
    """One PostgreSQL worker: apply events until none is pending.

    ``die_at``: the worker kills itself (SIGKILL) at that statement, inside a transaction (tests).
    """
    from examples.host import pg  # noqa: PLC0415 - psycopg is optional

    db = pg.connect(dsn, die_at=die_at)
    config = store.stored_config(db)
    db.rollback()
    cache = store.DeskCache()
    while True:
        if store.apply_next(db, config, cache) is not None:
            continue
        left = db.execute("SELECT COUNT(*) FROM events WHERE state = 'pending'")[0][0]
        db.rollback()
        if not left:
            return 0
        time.sleep(0.002)  # another worker holds the lane's earlier event


def main(argv: Sequence[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m examples.host", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="a simulated team's day through the SQLite host")
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--tickets", type=int, default=120)
    d.add_argument("--db", help="keep the database at this path (default: a temporary file)")
    c = sub.add_parser("check", help="replay a database's log and compare it with the stored state")
    c.add_argument("db")
    w = sub.add_parser("worker", help="one PostgreSQL worker (needs psycopg)")
    w.add_argument("dsn")
    w.add_argument("--die-at", type=int, help="kill this process at its N-th statement (tests)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(args.seed, args.tickets, args.db)
    if args.command == "check":
        return check(args.db)
    return worker(args.dsn, args.die_at)


if __name__ == "__main__":
    sys.exit(main())
