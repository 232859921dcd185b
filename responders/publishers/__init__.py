"""The publisher registry: every platform maps to a factory building its `Publisher` from env."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from monitor.platforms import PLATFORMS
from monitor.plugins import resolve
from responders.publishers.base import (
    MODE_LABELS,
    MODES,
    Modes,
    OutgoingReply,
    Publisher,
    PublisherError,
    PublishResult,
    best_mode,
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


NOT_ALLOWED_HERE = (
    "a public reply is not allowed on this post (the author did not address the brand);"
    " choose outreach by direct message or a manual reply"
)


def reply_modes(platform: str, reply_allowed: bool, env: Mapping[str, str] | None = None) -> Modes:
    """Which delivery modes a reply to a post on `platform` really has here, and why not others.

    Asks the platform's publisher as configured from `env` (default: the process environment),
    so a missing credential or a post the platform will not let us answer shows up as a reason.
    """
    if platform_for(platform) == "manual":
        from responders.publishers.manual import modes_for_platform

        return modes_for_platform(platform)
    modes = build_publisher(platform, env).modes(reply_allowed)
    if not reply_allowed and modes.get("public") is None:
        # The post's own eligibility holds on every platform, whatever its publisher could do.
        modes = {**modes, "public": NOT_ALLOWED_HERE}
    return modes


def mode_refusal(mode: str, modes: Modes) -> str:
    """'' when `mode` is sendable, else why not (naming the mode) for a person."""
    if mode not in MODES:
        return f"unknown delivery mode {mode!r}; modes: {', '.join(MODES)}"
    reason = modes.get(mode, "not offered for this post")
    return f"{MODE_LABELS[mode]} is not available: {reason}" if reason else ""


__all__ = [
    "MANUAL_PLATFORMS",
    "MODES",
    "MODE_LABELS",
    "REGISTRY",
    "Modes",
    "OutgoingReply",
    "PublishResult",
    "Publisher",
    "PublisherError",
    "best_mode",
    "build_publisher",
    "mode_refusal",
    "normalize_text",
    "platform_for",
    "reply_modes",
    "same_text",
]
