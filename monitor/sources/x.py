"""X (Twitter) through tweepy's API v2 Client: recent search and the brand account's mentions.

Reads are paid per post, so the channel carries a monthly cap (`monthly_cap_usd`): the pipeline
refuses a poll that could pass it (see `budget`), and each page reports what it cost. Each feed
pages with `since_id`; when more than one page is new, the `next_token` is kept in the cursor
with the pinned `since_id`, so a burst is read to the end before the cursor moves past it.
"""

from __future__ import annotations

import logging
import re
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
from monitor.sources.base import Budget, PollResult, Rejected, SourceError

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
            max_poll_cost_cents=max(feeds, 1) * options.max_results * price,
        )

    @property
    def _session(self) -> Any:
        return self.client.session

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """One page of each feed, oldest first; costs are reported in cents."""
        next_cursor = dict(cursor)
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        exhausted = True
        posts = 0
        calls_before = getattr(self._session, "calls", 0)
        feeds: list[tuple[str, Any]] = []
        if self.options.search:
            feeds.append(("search", self._search))
        if self.options.mentions and self.options.account_id:
            feeds.append(("mentions", self._mentions))
        for feed, fetch in feeds:
            state = dict(cursor.get(feed, {}))
            body = self._call(fetch, state)
            page, page_bad, read = self._convert(body, addressed=feed == "mentions")
            mentions.extend(page)
            bad.extend(page_bad)
            posts += read
            next_cursor[feed], more = _advance(state, body)
            exhausted = exhausted and not more
        calls = max(getattr(self._session, "calls", 0) - calls_before, 1)
        return PollResult(
            mentions=mentions,
            rejected=bad,
            next_cursor=next_cursor,
            calls=calls,
            exhausted=exhausted,
            retry_after=self._window_wait(),
            cost_cents=posts * self.options.cost_per_post_usd * 100,
        )

    # --- requests ---------------------------------------------------------------------------

    def _params(self, state: dict[str, Any]) -> dict[str, Any]:
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


def _advance(state: dict[str, Any], body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The feed's next cursor and whether more pages wait (a `next_token` within the burst)."""
    meta = body.get("meta") or {}
    newest = meta.get("newest_id")
    token = meta.get("next_token")
    # The newest id of the whole burst is its first page's newest: remember it until the end.
    pending_newest = state.get("pending_newest") or newest
    if token and state.get("since_id"):
        return {
            "since_id": state["since_id"],
            "next_token": token,
            "pending_newest": pending_newest,
        }, True
    since = pending_newest or state.get("since_id")
    return ({"since_id": since} if since else {}), False


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
