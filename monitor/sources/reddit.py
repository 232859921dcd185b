"""Reddit through praw: subreddit search and comment stream (before-cursors), inbox mentions.

Each feed keeps its own cursor: the newest fullname seen (`before`), the newest item ever seen
(`newest`: fullname and time, never forgotten) and a bounded set of recent fullnames. Reddit
answers a `before` whose item was removed with an empty page forever, so after an empty page the
next request asks for the latest items and the seen set drops repeats (praw's stream logic, one
step per poll, with the state in the cursor instead of a generator). When that latest page is
full and reaches nothing seen (a burst after a quiet poll), the feed pages back with `after`
until it meets `newest`, at most `max_pages` pages; past that bound the poll reports a Gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import praw
import prawcore
from pydantic import BaseModel, ConfigDict, Field

from monitor.mention import Mention
from monitor.platforms import REDDIT_WEB, platform
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources._common import (
    brand_queries,
    guarded,
    jsonable,
    optional_env,
    parse_options,
    rejected,
    remember,
    require_env,
    reset_in_seconds,
    retry_after_seconds,
)
from monitor.sources._http import describe_body, failure_reason, not_json, path_of
from monitor.sources._prawcore import disable_retries, skip_rate_sleep
from monitor.sources._reddit_paging import Newest, page_back
from monitor.sources.base import Gap, PollResult, Rejected, SourceError

SEEN_PER_FEED = 301  # praw's stream remembers 301 ids: enough to bridge one page overlap
CACHE_BUSTER_CYCLE = 30  # praw varies `limit` without `before` so Reddit's cache is skipped
REDDIT = platform("reddit")
# One listing request: fetch(limit, before, after) -> the page's children, newest first.
Fetch = Callable[..., list[Any]]


class RedditOptions(BaseModel):
    """Options of a reddit channel (credentials are named by *_env, read from the environment)."""

    model_config = ConfigDict(extra="forbid")

    subreddits: list[str] = Field(
        default_factory=lambda: ["all"], min_length=1, description="Subreddits to read."
    )
    queries: list[str] = Field(
        [], description="Search terms; default: the brand's queries, else keywords and aliases."
    )
    search: bool = Field(True, description="Search the subreddits for the queries, newest first.")
    comments: bool = Field(True, description="Read the subreddits' comment stream.")
    inbox: bool = Field(
        True, description="Read u/ mentions of the brand's account (needs username and password)."
    )
    page_size: int = Field(100, ge=1, le=REDDIT.rates.page_max, description="Items a request.")
    max_pages: int = Field(
        5,
        ge=1,
        le=100,
        description=(
            "Pages one feed may read in one poll when paging back over a burst;"
            " past it, a gap is recorded."
        ),
    )
    min_remaining: int = Field(
        5, ge=0, description="Requests kept in reserve before the rate window resets."
    )
    timeout_seconds: float = Field(16.0, gt=0, description="Seconds to wait for Reddit.")
    oauth_url: str = Field("https://oauth.reddit.com", description="Reddit's API address.")
    reddit_url: str = Field(REDDIT_WEB, description="Reddit's web address (for the token).")
    client_id_env: str = Field(
        "MAKEGOOD_REDDIT_CLIENT_ID", description="Environment variable holding the client id."
    )
    client_secret_env: str = Field(
        "MAKEGOOD_REDDIT_CLIENT_SECRET",
        description="Environment variable holding the client secret.",
    )
    username_env: str = Field(
        "MAKEGOOD_REDDIT_USERNAME", description="Environment variable holding the account name."
    )
    password_env: str = Field(
        "MAKEGOOD_REDDIT_PASSWORD", description="Environment variable holding its password."
    )
    user_agent_env: str = Field(
        "MAKEGOOD_REDDIT_USER_AGENT", description="Environment variable holding a user agent."
    )


class _Tracker:
    """Counts requests and keeps the latest rate-limit headers (shared with the requestor)."""

    def __init__(self) -> None:
        self.calls = 0
        self.remaining: float | None = None
        self.reset_at: float | None = None  # time.time() when the window resets
        self.last: Any = None  # the last response (token requests too), to name a bad answer

    def update(self, headers: Mapping[str, str]) -> None:
        """Read x-ratelimit-remaining/reset from a response."""
        self.calls += 1
        remaining = headers.get(REDDIT.rates.remaining_header)
        reset = reset_in_seconds(headers, REDDIT.rates.reset_header)
        if remaining is not None:
            try:
                self.remaining = float(remaining)
            except ValueError:
                self.remaining = None
        if reset is not None:
            self.reset_at = time.time() + reset

    def wait_needed(self, reserve: int) -> float | None:
        """Seconds to wait when the window is (nearly) spent, else None."""
        if self.remaining is None or self.remaining > reserve or self.reset_at is None:
            return None
        wait = self.reset_at - time.time()
        return wait if wait > 0 else None


def _tracking_requestor(tracker: _Tracker) -> type[prawcore.Requestor]:
    """A prawcore Requestor class that reports each response to `tracker`."""

    class TrackingRequestor(prawcore.Requestor):
        def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
            # prawcore's session always passes its own 16 s default: the channel's setting wins.
            response = super().request(*args, timeout=self.timeout, **kwargs)
            tracker.last = response
            tracker.update(response.headers)
            return response

    return TrackingRequestor


class RedditSource:
    """Search, comment stream and inbox mentions for one brand, one page of each per poll."""

    platform = "reddit"

    def __init__(self, name: str, reddit: praw.Reddit, options: RedditOptions, queries: list[str]):
        self.name = name
        self.reddit = reddit
        self.options = options
        self.queries = queries
        self.tracker: _Tracker = getattr(reddit, "_makegood_tracker", None) or _Tracker()
        self.has_user = bool(reddit.config.username and reddit.config.password)
        # The pipeline owns retries and waits: prawcore would otherwise sleep inside a poll.
        disable_retries(reddit)

    # --- feeds ------------------------------------------------------------------------------

    def feeds(self) -> list[tuple[str, Fetch]]:
        """(cursor key, fetch(limit, before, after)) for every enabled feed; one request each."""
        subs = "+".join(self.options.subreddits)
        feeds: list[tuple[str, Fetch]] = []
        if self.options.comments:
            feeds.append((f"comments:{subs}", self._listing(f"r/{subs}/comments/", {})))
        if self.options.search:
            for query in self.queries:
                params = {"q": query, "sort": "new", "t": "all", "restrict_sr": subs != "all"}
                feeds.append((f"search:{subs}:{query}", self._listing(f"r/{subs}/search/", params)))
        if self.options.inbox and self.has_user:
            feeds.append(("inbox", self._listing("message/mentions/", {})))
        return feeds

    def _listing(self, path: str, params: dict[str, Any]) -> Fetch:
        """One listing page (never praw's ListingGenerator, which would follow `after` pages)."""

        def fetch(limit: int, before: str | None, after: str | None = None) -> list[Any]:
            query = {**params, "limit": limit}
            if before:
                query["before"] = before
            if after:
                query["after"] = after
            listing = self.reddit.get(path, params=query)
            children = getattr(listing, "children", None)
            if not isinstance(children, list):  # an empty body, a list, an error object
                raise self._not_a_listing(path, listing)
            return children

        return fetch

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """One page of each feed; stops early, saying when to come back, if the window is spent."""
        states: dict[str, Any] = dict(cursor.get("feeds", {}))
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        gaps: list[Gap] = []
        exhausted = True
        retry_after: float | None = None
        calls_before = self.tracker.calls
        for key, fetch in self.feeds():
            retry_after = self.tracker.wait_needed(self.options.min_remaining)
            if retry_after is not None:
                exhausted = True  # the rest waits for the window to reset
                break
            items, states[key], more, gap = self._step(key, states.get(key, {}), fetch)
            exhausted = exhausted and not more
            gaps.extend([gap] if gap else [])
            for item in items:
                converted = to_mention(item)
                (bad if isinstance(converted, Rejected) else mentions).append(converted)  # type: ignore[arg-type]
        if retry_after is None:
            retry_after = self.tracker.wait_needed(self.options.min_remaining)
        return PollResult(
            mentions=mentions,
            rejected=bad,
            next_cursor={"feeds": states},
            calls=max(self.tracker.calls - calls_before, 1),
            exhausted=exhausted,
            retry_after=retry_after,
            gaps=gaps,
        )

    def _step(
        self, key: str, state: dict[str, Any], fetch: Fetch
    ) -> tuple[list[Any], dict[str, Any], bool, Gap | None]:
        """One poll of one feed: (new items oldest first, next state, more waiting, gap)."""
        before = state.get("before")
        without_before = int(state.get("without_before", 0))
        limit = self.options.page_size
        if before is None:
            limit = max(1, limit - without_before)
            without_before = (without_before + 1) % CACHE_BUSTER_CYCLE
        page = self._call(lambda: fetch(limit, before))
        seen: list[str] = list(state.get("seen", []))
        known = set(seen)
        newest = Newest.of(state.get("newest"))
        gap = None
        # The latest page, full and reaching nothing seen: a burst since the last poll. Read
        # back over it with `after` (a `before` page is contiguous with what we saw: no need).
        if before is None and (known or newest.name) and len(page) >= limit:
            page, gap = page_back(
                key, page, known, newest, self.options.page_size, self.options.max_pages,
                lambda after: self._call(lambda: fetch(self.options.page_size, None, after)),
            )  # fmt: skip
        fresh = [x for x in reversed(page) if _fullname(x) not in known]
        fresh = list({_fullname(x): x for x in fresh}.values())  # a page that shifted repeats
        next_state = {
            "before": _fullname(fresh[-1]) if fresh else None,
            "newest": Newest.latest(newest, fresh).as_state(),
            "seen": remember(seen, [_fullname(x) for x in fresh], SEEN_PER_FEED),
            "without_before": without_before,
        }
        more = before is not None and len(page) >= limit
        return fresh, next_state, more, gap

    def _call(self, request: Callable[[], Any]) -> Any:
        """Run one praw request; platform failures become SourceError with a retry hint."""
        skip_rate_sleep(self.reddit)
        try:
            return request()
        except prawcore.exceptions.TooManyRequests as exc:
            headers = exc.response.headers
            reset = reset_in_seconds(headers, REDDIT.rates.reset_header)
            wait = retry_after_seconds(headers) or reset
            raise SourceError(
                f"{self.name}: rate limited (429)", retry_after=wait or REDDIT.rates.wait_seconds
            ) from None
        except prawcore.exceptions.BadJSON as exc:
            raise not_json(
                self.name, f"Reddit's {path_of(exc.response.url)}", exc.response
            ) from None
        except (ValueError, TypeError, KeyError) as exc:
            # prawcore reads the token endpoint's answer itself: a page that is not the token
            # object (a captive portal, a CDN error page, a list) surfaces as one of these.
            last = self.tracker.last
            if last is not None and last.status_code == 429:  # prawcore chokes on Retry-After
                wait = retry_after_seconds(last.headers)
                wait = wait or reset_in_seconds(last.headers, REDDIT.rates.reset_header)
                raise SourceError(
                    f"{self.name}: rate limited (429)",
                    retry_after=wait or REDDIT.rates.wait_seconds,
                ) from None
            if last is not None and "access_token" in str(getattr(last, "url", "")):
                raise not_json(self.name, "Reddit's token endpoint", last) from None
            raise SourceError(f"{self.name}: unexpected answer from Reddit ({exc!r})") from None
        except (prawcore.exceptions.OAuthException, prawcore.exceptions.InvalidToken) as exc:
            raise SourceError(
                f"{self.name}: Reddit rejected the credentials ({exc}); check "
                f"{self.options.client_id_env}, {self.options.client_secret_env}"
                f" and {self.options.username_env}/{self.options.password_env}",
                permanent=True,
            ) from None
        except prawcore.exceptions.ResponseException as exc:
            status = exc.response.status_code
            if status == 401:
                raise SourceError(
                    f"{self.name}: Reddit rejected the credentials (401); check "
                    f"{self.options.client_id_env} and {self.options.client_secret_env}",
                    permanent=True,
                ) from None
            wait = retry_after_seconds(exc.response.headers)
            raise SourceError(f"{self.name}: HTTP {status} from Reddit", retry_after=wait) from None
        except prawcore.exceptions.RequestException as exc:
            original = exc.original_exception
            raise SourceError(f"{self.name}: request failed ({failure_reason(original)})") from None
        except prawcore.exceptions.PrawcoreException as exc:
            raise SourceError(f"{self.name}: {type(exc).__name__}: {exc}") from None
        except praw.exceptions.PRAWException as exc:
            raise SourceError(f"{self.name}: {type(exc).__name__}: {exc}") from None

    def _not_a_listing(self, path: str, listing: Any) -> SourceError:
        """Reddit answered a listing endpoint with something that is not a Listing."""
        last = self.tracker.last
        if last is not None and describe_body(last.content) != "JSON of an unexpected shape":
            return not_json(self.name, f"Reddit's /{path}", last)
        what = "an empty answer" if listing is None else f"a {type(listing).__name__}"
        return SourceError(
            f"{self.name}: Reddit's /{path} answered {what}, not a Listing",
            rejected=[rejected(f"reddit:/{path}", "not a Listing", getattr(last, "content", b""))],
        )

    # --- refresh ----------------------------------------------------------------------------

    def refresh(self, external_ids: list[str]) -> list[Mention]:
        """Re-read posts and comments by fullname (100 per request) with their current counts."""
        found: list[Mention] = []
        batch = REDDIT.rates.lookup_batch
        for start in range(0, len(external_ids), batch):
            chunk = external_ids[start : start + batch]
            for item in self._call(lambda c=chunk: list(self.reddit.info(fullnames=c))):
                converted = to_mention(item)
                if isinstance(converted, Mention):
                    found.append(converted)
        return found


def _fullname(item: Any) -> str:
    data = vars(item)
    name = data.get("name")
    if not name:
        raise ValueError("item has no fullname ('name')")
    return str(name)


def _raw(item: Any) -> dict[str, Any]:
    """The item's fields as received (praw keeps them as attributes), JSON-safe."""
    return jsonable({k: v for k, v in vars(item).items() if not k.startswith("_")})


@guarded("reddit")
def to_mention(item: Any) -> Mention | Rejected:
    """A praw Comment or Submission as a Mention; a malformed one as Rejected.

    Fields are read from the instance dict: a missing attribute on a lazy praw object would
    otherwise trigger a network fetch per item.
    """
    raw: dict[str, Any] = {}
    try:
        data = vars(item)
        raw = _raw(item)
        fullname = _fullname(item)
        author = data.get("author")
        handle = str(author) if author is not None else "[deleted]"
        is_comment = fullname.startswith("t1_")
        if is_comment:
            text = str(data["body"])
        else:
            text = "\n\n".join(
                p for p in (str(data["title"]), str(data.get("selftext") or "")) if p
            )
        permalink = str(data.get("permalink") or "")
        return Mention(
            platform="reddit",
            external_id=fullname,
            text=text,
            author=handle,
            author_id=str(data.get("author_fullname") or handle),
            created_at=datetime.fromtimestamp(float(data["created_utc"]), UTC),
            url=REDDIT.link(permalink),
            likes=max(int(data.get("score") or 0), 0),
            replies=int(data.get("num_comments") or 0),
            reposts=int(data.get("num_crossposts") or 0),
            parent_id=str(data.get("parent_id") or "") if is_comment else "",
            root_id=str(data.get("link_id") or "") if is_comment else "",
            reply_allowed=not bool(data.get("locked") or data.get("archived")),
            raw=raw,
        )
    except (KeyError, AttributeError, TypeError, ValueError, OverflowError) as exc:
        where = f"reddit:{raw.get('name') or raw.get('id') or '?'}"
        return rejected(where, f"malformed item: {type(exc).__name__}: {exc}", raw or repr(item))


def build_reddit(options: RedditOptions, key: str, **extra: Any) -> praw.Reddit:
    """A praw.Reddit from the environment (script app; username/password enable the inbox)."""
    tracker = _Tracker()
    reddit = praw.Reddit(
        client_id=require_env(key, options.client_id_env),
        client_secret=require_env(key, options.client_secret_env),
        username=optional_env(options.username_env) or None,
        password=optional_env(options.password_env) or None,
        user_agent=optional_env(options.user_agent_env) or "makegood/0.1 (brand monitor)",
        oauth_url=options.oauth_url.rstrip("/"),
        reddit_url=options.reddit_url.rstrip("/"),
        check_for_updates=False,
        check_for_async=False,
        requestor_class=_tracking_requestor(tracker),
        requestor_kwargs={"timeout": options.timeout_seconds},  # praw's own setting is ignored
        **extra,
    )
    reddit._makegood_tracker = tracker  # type: ignore[attr-defined]
    return reddit


def from_settings(brand: BrandSettings, channel: ChannelSettings, key: str) -> RedditSource:
    """Build a reddit source from its channel settings and the environment."""
    options = parse_options(RedditOptions, channel, key)
    return RedditSource(
        key, build_reddit(options, key), options, brand_queries(brand, options.queries)
    )
