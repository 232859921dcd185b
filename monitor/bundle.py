"""The files makegood ships besides code: the example configuration, the templates, the demo stream.

In a checkout they are the project's own `config/` and `templates/` folders (the one source of
truth, edited there). A wheel carries a copy of both in `monitor/bundled/`, made when it is built
(`setup.py`), so an installed makegood finds them wherever it runs. The demo stream is package
data of `monitor.demo` in both.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

EXAMPLE_CONFIG = "config/makegood.example.toml"
TEMPLATES = "templates"
BUNDLED = "bundled"  # the folder inside the `monitor` package that a wheel's build fills


def root() -> Path:
    """The folder holding `config/` and `templates/`: the package's copy, else the checkout."""
    packaged = Path(str(files("monitor"))) / BUNDLED
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1]


def example_config() -> Path:
    """The example configuration (runs as it is, on SQLite and the demo stream)."""
    return root() / EXAMPLE_CONFIG


def templates() -> Path:
    """The shipped reply and alert templates (a folder with `replies/` and `alerts/`)."""
    return root() / TEMPLATES


def demo_stream() -> Path:
    """The bundled demo stream, replayed by `makegood demo`."""
    return Path(str(files("monitor"))) / "demo" / "stream.jsonl"
