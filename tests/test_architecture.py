"""docs/ARCHITECTURE.md stays true: every folder, source, publisher and outbox kind is on it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from monitor.sources import REGISTRY as SOURCES
from responders.outbox.dispatch import SENDERS
from responders.publishers import REGISTRY as PUBLISHERS

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
SKIP_DIRS = {"__pycache__", "golden", "payloads", "versions"}


def _registry_row(family: str) -> set[str]:
    """The backticked members in the registries table row of `family`."""
    for line in PAGE.splitlines():
        if line.startswith(f"| {family} |"):
            return set(re.findall(r"`([a-z_]+)`", line.rsplit("|", 2)[-2]))
    raise AssertionError(f"docs/ARCHITECTURE.md has no registries row for {family!r}")


@pytest.mark.parametrize(
    ("family", "registry"),
    [("sources", SOURCES), ("publishers", PUBLISHERS), ("outbox kinds", SENDERS)],
)
def test_every_registered_plugin_is_on_the_page(family: str, registry: dict) -> None:
    missing = set(registry) - _registry_row(family)
    assert not missing, f"docs/ARCHITECTURE.md: {family} missing from the registries: {missing}"


def _folders(top: str) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / top).rglob("*")
        if path.is_dir() and not SKIP_DIRS & set(path.relative_to(ROOT).parts)
    )


@pytest.mark.parametrize("folder", _folders("monitor") + _folders("responders"))
def test_every_package_folder_has_its_line(folder: str) -> None:
    assert f"`{folder}/`" in PAGE, f"docs/ARCHITECTURE.md does not describe {folder}/"


def _made_by_running(name: str) -> bool:
    """Folders a run or an install makes (data/, build/, *.egg-info), not part of the tree."""
    return name.startswith(".") or name in {"data", "build"} or name.endswith(".egg-info")


@pytest.mark.parametrize(
    "folder", sorted(p.name for p in ROOT.iterdir() if p.is_dir() and not _made_by_running(p.name))
)
def test_every_top_level_folder_has_its_line(folder: str) -> None:
    assert f"`{folder}/`" in PAGE, f"docs/ARCHITECTURE.md does not describe {folder}/"


@pytest.mark.parametrize(
    "test_file",
    sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "monitor").rglob("*.py")),
)
def test_monitor_tests_import_only_monitor(test_file: str) -> None:
    """monitor stands alone: its tests never need the answering half."""
    tree = ast.parse((ROOT / test_file).read_text(encoding="utf-8"))
    imported = [
        name
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    ]
    offending = [name for name in imported if name.split(".")[0] == "responders"]
    offending += [name for name in imported if name.startswith("tests.responders")]
    assert not offending, f"{test_file} imports {offending}"
