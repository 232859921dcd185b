"""X publisher: real tweepy against recorded create_tweet / get_me traffic on a local server."""

from __future__ import annotations

from pathlib import Path

import pytest

from responders.publishers import OutgoingReply, build_publisher
from tests.fakes.cassettes import load
from tests.fakes.http_server import FakeServer, json_reply, server_error, serving, slow

KEYS = {
    "MAKEGOOD_X_CONSUMER_KEY": "ck",
    "MAKEGOOD_X_CONSUMER_SECRET": "cs",
    "MAKEGOOD_X_ACCESS_TOKEN": "at",
    "MAKEGOOD_X_ACCESS_TOKEN_SECRET": "ats",
}
ME = "1072250532645998596"  # the account in the recorded get_me


def env_for(server: FakeServer) -> dict[str, str]:
    """User-context keys (placeholders) and the API URL of the local server."""
    return {**KEYS, "MAKEGOOD_X_API_URL": server.url, "MAKEGOOD_X_TIMEOUT": "1"}


def recorded(server: FakeServer, shared_data: Path) -> None:
    """Serve the recorded create/delete tweet and get_me interactions."""
    for name in ("test_client_create_and_delete_tweet.yaml", "test_client_get_me.yaml"):
        server.add_entries(load(shared_data / "tweepy_cassettes" / name), match_query=False)


def test_a_reply_is_created_in_the_authors_thread(shared_data: Path) -> None:
    with serving() as server:
        recorded(server, shared_data)
        result = build_publisher("x", env_for(server)).publish(
            OutgoingReply("x", "1455953449422516226", "@ann Sorry, this is on us.")
        )
        [post] = server.calls("/2/tweets", "POST")
    assert result.ok and result.post_id == "1456012973835788293"
    assert result.url.endswith("/status/1456012973835788293")
    assert post.json() == {
        "text": "@ann Sorry, this is on us.",
        "reply": {"in_reply_to_tweet_id": "1455953449422516226"},
    }
    assert post.headers["authorization"].startswith("OAuth ")  # user context, not the bearer


def test_a_reply_x_would_not_allow_is_refused_before_any_request(shared_data: Path) -> None:
    with serving() as server:
        recorded(server, shared_data)
        result = build_publisher("x", env_for(server)).publish(
            OutgoingReply("x", "1455953449422516226", "Sorry", reply_allowed=False)
        )
        assert server.requests == []
    assert result.permanent and "direct message" in result.error


@pytest.mark.parametrize(
    ("fault", "unknown", "permanent", "words"),
    [
        (slow(3.0), True, False, "no answer from X"),
        (server_error(503), True, False, "server error 503"),
        (
            json_reply(
                {
                    "detail": "Reply to this conversation is not allowed because you have not"
                    " been mentioned or otherwise engaged by the author",
                    "status": 403,
                },
                status=403,
            ),
            False,
            True,
            "direct message",
        ),
        (
            json_reply({"title": "Unauthorized", "status": 401}, status=401),
            False,
            True,
            "MAKEGOOD_X",
        ),
    ],
)
def test_failures_say_what_to_do_and_post_once(
    shared_data: Path, fault: object, unknown: bool, permanent: bool, words: str
) -> None:
    with serving() as server:
        recorded(server, shared_data)
        server.fault(fault, path="/2/tweets")  # type: ignore[arg-type]
        result = build_publisher("x", env_for(server)).publish(
            OutgoingReply("x", "1455953449422516226", "Sorry")
        )
        assert len(server.calls("/2/tweets", "POST")) == 1
    assert not result.ok
    assert (result.unknown, result.permanent) == (unknown, permanent)
    assert words in result.error


def test_reconciliation_finds_our_reply_among_our_posts(shared_data: Path) -> None:
    parent = "1455953449422516226"
    tweets = {
        "data": [
            {"id": "1", "text": "unrelated", "edit_history_tweet_ids": ["1"]},
            {
                "id": "1456012973835788293",
                "edit_history_tweet_ids": ["1456012973835788293"],
                "text": "@ann Sorry, this is on us. https://t.co/abc",
                "referenced_tweets": [{"type": "replied_to", "id": parent}],
            },
        ]
    }
    with serving() as server:
        recorded(server, shared_data)
        server.add_json("GET", f"/2/users/{ME}/tweets", tweets)
        publisher = build_publisher("x", env_for(server))
        found = publisher.find_existing(
            OutgoingReply("x", parent, "@ann Sorry, this is on us. https://kettlebird.example/help")
        )
        missing = publisher.find_existing(OutgoingReply("x", parent, "Something else entirely"))
        [listing] = server.calls(f"/2/users/{ME}/tweets", "GET")[:1]
    assert found is not None and found.post_id == "1456012973835788293"
    assert missing is None
    assert listing.query["since_id"] == parent
