"""Untrusted links (post URLs from feeds and platforms): which ones may become a clickable href."""

from __future__ import annotations


def safe_url(value: str | None) -> str:
    """A link target from untrusted data: only http(s) URLs, anything else becomes ''."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""
