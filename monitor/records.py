"""Reading mention records from JSONL or CSV files, streamed, with bad rows as values not crashes.

The format (DESIGN.md): a `text` field at least; optional platform, id, author, created_at, url,
author_followers, likes, replies, reposts. Used by `makegood score` and by the replay source.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from monitor.mention import MAX_COUNT, Mention, as_utc
from monitor.records_csv import csv_records, decode_line
from monitor.sources._common import printable
from monitor.sources.base import Rejected

MAX_TEXT_CHARS = 40_000  # longer posts are cut: nothing on a social platform is longer
COUNT_FIELDS = ("author_followers", "likes", "replies", "reposts")


class InputFileError(Exception):
    """The file as a whole cannot be read (missing, empty, binary, no text column)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its line in the file (where a CSV record began), location, and content.

    `number` is the physical line for both formats, so what `makegood score` reports as a
    row's `line` is where the row starts (a CSV header is line 1; a multi-line CSV record counts
    its first line), and the message of an unterminated quote names the same line.
    """

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
    bad = _undecodable_lines(head)
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r") + head.count(127)
    if bad and (bad[0] > len(head.splitlines()) // 2 or controls > len(head) // 20):
        # Most of the head is not UTF-8, or it is full of control bytes: another encoding or
        # binary data, not a few odd rows (those are rejected one by one).
        raise InputFileError(f"{path}: not UTF-8 text (byte {bad[1]}); expected JSONL or CSV")


def _undecodable_lines(head: bytes) -> tuple[int, int] | tuple[()]:
    """(how many lines of `head` are not UTF-8, the first bad byte); () when all are.

    The last line may be a multi-byte character cut at the end of `head`: that one is fine.
    """
    count, first, offset = 0, -1, 0
    lines = head.splitlines(keepends=True)
    for index, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            cut_short = index == len(lines) - 1 and exc.start >= len(line) - 4 and index > 0
            if not cut_short:
                count += 1
                first = offset + exc.start if first < 0 else first
        offset += len(line)
    return (count, first) if count else ()


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
    except (ValueError, RecursionError):
        return False
    return True


def jsonl_row(path: Path, number: int, raw_line: bytes) -> Row:
    """One JSONL line as a Row: its data, or the reason it cannot be read."""
    return _jsonl_row(path, number, raw_line)


def _jsonl_row(path: Path, number: int, raw_line: bytes) -> Row:
    location = f"{path.name}:{number}"
    # A BOM is dropped on any line: files are joined with `cat`, and JSON never starts with one.
    text, problem = decode_line(raw_line)
    if problem:
        return Row(number, location, None, problem, text)
    if not text.strip():
        return Row(number, location, None, "blank line", text)
    try:
        data = json.loads(text)
    except ValueError as exc:
        return Row(number, location, None, f"malformed JSON: {exc}", text)
    except RecursionError:
        return Row(number, location, None, "malformed JSON: nested too deeply", text)
    if not isinstance(data, dict):
        return Row(number, location, None, "expected a JSON object per line", text)
    return Row(number, location, data, raw=text)


def _iter_csv(path: Path) -> Iterator[Row]:
    with path.open("rb") as fh:
        yield from csv_file_rows(path, fh)


def csv_file_rows(path: Path, fh: BinaryIO) -> Iterator[Row]:
    """Yield the rows of a CSV file open at its start (the caller may watch `fh.tell()`)."""
    records = csv_records(fh)
    header = next(records, None)
    fields = [f.strip().lower() for f in (header.values or [])] if header else []
    if "text" not in fields:
        raise InputFileError(
            f"{path}: the CSV header has no 'text' column (found: {', '.join(fields) or 'none'})"
        )
    for record in records:
        # Numbered by the line the row began on (a quoted field may span lines).
        number, location = record.line, f"{path.name}:{record.line}"
        if record.values is None:
            yield Row(number, location, None, record.error, record.raw)
            continue
        data: dict[str, Any] = dict.fromkeys((f for f in fields if f), None)
        data.update((k, v) for k, v in zip(fields, record.values, strict=False) if k)
        if len(record.values) > len(fields):
            data["_extra"] = record.values[len(fields) :]
        yield Row(number, location, data)


def parse_count(value: Any, name: str) -> tuple[int, str]:
    """(a count within 0..2**63-1, "") from a number or numeric string; (0, problem) if none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, ""
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            number = _int_from(value)
    except (TypeError, ValueError):
        return 0, f"field '{name}' is not a number: {str(value)[:40]!r}"
    return min(max(number, 0), MAX_COUNT), ""


def _int_from(value: Any) -> int:
    """An int from a float or numeric text; infinities become the largest count."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    number = float(value)
    if math.isnan(number):
        raise ValueError("NaN")
    return MAX_COUNT if math.isinf(number) else int(number)


def parse_datetime(value: Any) -> datetime | None:
    """Parse ISO-8601 or a Unix timestamp to an aware UTC datetime; None if unparseable."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return as_utc(datetime.fromtimestamp(float(value)).astimezone())
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        return as_utc(datetime.fromisoformat(text))
    except (OverflowError, OSError, ValueError):
        # Years out of range, offsets past a day, times no clock can show: no time rather than
        # a made-up one (storage uses the fetch time).
        return None


def mention_from_row(row: Row, default_platform: str = "replay") -> Mention | Rejected:
    """Turn a parsed row into a Mention, or a Rejected naming the field that is wrong."""
    try:
        return _mention_from_row(row, default_platform)
    except Exception as exc:  # whatever one row holds, it is that row's problem alone
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return Rejected(
            row.location, f"unreadable row: {detail}", row.raw or printable(row.data)[:20_000]
        )


def _mention_from_row(row: Row, default_platform: str) -> Mention | Rejected:
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
    external_id = str(ext_id).strip() if ext_id is not None else ""
    external_id = external_id or f"row-{row.number}"
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
