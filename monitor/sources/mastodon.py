"""Mastodon through Mastodon.py: hashtag timelines, status search and the brand's mentions.

Each feed keeps the id of the newest item it has seen and asks for `min_id` = that id, which
Mastodon answers with the page *immediately* newer (no gap when a burst is larger than a page;
the next poll reads on from there). A full page is checked for a hole below it (`min_id` and
`max_id` together): a server that answers `min_id` with its newest page instead is paged back
with `max_id`, at most `max_pages` pages, and past that bound the poll reports a Gap. Search and
notifications need the brand account's access token; hashtag timelines are public. Status
content is HTML: the Mention text is plain text and the raw payload keeps the HTML as received.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)
from pydantic import BaseModel, ConfigDict, Field

from monitor.mention import Mention
from monitor.platforms import platform
from monitor.retry import clamp_wait
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources._common import (
    brand_queries,
    guarded,
    jsonable,
    optional_env,
    parse_options,
    parse_time,
    rejected,
    retry_after_seconds,
)
from monitor.sources._http import failure_reason, not_json, path_of
from monitor.sources._mastodon_paging import fill_hole, newer
from monitor.sources.base import Gap, PollResult, Rejected, SourceError

TOKEN_ENV = "MAKEGOOD_MASTODON_ACCESS_TOKEN"
# Mastodon.py probes the server version on first use unless told; a local or unusual server
# makes that probe fail (RecursionError on some paths), so the version is given.
ASSUMED_VERSION = "4.2.0"
MASTODON = platform("mastodon")


class MastodonOptions(BaseModel):
    """Options of a mastodon channel."""

    model_config = ConfigDict(extra="forbid")

    api_base_url: str = Field("https://mastodon.social", description="The instance to read.")
    hashtags: list[str] = Field(
        [], description="Hashtag timelines, without '#'; default: the brand's hashtags."
    )
    queries: list[str] = Field([], description="Status search terms; default: the brand's names.")
    # None: on when the access token is set. True without a token is a configuration error.
    search: bool | None = Field(
        None, description="Search statuses; unset: on when the access token is set."
    )
    notifications: bool | None = Field(
        None, description="Read the account's mentions; unset: on when the access token is set."
    )
    page_size: int = Field(
        40, ge=1, le=MASTODON.rates.page_max, description="Items a request (the API's maximum)."
    )
    max_pages: int = Field(
        5,
        ge=2,
        le=100,
        description=(
            "Pages one feed may read in one poll (the page, plus checks and pages back below"
            " it when a server skipped ahead); past it, a gap is recorded."
        ),
    )
    min_remaining: int = Field(
        5, ge=0, description="Requests kept in reserve before the rate window resets."
    )
    timeout_seconds: float = Field(20.0, gt=0, description="Seconds to wait for the instance.")
    mastodon_version: str = Field(
        ASSUMED_VERSION, description="The instance's version, so no version call is needed."
    )
    access_token_env: str = Field(
        TOKEN_ENV, description="Environment variable holding the access token."
    )


class _RecordingSession(requests.Session):
    """A requests.Session that counts calls and keeps the last response (headers, raw body)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.last_response: requests.Response | None = None
        self.hooks["response"].append(self._remember)

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        self.last_response = response


def build_api(options: MastodonOptions, token: str) -> Mastodon:
    """A Mastodon.py client that never sleeps (rate limits raise) and never probes the version."""
    return Mastodon(
        access_token=token or None,
        api_base_url=options.api_base_url.rstrip("/"),
        mastodon_version=options.mastodon_version,
        version_check_mode="none",
        ratelimit_method="throw",  # the default "wait" sleeps inside the call
        request_timeout=options.timeout_seconds,
        session=_RecordingSession(),
    )


class MastodonSource:
    """Hashtag timelines, status search and mentions; one page of each feed per poll."""

    platform = "mastodon"

    def __init__(
        self,
        name: str,
        api: Mastodon,
        options: MastodonOptions,
        hashtags: list[str],
        queries: list[str],
        authenticated: bool,
    ):
        self.name = name
        self.api = api
        self.options = options
        self.hashtags = hashtags
        self.queries = queries
        self.search = options.search if options.search is not None else authenticated
        self.notifications = (
            options.notifications if options.notifications is not None else authenticated
        )

    @property
    def _session(self) -> Any:
        return self.api.session

    def feeds(self) -> list[tuple[str, Callable[..., Any]]]:
        """(cursor key, fetch(min_id, limit) -> items) for every feed this channel reads."""
        feeds: list[tuple[str, Callable[..., Any]]] = []
        for tag in self.hashtags:
            feeds.append((f"tag:{tag}", lambda t=tag, **kw: self.api.timeline_hashtag(t, **kw)))
        if self.search:
            for query in self.queries:
                feeds.append((f"search:{query}", lambda q=query, **kw: self._search(q, **kw)))
        if self.notifications:
            feeds.append(("notifications", self._mentions))
        return feeds

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """One page of each feed, oldest first; the cursor keeps each feed's newest id."""
        next_cursor = dict(cursor)
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        gaps: list[Gap] = []
        exhausted = True
        calls_before = self._session.calls
        for feed, fetch in self.feeds():
            state = dict(cursor.get(feed, {}))
            items = self._call(fetch, min_id=state.get("min_id"), limit=self.options.page_size)
            items = self._as_received(items)
            since = str(state.get("min_id") or "")
            if since and isinstance(items, list) and len(items) >= self.options.page_size:
                items, gap = fill_hole(
                    feed, since, items, self.options.page_size, self.options.max_pages,
                    lambda oldest, f=fetch, s=since: self._as_received(  # type: ignore[misc]
                        self._call(f, min_id=s, max_id=oldest, limit=self.options.page_size)
                    ),
                )  # fmt: skip
                gaps.extend([gap] if gap else [])
            page, page_bad, next_cursor[feed], more = self._page(feed, items, state)
            mentions.extend(page)
            bad.extend(page_bad)
            exhausted = exhausted and not more
        return PollResult(
            mentions=mentions,
            next_cursor=next_cursor,
            rejected=bad,
            calls=max(self._session.calls - calls_before, 1),
            exhausted=exhausted,
            retry_after=self._window_wait(),
            gaps=gaps,
        )

    def refresh(self, external_ids: list[str]) -> list[Mention]:
        """Re-read statuses (one request each) for their current favourites, replies, boosts."""
        found: list[Mention] = []
        for status_id in external_ids:
            try:
                status = self._call(self.api.status, status_id)
            except SourceError as exc:
                if "not found" in str(exc):
                    continue  # deleted since: nothing to update
                raise
            result = to_mention(status)
            if isinstance(result, Mention):
                found.append(result)
        return found

    def _as_received(self, items: Any) -> Any:
        """The page's items as the server sent them (Mastodon.py adds nulls for absent fields)."""
        response = self._session.last_response
        try:
            body = response.json() if response is not None else None
        except ValueError:
            return items
        if isinstance(body, dict) and "error" in body:  # an error object sent with status 200
            url = self._last_url()
            raise SourceError(
                f"{self.name}: {path_of(url)} answered an error with status "
                f"{response.status_code if response is not None else '?'}: "
                f"{str(body.get('error'))[:200]}",
                rejected=[rejected(url, "an error object instead of a page", body)],
            )
        if isinstance(body, dict):
            body = body.get("statuses")
        if isinstance(body, list) and isinstance(items, list) and len(body) == len(items):
            return body
        return items

    # --- feeds ------------------------------------------------------------------------------

    def _search(self, query: str, **kwargs: Any) -> Any:
        result = self.api.search_v2(query, resolve=False, result_type="statuses", **kwargs)
        statuses = result.get("statuses") if isinstance(result, dict) else None
        if not isinstance(statuses, list):
            raise SourceError(
                f"{self.name}: unexpected search response (no 'statuses' list)",
                rejected=[rejected(f"{self.name}:search:{query}", "no 'statuses' list", result)],
            )
        return statuses

    def _mentions(self, **kwargs: Any) -> Any:
        return self.api.notifications(types=["mention"], **kwargs)

    def _page(
        self, feed: str, items: Any, state: dict[str, Any]
    ) -> tuple[list[Mention], list[Rejected], dict[str, Any], bool]:
        """Mentions newer than the feed's cursor (oldest first), rejects, next state, more?"""
        if not isinstance(items, list):
            raise SourceError(
                f"{self.name}: unexpected response for {feed} (not a list)",
                rejected=[rejected(f"{self.name}:{feed}", "expected a list", items)],
            )
        since = str(state.get("min_id") or "")
        newest = since
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        keyed: list[tuple[str, Any]] = []
        for item in items:
            item_id = str(item.get("id") or "") if isinstance(item, dict) else ""
            if item_id and since and not newer(item_id, since):
                continue  # the server ignored min_id: seen already
            if isinstance(item, dict) and item.get("reblog"):
                continue  # a boost: the original post is read on its own
            if item_id and (not newest or newer(item_id, newest)):
                newest = item_id
            keyed.append((item_id, item))
        keyed.sort(key=lambda pair: (len(pair[0]), pair[0]))  # oldest first
        for item_id, item in keyed:
            if feed == "notifications":
                status = item.get("status") if isinstance(item, dict) else None
                result = to_mention(status, notification=item)
            else:
                result = to_mention(item)
            if isinstance(result, Rejected) and not item_id:
                result = rejected(f"mastodon:{feed}", result.error, item)
            (bad if isinstance(result, Rejected) else mentions).append(result)  # type: ignore[arg-type]
        # A full page after a known id: more is waiting right behind it.
        more = bool(since) and len(items) >= self.options.page_size
        return mentions, bad, ({"min_id": newest} if newest else {}), more

    # --- requests ---------------------------------------------------------------------------

    def _window_wait(self) -> float | None:
        """Seconds until the rate window resets when it is (nearly) spent."""
        response = self._session.last_response
        if response is None:
            return None
        remaining = response.headers.get(MASTODON.rates.remaining_header)
        try:
            if remaining is None or int(remaining) > self.options.min_remaining:
                return None
        except ValueError:
            return None
        return _reset_seconds(response.headers)

    def _call(self, fetch: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one Mastodon.py request; failures become SourceError with what to do about them."""
        try:
            return fetch(*args, **kwargs)
        except MastodonRatelimitError:
            headers = self._last_headers()
            wait = retry_after_seconds(headers) or _reset_seconds(headers)
            raise SourceError(
                f"{self.name}: rate limited (429)", retry_after=wait or MASTODON.rates.wait_seconds
            ) from None
        except MastodonUnauthorizedError:
            raise SourceError(
                f"{self.name}: the instance refused the access token (401); "
                f"check {self.options.access_token_env}",
                permanent=True,
            ) from None
        except MastodonNotFoundError:
            url = self._last_url()
            raise SourceError(f"{self.name}: HTTP 404: {url} not found", permanent=True) from None
        except MastodonServerError as exc:
            status = exc.args[1] if len(exc.args) > 1 else "5xx"
            wait = retry_after_seconds(self._last_headers())
            raise SourceError(
                f"{self.name}: HTTP {status} from {self.options.api_base_url}", retry_after=wait
            ) from None
        except MastodonAPIError as exc:
            response = self._session.last_response
            if "Could not parse response as JSON" in str(exc.args[0] if exc.args else ""):
                if response is None:
                    raise SourceError(f"{self.name}: malformed JSON from the instance") from None
                raise not_json(self.name, path_of(self._last_url()), response) from None
            status = response.status_code if response is not None else "?"
            raise SourceError(f"{self.name}: HTTP {status} from {self._last_url()}") from None
        except MastodonNetworkError as exc:
            raise SourceError(f"{self.name}: request failed ({failure_reason(exc)})") from None

    def _last_headers(self) -> dict[str, str]:
        response = self._session.last_response
        return dict(response.headers) if response is not None else {}

    def _last_url(self) -> str:
        response = self._session.last_response
        return response.url if response is not None else self.options.api_base_url


def _reset_seconds(headers: dict[str, str] | Any) -> float | None:
    """Seconds until X-RateLimit-Reset (Mastodon sends an ISO 8601 time)."""
    value = None
    for key, item in (headers or {}).items():
        if key.lower() == MASTODON.rates.reset_header:
            value = item
    if not value:
        return None
    try:
        when = parse_time(value)
    except (ValueError, OverflowError):
        return None
    if when is None:
        return None
    return clamp_wait((when - datetime.now(UTC)).total_seconds())


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH = re.compile(r"</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(content: str) -> str:
    """Mastodon's HTML content as plain text: paragraphs and line breaks kept, tags dropped."""
    text = _PARAGRAPH.sub("\n\n", content)
    text = _BREAK.sub("\n", text)
    return html.unescape(_TAG.sub("", text)).strip()


@guarded("mastodon")
def to_mention(status: Any, notification: Any = None) -> Mention | Rejected:
    """A Mastodon Status entity (from a timeline, search or a mention notification) as a Mention."""
    where = f"mastodon:{status.get('id', '?') if isinstance(status, dict) else '?'}"
    try:
        if not isinstance(status, dict):
            raise TypeError(f"expected a status object, got {type(status).__name__}")
        status_id = str(status["id"])
        content = status["content"]
        if not isinstance(content, str):
            raise TypeError("content is not a string")
        account = status["account"]
        if not isinstance(account, dict):
            raise TypeError("account is not an object")
        text = html_to_text(content)
        spoiler = str(status.get("spoiler_text") or "")
        if spoiler:
            text = f"{spoiler}\n\n{text}"
        if not text:
            raise ValueError("no text")
        raw: dict[str, Any] = {"status": jsonable(status)}
        if notification is not None:
            raw["notification"] = {
                k: jsonable(notification.get(k)) for k in ("id", "type", "created_at")
            }
        return Mention(
            platform="mastodon",
            external_id=status_id,
            text=text,
            author=str(account.get("acct") or account.get("username") or ""),
            author_id=str(account.get("id") or ""),
            author_followers=int(account.get("followers_count") or 0),
            created_at=parse_time(status.get("created_at")),
            url=str(status.get("url") or status.get("uri") or ""),
            likes=int(status.get("favourites_count") or 0),
            replies=int(status.get("replies_count") or 0),
            reposts=int(status.get("reblogs_count") or 0),
            parent_id=str(status.get("in_reply_to_id") or ""),
            reply_allowed=True,
            lang=str(status.get("language") or ""),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return rejected(where, f"malformed status: {type(exc).__name__}: {exc}", status)


def from_settings(brand: BrandSettings, channel: ChannelSettings, key: str) -> MastodonSource:
    """Build a mastodon source from its channel settings and the environment."""
    options = parse_options(MastodonOptions, channel, key)
    token = optional_env(options.access_token_env)
    hashtags = [h.lstrip("#") for h in (options.hashtags or brand.hashtags) if h.lstrip("#")]
    names = options.queries or [*brand.keywords, *brand.aliases] or brand_queries(brand)
    queries = list(dict.fromkeys(q.strip('"') for q in names if q.strip('"')))
    wants_token = [feed for feed in ("search", "notifications") if getattr(options, feed) is True]
    if not token and (wants_token or not hashtags):
        needed = " and ".join(wants_token or ["search", "notifications"])
        raise SourceError(
            f"{key}: {options.access_token_env} is not set (needed for {needed}"
            f"{'' if hashtags else '; no hashtags to read without it'})",
            permanent=True,
        )
    source = MastodonSource(key, build_api(options, token), options, hashtags, queries, bool(token))
    return source
