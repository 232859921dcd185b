"""One declarative record per platform: names, length rule, URL shapes, reply eligibility, rates.

Sources, publishers, the reply editor and the pages read their platform facts from here instead
of repeating them (the way Apprise gives each service one record). Lives in monitor/ because
both halves need it and monitor never imports responders.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
GRAPHEME_RE = regex.compile(r"\X")
X_URL_WEIGHT = 23  # X counts every link as 23 characters (t.co)
MASTODON_URL_WEIGHT = 23

# X's weighted count (twitter-text v3): these code point ranges weigh 1, everything else 2,
# and an emoji sequence weighs 2 however many code points it has.
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


# --- how each platform counts characters ------------------------------------------------------


def _is_emoji_cluster(cluster: str) -> bool:
    return any(0x1F000 <= ord(c) <= 0x1FAFF or 0x2600 <= ord(c) <= 0x27BF for c in cluster)


def _x_weight(cluster: str) -> int:
    if _is_emoji_cluster(cluster):
        return 2
    total = 0
    for char in cluster:
        code = ord(char)
        total += 1 if any(lo <= code <= hi for lo, hi in _X_LIGHT_RANGES) else 2
    return total


def x_weighted_length(text: str) -> int:
    """X's weighted length: CJK and emoji count double, every URL counts 23."""
    # twitter-text counts the NFC form: 'e' + combining acute is one 'é', not two.
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in URL_RE.finditer(text):
        total += sum(_x_weight(g) for g in GRAPHEME_RE.findall(text[position : match.start()]))
        total += X_URL_WEIGHT
        position = match.end()
    total += sum(_x_weight(g) for g in GRAPHEME_RE.findall(text[position:]))
    return total


def graphemes(text: str) -> int:
    """User-perceived characters (Bluesky's unit)."""
    return len(GRAPHEME_RE.findall(text))


def mastodon_length(text: str) -> int:
    """Mastodon's count: characters, with every URL counting 23."""
    return len(URL_RE.sub("x" * MASTODON_URL_WEIGHT, text))


# --- the record --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LengthRule:
    """How long a post may be and how the platform counts it (limit 0: no public replies)."""

    limit: int
    unit: str = "characters"
    count: Callable[[str], int] = len


@dataclass(frozen=True, slots=True)
class Rates:
    """Documented request limits the source and the publisher work within."""

    page_max: int = 0  # the largest page a read endpoint returns (0: not paged by us)
    lookup_batch: int = 0  # posts re-read per request when refreshing counts (0: no refresh)
    wait_seconds: float = 0.0  # the wait after a rate-limit answer that names no time
    remaining_header: str = ""  # requests left in the window (lower case)
    reset_header: str = ""  # when the window resets (lower case)


# post_url(post reference, author) -> link; profile_url(author) -> link.
UrlBuilder = Callable[[str, str], str]
ProfileBuilder = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Platform:
    """Everything makegood knows about one platform, in one place."""

    name: str  # the key in settings, the Mention and the registries
    display: str  # for people: 'Hacker News'
    length: LengthRule
    rates: Rates
    # Reply eligibility. public_reply: the editor offers a public reply (on X only when the
    # author addressed the brand: that is per post, Mention.reply_allowed). dm: it offers a
    # direct message (written here, sent by hand). read_only: no write API, so every reply is
    # posted by hand and its link pasted on the case (the manual publisher).
    public_reply: bool
    dm: bool
    read_only: bool
    # None: the platform's API hands out each post's link (Mastodon, RSS) or there is none.
    post_url: UrlBuilder | None = None
    profile_url: ProfileBuilder | None = None
    post_id_pattern: re.Pattern[str] | None = None  # the post id at the end of a pasted link

    def link(self, ref: str, author: str = "") -> str:
        """The web link of a post, or '' when this platform has no URL shape of its own."""
        return self.post_url(ref, author) if self.post_url else ""

    def profile(self, author: str) -> str:
        """The web link of an author's profile, or '' when there is no shape for it."""
        return self.profile_url(author) if self.profile_url and author else ""


# --- URL shapes ---------------------------------------------------------------------------------

REDDIT_WEB = "https://www.reddit.com"


def reddit_post_url(permalink: str, author: str = "") -> str:
    """A Reddit link from an item's permalink (a path; a full URL is kept as it is)."""
    return f"{REDDIT_WEB}{permalink}" if permalink.startswith("/") else permalink


def x_post_url(tweet_id: str, author: str = "") -> str:
    """A post on X; without the author's handle X redirects /i/web/status/ to the right path."""
    if author:
        return f"https://x.com/{author}/status/{tweet_id}"
    return f"https://x.com/i/web/status/{tweet_id}"


def bluesky_post_url(uri: str, handle: str = "") -> str:
    """The bsky.app link of an at://did/app.bsky.feed.post/rkey URI ('' for any other shape)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        return ""
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def hackernews_post_url(item_id: str, author: str = "") -> str:
    """A Hacker News story or comment."""
    return f"https://news.ycombinator.com/item?id={item_id}"


def mastodon_profile_url(acct: str) -> str:
    """A remote account's profile from its acct ('user@instance'); '' for a bare local name."""
    user, _, instance = acct.lstrip("@").partition("@")
    return f"https://{instance}/@{user}" if user and instance else ""


# --- the registry -------------------------------------------------------------------------------

_RECORDS = (
    Platform(
        name="reddit",
        display="Reddit",
        length=LengthRule(10_000),
        rates=Rates(100, 100, 60.0, "x-ratelimit-remaining", "x-ratelimit-reset"),
        public_reply=True,
        dm=True,
        read_only=False,
        post_url=reddit_post_url,
        profile_url=lambda name: f"{REDDIT_WEB}/user/{name}",
        post_id_pattern=re.compile(r"/comments/[a-z0-9]+/[^/]*/([a-z0-9]+)/?$", re.IGNORECASE),
    ),
    Platform(
        name="x",
        display="X",
        length=LengthRule(280, "weighted characters", x_weighted_length),
        # 900 s: X's rate windows are 15 minutes long.
        rates=Rates(100, 100, 900.0, "x-rate-limit-remaining", "x-rate-limit-reset"),
        public_reply=True,
        dm=True,
        read_only=False,
        post_url=x_post_url,
        profile_url=lambda name: f"https://x.com/{name}",
        post_id_pattern=re.compile(r"/status(?:es)?/(\d+)"),
    ),
    Platform(
        name="mastodon",
        display="Mastodon",
        length=LengthRule(500, "characters", mastodon_length),
        rates=Rates(40, 1, 300.0, "x-ratelimit-remaining", "x-ratelimit-reset"),
        public_reply=True,
        dm=True,
        read_only=False,
        profile_url=mastodon_profile_url,
        post_id_pattern=re.compile(r"/@[^/]+/(\d+)"),
    ),
    Platform(
        name="bluesky",
        display="Bluesky",
        length=LengthRule(300, "graphemes", graphemes),
        # getPosts and getProfiles take at most 25 at a time.
        rates=Rates(100, 25, 300.0, "ratelimit-remaining", "ratelimit-reset"),
        public_reply=True,
        dm=True,
        read_only=False,
        post_url=bluesky_post_url,
        profile_url=lambda handle: f"https://bsky.app/profile/{handle}",
        post_id_pattern=re.compile(r"/post/([a-z0-9]+)$", re.IGNORECASE),
    ),
    Platform(
        name="hackernews",
        display="Hacker News",
        length=LengthRule(0),
        rates=Rates(1000, 1, 60.0),  # Algolia's hitsPerPage maximum
        public_reply=False,
        dm=True,
        read_only=True,
        post_url=hackernews_post_url,
        profile_url=lambda name: f"https://news.ycombinator.com/user?id={name}",
        post_id_pattern=re.compile(r"[?&]id=(\d+)"),
    ),
    Platform(
        name="rss",
        display="RSS",
        length=LengthRule(0),
        rates=Rates(0, 0, 60.0),
        public_reply=False,
        dm=True,
        read_only=True,
    ),
    # The recorded stream of the demo and tests: it stands in for a live channel, so the editor
    # offers a public reply, which staff post by hand (there is nothing to post it to).
    Platform(
        name="replay",
        display="Replay",
        length=LengthRule(0),
        rates=Rates(10_000),  # our bound on lines read per poll, not a platform's
        public_reply=True,
        dm=True,
        read_only=True,
    ),
)

PLATFORMS: dict[str, Platform] = {record.name: record for record in _RECORDS}


class UnknownPlatform(KeyError):
    """A platform name no record describes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown platform"


def platform(name: str) -> Platform:
    """The record of `name`; UnknownPlatform (a KeyError) naming the known ones otherwise."""
    try:
        return PLATFORMS[name]
    except KeyError:
        known = ", ".join(PLATFORMS)
        raise UnknownPlatform(f"unknown platform {name!r}; known: {known}") from None
