"""The replay source: plays a JSONL export of mentions (the `makegood score` format) by pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from monitor.mention import Mention
from monitor.platforms import platform
from monitor.records import jsonl_page, mention_from_row
from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources.base import PollResult, Rejected, SourceError

PROJECT_DIR = Path(__file__).resolve().parents[2]


class ReplayOptions(BaseModel):
    """Options of a replay channel."""

    model_config = ConfigDict(extra="forbid")

    path: str
    page_size: int = Field(100, ge=1, le=platform("replay").rates.page_max)


class ReplaySource:
    """Reads a JSONL file from a byte-offset cursor, `page_size` lines per poll."""

    platform = "replay"

    def __init__(self, name: str, path: Path, page_size: int = 100):
        self.name = name
        self.path = path
        self.page_size = page_size

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Read the next page; the cursor is {"offset": bytes, "line": n}."""
        if not self.path.is_file():
            raise SourceError(f"{self.name}: replay file not found: {self.path}", permanent=True)
        offset = int(cursor.get("offset", 0))
        line = int(cursor.get("line", 0))
        rows, next_offset, next_line = jsonl_page(self.path, offset, line, self.page_size)
        mentions: list[Mention] = []
        rejected: list[Rejected] = []
        for row in rows:
            result = mention_from_row(row)
            (rejected if isinstance(result, Rejected) else mentions).append(result)  # type: ignore[arg-type]
        return PollResult(
            mentions=mentions,
            rejected=rejected,
            next_cursor={"offset": next_offset, "line": next_line},
            calls=1,
            exhausted=len(rows) < self.page_size,
        )


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
    return ReplaySource(key, path, options.page_size)
