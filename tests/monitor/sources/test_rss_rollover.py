"""RSS cannot page back: a feed whose entries are all new and all later than the last is a gap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from monitor.sources.rss import RssOptions, RssSource
from tests.fakes.burst_feeds import START, LiveServer, RssFeed

SEEN = ["https://blog.example/elsewhere"]  # a guid no longer in the feed


@pytest.mark.parametrize(
    ("cursor", "gap_since"),
    [
        ({}, "no gap"),  # the first poll: a starting point, not a gap
        ({"seen": SEEN, "newest_at": START.isoformat()}, START),
        ({"seen": SEEN}, None),  # a cursor from before newest_at was kept: since unknown
        ({"seen": SEEN, "newest_at": (START + timedelta(seconds=5)).isoformat()}, "no gap"),
        ({"seen": SEEN, "newest_at": "yesterday-ish"}, None),  # unreadable: unknown
    ],
    ids=["first poll", "rolled over", "old cursor", "reaches back", "unreadable newest_at"],
)
def test_a_rolled_over_feed_reports_a_gap_from_the_newest_time_seen(
    cursor: dict[str, Any], gap_since: Any
) -> None:
    feed = RssFeed(keep=5)
    with LiveServer() as server:
        feed.install(server)
        feed.publish(5)  # entries 1..5, at START + 1..5 s
        result = RssSource("t:rss:blog", RssOptions(url=server.url + feed.path)).poll(cursor)
    assert len(result.mentions) == 5
    assert result.next_cursor["newest_at"] == (START + timedelta(seconds=5)).isoformat()
    if gap_since == "no gap":
        assert result.gaps == []
        return
    [gap] = result.gaps
    assert gap.since == gap_since and gap.until == START + timedelta(seconds=1)
    assert gap.missing is None and "cannot be paged back" in gap.reason
