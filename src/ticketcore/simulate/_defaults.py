"""The built-in scenario: the support team of the source articles.

About 1,000 tickets a day, most of them chats from the mobile app; four weeks. The
articles' team had five agents, which kept up only while the simulator let an agent work
on all their tickets at once: these handling times come to about 120 agent-hours a day
(all of five agents' time), so the built-in team has ten, each with up to three chats
at once.
"""

from __future__ import annotations

from typing import Any, Final

from ticketcore.simulate._scenario import Scenario

__all__ = ["default_scenario"]

#: Relative arrivals per local hour: quiet nights, a morning and an evening peak.
_DAY: Final = [2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 8, 7, 7, 8, 8, 8, 8, 9, 9, 8, 6, 4, 3]

DEFAULT_SCENARIO: Final[dict[str, Any]] = {
    "name": "source-article team",
    "seed": 1,
    "days": 28,
    "start": "2026-03-02",
    "timezone": "Europe/Berlin",
    "arrivals": {
        "per_day": 1000,
        "profile": {"daily": _DAY},
        "channels": {"chat": 0.8, "email": 0.12, "phone": 0.08},
        "priorities": {"low": 0.15, "normal": 0.65, "high": 0.15, "urgent": 0.05},
        "languages": {"de": 0.7, "en": 0.3},
    },
    "agents": {"count": 10},
    "handling": {
        "*": {"first_response": {"exponential": "2m"}, "solve": {"lognormal": {"mean": "12m", "sigma": 0.8}}},
        "email": {
            "first_response": {"exponential": "10m"},
            "solve": {"lognormal": {"mean": "25m", "sigma": 1.0}},
        },
        "phone": {"first_response": {"fixed": "0s"}, "solve": {"lognormal": {"mean": "6m", "sigma": 0.6}}},
    },
    "customers": {
        "reply_probability": 0.3,
        "reply_delay": {"exponential": "3m"},
        "reopen_probability": 0.04,
        "reopen_delay": {"exponential": "1d"},
        "close_after": "4d",
    },
    "routing": {"pools": [{"name": "support", "cap": 3, "backlog": True}], "default_pool": "support"},
    # Up to three chats at once, each a little slower for every other chat in hand;
    # emails and calls one at a time.
    "concurrency": {"chat": 3},
    "slowdown": {"chat": 1.1},
    # Built-in strategy names (sequential, least_loaded ...) are variants already; the
    # scenario's own variants are what the library does not name.
    "strategies": {"least_loaded_cap_8": {"strategy": "least_loaded", "cap": 8}},
    "strategy": "sequential",
    "sla": {
        "policies": [
            {
                "name": "chat",
                "when": {"field": "channel", "eq": "chat"},
                "targets": [
                    {
                        "name": "first_response",
                        "metric": "first_response",
                        "goals": {"all": "3m"},
                        "ladder": [{"at": 0.8, "action": {"notify": "team-lead"}}],
                    },
                    {"name": "resolution", "metric": "resolution", "goals": {"all": "1h"}},
                ],
            },
            {
                "name": "standard",
                "targets": [
                    {
                        "name": "first_response",
                        "metric": "first_response",
                        "goals": {"urgent": "15m", "high": "30m", "normal": "1h", "low": "2h"},
                    },
                    {"name": "resolution", "metric": "resolution", "goals": {"all": "8h"}},
                ],
            },
        ]
    },
}


def default_scenario() -> Scenario:
    """The built-in scenario: what ``python -m ticketcore simulate`` runs (its dict form: ``.to_dict()``)."""
    return Scenario.from_dict(DEFAULT_SCENARIO)
