"""Normalization's shortcut: a mention is kept as it is exactly when rewriting changes nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from monitor.ingest.normalize import normalized, rewritten, storable_as_is
from monitor.mention import Mention

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PLAIN = {"platform": "x", "external_id": "1", "text": "hello", "author": "ann", "author_id": "7",
         "created_at": NOW - timedelta(hours=1), "likes": 3,
         "raw": {"id": "1", "n": [1, 2.5, None, True, {"k": "v"}]}}  # fmt: skip

DEEP: list[object] = ["x"]
for _ in range(40):
    DEEP = [DEEP]

ODD = [
    {"text": "a\x00b"},
    {"url": "https://x.example/\ud800"},
    {"author": " ann"},
    {"author_id": "[deleted]"},
    {"external_id": ""},
    {"external_id": "x" * 201},
    {"parent_id": "p\x00"},
    {"lang": "x" * 17},
    {"platform": "p" * 21},
    {"likes": 2**63},
    {"likes": -1},
    {"likes": True},
    {"replies": 2.0},
    {"created_at": datetime(2026, 11, 20, 8, 0)},  # naive
    {"created_at": datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=2)))},
    {"created_at": NOW + timedelta(days=2)},
    {"reply_allowed": 1},
    {"raw": {"f": float("nan")}},
    {"raw": {"big": 2**64}},
    {"raw": {"t": (1, 2)}},
    {"raw": {"k\x00": 1}},
    {"raw": {1: "non-text key"}},
    {"raw": {"deep": DEEP}},
    {"raw": ["not", "a", "dict"]},
]


def mention(**changes: object) -> Mention:
    return Mention(**{**PLAIN, **changes})  # type: ignore[arg-type]


def identical(a: Mention, b: Mention) -> bool:
    """Same values of the same types in every field (True is not 1, +02:00 is not UTC)."""
    pairs = [(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(Mention)]
    return all(
        type(x) is type(y) and x == y and getattr(x, "tzinfo", None) is getattr(y, "tzinfo", None)
        for x, y in pairs
    )


@pytest.mark.parametrize("changes", [{}, *ODD], ids=["plain", *(str(c)[:40] for c in ODD)])
def test_the_shortcut_is_taken_exactly_when_rewriting_would_change_nothing(
    changes: dict[str, object],
) -> None:
    post = mention(**changes)
    full = rewritten(post, NOW)
    # The language is always the text's (detected on both paths), so it is not a change here.
    unchanged = isinstance(full, Mention) and identical(
        full, dataclasses.replace(post, lang=full.lang)
    )
    assert storable_as_is(post, NOW) is unchanged
    assert unchanged is (changes == {})  # every odd value is one the rewrite changes or notes
    result = normalized(post, NOW)
    assert result == full and getattr(result, "raw", None) == getattr(full, "raw", None)
