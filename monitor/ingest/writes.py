"""Database writes of the ingest side, idempotent and portable across SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from monitor import business_time
from monitor.business_time import WorkCalendar
from monitor.health import is_down
from monitor.mention import Mention, as_utc, author_key, clean_text, utcnow
from monitor.scoring import Score, severity_rank
from monitor.scoring.thresholds import is_negative
from monitor.sources.base import Rejected
from monitor.storage import models as m
from monitor.storage.upsert import insert_for

BATCH = 1000


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


def upsert_authors(session: Session, mentions: Iterable[Mention]) -> dict[tuple[str, str], int]:
    """Insert or refresh the authors of `mentions`; returns {(platform, external_id): id}."""
    latest: dict[tuple[str, str], Mention] = {}
    for mention in mentions:
        latest[author_key(mention)] = mention
    ids: dict[tuple[str, str], int] = {}
    # A fixed order: two workers upserting overlapping authors lock rows alike, never deadlock.
    items = sorted(latest.items())
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        stmt = insert_for(session, m.Author).values(
            [
                {
                    "platform": k[0],
                    "external_id": k[1],
                    "handle": x.author,
                    "followers": x.author_followers,
                }
                for k, x in chunk
            ]
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "external_id"],
            set_={"handle": stmt.excluded.handle, "followers": stmt.excluded.followers},
        ).returning(m.Author.id, m.Author.platform, m.Author.external_id)
        for author_id, platform, external_id in session.execute(stmt):
            ids[(platform, external_id)] = author_id
    return ids


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
    inserted: dict[tuple[str, str], int] = {}
    # Delivery order, so ids follow the stream. Two workers on overlapping pages could, rarely,
    # deadlock on PostgreSQL: one transaction is aborted and its page re-fetched, nothing lost.
    keys = list(mentions)
    refresh_until = now + timedelta(hours=24)
    for start in range(0, len(keys), BATCH):
        rows = []
        for key in keys[start : start + BATCH]:
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
        stmt = (
            insert_for(session, m.Mention)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            .returning(m.Mention.id, m.Mention.platform, m.Mention.external_id)
        )
        for mention_id, platform, external_id in session.execute(stmt):
            inserted[(platform, external_id)] = mention_id
    # Keep the input order: cases are opened by the first mention of an author.
    return {k: inserted[k] for k in keys if k in inserted}


def open_case_for(session: Session, author_id: int, brand: str) -> m.RecoveryCase | None:
    """The author's open (not closed) case for this brand, if any."""
    return session.scalars(
        select(m.RecoveryCase).where(
            m.RecoveryCase.author_id == author_id,
            m.RecoveryCase.brand == brand,
            m.RecoveryCase.status != "closed",
        )
    ).one_or_none()


def open_case(
    session: Session,
    brand: str,
    mention: Mention,
    mention_id: int,
    author_id: int,
    score: Score,
    sla_minutes: int,
    calendar: WorkCalendar | None = None,
) -> m.RecoveryCase:
    """Open a recovery case for a flagged mention; the response clock starts at the post.

    With the brand's working `calendar` the SLA counts working time only (monitor.business_time).
    """
    opened_at = mention.created_at or utcnow()
    case = m.RecoveryCase(
        brand=brand,
        platform=mention.platform,
        author_id=author_id,
        first_mention_id=mention_id,
        status="open",
        severity=score.severity,
        severity_rank=severity_rank(score.severity),
        category=score.category,
        opened_at=opened_at,
        sla_due_at=business_time.due(calendar, opened_at, timedelta(minutes=sla_minutes)),
        complaint_sentiment=score.sentiment,
    )
    session.add(case)
    session.flush()
    session.execute(update(m.Mention).where(m.Mention.id == mention_id).values(case_id=case.id))
    session.add(
        m.CaseEvent(
            case_id=case.id,
            kind="opened",
            note="; ".join(score.reasons),
            data={"mention_id": mention_id, "severity": score.severity},
        )
    )
    return case


def attach_mention(
    session: Session, case: m.RecoveryCase, mention_id: int, score: Score, now: datetime
) -> None:
    """Attach a later mention to an open case; escalate the case if the mention is worse."""
    session.execute(update(m.Mention).where(m.Mention.id == mention_id).values(case_id=case.id))
    data: dict[str, Any] = {"mention_id": mention_id, "sentiment": score.sentiment}
    if severity_rank(score.severity) > case.severity_rank:
        data["escalated_from"] = case.severity
        case.severity = score.severity
        case.severity_rank = severity_rank(score.severity)
    session.add(m.CaseEvent(case_id=case.id, kind="mention_attached", at=now, data=data))


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


def recent_closed_case_for(
    session: Session, author_id: int, brand: str, closed_since: datetime
) -> m.RecoveryCase | None:
    """The author's most recently closed case for this brand, if closed since `closed_since`."""
    return session.scalars(
        select(m.RecoveryCase)
        .where(
            m.RecoveryCase.author_id == author_id,
            m.RecoveryCase.brand == brand,
            m.RecoveryCase.status == "closed",
            m.RecoveryCase.closed_at >= closed_since,
        )
        .order_by(m.RecoveryCase.closed_at.desc(), m.RecoveryCase.id.desc())
        .limit(1)
    ).one_or_none()


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
