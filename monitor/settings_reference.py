"""The configuration reference, docs/configuration.md, rendered from the settings models.

Every field of `monitor.settings.Settings` and of each channel type's options model becomes a
row: its TOML key, type and allowed range, default and description. `scripts/config-docs`
rewrites the page; tests/monitor/test_settings_reference.py fails when it is stale or a field
has no description, so a new setting is documented by giving it `Field(description=...)`.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from monitor.channel_options import COMMON_KEYS, OPTIONS_MODELS, options_model
from monitor.settings import CONFIG_ENV, DATABASE_URL_ENV, SECRET_KEY_ENV, Settings

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
SCALARS = {str: "text", int: "integer", float: "number", bool: "boolean"}
BOUNDS = [(at.Ge, "ge", "≥"), (at.Gt, "gt", ">"), (at.Le, "le", "≤"), (at.Lt, "lt", "<")]
PUBLISHERS = (
    "Replying reads the publishers' own variables (the X consumer key and access token, the same"
    " Mastodon and Bluesky ones): see README.md, Configuration and secrets."
)
INTRO = f"""\
# Configuration reference

makegood reads one TOML file: `--config FILE`, else `${CONFIG_ENV}`, else
`config/makegood.example.toml` in the current folder. `makegood init DIR` writes an editable one
(`DIR/makegood.toml`) with the templates beside it. Every key is checked when the file loads;
a wrong one is reported with the file and the key, and the command exits 2. Relative paths are
relative to the project folder: the file's folder, or its parent when that folder is `config/`.

Secrets never go in the file: each comes from an environment variable, named by a `*_env`
setting where it can be renamed. A secret written in the file is refused with the variable
it belongs in.

This page is generated from the settings models (`monitor/settings.py` and each source's
options model) by `scripts/config-docs`; do not edit it by hand.
"""


def type_name(annotation: Any) -> str:
    """A TOML reader's name for a field's type: text, integer, list of text, one of ..."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation in SCALARS:
        return SCALARS[annotation]
    if origin is Literal:
        return "one of " + ", ".join(json.dumps(a) for a in args)
    if origin in (Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        unset = " (or unset)" if len(rest) < len(args) else ""
        return " or ".join(type_name(a) for a in rest) + unset
    if origin is list:
        return f"list of {type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"table of {type_name(args[1])}" if len(args) == 2 else "table"
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return "table"
    return getattr(annotation, "__name__", str(annotation))


def allowed(info: FieldInfo) -> str:
    """The field's bounds as text: `≥ 1, ≤ 65535`, `at least 1 item`."""
    parts = []
    for item in info.metadata:
        for kind, attribute, sign in BOUNDS:
            if isinstance(item, kind):
                parts.append(f"{sign} {getattr(item, attribute)}")
        if isinstance(item, at.MinLen):
            parts.append(f"at least {item.min_length}")
    return ", ".join(parts)


def default_text(info: FieldInfo) -> str:
    """The default as it would be written in TOML, or 'required'."""
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(section)"
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def nested_model(annotation: Any) -> tuple[type[BaseModel], bool] | None:
    """(the model, whether it is an array of tables) for a field holding settings tables."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation, False
    args = get_args(annotation)
    is_list = get_origin(annotation) is list and args and inspect.isclass(args[0])
    if is_list and issubclass(args[0], BaseModel):
        return args[0], True
    return None


def sections(
    model: type[BaseModel], key: str = "", array: bool = False
) -> Iterator[tuple[str, type[BaseModel]]]:
    """Every settings table under `model`: (its TOML header, its model), depth first."""
    header = f"[[{key}]]" if array else (f"[{key}]" if key else "top level")
    yield header, model
    for name, info in model.model_fields.items():
        found = nested_model(info.annotation)
        if found:
            yield from sections(found[0], f"{key}.{name}" if key else name, found[1])


def channel_models() -> list[tuple[str, type[BaseModel]]]:
    """Each channel type with an options model, in the order the registry lists them."""
    found = [(kind, options_model(kind)) for kind in OPTIONS_MODELS]
    return [(kind, model) for kind, model in found if model is not None]


def every_field() -> Iterator[tuple[str, str, FieldInfo]]:
    """(section header, key, field) of every documented setting, channel options included."""
    for header, model in sections(Settings):
        for name, info in model.model_fields.items():
            yield header, name, info
    for kind, model in channel_models():
        for name, info in model.model_fields.items():
            yield f'channel type "{kind}"', name, info


def table(model: type[BaseModel], skip: frozenset[str] = frozenset()) -> list[str]:
    """The markdown table of one model's own settings (tables under it get their own)."""
    rows = ["| key | type | default | description |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if name in skip or nested_model(info.annotation):
            continue
        kind = type_name(info.annotation)
        bounds = allowed(info)
        kind += f" ({bounds})" if bounds else ""
        text = (info.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | {kind} | `{default_text(info)}` | {text} |")
    return rows if len(rows) > 2 else []


def environment_rows() -> list[str]:
    """The environment variables makegood reads: fixed ones and every `*_env` default."""
    found = {
        CONFIG_ENV: "the configuration file (when --config is not given)",
        DATABASE_URL_ENV: "the database URL; wins over `storage.url`",
        SECRET_KEY_ENV: "signs session cookies (else a key kept in `data_dir`)",
    }
    for header, name, info in every_field():
        if name.endswith("_env") and isinstance(info.default, str):
            found.setdefault(info.default, f"`{name}` of {header}")
    rows = ["| variable | read for |", "|---|---|"]
    rows += [f"| `{var}` | {what} |" for var, what in found.items()]
    return [*rows, "", PUBLISHERS]


def render() -> str:
    """The whole page."""
    lines = [INTRO]
    for header, model in sections(Settings):
        lines += [f"## {header}", "", inspect.getdoc(model) or "", ""]
        lines += [*table(model), ""]
    lines += [
        "## Channel options",
        "",
        "Besides the keys above, a `[[brands.channels]]` table takes the options of its `type`;",
        "an option another type has is refused.",
        "",
    ]
    for kind, model in channel_models():
        lines += [f'### type = "{kind}"', "", inspect.getdoc(model) or "", ""]
        lines += [*table(model, COMMON_KEYS), ""]
    lines += ["## Environment variables", "", *environment_rows(), ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Write the page (to the path given, default docs/configuration.md)."""
    target = Path(argv[0]) if argv else PAGE
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
