"""Settings written back as a TOML file, for code that loads its configuration by path (jobs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from monitor.settings import Settings


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(data: dict[str, Any], prefix: str, out: list[str]) -> None:
    nested = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            nested.append((key, value, False))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            nested.append((key, value, True))
        else:
            out.append(f"{key} = {_value(value)}")
    for key, value, many in nested:
        name = f"{prefix}{key}"
        for item in value if many else [value]:
            out.append(f"\n[[{name}]]" if many else f"\n[{name}]")
            _table(item, f"{name}.", out)


def write_config(settings: Settings, path: Path) -> Path:
    """Write `settings` as a TOML configuration file that load_settings reads back the same."""
    data = settings.model_dump(mode="json")
    for brand in data["brands"]:
        for channel in brand["channels"]:
            channel.update(channel.pop("options", {}) or {})
    out: list[str] = []
    _table(data, "", out)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
