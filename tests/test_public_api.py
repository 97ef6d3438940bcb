"""The public surface: literal __all__, docstrings everywhere, nothing exported twice."""

from __future__ import annotations

import importlib
import inspect
import pickle
import re
from datetime import timedelta
from pathlib import Path

import pytest

import ticketcore
from ticketcore.sla import BusinessCalendar

PUBLIC = [
    "ticketcore",
    "ticketcore.sla",
    "ticketcore.conditions",
    "ticketcore.events",
    "ticketcore.assign",
    "ticketcore.backlog",
    "ticketcore.desk",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_has_a_docstring(name: str) -> None:
    """Each exported object, and each of its public methods, is documented."""
    module = importlib.import_module(name)
    assert module.__doc__
    for export in module.__all__:
        obj = getattr(module, export)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, f"{name}.{export}"
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (
                    inspect.isfunction(member) or isinstance(member, property | classmethod)
                ):
                    assert getattr(obj, attr).__doc__, f"{name}.{export}.{attr}"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_in_the_api_reference(name: str) -> None:
    """docs/api.md names every public name (as `Name`, `Name(...)` or `Name.member`)."""
    text = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    module = importlib.import_module(name)
    missing = [e for e in module.__all__ if not re.search("`" + re.escape(e) + r"[`(.\[]", text)]
    assert [] == missing


def test_each_name_is_exported_once() -> None:
    """No object is public in two namespaces."""
    seen: dict[int, str] = {}
    for name in PUBLIC:
        module = importlib.import_module(name)
        for export in module.__all__:
            obj = getattr(module, export)
            if inspect.isclass(obj):
                assert id(obj) not in seen, f"{export} in {name} and {seen[id(obj)]}"
                seen[id(obj)] = name


@pytest.mark.parametrize("name", PUBLIC)
def test_classes_carry_their_public_module(name: str) -> None:
    """Tracebacks and reprs name the public path, not the private module."""
    module = importlib.import_module(name)
    for export in module.__all__:
        obj = getattr(module, export)
        if inspect.isclass(obj):
            assert name == obj.__module__


def test_version() -> None:
    """The version is a string."""
    assert isinstance(ticketcore.__version__, str)


def test_calendars_pickle_and_stay_equal() -> None:
    """A calendar survives pickling (its memo is rebuilt, not copied)."""
    cal = BusinessCalendar.from_dict({"timezone": "Europe/Berlin", "hours": {"mon": ["09:00-17:00"]}})
    cal.weekly_open_time  # noqa: B018

    copy = pickle.loads(pickle.dumps(cal))

    assert cal == copy
    assert timedelta(hours=8) == copy.weekly_open_time
