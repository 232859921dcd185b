"""Each configured channel checked against its source's options model when settings load."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

# channel type -> the "module:Model" of its options (each forbids unknown keys). A type in the
# source registry but not here (a plugin's) has its options checked by its factory only.
OPTIONS_MODELS: dict[str, str] = {
    "replay": "monitor.sources.replay:ReplayOptions",
    "reddit": "monitor.sources.reddit:RedditOptions",
    "x": "monitor.sources.x:XOptions",
    "mastodon": "monitor.sources.mastodon:MastodonOptions",
    "bluesky": "monitor.sources.bluesky:BlueskyOptions",
    "hackernews": "monitor.sources.hackernews:HackerNewsOptions",
    "rss": "monitor.sources.rss:RssOptions",
}
# The keys every channel has (ChannelSettings' own fields): not options of the source.
COMMON_KEYS = frozenset({"type", "name", "enabled", "interval_seconds", "down_after_minutes"})


def known_types() -> list[str]:
    """Every channel type a source module provides."""
    from monitor.sources import REGISTRY  # imported late: the sources import the settings

    return sorted(REGISTRY)


def options_model(channel_type: str) -> type[BaseModel] | None:
    """The options model of a channel type, or None when the type has none we know of."""
    from monitor.plugins import resolve

    target = OPTIONS_MODELS.get(channel_type)
    return resolve(target) if target else None


def channel_problems(channel: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """What is wrong with one channel's table: (location inside the channel, message) pairs."""
    channel_type = channel.get("type")
    if not isinstance(channel_type, str):
        return []  # pydantic reports a missing or non-text type itself
    types = known_types()
    if channel_type not in types:
        return [(("type",), f"unknown channel type {channel_type!r}; known: {', '.join(types)}")]
    model = options_model(channel_type)
    if model is None:
        return []
    options = {k: v for k, v in channel.items() if k not in COMMON_KEYS}
    try:
        model.model_validate(options)
    except ValidationError as exc:
        return [(tuple(error["loc"]), _message(error, model, options)) for error in exc.errors()]
    return []


def _message(error: Any, model: type[BaseModel], options: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        from monitor.config_secrets import secret_hint

        key = str(error["loc"][-1]) if error["loc"] else ""
        return secret_hint(model, key, options) or "unknown option for this channel type"
    return str(error["msg"])


def brand_channel_problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every channel problem of a parsed settings document, located from the top."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    brands = data.get("brands")
    if not isinstance(brands, list):
        return problems
    for b, brand in enumerate(brands):
        channels = brand.get("channels") if isinstance(brand, dict) else None
        if not isinstance(channels, list):
            continue
        for c, channel in enumerate(channels):
            if isinstance(channel, dict):
                for loc, message in channel_problems(channel):
                    problems.append((("brands", b, "channels", c, *loc), message))
    return problems
