"""Bluesky: reply with atproto `send_post(reply_to=...)` carrying the thread's root and parent.

A Bluesky reply must name both the post it answers (parent) and the thread's first post (root),
each as a strong reference (at:// URI + content hash). The stored payload usually has them;
otherwise the publisher reads the parent post first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atproto import Client, models
from atproto_client.exceptions import (
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)

from monitor.mention import utcnow
from monitor.platforms import platform
from monitor.retry import clamp_wait
from responders.publishers.base import (
    Modes,
    OutgoingReply,
    PublishResult,
    missing_env,
    same_text,
)

HANDLE_ENV = "MAKEGOOD_BLUESKY_HANDLE"
PASSWORD_ENV = "MAKEGOOD_BLUESKY_APP_PASSWORD"
BASE_URL_ENV = "MAKEGOOD_BLUESKY_URL"  # a PDS other than bsky.social, or a test server
BLUESKY = platform("bluesky")


def _ref(data: Any) -> tuple[str, str] | None:
    """(uri, cid) from a dict holding both, if it does."""
    if isinstance(data, dict) and data.get("uri") and data.get("cid"):
        return str(data["uri"]), str(data["cid"])
    return None


def refs_from_raw(
    parent_uri: str, raw: dict[str, Any]
) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """(parent, root) strong refs from a stored post view, or None when the cid is missing."""
    post = raw.get("post") if isinstance(raw.get("post"), dict) else raw
    cid = post.get("cid")
    if not cid:
        return None
    parent = (parent_uri, str(cid))
    record = post.get("record") or post.get("value") or {}
    root = _ref((record.get("reply") or {}).get("root")) if isinstance(record, dict) else None
    return parent, root or parent


NO_DM = (
    "Bluesky DMs go through the chat.bsky service, which makegood does not use;"
    " post it by hand instead"
)


class BlueskyPublisher:
    """Posts replies as the brand's Bluesky account (handle + app password)."""

    platform = "bluesky"

    def __init__(self, handle: str, app_password: str, base_url: str = "") -> None:
        self._handle = handle
        self._password = app_password
        self._base = base_url or None
        self._client: Client | None = None

    def _problem(self) -> str:
        return missing_env({HANDLE_ENV: self._handle, PASSWORD_ENV: self._password})

    def client(self) -> Client:
        """A logged-in atproto client (one session per publisher)."""
        if self._client is None:
            client = Client(base_url=self._base)
            client.login(self._handle, self._password)
            self._client = client
        return self._client

    def _refs(self, reply: OutgoingReply) -> tuple[tuple[str, str], tuple[str, str]]:
        refs = refs_from_raw(reply.parent_id, reply.parent_raw)
        if refs is not None:
            return refs
        posts = self.client().get_posts([reply.parent_id]).posts
        if not posts:
            raise LookupError("the Bluesky post no longer exists")
        post = posts[0]
        parent = (post.uri, post.cid)
        root_ref = getattr(getattr(post.record, "reply", None), "root", None)
        return parent, (root_ref.uri, root_ref.cid) if root_ref else parent

    def modes(self, reply_allowed: bool = True) -> Modes:
        """A public reply once the credentials are set; no direct messages; always by hand."""
        return {"public": self._problem() or None, "dm": NO_DM, "manual": None}

    def publish(self, reply: OutgoingReply) -> PublishResult:
        """Post the reply in the thread, with correct root and parent references."""
        if reply.channel == "dm":  # a text written as a private message is never posted publicly
            return PublishResult.failed(NO_DM, permanent=True)
        if problem := self._problem():
            return PublishResult.failed(problem, permanent=True)
        try:
            (p_uri, p_cid), (r_uri, r_cid) = self._refs(reply)
        except LookupError as exc:
            return PublishResult.failed(str(exc), permanent=True)
        except Exception as exc:
            return error_result(exc, sent=False)
        reply_to = models.AppBskyFeedPost.ReplyRef(
            parent=models.ComAtprotoRepoStrongRef.Main(uri=p_uri, cid=p_cid),
            root=models.ComAtprotoRepoStrongRef.Main(uri=r_uri, cid=r_cid),
        )
        try:
            created = self.client().send_post(text=reply.text, reply_to=reply_to)
        except Exception as exc:
            return error_result(exc, sent=True)
        return PublishResult.posted(created.uri, BLUESKY.link(created.uri))

    def find_existing(self, reply: OutgoingReply) -> PublishResult | None:
        """The parent's direct replies: one by our account with our text is the reply."""
        if self._problem():
            return None
        client = self.client()
        me = client.me.did if client.me else ""
        thread = client.get_post_thread(uri=reply.parent_id, depth=1).thread
        for child in getattr(thread, "replies", None) or []:
            post = getattr(child, "post", None)
            if post is None or post.author.did != me:
                continue
            if same_text(reply.text, getattr(post.record, "text", "")):
                return PublishResult.posted(post.uri, BLUESKY.link(post.uri))
        return None


def error_result(exc: Exception, sent: bool) -> PublishResult:
    """An atproto failure as a result that says what to do."""
    if isinstance(exc, RateLimitExceededError):
        reset = exc.reset_at
        wait = clamp_wait(exc.retry_after)
        if wait is None and reset is not None:
            wait = clamp_wait((reset - utcnow()).total_seconds())
        seconds = max(wait, 1.0) if wait is not None else BLUESKY.rates.wait_seconds
        return PublishResult.failed(
            f"Bluesky rate limit; retry in {seconds:.0f}s", retry_after=seconds
        )
    if isinstance(exc, UnauthorizedError):
        return PublishResult.failed(
            f"Bluesky refused the login: check {HANDLE_ENV} and {PASSWORD_ENV}", permanent=True
        )
    if isinstance(exc, BadRequestError):
        return PublishResult.failed(f"Bluesky refused the reply: {exc}", permanent=True)
    if isinstance(exc, NetworkError | RequestException):
        return PublishResult.failed(f"no answer from Bluesky: {exc}", unknown=sent)
    return PublishResult.failed(f"unexpected answer from Bluesky: {exc!r}", unknown=sent)


def from_env(env: Mapping[str, str]) -> BlueskyPublisher:
    """A publisher from MAKEGOOD_BLUESKY_HANDLE / _APP_PASSWORD (and MAKEGOOD_BLUESKY_URL)."""
    return BlueskyPublisher(
        env.get(HANDLE_ENV, ""), env.get(PASSWORD_ENV, ""), env.get(BASE_URL_ENV, "")
    )
