"""The reference host's storage: a `ticketcore.desk.Desk` over SQL tables, SQLite or PostgreSQL.

Tables (see ``docs/hosting.md`` for the walk-through):

- ``events``: the inbox and the log. One row per event with the host's id (``id``, unique),
  its ``lane`` (the ticket id, or ``*`` for agent, routing and timer events: events of one
  lane are applied in inbox order), its dict form as JSON (``body``), its ``state``
  (``pending``, ``applied`` or ``parked`` with the ``error``) and, once applied, its
  position in the applied order (``applied_seq``), which is what a replay follows.
- ``shared``: one row, the desk's shared part (`Desk.shared_state`) and the host's timer
  (``next_deadline``, from `Desk.next_deadline`).
- ``tickets``: one row per open ticket (`Desk.ticket_state`).
- ``outbox``: the decisions, alerts, escalations, due-time changes and notifications of
  every applied event, written in the same transaction (a transactional outbox: a relay
  delivers them later, at least once).

Every call is one transaction: claim the next event, lock the shared row, load the desk,
apply, write only the rows the outcome names and the outbox, mark the event applied,
commit. Nothing here reads the clock: the time comes in as an argument or inside events.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import attrs

from ticketcore import TicketcoreError
from ticketcore.desk import Desk, DeskConfig, Outcome, event_from_dict, event_to_dict

__all__ = [
    "CATCH_UP",
    "SCHEMA_VERSION",
    "SHARED_LANE",
    "Applied",
    "Db",
    "DeskCache",
    "apply_logged",
    "apply_next",
    "create_schema",
    "drift",
    "enqueue",
    "fire_due",
    "lane_of",
    "open_sqlite",
    "outbox_rows",
    "replay",
    "stored_config",
]

#: The version of the host's own schema (the desk's state carries its own version).
SCHEMA_VERSION: Final = 1

#: How far behind the log a worker's cached desk may be and still catch up by applying
#: the events it missed (beyond, it loads the rows).
CATCH_UP: Final = 100

#: The lane of events that are no ticket's: agents, routing, timers.
SHARED_LANE: Final = "*"

#: The outcome lists that go to the outbox, each as one row per item.
_OUTBOX_KINDS: Final = ("decisions", "alerts", "escalations", "due", "notifications")


class Db:
    """One database connection and its dialect (``sqlite`` or ``postgresql``).

    Statements are written with ``?`` placeholders; PostgreSQL gets ``%s``. Every statement
    (begin, execute, commit) first calls `step`, which a test overrides to crash there.
    """

    def __init__(self, conn: Any, dialect: str) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unknown dialect {dialect!r}")
        self.conn = conn
        self.dialect = dialect

    @property
    def pg(self) -> bool:
        """Whether this is PostgreSQL."""
        return self.dialect == "postgresql"

    def step(self) -> None:
        """Called before every statement; does nothing (tests inject crashes here)."""

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; returns its rows (none for a statement without a result)."""
        self.step()
        if self.pg:
            sql = sql.replace("?", "%s")
        cursor = self.conn.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """Run one statement for each row of parameters (one step)."""
        if not rows:
            return
        self.step()
        if self.pg:
            with self.conn.cursor() as cursor:
                cursor.executemany(sql.replace("?", "%s"), rows)
        else:
            self.conn.executemany(sql, rows)

    def begin(self) -> None:
        """Start a write transaction (SQLite: ``BEGIN IMMEDIATE``, so writers queue at once)."""
        self.step()
        if not self.pg:
            self.conn.execute("BEGIN IMMEDIATE")
        # PostgreSQL (psycopg, not in autocommit): the first statement opens the transaction.

    def commit(self) -> None:
        """Commit the transaction."""
        self.step()
        if self.pg:
            self.conn.commit()
        else:
            self.conn.execute("COMMIT")

    def rollback(self) -> None:
        """Roll back whatever is open (no step: it is what a crash does anyway)."""
        if self.pg:
            self.conn.rollback()
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""
        self.conn.close()


def open_sqlite(path: str) -> Db:
    """A SQLite connection for the host: autocommit mode (transactions are explicit), WAL, a busy timeout."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    if path != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return Db(conn, "sqlite")


def _schema(db: Db) -> list[str]:
    serial = "BIGINT GENERATED ALWAYS AS IDENTITY" if db.pg else "INTEGER"
    return [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS events (
            seq {serial} PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            lane TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'parked')),
            error TEXT,
            applied_seq BIGINT UNIQUE)""",
        "CREATE INDEX IF NOT EXISTS events_pending ON events (lane, seq) WHERE state = 'pending'",
        # The claim walks the pending events in inbox order: without this index it scans the
        # whole log (every applied event) on each claim.
        "CREATE INDEX IF NOT EXISTS events_pending_seq ON events (seq) WHERE state = 'pending'",
        "CREATE TABLE IF NOT EXISTS shared (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "state TEXT NOT NULL, next_deadline TEXT)",
        "CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, state TEXT NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS outbox (
            seq {serial} PRIMARY KEY,
            applied_seq BIGINT NOT NULL,
            kind TEXT NOT NULL,
            ticket_id TEXT,
            body TEXT NOT NULL)""",
    ]


def create_schema(db: Db, config: DeskConfig) -> None:
    """Create the tables (if missing) and the shared row of an empty desk; safe to run twice."""
    db.begin()
    for statement in _schema(db):
        db.execute(statement)
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING",
        (str(SCHEMA_VERSION),),
    )
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('config', ?) ON CONFLICT (key) DO NOTHING",
        (_dump(config.to_dict()),),
    )
    db.execute(
        "INSERT INTO shared (id, state, next_deadline) VALUES (1, ?, NULL) ON CONFLICT (id) DO NOTHING",
        (_dump(Desk(config).shared_state()),),
    )
    db.commit()


def stored_config(db: Db) -> DeskConfig:
    """The configuration `create_schema` stored with the desk."""
    ((text,),) = db.execute("SELECT value FROM meta WHERE key = 'config'")
    return DeskConfig.from_dict(json.loads(text))


def lane_of(body: dict[str, Any]) -> str:
    """The lane of an event's dict form: its ticket's id, or `SHARED_LANE`."""
    ticket = body.get("ticket")
    if isinstance(ticket, dict) and isinstance(ticket.get("id"), str):
        return str(ticket["id"])  # ticket_created
    tid = body.get("ticket_id")
    return tid if isinstance(tid, str) else SHARED_LANE


def enqueue(db: Db, items: Iterable[tuple[str, object]]) -> None:
    """Put events in the inbox, each under the host's id, in one transaction.

    An item is ``(host_id, event)`` with an event object or the host's timer request
    ``{"type": "advance", "now": ISO 8601}``. The event is stored with ``event_id`` set
    to the host's id, so the desk recognises a retry too; an id already in the inbox is
    ignored (a redelivered webhook).
    """
    rows = []
    for host_id, event in items:
        body = dict(event) if isinstance(event, dict) else event_to_dict(event)
        if body.get("type") != "advance":
            body["event_id"] = host_id
        rows.append((host_id, lane_of(body), _dump(body)))
    db.begin()
    db.executemany("INSERT INTO events (id, lane, body) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", rows)
    db.commit()


@attrs.frozen
class Applied:
    """What one `apply_next` or `fire_due` call did: the event's ids, and the outcome or the error."""

    host_id: str
    applied_seq: int | None
    outcome: Outcome | None = None
    error: str | None = None


class DeskCache:
    """A worker's desk, kept between calls, and the log position it reflects.

    A host with one writer (SQLite) thus loads the rows once; a worker among several
    catches up on what the others applied (see `apply_next`). Any failure drops it.
    """

    def __init__(self) -> None:
        self.desk: Desk | None = None
        self.applied = -1

    def clear(self) -> None:
        """Forget the desk (after any failure: it may hold uncommitted changes)."""
        self.desk = None
        self.applied = -1


def _dump(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"not an aware instant: {text!r}")
    return value


def _utc(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _claim(db: Db) -> tuple[int, str, str] | None:
    """The oldest pending event whose lane has no earlier pending event, locked (PostgreSQL)."""
    rows = db.execute(
        "SELECT e.seq, e.id, e.body FROM events e WHERE e.state = 'pending' AND NOT EXISTS ("
        "SELECT 1 FROM events p WHERE p.lane = e.lane AND p.state = 'pending' AND p.seq < e.seq) "
        "ORDER BY e.seq LIMIT 1" + (" FOR UPDATE OF e SKIP LOCKED" if db.pg else "")
    )
    return None if not rows else (int(rows[0][0]), str(rows[0][1]), str(rows[0][2]))


def _load(db: Db, config: DeskConfig, cache: DeskCache | None) -> tuple[Desk, int, str | None]:
    """Lock the shared row, then the desk, the log position and the timer.

    The desk comes from the rows (all of them: agents' loads and the backlogs are computed
    from every open ticket), or from the worker's cache, brought up to date by applying the
    events other workers applied since, from the log in applied order (at most
    `CATCH_UP`; the desk is deterministic, so this equals loading the rows).
    """
    shared = db.execute(
        "SELECT state, next_deadline FROM shared WHERE id = 1" + (" FOR UPDATE" if db.pg else "")
    )
    last = int(db.execute("SELECT COALESCE(MAX(applied_seq), 0) FROM events")[0][0])
    timer = shared[0][1]
    if cache is not None and cache.desk is not None and 0 <= last - cache.applied <= CATCH_UP:
        desk, behind = cache.desk, cache.applied
        cache.clear()  # until it is committed again: half caught up is no use
        try:
            missed = (
                db.execute("SELECT body FROM events WHERE applied_seq > ? ORDER BY applied_seq", (behind,))
                if behind < last
                else []
            )
            for (text,) in missed:
                apply_logged(desk, json.loads(text))
        except (TicketcoreError, ValueError, KeyError):
            pass  # cannot happen with a log this host wrote; load the rows then
        else:
            return desk, last, timer
    tickets = [json.loads(state) for (state,) in db.execute("SELECT state FROM tickets")]
    return Desk.from_parts(config, json.loads(shared[0][0]), tickets), last, timer


def _write(
    db: Db,
    *,
    desk: Desk,
    outcome: Outcome,
    applied_seq: int,
    timer: str | None,
) -> None:
    """Write the rows the outcome names, the timer if it moved, and the outbox."""
    if outcome.shared:
        db.execute("UPDATE shared SET state = ? WHERE id = 1", (_dump(desk.shared_state()),))
    if outcome.touched:
        db.executemany(
            "INSERT INTO tickets (id, state) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET state = excluded.state",
            [(tid, _dump(desk.ticket_state(tid))) for tid in outcome.touched],
        )
    if outcome.removed:
        db.executemany("DELETE FROM tickets WHERE id = ?", [(tid,) for tid in outcome.removed])
    deadline = _utc(desk.next_deadline())
    if deadline != timer:
        db.execute("UPDATE shared SET next_deadline = ? WHERE id = 1", (deadline,))
    db.executemany(
        "INSERT INTO outbox (applied_seq, kind, ticket_id, body) VALUES (?, ?, ?, ?)",
        outbox_rows(outcome, applied_seq),
    )


def outbox_rows(outcome: Outcome, applied_seq: int) -> list[tuple[int, str, str | None, str]]:
    """The outbox rows of one outcome: ``(applied_seq, kind, ticket_id, body)``, one per item."""
    form = outcome.to_dict()
    rows = []
    for kind in _OUTBOX_KINDS:
        for item in form[kind]:
            tid = item.get("ticket_id") if isinstance(item, dict) else None
            if tid is None and isinstance(item, dict) and isinstance(item.get("alert"), dict):
                tid = item["alert"].get("ticket_id")
            rows.append((applied_seq, kind, tid, _dump(item)))
    return rows


def apply_logged(desk: Desk, body: dict[str, Any]) -> Outcome:
    """Apply one logged event's dict form to a desk (the live path, the catch-up and the replay share it)."""
    if body.get("type") == "advance":
        return desk.advance(_instant(str(body["now"])))
    return desk.handle(event_from_dict(body))


def _finish(db: Db, cache: DeskCache | None, desk: Desk, applied: int) -> None:
    db.commit()
    if cache is not None:
        cache.desk, cache.applied = desk, applied


def _abandon(db: Db, cache: DeskCache | None) -> None:
    """Clean up after any failure inside a transaction.

    Drops the cached desk (it may hold uncommitted changes) and rolls back (the connection
    may be gone: the database rolls back then).
    """
    if cache is not None:
        cache.clear()
    with contextlib.suppress(Exception):
        db.rollback()


def apply_next(db: Db, config: DeskConfig, cache: DeskCache | None = None) -> Applied | None:
    """Apply the next pending event in one transaction; None when no event can be claimed now.

    An event the desk refuses (a `ticketcore.TicketcoreError`) is parked with its error
    and nothing else changes. Any other failure rolls everything back and propagates:
    the event stays pending and is applied by the next call, once.
    """
    try:
        db.begin()
        claimed = _claim(db)
        if claimed is None:
            db.rollback()
            return None
        seq, host_id, text = claimed
        desk, last, timer = _load(db, config, cache)
        try:
            outcome = apply_logged(desk, json.loads(text))
        except (TicketcoreError, ValueError, KeyError) as error:  # a bad timer row too
            db.execute("UPDATE events SET state = 'parked', error = ? WHERE seq = ?", (str(error), seq))
            _finish(db, cache, desk, last)  # the desk is unchanged
            return Applied(host_id, None, error=str(error))
        _write(db, desk=desk, outcome=outcome, applied_seq=last + 1, timer=timer)
        db.execute("UPDATE events SET state = 'applied', applied_seq = ? WHERE seq = ?", (last + 1, seq))
        _finish(db, cache, desk, last + 1)
        return Applied(host_id, last + 1, outcome)
    except BaseException:
        _abandon(db, cache)
        raise


def fire_due(db: Db, config: DeskConfig, now: datetime, cache: DeskCache | None = None) -> Applied | None:
    """Fire the deadlines due at ``now`` in one transaction, logged as an ``advance`` event.

    Returns None when nothing is due at ``now`` (the stored timer is later, or unset).
    """
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    try:
        db.begin()
        desk, last, timer = _load(db, config, cache)
        if timer is None or _instant(timer) > now:
            db.rollback()
            return None
        body = {"type": "advance", "now": _utc(now)}
        outcome = apply_logged(desk, body)
        host_id = f"advance:{last + 1}"
        db.execute(
            "INSERT INTO events (id, lane, body, state, applied_seq) VALUES (?, ?, ?, 'applied', ?)",
            (host_id, SHARED_LANE, _dump(body), last + 1),
        )
        _write(db, desk=desk, outcome=outcome, applied_seq=last + 1, timer=timer)
        _finish(db, cache, desk, last + 1)
        return Applied(host_id, last + 1, outcome)
    except BaseException:
        _abandon(db, cache)
        raise


def replay(db: Db, config: DeskConfig) -> tuple[Desk, list[tuple[int, str, str | None, str]]]:
    """A fresh desk fed every applied event in applied order, and the outbox rows it produces."""
    desk = Desk(config)
    rows: list[tuple[int, str, str | None, str]] = []
    for applied_seq, text in db.execute(
        "SELECT applied_seq, body FROM events WHERE state = 'applied' ORDER BY applied_seq"
    ):
        rows += outbox_rows(apply_logged(desk, json.loads(text)), int(applied_seq))
    return desk, rows


def drift(db: Db, config: DeskConfig) -> list[str]:
    """The differences between the stored state and a replay of the log (empty: no drift)."""
    desk, _ = replay(db, config)
    found: list[str] = []
    ((shared, timer),) = db.execute("SELECT state, next_deadline FROM shared WHERE id = 1")
    if json.loads(shared) != json.loads(_dump(desk.shared_state())):
        found.append("shared: the stored shared state differs from the replay")
    if timer != _utc(desk.next_deadline()):
        found.append(f"shared.next_deadline: stored {timer}, replayed {_utc(desk.next_deadline())}")
    stored = {tid: json.loads(state) for tid, state in db.execute("SELECT id, state FROM tickets")}
    replayed = set(desk.tickets())
    found += [
        f"ticket {t}: stored, but closed or unknown in the replay" for t in sorted(stored.keys() - replayed)
    ]
    found += [
        f"ticket {t}: open in the replay, missing from the store" for t in sorted(replayed - stored.keys())
    ]
    found += [
        f"ticket {t}: the stored row differs from the replay"
        for t in sorted(replayed & stored.keys())
        if stored[t] != json.loads(_dump(desk.ticket_state(t)))
    ]
    return found
