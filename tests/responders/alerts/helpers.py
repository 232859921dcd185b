"""Test helpers for alerts: store severe complaints through the real pipeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest import IngestReport, Pipeline
from monitor.mention import Mention
from monitor.settings import Settings
from monitor.sources.base import PollResult

SCRIPT = "<script>alert(1)</script>"
SEVERE = "@kettlebird your Heron kettle caught fire and burned my hand. Calling my lawyer. {extra}"


def complaint(n: int, at: datetime, extra: str = SCRIPT, followers: int = 20_000) -> Mention:
    """A critical complaint from author n (one case per author)."""
    return Mention(
        platform="x",
        external_id=f"post-{n}",
        text=SEVERE.format(extra=extra),
        author=f"customer{n}",
        author_id=f"u{n}",
        author_followers=followers,
        created_at=at,
        url=f"https://x.example/customer{n}/status/{n}",
    )


def ingest(
    settings: Settings, factory: sessionmaker[Session], mentions: list[Mention], now: datetime
) -> IngestReport:
    """Store one page of mentions for the example brand, as a poll would."""
    pipeline = Pipeline(settings, factory, clock=lambda: now)
    brand = settings.brands[0]
    return pipeline.store_page(brand, "Kettlebird:replay:test", PollResult(mentions, {}))
