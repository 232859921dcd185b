"""RSS and Atom feeds through feedparser, fetched with conditional GET (ETag / Last-Modified).

A 304 costs nothing and yields nothing. Feeds have no reliable order or cursor, so the cursor
keeps the guids already seen (bounded) besides the validators, and the newest entry time seen
(`newest_at`). A feed only keeps its newest items and cannot be paged back: when every entry is
new and all are newer than `newest_at`, the feed rolled over what came in between, and the poll
reports a Gap.
"""

from __future__ import annotations

from calendar import timegm
from datetime import UTC, datetime
from typing import Any

import feedparser
import requests
from pydantic import BaseModel, ConfigDict, Field

from monitor.mention import Mention
from monitor.platforms import platform
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources._common import guarded, jsonable, parse_options, rejected, remember
from monitor.sources._http import describe_body, get
from monitor.sources.base import Gap, PollResult, Rejected, SourceError

SEEN_LIMIT = 1000


class RssOptions(BaseModel):
    """Options of an rss channel: one feed URL."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, description="The feed's URL (RSS or Atom).")
    timeout_seconds: float = Field(20.0, gt=0, description="Seconds to wait for the feed.")


class RssSource:
    """One feed; each poll is one conditional GET."""

    platform = "rss"

    def __init__(self, name: str, options: RssOptions, session: requests.Session | None = None):
        self.name = name
        self.options = options
        self.session = session or requests.Session()

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Entries not seen before, oldest first; a 304 returns none and keeps the cursor."""
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("modified"):
            headers["If-Modified-Since"] = cursor["modified"]
        response = get(
            self.session, self.name, self.options.url, headers=headers,
            timeout=self.options.timeout_seconds, ok=(200, 304),
            rate_wait=platform("rss").rates.wait_seconds,
        )  # fmt: skip
        if response.status_code == 304:
            return PollResult([], dict(cursor))
        what = describe_body(response.content, response.headers.get("content-type", ""))
        if what in ("an HTML page", "an empty body"):  # a portal or error page, not a feed
            raise SourceError(
                f"{self.name}: {self.options.url} answered {what} "
                f"(status {response.status_code}), not a feed",
                rejected=[rejected(self.options.url, f"{what}, not a feed", response.content)],
            )
        feed = feedparser.parse(response.content, response_headers=dict(response.headers))
        if feed.bozo and not feed.entries:
            raise SourceError(
                f"{self.name}: not a feed ({feed.get('bozo_exception')})",
                rejected=[rejected(self.options.url, "not an RSS/Atom feed", response.content)],
            )
        seen: list[str] = list(cursor.get("seen", []))
        known = set(seen)
        mentions: list[Mention] = []
        bad: list[Rejected] = []
        new_ids: list[str] = []
        for entry in reversed(feed.entries):  # feeds list newest first
            result = to_mention(entry, self.options.url)
            if isinstance(result, Rejected):
                bad.append(result)
                continue
            if result.external_id in known:
                continue
            new_ids.append(result.external_id)
            mentions.append(result)
        newest_at = _time_of(cursor.get("newest_at"))
        dated = [x.created_at for x in mentions if x.created_at is not None]
        gaps = []
        if seen and mentions and len(mentions) == len(feed.entries) - len(bad):
            gaps = _rolled_over(self.options.url, newest_at, dated, len(mentions))
        latest = max([*dated, *([newest_at] if newest_at else [])], default=None)
        next_cursor = {
            "etag": response.headers.get("ETag", ""),
            "modified": response.headers.get("Last-Modified", ""),
            "seen": remember(seen, new_ids, SEEN_LIMIT),
            "newest_at": latest.isoformat() if latest else cursor.get("newest_at", ""),
        }
        return PollResult(mentions, next_cursor, bad, gaps=gaps)


def _rolled_over(
    url: str, newest_at: datetime | None, dated: list[datetime], count: int
) -> list[Gap]:
    """A Gap when a feed whose entries are all new starts after the newest time seen before."""
    oldest = min(dated, default=None)
    if newest_at is not None and oldest is not None and oldest <= newest_at:
        return []  # it reaches back to what we saw: entries in between are all here
    return [
        Gap(
            since=newest_at,
            until=oldest,
            missing=None,  # the feed does not say how many it dropped
            reason=f"{url}: all {count} entries are new and newer than the last one seen; "
            "the feed keeps only its newest entries and cannot be paged back",
        )
    ]


def _time_of(value: Any) -> datetime | None:
    """A cursor's ISO time, None when absent or unreadable (an older cursor)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@guarded("rss")
def to_mention(entry: Any, feed_url: str) -> Mention | Rejected:
    """A feedparser entry as a Mention (the guid, else the link, identifies it)."""
    try:
        guid = entry.get("id") or entry.get("link")
        if not guid:
            raise ValueError("entry has neither id/guid nor link")
        title = entry.get("title", "")
        summary = entry.get("summary", "")
        text = "\n\n".join(p for p in (title, summary) if p)
        if not text:
            raise ValueError("entry has no title or summary")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        created = datetime.fromtimestamp(timegm(stamp), UTC) if stamp else None
        return Mention(
            platform="rss",
            external_id=str(guid)[:200],
            text=text,
            author=str(entry.get("author", "")),
            author_id=str(entry.get("author", "")),  # none: a post of its own, never merged
            created_at=created,
            url=str(entry.get("link", "")),
            reply_allowed=False,  # a feed has no way to answer in place
            raw=jsonable(dict(entry)),
        )
    except (TypeError, ValueError, OverflowError) as exc:
        return rejected(
            f"{feed_url}#{entry.get('id', '?')}", f"malformed entry: {exc}", dict(entry)
        )


def from_settings(brand: BrandSettings, channel: ChannelSettings, key: str) -> RssSource:
    """Build an rss source from its channel settings."""
    return RssSource(key, parse_options(RssOptions, channel, key))
