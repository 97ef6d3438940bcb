"""docs/public-surface.md lists exactly the public names, each with its roles."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import attrs
import pytest

from test_public_api import PUBLIC

SURFACE = Path(__file__).parent.parent / "docs" / "public-surface.md"
ROLES = {"host", "QA", "analyst", "extension"}
#: The public namespaces with a table: those of `PUBLIC`, and the two public modules of
#: `ticketcore.testing` that it does not import (they import hypothesis and pytest).
TABLED = [*PUBLIC, "ticketcore.testing.strategies", "ticketcore.testing.plugin"]


def _tables() -> dict[str, dict[str, list[str]]]:
    """Per ``## `module``` section, each row's name and its cells."""
    tables: dict[str, dict[str, list[str]]] = {}
    section = None
    for line in SURFACE.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"## `([\w.]+)`", line)
        if heading:
            section = heading.group(1)
            tables[section] = {}
        row = re.fullmatch(r"\| `(\w+)` \|(.*)\|", line)
        if row and section is not None:
            tables[section][row.group(1)] = [cell.strip() for cell in row.group(2).split("|")]
    return tables


def test_there_is_one_table_per_public_namespace() -> None:
    assert list(_tables()) == TABLED


@pytest.mark.parametrize("name", TABLED)
def test_the_table_lists_exactly_the_public_names_in_order(name: str) -> None:
    """A name added to, or taken out of, an ``__all__`` needs its row here too."""
    assert list(_tables()[name]) == list(importlib.import_module(name).__all__)


@pytest.mark.parametrize("name", TABLED)
def test_each_row_names_a_kind_its_roles_and_its_users(name: str) -> None:
    for export, (kind, roles, used_by) in _tables()[name].items():
        assert kind, export
        assert roles, export
        assert set(roles.split(", ")) <= ROLES, export
        assert used_by, export


#: The one exception to keyword-only construction (docs/conventions.md): the conditions DSL.
POSITIONAL = {"ticketcore.conditions.Test"}


@pytest.mark.parametrize("name", TABLED)
def test_values_of_more_than_one_field_are_built_with_keywords_only(name: str) -> None:
    """docs/conventions.md: a value with more than one field takes keywords only."""
    module = importlib.import_module(name)
    positional = []
    for export in module.__all__:
        obj = getattr(module, export)
        if inspect.isclass(obj) and attrs.has(obj) and f"{name}.{export}" not in POSITIONAL:
            fields = [f for f in attrs.fields(obj) if f.init]
            if len(fields) > 1 and not all(f.kw_only for f in fields):
                positional.append(export)
    assert [] == positional
