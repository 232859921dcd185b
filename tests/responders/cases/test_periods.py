"""Reading when a report or export starts: dates, times and '7d' / '12h' ago, within bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from responders.cases.periods import parse_when

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        (None, None),
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),
        ("2026-01-31T08:30:00+02:00", datetime(2026, 1, 31, 6, 30, tzinfo=UTC)),
    ],
)
def test_readable_values(value: str | None, expected: datetime | None) -> None:
    when = parse_when(value, NOW)
    assert when.ok and when.value == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "expected a date like 2026-01-31"),
        ("2026-13-45", "expected a date like 2026-01-31"),
        ("99999999999d", "expected a date like 2026-01-31"),
        ("99999d", "at most 36500d back"),
        ("9999-12-31", "out of range"),
        ("0001-01-01", "out of range"),
    ],
)
def test_unreadable_or_absurd_values_are_failures_that_say_why(value: str, message: str) -> None:
    when = parse_when(value, NOW)
    assert not when.ok and message in when.error
