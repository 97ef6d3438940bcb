"""The limits on a scenario (`SCENARIO_LIMITS`): generous for real teams, small enough to finish.

Constants only; every scenario module imports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final

from ticketcore._util import MAX_DEPTH
from ticketcore.simulate._distributions import MAX_POINTS, MAX_SCENARIO_DURATION

__all__ = ["SCENARIO_LIMITS"]

# The limits on a scenario: generous for real teams, small enough that every run finishes
# (about 90 µs of simulation per ticket) and every scenario text parses in about a second.
MAX_PER_DAY: Final = 100_000
MIN_DAYS: Final = 0.001
MAX_DAYS: Final = 3_660
MAX_TICKETS: Final = 20_000_000
MAX_AGENTS: Final = 10_000
MAX_ENTRIES: Final = 1_000
MAX_WEIGHT: Final = 1e15
MAX_SEED: Final = 2**64 - 1
MAX_TEXT: Final = 5_000_000
MAX_CONCURRENCY: Final = 100
MAX_SLOWDOWN: Final = 100.0
FIRST_START: Final = date(1901, 1, 1)
LAST_START: Final = date(2899, 12, 31)

#: Every limit on a scenario, by name (see docs/simulate.md): a bigger one is refused
#: with an `InvalidInput` that states the limit.
SCENARIO_LIMITS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "per_day": MAX_PER_DAY,
        "min_days": MIN_DAYS,
        "days": MAX_DAYS,
        "expected_tickets": MAX_TICKETS,
        "agents": MAX_AGENTS,
        "entries": MAX_ENTRIES,
        "weight": MAX_WEIGHT,
        "empirical_values": MAX_POINTS,
        "duration": MAX_SCENARIO_DURATION,
        "seed": MAX_SEED,
        "concurrency": MAX_CONCURRENCY,
        "slowdown": MAX_SLOWDOWN,
        "text_characters": MAX_TEXT,
        "nesting": MAX_DEPTH,
        "first_start": FIRST_START,
        "last_start": LAST_START,
    }
)
