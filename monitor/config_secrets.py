"""A secret written into the configuration file: refused, naming the variable it belongs in.

Secrets come only from the environment. Where a setting `X_env` names the variable of secret
`X`, a literal `X = "..."` in the same table is answered with that variable's name; a few
secrets have fixed variables; any other unknown key that looks like a credential is refused
with the pointer to the reference page.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from monitor.secrets import mask_urls
from monitor.settings import DATABASE_URL_ENV, SECRET_KEY_ENV

# (the table's model name, the key) -> the variable: secrets no `*_env` setting renames.
FIXED = {
    ("WebSettings", "secret_key"): SECRET_KEY_ENV,
    ("StorageSettings", "password"): DATABASE_URL_ENV,
}
LOOKS_SECRET = re.compile(r"password|passwd|secret|token|api_?key|private_?key", re.IGNORECASE)


def secret_hint(model: type[BaseModel], key: str, table: Any) -> str | None:
    """What to say of the unknown key `key` in a table of `model`, when it is a secret."""
    env_key = f"{key}_env"
    if env_key in model.model_fields:
        given = table.get(env_key) if isinstance(table, dict) else None
        variable = (
            given if isinstance(given, str) and given else model.model_fields[env_key].default
        )
        return (
            f"a secret does not go in the file: set the environment variable {variable}"
            f" instead (`{env_key}` names it)"
        )
    fixed = FIXED.get((model.__name__, key))
    if fixed:
        return f"a secret does not go in the file: set the environment variable {fixed} instead"
    if LOOKS_SECRET.search(key):
        return (
            "looks like a secret, and secrets never go in the file: each comes from an"
            " environment variable (docs/configuration.md lists them)"
        )
    return None


def url_password_problem(url: Any) -> str | None:
    """The message for a database URL in the file that carries a password, else None."""
    if isinstance(url, str) and mask_urls(url) != url:
        return (
            "holds a password, and secrets never go in the file: give the whole URL in"
            f" {DATABASE_URL_ENV} instead"
        )
    return None


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The settings model of the table at `loc` (list indexes skipped), or None."""
    model: type[BaseModel] = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        found = _model_of(field.annotation)
        if found is None:
            return None
        model = found
    return model


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def table_at(data: Any, loc: tuple[Any, ...]) -> Any:
    """The parsed TOML value at `loc`, or None when the path does not lead anywhere."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
