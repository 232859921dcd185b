"""Mastodon publisher: real Mastodon.py against a local server serving documented payloads."""

from __future__ import annotations

from typing import Any

import pytest

from responders.publishers import OutgoingReply, build_publisher
from tests.fakes.http_server import (
    FakeServer,
    Reply,
    json_reply,
    server_error,
    serving,
    slow,
    too_many_requests,
)
from tests.responders.publishers.platform_payloads import (
    MASTODON_ME,
    PARENT_STATUS,
    mastodon_account,
    mastodon_status,
)

TEXT = "@ann@social.example We're sorry: this delivery problem is our mistake, not yours."
BRAND = mastodon_account(MASTODON_ME, "kettlebird")
ANN = mastodon_account("109000000000000077", "ann")
REPLY_ID = "111222333444555999"


def env_for(server: FakeServer) -> dict[str, str]:
    return {
        "MAKEGOOD_MASTODON_ACCESS_TOKEN": "brand-token",
        "MAKEGOOD_MASTODON_API_BASE_URL": server.url,
        "MAKEGOOD_MASTODON_TIMEOUT": "1",
    }


def reply(key: str = "reply:7") -> OutgoingReply:
    return OutgoingReply("mastodon", PARENT_STATUS, TEXT, key=key)


def posted(server: FakeServer) -> None:
    """POST /api/v1/statuses answers with the new status, as Mastodon does."""
    mention = '<span class="h-card"><a href="https://social.example/@ann">@ann</a></span>'
    html = "<p>" + TEXT.replace("@ann@social.example", mention) + "</p>"
    server.add_json(
        "POST", "/api/v1/statuses", mastodon_status(REPLY_ID, BRAND, html, PARENT_STATUS)
    )


def test_a_reply_is_posted_under_its_parent_with_an_idempotency_key() -> None:
    with serving() as server:
        posted(server)
        result = build_publisher("mastodon", env_for(server)).publish(reply())
        [post] = server.calls("/api/v1/statuses", "POST")
    assert result.ok and result.post_id == REPLY_ID
    assert result.url == f"https://social.example/@kettlebird/{REPLY_ID}"
    sent: dict[str, Any] = post.form() or post.json()
    assert sent["status"] == TEXT
    assert str(sent["in_reply_to_id"]) == PARENT_STATUS
    assert post.headers["idempotency-key"] == "reply:7"
    assert post.headers["authorization"] == "Bearer brand-token"
    # No version probe: mastodon_version is given, so the first request is the post itself.
    assert [r.path for r in server.requests] == ["/api/v1/statuses"]


def context(*descendants: dict[str, Any]) -> dict[str, Any]:
    return {"ancestors": [], "descendants": list(descendants)}


@pytest.mark.parametrize(
    ("descendants", "found"),
    [
        # Our account answered the parent with our text (rendered as HTML): that is the reply.
        ([mastodon_status(REPLY_ID, BRAND, f"<p>{TEXT}</p>", PARENT_STATUS)], True),
        # Someone else wrote the same words: not ours.
        ([mastodon_status("5", ANN, f"<p>{TEXT}</p>", PARENT_STATUS)], False),
        # Ours, but another text (an earlier reply of the case): not this one.
        ([mastodon_status("6", BRAND, "<p>Checking back on it</p>", PARENT_STATUS)], False),
        # Ours with our text, but deeper in the thread: not an answer to this parent.
        ([mastodon_status("8", BRAND, f"<p>{TEXT}</p>", "42")], False),
        ([], False),
    ],
)
def test_reconciliation_finds_only_our_reply_to_that_parent(
    descendants: list[dict[str, Any]], found: bool
) -> None:
    with serving() as server:
        server.add_json("GET", "/api/v1/accounts/verify_credentials", BRAND)
        server.add_json("GET", f"/api/v1/statuses/{PARENT_STATUS}/context", context(*descendants))
        result = build_publisher("mastodon", env_for(server)).find_existing(reply())
        assert server.calls("/api/v1/statuses", "POST") == []
    if found:
        assert result is not None and result.ok and result.post_id == REPLY_ID
    else:
        assert result is None


@pytest.mark.parametrize(
    ("fault", "unknown", "permanent", "retry_after", "words"),
    [
        (too_many_requests(retry_after=60), False, False, 300, "rate limit"),
        (server_error(500), True, False, None, "server error"),
        (slow(3), True, False, None, "no answer from Mastodon"),  # timed out after sending
        (json_reply({"error": "The access token is invalid"}, 401), False, True, None, "token"),
        (json_reply({"error": "Record not found"}, 404), False, True, None, "no longer exists"),
        (json_reply({"error": "Validation failed: Text too long"}, 422), False, True, None,
         "refused the reply"),
    ],
)  # fmt: skip
def test_failures_say_what_to_do(
    fault: Reply, unknown: bool, permanent: bool, retry_after: float | None, words: str
) -> None:
    with serving() as server:
        posted(server)
        server.fault(fault, path="/api/v1/statuses")
        result = build_publisher("mastodon", env_for(server)).publish(reply())
        # Never re-sent inside the call: the outbox decides about retries.
        assert len(server.calls("/api/v1/statuses", "POST")) == 1
    assert not result.ok
    assert (result.unknown, result.permanent, result.retry_after) == (
        unknown, permanent, retry_after,
    )  # fmt: skip
    assert words in result.error


def test_missing_credentials_are_named_and_nothing_is_sent() -> None:
    with serving() as server:
        result = build_publisher(
            "mastodon", {"MAKEGOOD_MASTODON_API_BASE_URL": server.url}
        ).publish(reply())
        assert server.requests == []
    assert result.permanent and "MAKEGOOD_MASTODON_ACCESS_TOKEN" in result.error
    assert "brand-token" not in result.error
