"""Untrusted links: which post URLs may become a clickable href, which redirect targets are ours."""

from __future__ import annotations


def safe_url(value: str | None) -> str:
    """A link target from untrusted data: only http(s) URLs, anything else becomes ''."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


def safe_next(target: str, fallback: str = "/") -> str:
    """A redirect target from a form or query: only same-site paths, else `fallback`."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback
