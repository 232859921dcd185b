"""Registry targets: turn a "module:attr" string into the object it names."""

from __future__ import annotations

import importlib
from typing import Any


class BadTarget(ValueError):
    """A registry target that is not "module:attr", or names nothing importable."""


def resolve(target: str) -> Any:
    """The object `target` ("package.module:attr") names, imported on first use."""
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise BadTarget(f"{target!r} is not of the form 'module:attr'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (module_name + ".").startswith(exc.name + "."):
            raise  # the module exists but one of its own imports is missing: show that
        raise BadTarget(f"{target!r}: no module named {module_name!r}") from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise BadTarget(f"{target!r}: module {module_name!r} has no {attr!r}") from None
