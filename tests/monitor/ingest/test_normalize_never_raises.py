"""`normalized` is total: any Mention, with anything in any field, becomes storable or a Rejected.

What comes out as a Mention fits every column on SQLite and PostgreSQL: text without NUL or lone
surrogates, counts within 64 bits, ids of at most 200 characters, a time between 1970 and
tomorrow, raw JSON that serializes (finite numbers, bounded depth).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from monitor.ingest.normalize import ID_CHARS, normalized, raw_text
from monitor.mention import MAX_COUNT, Mention
from monitor.sources.base import Rejected
from tests.fakes.hostile import JSON, PROPERTY, SCALAR

NOW = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)
WHEN = st.none() | st.datetimes(timezones=st.none() | st.timezones()) | SCALAR
FIELDS = st.fixed_dictionaries(
    {"platform": SCALAR, "external_id": SCALAR, "text": SCALAR},
    optional={
        "author": SCALAR, "author_id": SCALAR, "author_followers": SCALAR, "created_at": WHEN,
        "url": SCALAR, "likes": SCALAR, "replies": SCALAR, "reposts": SCALAR,
        "parent_id": SCALAR, "root_id": SCALAR, "reply_allowed": SCALAR, "lang": SCALAR,
        "raw": JSON,
    },
)  # fmt: skip


def storable_text(value: Any) -> bool:
    return (
        isinstance(value, str)
        and "\x00" not in value
        and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    )


@PROPERTY
@given(FIELDS)
def test_any_mention_is_made_storable_or_rejected(fields: dict[str, Any]) -> None:
    result = normalized(Mention(**fields), NOW)
    assert isinstance(result, Mention | Rejected)
    if isinstance(result, Rejected):
        assert storable_text(result.raw) and result.error
        return
    for name in ("platform", "external_id", "text", "author", "author_id", "url", "lang"):
        assert storable_text(getattr(result, name)), name
    assert result.external_id and len(result.external_id) <= ID_CHARS
    for name in ("author_followers", "likes", "replies", "reposts"):
        assert 0 <= getattr(result, name) <= MAX_COUNT
    assert result.created_at is None or result.created_at.tzinfo is not None
    # Raw serializes with finite numbers only, and holds no NUL or lone surrogate anywhere.
    assert storable_text(json.dumps(result.raw, allow_nan=False, ensure_ascii=False))


@PROPERTY
@given(JSON | st.builds(object))
def test_anything_that_is_not_a_mention_is_rejected(value: Any) -> None:
    assert isinstance(normalized(value, NOW), Rejected)


@PROPERTY
@given(JSON)
def test_any_payload_has_a_quarantine_text(payload: Any) -> None:
    text = raw_text(payload)
    assert storable_text(text) and len(text) <= 20_000


def test_numbers_too_long_to_print_and_deep_nesting_are_stored_normalized() -> None:
    deep: Any = "kettlebird"
    for _ in range(3000):
        deep = [deep]
    huge = 10**5000  # str() of it raises ValueError; repr of `deep` raises RecursionError
    mention = Mention("x", "1", "kettlebird leaks", likes=huge, raw={"n": huge, "deep": deep})
    result = normalized(mention, NOW)
    assert isinstance(result, Mention) and result.likes == MAX_COUNT
    assert result.raw["n"] == f"<an integer of {huge.bit_length()} bits>"
    assert "nested more than 32 deep, cut" in json.dumps(result.raw)
    assert any(note.startswith("likes: <an integer of") for note in result.raw["_normalized"])
