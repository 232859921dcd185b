"""X (Twitter) through tweepy's API v2 Client: recent search and the brand account's mentions.

Reads are paid per post, so the channel carries a monthly cap (`monthly_cap_usd`): the pipeline
refuses a poll that could pass it (see `budget`: every page a poll may read is counted), and each
poll reports what it cost. Each feed pages with `since_id`: when more than a page is new, one
poll follows `next_token` (`pagination_token` for mentions) back until it meets `since_id`, at
most `max_pages` pages; past the bound the older rest of the burst is a `Gap`. The cursor is the
newest id read. A page that fails mid-burst, or a rate window about to close, keeps the token in
the cursor (with the pinned `since_id`) so the next poll reads on instead of paying again.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy
from pydantic import BaseModel, ConfigDict, Field
from requests.adapters import BaseAdapter

from monitor.mention import Mention
from monitor.platforms import platform
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources._common import (
    brand_handles,
    brand_queries,
    guarded,
    parse_options,
    parse_time,
    rejected,
    require_env,
    reset_in_seconds,
    retry_after_seconds,
)
from monitor.sources._http import failure_reason, not_json, path_of
from monitor.sources.base import Budget, Gap, PollResult, Rejected, SourceError

log = logging.getLogger(__name__)
# tweepy logs request headers (the bearer token) at DEBUG: keep its logger above that.
logging.getLogger("tweepy.client").setLevel(logging.INFO)

TWEET_FIELDS = [
    "created_at",
    "public_metrics",
    "author_id",
    "lang",
    "conversation_id",
    "referenced_tweets",
    "entities",
]
EXPANSIONS = ["author_id", "referenced_tweets.id", "referenced_tweets.id.author_id"]
USER_FIELDS = ["username", "public_metrics"]
X = platform("x")


class XOptions(BaseModel):
    """Options of an x channel."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        "", description="X search syntax; default: the brand's terms OR-ed, retweets excluded."
    )
    search: bool = Field(True, description="Run the recent search.")
    mentions: bool = Field(
        True, description="Read the brand account's mentions (needs account_id)."
    )
    account_id: str = Field("", description="The brand account's numeric user id.")
    max_results: int = Field(100, ge=10, le=X.rates.page_max, description="Posts a request.")
    max_pages: int = Field(
        3,
        ge=1,
        le=100,
        description=(
            "Pages one poll may read per feed when a burst is larger than a page; each is paid"
            " and the budget counts them all. Past it, a gap is recorded."
        ),
    )
    monthly_cap_usd: float = Field(
        50.0, ge=0, description="No poll that could pass this month's spend; alert when reached."
    )
    cost_per_post_usd: float = Field(0.005, ge=0, description="What X charges a post read.")
    min_remaining: int = Field(
        2, ge=0, description="Requests kept in reserve before the rate window resets."
    )
    timeout_seconds: float = Field(20.0, gt=0, description="Seconds to wait for X.")
    bearer_token_env: str = Field(
        "MAKEGOOD_X_BEARER_TOKEN", description="Environment variable holding the bearer token."
    )


class _TimeoutSession(requests.Session):
    """A requests.Session with a default timeout (tweepy sets none: a stalled read would hang)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout
        self.last_response: requests.Response | None = None
        self.calls = 0
        self.hooks["response"].append(self._remember)

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(*args, **kwargs)

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        self.last_response = response


def build_client(options: XOptions, key: str, adapter: BaseAdapter | None = None) -> tweepy.Client:
    """A tweepy Client (app-only bearer token) whose session has a timeout; `adapter` for tests."""
    client = tweepy.Client(
        bearer_token=require_env(key, options.bearer_token_env),
        return_type=dict,
        wait_on_rate_limit=False,  # tweepy would recurse/sleep inside the poll
    )
    session = _TimeoutSession(options.timeout_seconds)
    if adapter is not None:
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    client.session = session
    return client


def default_query(brand: BrandSettings) -> str:
    """The brand's terms OR-ed, without retweets (they repeat a post we read already)."""
    terms = brand_queries(brand)
    terms += [h for h in brand.handles if h.startswith("@")]
    terms += [h for h in brand.hashtags if h.startswith("#")]
    unique = list(dict.fromkeys(terms))
    return f"({' OR '.join(unique)}) -is:retweet"


class XSource:
    """Recent search and mentions for one brand; one page of each per poll, paid per post."""

    platform = "x"

    def __init__(
        self, name: str, client: tweepy.Client, options: XOptions, query: str, handles: set[str]
    ):
        self.name = name
        self.client = client
        self.options = options
        self.query = query
        self.handles = handles
        feeds = int(options.search) + int(options.mentions and bool(options.account_id))
        price = options.cost_per_post_usd * 100
        self.price_per_read_cents = price  # refresh reads are paid too (monitor.refresh)
        self.last_refresh_cost_cents = 0.0
        self.budget = Budget(
            cap_cents=options.monthly_cap_usd * 100,
            max_poll_cost_cents=max(feeds, 1) * options.max_results * options.max_pages * price,
        )

    @property
    def _session(self) -> Any:
        return self.client.session

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Every new post of each feed (up to `max_pages` pages), oldest first, with its cost."""
        next_cursor = dict(cursor)
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        gaps: list[Gap] = []
        posts = 0
        calls_before = getattr(self._session, "calls", 0)
        feeds: list[tuple[str, Any]] = []
        if self.options.search:
            feeds.append(("search", self._search))
        if self.options.mentions and self.options.account_id:
            feeds.append(("mentions", self._mentions))
        wait: float | None = None
        for feed, fetch in feeds:
            read = self._read_feed(feed, fetch, dict(cursor.get(feed, {})))
            mentions.extend(read.mentions)
            bad.extend(read.rejected)
            gaps.extend(read.gaps)
            posts += read.posts
            next_cursor[feed] = read.state
            wait = read.wait if read.wait is not None else wait
        calls = max(getattr(self._session, "calls", 0) - calls_before, 1)
        return PollResult(
            mentions=mentions,
            rejected=bad,
            next_cursor=next_cursor,
            calls=calls,
            retry_after=wait if wait is not None else self._window_wait(),
            cost_cents=posts * self.options.cost_per_post_usd * 100,
            gaps=gaps,
        )

    def _read_feed(self, feed: str, fetch: Any, state: dict[str, Any]) -> _FeedRead:
        """One feed's pages, newest first, back to `since_id` or the page bound."""
        read = _FeedRead(state)
        since = state.get("since_id")
        token = state.get("next_token")  # a burst a failed or throttled poll left half read
        newest = state.get("pending_newest")
        oldest: dict[str, Any] | None = None
        for page in range(self.options.max_pages):
            try:
                body = self._call(fetch, {"since_id": since, "next_token": token})
            except SourceError as exc:
                if page == 0:
                    raise
                # The pages read are kept (they were paid for); the rest is read next poll,
                # which records the failure should it last.
                log.warning("%s: %s page %d failed, reading on next poll: %s",
                            self.name, feed, page + 1, exc)  # fmt: skip
                read.resume(since, token, newest, exc.retry_after)
                return read
            page_mentions, page_bad, count = self._convert(body, addressed=feed == "mentions")
            read.mentions[:0] = page_mentions  # older pages go first: oldest first overall
            read.rejected.extend(page_bad)
            read.posts += count
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            newest = newest or meta.get("newest_id")  # the first page's newest is the burst's
            data = [t for t in body.get("data") or [] if isinstance(t, dict)]
            oldest = data[-1] if data else oldest
            token = meta.get("next_token")
            if not token or not since:
                break  # met since_id; a first poll reads only the newest page
            wait = self._window_wait()
            if wait is not None:
                read.resume(since, token, newest, wait)  # the window is spent: read on later
                return read
        else:
            if token:
                read.gaps.append(self._gap(since, oldest))
        latest = newest or since
        read.state = {"since_id": str(latest)} if latest else {}
        return read

    def _gap(self, since: Any, oldest: dict[str, Any] | None) -> Gap:
        """The stretch between the newest post known before the burst and the oldest one read."""
        until = None
        if oldest is not None:
            try:
                until = parse_time(oldest.get("created_at"))
            except (TypeError, ValueError, OverflowError):
                until = None
            until = until or snowflake_time(oldest.get("id"))
        return Gap(
            since=snowflake_time(since),
            until=until,
            missing=None,  # X's recent search does not say how many posts match
            reason=(
                f"page bound of {self.options.max_pages} pages of "
                f"{self.options.max_results} posts hit (option max_pages)"
            ),
        )

    # --- requests ---------------------------------------------------------------------------

    def _params(self, state: dict[str, Any]) -> dict[str, Any]:
        """Request parameters: page size, fields and expansions, `since_id` and a page token."""
        params: dict[str, Any] = {
            "max_results": self.options.max_results,
            "tweet_fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user_fields": USER_FIELDS,
        }
        since = state.get("since_id")
        if since:
            params["since_id"] = since
        if state.get("next_token"):
            params["next_token"] = state["next_token"]
        return params

    def _search(self, state: dict[str, Any]) -> dict[str, Any]:
        return self.client.search_recent_tweets(self.query, **self._params(state))

    def _mentions(self, state: dict[str, Any]) -> dict[str, Any]:
        params = self._params(state)
        if "next_token" in params:
            params["pagination_token"] = params.pop("next_token")
        return self.client.get_users_mentions(self.options.account_id, **params)

    def _window_wait(self) -> float | None:
        """Seconds until the rate window resets when it is (nearly) spent."""
        response = getattr(self._session, "last_response", None)
        if response is None:
            return None
        remaining = response.headers.get(X.rates.remaining_header)
        try:
            if remaining is None or float(remaining) > self.options.min_remaining:
                return None
        except ValueError:  # a header that is not a number says nothing about the window
            return None
        return reset_in_seconds(response.headers, X.rates.reset_header)

    def _call(self, fetch: Any, *args: Any) -> Any:
        """Run one tweepy request; failures become SourceError with what to do about them."""
        try:
            return self._checked(fetch(*args))
        except tweepy.TooManyRequests as exc:
            wait = retry_after_seconds(exc.response.headers) or reset_in_seconds(
                exc.response.headers, X.rates.reset_header
            )
            raise SourceError(
                f"{self.name}: rate limited (429)", retry_after=wait or X.rates.wait_seconds
            ) from None
        except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
            status = exc.response.status_code
            raise SourceError(
                f"{self.name}: X refused the credentials ({status}); "
                f"check {self.options.bearer_token_env} and the app's access level",
                permanent=True,
            ) from None
        except tweepy.TwitterServerError as exc:
            wait = retry_after_seconds(exc.response.headers)
            raise SourceError(
                f"{self.name}: HTTP {exc.response.status_code} from X", retry_after=wait
            ) from None
        except tweepy.HTTPException as exc:
            raise SourceError(f"{self.name}: HTTP {exc.response.status_code} from X") from None
        except requests.exceptions.JSONDecodeError:
            response = getattr(self._session, "last_response", None)
            if response is None:
                raise SourceError(f"{self.name}: X answered malformed JSON") from None
            raise not_json(self.name, f"X's {path_of(response.url)}", response) from None
        except requests.RequestException as exc:
            raise SourceError(f"{self.name}: request failed ({failure_reason(exc)})") from None

    def _checked(self, body: Any) -> dict[str, Any]:
        """The body when it is X's answer object; a list, or errors without data, fail the poll.

        X sends `errors` next to `data` for partial failures (a deleted quoted post): those
        pages are fine. Errors with neither `data` nor `meta` are a failure sent with 200.
        """
        response = getattr(self._session, "last_response", None)
        url = response.url if response is not None else self.name
        if not isinstance(body, dict):
            raise SourceError(
                f"{self.name}: X's {path_of(url)} answered a JSON {type(body).__name__}, "
                "not an object",
                rejected=[rejected(url, "not a JSON object", body)],
            )
        errors = body.get("errors") or body.get("error")
        if errors and "data" not in body and "meta" not in body:
            first = errors[0] if isinstance(errors, list) and errors else errors
            detail = first.get("detail") or first.get("message") if isinstance(first, dict) else ""
            raise SourceError(
                f"{self.name}: X's {path_of(url)} answered an error with status "
                f"{getattr(response, 'status_code', 200)}: {str(detail or first)[:200]}",
                rejected=[rejected(url, "an error object with status 200", body)],
            )
        return body

    # --- payloads ---------------------------------------------------------------------------

    def _convert(
        self, body: dict[str, Any], addressed: bool
    ) -> tuple[list[Mention], list[Rejected], int]:
        """Mentions (oldest first), rejected items, and how many posts were read (paid)."""
        data = body.get("data") or []
        includes = body.get("includes") or {}
        users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, dict)}
        quoted = {t.get("id"): t for t in includes.get("tweets") or [] if isinstance(t, dict)}
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        for tweet in reversed(data):
            result = to_mention(
                tweet, users, quoted, self.handles, self.options.account_id, addressed
            )
            (bad if isinstance(result, Rejected) else mentions).append(result)  # type: ignore[arg-type]
        return mentions, bad, len(data)

    def refresh(self, external_ids: list[str]) -> list[Mention]:
        """Re-read tweets (100 per request) with their current public metrics.

        What the reads cost is left in `last_refresh_cost_cents` (also after a failed batch), so
        the caller can count it against the monthly cap.
        """
        self.last_refresh_cost_cents = 0.0
        found: list[Mention] = []
        batch = X.rates.lookup_batch
        for start in range(0, len(external_ids), batch):
            ids = external_ids[start : start + batch]
            body = self._call(
                lambda i=ids: self.client.get_tweets(
                    i, tweet_fields=TWEET_FIELDS, expansions=EXPANSIONS, user_fields=USER_FIELDS
                )
            )
            page, _, read = self._convert(body, addressed=False)
            self.last_refresh_cost_cents += read * self.price_per_read_cents
            found.extend(page)
        return found


class _FeedRead:
    """What one feed's pages gave: mentions, rejections, gaps, posts paid, the feed's next state."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.mentions: list[Mention] = []
        self.rejected: list[Rejected] = []
        self.gaps: list[Gap] = []
        self.posts = 0
        self.wait: float | None = None  # seconds the platform asked us to wait, mid-burst

    def resume(self, since: Any, token: Any, newest: Any, wait: float | None) -> None:
        """Keep the burst's place: the next poll reads on from `token`, `since_id` pinned."""
        self.state = {"since_id": since, "next_token": token, "pending_newest": newest}
        self.wait = wait


X_EPOCH_MS = 1288834974657  # X ids are snowflakes: milliseconds since this, shifted by 22 bits


def snowflake_time(post_id: Any) -> datetime | None:
    """When an X post id was made (its snowflake time), or None for an id that is not one."""
    try:
        millis = (int(str(post_id)) >> 22) + X_EPOCH_MS
        return datetime.fromtimestamp(millis / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")


@guarded("x")
def to_mention(
    tweet: Any,
    users: dict[Any, dict[str, Any]],
    quoted: dict[Any, dict[str, Any]],
    handles: set[str],
    account_id: str,
    addressed: bool,
) -> Mention | Rejected:
    """An API v2 tweet as a Mention; `reply_allowed` only when the author addressed the brand."""
    try:
        if not isinstance(tweet, dict):
            raise TypeError(f"expected an object, got {type(tweet).__name__}")
        tweet_id = str(tweet["id"])
        text = tweet["text"]
        if not isinstance(text, str):
            raise TypeError("text is not a string")
        author_id = str(tweet.get("author_id") or "")
        user = users.get(author_id, {})
        metrics = tweet.get("public_metrics") or {}
        followers = (user.get("public_metrics") or {}).get("followers_count", 0)
        refs = tweet.get("referenced_tweets") or []
        parent = next((r.get("id", "") for r in refs if r.get("type") == "replied_to"), "")
        named = {
            m.get("username", "").lower()
            for m in (tweet.get("entities") or {}).get("mentions") or []
        }
        named |= {n.lower() for n in _MENTION.findall(text)}
        quotes_brand = any(
            r.get("type") == "quoted"
            and (quoted.get(r.get("id")) or {}).get("author_id") == account_id != ""
            for r in refs
        )
        username = str(user.get("username") or "")
        return Mention(
            platform="x",
            external_id=tweet_id,
            text=text,
            author=username or author_id,
            author_id=author_id,
            author_followers=int(followers or 0),
            created_at=parse_time(tweet.get("created_at")),
            url=X.link(tweet_id, username),
            likes=int(metrics.get("like_count", 0) or 0),
            replies=int(metrics.get("reply_count", 0) or 0),
            reposts=int(metrics.get("retweet_count", 0) or 0)
            + int(metrics.get("quote_count", 0) or 0),
            parent_id=str(parent),
            root_id=str(tweet.get("conversation_id") or ""),
            reply_allowed=addressed or bool(named & handles) or quotes_brand,
            lang=str(tweet.get("lang") or ""),
            raw={"tweet": tweet, "author": user},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        where = f"x:{tweet.get('id', '?') if isinstance(tweet, dict) else '?'}"
        return rejected(where, f"malformed tweet: {type(exc).__name__}: {exc}", tweet)


def from_settings(brand: BrandSettings, channel: ChannelSettings, key: str) -> XSource:
    """Build an x source from its channel settings and the environment."""
    options = parse_options(XOptions, channel, key)
    query = options.query or default_query(brand)
    return XSource(key, build_client(options, key), options, query, brand_handles(brand))
