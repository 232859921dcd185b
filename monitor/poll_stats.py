"""Running totals of poll runs per channel (`poll_stats`): written by whoever polls, for /metrics.

One row per channel key, added to in one UPDATE per run, so several workers (or a cron
`makegood poll`) add up without losing counts. A run is one poll job or one sweep of a channel:
its pages, its wall time, whether it failed and how many mentions it flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import IngestReport
from monitor.storage import models as m
from monitor.storage.upsert import insert_for


def polled_pages(reports: Sequence[IngestReport]) -> list[IngestReport]:
    """The pages of a run that were really polled (not skipped while the channel backs off)."""
    return [r for r in reports if not r.skipped]


def record_run(
    factory: sessionmaker[Session],
    key: str,
    brand: str,
    reports: Sequence[IngestReport],
    seconds: float,
    now: datetime,
) -> None:
    """Add one run of channel `key` to its totals; a run whose every page was skipped is none."""
    polled = polled_pages(reports)
    if not polled:
        return
    failed = any(r.error for r in polled)
    flagged = sum(r.flagged for r in polled)
    with factory() as session, session.begin():
        session.execute(
            insert_for(session, m.PollStats)
            .values(
                channel_key=key,
                brand=brand,
                runs=0,
                failures=0,
                seconds_total=0.0,
                last_seconds=0.0,
                mentions_flagged=0,
                last_run_at=None,
            )
            .on_conflict_do_nothing(index_elements=["channel_key"])
        )
        # Increments in SQL, never read-modify-write: concurrent runs must not lose counts.
        session.execute(
            update(m.PollStats)
            .where(m.PollStats.channel_key == key)
            .values(
                brand=brand,
                runs=m.PollStats.runs + 1,
                failures=m.PollStats.failures + (1 if failed else 0),
                seconds_total=m.PollStats.seconds_total + seconds,
                last_seconds=seconds,
                mentions_flagged=m.PollStats.mentions_flagged + flagged,
                last_run_at=now,
            )
            .execution_options(synchronize_session=False)
        )
