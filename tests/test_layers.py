"""The package's layers: a module imports only from its own unit and from lower layers.

CONTRIBUTING.md ("Where each kind of change goes") states the same order. A unit is a
subpackage (``ticketcore.sla``) or a top-level private module (``ticketcore._util``);
``ticketcore`` itself is the root package's facade. Every import counts, those under
``if TYPE_CHECKING:`` and inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ticketcore

SOURCE = Path(ticketcore.__file__).parent

#: Each unit's layer, lowest first. Units on one layer never import each other.
LAYERS: dict[str, int] = {
    "_errors": 0,
    "_version": 0,
    "_util": 1,
    "_toml": 1,
    "_time": 2,
    "_instant": 2,
    "_priority": 2,
    "_text": 2,
    "_ticket": 3,
    "_forms": 4,
    "ticketcore": 4,  # the root package: errors, values and the version, re-exported
    "conditions": 5,
    "events": 5,
    "sla": 6,
    "assign": 7,
    "backlog": 8,
    "desk": 9,
    "simulate": 10,
    "testing": 10,
    "_cli": 11,
    "__main__": 12,
}


def _unit(module: str) -> str:
    """``ticketcore.sla._clock`` -> ``sla``; ``ticketcore`` -> ``ticketcore``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(text: str) -> list[str]:
    """The ``ticketcore`` modules a source text imports (absolute imports: the package uses no others)."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import"
            if node.module == "ticketcore":  # the root's names, or a subpackage by name
                found += [f"ticketcore.{a.name}" if a.name in LAYERS else "ticketcore" for a in node.names]
            elif node.module is not None:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name.split(".")[0] == "ticketcore"]


def _upward(module: str, text: str) -> list[str]:
    """Each import of ``module`` (its source ``text``) from another unit not on a lower layer."""
    here = _unit(module)
    return [
        f"{module} imports {imported}"
        for imported in _imports(text)
        if _unit(imported) != here and LAYERS[_unit(imported)] >= LAYERS[here]
    ]


def _sources() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def test_every_unit_has_a_layer() -> None:
    units = {_unit(_module_name(path)) for path in _sources()}
    assert units == set(LAYERS)


def test_no_module_imports_from_a_higher_layer_or_another_unit_of_its_own() -> None:
    upward = []
    for path in _sources():
        upward += _upward(_module_name(path), path.read_text(encoding="utf-8"))
    assert [] == upward


def test_the_check_finds_an_upward_or_sideways_import() -> None:
    text = (
        "from ticketcore.desk import Desk\nimport ticketcore.events\nfrom ticketcore import _util, assign\n"
    )
    assert _upward("ticketcore.sla._clock", text) == [
        "ticketcore.sla._clock imports ticketcore.desk",
        "ticketcore.sla._clock imports ticketcore.assign",
    ]
    assert _upward("ticketcore.conditions._conditions", text) == [
        "ticketcore.conditions._conditions imports ticketcore.desk",
        "ticketcore.conditions._conditions imports ticketcore.events",
        "ticketcore.conditions._conditions imports ticketcore.assign",
    ]
