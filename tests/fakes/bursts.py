"""The burst scenario shared by the source tests and the alert/page tests.

A channel on a live fake (tests/fakes/burst_feeds.py) polled through the real Pipeline: items
before the first poll, a quiet poll, then 2.5 pages at once. The tables name each source's
cases: bursts it reads back whole, and bursts past its bound (or its reach) that leave a gap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.settings import Settings
from monitor.sources import build_source
from tests.conftest import make_settings
from tests.fakes.burst_feeds import LiveServer, MastodonTag, RedditListing, RssFeed
from tests.fakes.pipeline import CATCH_ALL

PAGE = 10
EARLY = 3  # items there before the first poll
BURST = 25  # 2.5 pages, arriving after a quiet poll
Build = Callable[[LiveServer], tuple[Any, dict[str, Any]]]
ENV = {"MAKEGOOD_REDDIT_CLIENT_ID": "test-id", "MAKEGOOD_REDDIT_CLIENT_SECRET": "test-secret"}
UNSET = ("MAKEGOOD_REDDIT_USERNAME", "MAKEGOOD_REDDIT_PASSWORD", "MAKEGOOD_MASTODON_ACCESS_TOKEN")


def reddit(server: LiveServer, **options: Any) -> tuple[RedditListing, dict[str, Any]]:
    """A Reddit comment listing and a channel reading only it."""
    fake = RedditListing()
    fake.install(server)
    return fake, {
        "type": "reddit", "name": "stream", "search": False, "inbox": False,
        "oauth_url": server.url, "reddit_url": server.url, "page_size": PAGE, **options,
    }  # fmt: skip


def mastodon(
    server: LiveServer, skips_ahead: bool = False, **options: Any
) -> tuple[MastodonTag, dict[str, Any]]:
    """A Mastodon hashtag timeline and a channel reading it (no token: hashtags only)."""
    fake = MastodonTag("kettlebird", skips_ahead=skips_ahead)
    fake.install(server)
    return fake, {
        "type": "mastodon", "name": "tag", "api_base_url": server.url,
        "hashtags": ["kettlebird"], "page_size": PAGE, "timeout_seconds": 5.0, **options,
    }  # fmt: skip


def rss(server: LiveServer, keep: int, **options: Any) -> tuple[RssFeed, dict[str, Any]]:
    """An RSS feed keeping its newest `keep` entries and a channel reading it."""
    fake = RssFeed(keep)
    fake.install(server)
    return fake, {"type": "rss", "name": "blog", "url": server.url + "/feed.xml", **options}


# (case, platform, build): bursts read back whole.
FULL_RECOVERY: list[tuple[str, str, Build]] = [
    ("reddit pages back with after", "reddit", lambda s: reddit(s)),
    ("reddit, the smallest bound that reaches", "reddit", lambda s: reddit(s, max_pages=3)),
    ("mastodon reads on with min_id", "mastodon", lambda s: mastodon(s)),
    ("mastodon, the smallest bound", "mastodon", lambda s: mastodon(s, max_pages=2)),
    ("mastodon server skipping ahead", "mastodon", lambda s: mastodon(s, skips_ahead=True)),
    ("rss feed longer than the burst", "rss", lambda s: rss(s, keep=EARLY + BURST + 2)),
]

# (case, platform, build, mentions stored after the burst's poll, what the gap's reason says)
BOUND_HIT: list[tuple[str, str, Build, int, str]] = [
    # Reddit's latest page is one short: praw's cache-busting `limit` without `before`.
    ("reddit", "reddit", lambda s: reddit(s, max_pages=2), EARLY + 2 * PAGE - 1, "page bound of 2"),
    (
        "mastodon skipping ahead", "mastodon", lambda s: mastodon(s, skips_ahead=True, max_pages=2),
        EARLY + 2 * PAGE, "page bound of 2",
    ),
    ("rss", "rss", lambda s: rss(s, keep=PAGE), EARLY + PAGE, "cannot be paged back"),
]  # fmt: skip


@contextmanager
def platform_env() -> Iterator[None]:
    """Placeholder Reddit credentials and no Mastodon token, for the length of a block."""
    saved = {k: os.environ.get(k) for k in (*ENV, *UNSET)}
    os.environ.update(ENV)
    for key in UNSET:
        os.environ.pop(key, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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
        with platform_env():
            self.source = build_source(self.brand, self.channel)
        self.pipeline = Pipeline(settings, factory)

    def poll(self, max_polls: int = 10) -> int:
        """Poll until a page says nothing more is waiting; returns how many polls it took."""
        for n in range(1, max_polls + 1):
            report = self.pipeline.poll_channel(self.brand, self.channel, self.source, force=True)
            assert report.error == ""
            if report.exhausted:
                return n
        raise AssertionError(f"still not exhausted after {max_polls} polls")


def quiet_then_burst(fake: Any, run: Run) -> tuple[list[str], list[str]]:
    """Items, a first poll, a quiet poll, then a burst and its poll(s): (early ids, burst ids)."""
    early = fake.publish(EARLY)
    run.poll()
    run.poll()  # the quiet poll: nothing new, the cursor must survive it
    burst = fake.publish(BURST)
    run.poll()
    return early, burst
