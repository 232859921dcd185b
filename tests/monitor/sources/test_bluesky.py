"""Bluesky poller: the real atproto client against lexicon-format payloads served from 127.0.0.1."""

from __future__ import annotations

import copy
import json
import time
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
from monitor.sources.bluesky import BlueskyOptions, BlueskySource, _Recorder, build_client
from monitor.storage import models as m
from tests.fakes.atproto import create_session
from tests.fakes.http_server import (
    FakeServer,
    json_reply,
    malformed_json,
    server_error,
    serving,
    slow,
    too_many_requests,
)
from tests.fakes.pipeline import brand_and_channel, catch_all_settings, channel_row, stored_ids

PAYLOADS = Path(__file__).resolve().parents[2] / "fakes" / "payloads"
SESSION = "/xrpc/com.atproto.server.createSession"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"
PROFILES = "/xrpc/app.bsky.actor.getProfiles"
POSTS = "/xrpc/app.bsky.feed.getPosts"
ANN_POST = "at://did:plc:annexample0000000000001/app.bsky.feed.post/3lkettle00003"
CY_POST = "at://did:plc:cyexample00000000000003/app.bsky.feed.post/3lkettle00001"
BOB_MENTION = "at://did:plc:bobexample0000000000002/app.bsky.feed.post/3lmention0004"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"bluesky_{name}.json").read_text(encoding="utf-8"))


def routes(server: FakeServer) -> None:
    """A PDS: createSession (JWT-shaped tokens, no didDoc), search, notifications, profiles."""
    server.add_json("POST", SESSION, create_session())
    server.add_json("GET", SEARCH, payload("search_posts"))
    server.add_json("GET", NOTIFICATIONS, payload("notifications"))
    server.add_json("GET", PROFILES, payload("profiles"))


def source(server: FakeServer, **options: Any) -> BlueskySource:
    opts = BlueskyOptions(base_url=server.url, timeout_seconds=1.0, **options)
    recorder = _Recorder()
    client = build_client(opts, recorder)
    return BlueskySource(
        "t:bluesky:default", client, recorder, opts, ["kettlebird"], "kettlebird.example", "pw"
    )


@pytest.fixture
def bluesky_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEGOOD_BLUESKY_HANDLE", "kettlebird.example")
    monkeypatch.setenv("MAKEGOOD_BLUESKY_APP_PASSWORD", "app-pass-word")


def test_first_poll_reads_search_and_notifications_with_reply_refs() -> None:
    with serving() as server:
        routes(server)
        bluesky = source(server)
        result = bluesky.poll({})
        login = server.calls(SESSION)[0].json()
        search = server.calls(SEARCH)[0].query
    cy, ann, bob = result.mentions
    assert [x.external_id for x in result.mentions] == [CY_POST, ANN_POST, BOB_MENTION]
    assert login == {"identifier": "kettlebird.example", "password": "pw"}
    assert search == {"q": "kettlebird", "sort": "latest", "limit": "50"}
    assert (ann.likes, ann.replies, ann.reposts) == (14, 5, 3)  # reposts include quotes
    assert (ann.author, ann.author_followers, cy.author_followers) == (
        "ann.example.social",
        2210,
        18000,
    )
    assert ann.url == "https://bsky.app/profile/ann.example.social/post/3lkettle00003"
    assert ann.created_at is not None and ann.created_at.isoformat() == "2026-05-02T10:06:00+00:00"
    # A reply in a thread: the post it answers, and the thread's root.
    assert ann.parent_id.endswith("/3lparent000b2") and ann.root_id.endswith("/3lroot00000a1")
    assert ann.raw["reply_refs"]["parent"] == {
        "uri": ANN_POST, "cid": "bafyreikettle0000000000000000000000000000000000000000003"
    }  # fmt: skip
    # What a reply's strong refs are built from (tests/responders/publishers/test_bluesky.py):
    # the stored post view keeps this post's cid and its record's thread root.
    assert ann.raw["post"]["cid"] == "bafyreikettle0000000000000000000000000000000000000000003"
    assert ann.raw["post"]["record"]["reply"]["root"] == {
        "uri": ann.root_id, "cid": "bafyreiroot00000000000000000000000000000000000000000000a1"
    }  # fmt: skip
    # A post that starts its own thread is its own root.
    assert cy.root_id == CY_POST and cy.parent_id == ""
    assert cy.raw["post"]["cid"] and "reply" not in cy.raw["post"]["record"]
    # Notifications: the mention is read, the like is not a post about us.
    assert bob.raw["notification"]["reason"] == "mention" and bob.author_followers == 45
    assert bob.text.startswith("@kettlebird.example where is my order")
    [bad] = result.rejected
    assert bad.location.endswith("/3lkettle00002") and "cid" in bad.error
    assert result.next_cursor["search:kettlebird"]["since"] == "2026-05-02T10:06:00.000Z"
    assert result.next_cursor["notifications"]["since"] == "2026-05-02T10:11:00.000Z"
    assert result.calls == 4  # session, search, notifications, one batch of profiles


def test_followers_lookup_can_be_turned_off_to_save_calls() -> None:
    with serving() as server:
        routes(server)
        result = source(server, followers=False, notifications=False).poll({})
        assert server.calls(PROFILES) == []
    assert result.calls == 2 and {x.author_followers for x in result.mentions} == {0}


def test_the_cursor_moves_only_to_newer_posts_and_the_session_is_reused() -> None:
    with serving() as server:
        routes(server)
        bluesky = source(server, notifications=False)
        first = bluesky.poll({})
        again = bluesky.poll(first.next_cursor)  # the same page: nothing new
        newer = copy.deepcopy(payload("search_posts"))
        post = newer["posts"][0]
        post.update(uri=post["uri"].replace("3lkettle00003", "3lkettle00009"), likeCount=0)
        post["record"].update(text="kettlebird again", createdAt="2026-05-02T10:30:00.000Z")
        post["indexedAt"] = "2026-05-02T10:30:00.400Z"
        server.add_json("GET", SEARCH, newer, query={"since": "2026-05-02T10:06:00.000Z"})
        later = bluesky.poll(again.next_cursor)
        assert server.calls(SEARCH)[1].query["since"] == "2026-05-02T10:06:00.000Z"
        assert len(server.calls(SESSION)) == 1
    assert again.mentions == [] and again.rejected == []  # the bad post was quarantined once...
    assert [x.text for x in later.mentions] == ["kettlebird again"]
    assert later.next_cursor["search:kettlebird"]["since"] == "2026-05-02T10:30:00.000Z"


def test_an_empty_page_keeps_the_cursor_and_a_full_burst_is_paged() -> None:
    cursor = {"search:kettlebird": {"since": "2026-05-02T10:00:00.000Z", "seen": []}}
    with serving() as server:
        routes(server)
        server.add_json("GET", SEARCH, {"posts": []}, query={"limit": "50"})
        empty = source(server, notifications=False).poll(cursor)
        server.add_json("GET", SEARCH, payload("search_posts"), query={"limit": "3"})
        burst = source(server, notifications=False, page_size=3).poll(cursor)
        asked = [c.query for c in server.calls(SEARCH)[1:]]
    assert empty.mentions == [] and empty.exhausted
    assert empty.next_cursor["search:kettlebird"]["since"] == "2026-05-02T10:00:00.000Z"
    # A full page sends the next in the same poll, `since` pinned; a page of posts already
    # read ends the burst (a server repeating itself cannot loop us).
    assert [q.get("cursor") for q in asked] == [None, "50"]
    assert {q["since"] for q in asked} == {"2026-05-02T10:00:00.000Z"}
    assert len(burst.mentions) + len(burst.rejected) == 3 and burst.gaps == []
    assert burst.next_cursor["search:kettlebird"]["since"] == "2026-05-02T10:06:00.000Z"
    assert "page" not in burst.next_cursor["search:kettlebird"]


@pytest.mark.parametrize(
    ("unset", "variable"),
    [("MAKEGOOD_BLUESKY_HANDLE", "MAKEGOOD_BLUESKY_HANDLE"),
     ("MAKEGOOD_BLUESKY_APP_PASSWORD", "MAKEGOOD_BLUESKY_APP_PASSWORD")],
)  # fmt: skip
def test_missing_credentials_name_the_variable_and_other_channels_keep_working(
    unset: str, variable: str, bluesky_env: None, monkeypatch: pytest.MonkeyPatch, db_url: str,
    tmp_path: Path, factory: sessionmaker[Session],
) -> None:  # fmt: skip
    monkeypatch.delenv(unset)
    stream = tmp_path / "stream.jsonl"
    stream.write_text('{"id": "1", "author": "ann", "text": "hello there"}\n', encoding="utf-8")
    settings = catch_all_settings(
        db_url, tmp_path,
        [{"type": "bluesky"}, {"type": "replay", "name": "file", "path": str(stream)}],
    )  # fmt: skip
    with pytest.raises(SourceError) as caught:
        build_source(*brand_and_channel(settings))
    assert str(caught.value) == f"Streamtest:bluesky:default: {variable} is not set"
    assert caught.value.permanent
    reports = {
        r.channel: r
        for r in poll_all(settings, Pipeline(settings, factory), drain=False, max_pages=1)
    }
    assert f"{variable} is not set" in reports["Streamtest:bluesky:default"].error
    assert reports["Streamtest:replay:file"].new == 1


def test_a_refused_login_is_permanent_and_names_both_variables() -> None:
    with serving() as server:
        server.add_json(
            "POST", SESSION, {"error": "AuthenticationRequired", "message": "Invalid password"}, 401
        )
        with pytest.raises(SourceError) as caught:
            source(server).poll({})
    assert caught.value.permanent and "pw" not in str(caught.value).split(";")[1]
    assert "MAKEGOOD_BLUESKY_HANDLE and MAKEGOOD_BLUESKY_APP_PASSWORD" in str(caught.value)


def _reset_429() -> Any:
    reset = str(int(time.time()) + 600)
    headers = {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": reset,
               "ratelimit-policy": "3000;w=300"}  # fmt: skip
    return json_reply(
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429, headers
    )


FAULTS = [
    pytest.param(_reset_429, "rate limited (429)", 590, id="429-ratelimit-reset"),
    pytest.param(lambda: too_many_requests(120), "rate limited (429)", 120, id="429-retry-after"),
    pytest.param(lambda: server_error(503), "HTTP 503", None, id="503"),
    pytest.param(lambda: server_error(502), "HTTP 502", None, id="502"),
    pytest.param(lambda: slow(3), "request failed", None, id="timeout"),
    pytest.param(malformed_json, "malformed JSON", None, id="malformed-json"),
]


@pytest.mark.parametrize(("fault", "error", "min_wait"), FAULTS)
def test_faults_back_off_quarantine_and_recover(
    fault: Any, error: str, min_wait: float | None, bluesky_env: None, db_url: str,
    tmp_path: Path, factory: sessionmaker[Session],
) -> None:  # fmt: skip
    with serving() as server:
        routes(server)
        channel = {"type": "bluesky", "base_url": server.url, "notifications": False,
                   "timeout_seconds": 0.5}  # fmt: skip
        settings = catch_all_settings(db_url, tmp_path, [channel])
        brand, channel_settings = brand_and_channel(settings)
        bluesky = build_source(brand, channel_settings)
        pipeline = Pipeline(settings, factory)
        server.fault(fault(), times=2, path=SEARCH)
        for attempt in (1, 2):
            failed = pipeline.poll_channel(brand, channel_settings, bluesky, force=True)
            assert error in failed.error
            row = channel_row(factory, bluesky.name)
            assert row.consecutive_failures == attempt and error in row.last_error
            if min_wait:
                assert row.next_poll_after - row.last_failure_at >= timedelta(seconds=min_wait)
        assert pipeline.poll_channel(brand, channel_settings, bluesky).skipped
        recovered = pipeline.poll_channel(brand, channel_settings, bluesky, force=True)
        assert len(server.calls(SESSION)) == 1  # a failed page does not cost a new session
    assert recovered.error == "" and recovered.new == 2
    with factory() as session:
        quarantined = session.scalars(select(m.Quarantine).order_by(m.Quarantine.id)).all()
    locations = [q.location for q in quarantined]
    if error == "malformed JSON":
        assert quarantined[0].raw.startswith('{"data": [ {"id": oops')
        assert SEARCH in locations[0] and len(locations) == 3
    else:
        assert locations == [
            "bluesky:at://did:plc:bobexample0000000000002/app.bsky.feed.post/3lkettle00002"
        ]
    assert channel_row(factory, bluesky.name).consecutive_failures == 0
    assert len(stored_ids(factory, "bluesky")) == 2


def test_refresh_reads_current_counts_with_get_posts() -> None:
    grown = copy.deepcopy(payload("search_posts")["posts"][0])
    grown.update(likeCount=4200, replyCount=380, repostCount=950, quoteCount=50)
    with serving() as server:
        routes(server)
        server.add_json("GET", POSTS, {"posts": [grown]})
        [fresh] = source(server).refresh([ANN_POST, "at://did:plc:gone/app.bsky.feed.post/x"])
        asked = server.calls(POSTS)[0]
    assert asked.query["uris"] == "at://did:plc:gone/app.bsky.feed.post/x"  # the last of two
    assert (fresh.likes, fresh.replies, fresh.reposts) == (4200, 380, 1000)
    assert fresh.author_followers == 2210
