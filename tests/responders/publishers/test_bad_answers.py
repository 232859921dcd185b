"""A reply attempt that gets a bad answer is a retryable failed send with a clear message.

HTML pages, empty or cut bodies with status 200, and odd Retry-After values: `publish` returns
a failure (never raises), not permanent, flagged `unknown` when the reply may be out, and any
wait stays within monitor.retry.MAX_WAIT_SECONDS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from monitor.retry import MAX_WAIT_SECONDS
from responders.publishers import OutgoingReply, build_publisher
from tests.fakes import bad_answers as bad
from tests.fakes.http_server import FakeServer, Reply, serving
from tests.responders.publishers.platform_payloads import (
    PARENT_STATUS,
    PARENT_URI,
    create_session,
    parent_post,
    profile,
)


def mastodon(server: FakeServer, reply: Reply) -> tuple[dict[str, str], OutgoingReply]:
    server.add("POST", "/api/v1/statuses", reply)
    env = {"MAKEGOOD_MASTODON_ACCESS_TOKEN": "t", "MAKEGOOD_MASTODON_API_BASE_URL": server.url,
           "MAKEGOOD_MASTODON_TIMEOUT": "2"}  # fmt: skip
    return env, OutgoingReply("mastodon", PARENT_STATUS, "Sorry about that", key="reply:1")


def x(server: FakeServer, reply: Reply) -> tuple[dict[str, str], OutgoingReply]:
    server.add("POST", "/2/tweets", reply)
    env = {"MAKEGOOD_X_CONSUMER_KEY": "ck", "MAKEGOOD_X_CONSUMER_SECRET": "cs",
           "MAKEGOOD_X_ACCESS_TOKEN": "at", "MAKEGOOD_X_ACCESS_TOKEN_SECRET": "ats",
           "MAKEGOOD_X_API_URL": server.url, "MAKEGOOD_X_TIMEOUT": "2"}  # fmt: skip
    return env, OutgoingReply("x", "1455953449422516226", "@ann Sorry about that")


def reddit(server: FakeServer, reply: Reply) -> tuple[dict[str, str], OutgoingReply]:
    token = {"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"}
    server.add_json("POST", "/api/v1/access_token", token)
    server.add("POST", "/api/comment", reply)
    env = {"MAKEGOOD_REDDIT_CLIENT_ID": "c", "MAKEGOOD_REDDIT_CLIENT_SECRET": "s",
           "MAKEGOOD_REDDIT_USERNAME": "bot", "MAKEGOOD_REDDIT_PASSWORD": "pw",
           "MAKEGOOD_REDDIT_OAUTH_URL": server.url, "MAKEGOOD_REDDIT_URL": server.url,
           "MAKEGOOD_REDDIT_TIMEOUT": "2"}  # fmt: skip
    return env, OutgoingReply("reddit", "t1_abc", "Sorry about that")


def bluesky(server: FakeServer, reply: Reply) -> tuple[dict[str, str], OutgoingReply]:
    server.add_json("POST", "/xrpc/com.atproto.server.createSession", create_session())
    server.add_json("GET", "/xrpc/app.bsky.actor.getProfile", profile())
    server.add_json("GET", "/xrpc/app.bsky.feed.getPosts", {"posts": [parent_post()]})
    server.add("POST", "/xrpc/com.atproto.repo.createRecord", reply)
    env = {"MAKEGOOD_BLUESKY_HANDLE": "kettlebird.example",
           "MAKEGOOD_BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop",
           "MAKEGOOD_BLUESKY_URL": server.url}  # fmt: skip
    return env, OutgoingReply(
        "bluesky", PARENT_URI, "Sorry about that", key="reply:1", parent_raw={"post": parent_post()}
    )


PUBLISHERS: dict[str, Callable[[FakeServer, Reply], tuple[dict[str, str], OutgoingReply]]] = {
    "mastodon": mastodon, "x": x, "reddit": reddit, "bluesky": bluesky,
}  # fmt: skip
ANSWERS: dict[str, Callable[[], Reply]] = {
    "html-200": bad.html_page,
    "html-as-json": bad.html_as_json,
    "empty-200": bad.empty_body,
    "json-cut": lambda: bad.cut_json({"data": {"id": "1", "text": "x" * 40}}),
    "connection-cut": lambda: bad.cut_connection({"data": {"id": "1", "text": "x" * 40}}),
    "wrong-shape": bad.wrong_shape,
}


def publish(platform: str, answer: Reply) -> Any:
    with serving() as server:
        env, reply = PUBLISHERS[platform](server, answer)
        return build_publisher(platform, env).publish(reply)


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("platform", PUBLISHERS)
def test_a_bad_answer_to_a_reply_is_a_retryable_failure(platform: str, answer: str) -> None:
    result = publish(platform, ANSWERS[answer]())
    assert not result.ok and not result.permanent, result
    assert result.error and "Traceback" not in result.error
    assert result.unknown, "the reply may be out: the next attempt must look before resending"


@pytest.mark.parametrize("value", bad.ODD_RETRY_AFTER.values(), ids=list(bad.ODD_RETRY_AFTER))
@pytest.mark.parametrize("platform", ["x", "reddit", "bluesky"])
def test_an_odd_retry_after_on_a_reply_waits_within_the_maximum(platform: str, value: str) -> None:
    result = publish(platform, bad.retry_after(value))
    assert not result.ok and not result.permanent, result
    # prawcore itself cannot read a Retry-After of words or a date: then no wait is named and
    # the outbox's own back-off applies; a wait that is named is always within the maximum.
    assert result.retry_after is not None or platform == "reddit"
    assert result.retry_after is None or 1.0 <= result.retry_after <= MAX_WAIT_SECONDS
