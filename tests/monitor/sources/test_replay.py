"""The replay source reads on from its cursor when the file grows, from the start when replaced."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from monitor.sources.replay import ReplaySource


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
