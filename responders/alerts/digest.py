"""The daily digest e-mail per brand: new cases, overdue ones, categories, root causes, win-back.

Figures come from a few small queries here (responders.cases.reports serves the report page; the
digest needs only yesterday's counts). The digest is queued once per brand and local day: the
outbox idempotency key carries the date, so any number of workers and checks send it once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.scoring.thresholds import is_negative
from monitor.settings import BrandSettings, Settings
from monitor.storage import models as m
from responders.alerts.chat import route_digest
from responders.alerts.mail import EMAIL_MAX_ATTEMPTS, email_payload, recipients_for, render
from responders.cases.review_queue import overdue_where
from responders.outbox.queue import enqueue


@dataclass(frozen=True)
class DigestFigures:
    """One brand's figures for the past day (win-back over the past 30 days)."""

    new_cases: int
    by_severity: dict[str, int]
    overdue: int
    open_cases: int
    top_categories: list[tuple[str, int]]
    top_root_causes: list[tuple[str, int]]
    closed_30d: int
    won_back_30d: int
    open_incidents: int

    @property
    def win_back_rate(self) -> float | None:
        """Share of cases closed in 30 days whose author came back warmer (None: none closed)."""
        return self.won_back_30d / self.closed_30d if self.closed_30d else None


def figures(session: Session, brand: BrandSettings, now: datetime) -> DigestFigures:
    """Compute the digest figures of one brand at `now`."""
    day_ago = now - timedelta(days=1)
    cases = m.RecoveryCase
    new = session.execute(
        select(cases.severity, cases.category).where(
            cases.brand == brand.name, cases.opened_at > day_ago
        )
    ).all()
    overdue = session.scalar(
        select(func.count()).where(cases.brand == brand.name, overdue_where(now))
    )
    open_cases = session.scalar(
        select(func.count()).where(cases.brand == brand.name, cases.status != "closed")
    )
    causes = session.execute(
        select(cases.root_cause, func.count())
        .where(cases.brand == brand.name, cases.root_cause != "", cases.closed_at > day_ago)
        .group_by(cases.root_cause)
        .order_by(func.count().desc(), cases.root_cause)
        .limit(5)
    ).all()
    closed = session.execute(
        select(cases.win_back, cases.later_sentiment).where(
            cases.brand == brand.name,
            cases.status == "closed",
            cases.closed_at > now - timedelta(days=30),
            cases.outcome != "spam",
        )
    ).all()
    threshold = brand.win_back_threshold
    won = sum(
        1
        for w, later in closed
        if w is not None and w >= threshold and not is_negative(later or 0.0)
    )
    incidents = session.scalar(
        select(func.count()).where(m.Incident.brand == brand.name, m.Incident.resolved_at.is_(None))
    )
    return DigestFigures(
        new_cases=len(new),
        by_severity=dict(Counter(s for s, _ in new)),
        overdue=int(overdue or 0),
        open_cases=int(open_cases or 0),
        top_categories=Counter(c for _, c in new).most_common(5),
        top_root_causes=[(str(c), int(n)) for c, n in causes],
        closed_30d=len(closed),
        won_back_30d=won,
        open_incidents=int(incidents or 0),
    )


def digest_context(settings: Settings, brand: BrandSettings, f: DigestFigures, day: str) -> Any:
    """What the digest templates show."""
    rate = f.win_back_rate
    return {
        "brand": brand.name,
        "day": day,
        "subject": f"[{brand.name}] Daily digest {day}: {f.new_cases} new, {f.overdue} overdue",
        "f": f,
        "win_back": "n/a" if rate is None else f"{rate:.0%}",
        "link": settings.web.base_url.rstrip("/") + "/",
    }


def queue_digest(
    session: Session, settings: Settings, brand: BrandSettings, now: datetime
) -> int | None:
    """Queue today's digest for a brand once it is past digest_hour local time; the outbox id."""
    local = now.astimezone(ZoneInfo(settings.alerts.timezone))
    recipients = recipients_for(settings, brand.name)
    if local.hour < settings.alerts.digest_hour or not (recipients or settings.alerts.routes):
        return None
    day = local.date().isoformat()
    key = f"digest:{brand.name}:{day}"
    keys = [key] + [f"notify:{key}:{route.url_env}" for route in settings.alerts.routes]
    if session.scalar(select(m.OutboxItem.id).where(m.OutboxItem.idempotency_key.in_(keys))):
        return None  # already queued today (by mail or, for a chat-only brand, by chat)
    context = digest_context(settings, brand, figures(session, brand, now), day)
    text, html = render(settings.templates_dir, "digest", context)
    route_digest(session, settings, brand, key, context["subject"], text, now)  # chat, if any
    if not recipients:
        return None
    payload = email_payload(settings, key, recipients, context["subject"], text, html)
    payload["brand"] = brand.name
    return enqueue(session, "email", key, payload, max_attempts=EMAIL_MAX_ATTEMPTS, now=now)


def queue_digests(settings: Settings, factory: sessionmaker[Session], now: datetime) -> list[int]:
    """Queue every brand's digest that is due; the outbox ids of the ones queued now."""
    queued = []
    for brand in settings.brands:
        with factory() as session, session.begin():
            item = queue_digest(session, settings, brand, now)
        if item is not None:
            queued.append(item)
    return queued
