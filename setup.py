"""Build hook: `config/` and `templates/` copied into the wheel as `monitor/bundled/`.

The checkout's top-level folders stay the one source of truth; the copy exists only in the
built package, so it cannot drift. Everything else about the build is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = {"config": ["makegood.example.toml"], "templates": None}  # None: the whole folder


class BuildWithBundle(build_py):
    """build_py, then the example configuration and the templates copied into the package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "monitor" / "bundled"
        for folder, names in BUNDLED.items():
            source, dest = HERE / folder, target / folder
            if names is None:
                shutil.copytree(source, dest, dirs_exist_ok=True)
                continue
            dest.mkdir(parents=True, exist_ok=True)
            for name in names:
                shutil.copy2(source / name, dest / name)


setup(cmdclass={"build_py": BuildWithBundle})
