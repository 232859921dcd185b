"""Every source's item normalizer is total: for any item, a Mention or a Rejected, never a raise.

Hypothesis feeds each platform's `to_mention` a plausible item with any field replaced by any
JSON-like value (tests/fakes/hostile.py), or anything at all. A Mention must then also pass
`monitor.ingest.normalize.normalized` (to a Mention or a Rejected); a Rejected carries text.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from monitor.ingest.normalize import normalized
from monitor.mention import Mention
from monitor.records import jsonl_row, mention_from_row
from monitor.sources import _bluesky_posts, hackernews, mastodon, reddit, rss, x
from monitor.sources.base import Rejected
from tests.fakes.hostile import JSON, PROPERTY, item, jsonl_line

TWEET = {"id": "1790000000000000003", "text": "@kettlebird my kettle leaks", "author_id": "504",
         "created_at": "2026-05-02T10:00:00.000Z", "public_metrics": {"like_count": 3},
         "referenced_tweets": [{"type": "replied_to", "id": "1"}], "lang": "en"}  # fmt: skip
USER = {"id": "504", "username": "ann_brews", "public_metrics": {"followers_count": 10}}
POST = {"uri": "at://did:plc:a/app.bsky.feed.post/3l1", "cid": "bafy1",
        "author": {"did": "did:plc:a", "handle": "ann.example"}, "indexedAt": "2026-05-02T10:00Z",
        "record": {"text": "kettlebird broke", "createdAt": "2026-05-02T10:00:00Z",
                   "reply": {"parent": {"uri": "at://p", "cid": "c"}}}}  # fmt: skip
STATUS = {"id": "1", "content": "<p>kettlebird</p>", "account": {"id": "7", "acct": "ann"},
          "created_at": "2026-05-02T10:00:00Z", "favourites_count": 1}  # fmt: skip
HIT = {"objectID": "40000001", "created_at_i": 1777716060, "author": "kim",
       "comment_text": "kettlebird <i>down</i>", "points": 5}  # fmt: skip
ENTRY = {
    "id": "urn:1",
    "title": "Kettlebird recall",
    "summary": "it leaks",
    "link": "https://example.org/1",
    "published_parsed": (2026, 5, 2, 10, 0, 0, 5, 122, 0),
}
REDDIT = {"name": "t1_abc", "body": "kettlebird lost my order", "author": "ann",
          "created_utc": 1777716060.0, "score": 3, "permalink": "/r/x/comments/1/"}  # fmt: skip


def total(result: Any) -> None:
    """The normalizer's answer is a value, and a Mention survives the storage step too."""
    assert isinstance(result, Mention | Rejected), result
    if isinstance(result, Rejected):
        assert isinstance(result.location, str) and isinstance(result.error, str)
        assert isinstance(result.raw, str) and result.error
        return
    assert isinstance(normalized(result), Mention | Rejected)


@PROPERTY
@given(item(TWEET), item(USER), st.booleans())
def test_x(tweet: Any, user: Any, addressed: bool) -> None:
    users = {"504": user} if isinstance(user, dict) else {}
    total(x.to_mention(tweet, users, {"1": user}, {"kettlebird"}, "900", addressed))


@PROPERTY
@given(item(POST), st.dictionaries(st.text(max_size=5), JSON, max_size=3), item({"reason": "x"}))
def test_bluesky(post: Any, followers: Any, notification: Any) -> None:
    total(_bluesky_posts.to_mention(post, followers, notification))


@PROPERTY
@given(item(STATUS), item({"id": "n1", "type": "mention"}) | st.none())
def test_mastodon(status: Any, notification: Any) -> None:
    total(mastodon.to_mention(status, notification))


@PROPERTY
@given(item(HIT))
def test_hackernews(hit: Any) -> None:
    total(hackernews.to_mention(hit))


@PROPERTY
@given(item(ENTRY))
def test_rss(entry: Any) -> None:
    total(rss.to_mention(entry, "https://example.org/feed.xml"))


@PROPERTY
@given(item(REDDIT))
def test_reddit(data: Any) -> None:
    # praw keeps an item's fields as instance attributes; anything else is not an item at all.
    thing = (
        SimpleNamespace(**{str(k): v for k, v in data.items()}) if isinstance(data, dict) else data
    )
    total(reddit.to_mention(thing))


@PROPERTY
@given(jsonl_line(), st.integers(min_value=1, max_value=10**6))
def test_replay(line: bytes, number: int) -> None:
    total(mention_from_row(jsonl_row(Path("stream.jsonl"), number, line)))
