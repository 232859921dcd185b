"""The demo week's plan: its seed and span, how many posts of each kind, and where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SEED = 20261120
END = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
START = END - timedelta(days=7)

# How many posts of each kind (about 400 in all).
MIX = {
    "praise": 98,
    "question": 60,
    "mild": 89,  # plus the 3 complaints that are later won back
    "severe": 38,
    "sarcasm": 8,
    "spam": 32,
    "foreign": 28,
    "pub": 7,
    "noise": 7,
    "burst": 26,
}

PLATFORM_WEIGHTS = {
    "praise": {"x": 35, "reddit": 20, "bluesky": 18, "mastodon": 15, "rss": 7, "hackernews": 5},
    "question": {"reddit": 35, "x": 35, "bluesky": 12, "mastodon": 12, "hackernews": 6},
    "mild": {"x": 45, "reddit": 22, "bluesky": 13, "mastodon": 12, "hackernews": 8},
    "severe": {"x": 40, "reddit": 25, "bluesky": 10, "mastodon": 8, "hackernews": 9, "rss": 8},
    "sarcasm": {"x": 50, "reddit": 25, "bluesky": 25},
    "spam": {"x": 50, "bluesky": 20, "mastodon": 10, "reddit": 10, "rss": 10},
    "foreign": {"x": 45, "mastodon": 20, "bluesky": 18, "reddit": 17},
    "pub": {"x": 35, "reddit": 25, "mastodon": 20, "rss": 20},
    "noise": {"reddit": 40, "x": 25, "mastodon": 20, "hackernews": 15},
    "burst": {"x": 60, "reddit": 15, "bluesky": 15, "mastodon": 10},
}
