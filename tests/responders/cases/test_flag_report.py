"""The flag's precision (confirmed vs dismissed flags) and misses, by brand and week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.cases.flag_report import LabelRow, compute_flag_weeks, load_flag_weeks, week_of

MON = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday


def row(label: str, reason: str, flagged: bool, days: int = 0, brand: str = "A") -> LabelRow:
    """One verdict on a post made `days` after MON."""
    return LabelRow(brand, MON + timedelta(days=days), label, reason, flagged)


@pytest.mark.parametrize(
    ("moment", "monday"),
    [
        (MON, date(2026, 11, 2)),
        (MON + timedelta(days=6, hours=14), date(2026, 11, 2)),  # Sunday 23:00
        (MON + timedelta(days=7), date(2026, 11, 9)),
        (MON - timedelta(hours=10), date(2026, 10, 26)),  # the Sunday before
    ],
)
def test_weeks_start_on_monday(moment: datetime, monday: date) -> None:
    assert week_of(moment) == monday


@pytest.mark.parametrize(
    ("rows", "confirmed", "dismissed", "missed", "precision"),
    [
        ([], 0, 0, 0, None),
        ([row("complaint", "confirmed", True)] * 3, 3, 0, 0, 1.0),
        (
            [row("complaint", "confirmed", True), row("not_complaint", "not_negative", True)],
            1, 1, 0, 0.5,
        ),
        ([row("complaint", "missed", False)] * 2, 0, 0, 2, None),
        # A dismissed post that was never flagged (a later post in the case) is no false flag.
        ([row("not_complaint", "spam_or_bot", False), row("complaint", "confirmed", True)],
         1, 0, 0, 1.0),
    ],
)  # fmt: skip
def test_one_week_of_one_brand(
    rows: list[LabelRow], confirmed: int, dismissed: int, missed: int, precision: float | None
) -> None:
    weeks = [w for w in compute_flag_weeks(rows) if w.week != date.min]
    if not rows:
        assert weeks == []
        return
    (week,) = weeks
    assert (week.confirmed, week.dismissed, week.missed) == (confirmed, dismissed, missed)
    assert week.precision == precision


def test_brands_and_weeks_apart_with_totals_first() -> None:
    rows = [
        row("complaint", "confirmed", True, 0, "A"),
        row("not_complaint", "not_about_us", True, 8, "A"),
        row("not_complaint", "not_about_us", True, 9, "A"),
        row("complaint", "missed", False, 1, "B"),
    ]
    got = [(w.brand, w.week, w.confirmed, w.dismissed, w.missed) for w in compute_flag_weeks(rows)]
    assert got == [
        ("A", date.min, 1, 2, 0),
        ("B", date.min, 0, 0, 1),
        ("A", date(2026, 11, 9), 0, 2, 0),
        ("A", date(2026, 11, 2), 1, 0, 0),
        ("B", date(2026, 11, 2), 0, 0, 1),
    ]
    assert compute_flag_weeks(rows)[0].dismissed_why == {"not_about_us": 2}


def test_loaded_from_active_labels_of_the_period(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        author = m.Author(platform="x", external_id="a1", handle="ann")
        session.add(author)
        session.flush()

        def post(n: int, days: int, brand: str = "A") -> int:
            mention = m.Mention(
                platform="x", external_id=f"p{n}", brand=brand, author_id=author.id, text="t",
                created_at=MON + timedelta(days=days), flagged=True,
            )  # fmt: skip
            session.add(mention)
            session.flush()
            return mention.id

        def label(mention_id: int, value: str, reason: str, revoked: bool = False) -> None:
            session.add(
                m.MentionLabel(
                    mention_id=mention_id, brand="A", label=value, reason=reason,
                    was_flagged=True, revoked_at=MON if revoked else None,
                )
            )  # fmt: skip

        label(post(1, 0), "complaint", "confirmed")
        label(post(2, 1), "not_complaint", "not_negative")
        label(post(3, 2), "not_complaint", "not_negative", revoked=True)  # undone: not counted
        label(post(4, 30), "complaint", "confirmed")  # outside the period
    with factory() as session:
        weeks = load_flag_weeks(session, "A", MON, MON + timedelta(days=14))
        assert [(w.week, w.confirmed, w.dismissed, w.precision) for w in weeks] == [
            (date.min, 1, 1, 0.5),
            (date(2026, 11, 2), 1, 1, 0.5),
        ]
        assert load_flag_weeks(session, "B", MON, MON + timedelta(days=14)) == []
