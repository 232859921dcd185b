"""Reply lengths counted the way each platform counts them."""

from __future__ import annotations

import pytest

from monitor.platforms import graphemes, mastodon_length, x_weighted_length
from responders.replies.lengths import measure

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦 (7 code points)
FLAG_FR = "\U0001f1eb\U0001f1f7"  # 🇫🇷 (2 regional indicators)
THUMB_TONE = "\U0001f44d\U0001f3fd"  # 👍🏽 (emoji + skin tone)
HEART = "\u2764\ufe0f"  # ❤️ (with variation selector)
E_ACUTE = "e\u0301"  # é as e + combining acute
URL = "https://www.example.com/a/very/long/path?with=query&and=more#fragment"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello", 5),
        ("a" * 280, 280),
        ("日本語", 6),  # CJK weighs 2
        ("한국어 ok", 9),  # Hangul weighs 2, the space and ASCII 1
        ("café", 4),  # Latin-1 weighs 1
        (E_ACUTE, 1),  # a combining mark stays inside its character's range
        ("\u2014", 1),  # em dash (8212) is in a light range
        ("\u2026", 2),  # ellipsis (8230) is not
        ("😀", 2),
        (FAMILY, 2),  # an emoji sequence weighs 2 however many code points
        (FLAG_FR, 2),
        (THUMB_TONE, 2),
        (HEART, 2),
        (URL, 23),  # every link counts 23 (t.co)
        ("http://x.y", 23),  # short ones too
        (f"see {URL} now", 4 + 23 + 4),
        (f"{URL} {URL}", 23 + 1 + 23),
        (f"日本 {FAMILY} {URL}", 4 + 1 + 2 + 1 + 23),
    ],
)
def test_x_weighted_length(text: str, expected: int) -> None:
    assert x_weighted_length(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        (FAMILY, 1),  # a ZWJ family is one grapheme
        (FLAG_FR, 1),
        (FLAG_FR * 3, 3),
        (THUMB_TONE, 1),
        (HEART, 1),
        (E_ACUTE, 1),  # base + combining mark
        ("e\u0301\u0302\u0323", 1),  # several combining marks
        ("日本語", 3),
        ("\r\n", 1),  # CRLF is one grapheme
        (URL, len(URL)),  # Bluesky counts links as written
    ],
)
def test_bluesky_counts_graphemes(text: str, expected: int) -> None:
    assert graphemes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        (URL, 23),
        (f"see {URL}", 4 + 23),
        ("http://a.b", 23),  # a short link still counts 23
        ("日本語", 3),  # characters, not weights
        (FAMILY, len(FAMILY)),  # code points
    ],
)
def test_mastodon_counts_links_as_23(text: str, expected: int) -> None:
    assert mastodon_length(text) == expected


@pytest.mark.parametrize(
    ("platform", "text", "count", "limit", "over", "unit"),
    [
        ("x", "a" * 280, 280, 280, False, "weighted characters"),
        ("x", "a" * 279 + "日", 281, 280, True, "weighted characters"),
        ("bluesky", FAMILY * 300, 300, 300, False, "graphemes"),
        ("bluesky", "a" * 301, 301, 300, True, "graphemes"),
        ("mastodon", "a" * 477 + " " + URL, 501, 500, True, "characters"),
        ("mastodon", "a" * 476 + " " + URL, 500, 500, False, "characters"),
        ("reddit", "a" * 10_000, 10_000, 10_000, False, "characters"),
        ("hackernews", "a" * 20_000, 20_000, 0, False, "characters"),  # no public replies
    ],
)
def test_measure_against_the_platform_limit(
    platform: str, text: str, count: int, limit: int, over: bool, unit: str
) -> None:
    length = measure(text, platform)
    assert (length.count, length.limit, length.over, length.unit) == (count, limit, over, unit)


def test_describe_reads_well() -> None:
    assert measure("a" * 142, "x").describe() == "142 / 280 weighted characters"
    assert measure("abc", "hackernews").describe() == "3 characters"


@pytest.mark.parametrize("platform", ["replay", "manual", ""])
def test_a_platform_without_a_limit_counts_plain_characters(platform: str) -> None:
    length = measure("a" * 20_000 + " " + URL, platform)
    assert (length.count, length.limit, length.over) == (20_001 + len(URL), 0, False)
