"""The pytest plugin's own hook: the strategies of your own that case files name.

Only the plugin (``ticketcore.testing.plugin``) imports this module, to declare the hook
(``pytest_addhooks``); a ``conftest.py`` implements it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from ticketcore.assign import Strategy

__all__ = ["pytest_ticketcore_strategies"]


@pytest.hookspec(firstresult=True)
def pytest_ticketcore_strategies(config: pytest.Config, path: Path) -> Mapping[str, Strategy] | None:
    """The strategies of your own, by name, that the case file at ``path`` names.

    Implement it in a ``conftest.py`` (``return {"mine": Mine()}``); the nearest
    ``conftest.py`` that returns a mapping (not None) decides for the files below it.
    """
