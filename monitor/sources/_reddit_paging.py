"""Reddit paging back over a burst: from the latest page, follow `after` until what was seen.

Pure except for the `fetch_after` callable it is given (one listing request per call); the
source decides when to page back, this module how far and what to report when it cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.sources.base import Gap


@dataclass(frozen=True)
class Newest:
    """The newest item a feed has seen: its fullname and creation time (epoch seconds)."""

    name: str = ""
    at: float | None = None

    @classmethod
    def of(cls, state: Any) -> Newest:
        """Read it from a cursor (missing or malformed: unknown)."""
        if not isinstance(state, dict):
            return cls()
        at = state.get("at")
        usable = isinstance(at, int | float) and not isinstance(at, bool)
        return cls(str(state.get("name") or ""), float(at) if usable else None)

    @classmethod
    def latest(cls, current: Newest, fresh: list[Any]) -> Newest:
        """`current`, or the newest of `fresh` when it is newer (or `current` has no time)."""
        best = current
        for item in fresh:
            at = created_utc(item)
            name = vars(item).get("name")
            if name and at is not None and (best.at is None or at >= best.at):
                best = cls(str(name), at)
        return best

    def as_state(self) -> dict[str, Any] | None:
        """The cursor form."""
        return {"name": self.name, "at": self.at} if self.name else None

    def at_datetime(self) -> datetime | None:
        """Its time as a UTC datetime (None when unknown)."""
        return datetime.fromtimestamp(self.at, UTC) if self.at is not None else None


def created_utc(item: Any) -> float | None:
    """An item's created_utc, None when missing or unusable (its Mention is rejected anyway)."""
    try:
        value = float(vars(item).get("created_utc"))
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) < 1e11 else None  # NaN, absurd years


def reaches(page: list[Any], known: set[str], newest: Newest) -> bool:
    """Whether a page holds an item already seen, or one at or before the newest seen time."""
    for item in page:
        name = str(vars(item).get("name") or "")
        if name and (name in known or name == newest.name):
            return True
        at = created_utc(item)
        if newest.at is not None and at is not None and at <= newest.at:
            return True
    return False


def page_back(
    key: str,
    page: list[Any],
    known: set[str],
    newest: Newest,
    page_size: int,
    max_pages: int,
    fetch_after: Callable[[str], list[Any]],
) -> tuple[list[Any], Gap | None]:
    """The latest `page` plus older pages until one meets what was seen, newest first.

    At most `max_pages` pages in all (the latest included); when the bound is hit first, the
    Gap spans from the newest time seen to the oldest time reached.
    """
    items = list(page)
    last = page
    if reaches(page, known, newest):
        return items, None
    for _ in range(max_pages - 1):
        name = str(vars(last[-1]).get("name") or "")
        if not name:
            break  # no anchor to page from: report what could not be reached
        last = fetch_after(name)
        items.extend(last)
        if len(last) < page_size or reaches(last, known, newest):
            return items, None  # met what we had, or the listing's end
    times = [t for t in map(created_utc, items) if t is not None]
    return items, Gap(
        since=newest.at_datetime(),
        until=datetime.fromtimestamp(min(times), UTC) if times else None,
        missing=None,  # Reddit does not say how many it holds in between
        reason=f"{key}: page bound of {max_pages} page{'s' if max_pages > 1 else ''} "
        f"({len(items)} items) hit before reaching the last item seen",
    )
