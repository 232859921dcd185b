"""Reddit: reply to a comment or submission with praw; reconcile by our account's recent comments.

praw's `reply` returns None when Reddit accepts the comment but sends nothing back (a recorded
case): the reply exists, so we look it up in our account's comments instead of posting again.
prawcore retries requests on timeouts and 5xx by itself, which for a POST can post twice: the
publisher turns that off and leaves retries to the outbox, which reconciles first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import praw
import prawcore
from praw.exceptions import RedditAPIException
from praw.models import Comment, Submission
from prawcore.requestor import Requestor

from monitor import retry
from monitor.platforms import platform
from monitor.sources._http import describe_body
from monitor.sources._prawcore import disable_retries
from responders.publishers.base import (
    Modes,
    OutgoingReply,
    PublishResult,
    missing_env,
    same_text,
)

ENV = {
    "client_id": "MAKEGOOD_REDDIT_CLIENT_ID",
    "client_secret": "MAKEGOOD_REDDIT_CLIENT_SECRET",
    "username": "MAKEGOOD_REDDIT_USERNAME",
    "password": "MAKEGOOD_REDDIT_PASSWORD",
}
OAUTH_URL_ENV = "MAKEGOOD_REDDIT_OAUTH_URL"  # tests point these at a local server
REDDIT_URL_ENV = "MAKEGOOD_REDDIT_URL"
LOOKBACK = 100  # our recent comments searched when reconciling
REDDIT = platform("reddit")


NO_DM = (
    "Reddit private messages need the privatemessages scope, which makegood does not use;"
    " post it by hand instead"
)


class _TimeoutRequestor(Requestor):
    """A prawcore requestor that keeps its own timeout (praw 8 always passes prawcore's 16 s)."""

    def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Send with this requestor's timeout."""
        return super().request(*args, timeout=self.timeout, **kwargs)


def fullname(reply: OutgoingReply) -> str:
    """The parent's fullname (t1_ comment, t3_ submission), from its id or stored payload."""
    parent = reply.parent_id
    if parent[:3] in ("t1_", "t3_"):
        return parent
    name = str(reply.parent_raw.get("name", ""))
    if name[:3] in ("t1_", "t3_"):
        return name
    is_submission = "title" in reply.parent_raw or reply.parent_raw.get("kind") == "t3"
    return f"{'t3' if is_submission else 't1'}_{parent}"


def comment_url(comment: Comment) -> str:
    """A stable web link to a comment."""
    permalink = comment.__dict__.get("permalink")
    if permalink:
        return REDDIT.link(permalink)
    link_id = str(comment.__dict__.get("link_id", ""))
    return REDDIT.link(f"/comments/{link_id.removeprefix('t3_')}/_/{comment.id}/")


class RedditPublisher:
    """Posts comments as the brand's Reddit account (a script app with username and password)."""

    platform = "reddit"

    def __init__(self, credentials: Mapping[str, str], **options: Any) -> None:
        self._credentials = dict(credentials)
        self._options = options
        self._reddit: praw.Reddit | None = None

    def _problem(self) -> str:
        return missing_env({ENV[k]: self._credentials.get(k, "") for k in ENV})

    def _client(self) -> praw.Reddit:
        if self._reddit is None:
            reddit = praw.Reddit(
                **self._credentials,
                user_agent="makegood/0.1 (brand care replies)",
                check_for_updates=False,
                check_for_async=False,
                **self._options,
            )
            disable_retries(reddit)
            self._reddit = reddit
        return self._reddit

    def modes(self, reply_allowed: bool = True) -> Modes:
        """A public reply once the credentials are set; no direct messages; always by hand."""
        return {"public": self._problem() or None, "dm": NO_DM, "manual": None}

    def publish(self, reply: OutgoingReply) -> PublishResult:
        """Post the reply under its parent; a lost answer is reported as unknown, not retried."""
        if reply.channel == "dm":  # a text written as a private message is never posted publicly
            return PublishResult.failed(NO_DM, permanent=True)
        if problem := self._problem():
            return PublishResult.failed(problem, permanent=True)
        reddit = self._client()
        parent = fullname(reply)
        target: Comment | Submission = (
            reddit.submission(id=parent[3:])
            if parent.startswith("t3_")
            else reddit.comment(parent[3:])
        )
        try:
            comment = target.reply(reply.text)
        except Exception as exc:
            return error_result(exc)
        if comment is None:
            try:
                found = self.find_existing(reply)
            except Exception:  # cannot look now: the outbox looks again before any resend
                found = None
            if found is not None and found.ok:
                return PublishResult.posted(
                    found.post_id, found.url, "Reddit returned no id; found among our comments"
                )
            return PublishResult.failed(
                "Reddit accepted the reply but returned no id and it is not listed yet;"
                " will look for it again before any resend",
                retry_after=60,
                unknown=True,
            )
        if not isinstance(comment, Comment):  # an answer of the wrong shape: it may be posted
            return PublishResult.failed(
                f"Reddit answered the reply with {type(comment).__name__}, not a comment;"
                " will look for it before any resend",
                retry_after=60,
                unknown=True,
            )
        return PublishResult.posted(comment.fullname, comment_url(comment))

    def find_existing(self, reply: OutgoingReply) -> PublishResult | None:
        """Our account's recent comments: one under the same parent with our text is the reply."""
        if self._problem():
            return None
        parent = fullname(reply)
        username = self._credentials["username"]
        for comment in self._client().redditor(username).comments.new(limit=LOOKBACK):
            if comment.parent_id == parent and same_text(reply.text, comment.body):
                return PublishResult.posted(comment.fullname, comment_url(comment))
        return None


def error_result(exc: Exception) -> PublishResult:
    """A praw/prawcore failure as a result that says what to do."""
    if isinstance(exc, prawcore.exceptions.TooManyRequests):
        retry = _retry_after(exc.response.headers)
        return PublishResult.failed(f"Reddit rate limit; retry in {retry:.0f}s", retry_after=retry)
    if isinstance(exc, RedditAPIException):
        codes = {item.error_type for item in exc.items}
        if "RATELIMIT" in codes:
            return PublishResult.failed(f"Reddit rate limit: {exc}", retry_after=600)
        # DELETED_COMMENT, THREAD_LOCKED, TOO_OLD...: the thread no longer takes replies.
        return PublishResult.failed(f"Reddit refused the reply: {exc}", permanent=True)
    if isinstance(exc, prawcore.exceptions.OAuthException | prawcore.exceptions.Forbidden):
        return PublishResult.failed(
            f"Reddit refused our credentials or access ({type(exc).__name__}): check"
            f" {', '.join(ENV.values())} and the account's permissions",
            permanent=True,
        )
    if isinstance(exc, prawcore.exceptions.NotFound):
        return PublishResult.failed("the Reddit post no longer exists", permanent=True)
    if isinstance(exc, prawcore.exceptions.ServerError):
        status = exc.response.status_code
        return PublishResult.failed(f"Reddit server error {status}", unknown=True)
    if isinstance(exc, prawcore.exceptions.RequestException):
        # The request may have reached Reddit (a timeout after sending): reconcile first.
        return PublishResult.failed(
            f"no answer from Reddit: {type(exc.original_exception).__name__}", unknown=True
        )
    if isinstance(exc, prawcore.exceptions.BadJSON):
        what = describe_body(exc.response.content, exc.response.headers.get("content-type", ""))
        return PublishResult.failed(
            f"Reddit answered {what} (status {exc.response.status_code}), not JSON;"
            " will look for the reply before any resend",
            unknown=True,
        )
    if isinstance(exc, ValueError | TypeError | KeyError):  # the token answer was not a token
        return PublishResult.failed(
            f"Reddit answered something that is not the JSON expected ({exc!r});"
            " will look for the reply before any resend",
            unknown=True,
        )
    if isinstance(exc, prawcore.exceptions.ResponseException):
        return PublishResult.failed(f"Reddit answered {exc.response.status_code}", unknown=True)
    # Something unexpected after the request went out: it may be posted, so look before resending.
    return PublishResult.failed(f"unexpected answer from Reddit: {exc!r}", unknown=True)


def _retry_after(headers: Mapping[str, str]) -> float:
    """Retry-After, else x-ratelimit-reset, clamped (monitor.retry); the platform's wait if odd."""
    lower = {k.lower(): v for k, v in headers.items()}
    wait = retry.parse_retry_after(lower.get("retry-after"))
    if wait is None:
        wait = retry.parse_reset(lower.get(REDDIT.rates.reset_header))
    return max(wait, 1.0) if wait is not None else REDDIT.rates.wait_seconds


def from_env(env: Mapping[str, str]) -> RedditPublisher:
    """A publisher from MAKEGOOD_REDDIT_* (and optional base URLs for a local server)."""
    options: dict[str, Any] = {}
    if env.get(OAUTH_URL_ENV):
        options["oauth_url"] = env[OAUTH_URL_ENV]
    if env.get(REDDIT_URL_ENV):
        options["reddit_url"] = env[REDDIT_URL_ENV]
    # praw 8 ignores its own `timeout` setting: give it to the requestor directly.
    options["requestor_class"] = _TimeoutRequestor
    options["requestor_kwargs"] = {"timeout": float(env.get("MAKEGOOD_REDDIT_TIMEOUT") or 16)}
    return RedditPublisher({k: env.get(v, "") for k, v in ENV.items()}, **options)
