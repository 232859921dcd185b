"""Reddit poller: real praw against recorded Reddit traffic replayed on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.ingest.sweep import poll_all
from monitor.sources import build_source
from monitor.sources.base import SourceError
from monitor.sources.reddit import RedditOptions, RedditSource, build_reddit
from monitor.storage import models as m
from tests.fakes.cassettes import load
from tests.fakes.clients import praw_reddit
from tests.fakes.http_server import (
    FakeServer,
    json_reply,
    malformed_json,
    server_error,
    serving,
    slow,
    too_many_requests,
    truncated,
)
from tests.fakes.pipeline import brand_and_channel, catch_all_settings, channel_row, stored_ids

STREAM_POLLS = 21  # the cassette holds 21 listing requests after the token request


@pytest.fixture
def reddit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_ID", "test-id")
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_SECRET", "test-secret")
    monkeypatch.delenv("MAKEGOOD_REDDIT_USERNAME", raising=False)
    monkeypatch.delenv("MAKEGOOD_REDDIT_PASSWORD", raising=False)


@pytest.fixture
def stream_server(shared_data: Path) -> Iterator[FakeServer]:
    with serving() as server:
        server.add_entries(
            load(shared_data / "praw_cassettes/TestSubredditStreams.test_comments.json")
        )
        yield server


def stream_channel(server: FakeServer, **extra: Any) -> dict[str, Any]:
    return {
        "type": "reddit",
        "name": "stream",
        "search": False,
        "inbox": False,
        "oauth_url": server.url,
        "reddit_url": server.url,
        **extra,
    }


def praw_stream_reference(server: FakeServer, polls: int) -> list[str]:
    """What praw's own comment stream yields over the same recording (the reference)."""
    reddit = praw_reddit(server)
    got: list[str] = []
    # pause_after=0: praw yields None after a response with nothing new instead of sleeping.
    for item in reddit.subreddit("all").stream.comments(pause_after=0):
        if len(server.calls("/r/all/comments")) > polls:
            break  # praw asked for a page past the recording: stop before its items
        if item is not None:
            got.append(item.fullname)
    return got


def test_stream_ingests_every_item_once_in_order_with_no_page_fetched_twice(
    reddit_env: None, stream_server: FakeServer, shared_data: Path, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    settings = catch_all_settings(db_url, tmp_path, [stream_channel(stream_server)])
    brand, channel = brand_and_channel(settings)
    source = build_source(brand, channel)
    delivered: list[str] = []
    poll = source.poll

    def recording_poll(cursor: dict[str, Any]) -> Any:
        result = poll(cursor)
        delivered.extend(x.external_id for x in result.mentions)
        return result

    source.poll = recording_poll  # type: ignore[method-assign]
    pipeline = Pipeline(settings, factory)
    for _ in range(STREAM_POLLS):
        report = pipeline.poll_channel(brand, channel, source, force=True)
        assert report.error == ""

    listing = [r for r in stream_server.requests if r.path.startswith("/r/all/comments")]
    recorded = [
        e.query
        for e in load(shared_data / "praw_cassettes/TestSubredditStreams.test_comments.json")
    ][1:]
    assert [r.query for r in listing] == recorded  # the recorded requests, once each, in order

    with serving() as reference_server:
        reference_server.add_entries(
            load(shared_data / "praw_cassettes/TestSubredditStreams.test_comments.json")
        )
        expected = praw_stream_reference(reference_server, STREAM_POLLS)
    assert delivered == expected  # exactly what praw's own stream yields, in the same order
    ids = stored_ids(factory, "reddit")
    assert len(ids) == len(set(ids)) == 417 and set(ids) == set(expected)
    row = channel_row(factory, source.name)
    assert row.api_calls == STREAM_POLLS + 1  # 20 listings + 1 token
    assert row.mentions_ingested == 417


@pytest.mark.parametrize("crash_at", [0, 4, 15])
def test_a_crash_between_fetch_and_commit_loses_and_duplicates_nothing(
    crash_at: int, reddit_env: None, stream_server: FakeServer, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    settings = catch_all_settings(db_url, tmp_path, [stream_channel(stream_server)])
    brand, channel = brand_and_channel(settings)

    class Killed(Exception):
        pass

    crashing = Pipeline(settings, factory)
    original = crashing.store_page
    polls = {"n": 0}

    def store_then_die(*args: Any, **kwargs: Any) -> Any:
        if polls["n"] == crash_at:
            raise Killed  # the process dies after the fetch, before the commit
        polls["n"] += 1
        return original(*args, **kwargs)

    crashing.store_page = store_then_die  # type: ignore[method-assign]
    source = build_source(brand, channel)
    with pytest.raises(Killed):
        for _ in range(STREAM_POLLS):
            crashing.poll_channel(brand, channel, source, force=True)

    # A new process: new pipeline, new source, the cursor from the database.
    restarted = Pipeline(settings, factory)
    source = build_source(brand, channel)
    for _ in range(STREAM_POLLS - crash_at):
        assert restarted.poll_channel(brand, channel, source, force=True).error == ""
    ids = stored_ids(factory, "reddit")
    assert len(ids) == len(set(ids)) == 417


def test_search_reads_recorded_search_results(reddit_env: None, shared_data: Path) -> None:
    with serving() as server:
        server.add_entries(
            load(shared_data / "praw_cassettes/TestSubreddit.test_search.json"), match_query=False
        )
        options = RedditOptions(
            comments=False, inbox=False, oauth_url=server.url, reddit_url=server.url
        )
        source = RedditSource(
            "t:reddit:s", build_reddit(options, "t:reddit:s"), options, ["praw oauth search"]
        )
        result = source.poll({})
        search = server.calls("/r/all/search")
    assert len(search) == 1
    assert search[0].query["q"] == "praw oauth search" and search[0].query["sort"] == "new"
    assert [x.external_id[:3] for x in result.mentions] == ["t3_"] * 6
    first = result.mentions[-1]  # oldest first: the listing's first item comes last
    assert first.external_id == "t3_3gpbiu"
    assert first.url.startswith("https://www.reddit.com/r/") and first.text
    assert first.created_at is not None and first.raw["name"] == "t3_3gpbiu"
    assert result.rejected == []
    key = "search:all:praw oauth search"
    assert result.next_cursor["feeds"][key]["before"] == "t3_3gpbiu"


def test_inbox_mentions_need_the_account_and_use_it(
    reddit_env: None, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette = load(shared_data / "praw_cassettes/TestInbox.test_mentions.json")
    with serving() as server:
        server.add_entries(cassette, match_query=False)
        options = RedditOptions(
            comments=False, search=False, oauth_url=server.url, reddit_url=server.url
        )
        without_user = RedditSource("t:reddit:i", build_reddit(options, "t:reddit:i"), options, [])
        assert without_user.feeds() == []  # no account: no inbox feed, and no request

        monkeypatch.setenv("MAKEGOOD_REDDIT_USERNAME", "kettlebird")
        monkeypatch.setenv("MAKEGOOD_REDDIT_PASSWORD", "hunter2")
        source = RedditSource("t:reddit:i", build_reddit(options, "t:reddit:i"), options, [])
        result = source.poll({})
        token = server.calls("/api/v1/access_token")[0].form()
    assert token["grant_type"] == "password" and token["username"] == "kettlebird"
    assert len(result.mentions) == 16
    assert all(x.external_id.startswith("t1_") and x.parent_id for x in result.mentions)
    # The recorded response said 9324 requests remain: far from the reserve, no waiting.
    assert source.tracker.remaining == 9324 and result.retry_after is None


def test_missing_credentials_name_the_variable_and_other_channels_keep_working(
    monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    monkeypatch.delenv("MAKEGOOD_REDDIT_CLIENT_ID", raising=False)
    stream = tmp_path / "stream.jsonl"
    stream.write_text('{"id": "1", "author": "ann", "text": "hello there"}\n', encoding="utf-8")
    settings = catch_all_settings(
        db_url,
        tmp_path,
        [{"type": "reddit"}, {"type": "replay", "name": "file", "path": str(stream)}],
    )
    brand, channel = brand_and_channel(settings)
    with pytest.raises(SourceError) as caught:
        build_source(brand, channel)
    assert str(caught.value) == "Streamtest:reddit:default: MAKEGOOD_REDDIT_CLIENT_ID is not set"
    assert caught.value.permanent

    reports = poll_all(settings, Pipeline(settings, factory), drain=False, max_pages=1)
    by_channel = {r.channel: r for r in reports}
    assert "MAKEGOOD_REDDIT_CLIENT_ID is not set" in by_channel["Streamtest:reddit:default"].error
    assert by_channel["Streamtest:replay:file"].new == 1


def test_an_unknown_option_is_named(reddit_env: None, db_url: str, tmp_path: Path) -> None:
    settings = catch_all_settings(db_url, tmp_path, [{"type": "reddit", "subredits": ["x"]}])
    with pytest.raises(SourceError, match=r"Streamtest:reddit:default: option 'subredits'"):
        build_source(*brand_and_channel(settings))


FAULTS = [
    pytest.param(too_many_requests(retry_after=120), 120, "429", id="429-retry-after"),
    pytest.param(server_error(503), None, "503", id="503"),
    pytest.param(slow(3), None, "ReadTimeout", id="timeout"),
    pytest.param(malformed_json(), None, "malformed JSON", id="malformed-json"),
    pytest.param(truncated(), None, "request failed", id="truncated-body"),
]


@pytest.mark.parametrize(("fault", "wait_at_least", "error"), FAULTS)
def test_faults_are_recorded_backed_off_and_recovered_from(
    fault: Any, wait_at_least: float | None, error: str, reddit_env: None,
    stream_server: FakeServer, db_url: str, tmp_path: Path, factory: sessionmaker[Session],
) -> None:  # fmt: skip
    settings = catch_all_settings(
        db_url, tmp_path, [stream_channel(stream_server, timeout_seconds=0.5)]
    )
    brand, channel = brand_and_channel(settings)
    source = build_source(brand, channel)
    pipeline = Pipeline(settings, factory)
    pipeline.poll_channel(brand, channel, source, force=True)  # token + first page
    stream_server.fault(fault, times=2, path="/r/all/comments/")

    for attempt in (1, 2):
        report = pipeline.poll_channel(brand, channel, source, force=True)
        assert error in report.error
        row = channel_row(factory, source.name)
        assert row.consecutive_failures == attempt and error in row.last_error
        assert row.down_since is not None and row.next_poll_after is not None
        if wait_at_least is not None:
            assert row.next_poll_after - row.last_failure_at >= timedelta(seconds=wait_at_least)
    # Not due yet: a scheduled poll is skipped while backing off.
    assert pipeline.poll_channel(brand, channel, source).skipped.startswith("backing off")

    with factory() as session:
        quarantined = session.scalars(select(m.Quarantine)).all()
    if "malformed" in error:
        assert len(quarantined) == 2 and quarantined[0].raw.startswith('{"data": [ {"id": oops')
        assert quarantined[0].location.endswith(
            "/r/all/comments/?before=t1_dbhn11d&limit=100&raw_json=1"
        ) or ("/r/all/comments" in quarantined[0].location)
    else:
        assert quarantined == []

    for _ in range(STREAM_POLLS - 1):  # recovered: the rest of the stream arrives, nothing twice
        assert pipeline.poll_channel(brand, channel, source, force=True).error == ""
    row = channel_row(factory, source.name)
    assert row.consecutive_failures == 0 and row.down_since is None and row.last_error == ""
    ids = stored_ids(factory, "reddit")
    assert len(ids) == len(set(ids)) == 417


def test_a_nearly_spent_rate_limit_window_defers_the_rest(
    reddit_env: None, shared_data: Path
) -> None:
    with serving() as server:
        server.add_json(
            "POST",
            "/api/v1/access_token",
            {"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"},
        )
        listing = {"kind": "Listing", "data": {"children": [], "after": None, "before": None}}
        server.add(
            "GET",
            "/r/all/comments",
            json_reply(
                listing,
                headers={
                    "x-ratelimit-remaining": "2",
                    "x-ratelimit-used": "98",
                    "x-ratelimit-reset": "42",
                },
            ),
        )
        server.add("GET", "/r/all/search", json_reply(listing))
        options = RedditOptions(oauth_url=server.url, reddit_url=server.url, min_remaining=5)
        source = RedditSource(
            "t:reddit:r", build_reddit(options, "t:reddit:r"), options, ["kettlebird"]
        )
        result = source.poll({})
        assert server.calls("/r/all/search") == []  # the search waits for the next window
    assert result.retry_after is not None and 30 < result.retry_after <= 42
    assert "search:all:kettlebird" not in result.next_cursor["feeds"]


def test_refresh_rereads_engagement_by_fullname(reddit_env: None) -> None:
    with serving() as server:
        server.add_json(
            "POST",
            "/api/v1/access_token",
            {"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"},
        )
        child = {
            "kind": "t3",
            "data": {"name": "t3_abc", "id": "abc", "title": "Kettlebird kettle broke",
                     "author": "ann", "created_utc": 1700000000, "score": 812, "num_comments": 97,
                     "selftext": "", "permalink": "/r/tea/comments/abc/x/"},
        }  # fmt: skip
        server.add_json("GET", "/api/info", {"kind": "Listing", "data": {"children": [child]}})
        options = RedditOptions(oauth_url=server.url, reddit_url=server.url)
        source = RedditSource("t:reddit:r", build_reddit(options, "t:reddit:r"), options, [])
        [fresh] = source.refresh(["t3_abc"])
        assert server.calls("/api/info")[0].query["id"] == "t3_abc"
    assert (fresh.likes, fresh.replies) == (812, 97)
