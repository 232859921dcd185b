"""Every odd wait a platform may ask for is read once (monitor.retry) and clamped to a maximum."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from monitor.health import failure_retry_after, next_poll_time
from monitor.retry import MAX_WAIT_SECONDS, clamp_wait, parse_reset, parse_retry_after
from tests.fakes.bad_answers import ODD_RETRY_AFTER

NOW = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)

RETRY_AFTER = [
    ("120", 120.0),
    ("  7 ", 7.0),
    ("0", 0.0),
    (ODD_RETRY_AFTER["huge"], MAX_WAIT_SECONDS),
    (ODD_RETRY_AFTER["negative"], 0.0),
    (ODD_RETRY_AFTER["infinite"], MAX_WAIT_SECONDS),
    ("-inf", 0.0),
    (ODD_RETRY_AFTER["nan"], None),
    (ODD_RETRY_AFTER["words"], None),
    ("", None),
    (None, None),
    (ODD_RETRY_AFTER["date-past"], 0.0),
    (ODD_RETRY_AFTER["date-far-future"], MAX_WAIT_SECONDS),
    ("Sat, 02 May 2026 12:05:00 GMT", 300.0),
    ("Mon, 99 Foo 2020 00:00:00 GMT", None),
    (ODD_RETRY_AFTER["exponent"], MAX_WAIT_SECONDS),
]


@pytest.mark.parametrize(("value", "seconds"), RETRY_AFTER)
def test_retry_after_values_are_read_and_clamped(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


RESETS = [
    ("42", 42.0),  # Reddit: seconds from now
    (str(int(NOW.timestamp()) + 600), 600.0),  # X: epoch seconds
    (str(int(NOW.timestamp()) - 600), 0.0),  # a reset in the past: now
    ("99999999999999", MAX_WAIT_SECONDS),  # an epoch far in the future
    ("-5", 0.0),
    ("inf", MAX_WAIT_SECONDS),
    ("nan", None),
    ("soon", None),
    ("", None),
]


@pytest.mark.parametrize(("value", "seconds"), RESETS)
def test_rate_limit_resets_are_read_and_clamped(value: str, seconds: float | None) -> None:
    assert parse_reset(value, NOW) == seconds


@pytest.mark.parametrize("asked", [float("inf"), 1e300, float("nan"), -1.0, None, 10**12])
@pytest.mark.parametrize("permanent", [False, True])
def test_the_channel_back_off_never_passes_the_maximum_nor_overflows(
    asked: float | None, permanent: bool
) -> None:
    wait = failure_retry_after(asked, permanent)
    assert wait is None or 0.0 <= wait <= MAX_WAIT_SECONDS
    when = next_poll_time(NOW, 3, asked, random.Random(1))
    assert NOW < when <= NOW + timedelta(seconds=MAX_WAIT_SECONDS)


def test_clamp_wait_keeps_ordinary_waits() -> None:
    assert [clamp_wait(x) for x in (0.0, 30.0, MAX_WAIT_SECONDS)] == [0.0, 30.0, MAX_WAIT_SECONDS]
