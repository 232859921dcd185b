"""No gap after a burst: a quiet poll, then 2.5 pages at once, then polls; every item is stored.

Each source runs for real (praw, Mastodon.py, feedparser) against a live fake on 127.0.0.1 that
pages as its platform does, through the real Pipeline into the test database. Where a source's
page bound is hit (or the platform cannot reach back), the channel records a gap: a row, one
`gap` alert, an e-mail through a real SMTP server, and a line on the channel health page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.settings import Settings
from monitor.sources import build_source
from monitor.storage import models as m
from responders.alerts.mail import queue_alerts
from responders.outbox.dispatch import process_due
from responders.web.app import create_app
from tests.conftest import make_settings
from tests.fakes.burst_feeds import START, LiveServer, MastodonTag, RedditListing, RssFeed
from tests.fakes.pipeline import CATCH_ALL, stored_ids
from tests.fakes.smtp import smtp_server
from tests.responders.web.seed import PASSWORD, add_staff, csrf_from

PAGE = 10
EARLY = 3  # items there before the first poll
BURST = 25  # 2.5 pages, arriving after a quiet poll


def reddit_channel(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "reddit", "name": "stream", "search": False, "inbox": False,
        "oauth_url": url, "reddit_url": url, "page_size": PAGE, **extra,
    }  # fmt: skip


def mastodon_channel(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "mastodon", "name": "tag", "api_base_url": url, "hashtags": ["kettlebird"],
        "page_size": PAGE, "timeout_seconds": 5.0, **extra,
    }  # fmt: skip


def rss_channel(url: str, **extra: Any) -> dict[str, Any]:
    return {"type": "rss", "name": "blog", "url": url + "/feed.xml", **extra}


@pytest.fixture
def reddit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_ID", "test-id")
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_SECRET", "test-secret")
    monkeypatch.delenv("MAKEGOOD_REDDIT_USERNAME", raising=False)
    monkeypatch.delenv("MAKEGOOD_REDDIT_PASSWORD", raising=False)
    monkeypatch.delenv("MAKEGOOD_MASTODON_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = LiveServer().start()
    yield live
    live.stop()


def settings_with(
    db_url: str, tmp_path: Path, channel: dict[str, Any], smtp_port: int = 25
) -> Settings:
    """One brand hearing everything on `channel`, alerts mailed to a team on `smtp_port`."""
    base = make_settings(db_url, tmp_path)
    brand = {"name": "Streamtest", "queries": [CATCH_ALL], "channels": [channel]}
    return make_settings(
        db_url, tmp_path, brands=[brand],
        smtp={**base.smtp.model_dump(), "host": "127.0.0.1", "port": smtp_port},
        alerts={**base.alerts.model_dump(), "recipients": ["team@streamtest.example"],
                "quiet_hours": ""},
    )  # fmt: skip


class Run:
    """The brand's one channel polled through the real pipeline, draining full pages."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self.brand = settings.brands[0]
        self.channel = self.brand.channels[0]
        self.source = build_source(self.brand, self.channel)
        self.pipeline = Pipeline(settings, factory)

    def poll(self, max_pages: int = 10) -> int:
        """Poll until a page says nothing more is waiting; returns how many polls it took."""
        for n in range(1, max_pages + 1):
            report = self.pipeline.poll_channel(self.brand, self.channel, self.source, force=True)
            assert report.error == ""
            if report.exhausted:
                return n
        raise AssertionError(f"still not exhausted after {max_pages} polls")


def reddit(server: LiveServer, **options: Any) -> tuple[RedditListing, dict[str, Any]]:
    fake = RedditListing()
    fake.install(server)
    return fake, reddit_channel(server.url, **options)


def mastodon(
    server: LiveServer, skips_ahead: bool = False, **options: Any
) -> tuple[MastodonTag, dict[str, Any]]:
    fake = MastodonTag("kettlebird", skips_ahead=skips_ahead)
    fake.install(server)
    return fake, mastodon_channel(server.url, **options)


def rss(server: LiveServer, keep: int, **options: Any) -> tuple[RssFeed, dict[str, Any]]:
    fake = RssFeed(keep)
    fake.install(server)
    return fake, rss_channel(server.url, **options)


# (name, platform, build the fake and its channel)
FULL_RECOVERY: list[tuple[str, str, Callable[[LiveServer], tuple[Any, dict[str, Any]]]]] = [
    ("reddit pages back with after", "reddit", lambda s: reddit(s)),
    ("reddit, the smallest bound that reaches", "reddit", lambda s: reddit(s, max_pages=3)),
    ("mastodon reads on with min_id", "mastodon", lambda s: mastodon(s)),
    ("mastodon, the smallest bound", "mastodon", lambda s: mastodon(s, max_pages=2)),
    ("mastodon server skipping ahead", "mastodon", lambda s: mastodon(s, skips_ahead=True)),
    ("rss feed longer than the burst", "rss", lambda s: rss(s, keep=EARLY + BURST + 2)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "platform", "build"), FULL_RECOVERY, ids=[c[0] for c in FULL_RECOVERY]
)
def test_after_a_quiet_poll_a_burst_of_two_and_a_half_pages_is_stored_whole(
    name: str, platform: str, build: Callable[[LiveServer], tuple[Any, dict[str, Any]]],
    reddit_env: None, server: LiveServer, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    fake, channel = build(server)
    run = Run(settings_with(db_url, tmp_path, channel), factory)
    early = fake.publish(EARLY)
    run.poll()
    run.poll()  # the quiet poll: nothing new, the cursor must survive it
    burst = fake.publish(BURST)
    run.poll()
    stored = stored_ids(factory, platform)
    assert len(stored) == len(set(stored)) == EARLY + BURST
    assert set(stored) == set(early + burst)
    with factory() as session:
        assert session.scalars(select(m.ChannelGap)).all() == []
        assert session.scalars(select(m.Alert).where(m.Alert.kind == "gap")).all() == []
    later = fake.publish(2)
    run.poll()  # and the cursor moved to the newest: the next poll reads on, no repeats
    assert set(stored_ids(factory, platform)) == set(early + burst + later)


# (name, platform, build, items stored after the bound-hit poll, what the gap's reason says)
BOUND_HIT: list[tuple[str, str, Callable[[LiveServer], tuple[Any, dict[str, Any]]], int, str]] = [
    # Reddit's latest page is one short: praw's cache-busting `limit` without `before`.
    ("reddit", "reddit", lambda s: reddit(s, max_pages=2), EARLY + 2 * PAGE - 1, "page bound of 2"),
    (
        "mastodon skipping ahead", "mastodon", lambda s: mastodon(s, skips_ahead=True, max_pages=2),
        EARLY + 2 * PAGE, "page bound of 2",
    ),
    ("rss", "rss", lambda s: rss(s, keep=PAGE), EARLY + PAGE, "cannot be paged back"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "platform", "build", "stored", "reason"), BOUND_HIT, ids=[c[0] for c in BOUND_HIT]
)
def test_a_burst_past_the_bound_records_a_gap_alerts_mails_and_shows_it(
    name: str, platform: str, build: Callable[[LiveServer], tuple[Any, dict[str, Any]]],
    stored: int, reason: str, reddit_env: None, server: LiveServer, db_url: str,
    tmp_path: Path, factory: sessionmaker[Session],
) -> None:  # fmt: skip
    fake, channel = build(server)
    with smtp_server() as smtp:
        settings = settings_with(db_url, tmp_path, channel, smtp.port)
        run = Run(settings, factory)
        fake.publish(EARLY)
        run.poll()
        run.poll()  # quiet
        burst = fake.publish(BURST)
        run.poll()
        assert len(stored_ids(factory, platform)) == stored  # everything fetched is kept
        with factory() as session:
            [gap] = session.scalars(select(m.ChannelGap)).all()
            [alert] = session.scalars(select(m.Alert).where(m.Alert.kind == "gap")).all()
        assert gap.channel == run.source.name and reason in gap.reason
        assert gap.since == START + timedelta(seconds=EARLY)  # the newest item we had
        first_missed = START + timedelta(seconds=EARLY + 1)
        assert gap.until is not None and gap.until > first_missed  # the oldest reached
        assert gap.missing is None  # none of these platforms says how many
        assert alert.data["channel"] == run.source.name and alert.level == "high"
        run.poll()  # nothing new: the same gap is not recorded again
        with factory() as session:
            assert len(session.scalars(select(m.ChannelGap)).all()) == 1
        queue_alerts(settings, factory, START + timedelta(hours=1))
        process_due(settings, factory, "test-worker", now=START + timedelta(hours=1))
        [mail] = smtp.wait_for(1)
    assert mail.message["Subject"] == f"[Streamtest] Mentions may be missing: {run.source.name}"
    assert reason in mail.part("plain") and "/channels" in mail.part("plain")
    assert burst[-1] in stored_ids(factory, platform)  # the newest made it in
    page = health_page(settings, factory)
    assert run.source.name in page and reason in page
    assert "may be missing" in page.lower()


def health_page(settings: Settings, factory: sessionmaker[Session]) -> str:
    """/channels as a logged-in viewer sees it."""
    add_staff(factory)
    with TestClient(create_app(settings, factory=factory)) as client:
        token = csrf_from(client.get("/login").text)
        client.post(
            "/login",
            data={"username": "vera", "password": PASSWORD, "csrf_token": token, "next": "/"},
        )
        response = client.get("/channels")
    assert response.status_code == 200
    return response.text
