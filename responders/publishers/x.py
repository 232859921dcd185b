"""X: reply with tweepy `Client.create_tweet(in_reply_to_tweet_id=...)` in user context.

X allows a public reply only when the author mentioned or quoted the brand's account; otherwise
the case offers outreach (a direct message or a manual reply) and this publisher refuses early.
tweepy sets no timeout on its requests session, so the publisher gives it one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from monitor import retry
from monitor.platforms import platform
from monitor.sources._http import describe_body
from responders.publishers.base import (
    Modes,
    OutgoingReply,
    PublishResult,
    missing_env,
    same_text,
)

ENV = {
    "consumer_key": "MAKEGOOD_X_CONSUMER_KEY",
    "consumer_secret": "MAKEGOOD_X_CONSUMER_SECRET",
    "access_token": "MAKEGOOD_X_ACCESS_TOKEN",
    "access_token_secret": "MAKEGOOD_X_ACCESS_TOKEN_SECRET",
}
API_URL_ENV = "MAKEGOOD_X_API_URL"  # send the API traffic elsewhere (a gateway, a test server)
NOT_ALLOWED = (
    "X allows a public reply only when the author mentioned or quoted the brand's account;"
    " reach out by direct message or reply by hand instead"
)
NO_DM = (
    "X's API sends direct messages only with an OAuth 2.0 user token carrying the dm.write"
    " scope, which is not configured here; post it by hand instead"
)
LOOKBACK = 100
X = platform("x")


class RewriteAdapter(HTTPAdapter):
    """Sends every request to `base_url`'s scheme and host (tweepy's host is fixed)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Rewrite the URL's scheme and host, keep path and query."""
        parts = urlsplit(request.url or "")
        request.url = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, ""))
        return super().send(request, **kwargs)


class TimeoutSession(requests.Session):
    """A requests session with a default timeout (tweepy passes none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send with the default timeout unless one is given."""
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def tweet_url(tweet_id: str) -> str:
    """The web link of a post (X redirects /i/web/status/ to the author's path)."""
    return X.link(tweet_id)


class XPublisher:
    """Posts replies as the brand's X account (OAuth 1.0a user context)."""

    platform = "x"

    def __init__(
        self, credentials: Mapping[str, str], api_url: str = "", timeout: float = 15.0
    ) -> None:
        self._credentials = dict(credentials)
        self._api_url = api_url
        self._timeout = timeout
        self._client: tweepy.Client | None = None
        self._me: str = ""

    def _problem(self) -> str:
        return missing_env({ENV[k]: self._credentials.get(k, "") for k in ENV})

    def client(self) -> tweepy.Client:
        """The tweepy client (created on first use)."""
        if self._client is None:
            client = tweepy.Client(**self._credentials, wait_on_rate_limit=False)
            session = TimeoutSession(self._timeout)
            if self._api_url:
                adapter = RewriteAdapter(self._api_url)
                session.mount("https://", adapter)
                session.mount("http://", adapter)
            client.session = session
            self._client = client
        return self._client

    def modes(self, reply_allowed: bool = True) -> Modes:
        """A public reply when X allows it on this post and the keys are set; no DMs; by hand."""
        public = self._problem() or (None if reply_allowed else NOT_ALLOWED)
        return {"public": public or None, "dm": NO_DM, "manual": None}

    def publish(self, reply: OutgoingReply) -> PublishResult:
        """Post the reply in the author's thread, or refuse when X would not allow it."""
        if reply.channel == "dm":  # never a public reply for a text written as a private one
            return PublishResult.failed(NO_DM, permanent=True)
        if reply.channel == "public" and not reply.reply_allowed:
            return PublishResult.failed(NOT_ALLOWED, permanent=True)
        if problem := self._problem():
            return PublishResult.failed(problem, permanent=True)
        try:
            response = self.client().create_tweet(
                text=reply.text, in_reply_to_tweet_id=reply.parent_id, user_auth=True
            )
        except Exception as exc:
            return error_result(exc)
        data = response.data if isinstance(response.data, dict) else {}
        tweet_id = str(data.get("id", ""))
        if not tweet_id:
            return PublishResult.failed(
                "X accepted the reply but returned no id", retry_after=60, unknown=True
            )
        return PublishResult.posted(tweet_id, tweet_url(tweet_id))

    def find_existing(self, reply: OutgoingReply) -> PublishResult | None:
        """Our account's posts since the parent: one replying to it with our text is the reply."""
        if self._problem():
            return None
        client = self.client()
        if not self._me:
            self._me = str(client.get_me(user_auth=True).data.id)
        response = client.get_users_tweets(
            self._me,
            max_results=LOOKBACK,
            since_id=reply.parent_id if reply.parent_id.isdigit() else None,
            tweet_fields=["referenced_tweets", "conversation_id"],
            user_auth=True,
        )
        for tweet in response.data or []:
            refs = tweet.referenced_tweets or []
            replied = any(r.type == "replied_to" and str(r.id) == reply.parent_id for r in refs)
            if replied and same_text(reply.text, tweet.text):
                return PublishResult.posted(str(tweet.id), tweet_url(str(tweet.id)))
        return None


def error_result(exc: Exception) -> PublishResult:
    """A tweepy/requests failure as a result that says what to do."""
    if isinstance(exc, tweepy.TooManyRequests):
        # Both headers clamped (monitor.retry): a reset in the year 9999 must not park the reply.
        wait = retry.parse_reset(exc.response.headers.get(X.rates.reset_header))
        if wait is None:
            wait = retry.parse_retry_after(exc.response.headers.get("retry-after"))
        seconds = max(wait, 1.0) if wait is not None else X.rates.wait_seconds
        return PublishResult.failed(f"X rate limit; retry in {seconds:.0f}s", retry_after=seconds)
    if isinstance(exc, tweepy.Forbidden):
        detail = " ".join(exc.api_messages) or str(exc)
        if "not allowed" in detail.lower() or "mentioned" in detail.lower():
            return PublishResult.failed(f"{NOT_ALLOWED} (X said: {detail})", permanent=True)
        return PublishResult.failed(f"X refused the reply: {detail}", permanent=True)
    if isinstance(exc, tweepy.Unauthorized):
        return PublishResult.failed(
            f"X refused our credentials: check {', '.join(ENV.values())}", permanent=True
        )
    if isinstance(exc, tweepy.NotFound):
        return PublishResult.failed("the X post no longer exists", permanent=True)
    if isinstance(exc, tweepy.TwitterServerError):
        return PublishResult.failed(f"X server error {exc.response.status_code}", unknown=True)
    if isinstance(exc, tweepy.HTTPException):
        return PublishResult.failed(f"X answered {exc.response.status_code}: {exc}")
    if isinstance(exc, requests.exceptions.JSONDecodeError) and exc.response is not None:
        what = describe_body(exc.response.content, exc.response.headers.get("content-type", ""))
        return PublishResult.failed(
            f"X answered {what} (status {exc.response.status_code}), not JSON;"
            " will look for the reply before any resend",
            unknown=True,
        )
    if isinstance(exc, requests.RequestException):
        # The request may have reached X (a timeout after sending): reconcile first.
        return PublishResult.failed(f"no answer from X: {type(exc).__name__}", unknown=True)
    return PublishResult.failed(f"unexpected answer from X: {exc!r}", unknown=True)


def from_env(env: Mapping[str, str]) -> XPublisher:
    """A publisher from MAKEGOOD_X_* user-context keys (and MAKEGOOD_X_API_URL if set)."""
    timeout = float(env.get("MAKEGOOD_X_TIMEOUT") or 15)
    return XPublisher(
        {k: env.get(v, "") for k, v in ENV.items()}, env.get(API_URL_ENV, ""), timeout
    )
