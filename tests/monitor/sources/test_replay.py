"""The replay source reads on from its cursor when the file grows, from the start when replaced."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.settings import BrandSettings, ChannelSettings
from monitor.sources.replay import ReplaySource, from_settings, shift_to_now


def write(path: Path, ids: range, mode: str = "w") -> None:
    with path.open(mode, encoding="utf-8") as fh:
        for i in ids:
            fh.write(json.dumps({"id": f"p{i}", "text": f"post {i}"}) + "\n")


def poll_all(source: ReplaySource, cursor: dict) -> tuple[list[str], dict]:
    """Every id until the file is exhausted, and the cursor after it."""
    seen: list[str] = []
    while True:
        result = source.poll(cursor)
        seen += [x.external_id for x in result.mentions]
        cursor = result.next_cursor
        if result.exhausted:
            return seen, cursor


def rotate(path: Path) -> None:
    """logrotate's way: the old file moves aside; a new, longer one takes its name."""
    path.rename(path.with_suffix(".1"))
    write(path, range(100, 110))


def truncate(path: Path) -> None:
    """Emptied in place and written again, shorter than the cursor's offset."""
    write(path, range(200, 202))


def rewrite(path: Path) -> None:
    """Rewritten in place (same inode), as long as before or longer."""
    with path.open("r+", encoding="utf-8") as fh:
        fh.seek(0)
        for i in range(300, 310):
            fh.write(json.dumps({"id": f"p{i}", "text": f"post {i}"}) + "\n")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (rotate, [f"p{i}" for i in range(100, 110)]),
        (truncate, ["p200", "p201"]),
        (rewrite, [f"p{i}" for i in range(300, 310)]),
    ],
    ids=["rotated", "truncated", "rewritten"],
)
def test_a_replaced_file_is_read_from_the_start(
    tmp_path: Path, change: object, expected: list[str]
) -> None:
    path = tmp_path / "stream.jsonl"
    write(path, range(5))
    source = ReplaySource("t", path, page_size=2)
    first, cursor = poll_all(source, {})
    assert first == [f"p{i}" for i in range(5)]
    change(path)  # type: ignore[operator]
    again, cursor = poll_all(source, cursor)
    assert again == expected
    assert poll_all(source, cursor)[0] == []  # and then on from the new cursor, nothing twice


def test_a_file_that_grew_is_read_on_from_the_cursor(tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"
    write(path, range(5))
    source = ReplaySource("t", path, page_size=2)
    _, cursor = poll_all(source, {})
    inode = os.stat(path).st_ino
    write(path, range(5, 8), mode="a")
    assert os.stat(path).st_ino == inode
    assert poll_all(source, cursor)[0] == ["p5", "p6", "p7"]


def test_a_cursor_from_before_file_identities_still_reads_on(tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"
    write(path, range(4))
    old_style = {"offset": len(path.read_bytes().splitlines(keepends=True)[0]), "line": 1}
    assert poll_all(ReplaySource("t", path), old_style)[0] == ["p1", "p2", "p3"]


def write_dated(path: Path, times: list[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, at in enumerate(times):
            fh.write(json.dumps({"id": f"p{i}", "text": f"post {i}", "created_at": at}) + "\n")


def test_relative_to_now_moves_the_newest_post_to_minutes_ago_and_keeps_the_gaps(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stream.jsonl"
    write_dated(path, ["2026-11-13T12:00:00Z", "2026-11-20T11:00:00Z", "2026-11-20T12:00:00Z"])
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    source = ReplaySource("r", path, shift=shift_to_now(path, 5, now))
    times = [x.created_at for x in source.poll({}).mentions]
    assert times == [
        now - timedelta(days=7, minutes=5),
        now - timedelta(hours=1, minutes=5),
        now - timedelta(minutes=5),
    ]


@pytest.mark.parametrize(
    ("options", "shifted"),
    [({}, False), ({"relative_to_now": False}, False), ({"relative_to_now": True}, True)],
)
def test_a_replay_channel_keeps_its_real_times_unless_told(
    tmp_path: Path, options: dict, shifted: bool
) -> None:
    path = tmp_path / "stream.jsonl"
    write_dated(path, ["2026-11-20T12:00:00Z"])
    brand = BrandSettings(name="Acme", keywords=["acme"])
    channel = ChannelSettings(type="replay", name="r", path=str(path), **options)
    (mention,) = from_settings(brand, channel, "Acme:replay:r").poll({}).mentions
    real = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert (mention.created_at != real) is shifted
