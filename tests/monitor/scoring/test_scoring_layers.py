"""monitor.scoring is layered and has no import circle, counting imports inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

import monitor.scoring

PACKAGE = "monitor.scoring"
FOLDER = Path(monitor.scoring.__file__).parent
# Each module may import only from layers before its own.
LAYERS = (
    {"_regex", "thresholds", "sentiment"},
    {"_scan"},
    {"cues", "category", "severity", "spam"},
    {"passes"},
    {"__init__"},
)


def _module(name: str) -> str | None:
    """The module of monitor.scoring that a dotted name is or lies in ("__init__", "cues")."""
    if name == PACKAGE:
        return "__init__"
    if not name.startswith(PACKAGE + "."):
        return None
    module = name.removeprefix(PACKAGE + ".").split(".")[0]
    return module if (FOLDER / f"{module}.py").exists() else None


def imports_of(path: Path) -> set[str]:
    """The monitor.scoring modules that one module imports, anywhere in its body.

    As import-linter counts them: `from monitor.scoring import cues` imports the submodule,
    `from monitor.scoring import score_text` the package.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if _module(f"{node.module}.{alias.name}") not in (None, "__init__")
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found.update(m for m in map(_module, names) if m is not None)
    found.discard(path.stem)
    return found


def test_every_module_has_a_layer() -> None:
    placed = set().union(*LAYERS)
    assert {p.stem for p in FOLDER.glob("*.py")} == placed


def test_modules_import_only_from_lower_layers() -> None:
    rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    upward = [
        (path.stem, name)
        for path in sorted(FOLDER.glob("*.py"))
        for name in sorted(imports_of(path))
        if rank[name] >= rank[path.stem]
    ]
    assert not upward, f"imports of the same or a higher layer: {upward}"
