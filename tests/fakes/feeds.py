"""A platform's search feed as a FakeServer serves it: posts paged the way each platform pages.

`Post(n)` is the n-th post of a story, one minute after the last. `serve_x`, `serve_bluesky`
and `serve_hackernews` register, for a list of posts, every answer the platform would give a
client paging over them: X's `since_id` + `next_token`, Bluesky's inclusive `since` + `cursor`,
Algolia's `created_at_i` numeric filters with `nbHits`. A test serves the posts there are at the
time of each poll (a new server per poll: the platform's state then) and reads the client's
requests to see what it asked. Written by us from the documented formats (X API v2 recent
search, app.bsky.feed.searchPosts, HN Algolia search_by_date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.atproto import create_session
from tests.fakes.http_server import FakeServer

START = datetime(2026, 5, 2, 9, 0, tzinfo=UTC)
X_EPOCH_MS = 1288834974657  # X's snowflake epoch (ids carry their creation time)
X_SEARCH = "/2/tweets/search/recent"
BLUESKY_SEARCH = "/xrpc/app.bsky.feed.searchPosts"
HN_SEARCH = "/api/v1/search_by_date"


@dataclass(frozen=True)
class Post:
    """The n-th post about the brand, created `n` minutes after START."""

    n: int

    @property
    def at(self) -> datetime:
        """When it was posted."""
        return START + timedelta(minutes=self.n)

    @property
    def text(self) -> str:
        """What it says."""
        return f"kettlebird order {self.n} never arrived"

    @property
    def x_id(self) -> str:
        """Its X id: a snowflake of its time."""
        millis = int(self.at.timestamp() * 1000)
        return str((millis - X_EPOCH_MS) << 22)

    @property
    def bluesky_uri(self) -> str:
        """Its Bluesky post URI."""
        return f"at://did:plc:burstauthor000000000001/app.bsky.feed.post/3lburst{self.n:05d}"

    @property
    def bluesky_at(self) -> str:
        """Its createdAt/indexedAt, as Bluesky writes times."""
        return self.at.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    @property
    def hn_id(self) -> str:
        """Its Algolia objectID."""
        return str(41000000 + self.n)

    @property
    def stamp(self) -> int:
        """Its created_at_i."""
        return int(self.at.timestamp())


def story(first: int, last: int) -> list[Post]:
    """Posts `first`..`last`, newest first (as every platform sends them)."""
    return [Post(n) for n in range(last, first - 1, -1)]


def chunks(posts: list[Post], size: int) -> list[list[Post]]:
    """The posts in pages of `size`."""
    return [posts[i : i + size] for i in range(0, len(posts), size)] or [[]]


# --- X API v2 recent search --------------------------------------------------------------------


def _tweet(post: Post) -> dict[str, Any]:
    return {"id": post.x_id, "text": post.text, "author_id": "700",
            "created_at": post.at.isoformat().replace("+00:00", ".000Z")}  # fmt: skip


def _x_page(page: list[Post], token: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"result_count": len(page)}
    if page:
        meta.update(newest_id=page[0].x_id, oldest_id=page[-1].x_id)
    if token:
        meta["next_token"] = token
    body: dict[str, Any] = {"meta": meta}
    if page:
        body["data"] = [_tweet(p) for p in page]
        body["includes"] = {"users": [{"id": "700", "username": "ann_brews"}]}
    return body


def serve_x(server: FakeServer, posts: list[Post], size: int) -> None:
    """Recent search over `posts`: newer than `since_id`, `size` a page, `next_token` on."""
    server.add_json("GET", X_SEARCH, _x_page(posts[:size], None))  # no since_id: the newest
    for since in posts:
        newer = [p for p in posts if p.n > since.n]
        pages = chunks(newer, size)
        for i, page in enumerate(pages):
            token = f"{since.n}-p{i + 1}" if i + 1 < len(pages) else None
            query = {"since_id": since.x_id, **({"next_token": f"{since.n}-p{i}"} if i else {})}
            server.add_json("GET", X_SEARCH, _x_page(page, token), query=query)


# --- Bluesky app.bsky.feed.searchPosts ---------------------------------------------------------


def _post_view(post: Post) -> dict[str, Any]:
    return {
        "uri": post.bluesky_uri,
        "cid": f"bafyreiburst{post.n:044d}",
        "author": {"did": "did:plc:burstauthor000000000001", "handle": "ann.example.social"},
        "record": {"$type": "app.bsky.feed.post", "text": post.text, "createdAt": post.bluesky_at},
        "indexedAt": post.bluesky_at,
        "likeCount": 0, "replyCount": 0, "repostCount": 0, "quoteCount": 0,
    }  # fmt: skip


def serve_bluesky(server: FakeServer, posts: list[Post], size: int) -> None:
    """A PDS login and searchPosts over `posts`: `since` inclusive, `size` a page, `cursor` on."""
    server.add_json("POST", "/xrpc/com.atproto.server.createSession", create_session())
    for since in [None, *posts]:
        newer = [p for p in posts if since is None or p.n >= since.n]
        pages = chunks(newer, size)
        for i, page in enumerate(pages):
            body: dict[str, Any] = {"posts": [_post_view(p) for p in page]}
            if i + 1 < len(pages):
                body["cursor"] = f"{since.n if since else 'all'}-c{i + 1}"
            query = {"since": since.bluesky_at} if since else {}
            if i:
                query["cursor"] = f"{since.n if since else 'all'}-c{i}"
            server.add_json("GET", BLUESKY_SEARCH, body, query=query or None)


# --- Hacker News Algolia search_by_date --------------------------------------------------------


def _hit(post: Post) -> dict[str, Any]:
    return {"objectID": post.hn_id, "created_at_i": post.stamp, "author": "kim",
            "comment_text": post.text, "story_id": 41000000, "parent_id": 41000000,
            "_tags": ["comment"]}  # fmt: skip


def _hn_page(matching: list[Post], size: int) -> dict[str, Any]:
    return {"hits": [_hit(p) for p in matching[:size]], "nbHits": len(matching), "page": 0,
            "nbPages": max(1, -(-len(matching) // size)), "hitsPerPage": size}  # fmt: skip


def serve_hackernews(server: FakeServer, posts: list[Post], size: int) -> None:
    """search_by_date over `posts` for every `created_at_i>=A[,created_at_i<=B]` a client sends."""
    server.add_json("GET", HN_SEARCH, _hn_page(posts, size))  # no filter: the newest
    stamps = sorted({p.stamp for p in posts})
    for low in stamps:
        server.add_json(
            "GET", HN_SEARCH, _hn_page([p for p in posts if p.stamp >= low], size),
            query={"numericFilters": f"created_at_i>={low}"},
        )  # fmt: skip
        for high in stamps:
            matching = [p for p in posts if low <= p.stamp <= high]
            filters = f"created_at_i>={low},created_at_i<={high}"
            server.add_json(
                "GET", HN_SEARCH, _hn_page(matching, size), query={"numericFilters": filters}
            )
