"""Small helpers shared by the package's namespaces."""

from __future__ import annotations

from typing import Any

__all__ = ["fixup_module_metadata"]


def fixup_module_metadata(module_name: str, namespace: dict[str, Any]) -> None:
    """Give every public class in ``namespace['__all__']`` its public module path.

    Tracebacks, reprs and pickles then say ``ticketcore.InvalidInput`` rather than
    ``ticketcore._errors.InvalidInput`` (trio's ``fixup_module_metadata`` does the same).
    """
    for name in namespace["__all__"]:
        obj = namespace[name]
        if isinstance(obj, type) and obj.__module__.startswith("ticketcore."):
            obj.__module__ = module_name
