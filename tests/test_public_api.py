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
    "ticketcore.simulate",
    "ticketcore.testing",
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


SOURCE = Path(ticketcore.__file__).parent


def _private_imports_of_other_subpackages(sub: str) -> list[str]:
    """``module: name`` for each import under ``sub`` of ``ticketcore.<other>._private``."""
    import ast  # noqa: PLC0415 - only this test reads source

    found = []
    for path in sorted((SOURCE / sub).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if (
                    len(parts) >= 3
                    and parts[0] == "ticketcore"
                    and parts[1] != sub
                    and not parts[1].startswith("_")
                    and parts[2].startswith("_")
                ):
                    found.append(f"{path.name}: {name}")
    return found


@pytest.mark.parametrize(
    "sub", ["assign", "backlog", "conditions", "desk", "events", "simulate", "sla", "testing", "_cli"]
)
def test_no_private_module_of_another_subpackage_is_imported(sub: str) -> None:
    """Each subpackage uses other subpackages' public names only.

    Shared private helpers live in top-level modules (``ticketcore._util``, ``ticketcore._time``,
    ``ticketcore._instant`` ...).
    """
    assert [] == _private_imports_of_other_subpackages(sub)
