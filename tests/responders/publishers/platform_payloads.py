"""Mastodon and Bluesky API payloads written by us from the documented formats (no recordings
exist): Mastodon REST entities Status/Account/Context; AT Protocol lexicons
com.atproto.server.createSession, app.bsky.actor.getProfile, app.bsky.feed.getPosts,
app.bsky.feed.getPostThread and com.atproto.repo.createRecord. Fictional accounts only."""

from __future__ import annotations

from typing import Any

# The session builders live in tests.fakes (the source tests use them too); re-exported here.
from tests.fakes.atproto import BRAND_DID, create_session, jwt  # noqa: F401

MASTODON_ME = "109000000000000001"
PARENT_STATUS = "111222333444555666"


def mastodon_account(account_id: str, username: str) -> dict[str, Any]:
    """A Mastodon Account entity (the fields Mastodon.py reads)."""
    return {
        "id": account_id,
        "username": username,
        "acct": username,
        "display_name": username.title(),
        "locked": False,
        "bot": False,
        "created_at": "2023-01-05T00:00:00.000Z",
        "note": "",
        "url": f"https://social.example/@{username}",
        "avatar": "https://social.example/avatars/original/missing.png",
        "header": "https://social.example/headers/original/missing.png",
        "followers_count": 120,
        "following_count": 80,
        "statuses_count": 42,
        "emojis": [],
        "fields": [],
    }


def mastodon_status(
    status_id: str, account: dict[str, Any], html: str, in_reply_to: str | None = None
) -> dict[str, Any]:
    """A Mastodon Status entity; `content` is HTML, as the server renders it."""
    return {
        "id": status_id,
        "uri": f"https://social.example/users/{account['username']}/statuses/{status_id}",
        "url": f"https://social.example/@{account['username']}/{status_id}",
        "created_at": "2026-03-02T10:15:00.000Z",
        "account": account,
        "content": html,
        "visibility": "public",
        "sensitive": False,
        "spoiler_text": "",
        "in_reply_to_id": in_reply_to,
        "in_reply_to_account_id": None,
        "reblog": None,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "reblogs_count": 0,
        "favourites_count": 0,
        "replies_count": 0,
        "language": "en",
    }


CUSTOMER_DID = "did:plc:customerann0000000000001"
ROOT_URI = f"at://{CUSTOMER_DID}/app.bsky.feed.post/3lrootpost0001"
ROOT_CID = "bafyreiroot0000000000000000000000000000000000000000000001"
PARENT_URI = f"at://{CUSTOMER_DID}/app.bsky.feed.post/3lparentpost02"
PARENT_CID = "bafyreiparent00000000000000000000000000000000000000000002"
REPLY_URI = f"at://{BRAND_DID}/app.bsky.feed.post/3lreplypost003"
REPLY_CID = "bafyreireply000000000000000000000000000000000000000000003"


def profile(did: str = BRAND_DID, handle: str = "kettlebird.example") -> dict[str, Any]:
    """app.bsky.actor.getProfile output (ProfileViewDetailed)."""
    return {"did": did, "handle": handle, "displayName": "Kettlebird", "followersCount": 5}


def post_view(
    uri: str, cid: str, did: str, text: str, reply: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An app.bsky.feed.defs#postView with its app.bsky.feed.post record."""
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2026-03-02T10:00:00.000Z",
    }
    if reply:
        record["reply"] = reply
    return {
        "uri": uri,
        "cid": cid,
        "author": {"did": did, "handle": "ann.example" if did == CUSTOMER_DID else "kb.example"},
        "record": record,
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 0,
        "indexedAt": "2026-03-02T10:00:01.000Z",
    }


def parent_post() -> dict[str, Any]:
    """The customer's post we answer: itself a reply in a thread started by ROOT."""
    reply = {
        "root": {"uri": ROOT_URI, "cid": ROOT_CID},
        "parent": {"uri": ROOT_URI, "cid": ROOT_CID},
    }
    return post_view(PARENT_URI, PARENT_CID, CUSTOMER_DID, "@kettlebird the lid broke again", reply)
