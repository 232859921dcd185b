"""The stream's assembly: the planned posts in time order, with platform ids, urls and counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from .details import REDDIT_TITLES, RSS_FEEDS, RSS_TITLES, SUBREDDITS
from .generator import BRAND_RE, HANDLE_RE, Gen
from .plan import END, MIX, PLATFORM_WEIGHTS, SEED, START
from .posts_extra import WINBACK_PAIRS

BASE32_SORT = "234567abcdefghijklmnopqrstuvwxyz"


def slug(text: str) -> str:
    """A URL-safe short form of a text."""
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s[:48].rstrip("_") or "post"


def iso(t: datetime) -> str:
    """An ISO 8601 UTC timestamp with a Z."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def tid(t: datetime, clock: int) -> str:
    """A Bluesky record key: microseconds since 1970 and a clock id, base32-sortable."""
    v = (int(t.timestamp()) * 1_000_000 + clock % 1_000_000) << 10 | (clock % 1024)
    return "".join(BASE32_SORT[(v >> (5 * i)) & 31] for i in range(12, -1, -1))


def build(seed: int = SEED) -> list[tuple[str, dict[str, Any]]]:
    """The stream as (kind, row) pairs in chronological order."""
    g = Gen(seed)
    rng = g.rng
    plan: list[dict[str, Any]] = []  # items before ids and urls are assigned

    def add(
        kind: str,
        platform: str,
        when: datetime,
        text: str,
        lang: str,
        author: dict[str, Any],
        **extra: Any,
    ) -> dict[str, Any]:
        item = {
            "kind": kind,
            "platform": platform,
            "when": when,
            "text": text,
            "lang": lang,
            "author": author,
            **extra,
        }
        plan.append(item)
        return item

    def platform_author(kind: str) -> tuple[str, dict[str, Any] | None]:
        platform = g.weighted(PLATFORM_WEIGHTS[kind])
        return platform, (None if platform == "rss" else g.author(platform, kind))

    # Background mentions spread over the week.
    for kind, count in MIX.items():
        if kind == "burst":
            continue
        for _ in range(count):
            platform, author = platform_author(kind)
            lang, text = g.unique_text(kind, platform)
            add(kind, platform, g.time_between(START, END), text, lang, author)

    # The burst: a bad batch of descaling tablets, within about an hour on the last morning.
    burst_start = datetime(2026, 11, 20, 8, 47, 0, tzinfo=UTC)
    for i in range(MIX["burst"]):
        platform, author = platform_author("burst")
        lang, text = g.unique_text("burst", platform)
        when = burst_start + timedelta(
            seconds=int(3600 * (i / MIX["burst"]) ** 0.8) + rng.randrange(0, 90)
        )
        add("burst", platform, when, text, lang, author)

    # Complaints early in the week, won back near the end (replies to their own complaint).
    for i, (platform, before, after) in enumerate(WINBACK_PAIRS):
        author = g.new_author(platform)
        g.authors.setdefault(platform, []).append(author)
        t1 = g.time_between(START + timedelta(days=1 + i), START + timedelta(days=2 + i))
        first = add("mild", platform, t1, g.fill(before, platform), "en", author)
        t2 = (
            datetime(2026, 11, 20, 10, 15, tzinfo=UTC) + timedelta(minutes=35 * i)
            if i != 1
            else g.time_between(START + timedelta(days=5, hours=6), START + timedelta(days=6))
        )
        add("winback", platform, t2, g.fill(after, platform), "en", author, reply_to=first)

    # Sort, then assign platform ids (several are derived from the time) and urls.
    order = sorted(range(len(plan)), key=lambda i: (plan[i]["when"], i))
    plan = [plan[i] for i in order]
    hn_next = 46_180_000
    reddit_threads: dict[str, list[str]] = {}
    viral_done: set[str] = set()
    rows: list[tuple[str, dict[str, Any]]] = []
    for item in plan:
        kind, platform, when, a = item["kind"], item["platform"], item["when"], item["author"]
        ms = int(when.timestamp()) * 1000 + rng.randrange(1000)
        text = item["text"]
        parent_id = ""
        is_post = True
        if platform == "x":
            ext_id = str(((ms - 1288834974657) << 22) | rng.getrandbits(22))
            url = f"https://x.example/{a['handle']}/status/{ext_id}"
            if item.get("reply_to"):
                parent_id = item["reply_to"]["row"]["id"]
            elif HANDLE_RE.search(text) and rng.random() < 0.15:
                parent_id = str(
                    ((ms - 3_600_000 * rng.randrange(1, 48) - 1288834974657) << 22)
                    | rng.getrandbits(22)
                )
        elif platform == "mastodon":
            ext_id = str((ms << 16) | rng.getrandbits(16))
            user, instance = a["handle"].split("@")
            url = f"https://{instance}/@{user}/{ext_id}"
        elif platform == "bluesky":
            rkey = tid(when, rng.randrange(1 << 30))
            ext_id = f"at://{a['author_id']}/app.bsky.feed.post/{rkey}"
            url = f"https://bsky.example/profile/{a['handle']}/post/{rkey}"
        elif platform == "hackernews":
            hn_next += rng.randrange(200, 2600)
            ext_id = str(hn_next)
            is_post = kind in ("severe", "praise") and rng.random() < 0.3
            if not is_post:
                parent_id = str(hn_next - rng.randrange(2000, 90000))
            url = f"https://news.ycombinator.example/item?id={ext_id}"
        elif platform == "reddit":
            subs = SUBREDDITS["winback" if kind == "winback" else kind]
            sub = g.pick(subs)
            if item.get("reply_to"):
                sub = item["reply_to"]["sub"]
            is_post = kind not in ("winback", "foreign") and rng.random() < 0.3
            if is_post:
                ext_id = "t3_" + "1" + g.b36(6)
                title = g.fill(g.pick(REDDIT_TITLES.get(kind, ["Question"])), "reddit")
                text = f"{title}\n\n{text}"
                url = f"https://reddit.example/r/{sub}/comments/{ext_id[3:]}/{slug(title)}/"
                reddit_threads.setdefault(sub, []).append(ext_id)
                item["thread"] = ext_id
            else:
                ext_id = "t1_" + g.pick("lmn") + g.b36(6)
                if item.get("reply_to"):
                    parent_id = item["reply_to"]["row"]["id"]
                    thread = item["reply_to"]["thread"]
                else:
                    known = reddit_threads.get(sub, [])
                    thread = g.pick(known) if known and rng.random() < 0.5 else "t3_1" + g.b36(6)
                    parent_id = thread
                url = f"https://reddit.example/r/{sub}/comments/{thread[3:]}/comment/{ext_id[3:]}/"
                item["thread"] = thread
            item["sub"] = sub
        else:  # rss: a blog or news item, the guid is its url
            name, domain = g.pick(RSS_FEEDS.get(kind, RSS_FEEDS["praise"]))
            title = g.fill(g.pick(RSS_TITLES.get(kind, RSS_TITLES["praise"])), "rss")
            url = f"https://{domain}/{when:%Y/%m/%d}/{slug(title)}-{rng.randrange(100, 999)}/"
            ext_id = url
            text = text if kind == "spam" else f"{title}. {text[0].upper()}{text[1:]}"
            a = {"handle": name, "author_id": f"https://{domain}/feed.xml", "followers": 0}
        key = (platform, ext_id)
        if key in g.used_ids:
            raise RuntimeError(f"duplicate id {key}")
        g.used_ids.add(key)

        likes, replies, reposts = g.engagement(platform, a["followers"], kind, is_post)
        followers = a["followers"]
        # Two severe posts go viral: one on X, one on Reddit.
        if (
            kind == "severe"
            and platform in ("x", "reddit")
            and platform not in viral_done
            and BRAND_RE.search(text)
            and re.search(r"fire|spark|melt|glow|burn", text)
        ):
            viral_done.add(platform)
            if platform == "x":
                followers = max(followers, 48_300)
                a["followers"] = followers
                likes, replies, reposts = 9_842, 1_187, 3_216
            else:
                likes, replies = 2_431, 618
        row: dict[str, Any] = {
            "platform": platform,
            "id": ext_id,
            "author": a["handle"],
            "author_id": a["author_id"],
            "created_at": iso(when),
            "text": text,
            "url": url,
            "author_followers": followers,
            "likes": likes,
            "replies": replies,
            "reposts": reposts,
            "lang": item["lang"],
        }
        if platform == "x":
            row["reply_allowed"] = bool(HANDLE_RE.search(text))
        if parent_id:
            row["parent_id"] = parent_id
        item["row"] = row
        rows.append((kind, row))
    return rows
