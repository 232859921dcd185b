"""Normalizing a Mention for storage: what is changed, what is noted, what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from monitor.ingest.normalize import normalized
from monitor.mention import Mention, author_key, clean_json, clean_text
from monitor.sources.base import Rejected

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def post(**fields: object) -> Mention:
    base: dict[str, object] = {"platform": "x", "external_id": "1", "text": "hello", "lang": "und"}
    return Mention(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field", "stored", "note"),
    [
        ({"text": "a\x00b"}, "text", "ab", "text: cleaned"),
        ({"text": "a\ud800b"}, "text", "a\ufffdb", "text: cleaned"),
        ({"likes": 2**80}, "likes", 2**63 - 1, "likes: 1208925819614629174706176 clamped"),
        ({"replies": -5}, "replies", 0, "replies: -5 clamped to 0"),
        ({"reposts": "lots"}, "reposts", 0, "reposts: 'lots' is not a count"),
        ({"created_at": datetime(1, 1, 1, tzinfo=UTC)}, "created_at", None, "out of range"),
        ({"created_at": NOW + timedelta(days=400)}, "created_at", None, "out of range"),
        ({"author": "[deleted]", "author_id": "[deleted]"}, "author", "", "names no one"),
        # Not a language tag, and "hello" is too short to tell: "und" (monitor.language).
        ({"lang": "x" * 40}, "lang", "und", "lang: cut to 16"),
        ({"platform": "p" * 30}, "platform", "p" * 20, "platform: cut to 20"),
    ],
)
def test_odd_values_are_stored_normalized_and_the_change_noted(
    fields: dict[str, object], field: str, stored: object, note: str
) -> None:
    result = normalized(post(**fields), NOW)
    assert isinstance(result, Mention)
    assert getattr(result, field) == stored
    assert any(note in n for n in result.raw["_normalized"])


def test_a_plain_mention_passes_unchanged_and_unnoted() -> None:
    mention = post(created_at=NOW - timedelta(hours=1), likes=3, raw={"a": [1, "b"]})
    assert normalized(mention, NOW) == mention
    assert normalized(mention, NOW).raw == {"a": [1, "b"]}  # type: ignore[union-attr]


def test_a_time_with_an_offset_is_kept_in_utc() -> None:
    when = datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=23, minutes=59)))
    result = normalized(post(created_at=when), NOW)
    assert isinstance(result, Mention) and result.created_at == when.astimezone(UTC)


def test_a_long_id_is_shortened_but_stays_unique() -> None:
    a = normalized(post(external_id="x" * 300 + "a"), NOW)
    b = normalized(post(external_id="x" * 300 + "b"), NOW)
    assert isinstance(a, Mention) and isinstance(b, Mention)
    assert len(a.external_id) == len(b.external_id) == 200 and a.external_id != b.external_id


@pytest.mark.parametrize("external_id", ["", "   ", "\x00"])
def test_a_mention_without_a_usable_id_is_rejected(external_id: str) -> None:
    result = normalized(post(external_id=external_id), NOW)
    assert isinstance(result, Rejected) and "no usable id" in result.error


def test_what_is_not_a_mention_at_all_is_rejected_not_raised() -> None:
    result = normalized({"text": "a dict"}, NOW)
    assert isinstance(result, Rejected) and "not a Mention" in result.error


def test_raw_json_is_made_storable_everywhere() -> None:
    deep: object = "leaf"
    for _ in range(100):
        deep = [deep]
    cleaned = clean_json({"n\x00": float("nan"), "i": 10**30, "s": "\udfff", "d": deep})
    assert cleaned["n"] is None and cleaned["i"] == str(10**30) and cleaned["s"] == "\ufffd"
    assert isinstance(cleaned["d"], list)
    assert clean_text("\x00ok\ud83d") == "ok\ufffd"


@pytest.mark.parametrize(
    ("author", "author_id", "key"),
    [
        ("ann", "42", ("x", "42")),
        ("ann", "", ("x", "ann")),
        ("[deleted]", "[deleted]", ("x", "unknown:1")),
        ("", "", ("x", "unknown:1")),
        ("Anonymous", "", ("x", "unknown:1")),
    ],
)
def test_an_author_key_never_merges_posts_without_a_usable_author(
    author: str, author_id: str, key: tuple[str, str]
) -> None:
    assert author_key(post(author=author, author_id=author_id)) == key
