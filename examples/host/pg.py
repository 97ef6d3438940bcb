"""PostgreSQL for the reference host: a connection (psycopg 3) and a throwaway server.

Workers claim events with ``SELECT ... FOR UPDATE SKIP LOCKED`` (see `examples.host.store`);
this module only connects, and starts and stops a private server on a Unix socket.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from typing import Final

import psycopg

from examples.host.store import Db

__all__ = ["PG_BINARIES", "Server", "connect", "missing_binaries"]

#: The PostgreSQL programs a throwaway server needs.
PG_BINARIES: Final = ("initdb", "pg_ctl")


class _Dying(Db):
    """A worker that kills itself (SIGKILL) at its N-th statement, or the next one inside a transaction."""

    def __init__(self, conn: psycopg.Connection[tuple[object, ...]], die_at: int) -> None:
        super().__init__(conn, "postgresql")
        self.left = die_at

    def step(self) -> None:
        self.left -= 1
        if self.left <= 0 and self.conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction: the server rolls it back


def connect(dsn: str, die_at: int | None = None) -> Db:
    """A host connection to PostgreSQL (transactions on; the first statement opens one)."""
    conn = psycopg.connect(dsn, autocommit=False)
    return Db(conn, "postgresql") if die_at is None else _Dying(conn, die_at)


def missing_binaries() -> list[str]:
    """The PostgreSQL programs not on the PATH (empty: a throwaway server can start)."""
    return [name for name in PG_BINARIES if shutil.which(name) is None]


class Server:
    """A private PostgreSQL server in a temporary directory, listening on a Unix socket only.

    As root it runs as the ``postgres`` user (the server refuses root), through ``runuser``.
    Durability is off (``fsync``, ``synchronous_commit``): it is thrown away.
    """

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="ticketcore-pg-")
        self.data = os.path.join(self.dir, "data")
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        user = "postgres" if self.as_root else os.environ.get("USER", "")
        self.dsn = f"host={self.dir} dbname=postgres user={user}"

    def _run(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - fixed programs

    def start(self) -> str:
        """Create the cluster and start the server; returns its connection string."""
        self._run("initdb", "-D", self.data, "-A", "trust", "--no-sync")
        options = f"-k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        log = os.path.join(self.dir, "log")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")
        return self.dsn

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
