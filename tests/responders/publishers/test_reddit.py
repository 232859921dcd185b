"""Reddit publisher: real praw against recorded `POST /api/comment` traffic on a local server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from responders.publishers import OutgoingReply, build_publisher
from tests.fakes.cassettes import load
from tests.fakes.http_server import (
    FakeServer,
    json_reply,
    server_error,
    serving,
    slow,
    too_many_requests,
)

BOT = "kettlebird_care"


def env_for(server: FakeServer, **extra: str) -> dict[str, str]:
    """Credentials (placeholders) and base URLs pointing praw at the local server."""
    return {
        "MAKEGOOD_REDDIT_CLIENT_ID": "cid",
        "MAKEGOOD_REDDIT_CLIENT_SECRET": "secret",
        "MAKEGOOD_REDDIT_USERNAME": BOT,
        "MAKEGOOD_REDDIT_PASSWORD": "pw",
        "MAKEGOOD_REDDIT_OAUTH_URL": server.url,
        "MAKEGOOD_REDDIT_URL": server.url,
        "MAKEGOOD_REDDIT_TIMEOUT": "1",
        **extra,
    }


def recorded_comment(shared_data: Path) -> dict[str, Any]:
    """The comment Reddit returned in the recorded reply (TestComment.test_reply)."""
    entries = load(shared_data / "praw_cassettes" / "TestComment.test_reply.json")
    return entries[1].json()["json"]["data"]["things"][0]["data"]


def listing(*comments: dict[str, Any]) -> dict[str, Any]:
    """A Reddit Listing of comments, as /user/NAME/comments returns it."""
    children = [{"kind": "t1", "data": c} for c in comments]
    return {"kind": "Listing", "data": {"children": children, "after": None, "before": None}}


@pytest.mark.parametrize(
    ("cassette", "parent", "expected_id", "thing_id"),
    [
        ("TestComment.test_reply.json", "t1_d1616q2", "t1_d1680wu", "t1_d1616q2"),
        ("TestSubmission.test_reply.json", "t3_4b1tfm", "t1_d162ara", "t3_4b1tfm"),
        # A bare id is a submission when the stored payload has a title.
        ("TestSubmission.test_reply.json", "4b1tfm", "t1_d162ara", "t3_4b1tfm"),
    ],
)
def test_a_reply_is_posted_once_under_its_parent(
    shared_data: Path, cassette: str, parent: str, expected_id: str, thing_id: str
) -> None:
    with serving() as server:
        server.add_entries(load(shared_data / "praw_cassettes" / cassette), match_query=False)
        publisher = build_publisher("reddit", env_for(server))
        raw = {"title": "a submission"} if not parent.startswith("t") else {}
        result = publisher.publish(OutgoingReply("reddit", parent, "We're sorry", parent_raw=raw))
        posts = server.calls("/api/comment", "POST")
    assert result.ok, result.error
    assert result.post_id == expected_id
    assert result.url.startswith("https://www.reddit.com/comments/4b1tfm/_/")
    assert len(posts) == 1
    assert posts[0].form()["thing_id"] == thing_id
    assert posts[0].form()["text"] == "We're sorry"


@pytest.mark.parametrize(
    ("cassette", "parent"),
    [
        ("TestComment.test_reply__none.json", "t1_eear2ml"),
        ("TestSubmission.test_reply__none.json", "t3_ah19vv"),
    ],
)
def test_an_empty_answer_is_reconciled_from_our_recent_comments(
    shared_data: Path, cassette: str, parent: str
) -> None:
    text = "We're sorry, this one is on us. Please DM us your order number."
    ours = {**recorded_comment(shared_data), "body": text, "parent_id": parent, "id": "zz1"}
    ours["name"] = "t1_zz1"
    other = {**ours, "parent_id": "t3_other", "id": "zz0", "name": "t1_zz0"}
    with serving() as server:
        server.add_entries(load(shared_data / "praw_cassettes" / cassette), match_query=False)
        server.add_json("GET", f"/user/{BOT}/comments", listing(other, ours))
        result = build_publisher("reddit", env_for(server)).publish(
            OutgoingReply("reddit", parent, text)
        )
        posts = server.calls("/api/comment", "POST")
    assert result.ok, result.error
    assert result.post_id == "t1_zz1"
    assert "no id" in result.note
    assert len(posts) == 1


def test_an_empty_answer_not_listed_yet_is_unknown_and_not_resent(shared_data: Path) -> None:
    cassette = shared_data / "praw_cassettes" / "TestComment.test_reply__none.json"
    with serving() as server:
        server.add_entries(load(cassette), match_query=False)
        server.add_json("GET", f"/user/{BOT}/comments", listing())
        result = build_publisher("reddit", env_for(server)).publish(
            OutgoingReply("reddit", "t1_eear2ml", "Sorry about that")
        )
        posts = server.calls("/api/comment", "POST")
    assert not result.ok and result.unknown and not result.permanent
    assert result.retry_after
    assert len(posts) == 1


@pytest.mark.parametrize(
    ("fault", "unknown", "retry_after"),
    [
        (too_many_requests(retry_after=42), False, 42.0),
        (server_error(500), True, None),
        (server_error(503), True, None),
        (slow(3.0), True, None),  # Reddit took it but answered after our 1 s timeout
    ],
)
def test_a_failed_post_is_sent_once_and_says_whether_it_may_be_out(
    shared_data: Path, fault: Any, unknown: bool, retry_after: float | None
) -> None:
    cassette = shared_data / "praw_cassettes" / "TestComment.test_reply.json"
    with serving() as server:
        server.add_entries(load(cassette), match_query=False)
        server.fault(fault, path="/api/comment")
        result = build_publisher("reddit", env_for(server)).publish(
            OutgoingReply("reddit", "t1_d1616q2", "Sorry")
        )
        posts = server.calls("/api/comment", "POST")
    assert not result.ok
    assert len(posts) == 1, "prawcore must not retry a POST by itself"
    assert result.unknown is unknown
    assert result.retry_after == retry_after


def test_a_deleted_parent_is_a_permanent_failure(shared_data: Path) -> None:
    body = {"json": {"errors": [["DELETED_COMMENT", "that comment has been deleted", "parent"]]}}
    with serving() as server:
        server.add_entries(
            load(shared_data / "praw_cassettes" / "TestComment.test_reply.json"), match_query=False
        )
        server.fault(json_reply(body), path="/api/comment")
        result = build_publisher("reddit", env_for(server)).publish(
            OutgoingReply("reddit", "t1_d1616q2", "Sorry")
        )
    assert not result.ok and result.permanent
    assert "DELETED_COMMENT" in result.error


def test_missing_credentials_name_the_variables_and_send_nothing() -> None:
    with serving() as server:
        env = env_for(server, MAKEGOOD_REDDIT_PASSWORD="", MAKEGOOD_REDDIT_CLIENT_SECRET="")
        result = build_publisher("reddit", env).publish(OutgoingReply("reddit", "t1_x", "Hi"))
        assert server.requests == []
    assert result.permanent
    assert "MAKEGOOD_REDDIT_CLIENT_SECRET" in result.error
    assert "MAKEGOOD_REDDIT_PASSWORD" in result.error
    assert json.dumps(env).count("pw") == 0 or "pw" not in result.error
