"""No gap after a burst: a quiet poll, then 2.5 pages at once, then polls; every item is stored.

Each source runs for real (praw, Mastodon.py, feedparser) against a live fake on 127.0.0.1 that
pages as its platform does, through the real Pipeline into the test database. Where a source's
page bound is hit (or the platform cannot reach back), the channel records one gap row and one
`gap` alert (tests/responders/alerts/test_gap_alerts.py follows it to the mail and the page).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.fakes.burst_feeds import START, LiveServer
from tests.fakes.bursts import (
    BOUND_HIT,
    BURST,
    EARLY,
    FULL_RECOVERY,
    Build,
    Run,
    quiet_then_burst,
    reddit,
    settings_with,
)
from tests.fakes.pipeline import channel_row, stored_ids


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = LiveServer().start()
    yield live
    live.stop()


@pytest.mark.parametrize(
    ("case", "platform", "build"), FULL_RECOVERY, ids=[c[0] for c in FULL_RECOVERY]
)
def test_after_a_quiet_poll_a_burst_of_two_and_a_half_pages_is_stored_whole(
    case: str, platform: str, build: Build, server: LiveServer, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    fake, channel = build(server)
    run = Run(settings_with(db_url, tmp_path, channel), factory)
    early, burst = quiet_then_burst(fake, run)
    stored = stored_ids(factory, platform)
    assert len(stored) == len(set(stored)) == len(early) + len(burst)
    assert set(stored) == set(early + burst)
    with factory() as session:
        assert session.scalars(select(m.ChannelGap)).all() == []
        assert session.scalars(select(m.Alert).where(m.Alert.kind == "gap")).all() == []
    later = fake.publish(2)
    run.poll()  # the cursor moved to the newest: the next poll reads on, with no repeats
    stored = stored_ids(factory, platform)
    assert len(stored) == len(set(stored)) and set(stored) == set(early + burst + later)


@pytest.mark.parametrize(
    ("case", "platform", "build", "stored", "reason"), BOUND_HIT, ids=[c[0] for c in BOUND_HIT]
)
def test_a_burst_past_the_bound_keeps_what_it_read_and_records_one_gap_and_one_alert(
    case: str, platform: str, build: Build, stored: int, reason: str, server: LiveServer,
    db_url: str, tmp_path: Path, factory: sessionmaker[Session],
) -> None:  # fmt: skip
    fake, channel = build(server)
    run = Run(settings_with(db_url, tmp_path, channel), factory)
    _, burst = quiet_then_burst(fake, run)
    ids = stored_ids(factory, platform)
    assert len(ids) == stored and burst[-1] in ids  # everything fetched is kept, newest included
    with factory() as session:
        [gap] = session.scalars(select(m.ChannelGap)).all()
        [alert] = session.scalars(select(m.Alert).where(m.Alert.kind == "gap")).all()
    assert gap.channel == run.source.name and reason in gap.reason
    assert gap.since == START + timedelta(seconds=EARLY)  # the newest item the channel had
    first_missed = START + timedelta(seconds=EARLY + 1)
    assert gap.until is not None and gap.until > first_missed  # the oldest the poll reached
    assert gap.missing is None  # none of these platforms says how many
    assert alert.data["channel"] == run.source.name and reason in alert.data["reason"]
    run.poll()  # nothing new: the same gap is not recorded again, nor alerted
    with factory() as session:
        assert len(session.scalars(select(m.ChannelGap)).all()) == 1
        assert len(session.scalars(select(m.Alert).where(m.Alert.kind == "gap")).all()) == 1


def test_reddit_keeps_the_newest_item_through_a_quiet_poll_then_pages_back_with_after(
    server: LiveServer, db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    fake, channel = reddit(server)
    run = Run(settings_with(db_url, tmp_path, channel), factory)
    early = fake.publish(EARLY)
    run.poll()
    run.poll()  # quiet: Reddit answers the `before` page empty
    [feed] = channel_row(factory, run.source.name).cursor["feeds"].values()
    newest_at = (START + timedelta(seconds=EARLY)).timestamp()
    assert feed["before"] is None and feed["newest"] == {"name": early[-1], "at": newest_at}
    fake.publish(BURST)
    run.poll()
    listing = [r.query for r in server.calls(fake.path)]
    # The latest page (praw's cache-busting limit), then `after` pages back to what we had.
    assert [(q.get("before"), q.get("after"), q["limit"]) for q in listing[2:]] == [
        (None, None, "9"), (None, "t1_c00020", "10"), (None, "t1_c00010", "10"),
    ]  # fmt: skip
