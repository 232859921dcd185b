"""docs/systemd/: the unit files the deployment guide installs are valid for systemd."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[1] / "docs" / "systemd"
INSTALLED = "/opt/makegood/bin/makegood"  # where docs/deployment.md installs makegood


def test_the_units_start_the_commands_the_guide_describes() -> None:
    starts = {
        unit.name: line.removeprefix("ExecStart=")
        for unit in UNITS.glob("*.service")
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=")
    }
    assert starts == {
        "makegood-migrate.service": f"{INSTALLED} migrate",
        "makegood-web.service": f"{INSTALLED} serve --workers 2",
        "makegood-worker.service": f"{INSTALLED} worker",
    }
    guide = (UNITS.parent / "deployment.md").read_text()
    assert all(name in guide for name in starts)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_analyze_verify_finds_nothing_to_say(tmp_path: Path) -> None:
    # The installed path does not exist here: point ExecStart at this environment's makegood.
    here = str(Path(sys.executable).parent / "makegood")
    for unit in UNITS.glob("*.service"):
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, here))
    done = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.glob("*.service"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
