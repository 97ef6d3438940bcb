"""Helpers for policy tests written in Python: a desk builder, assertions, a clock.

The assertions raise `AssertionError` with the same diff and explanation a case file's
failure shows, so pytest prints them as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ticketcore._errors import InvalidInput
from ticketcore._util import NO_STRATEGIES, dump_instant
from ticketcore.assign import Strategy
from ticketcore.desk import Desk, DeskConfig, Outcome
from ticketcore.testing._run import Failure, _why, advance_through, alert_text, aware

__all__ = ["DeskClock", "assert_alerts", "assert_assigned", "assert_due", "build_desk"]


def build_desk(
    agents: str | Sequence[str] = "ana ben",
    *,
    cap: int | None = None,
    rules: Mapping[str, str] | None = None,
    sla: Mapping[str, str] | None = None,
    calendar: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    strategies: Mapping[str, Strategy] = NO_STRATEGIES,
) -> Desk:
    """A desk from a short spec: agents, one pool, direct rules and SLA goals.

    ``agents`` are ids (a string splits on spaces), all in one pool ``team`` with
    ``cap`` and a backlog; ``rules`` map ``"field=value"`` to an agent id (in order);
    ``sla`` maps a metric (``first_response``, ``resolution``, ...) to a goal for every
    priority (``"4h"``), on ``calendar`` (a calendar's dict form) when given. ``config``
    is a full configuration's dict form instead (the rest must then be left out), read
    with ``strategies``, the strategies of your own its pools name
    (``strategies={"mine": Mine()}``, see `ticketcore.desk.DeskConfig.from_dict`).

    >>> desk = build_desk("ana ben", cap=2, rules={"channel=chat": "ana"}, sla={"first_response": "1h"})
    >>> [r.name for r in desk.config.routing.rules]
    ['channel=chat to ana']
    """
    if config is not None:
        if rules or sla or calendar or cap is not None:
            raise InvalidInput("config", "either a full configuration or the short spec, not both", config)
        return Desk(DeskConfig.from_dict(config, strategies=strategies))
    if strategies is not NO_STRATEGIES:
        raise InvalidInput("strategies", "only with a full configuration (config=...)", strategies)
    given: object = agents
    if not isinstance(given, str) and not (
        isinstance(given, Sequence) and all(isinstance(a, str) for a in given)
    ):
        raise InvalidInput("agents", "agent ids: a string split on spaces, or a list of strings", agents)
    ids = agents.split() if isinstance(agents, str) else list(agents)
    pool: dict[str, Any] = {"name": "team", "backlog": True}
    if cap is not None:
        pool["cap"] = cap
    form: dict[str, Any] = {
        "routing": {"pools": [pool], "default_pool": "team", "rules": []},
        "agents": [{"id": a} for a in ids],
    }
    for spec, agent in (rules or {}).items():
        field, sep, value = spec.partition("=")
        if not sep or not field.strip():
            raise InvalidInput(f"rules.{spec}", "'field=value'", spec)
        form["routing"]["rules"].append(
            {
                "name": f"{spec} to {agent}",
                "when": {"field": field.strip(), "eq": value.strip()},
                "agent": agent,
            }
        )
    if sla:
        policy: dict[str, Any] = {
            "name": "sla",
            "targets": [{"name": m, "metric": m, "goals": {"all": goal}} for m, goal in sla.items()],
        }
        if calendar is not None:
            form["calendars"] = {"office": dict(calendar)}
            policy["calendar"] = "office"
        form["sla"] = {"policies": [policy]}
    return Desk(DeskConfig.from_dict(form))


def _instant(value: datetime | None) -> str:
    return "none" if value is None else dump_instant(value)


def _outcomes(outcomes: Outcome | Iterable[Outcome], path: str) -> list[Outcome]:
    if isinstance(outcomes, Outcome):
        return [outcomes]
    given: object = outcomes
    out = list(given) if isinstance(given, Iterable) and not isinstance(given, str) else None
    if out is None or not all(isinstance(o, Outcome) for o in out):
        raise InvalidInput(path, "a ticketcore.desk.Outcome or a list of them", outcomes)
    return out


def _text(value: object, path: str) -> None:
    if not isinstance(value, str):
        raise InvalidInput(path, "a string", value)


def _desk(desk: object) -> Desk:
    if not isinstance(desk, Desk):
        raise InvalidInput("desk", "a ticketcore.desk.Desk", desk)
    return desk


def _raise(what: str, expected: str, actual: str, why: str = "") -> None:
    failure = Failure(
        step=None, line=None, at=None, action="", what=what, expected=expected, actual=actual, why=why
    )
    raise AssertionError(failure.text().removeprefix("  "))


def assert_assigned(desk: Desk, ticket_id: str, agent_id: str | None, *, reason: str | None = None,
                    outcome: Outcome | Iterable[Outcome] = ()) -> None:  # fmt: skip
    """Assert that ``agent_id`` holds ``ticket_id`` now (None: nobody).

    With ``reason``, also that the latest decision about it in ``outcome`` has that code.
    """
    _desk(desk)
    _text(ticket_id, "ticket_id")
    if agent_id is not None:
        _text(agent_id, "agent_id")
    decisions = [d for o in _outcomes(outcome, "outcome") for d in o.decisions if d.ticket_id == ticket_id]
    last = decisions[-1] if decisions else None
    place = desk.dispatcher.place(ticket_id) if ticket_id in desk.dispatcher.tickets() else ("gone", None)
    holder = place[1] if place[0] == "assigned" else None
    if holder != agent_id:
        actual = holder if holder is not None else f"nobody ({place[0]}: {place[1]})"
        _raise(f"assigned {ticket_id}", agent_id or "nobody", actual, _why(last))
    if reason is not None:
        actual_reason = "no decision about it" if last is None else str(last.reason)
        if actual_reason != reason:
            _raise(f"reason {ticket_id}", reason, actual_reason, _why(last))


def assert_due(desk: Desk, ticket_id: str, target: str, expected: datetime | None) -> None:
    """Assert that ``target``'s due time for ``ticket_id`` is ``expected`` now (None: none)."""
    _desk(desk)
    _text(ticket_id, "ticket_id")
    _text(target, "target")
    clock = desk.clock(ticket_id)
    if clock is None:
        _raise(f"due {ticket_id} {target}", str(expected), "no SLA: the desk has no policies")
        return
    times = clock.due_times()
    if target not in times:
        _raise(f"due {ticket_id} {target}", str(expected), f"no such target (targets: {', '.join(times)})")
    actual = times[target]
    if actual != expected:
        now = desk.now or expected or actual
        why = "" if now is None else clock.result(now).explanation
        _raise(f"due {ticket_id} {target}", _instant(expected), _instant(actual), why)


def assert_alerts(outcomes: Outcome | Iterable[Outcome], expected: Iterable[str]) -> None:
    """Assert that exactly these alerts fired, in a case file's words (``T-1 first_response breach``)."""
    actual = sorted(alert_text(a) for o in _outcomes(outcomes, "outcomes") for a in o.alerts)
    given: object = expected
    texts = list(given) if isinstance(given, Iterable) and not isinstance(given, str) else None
    if texts is None or not all(isinstance(e, str) for e in texts):
        raise InvalidInput("expected", "a list of alerts in a case file's words", expected)
    want = sorted(" ".join(e.split()) for e in texts)
    if actual != want:
        lines = [f"- {e}" for e in want if e not in actual] + [f"+ {a}" for a in actual if a not in want]
        _raise(
            "alerts (- expected, + actual)", "\n".join(lines) or "(the same alerts, counted differently)", ""
        )


class DeskClock:
    """A clock that moves a desk through time, firing its deadlines at their own instants.

    >>> from datetime import datetime, timezone
    >>> from ticketcore import Ticket
    >>> from ticketcore.events import TicketCreated
    >>> desk = build_desk("ana", sla={"first_response": "1h"})
    >>> clock = DeskClock(desk, datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    >>> _ = desk.handle(TicketCreated(ticket=Ticket(id="T-1", created=clock.now)))
    >>> assert_alerts(clock.advance(hours=2), ["T-1 first_response breach"])
    >>> clock.now.isoformat()
    '2026-03-02T11:00:00+00:00'
    """

    def __init__(self, desk: Desk, start: datetime) -> None:
        if not isinstance(desk, Desk):
            raise InvalidInput("desk", "a ticketcore.desk.Desk", desk)
        self.desk = desk
        self.now = aware(start, "start")

    def advance(self, by: timedelta | None = None, **units: float) -> list[Outcome]:
        """Move ``by`` (or ``hours=``, ``minutes=`` ...) forward; the outcomes that are not empty."""
        given: object = by
        if given is not None and not isinstance(given, timedelta):
            raise InvalidInput("by", "a datetime.timedelta, or None", by)
        step = (by or timedelta(0)) + timedelta(**units)
        return self.advance_to(self.now + step)

    def advance_to(self, until: datetime) -> list[Outcome]:
        """Move to ``until`` (not earlier than now), firing each deadline on the way at its instant."""
        aware(until, "until", self.now)
        out = advance_through(self.desk, until)
        self.now = until
        return out
