"""The one normalized value type every source yields: a `Mention` of the brand on some platform."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor import platforms

PLATFORMS = tuple(platforms.PLATFORMS)  # the names with a record in monitor/platforms.py


@dataclass(frozen=True, slots=True)
class Mention:
    """A public post that may mention a brand, normalized across platforms.

    `external_id` is the platform's own id; with `platform` it identifies the post for dedupe.
    `raw` keeps the platform payload as received so nothing is lost.
    """

    platform: str
    external_id: str
    text: str
    author: str = ""
    author_id: str = ""
    author_followers: int = 0
    created_at: datetime | None = None
    url: str = ""
    likes: int = 0
    replies: int = 0
    reposts: int = 0
    # The post this one answers, and the thread root (Bluesky replies need both).
    parent_id: str = ""
    root_id: str = ""
    # Whether a public reply is allowed (X allows one only when the author addressed the brand).
    reply_allowed: bool = True
    lang: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str]:
        """The dedupe key: (platform, external_id)."""
        return (self.platform, self.external_id)

    @property
    def engagement(self) -> int:
        """Likes, replies and reposts together."""
        return self.likes + self.replies + self.reposts


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Treat a naive datetime as UTC; convert an aware one to UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# What PostgreSQL will store: no NUL in text or JSON, no lone UTF-16 surrogate, 64-bit integers.
MAX_COUNT = 2**63 - 1
_SURROGATE = re.compile(r"[\ud800-\udfff]")
MAX_RAW_DEPTH = 32  # deeper JSON is kept as text: nothing a platform sends nests further
# Handles that name nobody: posts by them must never be merged into one author or one case.
UNKNOWN_AUTHORS = frozenset({"[deleted]", "[removed]", "deleted", "anonymous", "unknown", "none"})


def clean_text(value: str) -> str:
    """Text without NUL characters and with lone surrogates replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", value)


def clean_json(value: Any, depth: int = 0) -> Any:
    """A JSON value every database stores: clean text, finite floats, 64-bit ints, bounded depth."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, int):
        return value if -MAX_COUNT - 1 <= value <= MAX_COUNT else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth >= MAX_RAW_DEPTH:
        return clean_text(repr(value))[:2000]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v, depth + 1) for v in value]
    return clean_text(str(value))


def usable_author(value: str) -> bool:
    """Whether an author id or handle names someone (not empty, not "[deleted]" or anonymous)."""
    stripped = value.strip()
    return bool(stripped) and stripped.lower() not in UNKNOWN_AUTHORS


def author_key(mention: Mention) -> tuple[str, str]:
    """How an author is identified: platform and the platform's id (or handle if no id).

    A post without a usable author gets a key of its own, so two such posts are never taken
    for one person (one shared case).
    """
    for candidate in (mention.author_id, mention.author):
        if usable_author(candidate):
            return (mention.platform, candidate[:200])
    return (mention.platform, f"unknown:{mention.external_id}"[:200])
