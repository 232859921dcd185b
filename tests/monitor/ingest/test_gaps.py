"""Gaps a page reports are stored with it: once per stretch, cleaned, with one alert each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.gaps import gap_key
from monitor.ingest.pipeline import Pipeline
from monitor.sources.base import Gap, PollResult
from monitor.storage import models as m
from tests.conftest import make_settings

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)
KEY = "Kettlebird:reddit:default"
BURST = Gap(NOW - timedelta(hours=2), NOW - timedelta(hours=1), None, "page bound of 5 hit")


def store(db_url: str, tmp_path: Path, factory: sessionmaker[Session], *pages: PollResult) -> int:
    """Store pages on one channel; returns the gaps the last report counted as new."""
    settings = make_settings(db_url, tmp_path)
    pipeline = Pipeline(settings, factory, clock=lambda: NOW)
    report = None
    for page in pages:
        report = pipeline.store_page(settings.brands[0], KEY, page)
    assert report is not None
    return report.gaps


def rows(factory: sessionmaker[Session]) -> tuple[list[m.ChannelGap], list[m.Alert]]:
    with factory() as session:
        gaps = list(session.scalars(select(m.ChannelGap).order_by(m.ChannelGap.id)))
        alerts = list(session.scalars(select(m.Alert).where(m.Alert.kind == "gap")))
        return gaps, alerts


def test_a_gap_is_stored_with_its_page_and_cursor_and_raises_one_alert(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    page = PollResult([], {"feeds": {"x": {"newest": "t1_b"}}}, gaps=[BURST])
    assert store(db_url, tmp_path, factory, page) == 1
    [gap], [alert] = rows(factory)
    assert (gap.channel, gap.since, gap.until, gap.missing) == (KEY, BURST.since, BURST.until, None)
    assert gap.reason == "page bound of 5 hit" and gap.detected_at == NOW
    assert alert.dedupe_key == f"gap:{gap_key(KEY, BURST)}" and alert.state == "new"
    assert alert.data["channel"] == KEY and alert.data["since"] == BURST.since.isoformat()
    with factory() as session:
        channel = session.scalars(select(m.Channel).where(m.Channel.key == KEY)).one()
        assert channel.cursor == page.next_cursor


def test_storing_the_same_page_again_records_nothing_new(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    page = PollResult([], {}, gaps=[BURST])
    assert store(db_url, tmp_path, factory, page, page) == 0  # the second store: nothing new
    gaps, alerts = rows(factory)
    assert len(gaps) == len(alerts) == 1


@pytest.mark.parametrize(
    ("gap", "reason", "missing"),
    [
        (Gap(None, None, 12, "lost\x00 in a \ud800 burst"), "lost in a \ufffd burst", 12),
        (Gap(None, None, -3, "x" * 900), "x" * 500, None),  # a negative count is unknown
    ],
    ids=["NUL and lone surrogate", "too long, negative count"],
)
def test_a_gap_that_postgres_would_refuse_is_stored_cleaned(
    gap: Gap, reason: str, missing: int | None, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    store(db_url, tmp_path, factory, PollResult([], {}, gaps=[gap]))
    [stored], [alert] = rows(factory)
    assert (stored.reason, stored.missing, stored.since, stored.until) == (
        reason,
        missing,
        None,
        None,
    )
    assert alert.data["reason"] == reason


def test_two_different_stretches_are_two_gaps_and_two_alerts(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    later = Gap(NOW - timedelta(minutes=30), NOW - timedelta(minutes=10), 4, "page bound of 5 hit")
    store(db_url, tmp_path, factory, PollResult([], {}, gaps=[BURST, later]))
    gaps, alerts = rows(factory)
    assert [g.missing for g in gaps] == [None, 4] and len(alerts) == 2
