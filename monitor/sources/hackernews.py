"""Hacker News through the public Algolia search API (search_by_date), stories and comments.

The cursor keeps the newest `created_at_i` seen and the ids at that second: the next poll asks
for `created_at_i>=since` (a post in the same second is not skipped) and drops the ids it has.
A burst larger than a page is paged with the upper bound pinned, then the cursor moves.
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
from monitor.sources.base import PollResult, Rejected

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
        """One page for each query, oldest first."""
        next_cursor = dict(cursor)
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        exhausted = True
        for query in self.queries:
            state = dict(cursor.get(query, {}))
            hits, next_cursor[query], more = self._page(query, state)
            exhausted = exhausted and not more
            for hit in hits:
                result = to_mention(hit)
                (bad if isinstance(result, Rejected) else mentions).append(result)  # type: ignore[arg-type]
        return PollResult(
            mentions, next_cursor, bad, calls=max(len(self.queries), 1), exhausted=exhausted
        )

    def _page(self, query: str, state: dict[str, Any]) -> tuple[list[Any], dict[str, Any], bool]:
        since = int(state.get("since", 0))
        until = state.get("until")
        page = int(state.get("page", 0))
        filters = [f"created_at_i>={since}"] if since else []
        if until is not None:
            filters.append(f"created_at_i<={until}")
        params = {
            "query": query,
            "tags": self.options.tags,
            "hitsPerPage": self.options.page_size,
            "page": page,
        }
        if filters:
            params["numericFilters"] = ",".join(filters)
        url = f"{self.options.base_url.rstrip('/')}/search_by_date"
        body = json_body(
            self._get(url, params),
            self.name,
        )
        hits = body.get("hits") if isinstance(body, dict) else None
        if not isinstance(hits, list):
            raise_malformed(self.name, url, body)
        seen = set(state.get("seen", []))
        fresh = [  # older hits are dropped too, should the server ignore the filter
            h for h in reversed(hits) if str(_get(h, "objectID")) not in seen and _stamp(h) >= since
        ]
        pinned = until if until is not None else max((_stamp(h) for h in hits), default=since)
        if page + 1 < int(body.get("nbPages", 1) or 1):
            # More of this burst waits: keep the bounds, read the next page next time.
            return (
                fresh,
                {**state, "until": pinned, "page": page + 1, "seen": state.get("seen", [])},
                True,
            )
        newest = max([since, pinned or 0])
        at_newest = [str(_get(h, "objectID")) for h in hits if _stamp(h) == newest]
        keep = [*(state.get("seen", []) if newest == since else []), *at_newest][-200:]
        return fresh, {"since": newest, "seen": keep}, False

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
