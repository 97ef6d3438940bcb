"""The reference host on SQLite: the log replays to the stored state; crashes lose and repeat nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from examples.host import (
    Db,
    DeskCache,
    apply_next,
    create_schema,
    drift,
    enqueue,
    fire_due,
    open_sqlite,
    replay,
)
from examples.host import __main__ as cli
from examples.host.team import DAY, config, team_day
from ticketcore.desk import DeskConfig
from ticketcore.events import AgentReply

CONFIG = config()


def drive(db: Db, cfg: DeskConfig, events: list[tuple[str, object]], cache: DeskCache | None = None) -> None:
    """The demo's loop, safe to run again from the start after a crash (every step is idempotent)."""
    for host_id, event in events:
        at = getattr(event, "at", None)
        assert isinstance(at, datetime)
        fire_due(db, cfg, at, cache)
        enqueue(db, [(host_id, event)])
        while apply_next(db, cfg, cache) is not None:
            pass
    fire_due(db, cfg, DAY + timedelta(hours=16), cache)


def dump(db: Db) -> dict[str, Any]:
    """Everything a host stored, comparable across runs."""
    return {
        "events": db.execute("SELECT id, lane, body, state, error, applied_seq FROM events ORDER BY id"),
        "shared": db.execute("SELECT state, next_deadline FROM shared"),
        "tickets": db.execute("SELECT id, state FROM tickets ORDER BY id"),
        "outbox": db.execute("SELECT applied_seq, kind, ticket_id, body FROM outbox ORDER BY seq"),
    }


def fresh(path: Path) -> Db:
    db = open_sqlite(str(path))
    create_schema(db, CONFIG)
    return db


@pytest.mark.slow
def test_events_applied_one_by_one_equal_a_replay_of_the_log(tmp_path: Path) -> None:
    db = fresh(tmp_path / "desk.sqlite3")
    drive(db, CONFIG, team_day(7, tickets=80), DeskCache())
    assert drift(db, CONFIG) == []
    desk, rows = replay(db, CONFIG)
    stored = db.execute("SELECT applied_seq, kind, ticket_id, body FROM outbox ORDER BY seq")
    assert [tuple(r) for r in stored] == rows  # the outbox too: every decision once, in order
    assert len(desk.tickets()) == db.execute("SELECT COUNT(*) FROM tickets")[0][0]
    states = dict(db.execute("SELECT state, COUNT(*) FROM events GROUP BY state"))
    assert states.get("pending") is None
    assert states.get("parked") is None


def test_without_a_cache_the_rows_alone_give_the_same_store(tmp_path: Path) -> None:
    events = team_day(8, tickets=30)
    cached, uncached = fresh(tmp_path / "a.sqlite3"), fresh(tmp_path / "b.sqlite3")
    drive(cached, CONFIG, events, DeskCache())
    drive(uncached, CONFIG, events, None)
    assert dump(cached) == dump(uncached)


def test_a_refused_event_is_parked_with_its_error_and_nothing_else_changes(tmp_path: Path) -> None:
    db = fresh(tmp_path / "desk.sqlite3")
    events = team_day(9, tickets=5)
    drive(db, CONFIG, events)
    before = dump(db)
    enqueue(db, [("late/1", AgentReply(ticket_id="T-404", at=DAY + timedelta(hours=12)))])
    done = apply_next(db, CONFIG, DeskCache())
    assert done is not None
    assert done.applied_seq is None
    assert done.error is not None
    assert "T-404" in done.error
    after = dump(db)
    parked = [e for e in after["events"] if e[0] == "late/1"]
    assert [(e[3], e[5]) for e in parked] == [("parked", None)]
    assert [e for e in after["events"] if e[0] != "late/1"] == before["events"]
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }
    assert drift(db, CONFIG) == []


def test_a_redelivered_event_is_stored_once_and_applied_once(tmp_path: Path) -> None:
    db = fresh(tmp_path / "desk.sqlite3")
    events = team_day(10, tickets=6)
    drive(db, CONFIG, events)
    before = dump(db)
    drive(db, CONFIG, events)  # every webhook delivered a second time
    assert dump(db) == before


class Crash(Exception):
    """The injected failure."""


class Crashing(Db):
    """A SQLite host connection whose k-th statement raises (then the test 'restarts')."""

    def __init__(self, conn: sqlite3.Connection, k: int) -> None:
        super().__init__(conn, "sqlite")
        self.left = k

    def step(self) -> None:
        self.left -= 1
        if self.left == 0:
            raise Crash


@pytest.mark.slow
def test_a_crash_between_any_two_statements_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    events = team_day(11, tickets=3)  # tickets, replies, solves, presence changes, timers
    template = tmp_path / "empty.sqlite3"
    fresh(template).close()
    reference = open_sqlite(str(shutil.copyfile(template, tmp_path / "reference.sqlite3")))
    counter = Crashing(reference.conn, -1)  # never crashes: counts the statements
    drive(counter, CONFIG, events, DeskCache())
    statements = -1 - counter.left
    assert statements > 200
    expected = dump(reference)
    for k in range(1, statements + 1):
        path = shutil.copyfile(template, tmp_path / f"crash{k}.sqlite3")
        db: Db = Crashing(sqlite3.connect(str(path), isolation_level=None), k)
        with pytest.raises(Crash):
            drive(db, CONFIG, events, DeskCache())
        db.close()  # the process is gone; whatever it had open is rolled back
        db = open_sqlite(str(path))  # restart and go on from the start of the inbox
        drive(db, CONFIG, events, DeskCache())
        assert dump(db) == expected, f"crash at statement {k}"
        db.close()
        path.unlink()


def test_check_command_reports_drift_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "desk.sqlite3"
    db = fresh(path)
    drive(db, CONFIG, team_day(12, tickets=10))
    assert cli.main(["check", str(path)]) == 0
    assert "no drift" in capsys.readouterr().out
    ((tid, state),) = db.execute("SELECT id, state FROM tickets ORDER BY id LIMIT 1")
    row = json.loads(state)
    row["dispatcher"]["ticket"]["subject"] = "edited behind the desk's back"
    db.execute("UPDATE tickets SET state = ? WHERE id = ?", (json.dumps(row), tid))
    db.execute("DELETE FROM tickets WHERE id = (SELECT MAX(id) FROM tickets)")
    db.close()
    assert cli.main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"ticket {tid}: the stored row differs from the replay" in out
    assert "missing from the store" in out


def test_demo_runs_a_day_and_finds_no_drift(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--seed", "3", "--tickets", "40"]) == 0
    out = capsys.readouterr().out
    assert "0 parked, 0 pending" in out
    assert "Assigned" in out
    assert "drift check: no drift" in out
