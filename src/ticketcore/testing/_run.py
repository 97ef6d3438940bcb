"""Running policy cases on a real `ticketcore.desk.Desk`, and reporting failures as a diff.

Each case runs on a fresh desk built from its configuration. A step first advances the
desk to its instant, firing every deadline on the way at its own instant
(`advance_through`), then feeds its events, then checks its expectations against the
outcomes of both and the desk's state after them. A case stops at its first failing
step: later steps would only repeat the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import attrs

from ticketcore._errors import InvalidInput, TicketcoreError
from ticketcore._util import dump_instant
from ticketcore.assign import Assigned, Decision, Escalated, LeftUnassigned, Queued, ReturnedToPool
from ticketcore.desk import Desk, Escalation, Finding, Notification, Outcome, event_from_dict, lint
from ticketcore.sla import Alert
from ticketcore.testing._case import Case, CaseFile, Step, When

__all__ = [
    "CaseResult",
    "Failure",
    "advance_through",
    "alert_text",
    "decision_text",
    "escalation_text",
    "notification_text",
    "run_case",
    "run_file",
]


_Fail = Callable[..., "Failure"]


def aware(value: object, path: str, after: datetime | None = None) -> datetime:
    """``value`` if it is an aware datetime (at or after ``after``), else `InvalidInput`."""
    if not isinstance(value, datetime) or value.utcoffset() is None or (after is not None and value < after):
        since = "" if after is None else f" at or after {dump_instant(after)}"
        raise InvalidInput(path, f"an aware datetime{since}", value)
    return value


def advance_through(desk: Desk, until: datetime) -> list[Outcome]:
    """Advance ``desk`` to ``until``, firing each deadline at its own instant, in order.

    `Desk.advance` fires every deadline due by ``now`` at ``now``; this calls it once per
    deadline (so an escalation's routing decision is made when it fell due) and then at
    ``until``. Returns the outcomes that are not empty.
    """
    if not isinstance(desk, Desk):
        raise InvalidInput("desk", "a ticketcore.desk.Desk", desk)
    aware(until, "until")
    out = []
    while True:
        deadline = desk.next_deadline()
        if deadline is None or deadline > until:
            break
        out.append(desk.advance(deadline))
    out.append(desk.advance(until))
    return [o for o in out if o.decisions or o.alerts or o.escalations or o.due or o.notifications]


def alert_text(alert: Alert) -> str:
    """An alert in a case file's words: ``T-1 first_response breach``, ``T-1 resolution ladder[0]``."""
    if not isinstance(alert, Alert):
        raise InvalidInput("alert", "a ticketcore.sla.Alert", alert)
    kind = f"ladder[{alert.level}]" if alert.kind == "level" else alert.kind
    return " ".join(p for p in (alert.ticket_id, alert.target, kind) if p)


def escalation_text(escalation: Escalation) -> str:
    """An escalation in a case file's words: ``T-1 move_tier``, ``T-1 reassign ben``, ``... skipped``."""
    if not isinstance(escalation, Escalation):
        raise InvalidInput("escalation", "a ticketcore.desk.Escalation", escalation)
    ((name, value),) = escalation.action.to_dict().items()
    text = f"{escalation.alert.ticket_id} {name}" + ("" if value is None else f" {value}")
    return text + (" skipped" if escalation.skipped is not None else "")


def notification_text(notification: Notification) -> str:
    """A notification in a case file's words: ``lead sla_level T-1``."""
    if not isinstance(notification, Notification):
        raise InvalidInput("notification", "a ticketcore.desk.Notification", notification)
    return f"{notification.to} {notification.why} {notification.ticket_id}"


def decision_text(decision: Decision) -> str:
    """A decision in a few words, with its reason code."""
    if not isinstance(decision, Decision):
        raise InvalidInput("decision", "a ticketcore.assign.Decision", decision)
    if isinstance(decision, Assigned):
        return f"assigned to {decision.agent_id} ({decision.reason})"
    if isinstance(decision, Queued):
        return f"waiting in pool {decision.pool!r} ({decision.reason})"
    if isinstance(decision, LeftUnassigned):
        return f"left unassigned ({decision.reason}: {decision.detail})"
    if isinstance(decision, ReturnedToPool):
        return f"taken from {decision.agent_id} ({decision.reason})"
    if isinstance(decision, Escalated):
        return f"escalated to tier {decision.to_tier} ({decision.reason})"
    return f"{type(decision).__name__} ({decision.reason})"


def _why(decision: Decision | None) -> str:
    if decision is None:
        return ""
    head = f"{decision_text(decision)} at {dump_instant(decision.at)}, cause {decision.cause}"
    explanation = getattr(decision, "explanation", None)
    body = explanation.text() if explanation is not None else getattr(decision, "detail", "")
    return head + ("\n" + body if body else "")


@attrs.frozen(kw_only=True)
class Failure:
    """One expectation that did not hold: where, what was expected, what happened, and why.

    ``step`` is the step's number (None for the configuration itself), ``line`` its line,
    ``at`` the step's instant, ``action`` the step in words, ``what`` the expectation
    (``assigned T-1``), ``expected`` and ``actual`` as text (``-`` and ``+`` lines for
    lists), ``why`` the explanation of the decision behind the actual value (may be empty).
    """

    step: int | None
    line: int | None
    at: datetime | None
    action: str
    what: str
    expected: str
    actual: str
    why: str = ""

    def text(self) -> str:
        """The failure as lines a person reads in a CI log."""
        out = [f"  {self.what}"]
        if "\n" in self.expected or "\n" in self.actual or self.expected.startswith(("-", "+", " ")):
            out += ["    " + line for line in (self.expected + "\n" + self.actual).strip("\n").splitlines()]
        else:
            out += [f"    - expected: {self.expected}", f"    + actual:   {self.actual}"]
        if self.why:
            out.append("    why:")
            out += ["      " + line for line in self.why.splitlines()]
        return "\n".join(out)


@attrs.frozen(kw_only=True)
class CaseResult:
    """The result of one case: ``source``, ``case`` (its name), ``line`` and ``failures``.

    ``findings`` are the configuration's linter findings, reported beside the result.
    """

    source: str
    case: str
    line: int | None
    failures: tuple[Failure, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def passed(self) -> bool:
        """True when no expectation failed."""
        return not self.failures

    @property
    def location(self) -> str:
        """``file:line`` of the case."""
        return self.source if self.line is None else f"{self.source}:{self.line}"

    def report(self) -> str:
        """The failure report: the case, then each failing step with its diff (empty when passed)."""
        if self.passed:
            return ""
        out = [f"case {self.case!r} ({self.location}) failed"]
        seen: tuple[int | None, int | None] | None = None
        for f in self.failures:
            if (f.step, f.line) != seen:
                seen = (f.step, f.line)
                if f.step is None:
                    out.append(f"the configuration ({f.action})")
                else:
                    where = f"step {f.step}" + ("" if f.line is None else f" (line {f.line})")
                    at = "" if f.at is None else f" at {dump_instant(f.at)}"
                    out.append(f"{where}{at}: {f.action}")
            out.append(f.text())
        return "\n".join(out)


def run_file(case_file: CaseFile) -> tuple[CaseResult, ...]:
    """Run every case of ``case_file``, in order.

    The steps' events are read with the strategies of your own the file was read with
    (``case_file.strategies``).
    """
    if not isinstance(case_file, CaseFile):
        raise InvalidInput("case_file", "a ticketcore.testing.CaseFile", case_file)
    return tuple(run_case(case_file, case) for case in case_file.cases)


def run_case(case_file: CaseFile, case: Case) -> CaseResult:
    """Run one case of ``case_file`` on a fresh desk; never raises for what the desk refuses."""
    if not isinstance(case_file, CaseFile):
        raise InvalidInput("case_file", "a ticketcore.testing.CaseFile", case_file)
    if not isinstance(case, Case):
        raise InvalidInput("case", "a ticketcore.testing.Case", case)
    findings = () if case_file.lint == "ignore" else lint(case.config, case.start)
    failures: list[Failure] = []
    if findings and case_file.lint == "fail":
        failures.append(
            Failure(
                step=None,
                line=None,
                at=None,
                action="lint = 'fail'",
                what="linter findings",
                expected="none",
                actual="\n".join(f"+ {f}" for f in findings),
            )
        )
        return CaseResult(
            source=case_file.source,
            case=case.name,
            line=case.line,
            failures=tuple(failures),
            findings=findings,
        )
    desk = Desk(case.config)
    now = case.start
    last: dict[str, Decision] = {}
    for step in case.steps:
        failures, now = _run_step(case_file, case, desk, step, now, last)
        if failures:
            break
    return CaseResult(
        source=case_file.source, case=case.name, line=case.line, failures=tuple(failures), findings=findings
    )


def _run_step(  # noqa: PLR0917 - the case's context
    case_file: CaseFile, case: Case, desk: Desk, step: Step, now: datetime, last: dict[str, Decision]
) -> tuple[list[Failure], datetime]:
    def failure(what: str, expected: str, actual: str, why: str = "") -> Failure:
        return Failure(
            step=step.number, line=step.line, at=at, action=step.describe(), what=what,
            expected=expected, actual=actual, why=why,
        )  # fmt: skip

    at = now
    try:
        if step.at is not None:
            at = step.at.resolve(now, case.config, case_file.calendar)
    except TicketcoreError as e:
        return [failure("the step's time", "a time the calendar can compute", str(e))], now
    if at < now:
        return [failure("the step's time", f"at or after {dump_instant(now)}", dump_instant(at))], now
    outcomes = advance_through(desk, at)
    try:
        for form in step.event_forms(at):
            event = event_from_dict(
                form, step.action, vocabulary=case.config.vocabulary, strategies=case_file.strategies
            )
            outcomes.append(desk.handle(event))
    except TicketcoreError as e:
        return [failure("the desk accepts the step", "accepted", f"refused: {e}")], at
    decisions: dict[str, Decision] = {}
    for outcome in outcomes:
        for d in outcome.decisions:
            decisions[d.ticket_id] = d
            last[d.ticket_id] = d
    return list(_check(step, desk, at, outcomes, decisions, last, case_file, case, failure)), at


def _check(  # noqa: PLR0917 - the step's whole context
    step: Step,
    desk: Desk,
    at: datetime,
    outcomes: Sequence[Outcome],
    decisions: dict[str, Decision],
    last: dict[str, Decision],
    case_file: CaseFile,
    case: Case,
    fail: _Fail,
) -> Iterable[Failure]:
    expect = step.expect
    dispatcher = desk.dispatcher
    open_tickets = set(dispatcher.tickets())

    def place(tid: str) -> tuple[str, str | None]:
        if tid not in open_tickets:
            return ("gone", None)
        return dispatcher.place(tid)

    def place_text(tid: str) -> str:
        kind, value = place(tid)
        if kind == "assigned":
            return str(value)
        if kind == "backlog":
            return f"nobody: waiting in pool {value!r}"
        if kind == "unassigned":
            return f"nobody: unassigned ({value})"
        return "nobody: the ticket is not open (closed, or it never arrived)"

    for tid, agent in expect.assigned:
        kind, value = place(tid)
        holder = value if kind == "assigned" else ""
        if holder != agent:
            yield fail(f"assigned {tid}", agent or "nobody", place_text(tid), _why(last.get(tid)))
    for tid, reason in expect.reason:
        d = decisions.get(tid)
        actual = "no decision about it in this step" if d is None else str(d.reason)
        if actual != reason:
            yield fail(f"reason {tid}", reason, actual, _why(d or last.get(tid)))
    if expect.waiting is not None:
        waiting = [t for p in case.config.routing.pools for t in dispatcher.backlog(p.name)]
        yield from _set_diff(fail, "waiting", expect.waiting, waiting, last)
    if expect.unassigned is not None:
        left = [t for t in dispatcher.tickets() if place(t)[0] == "unassigned"]
        yield from _set_diff(fail, "unassigned", expect.unassigned, left, last)
    for tid, tier in expect.tier:
        actual_tier = dispatcher.ticket(tid).tier if tid in open_tickets else None
        if actual_tier != tier:
            actual = "the ticket is not open" if actual_tier is None else str(actual_tier)
            yield fail(f"tier {tid}", str(tier), actual, _why(last.get(tid)))
    for tid, target, when in expect.due:
        yield from _check_due(fail, desk, tid, target, when, at, case_file, case)
    if expect.alerts is not None:
        alerts = [alert_text(a) for o in outcomes for a in o.alerts]
        yield from _list_diff(fail, "alerts", expect.alerts, alerts)
    if expect.escalations is not None:
        escalations = [escalation_text(e) for o in outcomes for e in o.escalations]
        why = "\n".join(
            f"{escalation_text(e)}: {e.skipped or ', '.join(map(decision_text, e.decisions)) or 'applied'}"
            for o in outcomes
            for e in o.escalations
        )
        yield from _list_diff(fail, "escalations", expect.escalations, escalations, why)
    if expect.notified is not None:
        notified = [notification_text(n) for o in outcomes for n in o.notifications]
        yield from _list_diff(fail, "notified", expect.notified, notified)


def _check_due(  # noqa: PLR0917 - the step's context
    fail: _Fail,
    desk: Desk,
    tid: str,
    target: str,
    when: object,
    at: datetime,
    case_file: CaseFile,
    case: Case,
) -> Iterable[Failure]:
    expected = None
    if isinstance(when, When):
        try:
            expected = when.resolve(at, case.config, case_file.calendar)
        except TicketcoreError as e:
            yield fail(f"due {tid} {target}", when.text, f"cannot compute the expected time: {e}")
            return
    expected_text = "none" if expected is None else dump_instant(expected)
    if tid not in desk.tickets():
        yield fail(f"due {tid} {target}", expected_text, "the ticket is not open")
        return
    clock = desk.clock(tid)
    if clock is None:
        yield fail(f"due {tid} {target}", expected_text, "no SLA: the desk has no policies")
        return
    times = clock.due_times()
    if target not in times:
        known = ", ".join(times) or "none"
        yield fail(
            f"due {tid} {target}", expected_text, f"no such target in the ticket's policy (targets: {known})"
        )
        return
    actual = times[target]
    if actual != expected:
        actual_text = (
            "none"
            if actual is None
            else dump_instant(actual.astimezone(expected.tzinfo) if expected else actual)
        )
        yield fail(f"due {tid} {target}", expected_text, actual_text, clock.result(at).explanation)


def _set_diff(
    fail: _Fail,
    what: str,
    expected: Sequence[str],
    actual: Sequence[str],
    last: dict[str, Decision],
) -> Iterable[Failure]:
    if set(expected) == set(actual):
        return
    missing = [t for t in expected if t not in actual]
    extra = [t for t in actual if t not in expected]
    lines = [f"- {t}" for t in missing] + [f"+ {t}" for t in extra]
    why = "\n".join(f"{t}: {_why(last.get(t))}" for t in (*missing, *extra) if t in last)
    yield fail(f"{what} (- expected, + actual)", "\n".join(lines), "", why)


def _list_diff(
    fail: _Fail,
    what: str,
    expected: Sequence[str],
    actual: Sequence[str],
    why: str = "",
) -> Iterable[Failure]:
    if sorted(expected) == sorted(actual):
        return
    rest = list(actual)
    lines = []
    for item in expected:
        if item in rest:
            rest.remove(item)
            lines.append(f"  {item}")
        else:
            lines.append(f"- {item}")
    lines += [f"+ {item}" for item in rest]
    yield fail(f"{what} (- expected, + actual)", "\n".join(lines), "", why)
