"""Reading mention records from JSONL or CSV files, streamed, with bad rows as values not crashes.

The format (DESIGN.md): a `text` field at least; optional platform, id, author, created_at, url,
author_followers, likes, replies, reposts. Used by `makegood score` and by the replay source.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.mention import Mention, as_utc
from monitor.sources.base import Rejected

MAX_TEXT_CHARS = 40_000  # longer posts are cut: nothing on a social platform is longer
COUNT_FIELDS = ("author_followers", "likes", "replies", "reposts")
csv.field_size_limit(16 * 1024 * 1024)


class InputFileError(Exception):
    """The file as a whole cannot be read (missing, empty, binary, no text column)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its number (1-based, header excluded for CSV), location, and content."""

    number: int
    location: str
    data: dict[str, Any] | None  # None when the row could not be parsed
    error: str = ""
    raw: str = ""


def detect_format(path: Path) -> str:
    """'csv' or 'jsonl', from the extension, else from the first non-blank character."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip()
    return "jsonl" if head.startswith(b"{") else "csv"


def check_readable(path: Path) -> None:
    """Raise InputFileError with a clear message if the file is missing, empty or binary."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.is_dir():
        raise InputFileError(f"{path}: is a directory, not a file")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head.strip():
        raise InputFileError(f"{path}: the file is empty (expected JSONL or CSV with a text field)")
    if b"\x00" in head and head.count(b"\x00") > len(head) // 10:
        raise InputFileError(f"{path}: looks like a binary file, not JSONL or CSV text")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the 8 KiB boundary is fine; anything earlier is not.
        if exc.start < len(head) - 4:
            raise InputFileError(
                f"{path}: not UTF-8 text (byte {exc.start}); expected JSONL or CSV"
            ) from None


def iter_rows(path: Path, fmt: str | None = None) -> Iterator[Row]:
    """Yield every row of a JSONL or CSV file, streamed; malformed rows come back with an error."""
    check_readable(path)
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        yield from _iter_csv(path)
    else:
        yield from iter_jsonl(path)


def iter_jsonl(path: Path, start_offset: int = 0, start_line: int = 0) -> Iterator[Row]:
    """Yield rows of a JSONL file from a byte offset; `Row.location` is `file:line`."""
    with path.open("rb") as fh:
        fh.seek(start_offset)
        number = start_line
        for raw_line in fh:
            number += 1
            yield _jsonl_row(path, number, raw_line)


def jsonl_page(path: Path, offset: int, line: int, limit: int) -> tuple[list[Row], int, int]:
    """Read up to `limit` non-blank rows from a byte offset: (rows, next_offset, next_line)."""
    rows: list[Row] = []
    with path.open("rb") as fh:
        fh.seek(offset)
        while len(rows) < limit:
            raw_line = fh.readline()
            if not raw_line:
                break
            if not raw_line.endswith(b"\n") and not _parses(raw_line):
                # A last line still being written (no newline yet): leave it for the next poll.
                break
            line += 1
            offset = fh.tell()
            if raw_line.strip():
                rows.append(_jsonl_row(path, line, raw_line))
    return rows, offset, line


def _parses(raw_line: bytes) -> bool:
    try:
        json.loads(raw_line)
    except ValueError:
        return False
    return True


def jsonl_row(path: Path, number: int, raw_line: bytes) -> Row:
    """One JSONL line as a Row: its data, or the reason it cannot be read."""
    return _jsonl_row(path, number, raw_line)


def _jsonl_row(path: Path, number: int, raw_line: bytes) -> Row:
    location = f"{path.name}:{number}"
    text = raw_line.decode("utf-8", errors="replace")
    if not text.strip():
        return Row(number, location, None, "blank line", text)
    try:
        data = json.loads(text)
    except ValueError as exc:
        return Row(number, location, None, f"malformed JSON: {exc}", text)
    if not isinstance(data, dict):
        return Row(number, location, None, "expected a JSON object per line", text)
    return Row(number, location, data, raw=text)


def _iter_csv(path: Path) -> Iterator[Row]:
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        # NUL bytes make the csv module raise; replace them so the rest of the file still reads.
        cleaned = (line.replace("\x00", "") for line in fh)
        reader = csv.DictReader(cleaned)
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        if "text" not in fields:
            raise InputFileError(
                f"{path}: the CSV header has no 'text' column"
                f" (found: {', '.join(fields) or 'none'})"
            )
        reader.fieldnames = fields
        for number, record in enumerate(reader, start=1):
            location = f"{path.name}:{number + 1}"  # +1: the header is line 1
            extra = record.pop(None, None)  # type: ignore[call-overload]
            data = {k: v for k, v in record.items() if k}
            if extra:
                data["_extra"] = extra
            yield Row(number, location, data)


def parse_count(value: Any, name: str) -> tuple[int, str]:
    """(a non-negative count, "") from a number or numeric string; (0, problem) if it is not."""
    if value in (None, ""):
        return 0, ""
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return 0, f"field '{name}' is not a number: {str(value)[:40]!r}"
    return max(number, 0), ""


def parse_datetime(value: Any) -> datetime | None:
    """Parse ISO-8601 or a Unix timestamp to an aware UTC datetime; None if unparseable."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        try:
            return as_utc(datetime.fromtimestamp(float(value)).astimezone())
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def mention_from_row(row: Row, default_platform: str = "replay") -> Mention | Rejected:
    """Turn a parsed row into a Mention, or a Rejected naming the field that is wrong."""
    if row.data is None:
        return Rejected(row.location, row.error, row.raw)
    data = row.data
    text = data.get("text")
    if not isinstance(text, str):
        problem = "missing" if text is None else f"not a string ({type(text).__name__})"
        return Rejected(row.location, f"field 'text' is {problem}", row.raw or json.dumps(data))
    text = text.replace("\x00", "")
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
    counts: dict[str, int] = {}
    for name in COUNT_FIELDS:
        counts[name], problem = parse_count(data.get(name), name)
        if problem:
            return Rejected(row.location, problem, row.raw or json.dumps(data, default=str))
    ext_id = data.get("id")
    external_id = str(ext_id) if ext_id not in (None, "") else f"row-{row.number}"
    return Mention(
        platform=str(data.get("platform") or default_platform),
        external_id=external_id,
        text=text,
        author=str(data.get("author") or ""),
        author_id=str(data.get("author_id") or data.get("author") or ""),
        created_at=parse_datetime(data.get("created_at")),
        url=str(data.get("url") or ""),
        parent_id=str(data.get("parent_id") or ""),
        root_id=str(data.get("root_id") or ""),
        reply_allowed=bool(data.get("reply_allowed", True)),
        lang=str(data.get("lang") or ""),
        raw=data,
        **counts,
    )


def dumps_row(obj: dict[str, Any]) -> str:
    """One compact JSON line, UTF-8 characters kept as they are."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
