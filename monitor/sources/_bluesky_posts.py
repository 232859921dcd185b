"""Bluesky post views as Mentions: the sortAt time, notification posts, the refs a reply needs."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from monitor.mention import Mention
from monitor.platforms import platform
from monitor.sources._common import guarded, parse_time, rejected
from monitor.sources.base import Rejected

BLUESKY = platform("bluesky")


def _stamp(value: Any) -> str:
    """An ISO time normalized to UTC with milliseconds (comparable as text), or ''."""
    try:
        when = parse_time(value)
    except (TypeError, ValueError):
        return ""
    if when is None:
        return ""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sort_at(post: Any) -> str:
    """The post's sortAt: the earlier of its record's createdAt and its indexedAt."""
    if not isinstance(post, dict):
        return ""
    record = post.get("record") if isinstance(post.get("record"), dict) else {}
    stamps = [s for s in (_stamp(record.get("createdAt")), _stamp(post.get("indexedAt"))) if s]
    return min(stamps, default="")


def notification_post(notification: Any) -> Any:
    """A notification's post in the shape of a post view (counts are not sent: 0 until refresh)."""
    if not isinstance(notification, dict):
        return notification
    keys = ("uri", "cid", "author", "record", "indexedAt")
    return {k: notification[k] for k in keys if k in notification}


def _ref(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and value.get("uri") and value.get("cid"):
        return {"uri": str(value["uri"]), "cid": str(value["cid"])}
    return None


@guarded("bluesky")
def to_mention(
    post: Any, followers: dict[str, int], notification: dict[str, Any] | None = None
) -> Mention | Rejected:
    """A post view (or a notification's post) as a Mention, with the refs a reply needs."""
    uri = post.get("uri") if isinstance(post, dict) else None
    try:
        if not isinstance(post, dict):
            raise TypeError(f"expected a post object, got {type(post).__name__}")
        uri, cid = str(post["uri"]), str(post["cid"])
        if not uri.startswith("at://"):
            raise ValueError(f"uri is not an at:// URI: {uri!r}")
        author, record = post["author"], post["record"]
        if not isinstance(author, dict) or not isinstance(record, dict):
            raise TypeError("author and record must be objects")
        text = record["text"]
        if not isinstance(text, str):
            raise TypeError("record.text is not a string")
        did = str(author["did"])
        handle = str(author.get("handle") or "")
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
        parent, root = _ref(reply.get("parent")), _ref(reply.get("root"))
        itself = {"uri": uri, "cid": cid}
        raw: dict[str, Any] = {
            "post": post,
            # What a reply to this post names: this post as parent, its thread's root as root.
            "reply_refs": {"parent": itself, "root": root or itself},
        }
        if notification is not None:
            raw["notification"] = {
                k: notification.get(k) for k in ("reason", "reasonSubject", "indexedAt", "isRead")
            }
        langs = record.get("langs") or []
        return Mention(
            platform="bluesky",
            external_id=uri,
            text=text,
            author=handle or did,
            author_id=did,
            author_followers=int(followers.get(did, 0)),
            created_at=parse_time(record.get("createdAt") or post.get("indexedAt")),
            url=BLUESKY.link(uri, handle),
            likes=int(post.get("likeCount") or 0),
            replies=int(post.get("replyCount") or 0),
            reposts=int(post.get("repostCount") or 0) + int(post.get("quoteCount") or 0),
            parent_id=parent["uri"] if parent else "",
            root_id=(root or itself)["uri"],
            reply_allowed=True,
            lang=str(langs[0]) if isinstance(langs, list) and langs else "",
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return rejected(
            f"bluesky:{uri or '?'}", f"malformed post: {type(exc).__name__}: {exc}", post
        )
