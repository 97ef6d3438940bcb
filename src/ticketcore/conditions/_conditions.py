"""The condition language shared by SLA policies and assignment rules.

A condition is an immutable value that says whether it matches a `Ticket`. It has two
equal forms: a Python builder (``F.channel == "chat"``) and a JSON-compatible dict
(``{"field": "channel", "eq": "chat"}``), with ``to_dict`` and ``from_dict`` between
them. Conditions are checked when built: an unknown field, an operator that does not
apply to the field, a bad value or an unsafe regular expression raises `InvalidInput`
naming the path inside the dict.

Regular expressions run on RE2 (the ``google-re2`` package), whose matching time grows
linearly with the text whatever the pattern: a rule typed into a form cannot stall the
engine. RE2 refuses the syntax that needs backtracking (backreferences, lookaround,
atomic groups, possessive quantifiers, conditionals); such a pattern is `InvalidInput`.

Text tests (``eq``, ``in``, ``contains``, ``word``, ``regex``) ignore case. Tags are
lower case on the ticket too. Priorities compare by their rank on the scale in force
(`ticketcore.PriorityScale`; low < normal < high < urgent by default).

Why one module above 500 lines: it has one job, the condition language, and its three
faces are one table read together: each operator's builder (`Field`), its dict form
(`Test.build`, `to_dict`) and its matcher are defined side by side, in this one module.
Adding an operator still touches several places in it: `_OPS` (which field kinds take
it), the operator list in `Condition.from_dict`'s docstring, `Test.build` (reading and
checking its value), `Test.matches` (its matcher), the words of `Test.describe`, a
`Field` method (its builder) and, if its value is a set, `_depth` (how deep its dict
form nests).
"""

from __future__ import annotations

import abc
import math
import operator
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Final

import attrs
import re2

from ticketcore._errors import InvalidInput
from ticketcore._priority import Priority
from ticketcore._ticket import Status, Ticket
from ticketcore._util import MAX_DEPTH, check_depth

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

_TEXT: Final = frozenset({"channel", "department", "subject", "language", "product_code", "plan", "assignee"})
_KINDS: Final = {
    **dict.fromkeys(_TEXT, "text"),
    "priority": "priority",
    "tier": "number",
    "status": "status",
    "tags": "tags",
    "skills": "tags",  # a set of names, tested as tags are
}
_OPS: Final = {
    "text": ("eq", "in", "contains", "word", "regex", "is_set"),
    "custom": ("eq", "in", "contains", "word", "regex", "is_set", "lt", "lte", "gt", "gte"),
    "priority": ("eq", "in", "lt", "lte", "gt", "gte"),
    "number": ("eq", "in", "lt", "lte", "gt", "gte"),
    "status": ("eq", "in"),
    "tags": ("has", "has_any", "has_all"),
}
_ALL_OPS: Final = tuple(dict.fromkeys(op for ops in _OPS.values() for op in ops))
_OP_NAMES: Final = frozenset(_ALL_OPS)
_SYMBOLS: Final = {"eq": "==", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}

#: Regular expressions and words are at most this long.
MAX_PATTERN: Final = 1_000
#: A word test looks at this much of the text (its cost grows with text times word length).
#: A regular expression sees the whole text: RE2 is linear, and a cut text would let ``$``
#: match at the cut.
MAX_TEXT: Final = 10_000


def _re2_options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True  # only "does it match" is asked: RE2 then runs its DFA alone
    options.log_errors = False  # RE2 would otherwise write each refused pattern to stderr
    return options


_RE2_OPTIONS: Final = _re2_options()
_RULED_OUT: Final = (
    "backreferences, lookahead, lookbehind, atomic groups, possessive quantifiers, conditionals, "
    "inline flags other than i m s U, \\Z (write \\z) and repetition counts above 1000"
)


def _kind(field: str, path: str) -> str:
    if field.startswith("custom."):
        if len(field) == len("custom."):
            raise InvalidInput(path, "a custom field name after 'custom.'", field)
        return "custom"
    kind = _KINDS.get(field)
    if kind is None:
        raise InvalidInput.unknown_key(path, field, [*_KINDS, "custom.<name>"])
    return kind


class Condition(abc.ABC):
    """A test on a ticket. Combine with ``&`` (all), ``|`` (any) and ``~`` (not).

    Build one with `F` or `Condition.from_dict`; never subclass it.
    """

    __slots__ = ()

    @abc.abstractmethod
    def matches(self, ticket: Ticket) -> bool:
        """Whether the ticket satisfies the condition."""

    @abc.abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict form; `from_dict` reads it back to an equal condition."""

    @abc.abstractmethod
    def describe(self) -> str:
        """A short text a person can read, such as ``channel == 'chat'``."""

    def __and__(self, other: Condition) -> Condition:
        return All((self, other))

    def __or__(self, other: Condition) -> Condition:
        return Any_((self, other))

    def __invert__(self) -> Condition:
        return Not(self)

    @staticmethod
    def from_dict(data: object, path: str = "condition") -> Condition:
        """Read a condition from its dict form, raising `InvalidInput` naming the path.

        Forms: ``{"always": true}``; ``{"all": [...]}``; ``{"any": [...]}``;
        ``{"not": {...}}``; and ``{"field": NAME, OP: VALUE}`` where OP is one of
        ``eq in contains word regex is_set lt lte gt gte has has_any has_all``.
        The dict form nests at most `ticketcore._util.MAX_DEPTH` (64) levels of dicts and lists.
        """
        check_depth(data, path)
        return Condition._read(data, path)

    @staticmethod
    def _read(data: object, path: str) -> Condition:
        if not isinstance(data, dict):
            raise InvalidInput(path, "a condition dict", data)
        if "field" not in data:
            if len(data) != 1:
                raise InvalidInput(
                    path, "exactly one of 'all', 'any', 'not', 'always' or a 'field' test", data
                )
            ((key, value),) = data.items()
            if key == "always":
                if value is not True:
                    raise InvalidInput(f"{path}.always", "true", value)
                return ALWAYS
            if key in ("all", "any"):
                if not isinstance(value, list) or not value:
                    raise InvalidInput(f"{path}.{key}", "a non-empty list of conditions", value)
                parts = tuple(Condition._read(item, f"{path}.{key}[{i}]") for i, item in enumerate(value))
                return All(parts) if key == "all" else Any_(parts)
            if key == "not":
                return Not(Condition._read(value, f"{path}.not"))
            raise InvalidInput.unknown_key(f"{path}.{key}", key, ("all", "any", "not", "always", "field"))
        field = data["field"]
        if not isinstance(field, str):
            raise InvalidInput(f"{path}.field", "a field name", field)
        ops = [k for k in data if k != "field"]
        if len(ops) != 1:
            raise InvalidInput(path, "a 'field' and exactly one operator", data)
        op = ops[0]
        return Test.build(field, op, data[op], path)


def _norm_text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(path, "a string", value)
    return value.casefold()


def _norm_scalar(kind: str, value: object, path: str) -> object:
    if kind == "priority":
        return Priority.parse(value, path)
    if kind == "status":
        return Status.parse(value, path)
    if kind == "number":
        if type(value) is not int:
            raise InvalidInput(path, "a whole number", value)
        return value
    if kind == "custom":
        if isinstance(value, str):
            return value.casefold()
        if isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
            return value
        raise InvalidInput(path, "a string, finite number or boolean", value)
    return _norm_text(value, path)


def _check_no_bool_number_clash(items: list[object], path: str) -> None:
    """Refuse ``[1, true]`` in a custom ``in`` list: Python's sets cannot keep ``True`` and ``1`` apart."""
    bools = {v for v in items if isinstance(v, bool)}
    for i, v in enumerate(items):
        if not isinstance(v, bool) and isinstance(v, int | float) and v in bools:
            raise InvalidInput(f"{path}[{i}]", "a number not equal to a boolean in the same list", v)


def _same(got: object, want: object) -> bool:
    """Equality for custom values, where a boolean is never a number (``true`` is not ``1``)."""
    return got == want and isinstance(got, bool) == isinstance(want, bool)


def _compile(op: str, value: str, path: str) -> Any:
    """The compiled pattern: Python's `re` for a word (a fixed, escaped shape), RE2 for a regex."""
    if len(value) > MAX_PATTERN:
        what = "a word" if op == "word" else "a regular expression"
        raise InvalidInput(path, f"{what} of at most {MAX_PATTERN} characters", value)
    if op == "word":
        if not value.strip():
            raise InvalidInput(path, "a non-empty word", value)
        return re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE)
    try:
        return re2.compile(value, _RE2_OPTIONS)
    except re2.error as e:
        reason = e.args[0].decode("utf-8", "replace") if e.args and isinstance(e.args[0], bytes) else str(e)
        raise InvalidInput(
            path, f"a regular expression RE2 accepts ({reason}; RE2 rules out {_RULED_OUT})", value
        ) from None
    except UnicodeEncodeError:
        expected = "a regular expression of valid Unicode text (no lone surrogates)"
        raise InvalidInput(path, expected, value) from None


def _search(pattern: Any, text: str) -> bool:
    """Whether an RE2 ``pattern`` matches somewhere in ``text``."""
    try:
        return pattern.search(text) is not None
    except UnicodeEncodeError:
        # A lone surrogate (JSON can carry one) is not UTF-8: give RE2 the bytes as they are.
        return pattern.search(text.encode("utf-8", "surrogatepass")) is not None


def _dump(value: object) -> object:
    if isinstance(value, Priority | Status):
        return value.value
    if isinstance(value, frozenset | tuple):
        return sorted((_dump(v) for v in value), key=repr)
    return value


def _fill(test: Test, field: object, op: object, value: object, path: str) -> None:
    """Check and normalise a new test's ``field op value``, then set them; `InvalidInput` names ``path``.

    The one check of a test (`Test(...)`, `Test.build`, `F` and `Condition.from_dict` all
    come here, once), in the order `Condition.from_dict` meets the keys: the field name's
    type, the operator, the field, the operator for that field, the value. A value it kept
    reads back unchanged (casefolding is idempotent), so ``Test(t.field, t.op, t.value) == t``.
    """
    if not isinstance(field, str):
        raise InvalidInput(f"{path}.field", "a field name", field)
    if not isinstance(op, str) or op not in _OP_NAMES:
        raise InvalidInput.unknown_key(f"{path}.{op}", op, _ALL_OPS)
    kind = _kind(field, f"{path}.field")
    if op not in _OPS[kind]:
        raise InvalidInput(
            f"{path}.{op}", f"an operator for the {kind} field {field!r}: {', '.join(_OPS[kind])}", op
        )
    vpath = f"{path}.{op}"
    pattern = None
    norm: object
    if op == "is_set":
        if not isinstance(value, bool):
            raise InvalidInput(vpath, "true or false", value)
        norm = value
    elif op in ("in", "has_any", "has_all"):
        if not isinstance(value, list | tuple | set | frozenset) or not value:
            raise InvalidInput(vpath, "a non-empty list", value)
        items = list(value)
        if op == "in":
            norm = frozenset(_norm_scalar(kind, v, f"{vpath}[{i}]") for i, v in enumerate(items))
            if kind == "custom":
                _check_no_bool_number_clash(items, vpath)
        else:
            norm = frozenset(_norm_text(v, f"{vpath}[{i}]").strip() for i, v in enumerate(items))
            if "" in norm:
                raise InvalidInput(vpath, "a list of non-empty tags", value)
    elif op == "has":
        norm = _norm_text(value, vpath).strip()
        if not norm:
            raise InvalidInput(vpath, "a non-empty tag", value)
    elif op in ("contains", "word", "regex"):
        if not isinstance(value, str) or not value:
            raise InvalidInput(vpath, "a non-empty string", value)
        # Patterns ignore case themselves; casefolding the word would change what it
        # matches after a round trip ("Straße" folds to "strasse").
        norm = value.casefold() if op == "contains" else value
        if op != "contains":
            pattern = _compile(op, value, vpath)
    elif op in ("lt", "lte", "gt", "gte") and kind == "custom":
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise InvalidInput(vpath, "a finite number", value)
        norm = value
    else:
        norm = _norm_scalar(kind, value, vpath)
    set_ = _setattr_of(test)
    set_("field", field)
    set_("op", op)
    set_("value", norm)
    set_("_pattern", pattern)
    # The common rule (``channel == "chat"``) as one closure: no operator dispatch per call.
    fn = (
        _EqText(field, norm)
        if op == "eq" and isinstance(norm, str) and not field.startswith("custom.")
        else None
    )
    set_("_fn", fn)


_setattr_of: Final = object.__setattr__.__get__


@attrs.frozen(init=False)
class Test(Condition):
    """One test of one field: ``Test(field, op, value)``, checked and normalised when built.

    ``Test(field, op, value)``, the builder `F` and `Condition.from_dict` build equal tests
    (``Test("priority", "gte", "high") == (F.priority >= "high")``): the value is normalised
    (text casefolded, a priority or status name read on the scale in force, a list made a
    frozenset) and a bad triple raises the `InvalidInput` that `Condition.from_dict` raises for
    ``{"field": field, op: value}`` (path ``condition``). `build` does the same with a path of
    your own.
    """

    field: str
    op: str
    value: object
    _pattern: Any = attrs.field(init=False, eq=False, repr=False, hash=False)
    _fn: _EqText | None = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __init__(self, field: str, op: str, value: object) -> None:
        _fill(self, field, op, value, "condition")

    @classmethod
    def build(cls, field: str, op: str, value: object, path: str = "condition") -> Test:
        """Check and normalise a test as ``Test(field, op, value)`` does; `InvalidInput` names ``path``."""
        test = object.__new__(cls)  # checked once, by _fill: __init__ would check again
        _fill(test, field, op, value, path)
        return test

    def _get(self, ticket: Ticket) -> object:
        if self.field.startswith("custom."):
            return ticket.custom_value(self.field[7:])
        return getattr(ticket, self.field)

    def matches(self, ticket: Ticket) -> bool:  # noqa: PLR0911 - one return per operator
        """Whether the ticket satisfies the test; a missing value never matches (but ``is_set``)."""
        if self._fn is not None:
            return self._fn(ticket)
        got = self._get(ticket)
        op = self.op
        if op == "is_set":
            return (got is not None and got != "") is self.value
        if got is None:
            return False
        if op in ("has", "has_any", "has_all"):
            assert isinstance(got, frozenset)
            if op == "has":
                return self.value in got
            assert isinstance(self.value, frozenset)
            return bool(got & self.value) if op == "has_any" else self.value <= got
        if op == "regex":  # patterns ignore case themselves: match the text as written
            return isinstance(got, str) and _search(self._pattern, got)
        if op == "word":
            return isinstance(got, str) and self._pattern.search(got[:MAX_TEXT]) is not None
        if isinstance(got, str):
            got = got.casefold()
        if op == "eq":
            return _same(got, self.value)
        if op == "in":
            assert isinstance(self.value, frozenset)
            if isinstance(got, bool | int | float) and got in self.value:
                return any(_same(got, want) for want in self.value)
            return got in self.value
        if op == "contains":
            return isinstance(got, str) and isinstance(self.value, str) and self.value in got
        return _compare(op, got, self.value)

    def to_dict(self) -> dict[str, Any]:
        """The dict form, ``{"field": ..., op: value}``."""
        return {"field": self.field, self.op: _dump(self.value)}

    def describe(self) -> str:
        """For example ``subject contains word 'refund'`` or ``priority >= 'high'``."""
        shown = _dump(self.value)
        words = {"in": "in", "contains": "contains", "word": "contains word", "regex": "matches",
                 "has": "has tag", "has_any": "has any tag of", "has_all": "has all tags of"}  # fmt: skip
        if self.field == "skills":
            words = {"has": "has skill", "has_any": "has any skill of", "has_all": "has all skills of"}
        if self.op == "is_set":
            return f"{self.field} is {'set' if self.value else 'not set'}"
        return f"{self.field} {_SYMBOLS.get(self.op) or words[self.op]} {shown!r}"


class _EqText:
    """A text equality test without operator dispatch (a plain class, so it pickles)."""

    __slots__ = ("get", "want")

    def __init__(self, field: str, want: str) -> None:
        self.get = operator.attrgetter(field)
        self.want = want

    def __call__(self, ticket: Ticket) -> bool:
        got = self.get(ticket)
        return isinstance(got, str) and got.casefold() == self.want

    def __reduce__(self) -> tuple[Any, ...]:
        return (_EqText, (self.get.__reduce__()[1][0], self.want))


def _compare(op: str, got: object, want: object) -> bool:
    a: float
    b: float
    if isinstance(want, Priority):
        if not isinstance(got, Priority):
            return False
        a, b = got.rank, want.rank
    else:
        if not isinstance(got, int | float) or isinstance(got, bool) or not isinstance(want, int | float):
            return False
        a, b = got, want
    if op == "lt":
        return a < b
    if op == "lte":
        return a <= b
    if op == "gt":
        return a > b
    return a >= b


def _depth(condition: Condition) -> int:
    """How many levels of dicts and lists the condition's dict form nests (at most `MAX_DEPTH`)."""
    if isinstance(condition, Not):
        return 1 + _depth(condition.part)
    if isinstance(condition, All | Any_):
        return 2 + max(_depth(part) for part in condition.parts)
    if isinstance(condition, Test) and isinstance(condition.value, frozenset):
        return 2
    return 1


def _check_depth(parts: tuple[Condition, ...], added: int, field: str) -> None:
    # Every condition ever built is within the limit, so the recursion in _depth is bounded.
    if added + max(_depth(part) for part in parts) > MAX_DEPTH:
        raise InvalidInput(field, f"a condition whose dict form nests at most {MAX_DEPTH} levels", "deeper")


def _check_parts(instance: object, attribute: attrs.Attribute[tuple[Condition, ...]], value: object) -> None:
    if not isinstance(value, tuple) or not value or not all(isinstance(c, Condition) for c in value):
        raise InvalidInput(attribute.name, "a non-empty tuple of conditions", value)
    _check_depth(value, 2, attribute.name)


def _check_part(instance: object, attribute: attrs.Attribute[Condition], value: object) -> None:
    if not isinstance(value, Condition):
        raise InvalidInput(attribute.name, "a condition", value)
    _check_depth((value,), 1, attribute.name)


@attrs.frozen
class All(Condition):
    """Matches when every part matches (``a & b``)."""

    parts: tuple[Condition, ...] = attrs.field(validator=_check_parts)

    def matches(self, ticket: Ticket) -> bool:
        """Whether every part matches."""
        return all(p.matches(ticket) for p in self.parts)

    def to_dict(self) -> dict[str, Any]:
        """``{"all": [...]}``."""
        return {"all": [p.to_dict() for p in self.parts]}

    def describe(self) -> str:
        """The parts joined by ``and``."""
        return "(" + " and ".join(p.describe() for p in self.parts) + ")"


@attrs.frozen
class Any_(Condition):  # noqa: N801 - ``Any`` would shadow typing.Any in users' code
    """Matches when at least one part matches (``a | b``)."""

    parts: tuple[Condition, ...] = attrs.field(validator=_check_parts)

    def matches(self, ticket: Ticket) -> bool:
        """Whether any part matches."""
        return any(p.matches(ticket) for p in self.parts)

    def to_dict(self) -> dict[str, Any]:
        """``{"any": [...]}``."""
        return {"any": [p.to_dict() for p in self.parts]}

    def describe(self) -> str:
        """The parts joined by ``or``."""
        return "(" + " or ".join(p.describe() for p in self.parts) + ")"


@attrs.frozen
class Not(Condition):
    """Matches when its part does not (``~a``)."""

    part: Condition = attrs.field(validator=_check_part)

    def matches(self, ticket: Ticket) -> bool:
        """Whether the part does not match."""
        return not self.part.matches(ticket)

    def to_dict(self) -> dict[str, Any]:
        """``{"not": {...}}``."""
        return {"not": self.part.to_dict()}

    def describe(self) -> str:
        """``not`` and the part."""
        return f"not {self.part.describe()}"


@attrs.frozen
class Always(Condition):
    """Matches every ticket: the catch-all at the end of a list of rules or policies."""

    def matches(self, ticket: Ticket) -> bool:
        """Always true."""
        return True

    def to_dict(self) -> dict[str, Any]:
        """``{"always": true}``."""
        return {"always": True}

    def describe(self) -> str:
        """``always``."""
        return "always"


#: The condition that matches every ticket.
ALWAYS: Final = Always()


def fields_read(condition: Condition) -> frozenset[str]:
    """The ticket fields a condition reads (``"custom.x"`` for a custom field).

    >>> from ticketcore.conditions import F, fields_read
    >>> sorted(fields_read((F.channel == "chat") & ~F.custom("region").is_in(["EU"])))
    ['channel', 'custom.region']
    """
    if isinstance(condition, Test):
        return frozenset({condition.field})
    if not isinstance(condition, Condition):
        raise InvalidInput("condition", "a ticketcore.conditions.Condition", condition)
    if isinstance(condition, All | Any_):
        return frozenset().union(*(fields_read(part) for part in condition.parts))
    if isinstance(condition, Not):
        return fields_read(condition.part)
    return frozenset()


def text_equality(condition: Condition) -> tuple[str, str] | None:
    """``(field, value)`` when the condition is one text equality test, else None.

    These are the tests `Test` runs as `_EqText`: a ticket matches when its field is a
    string whose casefold equals ``value``.

    >>> from ticketcore.conditions import F, text_equality
    >>> text_equality(F.product_code == "XT372"), text_equality(F.priority >= "high")
    (('product_code', 'xt372'), None)
    """
    if isinstance(condition, Test) and isinstance(condition._fn, _EqText):
        return condition.field, condition._fn.want
    return None


class Field:
    """A field reference in the Python builder; its operators return `Test` conditions.

    >>> from ticketcore.conditions import F
    >>> (F.channel == "chat").to_dict()
    {'field': 'channel', 'eq': 'chat'}
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        given: object = name
        if not isinstance(given, str):
            raise InvalidInput("field", "a field name", name)
        _kind(name, "field")
        self.name = name

    def _t(self, op: str, value: object) -> Test:
        return Test.build(self.name, op, value, self.name)

    def __eq__(self, value: object) -> Test:  # type: ignore[override]  # the DSL: F("x") == 1 builds a Test
        return self._t("eq", value)

    def __ne__(self, value: object) -> Condition:  # type: ignore[override]  # the DSL, as __eq__
        return Not(self._t("eq", value))

    __hash__: ClassVar[None]  # type: ignore[assignment]  # unhashable, as __eq__ is not equality

    def __lt__(self, value: object) -> Test:
        return self._t("lt", value)

    def __le__(self, value: object) -> Test:
        return self._t("lte", value)

    def __gt__(self, value: object) -> Test:
        return self._t("gt", value)

    def __ge__(self, value: object) -> Test:
        return self._t("gte", value)

    def is_in(self, values: Iterable[object]) -> Test:
        """The field equals one of ``values``."""
        return self._t("in", list(values))

    def contains(self, text: str) -> Test:
        """The field contains ``text`` (ignoring case)."""
        return self._t("contains", text)

    def contains_word(self, word: str) -> Test:
        """The field contains ``word`` as a whole word (ignoring case): "refund" but not "refunded"."""
        return self._t("word", word)

    def matches(self, pattern: str) -> Test:
        """The field matches a regular expression (RE2 syntax, ignoring case; length-limited)."""
        return self._t("regex", pattern)

    def is_set(self, value: bool = True) -> Test:
        """The field has a (non-empty) value, or with ``False`` has none."""
        return self._t("is_set", value)

    def has(self, tag: str) -> Test:
        """The tags (or required skills) include ``tag``."""
        return self._t("has", tag)

    def has_any(self, *tags: str) -> Test:
        """The tags (or required skills) include at least one of ``tags``."""
        return self._t("has_any", list(tags))

    def has_all(self, *tags: str) -> Test:
        """The tags (or required skills) include every one of ``tags``."""
        return self._t("has_all", list(tags))


class _Fields:
    """The Python builder's entry point: ``F.channel``, ``F.priority``, ``F.custom("region")``."""

    __slots__ = ()

    channel: Final = Field("channel")
    department: Final = Field("department")
    priority: Final = Field("priority")
    tier: Final = Field("tier")
    tags: Final = Field("tags")
    skills: Final = Field("skills")
    subject: Final = Field("subject")
    language: Final = Field("language")
    product_code: Final = Field("product_code")
    plan: Final = Field("plan")
    status: Final = Field("status")
    assignee: Final = Field("assignee")

    @staticmethod
    def custom(name: str) -> Field:
        """A custom field by name."""
        return Field(f"custom.{name}")


#: The Python builder: ``F.channel == "chat"``, ``F.subject.contains_word("refund")``.
F: Final = _Fields()
