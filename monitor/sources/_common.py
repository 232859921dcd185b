"""Helpers the platform sources share: options, credentials, cursors, payloads, retry hints."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from monitor import retry
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources.base import Rejected, SourceError

OptionsT = TypeVar("OptionsT", bound=BaseModel)

SEEN_LIMIT = 500  # ids remembered per feed to drop repeats; bounded so cursors stay small
RAW_LIMIT = 20_000  # characters of a payload kept in quarantine


def parse_options(model: type[OptionsT], channel: ChannelSettings, key: str) -> OptionsT:
    """Validate a channel's options; the error names the channel and the option."""
    try:
        return model.model_validate(channel.options)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "(options)"
            problems.append(f"option '{field}': {error['msg']}")
        raise SourceError(f"{key}: " + "; ".join(problems), permanent=True) from None


def require_env(key: str, variable: str) -> str:
    """A credential from the environment, or a permanent error naming channel and variable."""
    value = os.environ.get(variable, "")
    if not value:
        raise SourceError(f"{key}: {variable} is not set", permanent=True)
    return value


def optional_env(variable: str) -> str:
    """A credential that may be absent ('' then)."""
    return os.environ.get(variable, "")


def brand_queries(brand: BrandSettings, override: Iterable[str] = ()) -> list[str]:
    """What to search for: the channel's own queries, else the brand's queries, else its names."""
    queries = [q for q in override if q.strip()]
    if queries:
        return queries
    if brand.queries:
        return list(brand.queries)
    names = [*brand.keywords, *brand.aliases]
    return [f'"{n}"' if " " in n else n for n in names] or [h.lstrip("@#") for h in brand.handles]


def brand_handles(brand: BrandSettings) -> set[str]:
    """The brand's own account names, lower-case without '@' (to spot mentions of the brand)."""
    return {h.lstrip("@").lower() for h in brand.handles if h.startswith("@")}


def remember(seen: list[str], new_ids: Iterable[str], limit: int = SEEN_LIMIT) -> list[str]:
    """Append ids to a bounded most-recent-last list (the oldest fall off)."""
    merged = [*seen, *new_ids]
    return merged[-limit:]


HUGE_INT_BITS = 14_000  # about 4,200 digits: Python refuses to print an int past 4,300
DEFUSED_DEPTH = 32  # deeper than any platform nests: cut, so repr and == cannot overflow


def defused(value: Any, depth: int = 0) -> Any:
    """A copy every printer survives: ints too long to print as text saying so, nesting cut.

    `str(10**5000)` raises ValueError, and a list nested 3,000 deep makes repr, == and json raise
    RecursionError; a payload holding either must still be storable or quarantinable.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        bits = value.bit_length()
        return value if bits <= HUGE_INT_BITS else f"<an integer of {bits} bits>"
    if value is None or isinstance(value, bool | float | str):
        return value
    if depth >= DEFUSED_DEPTH and isinstance(value, Mapping | list | tuple):
        return f"<{type(value).__name__} nested more than {DEFUSED_DEPTH} deep, cut>"
    if isinstance(value, Mapping):
        return {
            k if isinstance(k, str) else _repr(defused(k, depth + 1)): defused(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(defused(v, depth + 1) for v in value)
    return value


def jsonable(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of a payload (objects become their string form; cycles are cut)."""
    if depth > 6:
        return _repr(defused(value)) if not isinstance(value, str) else value
    if isinstance(value, int) and not isinstance(value, bool):
        return defused(value)
    if value is None or isinstance(value, bool | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump(), depth + 1)
    return str(value)  # e.g. a praw Redditor: its name (never touch lazy attributes)


def rejected(location: str, error: str, payload: Any) -> Rejected:
    """A Rejected with the payload as JSON text (or as received when it is not JSON-able)."""
    if isinstance(payload, bytes):
        raw = payload.decode("utf-8", "replace")
    elif isinstance(payload, str):
        raw = payload
    else:
        try:
            raw = json.dumps(jsonable(payload), ensure_ascii=False)
        except Exception:  # an object that will not even print as JSON: its repr, then nothing
            raw = _repr(payload)
    return Rejected(location=location, error=error, raw=raw[:RAW_LIMIT])


def _repr(payload: Any) -> str:
    try:
        return repr(payload)
    except Exception:
        return f"<unprintable {type(payload).__name__}>"


def printable(payload: Any) -> str:
    """repr of a payload however odd (huge ints, deep nesting), or a note of what it was."""
    return _repr(defused(payload))


NormalizerT = TypeVar("NormalizerT", bound=Callable[..., Any])


def guarded(platform: str) -> Callable[[NormalizerT], NormalizerT]:
    """Make a one-item normalizer total: whatever its item holds, a Mention or a Rejected.

    The normalizers reject what they expect to see wrong; this catches the rest (a number too
    big for a float, a date no clock can show, a type nobody thought of), so one item can never
    raise out of a page.
    """

    def wrap(normalize: NormalizerT) -> NormalizerT:
        @functools.wraps(normalize)
        def call(item: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return normalize(item, *args, **kwargs)
            except Exception as exc:
                where = f"{platform}:{_item_id(item)}"
                return rejected(where, f"malformed item: {type(exc).__name__}: {exc}", item)

        return call  # type: ignore[return-value]

    return wrap


def _item_id(item: Any) -> str:
    """The item's id for a location, or '?' (never raising, never a lazy fetch)."""
    try:
        data = item if isinstance(item, dict) else vars(item)
        return str(data.get("name") or data.get("id") or data.get("uri") or "?")[:200]
    except Exception:
        return "?"


def retry_after_seconds(
    headers: Mapping[str, str] | None, now: datetime | None = None
) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), clamped; see retry."""
    return retry.parse_retry_after(_header(headers or {}, "retry-after"), now)


def reset_in_seconds(
    headers: Mapping[str, str] | None, name: str, now: datetime | None = None
) -> float | None:
    """Seconds until a rate-limit reset header: epoch seconds (X) or seconds from now (Reddit)."""
    return retry.parse_reset(_header(headers or {}, name), now)


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header value, case-insensitively."""
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return ""


def parse_time(value: Any) -> datetime | None:
    """A timestamp from epoch seconds or ISO 8601 text (a trailing Z allowed), in UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    text = str(value).strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
