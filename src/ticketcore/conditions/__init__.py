"""The condition language shared by SLA policies and assignment rules.

Two equal forms, a Python builder and a JSON-compatible dict:

>>> from ticketcore.conditions import F, Condition
>>> rule = (F.channel == "chat") & F.subject.contains_word("refund")
>>> rule.to_dict()
{'all': [{'field': 'channel', 'eq': 'chat'}, {'field': 'subject', 'word': 'refund'}]}
>>> Condition.from_dict(rule.to_dict()) == rule
True
"""

from ticketcore.conditions._conditions import ALWAYS as ALWAYS
from ticketcore.conditions._conditions import All as All
from ticketcore.conditions._conditions import Always as Always
from ticketcore.conditions._conditions import Any_ as Any_
from ticketcore.conditions._conditions import Condition as Condition
from ticketcore.conditions._conditions import F as F
from ticketcore.conditions._conditions import Field as Field
from ticketcore.conditions._conditions import Not as Not
from ticketcore.conditions._conditions import Test as Test
from ticketcore.conditions._conditions import fields_read as fields_read
from ticketcore.conditions._conditions import text_equality as text_equality

__all__ = [
    "ALWAYS",
    "All",
    "Always",
    "Any_",
    "Condition",
    "F",
    "Field",
    "Not",
    "Test",
    "fields_read",
    "text_equality",
]

from ticketcore._util import fixup_module_metadata

fixup_module_metadata("ticketcore.conditions", globals())
del fixup_module_metadata
