"""Hacker News through the public Algolia search API (search_by_date), stories and comments.

The cursor keeps the newest `created_at_i` seen and the ids at that second: the next poll asks
for `created_at_i>=since` (a post in the same second is not skipped) and drops the ids it has.
A burst larger than a page is paged back in the same poll by moving an upper bound
(`created_at_i<=` the oldest hit read), at most `max_pages` pages, until a page reaches `since`.
Each step is a new query, so Algolia's 1,000-hit window (`page` stops there) never limits how
far back we reach; past the page bound the rest is a `Gap` whose `missing` is what Algolia's
`nbHits` says was left.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import requests
from pydantic import BaseModel, ConfigDict, Field

from monitor.mention import Mention
from monitor.platforms import platform
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources._common import brand_queries, guarded, parse_options, rejected
from monitor.sources._http import get, json_body
from monitor.sources.base import Gap, PollResult, Rejected

_TAG = re.compile(r"<[^>]+>")
HACKERNEWS = platform("hackernews")


class HackerNewsOptions(BaseModel):
    """Options of a hackernews channel (no credentials: the API is public)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = Field("https://hn.algolia.com/api/v1", description="The search API.")
    queries: list[str] = Field(
        [], description="Search terms; default: the brand's keywords and aliases."
    )
    tags: str = Field("(story,comment)", description="Algolia tags filter: which item kinds.")
    page_size: int = Field(100, ge=1, le=HACKERNEWS.rates.page_max, description="Items a request.")
    max_pages: int = Field(
        10,
        ge=1,
        le=100,
        description=(
            "Pages one poll may read per query when a burst is larger than a page;"
            " past it, a gap is recorded."
        ),
    )
    timeout_seconds: float = Field(20.0, gt=0, description="Seconds to wait for the API.")


class HackerNewsSource:
    """One page per query per poll from search_by_date."""

    platform = "hackernews"

    def __init__(
        self,
        name: str,
        options: HackerNewsOptions,
        queries: list[str],
        session: requests.Session | None = None,
    ):
        self.name = name
        self.options = options
        self.queries = queries
        self.session = session or requests.Session()

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Every new hit of each query (up to `max_pages` pages each), oldest first."""
        next_cursor = dict(cursor)
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        gaps: list[Gap] = []
        calls = 0
        for query in self.queries:
            hits, next_cursor[query], gap, pages = self._read(query, dict(cursor.get(query, {})))
            calls += pages
            gaps.extend([gap] if gap else [])
            for hit in hits:
                result = to_mention(hit)
                (bad if isinstance(result, Rejected) else mentions).append(result)  # type: ignore[arg-type]
        return PollResult(mentions, next_cursor, bad, calls=max(calls, 1), gaps=gaps)

    def _read(
        self, query: str, state: dict[str, Any]
    ) -> tuple[list[Any], dict[str, Any], Gap | None, int]:
        """(new hits oldest first, the query's next state, a gap if the bound was hit, pages)."""
        since = _int(state.get("since"))
        seen = {str(i) for i in state.get("seen") or []}
        upper = state.get("until")  # a cursor written mid-burst by an older version
        upper = _int(upper) if upper is not None else None
        fresh: list[Any] = []
        read: set[str] = set()
        newest = since
        pages = 0
        gap: Gap | None = None
        while True:
            hits, total = self._page(query, since, upper)
            pages += 1
            known = seen | read
            # Older hits are dropped, should the server ignore the filter; a hit without a
            # readable time is kept, to be quarantined by to_mention (and remembered as seen).
            new = [h for h in hits if _id(h) not in known and not 0 < _stamp(h) < since]
            fresh.extend(new)
            read.update(_id(h) for h in hits)
            stamps = [s for s in map(_stamp, hits) if s > 0] or [since]
            newest = max([newest, *stamps])
            if not since or len(hits) < self.options.page_size or min(stamps) <= since:
                break  # a first poll reads only the newest page; else `since` is reached
            oldest = min(stamps)
            if pages >= self.options.max_pages:
                # nbHits counts this query's matches: those not on its page are unread, less
                # the ones seen before at the `since` second (the filter is inclusive).
                left = total - len(hits) - len(seen) if total is not None else None
                gap = Gap(
                    since=_when(since),
                    until=_when(oldest),
                    missing=max(left, 0) if left is not None else None,
                    reason=(
                        f"page bound of {self.options.max_pages} pages of "
                        f"{self.options.page_size} hits hit (option max_pages)"
                    ),
                )
                break
            # The next page ends at the oldest second read (its other posts are not skipped);
            # a full page of one second read already steps past that second.
            upper = oldest if new else oldest - 1
        fresh.sort(key=_stamp)  # oldest first (Algolia sends newest first)
        at_newest = [_id(h) for h in fresh if _stamp(h) in (0, newest)]
        keep = [*(state.get("seen") or [] if newest == since else []), *at_newest][-200:]
        return fresh, ({"since": newest, "seen": keep} if newest else {}), gap, pages

    def _page(self, query: str, since: int, upper: int | None) -> tuple[list[Any], int | None]:
        """One search_by_date page between `since` and `upper`: (hits, Algolia's nbHits)."""
        filters = [f"created_at_i>={since}"] if since else []
        if upper is not None:
            filters.append(f"created_at_i<={upper}")
        params: dict[str, Any] = {
            "query": query,
            "tags": self.options.tags,
            "hitsPerPage": self.options.page_size,
        }
        if filters:
            params["numericFilters"] = ",".join(filters)
        url = f"{self.options.base_url.rstrip('/')}/search_by_date"
        body = json_body(self._get(url, params), self.name)
        hits = body.get("hits") if isinstance(body, dict) else None
        if not isinstance(hits, list):
            raise_malformed(self.name, url, body)
        total = body.get("nbHits")  # type: ignore[union-attr]
        return hits, (total if isinstance(total, int) and not isinstance(total, bool) else None)  # type: ignore[return-value]

    def _get(self, url: str, params: dict[str, Any] | None = None) -> requests.Response:
        return get(
            self.session,
            self.name,
            url,
            params=params,
            timeout=self.options.timeout_seconds,
            rate_wait=HACKERNEWS.rates.wait_seconds,
        )

    def refresh(self, external_ids: list[str]) -> list[Mention]:
        """Re-read items by id (one request each) for their current points and comment count."""
        found: list[Mention] = []
        for item_id in external_ids:
            url = f"{self.options.base_url.rstrip('/')}/items/{item_id}"
            body = json_body(self._get(url), self.name)
            if isinstance(body, dict):
                body.setdefault("objectID", str(body.get("id", item_id)))
                body.setdefault("num_comments", len(body.get("children") or []))
                result = to_mention(body)
                if isinstance(result, Mention):
                    found.append(result)
        return found


def raise_malformed(name: str, url: str, body: Any) -> None:
    """A JSON page without a `hits` list: quarantined as a whole."""
    from monitor.sources.base import SourceError

    raise SourceError(
        f"{name}: unexpected response from {url} (no 'hits' list)",
        rejected=[rejected(url, "no 'hits' list in the response", body)],
    )


def _get(hit: Any, key: str) -> Any:
    return hit.get(key) if isinstance(hit, dict) else None


def _id(hit: Any) -> str:
    return str(_get(hit, "objectID"))


def _int(value: Any) -> int:
    """A cursor number, 0 when it is not one (a hand-edited or foreign cursor)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError, OverflowError):
        return 0


def _when(stamp: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(stamp, UTC) if stamp else None
    except (OverflowError, OSError, ValueError):
        return None


def _stamp(hit: Any) -> int:
    try:
        return int(_get(hit, "created_at_i") or 0)
    except (TypeError, ValueError):
        return 0


def _plain(text: str) -> str:
    """HN sends comment and story text as HTML: keep the words (escaping happens on output)."""
    return html.unescape(_TAG.sub(" ", text.replace("<p>", "\n\n"))).strip()


@guarded("hackernews")
def to_mention(hit: Any) -> Mention | Rejected:
    """An Algolia hit (story or comment) as a Mention."""
    try:
        item_id = str(hit["objectID"])
        body = hit.get("comment_text") or hit.get("story_text") or hit.get("text") or ""
        title = hit.get("title") or ""
        text = "\n\n".join(p for p in (title, _plain(str(body))) if p)
        if not text:
            raise ValueError("no title or text")
        created = datetime.fromtimestamp(int(hit["created_at_i"]), UTC)
        parent = hit.get("parent_id")
        return Mention(
            platform="hackernews",
            external_id=item_id,
            text=text,
            author=str(hit.get("author") or ""),
            author_id=str(hit.get("author") or ""),
            created_at=created,
            url=HACKERNEWS.link(item_id),
            likes=int(hit.get("points") or 0),
            replies=int(hit.get("num_comments") or 0),
            parent_id=str(parent) if parent else "",
            root_id=str(hit.get("story_id") or ""),
            raw=hit,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return rejected(f"hackernews:{_get(hit, 'objectID') or '?'}", f"malformed hit: {exc}", hit)


def from_settings(brand: BrandSettings, channel: ChannelSettings, key: str) -> HackerNewsSource:
    """Build a hackernews source from its channel settings."""
    options = parse_options(HackerNewsOptions, channel, key)
    # Algolia takes plain words, not boolean queries: prefer the brand's names.
    names = options.queries or [*brand.keywords, *brand.aliases] or brand_queries(brand)
    queries = list(dict.fromkeys(q.strip('"') for q in names))
    return HackerNewsSource(key, options, queries)
