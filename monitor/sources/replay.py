"""The replay source: plays a JSONL export of mentions (the `makegood score` format) by pages."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from monitor.mention import Mention, as_utc, utcnow
from monitor.platforms import platform
from monitor.records import jsonl_page, mention_from_row
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources.base import PollResult, Rejected, SourceError

PROJECT_DIR = Path(__file__).resolve().parents[2]
HEAD_BYTES = 4096  # what is hashed of the file's start to notice it was rewritten in place

log = logging.getLogger(__name__)


class ReplayOptions(BaseModel):
    """Options of a replay channel."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        description="The JSONL file; a relative path is looked up from the current folder, then"
        " in the installed package (the bundled demo stream)."
    )
    page_size: int = Field(
        100, ge=1, le=platform("replay").rates.page_max, description="Lines a poll."
    )
    relative_to_now: bool = Field(
        False,
        description="Shift every post's time so the file's newest post is `ends_minutes_ago`"
        " minutes old when the channel is set up (the demo: SLA clocks and the queue's order"
        " read as a normal morning). Off: the posts keep the times in the file.",
    )
    ends_minutes_ago: int = Field(
        5, ge=0, description="With relative_to_now: how old the file's newest post is made."
    )


class ReplaySource:
    """Reads a JSONL file from a byte-offset cursor, `page_size` lines per poll."""

    platform = "replay"

    def __init__(
        self, name: str, path: Path, page_size: int = 100, shift: timedelta = timedelta(0)
    ):
        self.name = name
        self.path = path
        self.page_size = page_size
        self.shift = shift  # added to every post's time (relative_to_now), else zero

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Read the next page; the cursor is {"offset", "line", "file": the file's identity}."""
        if not self.path.is_file():
            raise SourceError(f"{self.name}: replay file not found: {self.path}", permanent=True)
        offset, line = _position(cursor)
        if offset and replaced(self.path, cursor.get("file"), offset):
            # Rotated, truncated or rewritten: the cursor belongs to another file. Read this one
            # from the start (ids already stored are recognized and not stored twice).
            log.warning("%s: %s was replaced, reading it from the start", self.name, self.path)
            offset, line = 0, 0
        rows, next_offset, next_line = jsonl_page(self.path, offset, line, self.page_size)
        mentions: list[Mention] = []
        rejected: list[Rejected] = []
        for row in rows:
            result = mention_from_row(row)
            if self.shift and isinstance(result, Mention) and result.created_at is not None:
                result = dataclasses.replace(result, created_at=result.created_at + self.shift)
            (rejected if isinstance(result, Rejected) else mentions).append(result)  # type: ignore[arg-type]
        return PollResult(
            mentions=mentions,
            rejected=rejected,
            next_cursor={
                "offset": next_offset,
                "line": next_line,
                "file": identity(self.path, next_offset),
            },
            calls=1,
            exhausted=len(rows) < self.page_size,
        )


def _position(cursor: dict[str, Any]) -> tuple[int, int]:
    """(offset, line) from a cursor; a cursor that is not numbers starts over."""
    try:
        return max(int(cursor.get("offset", 0)), 0), max(int(cursor.get("line", 0)), 0)
    except (TypeError, ValueError):
        return 0, 0


def identity(path: Path, offset: int) -> dict[str, Any]:
    """What tells this file from its replacement: device, inode, and a hash of what was read."""
    stat = path.stat()
    head = min(offset, HEAD_BYTES)
    return {"dev": stat.st_dev, "ino": stat.st_ino, "head": head, "sha256": _head_hash(path, head)}


def replaced(path: Path, known: Any, offset: int) -> bool:
    """Whether the file at `path` is no longer the one the cursor was read from."""
    stat = path.stat()
    if stat.st_size < offset:
        return True  # truncated (or replaced by a shorter file)
    if not isinstance(known, dict):
        return False  # a cursor from before identities were kept: trust the offset
    if (known.get("dev"), known.get("ino")) != (stat.st_dev, stat.st_ino):
        return True  # rotated: another file under the same name
    head = known.get("head")
    if not isinstance(head, int) or head < 0:
        return False
    return _head_hash(path, head) != known.get("sha256")  # rewritten in place


def _head_hash(path: Path, size: int) -> str:
    with path.open("rb") as fh:
        return hashlib.sha256(fh.read(size)).hexdigest()


def newest_time(path: Path) -> datetime | None:
    """The latest `created_at` in a JSONL file (lines that are not rows with a time are skipped)."""
    newest: datetime | None = None
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                raw = json.loads(line).get("created_at")
                at = as_utc(datetime.fromisoformat(str(raw).replace("Z", "+00:00")))
            except (ValueError, AttributeError):
                continue
            if at is not None and (newest is None or at > newest):
                newest = at
    return newest


def shift_to_now(path: Path, ends_minutes_ago: int, now: datetime | None = None) -> timedelta:
    """What to add to each post's time so the file's newest post is `ends_minutes_ago` old."""
    newest = newest_time(path) if path.is_file() else None
    if newest is None:
        return timedelta(0)
    return (now or utcnow()) - timedelta(minutes=ends_minutes_ago) - newest


def from_settings(brand: BrandSettings, channel: ChannelSettings, key: str) -> ReplaySource:
    """Build a replay source from its channel settings."""
    try:
        options = ReplayOptions.model_validate(channel.options)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise SourceError(f"{key}: option '{field}': {first['msg']}", permanent=True) from None
    path = Path(options.path)
    if not path.is_absolute() and not path.exists():
        # The bundled demo stream lives in the package: resolve it from the project folder.
        path = PROJECT_DIR / path
    shift = (
        shift_to_now(path, options.ends_minutes_ago) if options.relative_to_now else timedelta(0)
    )
    return ReplaySource(key, path, options.page_size, shift)
