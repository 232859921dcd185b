"""An installed makegood works outside the checkout: the wheel carries config, templates, stream.

Builds the wheel once per run (from a copy of the sources, so the checkout gets no build/
folder), installs it into a fresh virtual environment whose dependencies come from the test
environment (no download), and runs it from an empty folder far from the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["monitor", "responders", "templates", "config"]
FILES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"]

pytestmark = pytest.mark.wheel


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command, fail the test with its output when it fails, return its stdout."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, db_backend: str) -> Iterator[Path]:
    """The bin/ folder of a fresh venv with the wheel installed (not editable)."""
    if db_backend != "sqlite":
        pytest.skip("packaging does not depend on the database: it runs in the SQLite pass")
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "bundled")
    for name in SOURCES:
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in FILES:
        shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", base / "dist", ".", cwd=source)
    (wheel,) = (base / "dist").glob("makegood-*.whl")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    target = Path(
        run(
            venv / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
            cwd=base,
        ).strip()
    )
    # The dependencies from the test environment: a .pth line adds its site-packages, whose
    # own .pth files (the checkout's editable install among them) are not processed.
    (target / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(
        *pip,
        "--python",
        venv / "bin" / "python",
        "install",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=base,
    )
    yield venv / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty folder outside the checkout, and an environment naming no configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKEGOOD_", "PYTHON"))}
    env["MAKEGOOD_DEMO_PASSWORD"] = "not-used-without-serve"
    return tmp_path, env


def test_the_installed_package_is_the_wheel_not_the_checkout(
    installed: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    folder, env = elsewhere
    where = run(
        installed / "python", "-c", "import monitor; print(monitor.__file__)", cwd=folder, env=env
    )
    assert str(installed.parent) in where and str(ROOT) not in where
    assert run(installed / "makegood", "--version", cwd=folder, env=env).startswith("makegood ")


def test_demo_runs_from_any_folder_on_the_bundled_example(
    installed: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    folder, env = elsewhere
    out = run(installed / "makegood", "demo", "--no-serve", cwd=folder, env=env)
    assert "Open recovery cases:" in out
    assert (folder / "makegood-demo" / "data" / "makegood.db").is_file()
    assert (folder / "makegood-demo" / "templates" / "replies" / "apology.j2").is_file()
    # The case page's template menu and the alert mail find their templates in the install.
    probe = (
        "from monitor.settings import load_settings\n"
        "from responders.alerts import mail\n"
        "from responders.web.case_data import template_sources\n"
        "s = load_settings('makegood-demo/makegood.toml')\n"
        "print(sorted(template_sources(s, 'reddit')))\n"
        "print(mail.missing_alert_templates(s.templates_dir), mail.BUNDLED_TEMPLATES.is_dir())\n"
        "print(mail.BUNDLED_TEMPLATES)\n"
    )
    menu, alerts, bundled = run(installed / "python", "-c", probe, cwd=folder, env=env).splitlines()
    assert menu == "['apology', 'compensation', 'follow_up', 'outreach', 'solution']"
    assert alerts == "[] True"
    assert bundled.startswith(str(installed.parent))


def test_init_writes_a_configuration_that_runs_with_its_templates(
    installed: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    folder, env = elsewhere
    run(installed / "makegood", "init", "site", cwd=folder, env=env)
    config = folder / "site" / "makegood.toml"
    assert (folder / "site" / "templates" / "alerts" / "alert.html.j2").is_file()
    env = {**env, "MAKEGOOD_CONFIG": str(config)}
    polled = run(installed / "makegood", "poll", cwd=folder / "site", env=env)
    assert '"channel": "Kettlebird:replay:demo"' in polled
    refused = subprocess.run(
        [installed / "makegood", "init", "site"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "--force" in refused.stderr
