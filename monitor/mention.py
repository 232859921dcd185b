"""The one normalized value type every source yields: a `Mention` of the brand on some platform."""

from __future__ import annotations

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
