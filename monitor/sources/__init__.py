"""The source registry: every channel type maps to a factory building a `Source` from settings."""

from __future__ import annotations

from collections.abc import Callable

from monitor.plugins import resolve
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources.base import PollResult, Rejected, Source, SourceError

SourceFactory = Callable[[BrandSettings, ChannelSettings, str], Source]

# channel type -> "module:factory". The factory takes (brand, channel settings, channel key).
REGISTRY: dict[str, str] = {
    "replay": "monitor.sources.replay:from_settings",
    "reddit": "monitor.sources.reddit:from_settings",
    "x": "monitor.sources.x:from_settings",
    "mastodon": "monitor.sources.mastodon:from_settings",
    "bluesky": "monitor.sources.bluesky:from_settings",
    "hackernews": "monitor.sources.hackernews:from_settings",
    "rss": "monitor.sources.rss:from_settings",
}


class UnknownChannelType(ValueError):
    """A channel `type` in the configuration that no source module provides."""


def channel_key(brand: BrandSettings, channel: ChannelSettings) -> str:
    """The stable key of a configured channel: brand, type and name."""
    return f"{brand.name}:{channel.type}:{channel.name or 'default'}"


def build_source(brand: BrandSettings, channel: ChannelSettings) -> Source:
    """Instantiate the source for one configured channel of a brand."""
    target = REGISTRY.get(channel.type)
    if target is None:
        raise UnknownChannelType(
            f"brands ({brand.name}).channels: unknown type {channel.type!r}; "
            f"known: {', '.join(sorted(REGISTRY))}"
        )
    factory: SourceFactory = resolve(target)
    return factory(brand, channel, channel_key(brand, channel))


__all__ = [
    "REGISTRY",
    "PollResult",
    "Rejected",
    "Source",
    "SourceError",
    "UnknownChannelType",
    "build_source",
    "channel_key",
]
