"""The platform records: each platform's facts, its URL builders, and the unknown-name error."""

from __future__ import annotations

import pytest

from monitor import mention
from monitor.platforms import PLATFORMS, Platform, UnknownPlatform, platform

# name, display, limit, unit, public reply, read only
FACTS = [
    ("reddit", "Reddit", 10_000, "characters", True, False),
    ("x", "X", 280, "weighted characters", True, False),
    ("mastodon", "Mastodon", 500, "characters", True, False),
    ("bluesky", "Bluesky", 300, "graphemes", True, False),
    ("hackernews", "Hacker News", 0, "characters", False, True),
    ("rss", "RSS", 0, "characters", False, True),
    ("replay", "Replay", 0, "characters", True, True),
]


@pytest.mark.parametrize(("name", "display", "limit", "unit", "public", "read_only"), FACTS)
def test_each_platform_has_its_facts(
    name: str, display: str, limit: int, unit: str, public: bool, read_only: bool
) -> None:
    record = platform(name)
    assert isinstance(record, Platform) and record.name == name
    assert record.display == display
    assert (record.length.limit, record.length.unit) == (limit, unit)
    assert (record.public_reply, record.read_only, record.dm) == (public, read_only, True)


def test_every_platform_a_mention_can_have_has_a_record() -> None:
    assert tuple(PLATFORMS) == mention.PLATFORMS


# name, how many characters "héllo 👋 https://example.com/a/long/path" counts
COUNTS = [
    ("reddit", 39),
    ("x", 32),  # 7 + 2 for the emoji + 23 for the link
    ("mastodon", 31),  # the link counts 23
    ("bluesky", 39),
    ("hackernews", 39),
]


@pytest.mark.parametrize(("name", "count"), COUNTS)
def test_each_platform_counts_the_way_it_does(name: str, count: int) -> None:
    text = "héllo 👋 https://example.com/a/long/path"
    assert platform(name).length.count(text) == count


# name, post reference, author, post link
POSTS = [
    (
        "reddit",
        "/r/kettles/comments/abc/t/d1/",
        "",
        "https://www.reddit.com/r/kettles/comments/abc/t/d1/",
    ),
    (
        "reddit",
        "https://www.reddit.com/r/k/comments/abc/",
        "",
        "https://www.reddit.com/r/k/comments/abc/",
    ),
    ("x", "1790", "kettlebird", "https://x.com/kettlebird/status/1790"),
    ("x", "1790", "", "https://x.com/i/web/status/1790"),
    (
        "bluesky",
        "at://did:plc:ann/app.bsky.feed.post/3lk",
        "ann.example.social",
        "https://bsky.app/profile/ann.example.social/post/3lk",
    ),
    (
        "bluesky",
        "at://did:plc:ann/app.bsky.feed.post/3lk",
        "",
        "https://bsky.app/profile/did:plc:ann/post/3lk",
    ),
    ("bluesky", "at://did:plc:ann/app.bsky.actor.profile", "", ""),  # not a post URI
    ("hackernews", "4242", "pg", "https://news.ycombinator.com/item?id=4242"),
    ("mastodon", "1101", "ann@example.social", ""),  # the server hands out the link
    ("rss", "guid-1", "", ""),
    ("replay", "1", "", ""),
]


@pytest.mark.parametrize(("name", "ref", "author", "url"), POSTS)
def test_post_links(name: str, ref: str, author: str, url: str) -> None:
    assert platform(name).link(ref, author) == url


# name, author, profile link
PROFILES = [
    ("reddit", "ann", "https://www.reddit.com/user/ann"),
    ("x", "kettlebird", "https://x.com/kettlebird"),
    ("mastodon", "ann@example.social", "https://example.social/@ann"),
    ("mastodon", "@ann@example.social", "https://example.social/@ann"),
    ("mastodon", "ann", ""),  # a local account: its instance is not in the name
    ("bluesky", "ann.example.social", "https://bsky.app/profile/ann.example.social"),
    ("hackernews", "pg", "https://news.ycombinator.com/user?id=pg"),
    ("rss", "ann", ""),
    ("x", "", ""),
]


@pytest.mark.parametrize(("name", "author", "url"), PROFILES)
def test_profile_links(name: str, author: str, url: str) -> None:
    assert platform(name).profile(author) == url


# name, a pasted link to a reply, the post id read from it ("" when the platform has no shape)
PASTED = [
    ("reddit", "https://www.reddit.com/r/kettles/comments/4b1tfm/_/d9zz001/", "d9zz001"),
    ("x", "https://x.com/kettlebird/status/1790000000000000001", "1790000000000000001"),
    ("mastodon", "https://example.social/@kettlebird/1101", "1101"),
    ("bluesky", "https://bsky.app/profile/k.example/post/3lreply", "3lreply"),
    ("hackernews", "https://news.ycombinator.com/item?id=4242", "4242"),
]


@pytest.mark.parametrize(("name", "url", "post_id"), PASTED)
def test_post_ids_are_read_from_pasted_links(name: str, url: str, post_id: str) -> None:
    pattern = platform(name).post_id_pattern
    assert pattern is not None
    match = pattern.search(url)
    assert match is not None and match.group(1) == post_id


# name, page max, lookup batch, wait after a bare 429, remaining header, reset header
RATES = [
    ("reddit", 100, 100, 60.0, "x-ratelimit-remaining", "x-ratelimit-reset"),
    ("x", 100, 100, 900.0, "x-rate-limit-remaining", "x-rate-limit-reset"),
    ("mastodon", 40, 1, 300.0, "x-ratelimit-remaining", "x-ratelimit-reset"),
    ("bluesky", 100, 25, 300.0, "ratelimit-remaining", "ratelimit-reset"),
    ("hackernews", 1000, 1, 60.0, "", ""),
    ("rss", 0, 0, 60.0, "", ""),
]


@pytest.mark.parametrize(("name", "page", "batch", "wait", "remaining", "reset"), RATES)
def test_rate_facts(
    name: str, page: int, batch: int, wait: float, remaining: str, reset: str
) -> None:
    rates = platform(name).rates
    assert (rates.page_max, rates.lookup_batch, rates.wait_seconds) == (page, batch, wait)
    assert (rates.remaining_header, rates.reset_header) == (remaining, reset)


@pytest.mark.parametrize("name", ["", "twitter", "Reddit", "manual"])
def test_an_unknown_platform_is_a_clear_error(name: str) -> None:
    with pytest.raises(UnknownPlatform) as caught:
        platform(name)
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == (
        f"unknown platform {name!r}; known: reddit, x, mastodon, bluesky, hackernews, rss, replay"
    )


def test_records_are_frozen() -> None:
    with pytest.raises(AttributeError):
        platform("x").display = "Twitter"  # type: ignore[misc]
