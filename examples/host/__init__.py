"""A reference host over `ticketcore.desk.Desk`: SQLite by default, PostgreSQL for several workers.

``python -m examples.host demo`` runs a simulated day through SQLite; ``python -m
examples.host check DB`` compares a database with a replay of its log (the drift check).
See ``docs/hosting.md`` for the walk-through.
"""

from examples.host.store import CATCH_UP as CATCH_UP
from examples.host.store import SCHEMA_VERSION as SCHEMA_VERSION
from examples.host.store import SHARED_LANE as SHARED_LANE
from examples.host.store import Applied as Applied
from examples.host.store import Db as Db
from examples.host.store import DeskCache as DeskCache
from examples.host.store import apply_logged as apply_logged
from examples.host.store import apply_next as apply_next
from examples.host.store import create_schema as create_schema
from examples.host.store import drift as drift
from examples.host.store import enqueue as enqueue
from examples.host.store import fire_due as fire_due
from examples.host.store import lane_of as lane_of
from examples.host.store import open_sqlite as open_sqlite
from examples.host.store import outbox_rows as outbox_rows
from examples.host.store import replay as replay
from examples.host.store import stored_config as stored_config

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
