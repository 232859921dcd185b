"""The Mentions search: its filter read from a query string (each bad field named) and cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from responders.cases.mention_search import Cursor, parse_filter

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"search": "", "flagged": "", "since": None, "until": None}),
        ({"q": "  never   arrived "}, {"search": "never arrived"}),
        ({"lang": "ES"}, {"lang": "es"}),
        ({"lang": "pt-br"}, {"lang": "pt-br"}),
        ({"lang": "und"}, {"lang": "und"}),
        ({"min_sentiment": "-0.5", "max_sentiment": "0"},
         {"min_sentiment": -0.5, "max_sentiment": 0.0}),
        ({"flagged": "no"}, {"flagged": "no"}),
        ({"since": "2026-11-01"}, {"since": datetime(2026, 11, 1, tzinfo=UTC)}),
        # A day as the end means up to the end of that day.
        ({"until": "2026-11-01"}, {"until": datetime(2026, 11, 2, tzinfo=UTC)}),
        ({"since": "7d"}, {"since": NOW - timedelta(days=7)}),
    ],
)  # fmt: skip
def test_filters_read_from_the_query(params: dict[str, str], expected: dict[str, object]) -> None:
    parsed = parse_filter(params, NOW)
    assert parsed.value is not None, parsed.error
    for name, value in expected.items():
        assert getattr(parsed.value, name) == value, name


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"platform": "myspace"}, "platform: 'myspace' is not one of"),
        ({"lang": "english"}, "lang: 'english' is not a language code"),
        ({"min_sentiment": "lots"}, "min_sentiment: expected a number"),
        ({"max_sentiment": "1.5"}, "max_sentiment: 1.5 is outside -1 to 1"),
        ({"min_sentiment": "0.4", "max_sentiment": "0.1"}, "min_sentiment: it is above"),
        ({"flagged": "maybe"}, "flagged: 'maybe' is not yes or no"),
        ({"until": "soon"}, "until: expected a date"),
    ],
)
def test_bad_values_name_their_field(params: dict[str, str], error: str) -> None:
    parsed = parse_filter(params, NOW)
    assert not parsed.ok and parsed.error.startswith(error)


@pytest.mark.parametrize(
    "cursor",
    [
        Cursor(datetime(2026, 11, 20, 12, 0, 0, 123456, tzinfo=UTC), 42),
        Cursor(datetime(1999, 1, 1, tzinfo=UTC), 1),
    ],
)
def test_a_cursor_survives_its_url_exactly(cursor: Cursor) -> None:
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize(
    "value", ["", "abc", "1.2.3", "12.0", "12.-4", "99999999999999999999999.1", "².1"]
)
def test_a_mangled_cursor_starts_over(value: str) -> None:
    assert Cursor.decode(value) is None
