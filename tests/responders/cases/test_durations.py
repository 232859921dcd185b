"""Durations read at a glance: the two largest units that matter, never '28262.3 min'."""

from __future__ import annotations

from datetime import timedelta

import pytest

from responders.cases.durations import human_duration


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (timedelta(0), "0 s"),
        (timedelta(seconds=45), "45 s"),
        (timedelta(seconds=59.9), "59 s"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=12, seconds=30), "12 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=2, minutes=13), "2 h 13 min"),
        (timedelta(hours=23, minutes=59), "23 h 59 min"),
        (timedelta(days=1), "1 d"),
        (timedelta(days=3, hours=4, minutes=59), "3 d 4 h"),
        (timedelta(minutes=-30), "30 min"),  # the sign is the caller's: "overdue 30 min"
        (28262.3, "19 d 15 h"),  # a number is minutes (the reports keep minutes)
        (42, "42 min"),
        (0.5, "30 s"),
    ],
)
def test_a_duration_is_its_two_largest_units(value: timedelta | float | None, shown: str) -> None:
    assert human_duration(value) == shown
