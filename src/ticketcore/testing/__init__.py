"""Routing and SLA policies under test: case files, a runner, a pytest plugin, helpers.

A *case file* (``*.policy.toml``) names a desk configuration and a timeline of steps,
each with expectations; `load_case_file` reads one, `run_file` runs it on a real
`ticketcore.desk.Desk`, and each `CaseResult` reports a failure as a diff with the
decision's explanation. ``python -m ticketcore test`` and the pytest plugin
(``ticketcore.testing.plugin``) run them; `build_desk`, `assert_assigned`,
`assert_due`, `assert_alerts` and `DeskClock` serve tests written in Python, and
``ticketcore.testing.strategies`` (needs hypothesis) draws tickets and timelines from
a configuration's own vocabulary. See docs/testing.md.
"""

from ticketcore.testing._case import ACTIONS as ACTIONS
from ticketcore.testing._case import EXPECTATIONS as EXPECTATIONS
from ticketcore.testing._case import Case as Case
from ticketcore.testing._case import CaseFile as CaseFile
from ticketcore.testing._case import CaseFileError as CaseFileError
from ticketcore.testing._case import Expect as Expect
from ticketcore.testing._case import Step as Step
from ticketcore.testing._case import When as When
from ticketcore.testing._case import load_case_file as load_case_file
from ticketcore.testing._helpers import DeskClock as DeskClock
from ticketcore.testing._helpers import assert_alerts as assert_alerts
from ticketcore.testing._helpers import assert_assigned as assert_assigned
from ticketcore.testing._helpers import assert_due as assert_due
from ticketcore.testing._helpers import build_desk as build_desk
from ticketcore.testing._junit import junit_xml as junit_xml
from ticketcore.testing._run import CaseResult as CaseResult
from ticketcore.testing._run import Failure as Failure
from ticketcore.testing._run import advance_through as advance_through
from ticketcore.testing._run import alert_text as alert_text
from ticketcore.testing._run import decision_text as decision_text
from ticketcore.testing._run import escalation_text as escalation_text
from ticketcore.testing._run import notification_text as notification_text
from ticketcore.testing._run import run_case as run_case
from ticketcore.testing._run import run_file as run_file

__all__ = [
    "ACTIONS",
    "EXPECTATIONS",
    "Case",
    "CaseFile",
    "CaseFileError",
    "CaseResult",
    "DeskClock",
    "Expect",
    "Failure",
    "Step",
    "When",
    "advance_through",
    "alert_text",
    "assert_alerts",
    "assert_assigned",
    "assert_due",
    "build_desk",
    "decision_text",
    "escalation_text",
    "junit_xml",
    "load_case_file",
    "notification_text",
    "run_case",
    "run_file",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.testing", globals())
del fixup_module_metadata
