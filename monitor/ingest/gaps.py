"""Storing the gaps a poll reports: one `channel_gaps` row and one `gap` alert per stretch.

Called by the pipeline inside the page's transaction, so a gap is recorded exactly when its page
and cursor are; storing the same page again records nothing new (both inserts are deduplicated).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from monitor.ingest import writes
from monitor.mention import clean_text
from monitor.sources.base import Gap
from monitor.storage import models as m
from monitor.storage.upsert import insert_for

REASON_MAX = 500


def gap_key(channel: str, gap: Gap) -> str:
    """The dedupe key of a gap: a digest of the channel, its time range, count and reason."""
    parts = (channel, _iso(gap.since), _iso(gap.until), str(gap.missing), gap.reason)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def record_gaps(session: Session, channel: m.Channel, gaps: Iterable[Gap], now: datetime) -> int:
    """Store each gap of a page on its channel and raise its alert; returns how many were new."""
    new = 0
    for gap in gaps:
        key = gap_key(channel.key, gap)
        reason = clean_text(gap.reason)[:REASON_MAX]
        missing = gap.missing if gap.missing is None or gap.missing >= 0 else None
        stmt = insert_for(session, m.ChannelGap).values(
            channel=channel.key,
            since=gap.since,
            until=gap.until,
            missing=missing,
            reason=reason,
            detected_at=now,
            dedupe_key=key,
        )
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"])
        # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
        new += len(session.execute(stmt.returning(m.ChannelGap.id)).all())
        writes.raise_channel_alert(
            session, channel, "gap", f"gap:{key}", "high",
            {"since": _iso(gap.since), "until": _iso(gap.until), "missing": missing,
             "reason": reason},
        )  # fmt: skip
    return new


def _iso(when: datetime | None) -> str:
    """A time as ISO 8601 UTC ('' when unknown): stable across dialects for the dedupe key."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()
