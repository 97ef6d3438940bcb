"""Policy case files: a configuration, starting agents, and a timeline of steps with expectations.

A case file is TOML (or its dict form): ``config`` (a path relative to the case file, or
an inline table), ``start``, optional ``timezone``, ``calendar``, ``lint``, ``presence``
and ``agents``, and one ``[[case]]`` table per case, each with ``[[case.step]]`` tables.
docs/testing.md is the format's specification. Everything here is pure: the one
function that reads files is `load_case_file`, which hands the configuration's text to
the same parser.

Why one module above 500 lines: it has one job, reading a case file into values, and
its readers (`_read_top`, `_read_case_head`, `_read_step`, `_read_expect`) share the
file's context (the zone, the start, the configuration, the line table for errors);
split, they would pass that context across modules for no gain in clarity.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from os import PathLike
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from ticketcore._errors import InvalidInput
from ticketcore._time import _duration_text, read_zone
from ticketcore._util import NO_STRATEGIES, check_depth, check_in_range, check_keys, dump_instant
from ticketcore.assign import Strategy, strategy_from_dict
from ticketcore.desk import DeskConfig, event_from_dict

__all__ = [
    "ACTIONS",
    "EXPECTATIONS",
    "Case",
    "CaseFile",
    "CaseFileError",
    "Expect",
    "Step",
    "When",
    "load_case_file",
]

#: The actions a step may take (at most one per step), with what each means.
ACTIONS: Final = {
    "ticket": "a ticket arrives: its fields (id required; created is the step's instant)",
    "update": "a ticket's fields change: id and the changed fields",
    "status": "statuses change: ticket id to status name",
    "reply": "an agent replies in public: a ticket id, or {id, agent, public}",
    "message": "the customer writes: a ticket id",
    "presence": "agents' presence changes: agent id to online, away or offline",
    "transfer": "a ticket is handed to an agent: {id, to, by}",
    "escalate": "a ticket is escalated: {id, tier, reason}",
    "event": "any event in its tagged dict form (or a list of them); at defaults to the step's instant",
}

#: The expectations a step may state, with what each checks.
EXPECTATIONS: Final = {
    "assigned": "ticket id to the agent who holds it after the step ('' for nobody)",
    "reason": "ticket id to the reason code of the latest decision about it in this step",
    "waiting": "exactly the tickets waiting in a pool's backlog after the step",
    "unassigned": "exactly the tickets left unassigned (no agent, no backlog) after the step",
    "tier": "ticket id to its tier after the step",
    "due": "ticket id to {target: due time or 'none'} after the step",
    "alerts": "exactly the SLA alerts of the step: 'T-1 first_response breach', 'T-1 resolution ladder[0]'",
    "escalations": "exactly the escalations of the step: 'T-1 move_tier 3', 'T-1 reassign ben', '...skipped'",
    "notified": "exactly the notifications of the step: 'lead sla_level T-1'",
}

_MAX_TEXT: Final = 4 * 1024 * 1024
_TOP_KEYS: Final = ("config", "start", "timezone", "calendar", "lint", "presence", "agents", "case")
_CASE_KEYS: Final = ("name", "start", "presence", "agents", "step")
_STEP_KEYS: Final = ("at", "note", "expect", *ACTIONS)
_LINT_MODES: Final = ("report", "fail", "ignore")
_ABSENT: Final = object()


class CaseFileError(InvalidInput):
    """A case file that cannot be read: names the file, the line where known, the case and step.

    ``source`` is the file (or ``<dict>``), ``line`` the line number (None when unknown)
    and ``where`` the case and step (``case 'vip chat', step 2``); ``field``,
    ``expected`` and ``value`` are those of `ticketcore.InvalidInput`.
    """

    source: str
    line: int | None
    where: str

    def __init__(  # noqa: PLR0917 - the location, then InvalidInput's three
        self, source: str, line: int | None, where: str, field: str, expected: str, value: object = _ABSENT
    ) -> None:
        if value is _ABSENT:
            super().__init__(field, expected)
        else:
            super().__init__(field, expected, value)
        self.source, self.line, self.where = source, line, where
        head = source if line is None else f"{source}:{line}"
        self.args = (": ".join(p for p in (head, where, str(self.args[0])) if p),)

    @property
    def location(self) -> str:
        """``file:line`` (or the file alone when the line is unknown)."""
        return self.source if self.line is None else f"{self.source}:{self.line}"


# -- times ---------------------------------------------------------------------------------

_REL: Final = re.compile(r"\+\s*((?:[0-9.]+[smhd]\s*)+?)(\s+business)?(?:\s+on\s+(\S+))?")
_NEXT: Final = re.compile(r"next business day(?:\s+([0-9]{1,2}:[0-9]{2}))?(?:\s+on\s+(\S+))?")
_TIME_FORM: Final = (
    "an instant: ISO 8601 ('2026-03-02T09:00+01:00'; local to 'timezone' without an offset), "
    "'+2h' (wall clock), '+4h business' (business time on the calendar), "
    "or 'next business day 09:00' (optionally 'on CALENDAR')"
)


@attrs.frozen(kw_only=True)
class When:
    """A time written in a case file, resolved against the running clock by `resolve`.

    ``kind`` is ``absolute`` (``instant``), ``relative`` (``delta``, in business time on
    ``calendar`` when ``business``) or ``next_business_day`` (``clock`` on ``calendar``).
    """

    kind: str
    text: str
    instant: datetime | None = None
    delta: timedelta = timedelta(0)
    business: bool = False
    calendar: str | None = None
    clock: time = time(9)

    def resolve(self, now: datetime, config: DeskConfig, default_calendar: str | None) -> datetime:
        """The instant this time names, ``now`` being the case's current instant."""
        if self.kind == "absolute":
            assert self.instant is not None
            return self.instant
        if self.kind == "relative" and not self.business:
            return check_in_range(now + self.delta, "at")
        name = self.calendar or default_calendar
        if name is None:
            raise InvalidInput(
                "at", "a calendar: name one ('on office') or set 'calendar' in the file", self.text
            )
        calendar = config.calendar(name)
        if self.kind == "relative":
            return calendar.add(now, self.delta)
        local = now.astimezone(calendar.zone)
        day = local.date()
        for _ in range(366):
            day += timedelta(days=1)
            opening = datetime.combine(day, time(0), calendar.zone)
            close = datetime.combine(day + timedelta(days=1), time(0), calendar.zone)
            if any(True for _ in calendar.open_intervals(opening, close)):
                return datetime.combine(day, self.clock, calendar.zone)
        raise InvalidInput("at", f"a business day on calendar {name!r} within a year", self.text)


def parse_when(value: object, path: str, zone: ZoneInfo | None) -> When:
    """Read a time as a case file writes it (see `When`)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            if zone is None:
                raise InvalidInput(path, "an offset, or 'timezone' set in the case file", value.isoformat())
            value = value.replace(tzinfo=zone)
        return When(kind="absolute", text=value.isoformat(), instant=check_in_range(value, path))
    if isinstance(value, date | time):
        raise InvalidInput(path, _TIME_FORM, str(value))
    if not isinstance(value, str):
        raise InvalidInput(path, _TIME_FORM, value)
    text = value.strip()
    m = _REL.fullmatch(text)
    if m is not None:
        delta = timedelta(0)
        for part in re.findall(r"[0-9.]+[smhd]", m[1]):
            delta += _duration_text(part, path)
        return When(kind="relative", text=text, delta=delta, business=m[2] is not None, calendar=m[3])
    m = _NEXT.fullmatch(text)
    if m is not None:
        clock = time(9)
        if m[1] is not None:
            try:
                clock = time.fromisoformat(m[1].zfill(5))
            except ValueError:
                raise InvalidInput(path, _TIME_FORM, value) from None
        return When(kind="next_business_day", text=text, calendar=m[2], clock=clock)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(path, _TIME_FORM, value) from None
    return parse_when(instant, path, zone)


# -- values ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Expect:
    """What a step expects; each field None (or empty) when the step does not say.

    Pairs are ``(ticket id, value)`` in the order written; ``due`` holds
    ``(ticket id, target, When or None)``.
    """

    assigned: tuple[tuple[str, str], ...] = ()
    reason: tuple[tuple[str, str], ...] = ()
    waiting: tuple[str, ...] | None = None
    unassigned: tuple[str, ...] | None = None
    tier: tuple[tuple[str, int], ...] = ()
    due: tuple[tuple[str, str, When | None], ...] = ()
    alerts: tuple[str, ...] | None = None
    escalations: tuple[str, ...] | None = None
    notified: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class Step:
    """One step of a case: an optional time, at most one action, and expectations.

    ``action`` is a key of `ACTIONS` (or ``"wait"``: time passes to ``at``), ``data``
    its value as written (JSON-compatible), ``number`` the step's 1-based number and
    ``line`` its line in the file (None when unknown).
    """

    number: int
    line: int | None
    at: When | None
    action: str
    data: Any
    note: str
    expect: Expect

    def describe(self) -> str:  # noqa: PLR0911 - one answer per action
        """The step's action in a few words (``ticket T-1 arrives``)."""
        d = self.data
        if self.note:
            return self.note
        if self.action == "ticket":
            return f"ticket {d.get('id')} arrives"
        if self.action == "update":
            return f"ticket {d.get('id')} changes {', '.join(k for k in d if k != 'id')}"
        if self.action == "status":
            return ", ".join(f"{t} becomes {s}" for t, s in d.items())
        if self.action == "reply":
            return f"reply on {d if isinstance(d, str) else d.get('id')}"
        if self.action == "message":
            return f"customer writes on {d}"
        if self.action == "presence":
            return ", ".join(f"{a} goes {p}" for a, p in d.items())
        if self.action == "transfer":
            return f"{d.get('id')} transferred to {d.get('to')}"
        if self.action == "escalate":
            return f"{d.get('id')} escalated"
        if self.action == "event":
            items = d if isinstance(d, list) else [d]
            return ", ".join(str(e.get("type")) if isinstance(e, Mapping) else "?" for e in items)
        return "time passes"

    def event_forms(self, at: datetime) -> list[dict[str, Any]]:  # noqa: PLR0911 - one per action
        """The tagged dict forms of the events this step feeds the desk at ``at``."""
        iso = dump_instant(at)
        d = self.data
        if self.action == "ticket":
            return [{"type": "ticket_created", "ticket": {"created": iso, **d}}]
        if self.action == "update":
            changes = {k: v for k, v in d.items() if k != "id"}
            return [{"type": "ticket_updated", "ticket_id": d.get("id"), "at": iso, "changes": changes}]
        if self.action == "status":
            return [{"type": "status_changed", "ticket_id": t, "at": iso, "status": s} for t, s in d.items()]
        if self.action == "reply":
            form = {"id": d} if isinstance(d, str) else dict(d)
            out = {"type": "agent_reply", "ticket_id": form.pop("id", None), "at": iso}
            if "agent" in form:
                out["agent_id"] = form.pop("agent")
            return [{**out, **form}]
        if self.action == "message":
            return [{"type": "customer_message", "ticket_id": d, "at": iso}]
        if self.action == "presence":
            return [
                {"type": "presence_changed", "agent_id": a, "at": iso, "presence": p} for a, p in d.items()
            ]
        if self.action == "transfer":
            out = {"type": "ticket_transferred", "ticket_id": d.get("id"), "to_agent": d.get("to"), "at": iso}
            return [out | ({"by": d["by"]} if "by" in d else {})]
        if self.action == "escalate":
            out = {"type": "ticket_escalated", "ticket_id": d.get("id"), "at": iso}
            if "tier" in d:
                out["to_tier"] = d["tier"]
            return [out | ({"reason": d["reason"]} if "reason" in d else {})]
        if self.action == "event":
            items = d if isinstance(d, list) else [d]
            return [{"at": iso, **e} for e in items]
        return []


@attrs.frozen(kw_only=True)
class Case:
    """One case: its ``name``, ``line``, ``config``, ``start`` instant and ``steps``.

    ``config`` is the file's configuration with the case's agents and presence applied.
    """

    name: str
    line: int | None
    config: DeskConfig
    start: datetime
    steps: tuple[Step, ...]


@attrs.frozen(kw_only=True)
class CaseFile:
    """A case file read and checked: its ``source``, the ``config`` under test, the ``cases``.

    ``calendar`` is the default calendar of business times, ``lint`` what to do with the
    configuration's linter findings (``report``, ``fail`` or ``ignore``). ``strategies``
    are the strategies of your own the file was read with (``{"mine": Mine()}``): the
    runner reads the steps' events with them too. They are not part of the value: left
    out of its equality and repr.
    """

    source: str
    config: DeskConfig
    cases: tuple[Case, ...]
    calendar: str | None = None
    lint: str = "report"
    strategies: Mapping[str, Strategy] = attrs.field(
        default=NO_STRATEGIES, eq=False, repr=False, validator=lambda _s, _a, v: _check_strategies(v)
    )

    @classmethod
    def from_toml(
        cls,
        text: str,
        *,
        source: str = "<text>",
        config_loader: Callable[[str], object] | None = None,
        strategies: Mapping[str, Strategy] = NO_STRATEGIES,
    ) -> CaseFile:
        """Read a case file from TOML text; a syntax error names its line and column.

        ``config_loader`` turns the ``config`` path into the configuration's dict form
        (`load_case_file` passes one that reads the file next to the case file);
        ``strategies`` as for `from_dict`.
        """
        if not isinstance(text, str):
            raise CaseFileError(source, None, "", "case file", "TOML text", text)
        if len(text) > _MAX_TEXT:
            raise CaseFileError(source, None, "", "case file", f"at most {_MAX_TEXT:,} characters", len(text))
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            # Python 3.11 to 3.13 put the position in the message only: "(at line 2, column 7)".
            m = re.search(r"\(at line ([0-9]+), column ([0-9]+)\)$", str(e))
            line = int(m[1]) if m else None
            message = str(e) if m is None else f"{str(e)[: m.start()].rstrip()} at line {m[1]}, column {m[2]}"
            raise CaseFileError(source, line, "", "case file", "valid TOML", message) from None
        except RecursionError:
            raise CaseFileError(
                source, None, "", "case file", "TOML nested at most 64 levels deep", "deeper"
            ) from None
        return cls.from_dict(
            data, source=source, config_loader=config_loader, lines=_lines(text), strategies=strategies
        )

    @classmethod
    def from_dict(
        cls,
        data: object,
        *,
        source: str = "<dict>",
        config_loader: Callable[[str], object] | None = None,
        lines: Mapping[tuple[int, int], int] | None = None,
        strategies: Mapping[str, Strategy] = NO_STRATEGIES,
    ) -> CaseFile:
        """Read a case file's dict form (the shape of its TOML).

        ``lines`` maps ``(case index, step index)`` to line numbers (``step index`` -1
        for the case's own line); `from_toml` finds them. ``strategies`` gives the
        strategies of your own that the configuration's pools or a step's events name,
        by name (``strategies={"mine": Mine()}``, see `ticketcore.desk.DeskConfig.from_dict`);
        the case file keeps them, and the runner reads the steps' events with them.
        """
        lines = lines or {}
        try:
            _check_strategies(strategies)
            check_depth(data, "case file")
            d = check_keys(data, "", _TOP_KEYS, ("config", "start", "case"))
        except InvalidInput as e:
            raise CaseFileError(source, None, "", e.field, e.expected, e.value) from None

        def fail(where: str, line: int | None, e: InvalidInput) -> CaseFileError:
            return CaseFileError(source, line, where, e.field, e.expected, e.value)

        try:
            config, zone, calendar, lint_mode, start, cases_raw = _read_top(d, config_loader, strategies)
        except InvalidInput as e:
            raise fail("", None, e) from None
        cases: list[Case] = []
        names: set[str] = set()
        for i, item in enumerate(cases_raw):
            line = lines.get((i, -1))
            name = item.get("name") if isinstance(item, Mapping) else None
            where = f"case {name!r}" if isinstance(name, str) and name.strip() else f"case {i + 1}"
            try:
                name, case_start, case_config, steps_raw = _read_case_head(
                    item, i, names, d, config, zone, start, strategies
                )
            except InvalidInput as e:
                raise fail(where, line, e) from None
            steps = []
            for j, raw_step in enumerate(steps_raw):
                step_line = lines.get((i, j), line)
                try:
                    step = _read_step(raw_step, j, zone, case_config, case_start, strategies)
                except InvalidInput as e:
                    raise fail(f"{where}, step {j + 1}", step_line, e) from None
                steps.append(attrs.evolve(step, line=step_line))
            cases.append(Case(name=name, line=line, config=case_config, start=case_start, steps=tuple(steps)))
        return cls(
            source=source,
            config=config,
            cases=tuple(cases),
            calendar=calendar,
            lint=lint_mode,
            strategies=strategies,
        )


def _check_strategies(strategies: Mapping[str, Strategy]) -> None:
    """Refuse a ``strategies`` argument that is not a mapping of strategies by their names."""
    if strategies is not NO_STRATEGIES:
        strategy_from_dict("sequential", strategies=strategies)  # checks the mapping


def _read_top(
    d: Mapping[str, Any], config_loader: Callable[[str], object] | None, strategies: Mapping[str, Strategy]
) -> tuple[DeskConfig, ZoneInfo | None, str | None, str, datetime, list[Any]]:
    """The file-level keys: configuration, zone, default calendar, lint mode, start, cases."""
    zone = _zone(d.get("timezone"))
    raw = d["config"]
    if isinstance(raw, str):
        if config_loader is None:
            raise InvalidInput("config", "an inline table (a path needs load_case_file)", raw)
        raw = config_loader(raw)
    try:
        config = DeskConfig.from_dict(raw, strategies=strategies)
    except InvalidInput as e:
        raise InvalidInput(f"config.{e.field}".rstrip("."), e.expected, e.value) from None
    lint_mode = d.get("lint", "report")
    if lint_mode not in _LINT_MODES:
        raise InvalidInput("lint", f"one of {', '.join(_LINT_MODES)}", lint_mode)
    calendar = d.get("calendar")
    if calendar is None and len(config.calendars) == 1:
        calendar = config.calendars[0][0]
    elif calendar is not None:
        if not isinstance(calendar, str):
            raise InvalidInput("calendar", "a calendar name", calendar)
        config.calendar(calendar)
    if zone is None and calendar is not None:
        zone = config.calendar(calendar).zone
    start = _absolute(d["start"], "start", zone)
    cases_raw = d["case"]
    if not isinstance(cases_raw, list) or not cases_raw:
        raise InvalidInput("case", "a list of [[case]] tables, at least one", cases_raw)
    return config, zone, calendar, lint_mode, start, cases_raw


def _read_case_head(  # noqa: PLR0917 - the file's context
    item: object,
    i: int,
    names: set[str],
    top: Mapping[str, Any],
    config: DeskConfig,
    zone: ZoneInfo | None,
    start: datetime,
    strategies: Mapping[str, Strategy],
) -> tuple[str, datetime, DeskConfig, list[Any]]:
    """A case's own keys: its name (unique), start, configuration and raw steps."""
    c = check_keys(item, f"case[{i}]", _CASE_KEYS, ("name", "step"))
    name = c["name"]
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"case[{i}].name", "a non-empty name", name)
    if name in names:
        raise InvalidInput(f"case[{i}].name", "a name no other case has", name)
    names.add(name)
    case_start = _absolute(c["start"], f"case[{i}].start", zone) if "start" in c else start
    case_config = _with_agents(config, top, c, i, strategies)
    steps_raw = c["step"]
    if not isinstance(steps_raw, list) or not steps_raw:
        raise InvalidInput(f"case[{i}].step", "a list of [[case.step]] tables, at least one", steps_raw)
    return name, case_start, case_config, steps_raw


def _zone(value: object) -> ZoneInfo | None:
    return None if value is None else read_zone(value)


def _absolute(value: object, path: str, zone: ZoneInfo | None) -> datetime:
    when = parse_when(value, path, zone)
    if when.instant is None:
        raise InvalidInput(path, "an absolute instant", value)
    return when.instant


def _with_agents(
    config: DeskConfig,
    top: Mapping[str, Any],
    case: Mapping[str, Any],
    i: int,
    strategies: Mapping[str, Strategy],
) -> DeskConfig:
    """The configuration with the case's (or the file's) agents and presence."""
    agents_raw = case.get("agents", top.get("agents"))
    presence = {
        **_mapping(top.get("presence", {}), "presence"),
        **_mapping(case.get("presence", {}), f"case[{i}].presence"),
    }
    if agents_raw is None and not presence:
        return config
    form = config.to_dict()
    if agents_raw is not None:
        form["agents"] = agents_raw
    if not isinstance(form["agents"], list):
        raise InvalidInput("agents", "a list of agents", form["agents"])
    known = {a.get("id") for a in form["agents"] if isinstance(a, Mapping)}
    for agent_id in presence:
        if agent_id not in known:
            raise InvalidInput.unknown_key(f"case[{i}].presence", agent_id, [str(k) for k in known], "agents")
    form["agents"] = [
        {**a, "presence": presence[a["id"]]} if isinstance(a, Mapping) and a.get("id") in presence else a
        for a in form["agents"]
    ]
    try:
        return DeskConfig.from_dict(form, strategies=strategies)
    except InvalidInput as e:
        prefix = f"case[{i}]." if "agents" in case else ""
        raise InvalidInput(prefix + e.field, e.expected, e.value) from None


def _mapping(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(path, "a table", value)
    return dict(value)


def _strings(value: object, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(path, "a list of strings", value)
    return tuple(" ".join(v.split()) for v in value)


def _pairs(value: object, path: str, kind: type, what: str) -> tuple[tuple[str, Any], ...]:
    d = _mapping(value, path)
    for k, v in d.items():
        if not isinstance(v, kind) or isinstance(v, bool):
            raise InvalidInput(f"{path}.{k}", what, v)
    return tuple(d.items())


def _read_expect(value: object, zone: ZoneInfo | None) -> Expect:
    d = check_keys(value, "expect", tuple(EXPECTATIONS), ())
    out: dict[str, Any] = {}
    if "assigned" in d:
        out["assigned"] = _pairs(d["assigned"], "expect.assigned", str, "an agent id ('' for nobody)")
    if "reason" in d:
        out["reason"] = _pairs(d["reason"], "expect.reason", str, "a reason code such as 'direct_rule'")
    if "tier" in d:
        out["tier"] = _pairs(d["tier"], "expect.tier", int, "a tier from 1 to 4")
    for key in ("waiting", "unassigned", "alerts", "escalations", "notified"):
        if key in d:
            out[key] = _strings(d[key], f"expect.{key}")
    if "due" in d:
        due = []
        for tid, targets in _mapping(d["due"], "expect.due").items():
            for target, when in _mapping(targets, f"expect.due.{tid}").items():
                path = f"expect.due.{tid}.{target}"
                due.append((tid, target, None if when == "none" else parse_when(when, path, zone)))
        out["due"] = tuple(due)
    return Expect(**out)


def _read_step(  # noqa: PLR0917 - the case's context
    value: object,
    j: int,
    zone: ZoneInfo | None,
    config: DeskConfig,
    start: datetime,
    strategies: Mapping[str, Strategy],
) -> Step:
    d = check_keys(value, f"step[{j}]", _STEP_KEYS, ())
    actions = [k for k in ACTIONS if k in d]
    if len(actions) > 1:
        raise InvalidInput(f"step[{j}]", "at most one action per step", ", ".join(actions))
    action = actions[0] if actions else "wait"
    at = parse_when(d["at"], "at", zone) if "at" in d else None
    if action == "wait" and at is None:
        raise InvalidInput(f"step[{j}]", f"an action ({', '.join(ACTIONS)}) or 'at'", dict(d))
    note = d.get("note", "")
    if not isinstance(note, str):
        raise InvalidInput("note", "text", note)
    data = d.get(action)
    if action in ("ticket", "update", "status", "presence", "transfer", "escalate"):
        data = _mapping(data, action)
        if action in ("ticket", "update", "transfer", "escalate") and not isinstance(data.get("id"), str):
            raise InvalidInput(f"{action}.id", "a ticket id", data.get("id", None))
    elif action == "message" and not isinstance(data, str):
        raise InvalidInput("message", "a ticket id", data)
    elif action == "reply" and not isinstance(data, str | Mapping):
        raise InvalidInput("reply", "a ticket id or a table {id, agent, public}", data)
    elif action == "event" and not isinstance(data, Mapping | list):
        raise InvalidInput("event", "an event's tagged dict form, or a list of them", data)
    expect = _read_expect(d.get("expect", {}), zone)
    step = Step(number=j + 1, line=None, at=at, action=action, data=data, note=note, expect=expect)
    # Build the events once now, so that a bad field is reported with the file's line.
    for k, form in enumerate(step.event_forms(start)):
        try:
            event_from_dict(form, action, vocabulary=config.vocabulary, strategies=strategies)
        except InvalidInput as e:
            raise InvalidInput(_field_path(action, e.field, k), e.expected, e.value) from None
    return step


def _field_path(action: str, field: str, k: int) -> str:
    field = field.removeprefix(action).lstrip(".")
    field = field.removeprefix("ticket.").removeprefix("changes.")
    return f"{action}.{field}" if field else action


_CASE_HEADER: Final = re.compile(r"^\s*\[\[\s*case\s*\]\]")
_STEP_HEADER: Final = re.compile(r"^\s*\[\[\s*case\s*\.\s*step\s*\]\]")


def _lines(text: str) -> dict[tuple[int, int], int]:
    """Where each ``[[case]]`` and ``[[case.step]]`` header is (1-based lines)."""
    out: dict[tuple[int, int], int] = {}
    case, step = -1, -1
    for n, line in enumerate(text.splitlines(), 1):
        if _CASE_HEADER.match(line):
            case, step = case + 1, -1
            out[(case, -1)] = n
        elif _STEP_HEADER.match(line) and case >= 0:
            step += 1
            out[(case, step)] = n
    return out


def load_case_file(path: str | Path, *, strategies: Mapping[str, Strategy] = NO_STRATEGIES) -> CaseFile:
    """Read the case file at ``path`` (the one function here that reads files).

    A ``config`` path is read relative to the case file's folder (``.toml`` or ``.json``).
    Any problem, a missing file included, is a `CaseFileError` naming the file.
    ``strategies`` gives the strategies of your own it names (see `CaseFile.from_dict`).
    """
    given: object = path
    if not isinstance(given, str | PathLike):
        raise InvalidInput("path", "a file path (a str or a pathlib.Path)", path)
    file = Path(path)
    source = str(path)
    try:
        data = file.read_bytes()
    except OSError as e:
        raise CaseFileError(source, None, "", "case file", "a readable file", e.strerror or str(e)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise CaseFileError(
            source, line, "", "case file", "UTF-8 text", f"the byte 0x{data[e.start]:02x}"
        ) from None

    def read_config(name: str) -> object:
        target = file.parent / name
        try:
            raw = target.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidInput(
                "config", "a readable UTF-8 file next to the case file", f"{target}: {e}"
            ) from None
        try:
            if target.suffix.lower() == ".json":
                return json.loads(raw)
            return tomllib.loads(raw)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
            raise InvalidInput("config", f"valid {target.suffix[1:].upper()} in {target}", str(e)) from None

    return CaseFile.from_toml(text, source=source, config_loader=read_config, strategies=strategies)
