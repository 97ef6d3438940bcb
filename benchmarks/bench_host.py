"""Benchmark: events per second through the reference host (examples/host), and where the time goes.

Workload: the desk of ``bench_desk.py`` (50 agents, one pool with a cap of 5 and the
backlog, three SLA targets and a two-level ladder) with 10,000 open tickets, each at a
random step of its script; then a stream of events (a random open ticket's next step: an
agent reply, a customer message, pending, open, solved, closed, a new ticket for each
closed one), each carrying the host's id. The population is written straight into the
tables (untimed: the shared row, one row per ticket, the log of the events that built it),
then the stream goes into the inbox and is applied:

1. SQLite (the embedded default, one writer with its cached desk): events per second, the
   bytes written per event (the rows the outcome names plus the outbox rows), and the share
   of the time spent in ticketcore (``Desk.handle``/``advance`` and the state and outcome
   dict forms) against the database (every statement, begin and commit).
2. PostgreSQL (a throwaway server on a Unix socket, durability off as in the tests), with
   1 worker in this process (the same split of the time), then 1, 2 and 4 worker processes
   (``python -m examples.host worker``): events per second from the first claim to the last
   commit. Each worker first loads the 10,000 rows (timed apart, as "cold load"); all
   workers serialise on the shared row (see docs/hosting.md), so more workers add failover,
   not throughput.

Run: ``python benchmarks/bench_host.py [--events N] [--open N]`` (defaults 2,000 and 10,000).
Needs the ``host`` extra (psycopg) and the PostgreSQL programs for part 2 (skipped if missing).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import bench_desk  # noqa: E402
from examples.host import store  # noqa: E402
from ticketcore.desk import Desk, DeskConfig, Outcome, event_to_dict  # noqa: E402

_T = TypeVar("_T")


class Timed(store.Db):
    """A connection that counts the time in the database and the bytes of the values written."""

    def __init__(self, inner: store.Db) -> None:
        super().__init__(inner.conn, inner.dialect)
        self.seconds = 0.0
        self.written = 0

    def _timed(self, call: Callable[[], _T]) -> _T:
        t0 = time.perf_counter()
        try:
            return call()
        finally:
            self.seconds += time.perf_counter() - t0

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        if not sql.lstrip().upper().startswith("SELECT"):
            self.written += sum(len(p) for p in params if isinstance(p, str))
        return self._timed(lambda: store.Db.execute(self, sql, params))

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self.written += sum(len(p) for row in rows for p in row if isinstance(p, str))
        self._timed(lambda: store.Db.executemany(self, sql, rows))

    def begin(self) -> None:
        self._timed(lambda: store.Db.begin(self))

    def commit(self) -> None:
        self._timed(lambda: store.Db.commit(self))


class InLibrary:
    """Times the desk's calls and the dict forms it reads and writes (what ticketcore costs the host)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> InLibrary:
        for owner, name in [
            *((Desk, n) for n in ("handle", "advance", "shared_state", "ticket_state", "from_parts")),
            (Outcome, "to_dict"),
            (store, "event_from_dict"),
        ]:
            original = getattr(owner, name)
            self._saved.append((owner, name, original))
            setattr(owner, name, self._wrap(original, classmethod_=name == "from_parts"))
        return self

    def _wrap(self, original: Any, *, classmethod_: bool) -> Any:
        timer = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timer.seconds += time.perf_counter() - t0

        return classmethod(lambda cls, *a, **k: timed(*a, **k)) if classmethod_ else timed

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)


def populate(db: store.Db, cfg: DeskConfig, open_tickets: int, events: int, seed: int) -> list[Any]:
    """Write a desk with ``open_tickets`` open tickets into the tables; returns the stream to apply."""
    work = bench_desk.Workload(open_tickets, seed)
    desk = Desk(cfg)
    log = []
    for n, event in enumerate(work.build()):
        desk.handle(event)
        body = event_to_dict(event)
        log.append((f"p{n}", store.lane_of(body), json.dumps(body), n + 1))
    stream = work.stream(events)
    store.create_schema(db, cfg)
    db.begin()
    db.executemany(
        "INSERT INTO events (id, lane, body, state, applied_seq) VALUES (?, ?, ?, 'applied', ?)", log
    )
    db.execute(
        "UPDATE shared SET state = ?, next_deadline = ? WHERE id = 1",
        (store._dump(desk.shared_state()), store._utc(desk.next_deadline())),
    )
    db.executemany(
        "INSERT INTO tickets (id, state) VALUES (?, ?)",
        [(t, store._dump(desk.ticket_state(t))) for t in desk.tickets()],
    )
    db.commit()
    store.enqueue(db, [(f"s{i}", e) for i, e in enumerate(stream)])
    return stream


def drain(db: store.Db, cfg: DeskConfig, cache: store.DeskCache) -> int:
    applied = 0
    while store.apply_next(db, cfg, cache) is not None:
        applied += 1
    return applied


def in_process(db: store.Db, cfg: DeskConfig, n: int) -> tuple[float, float, float, float, float]:
    """Events/s, bytes/event, share in ticketcore, share in the database, cold load seconds."""
    timed = Timed(db)
    cache = store.DeskCache()
    with InLibrary() as lib:
        t0 = time.perf_counter()
        store._load(timed, cfg, cache)  # the cold load, apart
        timed.rollback()
        cold = time.perf_counter() - t0
        lib.seconds = timed.seconds = 0.0
        cache.desk, cache.applied = None, -1
        # Warm the cache with the first event, then time the rest.
        assert store.apply_next(timed, cfg, cache) is not None
        lib.seconds = timed.seconds = 0.0
        timed.written = 0
        t0 = time.perf_counter()
        done = drain(timed, cfg, cache)
        spent = time.perf_counter() - t0
    assert done == n - 1, (done, n)
    return done / spent, timed.written / done, lib.seconds / spent, timed.seconds / spent, cold


def workers(dsn: str, k: int) -> tuple[float, int]:
    """Run ``k`` worker processes over the inbox; events per second and events applied."""
    from examples.host import pg

    db = pg.connect(dsn)
    (before,) = db.execute("SELECT COUNT(*) FROM events WHERE state = 'pending'")[0]
    db.rollback()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    command = [sys.executable, "-m", "examples.host", "worker", dsn]
    t0 = time.perf_counter()
    procs = [subprocess.Popen(command, env=env, cwd=ROOT) for _ in range(k)]  # noqa: S603
    codes = [p.wait(timeout=3600) for p in procs]
    spent = time.perf_counter() - t0
    assert codes == [0] * k, codes
    (left,) = db.execute("SELECT COUNT(*) FROM events WHERE state = 'pending'")[0]
    db.close()
    assert left == 0
    return before / spent, before


def main() -> None:
    """Run both parts and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    cfg = bench_desk.config()
    n = args.events
    print(f"{args.open:,} open tickets, {n:,} events; bench_desk's desk (50 agents, cap 5, 3 SLA targets)")

    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_sqlite(os.path.join(tmp, "host.sqlite3"))
        populate(db, cfg, args.open, n, args.seed)
        rate, per_event, lib, dbase, cold = in_process(db, cfg, n)
        db.close()
    print("1. SQLite, one writer (cached desk)")
    print(
        f"  {rate:8,.0f} events/s   {per_event:8,.0f} bytes written/event   "
        f"time: ticketcore {lib:5.1%}, database {dbase:5.1%}, host glue {1 - lib - dbase:5.1%}"
    )
    print(f"  cold load of the desk from its rows: {cold:.2f} s")

    try:
        from examples.host import pg
    except ImportError:
        print("2. PostgreSQL: skipped (psycopg not installed: pip install -e '.[host]')")
        return
    missing = pg.missing_binaries()
    if missing:
        print(f"2. PostgreSQL: skipped (not on the PATH: {', '.join(missing)})")
        return
    server = pg.Server()
    dsn = server.start()
    try:
        print("2. PostgreSQL (durability off)")
        admin = pg.connect(dsn)
        admin.conn.autocommit = True
        for i, k in enumerate((0, 1, 2, 4)):
            name = f"bench{i}"
            admin.conn.execute(f"CREATE DATABASE {name}")
            run_dsn = dsn.replace("dbname=postgres", f"dbname={name}")
            db = pg.connect(run_dsn)
            populate(db, cfg, args.open, n, args.seed)
            if k == 0:
                rate, per_event, lib, dbase, cold = in_process(db, cfg, n)
                db.close()
                print(
                    f"  1 worker in process: {rate:8,.0f} events/s   {per_event:8,.0f} bytes/event   "
                    f"time: ticketcore {lib:5.1%}, database {dbase:5.1%}, host glue {1 - lib - dbase:5.1%}"
                    f"   (cold load {cold:.2f} s)"
                )
                continue
            db.close()
            rate, done = workers(run_dsn, k)
            plural = "es" if k > 1 else "  "
            print(
                f"  {k} worker process{plural}: {rate:8,.0f} events/s ({done:,} events, cold loads included)"
            )
        admin.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
