"""A full desk configuration for the desk's tests (`DeskConfig`, the vocabulary, the linter)."""

from __future__ import annotations

import copy
from typing import Any

OFFICE = {
    "timezone": "Europe/Berlin",
    "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
}


def full_config() -> dict[str, Any]:
    return copy.deepcopy(_FULL)


_FULL: dict[str, Any] = {
    "version": 1,
    "calendars": {"office": OFFICE, "nights": {"timezone": "UTC", "hours": {"mon": ["22:00-06:00"]}}},
    "vocabulary": {
        "statuses": {
            "New": "new",
            "Working": "open",
            "Waiting on customer": "pending",
            "Waiting on vendor": "on_hold",
            "Resolved": "solved",
            "Closed": "closed",
        }
    },
    "sla": {
        "policies": [
            {
                "name": "standard",
                "calendar": "office",
                "targets": [
                    {
                        "name": "first_response",
                        "metric": "first_response",
                        "goals": {"urgent": "30m", "high": "1h", "normal": "4h"},
                    },
                    {
                        "name": "resolution",
                        "metric": "resolution",
                        "goals": {"all": "2d"},
                        "ladder": [{"after": "1h", "action": {"move_tier": 2}}],
                    },
                ],
            }
        ]
    },
    "routing": {
        "rules": [{"name": "chat to ana", "when": {"field": "channel", "eq": "chat"}, "agent": "ana"}],
        "pools": [{"name": "team", "cap": 5}, {"name": "second", "tier": 2}],
        "tiers": {"2": "second"},
        "default_pool": "team",
    },
    "agents": [{"id": "ana"}, {"id": "ben", "shift": "nights"}, {"id": "cy", "tier": 2}],
}
