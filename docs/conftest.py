"""The docs' examples run as tests; the pages whose examples run the simulator are slow ones."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Pages whose examples take a second or more of CPU (simulation runs and studies).
SLOW_PAGES = frozenset({"simulate.md", "studies.md"})
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow pages' examples slow."""
    for item in items:
        if item.path.parent == HERE and item.path.name in SLOW_PAGES:
            item.add_marker(pytest.mark.slow)
