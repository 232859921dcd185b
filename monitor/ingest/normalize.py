"""The one step every Mention goes through before storage: storable values, or a rejection.

Whatever a source built, what leaves here fits every column on SQLite and PostgreSQL: text
without NUL or lone surrogates, counts within 64 bits, a plausible time, an id of at most 200
characters, JSON with finite numbers and bounded depth. What was changed is noted in
`raw["_normalized"]`; a mention that cannot be stored at all (no usable id) is a `Rejected`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.language import detect
from monitor.mention import (
    MAX_COUNT,
    MAX_RAW_DEPTH,
    Mention,
    as_utc,
    clean_json,
    clean_text,
    usable_author,
    utcnow,
)
from monitor.sources._common import defused, printable
from monitor.sources.base import Rejected

ID_CHARS = 200  # String(200) columns: external_id, parent_id, root_id, author_handle
PLATFORM_CHARS = 20
LANG_CHARS = 16
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # clocks differ a little; a post from next year is a bad date
RAW_LIMIT = 20_000


def normalized(mention: Any, now: datetime | None = None) -> Mention | Rejected:
    """The mention made storable (changes noted in raw), or a Rejected saying why it cannot be."""
    try:
        return _normalized(mention, now or utcnow())
    except Exception as exc:  # one odd value must not stop its page
        return Rejected(
            f"{_platform(mention)}:{_ident(mention)}",
            f"could not normalize: {type(exc).__name__}: {clean_text(str(exc))[:300]}",
            raw_text(getattr(mention, "raw", mention)),
        )


def split(
    mentions: Iterable[Any], now: datetime | None = None
) -> tuple[list[Mention], list[Rejected]]:
    """Normalize a page: (storable mentions, rejections), order kept."""
    good: list[Mention] = []
    bad: list[Rejected] = []
    for mention in mentions:
        result = normalized(mention, now)
        (bad if isinstance(result, Rejected) else good).append(result)  # type: ignore[arg-type]
    return good, bad


def raw_text(payload: Any) -> str:
    """A payload as clean JSON text for quarantine (its repr when it is not JSON-able)."""
    try:
        text = json.dumps(clean_json(defused(payload)), ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = printable(payload)
    return clean_text(text)[:RAW_LIMIT]


def as_record(mention: Mention) -> dict[str, Any]:
    """Every field of a mention as one JSON-able dict (what quarantine keeps of it)."""
    record = {f.name: getattr(mention, f.name) for f in dataclasses.fields(mention)}
    record["created_at"] = mention.created_at.isoformat() if mention.created_at else None
    return record


def _platform(mention: Any) -> str:
    return clean_text(_as_text(getattr(mention, "platform", "?")))[:PLATFORM_CHARS]


def _ident(mention: Any) -> str:
    return clean_text(_as_text(getattr(mention, "external_id", "?")))[:ID_CHARS]


def _normalized(mention: Any, now: datetime) -> Mention | Rejected:
    if isinstance(mention, Mention) and storable_as_is(mention, now):
        # The common case: nothing to clean; only the language is the text's, not the tag's.
        lang = detect(mention.text, mention.lang)
        return mention if lang == mention.lang else replace(mention, lang=lang)
    return rewritten(mention, now)


def rewritten(mention: Any, now: datetime) -> Mention | Rejected:
    """The mention with every field made storable and each change noted (no shortcut taken)."""
    if not isinstance(mention, Mention):
        return Rejected("?", f"not a Mention: {type(mention).__name__}", raw_text(mention))
    notes: list[str] = []
    platform = _short(mention.platform, PLATFORM_CHARS, "platform", notes)
    external_id = _identifier(mention.external_id, notes)
    if not external_id:
        return Rejected(f"{platform}:?", "the post has no usable id (empty)", raw_text(mention.raw))
    fields: dict[str, Any] = {
        name: _count(getattr(mention, name), name, notes)
        for name in ("author_followers", "likes", "replies", "reposts")
    }
    fields.update(
        text=_text(mention.text, "text", notes),
        author=_person(mention.author, "author", notes),
        author_id=_person(mention.author_id, "author_id", notes),
        created_at=_when(mention.created_at, now, notes),
        url=_text(mention.url, "url", notes),
        parent_id=_identifier(mention.parent_id, notes, "parent_id"),
        root_id=_identifier(mention.root_id, notes, "root_id"),
        # Detected from the text; the platform's own tag only when the text cannot tell.
        lang=detect(
            _text(mention.text, "text", []), _short(mention.lang, LANG_CHARS, "lang", notes)
        ),
    )
    original = mention.raw if isinstance(mention.raw, dict) else {"value": mention.raw}
    raw = clean_json(defused(original))
    if _differs(raw, original):
        notes.append("raw: cleaned (NUL, lone surrogates, non-finite or huge numbers, depth)")
    if notes:
        raw = {**raw, "_normalized": notes}
    return dataclasses.replace(
        mention,
        platform=platform,
        external_id=external_id,
        reply_allowed=bool(mention.reply_allowed),
        raw=raw,
        **fields,
    )


_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")  # NUL or a lone surrogate


def storable_as_is(mention: Mention, now: datetime) -> bool:
    """Whether normalizing would change nothing (so the same mention can be stored as it is).

    Checks, without copying, exactly what `_normalized` would otherwise rewrite or note; any
    doubt answers False and the full normalization runs.
    """
    strings = (mention.text, mention.url)
    short = ((mention.platform, PLATFORM_CHARS), (mention.external_id, ID_CHARS),
             (mention.parent_id, ID_CHARS), (mention.root_id, ID_CHARS),
             (mention.lang, LANG_CHARS), (mention.author, ID_CHARS),
             (mention.author_id, ID_CHARS))  # fmt: skip
    for value in strings:
        if type(value) is not str or _UNSTORABLE.search(value):
            return False
    for value, limit in short:
        if type(value) is not str or len(value) > limit or value != value.strip():
            return False
        if _UNSTORABLE.search(value):
            return False
    if not mention.external_id:
        return False
    for person in (mention.author, mention.author_id):
        if person and not usable_author(person):
            return False
    for count in (mention.author_followers, mention.likes, mention.replies, mention.reposts):
        if type(count) is not int or not 0 <= count <= MAX_COUNT:
            return False
    when = mention.created_at
    if when is not None and (
        type(when) is not datetime or when.tzinfo is not UTC
        or not EARLIEST <= when <= now + FUTURE_SLACK
    ):  # fmt: skip
        return False
    return type(mention.reply_allowed) is bool and type(mention.raw) is dict and _clean(mention.raw)


def _clean(value: Any, depth: int = 0) -> bool:
    """Whether `clean_json` would return `value` unchanged (same types, same content)."""
    kind = type(value)
    if kind is str:
        return not _UNSTORABLE.search(value)
    if value is None or kind is bool:
        return True
    if kind is int:
        return -MAX_COUNT - 1 <= value <= MAX_COUNT
    if kind is float:
        return math.isfinite(value)
    if depth >= MAX_RAW_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or _UNSTORABLE.search(key) or not _clean(item, depth + 1):
                return False
        return True
    if kind is list:
        return all(_clean(item, depth + 1) for item in value)
    return False


def _as_text(value: Any) -> str:
    """A value as text: a str as it is, anything else as str() would show it, never raising."""
    if isinstance(value, str):
        return value
    try:
        return str(defused(value))
    except Exception:
        return printable(value)


def _shown(value: Any) -> str:
    """A value as a short note (an int too long to print says how long it is)."""
    plain = isinstance(value, int | datetime) and not isinstance(value, bool)
    shown = _as_text(value) if plain else printable(value)  # text in quotes, as repr shows it
    return clean_text(shown)[:40]


def _differs(cleaned: Any, original: Any) -> bool:
    try:
        return bool(cleaned != original)
    except RecursionError:  # nested past what == can walk: it was cut, so it differs
        return True


def _text(value: Any, name: str, notes: list[str]) -> str:
    text = "" if value is None else _as_text(value)
    cleaned = clean_text(text)
    if cleaned != value and value not in (None, ""):
        notes.append(f"{name}: cleaned (NUL or lone surrogates removed, or not text)")
    return cleaned


def _short(value: Any, limit: int, name: str, notes: list[str]) -> str:
    text = _text(value, name, notes).strip()
    if len(text) > limit:
        notes.append(f"{name}: cut to {limit} characters")
        text = text[:limit]
    return text


def _person(value: Any, name: str, notes: list[str]) -> str:
    """An author id or handle, or '' when it names nobody ("[deleted]", "anonymous")."""
    text = _short(value, ID_CHARS, name, notes)
    if text and not usable_author(text):
        notes.append(f"{name}: {text!r} names no one, stored as unknown")
        return ""
    return text


def _identifier(value: Any, notes: list[str], name: str = "external_id") -> str:
    """An id of at most 200 characters; a longer one ends in a hash of the whole (stays unique)."""
    text = _text(value, name, notes).strip()
    if len(text) > ID_CHARS:
        digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
        notes.append(f"{name}: {len(text)} characters, shortened with a hash")
        text = f"{text[: ID_CHARS - 17]}#{digest}"
    return text


def _count(value: Any, name: str, notes: list[str]) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        notes.append(f"{name}: {_shown(value)} is not a count, stored as 0")
        return 0
    if number < 0 or number > MAX_COUNT:
        clamped = min(max(number, 0), MAX_COUNT)
        notes.append(f"{name}: {_shown(number)} clamped to {clamped}")
        return clamped
    return number


def _when(value: Any, now: datetime, notes: list[str]) -> datetime | None:
    """A time between 1970 and tomorrow, in UTC; anything else is dropped (stored as fetch time)."""
    if value is None:
        return None
    try:
        when = as_utc(value) if isinstance(value, datetime) else None
    except (OverflowError, ValueError):
        when = None
    if when is None or when < EARLIEST or when > now + FUTURE_SLACK:
        shown = clean_text(_as_text(value))[:40]
        notes.append(f"created_at: {shown} out of range, fetch time used")
        return None
    return when
