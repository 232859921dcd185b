"""Settings and helpers for driving the real Pipeline over fake-server channels in tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import IngestReport, Pipeline
from monitor.mention import Mention
from monitor.settings import BrandSettings, ChannelSettings, Settings
from monitor.sources.base import PollResult
from monitor.storage import models as m
from tests.conftest import make_settings

# A brand that listens to everything (a query no post contains, negated): recorded traffic is
# about other subjects, and the tests are about delivery, not matching.
CATCH_ALL = "NOT zzqqmakegoodnever"


def catch_all_settings(db_url: str, tmp_path: Path, channels: list[dict[str, Any]]) -> Settings:
    """Settings with one brand, "Streamtest", matching every post, and these channels."""
    brand = {
        "name": "Streamtest",
        "queries": [CATCH_ALL],
        "handles": ["@streamtest"],
        "channels": channels,
    }
    return make_settings(db_url, tmp_path, brands=[brand])


def brand_and_channel(settings: Settings, index: int = 0) -> tuple[BrandSettings, ChannelSettings]:
    """The first brand and its `index`-th channel."""
    brand = settings.brands[0]
    return brand, brand.channels[index]


def stored_ids(factory: sessionmaker[Session], platform: str) -> list[str]:
    """External ids of stored mentions of `platform`, in insertion order."""
    with factory() as session:
        return list(
            session.scalars(
                select(m.Mention.external_id)
                .where(m.Mention.platform == platform)
                .order_by(m.Mention.id)
            )
        )


def channel_row(factory: sessionmaker[Session], key: str) -> m.Channel:
    """The channel row (detached copy) for `key`."""
    with factory() as session:
        row = session.scalars(select(m.Channel).where(m.Channel.key == key)).one()
        session.expunge(row)
        return row


def ingest(
    settings: Settings, factory: sessionmaker[Session], mentions: list[Mention], now: datetime
) -> IngestReport:
    """Store one page of mentions for the first brand, as a poll of its replay channel would."""
    pipeline = Pipeline(settings, factory, clock=lambda: now)
    brand = settings.brands[0]
    return pipeline.store_page(brand, "Kettlebird:replay:test", PollResult(mentions, {}))
