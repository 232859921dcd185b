"""The publisher registry: every platform maps to a factory building its `Publisher` from env."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from monitor.platforms import PLATFORMS
from monitor.plugins import resolve
from responders.publishers.base import (
    OutgoingReply,
    Publisher,
    PublisherError,
    PublishResult,
    normalize_text,
    same_text,
)

PublisherFactory = Callable[[Mapping[str, str]], Publisher]

# platform -> "module:factory"; the factory takes the environment (credentials, base URLs).
REGISTRY: dict[str, str] = {
    "reddit": "responders.publishers.reddit:from_env",
    "x": "responders.publishers.x:from_env",
    "mastodon": "responders.publishers.mastodon:from_env",
    "bluesky": "responders.publishers.bluesky:from_env",
    "manual": "responders.publishers.manual:from_env",
}
# Channels without a write API: staff post by hand and paste the link.
MANUAL_PLATFORMS = tuple(name for name, record in PLATFORMS.items() if record.read_only)


def platform_for(platform: str, channel: str = "public") -> str:
    """Which publisher answers a post on `platform` through `channel` (public, dm, manual)."""
    if channel == "manual" or platform in MANUAL_PLATFORMS or platform not in REGISTRY:
        return "manual"
    return platform


def build_publisher(platform: str, env: Mapping[str, str] | None = None) -> Publisher:
    """The publisher of `platform`, configured from `env` (default: the process environment)."""
    target = REGISTRY.get(platform)
    if target is None:
        raise PublisherError(f"no publisher for {platform!r}; known: {', '.join(sorted(REGISTRY))}")
    factory: PublisherFactory = resolve(target)
    return factory(os.environ if env is None else env)


__all__ = [
    "MANUAL_PLATFORMS",
    "REGISTRY",
    "OutgoingReply",
    "PublishResult",
    "Publisher",
    "PublisherError",
    "build_publisher",
    "normalize_text",
    "platform_for",
    "same_text",
]
