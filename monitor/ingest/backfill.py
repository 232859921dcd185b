"""A historical export (JSONL or CSV, the score format) read in pages through the whole pipeline.

Resumable: the file's position is a cursor stored like a channel's (a `channels` row keyed
`BRAND:import:NAME`), committed in the same transaction as each page, so after Ctrl-C or a crash
the next run continues after the last stored page and nothing is stored twice. The cursor holds
the file's identity (device, inode, a hash of its head): a different file under the same name is
read from its start (mentions already stored are recognized and skipped). JSONL resumes at a byte
offset; CSV (whose quoted fields may span lines) at a row count, re-reading the rows before it
without storing them. The file is streamed one page at a time: memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest import writes
from monitor.ingest.pipeline import IngestReport, Pipeline
from monitor.records import check_readable, csv_file_rows, detect_format, mention_from_row
from monitor.settings import BrandSettings, Settings
from monitor.sources.base import PollResult, Rejected
from monitor.sources.replay import ReplaySource, identity, replaced

DEFAULT_PAGE_SIZE = 1000
PLATFORM = "import"  # the channel row's platform: an import, not a live source


@dataclass
class ImportProgress:
    """Where an import stands: bytes of the file behind it, and what its pages did."""

    key: str
    size: int  # the file's size in bytes
    position: int = 0  # bytes read so far (from the start of the file, resumed runs included)
    resumed_at: int = 0  # the position this run started from
    pages: int = 0
    rows: int = 0  # rows read by this run (stored, duplicates, skipped and quarantined)
    new: int = 0
    duplicates: int = 0
    unmatched: int = 0
    flagged: int = 0
    quarantined: int = 0
    opened: int = 0
    attached: int = 0
    done: bool = False

    def add(self, result: PollResult, report: IngestReport, position: int) -> None:
        """Count one stored page."""
        self.pages += 1
        self.position = position
        self.rows += len(result.mentions) + len(result.rejected)
        self.new += report.new
        self.duplicates += report.duplicates
        self.unmatched += report.unmatched
        self.flagged += report.flagged
        self.quarantined += report.quarantined
        self.opened += len(report.cases_opened)
        self.attached += len(report.cases_attached)


def import_key(brand: str, channel: str) -> str:
    """The channel key an import stores its cursor and its mentions' channel under."""
    return f"{brand}:import:{channel}"[:200]


def import_file(
    settings: Settings,
    factory: sessionmaker[Session],
    brand: BrandSettings,
    path: Path,
    *,
    channel: str = "",
    page_size: int = DEFAULT_PAGE_SIZE,
    no_cases_older_than: timedelta | None = None,
    on_page: Callable[[ImportProgress], None] | None = None,
) -> ImportProgress:
    """Store every row of `path` not stored yet for `brand`, page by page, from its cursor.

    Raises records.InputFileError when the file as a whole cannot be read. `channel` names the
    import (default: the file's name); `no_cases_older_than` keeps older posts out of cases and
    alerts (they are stored and scored all the same). `on_page` sees the progress after each
    committed page.
    """
    check_readable(path)
    key = import_key(brand.name, channel or path.name)
    pipeline = Pipeline(settings, factory, no_cases_older_than=no_cases_older_than)
    with factory() as session, session.begin():
        cursor = dict(writes.get_or_create_channel(session, key, brand.name, PLATFORM).cursor or {})
    progress = ImportProgress(key, path.stat().st_size)
    pages = _csv_pages if detect_format(path) == "csv" else _jsonl_pages
    for result, position in pages(key, path, cursor, page_size, progress):
        report = pipeline.store_page(brand, key, result)
        progress.add(result, report, position)
        if on_page is not None:
            on_page(progress)
    progress.done = True
    return progress


def _jsonl_pages(
    key: str, path: Path, cursor: dict[str, Any], page_size: int, progress: ImportProgress
) -> Iterator[tuple[PollResult, int]]:
    """JSONL pages from the byte offset of the cursor (the replay source's reading)."""
    source = ReplaySource(key, path, page_size)
    progress.position = progress.resumed_at = _offset(path, cursor)
    while True:
        result = source.poll(cursor)
        if not result.mentions and not result.rejected:
            return
        cursor = result.next_cursor
        yield result, int(cursor.get("offset", 0))
        if result.exhausted:
            return


def _offset(path: Path, cursor: dict[str, Any]) -> int:
    try:
        offset = max(int(cursor.get("offset", 0)), 0)
    except (TypeError, ValueError):
        return 0
    return 0 if offset and replaced(path, cursor.get("file"), offset) else offset


def _csv_pages(
    key: str, path: Path, cursor: dict[str, Any], page_size: int, progress: ImportProgress
) -> Iterator[tuple[PollResult, int]]:
    """CSV pages after the cursor's row count; the rows before it are read, not stored."""
    skip = _csv_rows_done(path, cursor)
    with path.open("rb") as fh:
        rows = csv_file_rows(path, fh)
        done = 0
        for _ in range(skip):
            if next(rows, None) is None:
                break
            done += 1
        progress.position = progress.resumed_at = fh.tell()
        while True:
            mentions, rejected = [], []
            for row in rows:
                done += 1
                result = mention_from_row(row)
                (rejected if isinstance(result, Rejected) else mentions).append(result)
                if len(mentions) + len(rejected) >= page_size:
                    break
            if not mentions and not rejected:
                return
            position = fh.tell()
            next_cursor = {"rows": done, "offset": position, "file": identity(path, position)}
            yield PollResult(mentions, next_cursor, rejected, calls=0), position  # type: ignore[arg-type]


def _csv_rows_done(path: Path, cursor: dict[str, Any]) -> int:
    try:
        rows, offset = max(int(cursor.get("rows", 0)), 0), max(int(cursor.get("offset", 0)), 0)
    except (TypeError, ValueError):
        return 0
    return 0 if rows and replaced(path, cursor.get("file"), offset) else rows
