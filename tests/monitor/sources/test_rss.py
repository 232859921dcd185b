"""RSS/Atom poller: feeds served from 127.0.0.1 with ETag/Last-Modified (feeds written by us)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.sources.base import SourceError
from monitor.sources.rss import RssOptions, RssSource
from tests.fakes.http_server import Reply, serving

PAYLOADS = Path(__file__).resolve().parents[2] / "fakes" / "payloads"
VALIDATORS = {"ETag": '"v1"', "Last-Modified": "Sat, 02 May 2026 10:00:00 GMT"}


def feed(name: str) -> Reply:
    body = (PAYLOADS / name).read_bytes()
    return Reply(200, body, {"content-type": "application/rss+xml", **VALIDATORS})


def test_rss_entries_then_304_costs_nothing_and_keeps_the_cursor() -> None:
    with serving() as server:
        server.add("GET", "/feed", [feed("feed.rss"), Reply(304)])
        source = RssSource("t:rss:reviews", RssOptions(url=server.url + "/feed"))
        first = source.poll({})
        second = source.poll(first.next_cursor)
        conditional = server.requests[1].headers
    assert [x.external_id for x in first.mentions] == ["rev-1", "rev-2"]  # oldest first
    leak = first.mentions[1]
    assert leak.text.startswith("Kettlebird Mk2 review") and leak.url.endswith("kettlebird-mk2")
    assert (
        leak.created_at is not None and leak.created_at.isoformat() == "2026-05-02T10:00:00+00:00"
    )
    assert first.next_cursor["etag"] == '"v1"' and first.next_cursor["seen"] == ["rev-1", "rev-2"]
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == VALIDATORS["Last-Modified"]
    assert second.mentions == [] and second.next_cursor == first.next_cursor


def test_a_changed_feed_yields_only_new_entries() -> None:
    with serving() as server:
        server.add("GET", "/feed", [feed("feed.rss")])
        source = RssSource("t:rss:reviews", RssOptions(url=server.url + "/feed"))
        cursor = {"etag": '"v0"', "modified": "", "seen": ["rev-1"]}
        result = source.poll(cursor)
    assert [x.external_id for x in result.mentions] == ["rev-2"]


def test_atom_feeds_work_too() -> None:
    with serving() as server:
        server.add("GET", "/atom", [feed("feed.atom")])
        [entry] = RssSource("t:rss:a", RssOptions(url=server.url + "/atom")).poll({}).mentions
    assert entry.author == "Rowan" and entry.text.startswith("Why I cancelled")


def test_a_page_that_is_not_a_feed_is_quarantined() -> None:
    with serving() as server:
        server.add("GET", "/feed", Reply(200, b"\x00\x01 not xml", {"content-type": "text/html"}))
        with pytest.raises(SourceError, match="not a feed") as caught:
            RssSource("t:rss:x", RssOptions(url=server.url + "/feed")).poll({})
    assert caught.value.rejected[0].raw.endswith("not xml")
