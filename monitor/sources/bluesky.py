"""Bluesky through the atproto SDK: post search (app.bsky.feed.searchPosts) and notifications.

Each feed keeps the newest `sortAt` time seen (the earlier of createdAt and indexedAt, which is
what searchPosts' `since` filters on) and the recent post URIs, so a repeat is dropped. A burst
larger than a page is paged back in the same poll with the server's cursor until older posts
show (at most `max_pages` pages; past the bound the rest is a `Gap`), then the time moves. The
atproto client answers with raw JSON here (`invoke_query`), so one malformed post is
quarantined on its own instead of failing the page. Mention.raw keeps the post view with its
`uri`, `cid` and record (the publisher builds the reply's strong refs from them) and
`reply_refs`: the parent and root a reply to this post must name (monitor.sources._bluesky_posts
turns post views into Mentions; this module holds the session, the paging and the requests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import httpx
from atproto import Client, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.request import Request
from pydantic import BaseModel, ConfigDict, Field

from monitor.mention import Mention
from monitor.retry import clamp_wait
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources._bluesky_posts import BLUESKY, notification_post, sort_at, to_mention
from monitor.sources._common import (
    brand_queries,
    parse_options,
    parse_time,
    rejected,
    remember,
    require_env,
    reset_in_seconds,
    retry_after_seconds,
)
from monitor.sources._http import failure_reason, not_json, path_of
from monitor.sources.base import Gap, PollResult, Rejected, SourceError

HANDLE_ENV = "MAKEGOOD_BLUESKY_HANDLE"
PASSWORD_ENV = "MAKEGOOD_BLUESKY_APP_PASSWORD"
REASONS = ("mention", "reply", "quote")  # notifications that are someone's post about us
BATCH = BLUESKY.rates.lookup_batch  # posts or profiles per getPosts/getProfiles request


class BlueskyOptions(BaseModel):
    """Options of a bluesky channel."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(
        "https://bsky.social", description="The account's PDS (it proxies app.bsky calls)."
    )
    queries: list[str] = Field([], description="Search terms; default: the brand's names.")
    search: bool = Field(True, description="Search posts for the queries.")
    notifications: bool = Field(True, description="Read the account's mentions and replies.")
    followers: bool = Field(
        True, description="Look up authors' followers (one call per 25 authors; off saves calls)."
    )
    page_size: int = Field(50, ge=1, le=BLUESKY.rates.page_max, description="Items a request.")
    max_pages: int = Field(
        10,
        ge=1,
        le=100,
        description=(
            "Pages one poll may read per feed when a burst is larger than a page;"
            " past it, a gap is recorded."
        ),
    )
    min_remaining: int = Field(
        5, ge=0, description="Requests kept in reserve before the rate window resets."
    )
    timeout_seconds: float = Field(20.0, gt=0, description="Seconds to wait for the PDS.")
    handle_env: str = Field(
        HANDLE_ENV, description="Environment variable holding the account's handle."
    )
    app_password_env: str = Field(
        PASSWORD_ENV, description="Environment variable holding an app password."
    )


class _Recorder:
    """An httpx response hook: counts calls and keeps the last response (headers, raw body)."""

    def __init__(self) -> None:
        self.calls = 0
        self.last: httpx.Response | None = None

    def __call__(self, response: httpx.Response) -> None:
        self.calls += 1
        self.last = response


def build_client(options: BlueskyOptions, recorder: _Recorder) -> Client:
    """An atproto Client on `base_url` with a timeout and the recording hook."""
    request = Request(timeout=options.timeout_seconds, event_hooks={"response": [recorder]})
    return Client(base_url=options.base_url, request=request)


class BlueskySource:
    """Post search and the brand account's notifications; one page of each feed per poll."""

    platform = "bluesky"

    def __init__(
        self,
        name: str,
        client: Client,
        recorder: _Recorder,
        options: BlueskyOptions,
        queries: list[str],
        handle: str,
        password: str,
    ):
        self.name = name
        self.client = client
        self.recorder = recorder
        self.options = options
        self.queries = queries
        self._handle = handle
        self._password = password
        self._logged_in = False

    def feeds(self) -> list[tuple[str, str, Callable[[str | None, str | None], Any]]]:
        """(cursor key, list field, fetch(page token, since)) for every feed this channel reads."""
        feeds: list[tuple[str, str, Callable[[str | None, str | None], Any]]] = []
        if self.options.search:
            for query in self.queries:
                feeds.append(
                    (f"search:{query}", "posts", lambda t, s, q=query: self._search(q, t, s))
                )
        if self.options.notifications:
            feeds.append(("notifications", "notifications", self._notifications))
        return feeds

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Every new post of each feed (up to `max_pages` pages each), oldest first."""
        calls_before = self.recorder.calls
        self._login()
        next_cursor = dict(cursor)
        posts: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        gaps: list[Gap] = []
        for feed, field, fetch in self.feeds():
            fresh, next_cursor[feed], gap = self._read(
                feed, field, fetch, dict(cursor.get(feed, {}))
            )
            gaps.extend([gap] if gap else [])
            for item in fresh:
                if field == "notifications":
                    if isinstance(item, dict) and item.get("reason") not in REASONS:
                        continue  # a like or a follow: not a post about us
                    posts.append((notification_post(item), item))
                else:
                    posts.append((item, None))
        mentions, bad = self._convert(posts)
        return PollResult(
            mentions=mentions,
            next_cursor=next_cursor,
            rejected=bad,
            calls=max(self.recorder.calls - calls_before, 1),
            retry_after=self._window_wait(),
            gaps=gaps,
        )

    def _read(
        self, feed: str, field: str, fetch: Callable[[str | None, str | None], Any],
        state: dict[str, Any],
    ) -> tuple[list[Any], dict[str, Any], Gap | None]:  # fmt: skip
        """One feed's pages back to what it has seen: (new items oldest first, state, gap)."""
        fresh: list[Any] = []
        token = state.get("page")  # a burst an older version left half read
        for pages in range(1, self.options.max_pages + 1):
            body = self._call(fetch, token, state.get("since"))
            if isinstance(body, str | bytes) and self.recorder.last is not None:
                # Not JSON at all (a portal's HTML page): the SDK hands the text through.
                where = f"Bluesky's {path_of(self._last_url())}"
                raise not_json(self.name, where, self.recorder.last)
            items = body.get(field) if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise SourceError(
                    f"{self.name}: unexpected response for {feed} (no '{field}' list)",
                    rejected=[rejected(self._last_url(), f"no '{field}' list", body)],
                )
            token = body.get("cursor") if isinstance(body.get("cursor"), str) else None
            page, state, more = self._advance(state, items, token)
            fresh[:0] = page  # older pages go first
            if not more:
                return fresh, state, None
            if pages == self.options.max_pages:
                break
        since = state.get("since")
        reached = min((sort_at(i) for i in fresh if sort_at(i)), default="")
        return (
            fresh,
            _settled(state),
            Gap(
                since=_time(since),
                until=_time(reached),
                missing=None,  # Bluesky does not say how many posts match
                reason=(
                    f"page bound of {self.options.max_pages} pages of {self.page_size} posts hit "
                    "(option max_pages)"
                ),
            ),
        )

    def refresh(self, external_ids: list[str]) -> list[Mention]:
        """Re-read posts (getPosts, 25 per request) for their current likes, replies, reposts."""
        self._login()
        posts: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        for start in range(0, len(external_ids), BATCH):
            uris = external_ids[start : start + BATCH]
            body = self._call(self._get_posts, uris)
            found = body.get("posts") if isinstance(body, dict) else None
            posts.extend((p, None) for p in found or [] if isinstance(p, dict))
        return self._convert(posts)[0]

    # --- paging -----------------------------------------------------------------------------

    def _advance(
        self, state: dict[str, Any], items: list[Any], token: str | None
    ) -> tuple[list[Any], dict[str, Any], bool]:
        """New items (oldest first), the feed's next state, and whether more pages wait."""
        since = str(state.get("since") or "")
        seen = set(state.get("seen") or [])
        fresh: list[Any] = []
        reached_older = False
        newest = str(state.get("pending") or since)
        for item in items:  # newest first, as both endpoints send them
            uri = item.get("uri") if isinstance(item, dict) else None
            stamp = sort_at(item)
            if since and stamp and stamp < since:
                reached_older = True  # the server ignored `since`, or the burst is read
                continue
            if uri in seen:
                continue
            fresh.append(item)
            newest = max(newest, stamp)
        fresh.reverse()
        kept = remember(
            list(state.get("seen") or []),
            [i["uri"] for i in fresh if isinstance(i, dict) and isinstance(i.get("uri"), str)],
        )
        # On the first poll only the newest page is read; afterwards a full page of new posts
        # with a cursor and nothing older on it means more of this burst waits behind it (a
        # page of only seen posts ends the burst, so a server repeating itself cannot loop us).
        more = (
            bool(since and token and fresh) and not reached_older and len(items) >= self.page_size
        )
        if more:
            return fresh, {"since": since, "seen": kept, "page": token, "pending": newest}, True
        return fresh, ({"since": newest, "seen": kept} if newest else {}), False

    @property
    def page_size(self) -> int:
        """Items asked for per request."""
        return self.options.page_size

    # --- requests ---------------------------------------------------------------------------

    def _login(self) -> None:
        if self._logged_in:
            return
        try:
            self.client.login(self._handle, self._password, fetch_bsky_profile=False)
        except UnauthorizedError:
            raise SourceError(
                f"{self.name}: Bluesky refused the login; check {self.options.handle_env} "
                f"and {self.options.app_password_env}",
                permanent=True,
            ) from None
        except Exception as exc:  # mapped like any other request failure
            self._call(_raise, exc)
        self._logged_in = True

    def _search(self, query: str, token: str | None, since: str | None) -> Any:
        params = models.AppBskyFeedSearchPosts.Params(
            q=query, sort="latest", limit=self.page_size, cursor=token, since=since or None
        )
        return self._query("app.bsky.feed.searchPosts", params)

    def _notifications(self, token: str | None, since: str | None) -> Any:
        params = models.AppBskyNotificationListNotifications.Params(
            limit=self.page_size, cursor=token, reasons=list(REASONS)
        )
        return self._query("app.bsky.notification.listNotifications", params)

    def _get_posts(self, uris: list[str]) -> Any:
        params = models.AppBskyFeedGetPosts.Params(uris=uris)
        return self._query("app.bsky.feed.getPosts", params)

    def _profiles(self, dids: Iterable[str]) -> dict[str, int]:
        """Followers per author DID (getProfiles, 25 per request)."""
        followers: dict[str, int] = {}
        wanted = list(dict.fromkeys(dids))
        for start in range(0, len(wanted), BATCH):
            params = models.AppBskyActorGetProfiles.Params(actors=wanted[start : start + BATCH])
            body = self._call(self._query, "app.bsky.actor.getProfiles", params)
            for profile in (body.get("profiles") if isinstance(body, dict) else None) or []:
                if isinstance(profile, dict) and profile.get("did"):
                    followers[str(profile["did"])] = int(profile.get("followersCount") or 0)
        return followers

    def _query(self, nsid: str, params: Any) -> Any:
        """One XRPC query; the JSON body as received (dicts and lists, no SDK models)."""
        return self.client.invoke_query(nsid, params=params).content

    def _window_wait(self) -> float | None:
        """Seconds until the rate window resets when it is (nearly) spent."""
        response = self.recorder.last
        if response is None:
            return None
        remaining = response.headers.get(BLUESKY.rates.remaining_header)
        try:
            if remaining is None or int(remaining) > self.options.min_remaining:
                return None
        except ValueError:
            return None
        return reset_in_seconds(dict(response.headers), BLUESKY.rates.reset_header)

    def _last_url(self) -> str:
        response = self.recorder.last
        return str(response.request.url) if response is not None else self.options.base_url

    def _call(self, fetch: Callable[..., Any], *args: Any) -> Any:
        """Run one request; failures become SourceError with what to do about them."""
        try:
            return fetch(*args)
        except RateLimitExceededError as exc:
            wait = clamp_wait(exc.retry_after)
            if wait is None and exc.reset_at is not None:
                wait = clamp_wait((exc.reset_at - datetime.now(UTC)).total_seconds())
            raise SourceError(
                f"{self.name}: rate limited (429)", retry_after=wait or BLUESKY.rates.wait_seconds
            ) from None
        except UnauthorizedError as exc:
            # The session was refused mid-way (revoked or expired): log in again next time.
            self._logged_in = False
            raise SourceError(f"{self.name}: Bluesky refused the session ({exc})") from None
        except BadRequestError as exc:
            raise SourceError(f"{self.name}: Bluesky refused the request ({exc})") from None
        except (NetworkError, RequestException) as exc:
            response = exc.response
            if response is None:  # a transport failure (timeout, connection)
                cause = exc.__cause__ or exc
                raise SourceError(
                    f"{self.name}: request failed ({failure_reason(cause)})"
                ) from None
            wait = retry_after_seconds(response.headers)
            raise SourceError(
                f"{self.name}: HTTP {response.status_code} from {self._last_url()}",
                retry_after=wait,
            ) from None
        except httpx.HTTPError as exc:  # e.g. a truncated body (the SDK passes these through)
            raise SourceError(f"{self.name}: request failed ({failure_reason(exc)})") from None
        except (ValueError, ModelError):  # the body was not JSON, or not the object expected
            response = self.recorder.last
            if response is None:
                raise SourceError(f"{self.name}: Bluesky answered malformed JSON") from None
            raise not_json(self.name, f"Bluesky's {path_of(self._last_url())}", response) from None
        except AtProtocolError as exc:
            raise SourceError(f"{self.name}: unexpected answer from Bluesky ({exc!r})") from None

    # --- payloads ---------------------------------------------------------------------------

    def _convert(
        self, posts: list[tuple[dict[str, Any], dict[str, Any] | None]]
    ) -> tuple[list[Mention], list[Rejected]]:
        """Posts as Mentions (followers looked up when enabled) and the malformed ones."""
        followers: dict[str, int] = {}
        if self.options.followers:
            dids = [
                str(p["author"]["did"])
                for p, _ in posts
                if isinstance(p, dict)
                and isinstance(p.get("author"), dict)
                and p["author"].get("did")
            ]
            if dids:
                followers = self._profiles(dids)
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        for post, notification in posts:
            result = to_mention(post, followers, notification)
            (bad if isinstance(result, Rejected) else mentions).append(result)  # type: ignore[arg-type]
        return mentions, bad


def _settled(state: dict[str, Any]) -> dict[str, Any]:
    """A mid-burst state moved to the burst's newest post: the unread rest is left behind."""
    newest = state.get("pending") or state.get("since")
    settled = {"since": newest, "seen": state.get("seen") or []}
    return settled if newest else {}


def _time(stamp: Any) -> datetime | None:
    try:
        return parse_time(stamp) if stamp else None
    except (TypeError, ValueError, OverflowError):
        return None


def _raise(exc: Exception) -> None:
    raise exc


def from_settings(brand: BrandSettings, channel: ChannelSettings, key: str) -> BlueskySource:
    """Build a bluesky source from its channel settings and the environment."""
    options = parse_options(BlueskyOptions, channel, key)
    handle = require_env(key, options.handle_env)
    password = require_env(key, options.app_password_env)
    names = options.queries or [*brand.keywords, *brand.aliases] or brand_queries(brand)
    queries = list(dict.fromkeys(q for q in names if q.strip()))
    recorder = _Recorder()
    client = build_client(options, recorder)
    return BlueskySource(key, client, recorder, options, queries, handle, password)
