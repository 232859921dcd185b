"""Live fake platforms whose answers follow their paging rules, for bursts between two polls.

`LiveServer` is the FakeServer with routes answered by a function of the query (a listing that
grows while the test runs). On it: a Reddit listing (`before`/`after`/`limit` as Reddit answers
them), a Mastodon hashtag timeline (`min_id`/`max_id`/`limit`; optionally a server that answers
`min_id` with its newest page), and an RSS feed that keeps only its newest entries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from tests.fakes.clients import reddit_token_route
from tests.fakes.http_server import FakeServer, Reply, json_reply

START = datetime(2026, 11, 13, 9, 0, tzinfo=UTC)
Handler = Callable[[dict[str, str]], Reply]


class LiveServer(FakeServer):
    """A FakeServer whose `live` routes compute each reply from the request's query."""

    def __init__(self) -> None:
        super().__init__()
        self._live: dict[tuple[str, str], Handler] = {}

    def live(self, method: str, path: str, handler: Handler) -> None:
        """Answer method/path with `handler(query)` (scripted routes and faults still win)."""
        self._live[(method.upper(), path.rstrip("/") or "/")] = handler

    def _pick(self, method: str, path: str, query: dict[str, str]) -> Reply | None:
        scripted = super()._pick(method, path, query)
        if scripted is not None:
            return scripted
        handler = self._live.get((method, path))
        return handler(query) if handler else None


@dataclass
class _Timeline:
    """Items in the order they were posted (oldest first), one second apart."""

    items: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post_time(self, n: int) -> datetime:
        return START + timedelta(seconds=n)


class RedditListing(_Timeline):
    """r/all/comments as Reddit pages it: newest first; `before`/`after` are fullnames."""

    path = "/r/all/comments"

    def install(self, server: LiveServer) -> None:
        """Serve the token endpoint and the listing on `server`."""
        reddit_token_route(server)
        server.live("GET", self.path, self.answer)

    def publish(self, count: int, text: str = "a comment") -> list[str]:
        """Post `count` comments now; returns their fullnames, oldest first."""
        names = []
        with self.lock:
            for _ in range(count):
                n = len(self.items) + 1
                name = f"t1_c{n:05d}"
                self.items.append(
                    {
                        "name": name,
                        "id": f"c{n:05d}",
                        "body": f"{text} #{n}",
                        "author": f"user{n}",
                        "author_fullname": f"t2_u{n}",
                        "created_utc": self.post_time(n).timestamp(),
                        "link_id": "t3_post",
                        "parent_id": "t3_post",
                        "permalink": f"/r/all/comments/post/_/c{n:05d}/",
                        "score": 1,
                        "subreddit": "all",
                    }
                )
                names.append(name)
        return names

    def answer(self, query: dict[str, str]) -> Reply:
        """The page Reddit would send: at most `limit` (<= 100) items next to the anchor."""
        limit = min(int(query.get("limit", "25")), 100)
        with self.lock:
            names = [x["name"] for x in self.items]
            if "before" in query or "after" in query:
                anchor = query.get("before") or query.get("after")
                if anchor not in names:
                    page: list[dict[str, Any]] = []  # a removed anchor: empty, as Reddit does
                elif "before" in query:
                    page = self.items[names.index(anchor) + 1 :][:limit]  # just newer
                else:
                    page = self.items[: names.index(anchor)][-limit:]  # just older
            else:
                page = self.items[-limit:]
            children = [{"kind": "t1", "data": dict(x)} for x in reversed(page)]
        data = {"children": children, "after": None, "before": None, "modhash": None}
        return json_reply({"kind": "Listing", "data": data})


class MastodonTag(_Timeline):
    """A hashtag timeline; `skips_ahead` answers `min_id` like `since_id` (its newest page)."""

    def __init__(self, tag: str, skips_ahead: bool = False) -> None:
        super().__init__()
        self.path = f"/api/v1/timelines/tag/{tag}"
        self.skips_ahead = skips_ahead

    def install(self, server: LiveServer) -> None:
        """Serve the timeline on `server`."""
        server.live("GET", self.path, self.answer)

    def publish(self, count: int, text: str = "a post") -> list[str]:
        """Post `count` statuses now; returns their ids, oldest first."""
        ids = []
        with self.lock:
            for _ in range(count):
                n = len(self.items) + 1
                at = self.post_time(n)
                status_id = str((int(at.timestamp() * 1000) << 16) + n)  # Mastodon's id layout
                self.items.append(
                    {
                        "id": status_id,
                        "created_at": at.isoformat().replace("+00:00", "Z"),
                        "content": f"<p>{text} #{n}</p>",
                        "account": {"id": f"a{n}", "acct": f"user{n}", "followers_count": 1},
                        "url": f"https://mastodon.example/@user{n}/{status_id}",
                        "favourites_count": 0,
                        "replies_count": 0,
                        "reblogs_count": 0,
                        "language": "en",
                    }
                )
                ids.append(status_id)
        return ids

    def answer(self, query: dict[str, str]) -> Reply:
        """Statuses between `min_id` and `max_id`, newest first, at most `limit` (<= 40)."""
        limit = min(int(query.get("limit", "20")), 40)
        low = query.get("min_id") or query.get("since_id")
        high = query.get("max_id")
        with self.lock:
            match = [
                x
                for x in self.items
                if (not low or int(x["id"]) > int(low)) and (not high or int(x["id"]) < int(high))
            ]
        # min_id: the page right after it; since_id (or a server that skips ahead): the newest.
        right_after = "min_id" in query and not self.skips_ahead
        page = match[:limit] if right_after else match[-limit:]
        return json_reply(list(reversed(page)))


class RssFeed(_Timeline):
    """An RSS 2.0 feed holding only its newest `keep` entries, newest first."""

    path = "/feed.xml"

    def __init__(self, keep: int) -> None:
        super().__init__()
        self.keep = keep

    def install(self, server: LiveServer) -> None:
        """Serve the feed on `server` (no validators: every poll is a full GET)."""
        server.live("GET", self.path, self.answer)

    def publish(self, count: int, text: str = "an article") -> list[str]:
        """Publish `count` entries now; returns their guids, oldest first."""
        guids = []
        with self.lock:
            for _ in range(count):
                n = len(self.items) + 1
                guid = f"https://blog.example/post/{n}"
                self.items.append({"guid": guid, "title": f"{text} #{n}", "at": self.post_time(n)})
                guids.append(guid)
        return guids

    def answer(self, query: dict[str, str]) -> Reply:
        """The feed as it stands: the newest `keep` entries."""
        with self.lock:
            entries = list(reversed(self.items[-self.keep :]))
        body = "".join(
            f"<item><guid>{escape(x['guid'])}</guid><link>{escape(x['guid'])}</link>"
            f"<title>{escape(x['title'])}</title>"
            f"<pubDate>{format_datetime(x['at'])}</pubDate></item>"
            for x in entries
        )
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>blog</title><link>https://blog.example/</link>{body}</channel></rss>"
        )
        return Reply(200, xml.encode(), {"content-type": "application/rss+xml"})
