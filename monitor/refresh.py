"""Engagement refresh: open negative mentions are re-read so a complaint gaining traction escalates.

Mentions stored negative or flagged carry `refresh_until`; until then the channel's source (when
it can: the optional `Refresher` protocol) re-reads their likes, replies, reposts and followers,
and the mention is re-scored. A higher severity upgrades the mention and its case, writes a case
event and raises the severity alert, so a growing complaint is seen before it is a crisis.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.health import month_key, spent_this_month
from monitor.ingest import writes
from monitor.mention import Mention
from monitor.scoring import score_mention, severity_rank
from monitor.scoring.foreign import brand_lexicons
from monitor.settings import Settings
from monitor.sources.base import Budget, Source, SourceError
from monitor.storage import models as m

log = logging.getLogger(__name__)

BATCH = 100  # mentions re-read per channel per run (one request on Reddit and X)


@runtime_checkable
class Refresher(Protocol):
    """A source that can re-read posts it delivered earlier, by external id."""

    def refresh(self, external_ids: list[str]) -> list[Mention]:
        """Current versions of these posts (missing ones are left out)."""
        ...


@dataclass
class RefreshReport:
    """What one refresh run did."""

    checked: int = 0
    updated: int = 0
    escalated: list[int] = field(default_factory=list)  # mention ids whose severity rose
    errors: list[str] = field(default_factory=list)


def due_mentions(session: Session, channel_key: str, now: datetime, limit: int) -> list[m.Mention]:
    """Mentions of a channel still inside their refresh window, the soonest to expire first."""
    return list(
        session.scalars(
            select(m.Mention)
            .where(m.Mention.channel_key == channel_key, m.Mention.refresh_until > now)
            .order_by(m.Mention.refresh_until)
            .limit(limit)
        )
    )


def refresh_engagement(
    settings: Settings,
    factory: sessionmaker[Session],
    sources: Mapping[str, Source],
    now: datetime,
    batch: int = BATCH,
) -> RefreshReport:
    """Re-read and re-score open negative mentions of every channel whose source can refresh."""
    report = RefreshReport()
    for key, source in sources.items():
        if not isinstance(source, Refresher):
            continue
        with factory() as session:
            ids = [row.external_id for row in due_mentions(session, key, now, batch)]
            ids = ids[: _affordable(session, key, source, len(ids), now)]
        if not ids:
            continue
        report.checked += len(ids)
        try:
            fresh = source.refresh(ids)
        except SourceError as exc:
            report.errors.append(str(exc))
            log.warning("refresh of %s failed: %s", key, exc)
            _charge(factory, key, source, now)  # the batches read before the failure
            continue
        with factory() as session, session.begin():
            for mention in fresh:
                _apply(session, settings, source.platform, mention, now, report)
            _add_spend(session, key, source, now)
    return report


def _affordable(session: Session, key: str, source: Source, wanted: int, now: datetime) -> int:
    """How many posts a paid channel may re-read this month (all of them on a free one).

    Re-reads are paid like polls (X), and new mentions matter more than updated counts: a
    refresh leaves room for one more poll under the monthly cap.
    """
    budget: Budget | None = getattr(source, "budget", None)
    price = float(getattr(source, "price_per_read_cents", 0.0) or 0.0)
    if budget is None or price <= 0:
        return wanted
    row = session.scalars(select(m.Channel).where(m.Channel.key == key)).one_or_none()
    spent = spent_this_month(row.spend_month, row.spend_cents, now) if row else 0.0
    room = budget.cap_cents - spent - budget.max_poll_cost_cents
    affordable = max(0, int(room // price))
    if affordable < wanted:
        log.info("refresh of %s limited to %d posts by the monthly cap", key, affordable)
    return min(wanted, affordable)


def _add_spend(session: Session, key: str, source: Source, now: datetime) -> None:
    """Add what the last refresh cost to the channel's spending of this month."""
    cost = float(getattr(source, "last_refresh_cost_cents", 0.0) or 0.0)
    if cost <= 0:
        return
    brand = key.rsplit(":", 2)[0]  # keys are "brand:type:name"
    row = writes.get_or_create_channel(session, key, brand, source.platform)
    row.spend_cents = spent_this_month(row.spend_month, row.spend_cents, now) + cost
    row.spend_month = month_key(now)


def _charge(factory: sessionmaker[Session], key: str, source: Source, now: datetime) -> None:
    """Record the cost of a refresh that failed part-way (the reads before it are paid)."""
    with factory() as session, session.begin():
        _add_spend(session, key, source, now)


def _apply(
    session: Session,
    settings: Settings,
    platform: str,
    fresh: Mention,
    now: datetime,
    report: RefreshReport,
) -> None:
    """Store new counts on the mention row, re-score it, and escalate its case if it got worse."""
    row = session.scalars(
        select(m.Mention).where(
            m.Mention.platform == platform, m.Mention.external_id == fresh.external_id
        )
    ).one_or_none()
    if row is None:
        return
    try:
        brand = settings.brand(row.brand)
    except KeyError:
        return
    row.likes, row.replies, row.reposts = fresh.likes, fresh.replies, fresh.reposts
    if fresh.author_followers:
        row.author_followers = fresh.author_followers
    report.updated += 1
    # Score the stored text (what the case is about) with the new engagement figures.
    scored = dataclasses.replace(
        fresh,
        text=row.text,
        created_at=row.created_at,
        author_followers=row.author_followers,
    )
    score = score_mention(
        scored,
        brand_handles=tuple(brand.handles),
        now=now,
        lexicons=brand_lexicons(brand.lexicons),
    )
    if severity_rank(score.severity) <= severity_rank(row.severity):
        return
    previous = row.severity
    row.severity = score.severity
    row.flagged = row.flagged or score.flagged
    row.reasons = list(score.reasons)
    row.scored_at = now
    report.escalated.append(row.id)
    if row.case_id is None:
        return
    case = session.get(m.RecoveryCase, row.case_id)
    if case is None or case.status == "closed":
        return
    if severity_rank(score.severity) <= case.severity_rank:
        return
    session.add(
        m.CaseEvent(
            case_id=case.id,
            kind="escalated",
            at=now,
            note="; ".join(score.reasons),
            data={
                "mention_id": row.id,
                "from": case.severity,
                "to": score.severity,
                "mention_was": previous,
                "likes": row.likes,
                "replies": row.replies,
                "reposts": row.reposts,
            },
        )
    )
    case.severity = score.severity
    case.severity_rank = severity_rank(score.severity)
    if case.severity_rank >= severity_rank(settings.alerts.min_severity):
        writes.raise_severity_alert(session, case)
