"""Mastodon: reply with `status_post(in_reply_to_id=...)`, sent with an Idempotency-Key.

Mastodon itself drops a repeated post with the same Idempotency-Key for an hour; past that, the
publisher reconciles by reading the parent's thread for our account's reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from monitor.platforms import platform
from responders.publishers.base import (
    Modes,
    OutgoingReply,
    PublishResult,
    missing_env,
    same_text,
)

TOKEN_ENV = "MAKEGOOD_MASTODON_ACCESS_TOKEN"
BASE_URL_ENV = (
    "MAKEGOOD_MASTODON_API_BASE_URL"  # the brand's instance, e.g. https://mastodon.social
)


NO_DM = "makegood does not send Mastodon direct (mentioned-only) posts; post it by hand instead"


class MastodonPublisher:
    """Posts replies as the brand's Mastodon account."""

    platform = "mastodon"

    def __init__(self, access_token: str, api_base_url: str, timeout: float = 15.0) -> None:
        self._token = access_token
        self._base = api_base_url
        self._timeout = timeout
        self._api: Mastodon | None = None
        self._me: str = ""

    def _problem(self) -> str:
        return missing_env({TOKEN_ENV: self._token, BASE_URL_ENV: self._base})

    def api(self) -> Mastodon:
        """The Mastodon.py client: no version probe, rate limits raised (never slept on)."""
        if self._api is None:
            self._api = Mastodon(
                access_token=self._token,
                api_base_url=self._base,
                mastodon_version="4.2.0",
                version_check_mode="none",
                ratelimit_method="throw",
                request_timeout=self._timeout,
            )
        return self._api

    def modes(self, reply_allowed: bool = True) -> Modes:
        """A public reply once the credentials are set; no direct messages; always by hand."""
        return {"public": self._problem() or None, "dm": NO_DM, "manual": None}

    def publish(self, reply: OutgoingReply) -> PublishResult:
        """Post the reply under its parent status."""
        if reply.channel == "dm":  # a text written as a private message is never posted publicly
            return PublishResult.failed(NO_DM, permanent=True)
        if problem := self._problem():
            return PublishResult.failed(problem, permanent=True)
        try:
            status = self.api().status_post(
                reply.text,
                in_reply_to_id=reply.parent_id,
                idempotency_key=reply.key or None,
            )
        except Exception as exc:
            return error_result(exc)
        if not isinstance(status, dict) or not status.get("id"):  # 200 without the new status
            return PublishResult.failed(
                "Mastodon answered the reply without the new status (no id);"
                " will look for it before any resend",
                retry_after=60,
                unknown=True,
            )
        return PublishResult.posted(str(status["id"]), str(status.get("url") or ""))

    def find_existing(self, reply: OutgoingReply) -> PublishResult | None:
        """The parent's replies: one by our account with our text is the reply."""
        if self._problem():
            return None
        api = self.api()
        if not self._me:
            self._me = str(api.account_verify_credentials()["id"])
        context: Any = api.status_context(reply.parent_id)
        for status in context["descendants"]:
            if (
                str(status["account"]["id"]) == self._me
                and str(status.get("in_reply_to_id")) == reply.parent_id
                and same_text(reply.text, str(status.get("content", "")))
            ):
                return PublishResult.posted(str(status["id"]), str(status.get("url") or ""))
        return None


def error_result(exc: Exception) -> PublishResult:
    """A Mastodon.py failure as a result that says what to do."""
    if isinstance(exc, MastodonRatelimitError):
        wait = platform("mastodon").rates.wait_seconds
        return PublishResult.failed("Mastodon rate limit; retrying later", retry_after=wait)
    if isinstance(exc, MastodonUnauthorizedError):
        return PublishResult.failed(
            f"Mastodon refused our token: check {TOKEN_ENV} (it needs write:statuses)",
            permanent=True,
        )
    if isinstance(exc, MastodonNotFoundError):
        return PublishResult.failed("the Mastodon post no longer exists", permanent=True)
    if isinstance(exc, MastodonServerError):
        return PublishResult.failed(f"Mastodon server error: {exc}", unknown=True)
    if isinstance(exc, MastodonAPIError) and "Could not parse response" in str(exc):
        # An HTML page, an empty or cut-off body with 200: the post may be out; look first.
        return PublishResult.failed(
            "Mastodon answered something that is not JSON (an HTML page, an empty or cut-off"
            " body); will look for the reply before any resend",
            unknown=True,
        )
    if isinstance(exc, MastodonAPIError):
        return PublishResult.failed(f"Mastodon refused the reply: {exc}", permanent=True)
    if isinstance(exc, MastodonNetworkError):
        return PublishResult.failed(f"no answer from Mastodon: {exc}", unknown=True)
    return PublishResult.failed(f"unexpected answer from Mastodon: {exc!r}", unknown=True)


def from_env(env: Mapping[str, str]) -> MastodonPublisher:
    """A publisher from MAKEGOOD_MASTODON_ACCESS_TOKEN and MAKEGOOD_MASTODON_API_BASE_URL."""
    timeout = float(env.get("MAKEGOOD_MASTODON_TIMEOUT") or 15)
    return MastodonPublisher(env.get(TOKEN_ENV, ""), env.get(BASE_URL_ENV, ""), timeout)
