"""Reading a labeled table for training: JSONL or CSV rows with `text` and `label`.

Rows come through monitor.records (the same reader as `makegood score`); a row that cannot be
used is reported with its file and line and skipped, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.records import iter_rows

FLAG = frozenset({"1", "true", "complaint", "yes", "y", "flag"})
NO_FLAG = frozenset({"0", "false", "no", "n", "not a complaint", "not_complaint", "none"})


@dataclass
class LabeledRows:
    """The usable rows of a label file, and one message per row that was skipped."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_label(value: Any) -> int | None:
    """1 for a post to flag, 0 for one not to, None when the value is neither."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and value in (0, 1):
        return int(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in FLAG:
            return 1
        if word in NO_FLAG:
            return 0
    return None


def read_labels(path: Path) -> LabeledRows:
    """Every row of `path` with a text and a label; InputFileError if the file is unreadable."""
    found = LabeledRows()
    for row in iter_rows(path):
        where = f"{path}:{row.location.rsplit(':', 1)[-1]}"
        if row.data is None:
            if row.error != "blank line":
                found.problems.append(f"{where}: {row.error}")
            continue
        text = row.data.get("text")
        if not isinstance(text, str) or not text.strip():
            found.problems.append(f"{where}: no text")
            continue
        label = parse_label(row.data.get("label"))
        if label is None:
            found.problems.append(
                f"{where}: label {row.data.get('label')!r} is not one of"
                " 1/true/complaint/yes or 0/false/no"
            )
            continue
        found.texts.append(text)
        found.labels.append(label)
    return found


__all__ = ["LabeledRows", "parse_label", "read_labels"]
