"""Bluesky publisher: real atproto Client against a local PDS serving documented payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from monitor.sources._bluesky_posts import to_mention
from responders.publishers import OutgoingReply, build_publisher
from responders.publishers.bluesky import refs_from_raw
from tests.fakes.http_server import FakeServer, Reply, json_reply, server_error, serving
from tests.responders.publishers.platform_payloads import (
    BRAND_DID,
    CUSTOMER_DID,
    PARENT_CID,
    PARENT_URI,
    REPLY_CID,
    REPLY_URI,
    ROOT_CID,
    ROOT_URI,
    create_session,
    parent_post,
    post_view,
    profile,
)

PAYLOADS = Path(__file__).resolve().parents[2] / "fakes" / "payloads"
TEXT = "@ann.example We're sorry: this delivery problem is our mistake, not yours."
CREATE = "/xrpc/com.atproto.repo.createRecord"
STRONG_REF = "com.atproto.repo.strongRef"


def env_for(server: FakeServer) -> dict[str, str]:
    return {
        "MAKEGOOD_BLUESKY_HANDLE": "kettlebird.example",
        "MAKEGOOD_BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop",
        "MAKEGOOD_BLUESKY_URL": server.url,
    }


def pds(server: FakeServer) -> None:
    """Login, profile, the parent post and record creation, as a PDS answers them."""
    server.add_json("POST", "/xrpc/com.atproto.server.createSession", create_session())
    server.add_json("GET", "/xrpc/app.bsky.actor.getProfile", profile())
    server.add_json("GET", "/xrpc/app.bsky.feed.getPosts", {"posts": [parent_post()]})
    server.add_json("POST", CREATE, {"uri": REPLY_URI, "cid": REPLY_CID})


def created_record(server: FakeServer) -> dict[str, Any]:
    [call] = server.calls(CREATE, "POST")
    body: dict[str, Any] = call.json()
    assert call.headers["authorization"].startswith("Bearer ey")  # the session's accessJwt
    assert (body["repo"], body["collection"]) == (BRAND_DID, "app.bsky.feed.post")
    return body["record"]


@pytest.mark.parametrize(
    ("raw", "reads_parent"),
    [
        ({}, True),  # nothing stored: the publisher reads the parent post first
        ({"post": parent_post()}, False),  # the stored post view has cid and thread root
        (parent_post(), False),  # a bare post view works too
    ],
)
def test_a_reply_names_the_thread_root_and_its_parent(
    raw: dict[str, Any], reads_parent: bool
) -> None:
    with serving() as server:
        pds(server)
        result = build_publisher("bluesky", env_for(server)).publish(
            OutgoingReply("bluesky", PARENT_URI, TEXT, key="reply:3", parent_raw=raw)
        )
        record = created_record(server)
        read = server.calls("/xrpc/app.bsky.feed.getPosts", "GET")
    assert result.ok and result.post_id == REPLY_URI
    assert result.url == f"https://bsky.app/profile/{BRAND_DID}/post/3lreplypost003"
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == TEXT
    assert record["reply"]["root"] == {"uri": ROOT_URI, "cid": ROOT_CID, "$type": STRONG_REF}
    assert record["reply"]["parent"] == {"uri": PARENT_URI, "cid": PARENT_CID, "$type": STRONG_REF}
    assert bool(read) is reads_parent
    if read:
        assert read[0].query == {"uris": PARENT_URI}


def test_a_reply_to_a_thread_starter_uses_it_as_root_and_parent() -> None:
    starter = post_view(ROOT_URI, ROOT_CID, CUSTOMER_DID, "@kettlebird my kettle leaks")
    with serving() as server:
        pds(server)
        result = build_publisher("bluesky", env_for(server)).publish(
            OutgoingReply("bluesky", ROOT_URI, TEXT, parent_raw={"post": starter})
        )
        record = created_record(server)
    assert result.ok
    ref = {"uri": ROOT_URI, "cid": ROOT_CID, "$type": STRONG_REF}
    assert (record["reply"]["root"], record["reply"]["parent"]) == (ref, ref)


def thread(*replies: dict[str, Any]) -> dict[str, Any]:
    """app.bsky.feed.getPostThread output: the parent and its direct replies."""
    view = {"$type": "app.bsky.feed.defs#threadViewPost", "post": parent_post()}
    view["replies"] = [{"$type": "app.bsky.feed.defs#threadViewPost", "post": r} for r in replies]
    return {"thread": view}


@pytest.mark.parametrize(
    ("replies", "found"),
    [
        ([post_view(REPLY_URI, REPLY_CID, BRAND_DID, TEXT)], True),
        ([post_view(REPLY_URI, REPLY_CID, CUSTOMER_DID, TEXT)], False),  # not our account
        ([post_view(REPLY_URI, REPLY_CID, BRAND_DID, "Checking back on it")], False),
        ([], False),
    ],
)
def test_reconciliation_finds_only_our_reply(replies: list[dict[str, Any]], found: bool) -> None:
    with serving() as server:
        pds(server)
        server.add_json("GET", "/xrpc/app.bsky.feed.getPostThread", thread(*replies))
        result = build_publisher("bluesky", env_for(server)).find_existing(
            OutgoingReply("bluesky", PARENT_URI, TEXT)
        )
        assert server.calls(CREATE, "POST") == []
    assert (result is not None and result.ok and result.post_id == REPLY_URI) is found
    if not found:
        assert result is None


def error(name: str, message: str, status: int) -> Reply:
    """An XRPC error body."""
    return json_reply({"error": name, "message": message}, status)


@pytest.mark.parametrize(
    ("fault", "unknown", "permanent", "words"),
    [
        (error("RateLimitExceeded", "Rate Limit Exceeded", 429), False, False, "rate limit"),
        (server_error(502), True, False, "Bluesky"),
        (error("InvalidRequest", "Record/text must not be longer than 300 graphemes", 400),
         False, True, "refused the reply"),
    ],
)  # fmt: skip
def test_failures_say_what_to_do(fault: Reply, unknown: bool, permanent: bool, words: str) -> None:
    with serving() as server:
        pds(server)
        server.fault(fault, path=CREATE)
        result = build_publisher("bluesky", env_for(server)).publish(
            OutgoingReply("bluesky", PARENT_URI, TEXT, parent_raw={"post": parent_post()})
        )
        assert len(server.calls(CREATE, "POST")) == 1
    assert not result.ok
    assert (result.unknown, result.permanent) == (unknown, permanent)
    assert words in result.error
    if words == "rate limit":
        assert result.retry_after


def test_a_refused_login_is_permanent_and_names_the_variables() -> None:
    with serving() as server:
        server.add(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            error("AuthenticationRequired", "Invalid identifier or password", 401),
        )
        result = build_publisher("bluesky", env_for(server)).publish(
            OutgoingReply("bluesky", PARENT_URI, TEXT, parent_raw={"post": parent_post()})
        )
        assert server.calls(CREATE) == []
    assert result.permanent
    assert "MAKEGOOD_BLUESKY_HANDLE" in result.error and "abcd-efgh" not in result.error


def test_missing_credentials_send_nothing() -> None:
    with serving() as server:
        result = build_publisher("bluesky", {"MAKEGOOD_BLUESKY_URL": server.url}).publish(
            OutgoingReply("bluesky", PARENT_URI, TEXT)
        )
        assert server.requests == []
    assert result.permanent and "MAKEGOOD_BLUESKY_APP_PASSWORD" in result.error


def test_the_strong_refs_come_from_what_the_source_stored() -> None:
    """A reply needs (parent, root) refs: the source's stored post view is enough to build them."""
    payload = json.loads((PAYLOADS / "bluesky_search_posts.json").read_text())
    ann, _bob, cy = (to_mention(post, {}) for post in payload["posts"])
    assert refs_from_raw(ann.external_id, ann.raw) == (
        (ann.external_id, "bafyreikettle0000000000000000000000000000000000000000003"),
        (ann.root_id, "bafyreiroot00000000000000000000000000000000000000000000a1"),
    )
    # A post that starts its own thread is its own root.
    assert refs_from_raw(cy.external_id, cy.raw) == ((cy.external_id, cy.raw["post"]["cid"]),) * 2
