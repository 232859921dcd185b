"""No gap after a burst: X, Bluesky and Hacker News read back over 2.5 pages that came at once.

Each source polls a local server serving the platform's feed as it stands at that poll
(tests/fakes/feeds.py): a first poll finds one post, a quiet poll finds none (the cursor must
survive it), then 25 posts arrive with a page size of 10. The next poll pages back until it
meets what it had, returns every one of them and moves the cursor to the newest; with a page
bound of 2 it returns the 20 newest and a Gap from the last post known to the oldest one read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from monitor.sources.base import PollResult, Source
from monitor.sources.bluesky import BlueskyOptions, BlueskySource, _Recorder
from monitor.sources.bluesky import build_client as bluesky_client
from monitor.sources.hackernews import HackerNewsOptions, HackerNewsSource
from monitor.sources.x import XOptions, XSource
from monitor.sources.x import build_client as x_client
from tests.fakes import feeds
from tests.fakes.clients import RewriteAdapter
from tests.fakes.feeds import Post, story
from tests.fakes.http_server import FakeServer, Recorded, serving

PAGE = 10
FIRST, QUIET, BURST = story(0, 0), story(0, 0), story(0, 25)  # the feed at each poll


@pytest.fixture(autouse=True)
def x_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEGOOD_X_BEARER_TOKEN", "test-bearer-token")


def x_source(server: FakeServer, max_pages: int) -> Source:
    options = XOptions(mentions=False, max_results=PAGE, max_pages=max_pages, timeout_seconds=2)
    client = x_client(options, "t:x:burst", adapter=RewriteAdapter(server.url))
    return XSource("t:x:burst", client, options, "kettlebird", {"kettlebird"})


def bluesky_source(server: FakeServer, max_pages: int) -> Source:
    options = BlueskyOptions(base_url=server.url, notifications=False, followers=False,
                             page_size=PAGE, max_pages=max_pages, timeout_seconds=2)  # fmt: skip
    recorder = _Recorder()
    client = bluesky_client(options, recorder)
    return BlueskySource("t:bluesky:burst", client, recorder, options, ["kettlebird"], "k", "pw")


def hackernews_source(server: FakeServer, max_pages: int) -> Source:
    options = HackerNewsOptions(base_url=server.url + "/api/v1", page_size=PAGE,
                                max_pages=max_pages, timeout_seconds=2)  # fmt: skip
    return HackerNewsSource("t:hackernews:burst", options, ["kettlebird"])


@dataclass(frozen=True)
class Platform:
    """How one platform is served and polled, and how its ids and cursor read."""

    serve: Callable[[FakeServer, list[Post], int], None]
    source: Callable[[FakeServer, int], Source]
    path: str
    post_id: Callable[[Post], str]
    sent_since: Callable[[Recorded], Any]  # what a request carried as "what I have seen"
    since_of: Callable[[Post], Any]  # what that is for a post
    cursor_at: Callable[[PollResult], Any]  # where the cursor stands after a poll
    cursor_of: Callable[[Post], Any]  # where it stands when that post is the newest read
    # The oldest post two pages reach: Algolia's next page repeats the oldest second read.
    two_pages_reach: int = 6


PLATFORMS = {
    "x": Platform(
        feeds.serve_x, x_source, feeds.X_SEARCH, lambda p: p.x_id,
        lambda r: r.query.get("since_id"), lambda p: p.x_id,
        lambda r: r.next_cursor["search"]["since_id"], lambda p: p.x_id,
    ),
    "bluesky": Platform(
        feeds.serve_bluesky, bluesky_source, feeds.BLUESKY_SEARCH, lambda p: p.bluesky_uri,
        lambda r: r.query.get("since"), lambda p: p.bluesky_at,
        lambda r: r.next_cursor["search:kettlebird"]["since"], lambda p: p.bluesky_at,
    ),
    "hackernews": Platform(
        feeds.serve_hackernews, hackernews_source, feeds.HN_SEARCH, lambda p: p.hn_id,
        lambda r: r.query.get("numericFilters", "").split(",")[0] or None,
        lambda p: f"created_at_i>={p.stamp}", lambda r: r.next_cursor["kettlebird"]["since"],
        lambda p: p.stamp, two_pages_reach=7,
    ),
}  # fmt: skip


def poll_stages(
    platform: Platform, max_pages: int
) -> tuple[list[PollResult], list[list[Recorded]]]:
    """Poll once per stage of the feed, the cursor carried over; each poll's requests."""
    results: list[PollResult] = []
    asked: list[list[Recorded]] = []
    cursor: dict[str, Any] = {}
    for posts in (FIRST, QUIET, BURST):
        with serving() as server:
            platform.serve(server, posts, PAGE)
            result = platform.source(server, max_pages).poll(cursor)
            asked.append(server.calls(platform.path))
        results.append(result)
        cursor = result.next_cursor
    return results, asked


@pytest.mark.parametrize("name", PLATFORMS)
def test_a_quiet_poll_then_two_and_a_half_pages_are_all_read(name: str) -> None:
    platform = PLATFORMS[name]
    (first, quiet, burst), (_, quiet_asked, burst_asked) = poll_stages(platform, max_pages=10)
    returned = [x.external_id for r in (first, quiet, burst) for x in r.mentions]
    assert returned == [platform.post_id(p) for p in story(0, 25)[::-1]]  # each once, in order
    assert quiet.mentions == [] and quiet.rejected == []
    # The quiet poll kept the cursor: the burst was asked for from the first post on.
    assert platform.cursor_at(quiet) == platform.cursor_at(first)
    assert {platform.sent_since(r) for r in quiet_asked + burst_asked} == {
        platform.since_of(Post(0))
    }
    assert len(burst_asked) == 3  # three pages, read back in the same poll
    assert platform.cursor_at(burst) == platform.cursor_of(Post(25))
    assert all(r.gaps == [] for r in (first, quiet, burst))


@pytest.mark.parametrize("name", PLATFORMS)
def test_the_page_bound_returns_the_newest_pages_and_a_gap(name: str) -> None:
    platform = PLATFORMS[name]
    (_, _, burst), (_, _, burst_asked) = poll_stages(platform, max_pages=2)
    reach = platform.two_pages_reach
    assert [x.external_id for x in burst.mentions] == [
        platform.post_id(p) for p in story(reach, 25)[::-1]
    ]
    assert len(burst_asked) == 2
    [gap] = burst.gaps
    assert (gap.since, gap.until) == (Post(0).at, Post(reach).at)  # the unread lie between
    assert "page bound of 2 pages" in gap.reason and "max_pages" in gap.reason
    # Algolia counts what matched (posts 1..6 were not read); X and Bluesky do not say.
    assert gap.missing == (reach - 1 if name == "hackernews" else None)
    # The cursor moved to the newest post: the next poll starts from there, not from the gap.
    again, _ = poll_stages_from(platform, burst)
    assert again.mentions == [] and again.gaps == []
    assert platform.cursor_at(again) == platform.cursor_at(burst) == platform.cursor_of(Post(25))


def poll_stages_from(platform: Platform, previous: PollResult) -> tuple[PollResult, list[Any]]:
    """One more poll of the burst's feed from `previous`'s cursor."""
    with serving() as server:
        platform.serve(server, BURST, PAGE)
        result = platform.source(server, 10).poll(previous.next_cursor)
        return result, server.calls(platform.path)
