"""Regular expressions run on RE2: linear time on any pattern, the same answers as `re` where both apply."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketcore import InvalidInput, Ticket
from ticketcore.conditions import Condition, F
from ticketcore.conditions._conditions import _compile, _search

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def ticket(subject: str) -> Ticket:
    return Ticket(id="T-1", created=T0, subject=subject)


# Each of these runs for minutes under a backtracking engine on a long run of "a"s; the old
# nested-quantifier guard let all three through. No timing is asserted: a hang would time the
# suite out.
PATHOLOGICAL = [(r"^(a|aa)*c$", "c"), (r"(a|a)*b", "b"), ("a*" * 9 + "b", "b")]


@pytest.mark.parametrize(("pattern", "end"), PATHOLOGICAL)
def test_pathological_patterns_answer_on_a_long_subject(pattern: str, end: str) -> None:
    """Exponential and polynomial patterns finish on a 100,000-character subject, with the right answer."""
    subject = "a" * 100_000
    rule = F.subject.matches(pattern)

    assert not rule.matches(ticket(subject))
    assert not Condition.from_dict(rule.to_dict()).matches(ticket(subject))
    assert rule.matches(ticket(subject + end))
    assert _search(_compile("regex", pattern, "p"), "A" * 100_000 + end.upper())


def test_nested_quantifiers_are_accepted_now() -> None:
    """(a+)+ was refused by the old guard; RE2 runs it in linear time, so it is an ordinary pattern."""
    rule = F.subject.matches(r"^(a+)+$")

    assert rule.matches(ticket("aaaa"))
    assert not rule.matches(ticket("a" * 50_000 + "!"))


@pytest.mark.parametrize(
    ("pattern", "ruled_out"),
    [
        (r"(a)\1", "backreferences"),
        (r"a(?=b)", "lookahead"),
        (r"(?<!a)b", "lookbehind"),
        (r"(?>a+)b", "atomic groups"),
        (r"a*+b", "possessive quantifiers"),
        (r"(a)?(?(1)b|c)", "conditionals"),
        (r"(?x) a b", "inline flags"),
        (r"a\Z", r"\\Z \(write \\z\)"),
        (r"a{1001}", "repetition counts above 1000"),
    ],
)
def test_syntax_that_needs_backtracking_is_refused(pattern: str, ruled_out: str) -> None:
    """What RE2 cannot run is InvalidInput naming the field and saying what syntax is ruled out."""
    with pytest.raises(InvalidInput, match=ruled_out) as info:
        Condition.from_dict({"field": "custom.note", "regex": pattern}, "rules[4].when")

    assert "rules[4].when.regex" == info.value.field
    assert pattern == info.value.value


def test_a_pattern_with_a_lone_surrogate_is_refused() -> None:
    """RE2 reads UTF-8: a pattern that is not valid Unicode text is InvalidInput, not UnicodeEncodeError."""
    with pytest.raises(InvalidInput, match="lone surrogates") as info:
        Condition.from_dict({"field": "subject", "regex": "a\ud800"})

    assert "condition.regex" == info.value.field


def test_a_subject_with_a_lone_surrogate_is_searched() -> None:
    """JSON can carry a lone surrogate into a subject; the search still answers."""
    assert F.subject.matches("^refund").matches(ticket("Refund \ud800"))
    assert not F.subject.matches("^nothing").matches(ticket("Refund \ud800"))


def test_regex_ignores_case() -> None:
    """Patterns ignore case, as before."""
    assert F.subject.matches(r"^refund\s+for").matches(ticket("REFUND  For order 12"))


# Patterns in the syntax that Python's `re` and RE2 share and read alike: ASCII letters,
# '.', classes, groups, alternation, the greedy and lazy quantifiers and bounded repeats.
# ('$' and '\w' differ: see docs/conditions.md; the subjects hold no newline.)
def _patterns() -> st.SearchStrategy[str]:
    atom = st.sampled_from(["a", "b", "A", ".", "[ab]", "[^a]", "x"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda p: f"(?:{p[0]}|{p[1]})"),
            st.tuples(inner, st.sampled_from(["*", "+", "?", "*?", "+?", "{2}", "{1,3}"])).map(
                lambda p: f"({p[0]}){p[1]}"
            ),
        )

    body = st.recursive(atom, extend, max_leaves=8)
    return st.tuples(st.sampled_from(["", "^"]), body, st.sampled_from(["", "$"])).map("".join)


@given(pattern=_patterns(), subject=st.text(alphabet="abAB x", max_size=30))
def test_re2_answers_as_python_re_does_on_the_shared_syntax(pattern: str, subject: str) -> None:
    """On the syntax both engines share, a regex test matches exactly when re.search (ignoring case) does."""
    expected = re.search(pattern, subject, re.IGNORECASE) is not None

    assert expected == F.subject.matches(pattern).matches(ticket(subject))
