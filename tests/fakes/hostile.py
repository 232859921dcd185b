"""Hypothesis strategies for what a platform or a file may hand us: any JSON-like value at all.

Huge integers (past 64 bits, past Python's 4,300-digit str limit), NaN and infinities, lone
UTF-16 surrogates, NUL, BOMs, absurd dates, deep nesting, wrong types in every field. `item()`
builds a platform item around a plausible one so the normalizer gets past its first check;
`PROPERTY` keeps the example count modest so the suite stays fast (100 per test; set
MAKEGOOD_PROPERTY_EXAMPLES=5000 for a long hunt).
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTY = settings(
    max_examples=int(os.environ.get("MAKEGOOD_PROPERTY_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Every character, lone surrogates and NUL included.
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
ODD_TEXT = st.sampled_from([
    "", " ", "\x00", "\ufeff", "\ufeffkettlebird", "\ud800", "a\udfffb", "[deleted]",
    "anonymous", "9" * 5000, "x" * 50_000, "1e400", "NaN", "-1", "0x10", "true",
    "2026-05-02T10:00:00Z", "9999-12-31T23:59:59+23:59", "0001-01-01", "2026-13-45",
    "1970-01-01T00:00:00-25:00", "at://did:plc:x/app.bsky.feed.post/1", "<p>kettlebird</p>",
])  # fmt: skip
# Built, not listed: hypothesis cannot even print an int of more than 4,300 digits.
HUGE_INTS = st.sampled_from([2**63, -(2**63) - 1, 2**64, 10**400, -(10**400)]) | st.integers(
    min_value=4301, max_value=5000
).map(lambda digits: 10**digits)
TEXT = st.text(ANY_CHAR, max_size=40) | ODD_TEXT
SCALAR = (
    st.none() | st.booleans() | st.integers() | HUGE_INTS | TEXT
    | st.floats(allow_nan=True, allow_infinity=True)
)  # fmt: skip

# Field names the normalizers read, at any level, so nested objects are reached too.
KEYS = [
    "id", "name", "text", "title", "body", "selftext", "author", "author_id", "author_fullname",
    "created_at", "created_utc", "created_at_i", "createdAt", "indexedAt", "public_metrics",
    "like_count", "reply_count", "retweet_count", "quote_count", "followers_count", "username",
    "referenced_tweets", "type", "entities", "mentions", "conversation_id", "lang", "langs",
    "uri", "cid", "record", "reply", "parent", "root", "did", "handle", "likeCount",
    "replyCount", "repostCount", "quoteCount", "content", "account", "acct", "spoiler_text",
    "favourites_count", "replies_count", "reblogs_count", "in_reply_to_id", "language", "url",
    "objectID", "comment_text", "story_text", "points", "num_comments", "parent_id", "story_id",
    "link", "summary", "published_parsed", "updated_parsed", "score", "permalink", "locked",
    "archived", "num_crossposts", "link_id", "platform", "reply_allowed", "reason",
]  # fmt: skip
KEY = st.sampled_from(KEYS) | st.text(ANY_CHAR, max_size=8)


def _nested(depth: int) -> Any:
    value: Any = "kettlebird"
    for i in range(depth):
        value = [value] if i % 2 else {"text": value}
    return value


DEEP = st.integers(min_value=30, max_value=3000).map(_nested)
JSON = (
    st.recursive(
        SCALAR,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY, inner, max_size=5),
        max_leaves=12,
    )
    | DEEP
)


def item(base: dict[str, Any]) -> st.SearchStrategy[Any]:
    """`base` with any of its fields (or others) replaced by anything; or anything at all."""
    mutated = st.dictionaries(KEY, JSON, max_size=6).map(lambda extra: {**base, **extra})
    return mutated | JSON


def jsonl_line() -> st.SearchStrategy[bytes]:
    """One JSONL line as bytes: JSON of anything (surrogates escaped), or bytes at random."""
    as_json = (item({"id": "1", "text": "kettlebird"}) | JSON).map(_dumps)
    return st.one_of(as_json, st.binary(max_size=60), ODD_TEXT.map(_encode)).map(
        lambda b: b.replace(b"\n", b" ")
    )


def csv_line() -> st.SearchStrategy[bytes]:
    """One CSV line as bytes: fields with quotes, commas, odd text, or bytes at random."""
    field = st.one_of(TEXT, st.sampled_from(['"', '""', '"open', 'closed"', "a,b", "\r"]))
    row = st.lists(field, min_size=1, max_size=4).map(lambda fs: ",".join(fs))
    return st.one_of(row.map(_encode), st.binary(max_size=60)).map(lambda b: b.replace(b"\n", b" "))


def _dumps(value: Any) -> bytes:
    try:
        return json.dumps(value).encode("utf-8")  # ensure_ascii: surrogates as \\ud800
    except (ValueError, RecursionError):
        return b'{"text": "unencodable"}'


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
