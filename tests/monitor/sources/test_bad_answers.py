"""Bad platform answers become recorded channel failures with a clear message, never tracebacks.

Each source polls a local server through the real Pipeline; the answer is an HTML page with 200,
an empty body, JSON cut off, a cut connection, the wrong shape, an error object with 200, or a
429 with an odd Retry-After. The channel row records the failure, the words, and a back-off
within monitor.retry.MAX_WAIT_SECONDS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.retry import MAX_WAIT_SECONDS
from monitor.sources import build_source
from monitor.sources.x import XSource
from tests.fakes import bad_answers as bad
from tests.fakes.atproto import create_session
from tests.fakes.clients import RewriteAdapter
from tests.fakes.http_server import FakeServer, Reply, serving
from tests.fakes.pipeline import brand_and_channel, catch_all_settings, channel_row

LISTING = {"kind": "Listing", "data": {"children": [], "after": None, "before": None}}
TOKEN = {"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"}


def reddit(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add_json("POST", "/api/v1/access_token", TOKEN)
    server.add("GET", "/r/all/comments", reply)
    return {"type": "reddit", "search": False, "inbox": False, "oauth_url": server.url,
            "reddit_url": server.url, "timeout_seconds": 2}  # fmt: skip


def reddit_token(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add("POST", "/api/v1/access_token", reply)
    return {"type": "reddit", "search": False, "inbox": False, "oauth_url": server.url,
            "reddit_url": server.url, "timeout_seconds": 2}  # fmt: skip


def hackernews(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add("GET", "/search_by_date", reply)
    return {"type": "hackernews", "base_url": server.url, "queries": ["kettlebird"]}


def rss(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add("GET", "/feed.xml", reply)
    return {"type": "rss", "url": f"{server.url}/feed.xml"}


def mastodon(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add("GET", "/api/v1/timelines/tag/kettlebird", reply)
    return {"type": "mastodon", "api_base_url": server.url, "hashtags": ["kettlebird"],
            "search": False, "notifications": False, "timeout_seconds": 2}  # fmt: skip


def x(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add("GET", "/2/tweets/search/recent", reply)
    return {"type": "x", "mentions": False, "max_results": 10, "timeout_seconds": 2}


def bluesky(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add_json("POST", "/xrpc/com.atproto.server.createSession", create_session())
    server.add("GET", "/xrpc/app.bsky.feed.searchPosts", reply)
    return {"type": "bluesky", "base_url": server.url, "notifications": False,
            "followers": False, "queries": ["kettlebird"], "timeout_seconds": 2}  # fmt: skip


def bluesky_login(server: FakeServer, reply: Reply) -> dict[str, Any]:
    server.add("POST", "/xrpc/com.atproto.server.createSession", reply)
    return {"type": "bluesky", "base_url": server.url, "notifications": False,
            "followers": False, "queries": ["kettlebird"], "timeout_seconds": 2}  # fmt: skip


SOURCES: dict[str, Callable[[FakeServer, Reply], dict[str, Any]]] = {
    "reddit": reddit, "reddit-token": reddit_token, "hackernews": hackernews, "rss": rss,
    "mastodon": mastodon, "x": x, "bluesky": bluesky, "bluesky-login": bluesky_login,
}  # fmt: skip

ANSWERS: dict[str, tuple[Callable[[], Reply], str]] = {
    "html-200": (bad.html_page, "answered an HTML page (status 200)"),
    "html-as-json": (bad.html_as_json, "answered an HTML page (status 200)"),
    "empty-200": (bad.empty_body, "an empty body"),
    "json-cut": (lambda: bad.cut_json({"hits": [{"objectID": "1"}] * 20}), "cut off"),
    "connection-cut": (lambda: bad.cut_connection({"hits": []}), "closed in the middle of"),
}
# RSS reads XML: a cut JSON body there is simply "not a feed".
EXPECTED = {("rss", "json-cut"): "not a feed"}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_ID", "id")
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_SECRET", "secret")
    monkeypatch.delenv("MAKEGOOD_REDDIT_USERNAME", raising=False)
    monkeypatch.delenv("MAKEGOOD_MASTODON_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("MAKEGOOD_X_BEARER_TOKEN", "bearer")
    monkeypatch.setenv("MAKEGOOD_BLUESKY_HANDLE", "kettlebird.example")
    monkeypatch.setenv("MAKEGOOD_BLUESKY_APP_PASSWORD", "app-pass-word")


def poll_twice(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], channel: dict[str, Any],
    server: FakeServer,
) -> tuple[list[str], Any]:  # fmt: skip
    settings = catch_all_settings(db_url, tmp_path, [channel])
    brand, channel_settings = brand_and_channel(settings)
    source = build_source(brand, channel_settings)
    if isinstance(source, XSource):  # tweepy's host is fixed: send its requests to the server
        source.client.session.mount("https://", RewriteAdapter(server.url))
    pipeline = Pipeline(settings, factory)
    errors = [pipeline.poll_channel(brand, channel_settings, source, force=True).error
              for _ in (1, 2)]  # fmt: skip
    return errors, channel_row(factory, source.name)


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("platform", SOURCES)
def test_a_bad_answer_is_a_recorded_failure_with_its_words(
    platform: str, answer: str, env: None, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    builder, words = ANSWERS[answer]
    words = EXPECTED.get((platform, answer), words)
    with serving() as server:
        errors, row = poll_twice(
            db_url, tmp_path, factory, SOURCES[platform](server, builder()), server
        )
    assert all(words in e for e in errors), errors
    assert row.consecutive_failures == 2 and words in row.last_error
    assert "Traceback" not in row.last_error
    assert row.next_poll_after - row.last_failure_at <= timedelta(seconds=MAX_WAIT_SECONDS)


WRONG_SHAPES = [
    ("reddit", bad.wrong_shape, "answered a list, not a Listing"),
    ("reddit", bad.error_object, "answered a dict, not a Listing"),
    ("hackernews", bad.wrong_shape, "no 'hits' list"),
    ("hackernews", bad.error_object, "no 'hits' list"),
    ("mastodon", bad.error_object, "answered an error with status 200: InternalError"),
    ("x", bad.wrong_shape, "answered a JSON list, not an object"),
    ("x", bad.error_object, "answered an error with status 200: InternalError"),
    ("bluesky", bad.wrong_shape, "no 'posts' list"),
    ("bluesky", bad.error_object, "no 'posts' list"),
]


@pytest.mark.parametrize(("platform", "builder", "words"), WRONG_SHAPES)
def test_json_of_the_wrong_shape_is_a_recorded_failure(
    platform: str, builder: Callable[[], Reply], words: str, env: None, db_url: str,
    tmp_path: Path, factory: sessionmaker[Session],
) -> None:  # fmt: skip
    with serving() as server:
        errors, row = poll_twice(
            db_url, tmp_path, factory, SOURCES[platform](server, builder()), server
        )
    assert all(words in e for e in errors), errors
    assert row.consecutive_failures == 2


@pytest.mark.parametrize("value", bad.ODD_RETRY_AFTER.values(), ids=list(bad.ODD_RETRY_AFTER))
@pytest.mark.parametrize("platform", ["reddit", "hackernews", "mastodon", "x", "bluesky"])
def test_an_odd_retry_after_backs_off_within_the_maximum(
    platform: str, value: str, env: None, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    with serving() as server:
        errors, row = poll_twice(
            db_url, tmp_path, factory, SOURCES[platform](server, bad.retry_after(value)), server
        )
    assert all("rate limited (429)" in e for e in errors), errors
    wait = row.next_poll_after - row.last_failure_at
    assert timedelta(0) < wait <= timedelta(seconds=MAX_WAIT_SECONDS)
