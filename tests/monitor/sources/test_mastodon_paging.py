"""Mastodon's hole check in isolation: what lies between the last id seen and a full page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from monitor.sources._mastodon_paging import fill_hole, id_time

AT = datetime(2026, 11, 13, 9, 0, tzinfo=UTC)


def status_id(n: int) -> str:
    return str((int(AT.timestamp() * 1000 + n * 1000) << 16) + n)


def statuses(first: int, last: int) -> list[dict[str, Any]]:
    """Statuses first..last, newest first, as a timeline sends them."""
    return [{"id": status_id(n), "created_at": f"2026-11-13T09:00:{n:02d}Z"} for n in
            range(last, first - 1, -1)]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (status_id(0), AT),
        ("9001", None),  # a notification id: a counter, not a time
        ("not a number", None),
    ],
)
def test_an_id_says_when_it_was_made_only_when_it_is_time_based(
    value: str, expected: datetime | None
) -> None:
    assert id_time(value) == expected


def test_a_server_keeping_min_ids_promise_costs_one_empty_check() -> None:
    asked: list[str] = []
    page = statuses(1, 10)

    def older(oldest: str) -> list[Any]:
        asked.append(oldest)
        return []

    items, gap = fill_hole("tag:k", status_id(0), page, 10, 5, older)
    assert items == page and gap is None and asked == [status_id(1)]


def test_a_hole_is_read_back_until_the_check_meets_the_last_id_seen() -> None:
    everything = statuses(1, 30)

    def older(oldest: str) -> list[Any]:  # a server answering with its newest page below max_id
        below = [x for x in everything if int(x["id"]) < int(oldest)]
        return below[:10]

    items, gap = fill_hole("tag:k", status_id(0), statuses(21, 30), 10, 5, older)
    assert gap is None and sorted(x["id"] for x in items) == sorted(x["id"] for x in everything)


def test_past_the_bound_the_gap_spans_from_the_last_id_seen_to_the_oldest_reached() -> None:
    everything = statuses(1, 30)

    def older(oldest: str) -> list[Any]:
        return [x for x in everything if int(x["id"]) < int(oldest)][:10]

    items, gap = fill_hole("tag:k", status_id(0), statuses(21, 30), 10, 2, older)
    assert len(items) == 20 and gap is not None
    assert gap.since == AT and gap.until == datetime(2026, 11, 13, 9, 0, 11, tzinfo=UTC)
    assert gap.missing is None and gap.reason.startswith("tag:k: page bound of 2 pages hit")
