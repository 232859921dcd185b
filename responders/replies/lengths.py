"""How long a reply is on each platform, counted the way the platform counts it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex

URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
GRAPHEME_RE = regex.compile(r"\X")
X_URL_WEIGHT = 23  # X counts every link as 23 characters (t.co)
MASTODON_URL_WEIGHT = 23

# X's weighted count (twitter-text v3): these code point ranges weigh 1, everything else 2,
# and an emoji sequence weighs 2 however many code points it has.
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))

LIMITS = {"x": 280, "mastodon": 500, "bluesky": 300, "reddit": 10_000, "hackernews": 0, "rss": 0}


@dataclass(frozen=True, slots=True)
class Length:
    """A reply's length on a platform: the count, the limit (0 = no public replies), the unit."""

    count: int
    limit: int
    unit: str

    @property
    def over(self) -> bool:
        """True when the reply is longer than the platform allows."""
        return self.limit > 0 and self.count > self.limit

    def describe(self) -> str:
        """For people: '142 / 280 weighted characters'."""
        return (
            f"{self.count} / {self.limit} {self.unit}"
            if self.limit
            else f"{self.count} {self.unit}"
        )


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


def measure(text: str, platform: str) -> Length:
    """The reply's length on `platform` against its limit."""
    if platform == "x":
        return Length(x_weighted_length(text), LIMITS["x"], "weighted characters")
    if platform == "bluesky":
        return Length(graphemes(text), LIMITS["bluesky"], "graphemes")
    if platform == "mastodon":
        return Length(mastodon_length(text), LIMITS["mastodon"], "characters")
    return Length(len(text), LIMITS.get(platform, 0), "characters")
