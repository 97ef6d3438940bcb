"""Hypothesis strategies drawn from a configuration's own vocabulary.

`ticket_fields` and `tickets` draw tickets whose channels, priorities, tags, languages,
product codes and custom fields are the values the configuration's rules and SLA
policies test (and one value none of them tests), so that every rule gets exercised;
`agents` draws the configuration's agents with a presence each; `timelines` draws
event sequences in time order (tickets arriving, replies, status changes, presence
changes, time passing), and `play` feeds one to a desk, firing deadlines on the way.

hypothesis is a test dependency, not a runtime one: it is imported when this module
is, and ``import ticketcore.testing`` alone never imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from ticketcore import Ticket
from ticketcore.assign import Agent, PresenceChanged
from ticketcore.desk import Desk, DeskConfig, Outcome
from ticketcore.events import AgentReply, CustomerMessage, StatusChanged, TicketCreated
from ticketcore.testing._run import advance_through

__all__ = ["agents", "field_values", "play", "ticket_fields", "tickets", "timelines"]

_TEXT_FIELDS = ("channel", "department", "language", "product_code", "plan", "subject")
_SET_FIELDS = ("tags", "skills")


def _conditions(config: DeskConfig) -> Iterable[object]:
    for rule in config.routing.to_dict().get("rules", []):
        yield rule.get("when")
    for policy in config.sla.to_dict().get("policies", []):
        yield policy.get("when")


def field_values(config: DeskConfig) -> dict[str, list[Any]]:
    """Every ticket field the configuration's conditions test, with the values they name.

    Keys are ticket fields (``channel``, ``tags``, ``custom.region`` ...); values in the
    order first named. ``priority`` always lists the vocabulary's priorities.

    >>> config = DeskConfig.from_dict({"routing": {"rules": [
    ...     {"name": "chat", "when": {"field": "channel", "eq": "chat"}, "agent": "ana"}]},
    ...     "agents": [{"id": "ana"}]})
    >>> field_values(config)["channel"]
    ['chat']
    """
    out: dict[str, list[Any]] = {}
    todo = [c for c in _conditions(config) if c is not None]
    while todo:
        c = todo.pop(0)
        if isinstance(c, list):
            todo.extend(c)
            continue
        if not isinstance(c, Mapping):
            continue
        for key in ("all", "any"):
            if key in c:
                todo.extend(c[key])
        if "not" in c:
            todo.append(c["not"])
        field = c.get("field")
        if not isinstance(field, str):
            continue
        values = out.setdefault(field, [])
        for op, value in c.items():
            if op in {"field", "is_set"}:
                continue
            for v in value if isinstance(value, list) else [value]:
                if v not in values:
                    values.append(v)
    out["priority"] = [p.name for p in config.vocabulary.priorities]
    return out


def ticket_fields(config: DeskConfig) -> st.SearchStrategy[dict[str, Any]]:
    """A ticket's fields (its dict form without ``id`` and ``created``) in the configuration's words.

    Each tested field takes one of the values the configuration names, or a value none
    of them names, or is left out; tags and skills are subsets of the named ones.
    """
    values = field_values(config)
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for field, named in values.items():
        if field == "priority":
            parts[field] = st.sampled_from(named)
        elif field in _SET_FIELDS:
            parts[field] = st.lists(
                st.sampled_from([str(v) for v in named]), unique=True, max_size=len(named)
            )
        elif field in _TEXT_FIELDS:
            texts = [str(v) for v in named] + ["other"]
            if field == "subject":
                parts[field] = st.lists(st.sampled_from(texts), max_size=3).map(" ".join)
            else:
                parts[field] = st.sampled_from(texts)
        elif field.startswith("custom.") and named:
            scalars = [v for v in named if isinstance(v, str | int | float | bool)] or ["other"]
            parts[field] = st.sampled_from([*scalars, "other"])
    if "channel" not in parts:
        parts["channel"] = st.sampled_from(["email", "chat", "phone"])

    @st.composite
    def draw(data: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for field, strategy in parts.items():
            if field not in {"channel", "priority"} and not data(st.booleans()):
                continue
            value = data(strategy)
            if field.startswith("custom."):
                custom[field.removeprefix("custom.")] = value
            else:
                out[field] = value
        if custom:
            out["custom"] = custom
        return out

    return draw()


def tickets(config: DeskConfig, created: datetime, *, ids: str = "T-") -> st.SearchStrategy[Ticket]:
    """Tickets created at ``created`` with fields from `ticket_fields`, ids ``T-0``, ``T-1`` ..."""
    scale = config.vocabulary

    def build(pair: tuple[int, dict[str, Any]]) -> Ticket:
        n, fields = pair
        with scale.active():
            return Ticket.from_dict({"id": f"{ids}{n}", "created": created.isoformat(), **fields})

    return st.tuples(st.integers(0, 999), ticket_fields(config)).map(build)


def agents(config: DeskConfig) -> st.SearchStrategy[tuple[Agent, ...]]:
    """The configuration's agents, each with a drawn presence (online, away or offline)."""
    import attrs  # noqa: PLC0415

    base = config.agents
    return st.tuples(*[st.sampled_from(["online", "away", "offline"]) for _ in base]).map(
        lambda presences: tuple(attrs.evolve(a, presence=p) for a, p in zip(base, presences, strict=True))
    )


def timelines(
    config: DeskConfig, start: datetime, *, max_events: int = 20, max_gap: timedelta = timedelta(hours=2)
) -> st.SearchStrategy[list[object]]:
    """Event sequences in time order from ``start``, shrinking to short and early ones.

    Tickets arriving (`ticket_fields`), replies, customer messages, status changes of
    tickets that arrived, and agents' presence changes; gaps up to ``max_gap``.
    """
    agent_ids = [a.id for a in config.agents]
    statuses = ["open", "pending", "solved", "closed"]
    vocabulary = config.vocabulary

    @st.composite
    def draw(data: st.DrawFn) -> list[object]:
        n = data(st.integers(0, max_events))
        at = start
        out: list[object] = []
        arrived: list[str] = []
        closed: set[str] = set()
        for _ in range(n):
            at += timedelta(seconds=data(st.integers(0, int(max_gap.total_seconds()))))
            kinds = (
                ["ticket"]
                + (["reply", "message", "status"] if arrived else [])
                + (["presence"] if agent_ids else [])
            )
            kind = data(st.sampled_from(kinds))
            open_ids = [t for t in arrived if t not in closed]
            if kind == "ticket" or (kind in ("reply", "message", "status") and not open_ids):
                tid = f"T-{len(arrived) + 1}"
                fields = data(ticket_fields(config))
                with vocabulary.active():
                    ticket = Ticket.from_dict({"id": tid, "created": at.isoformat(), **fields})
                out.append(TicketCreated(ticket=ticket))
                arrived.append(tid)
            elif kind == "presence":
                presence = data(st.sampled_from(["online", "away", "offline"]))
                out.append(
                    PresenceChanged(at=at, agent_id=data(st.sampled_from(agent_ids)), presence=presence)
                )
            else:
                tid = data(st.sampled_from(open_ids))
                if kind == "reply":
                    out.append(AgentReply(ticket_id=tid, at=at))
                elif kind == "message":
                    out.append(CustomerMessage(ticket_id=tid, at=at))
                else:
                    status = data(st.sampled_from(statuses))
                    out.append(StatusChanged(ticket_id=tid, at=at, status=status))
                    if status == "closed":
                        closed.add(tid)
        return out

    return draw()


def play(desk: Desk, timeline: Iterable[object]) -> list[Outcome]:
    """Feed ``timeline``'s events to ``desk`` in order, firing deadlines on the way.

    Returns every outcome that is not empty, deadlines' and events' alike.
    """
    out: list[Outcome] = []
    for event in timeline:
        at = getattr(event, "at", None)
        if at is None:
            ticket = getattr(event, "ticket", None)
            at = getattr(ticket, "created", None)
        if isinstance(at, datetime):
            out += advance_through(desk, at)
        out.append(desk.handle(event))
    return out
