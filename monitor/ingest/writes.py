"""Database writes of the ingest side, idempotent and portable across SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.health import is_down
from monitor.mention import Mention, as_utc, author_key, clean_text
from monitor.scoring import Score
from monitor.scoring.thresholds import is_negative
from monitor.sources.base import Rejected
from monitor.storage import models as m
from monitor.storage.upsert import bulk_insert, insert_for

ID_CHUNK = 900  # values per IN (...) list: well inside every driver's parameter limit


def get_or_create_channel(session: Session, key: str, brand: str, platform: str) -> m.Channel:
    """The channel row for `key`, created on first use (safe under concurrent workers)."""
    stmt = insert_for(session, m.Channel).values(key=key, brand=brand, platform=platform, cursor={})
    session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
    return session.scalars(select(m.Channel).where(m.Channel.key == key)).one()


def quarantine(session: Session, source: str, rejected: Iterable[Rejected]) -> None:
    """Keep payloads that could not be ingested, with where they came from and why."""
    # Clean text only: PostgreSQL refuses NUL and lone surrogates even in a quarantined payload.
    rows = [
        {
            "source": clean_text(source)[:200],
            "location": clean_text(str(r.location)),
            "error": clean_text(str(r.error)),
            "raw": clean_text(str(r.raw)),
        }
        for r in rejected
    ]
    if rows:
        session.execute(m.Quarantine.__table__.insert(), rows)


def stored_keys(session: Session, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (platform, external_id) keys are stored already: one query a platform."""
    by_platform: dict[str, list[str]] = {}
    for platform, external_id in keys:
        by_platform.setdefault(platform, []).append(external_id)
    found: set[tuple[str, str]] = set()
    for platform, ids in by_platform.items():
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            stored = session.scalars(
                select(m.Mention.external_id).where(
                    m.Mention.platform == platform, m.Mention.external_id.in_(chunk)
                )
            )
            found.update((platform, external_id) for external_id in stored)
    return found


def upsert_authors(session: Session, mentions: Iterable[Mention]) -> dict[tuple[str, str], int]:
    """Insert or refresh the authors of `mentions`; returns {(platform, external_id): id}.

    Multi-row INSERT ... ON CONFLICT DO UPDATE ... RETURNING, a page of rows per statement, on
    SQLite and PostgreSQL alike.
    """
    latest: dict[tuple[str, str], Mention] = {}
    for mention in mentions:
        latest[author_key(mention)] = mention
    if not latest:
        return {}
    # A fixed order: two workers upserting overlapping authors lock rows alike, never deadlock.
    rows = [
        {"platform": k[0], "external_id": k[1], "handle": x.author,
         "followers": x.author_followers}
        for k, x in sorted(latest.items())
    ]  # fmt: skip
    returned = bulk_insert(
        session, m.Author.__table__, rows, conflict=("platform", "external_id"),
        update=("handle", "followers"), returning=("id", "platform", "external_id"),
    )  # fmt: skip
    return {(platform, external_id): author_id for author_id, platform, external_id in returned}


def insert_mentions(
    session: Session,
    brand: str,
    channel_key: str,
    mentions: Mapping[tuple[str, str], Mention],
    scores: Mapping[tuple[str, str], Score],
    authors: Mapping[tuple[str, str], int],
    now: datetime,
) -> dict[tuple[str, str], int]:
    """Insert new mentions (ON CONFLICT DO NOTHING); returns exactly the rows that were new."""
    # Delivery order, so ids follow the stream. Two workers on overlapping pages could, rarely,
    # deadlock on PostgreSQL: one transaction is aborted and its page re-fetched, nothing lost.
    keys = list(mentions)
    if not keys:
        return {}
    refresh_until = now + timedelta(hours=24)
    rows = []
    for key in keys:
        x, s = mentions[key], scores[key]
        # Negative or flagged posts are re-read for a day, so a growing complaint escalates.
        watched = is_negative(s.sentiment) or s.flagged
        rows.append(
            {
                "platform": x.platform,
                "external_id": x.external_id,
                "brand": brand,
                "channel_key": channel_key,
                "author_id": authors[author_key(x)],
                "author_handle": x.author,
                "text": x.text,
                "url": x.url,
                "created_at": x.created_at or now,
                "fetched_at": now,
                "author_followers": x.author_followers,
                "likes": x.likes,
                "replies": x.replies,
                "reposts": x.reposts,
                "parent_id": x.parent_id,
                "root_id": x.root_id,
                "reply_allowed": x.reply_allowed,
                "lang": x.lang,
                "raw": x.raw,
                "sentiment": s.sentiment,
                "complaint": s.complaint,
                "category": s.category,
                "severity": s.severity,
                "flagged": s.flagged,
                "reasons": list(s.reasons),
                "scored_at": now,
                "refresh_until": refresh_until if watched else None,
            }
        )
    # Multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING: a few statements per page.
    returned = bulk_insert(
        session, m.Mention.__table__, rows, conflict=("platform", "external_id"),
        returning=("id", "platform", "external_id"),
    )  # fmt: skip
    inserted = {
        (platform, external_id): mention_id for mention_id, platform, external_id in returned
    }
    # Keep the input order: cases are opened by the first mention of an author.
    return {k: inserted[k] for k in keys if k in inserted}


def raise_severity_alert(session: Session, case: m.RecoveryCase) -> None:
    """Record a severity alert once per case and level (never once per poll)."""
    stmt = insert_for(session, m.Alert).values(
        brand=case.brand,
        kind="severity",
        dedupe_key=f"severity:{case.id}:{case.severity}",
        level=case.severity,
        case_id=case.id,
        state="new",
        data={},
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]))


def maybe_raise_channel_down(
    session: Session, channel: m.Channel, after_minutes: float, now: datetime
) -> None:
    """Record one "channel down" alert per outage once it has lasted `after_minutes`."""
    if channel.down_alerted_at or not is_down(channel.down_since, now, after_minutes):
        return
    since = channel.down_since.isoformat() if channel.down_since else ""
    stmt = insert_for(session, m.Alert).values(
        brand=channel.brand,
        kind="channel_down",
        dedupe_key=f"channel_down:{channel.key}:{since}",
        level="high",
        state="new",
        data={"channel": channel.key, "since": since, "error": channel.last_error},
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]))
    channel.down_alerted_at = now


def raise_channel_alert(
    session: Session,
    channel: m.Channel,
    kind: str,
    dedupe_key: str,
    level: str,
    data: dict[str, Any],
) -> None:
    """Record one alert about a channel (e.g. its spending cap reached), once per `dedupe_key`."""
    stmt = insert_for(session, m.Alert).values(
        brand=channel.brand,
        kind=kind,
        dedupe_key=dedupe_key,
        level=level,
        state="new",
        data={"channel": channel.key, **data},
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]))


def win_back_score(complaint_sentiment: float, later_sentiment: float) -> float:
    """The win-back of a case: the author's later sentiment minus the complaint's (-2..2)."""
    return round(later_sentiment - complaint_sentiment, 4)


MAX_LATER_POSTS = 50  # what the case page lists (the win-back counts every post in its window)


@dataclass(frozen=True, slots=True)
class LaterPost:
    """A post by the case's author after the complaint, and what the win-back makes of it."""

    mention: m.Mention
    standing: str  # "counted", "before our reply", "after the window" or "no reply yet"

    @property
    def counted(self) -> bool:
        """Whether the win-back is the mean of this post (among others)."""
        return self.standing == "counted"


def win_back_standing(case: m.RecoveryCase, at: datetime, window_days: int) -> str:
    """Whether a later post at `at` counts for the win-back: it must come after our first
    response and within `window_days` of it."""
    start = case.first_response_at
    if start is None:
        return "no reply yet"
    at, start = as_utc(at) or at, as_utc(start) or start
    if at <= start:
        return "before our reply"
    return "counted" if at <= start + timedelta(days=window_days) else "after the window"


def later_posts(
    session: Session, case: m.RecoveryCase, window_days: int, limit: int | None = None
) -> list[LaterPost]:
    """The author's posts after the complaint (about the brand, or attached to the case), oldest
    first, each marked when the win-back counts it: the one list both the win-back line and
    the case page's "later posts" come from."""
    about_case = m.Mention.case_id == case.id
    if case.author_id is not None:
        about_case = about_case | (
            (m.Mention.author_id == case.author_id)
            & (m.Mention.brand == case.brand)
            & (m.Mention.created_at > case.opened_at)
        )
    query = (
        select(m.Mention)
        .where(about_case, m.Mention.id != case.first_mention_id)
        .order_by(m.Mention.created_at, m.Mention.id)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.scalars(query).all()
    return [LaterPost(x, win_back_standing(case, x.created_at, window_days)) for x in rows]


def refresh_win_back(session: Session, case: m.RecoveryCase, window_days: int) -> None:
    """Store the case's later sentiment (mean of the author's posts about the brand after the
    first response, within `window_days`: the `counted` ones of `later_posts`) and its
    win-back; None until there is such a post."""
    if case.first_response_at is None:
        case.later_sentiment = None
        case.win_back = None
        return
    sentiments = [p.mention.sentiment for p in later_posts(session, case, window_days) if p.counted]
    if not sentiments:
        case.later_sentiment = None
        case.win_back = None
        return
    later = round(sum(sentiments) / len(sentiments), 4)
    case.later_sentiment = later
    case.win_back = win_back_score(case.complaint_sentiment, later)
