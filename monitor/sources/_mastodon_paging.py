"""Mastodon paging back over a hole: what lies between the last id seen and a full page.

Mastodon answers `min_id` with the page right after it; a server that answers with its newest
page instead leaves a hole below that page. Pure except for the `fetch_older` callable it is
given (one request per call).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from monitor.sources._common import parse_time
from monitor.sources.base import Gap

SNOWFLAKE_EPOCH = datetime(2017, 1, 1, tzinfo=UTC)  # before this, an id is not a time


def newer(a: str, b: str) -> bool:
    """Whether Mastodon id `a` is newer than `b` (ids are numeric strings of growing length)."""
    return (len(a), a) > (len(b), b)


def fill_hole(
    feed: str,
    since: str,
    items: list[Any],
    page_size: int,
    max_pages: int,
    fetch_older: Callable[[str], Any],
) -> tuple[list[Any], Gap | None]:
    """A full page after `since`, with what lies between them read back with `max_id`.

    `fetch_older(oldest)` asks for `min_id=since, max_id=oldest`: empty on a server that keeps
    `min_id`'s promise (one request). Otherwise pages back until the check meets `since`, at
    most `max_pages` pages in all; then a Gap spans what is left.
    """
    for _ in range(max_pages - 1):
        oldest = oldest_id(items)
        if not oldest:
            return items, None
        older = fetch_older(oldest)
        if not isinstance(older, list):
            return items, None  # the caller reports the malformed answer on its own page
        between = [x for x in older if _between(x, since, oldest)]
        items = [*between, *items]
        if len(older) < page_size or not between:
            return items, None
    times = [parse_time(x.get("created_at")) for x in items if isinstance(x, dict)]
    return items, Gap(
        since=id_time(since),
        until=min((t for t in times if t is not None), default=None),
        missing=None,  # the server does not say how many lie in between
        reason=f"{feed}: page bound of {max_pages} pages hit before reaching the last status "
        "seen (the server answered min_id with its newest page)",
    )


def oldest_id(items: list[Any]) -> str:
    """The smallest status id on a page ('' when none has one)."""
    ids = [str(x.get("id")) for x in items if isinstance(x, dict) and x.get("id")]
    return min(ids, key=lambda i: (len(i), i), default="")


def _between(item: Any, since: str, oldest: str) -> bool:
    """Whether an item's id lies strictly between `since` and `oldest` (a hole's content)."""
    item_id = str(item.get("id") or "") if isinstance(item, dict) else ""
    return bool(item_id) and newer(item_id, since) and newer(oldest, item_id)


def id_time(status_id: str) -> datetime | None:
    """When a Mastodon status id was made: its upper bits are milliseconds since the epoch.

    None for ids that are not such (notification ids count up from 1; Mastodon's time-based
    ids began in 2017).
    """
    try:
        when = datetime.fromtimestamp((int(status_id) >> 16) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return when if when >= SNOWFLAKE_EPOCH else None
