"""One object a helpdesk embeds: `Desk`, its configuration, its outcomes and its stored state.

A `Desk` owns routing (`ticketcore.assign.Dispatcher`), one SLA clock per open ticket
and the escalation loop between them; `DeskConfig` is everything it is configured
from, read from one TOML or JSON document. See ``docs/hosting.md`` for what the host
owns: storage, transactions, timers, event ids, ordering and migrations.
"""

from ticketcore.desk._codec import EVENT_TYPES as EVENT_TYPES
from ticketcore.desk._codec import event_from_dict as event_from_dict
from ticketcore.desk._codec import event_to_dict as event_to_dict
from ticketcore.desk._config import CONFIG_VERSION as CONFIG_VERSION
from ticketcore.desk._config import DeskConfig as DeskConfig
from ticketcore.desk._desk import Desk as Desk
from ticketcore.desk._lint import FINDING_CODES as FINDING_CODES
from ticketcore.desk._lint import Finding as Finding
from ticketcore.desk._lint import lint as lint
from ticketcore.desk._outcome import DueChange as DueChange
from ticketcore.desk._outcome import Escalation as Escalation
from ticketcore.desk._outcome import Notification as Notification
from ticketcore.desk._outcome import Outcome as Outcome
from ticketcore.desk._outcome import alert_to_dict as alert_to_dict
from ticketcore.desk._part import SHARED_IDS as SHARED_IDS
from ticketcore.desk._state import STATE_VERSION as STATE_VERSION
from ticketcore.desk._vocabulary import Vocabulary as Vocabulary

__all__ = [
    "CONFIG_VERSION",
    "EVENT_TYPES",
    "FINDING_CODES",
    "SHARED_IDS",
    "STATE_VERSION",
    "Desk",
    "DeskConfig",
    "DueChange",
    "Escalation",
    "Finding",
    "Notification",
    "Outcome",
    "Vocabulary",
    "alert_to_dict",
    "event_from_dict",
    "event_to_dict",
    "lint",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.desk", globals())
del fixup_module_metadata
