"""The spike and viral watch: negative volume against its baseline, and fast-spreading posts.

The rules are pure (`monitor.spike`); this module reads the mentions they need, opens an incident
when one fires, groups the incident's mentions and cases, and records its crisis alert once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from monitor import leases, spike
from monitor.events import emit, incident_data
from monitor.jobs.context import JobContext
from monitor.mention import as_utc, utcnow
from monitor.scoring.thresholds import negative_where
from monitor.settings import Settings
from monitor.storage import models as m
from monitor.storage.upsert import insert_for


def _negative(brand: str) -> Any:
    return (m.Mention.brand == brand) & or_(negative_where(m.Mention.sentiment), m.Mention.flagged)


def _open_incident(session: Session, brand: str, kind: str) -> m.Incident | None:
    return session.scalars(
        select(m.Incident)
        .where(m.Incident.brand == brand, m.Incident.kind == kind, m.Incident.resolved_at.is_(None))
        .order_by(m.Incident.id)
        .limit(1)
    ).one_or_none()


def _raise_incident_alert(session: Session, incident: m.Incident) -> None:
    stmt = insert_for(session, m.Alert).values(
        brand=incident.brand,
        kind=incident.kind,
        dedupe_key=f"{incident.kind}:{incident.id}",
        level="critical",
        incident_id=incident.id,
        state="new",
        data={"summary": incident.summary},
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]))
    emit(session, "incident.opened", incident_data(incident))


def _group(session: Session, incident_id: int, mention_filter: Any) -> int:
    """Attach matching mentions (and their cases) to an incident; returns how many mentions."""
    ids = list(
        session.scalars(
            select(m.Mention.id).where(mention_filter, m.Mention.incident_id.is_(None))
        ).all()
    )
    if not ids:
        return 0
    session.execute(
        update(m.Mention)
        .where(m.Mention.id.in_(ids))
        .values(incident_id=incident_id)
        .execution_options(synchronize_session=False)
    )
    case_ids = select(m.Mention.case_id).where(m.Mention.id.in_(ids))
    session.execute(
        update(m.RecoveryCase)
        .where(m.RecoveryCase.id.in_(case_ids), m.RecoveryCase.incident_id.is_(None))
        .values(incident_id=incident_id)
        .execution_options(synchronize_session=False)
    )
    return len(ids)


CATCH_UP = timedelta(hours=24)  # how far back a late-arriving burst is still judged


def _late_checkpoints(
    session: Session, brand: str, now: datetime, settings: Settings, shortest: timedelta
) -> list[datetime]:
    """The instants at which to judge negative mentions that arrived late (a backfill, a replay,
    a worker that was down): each late post's own time, at most one per `shortest` window.

    A check only judges the windows ending when it runs, so a burst stored after its hour had
    passed was never judged at all; judging the windows ending at each late post's time is
    what the check would have seen had it run then."""
    fetched_since = now - max(
        timedelta(seconds=2 * settings.worker.spike_interval_seconds), timedelta(minutes=10)
    )
    late = session.scalars(
        select(m.Mention.created_at)
        .where(
            _negative(brand),
            m.Mention.fetched_at > fetched_since,
            m.Mention.created_at > now - CATCH_UP,
            m.Mention.created_at <= now - shortest,
        )
        .order_by(m.Mention.created_at)
    ).all()
    points: list[datetime] = []
    for at in late:
        at = as_utc(at) or at
        if not points or at - points[-1] >= shortest:
            points.append(at)
    return points


def watch_brand(session: Session, settings: Settings, brand: str, now: datetime) -> list[int]:
    """Check one brand for a spike and for viral posts; returns the ids of incidents opened.

    The windows ending now are judged, and also those ending at the time of each negative
    mention that arrived late (see `_late_checkpoints`), so a burst stored after the fact
    still opens its incident."""
    cfg = settings.spike
    bucket = timedelta(minutes=cfg.bucket_minutes)
    rule = spike.SpikeRule.from_settings(cfg)
    opened: list[int] = []
    n = spike.history_buckets(bucket)
    times = session.scalars(
        select(m.Mention.created_at).where(
            _negative(brand),
            m.Mention.created_at > now - CATCH_UP - bucket * n,
            m.Mention.created_at <= now,
        )
    ).all()
    incident = _open_incident(session, brand, "spike")
    checkpoints = [now]
    if incident is None:
        checkpoints = _late_checkpoints(session, brand, now, settings, rule.windows(bucket)[0])
        checkpoints.append(now)
    for at in checkpoints:
        # The whole bucket, and the shorter windows inside it, each against its own expectation.
        verdict = spike.scan(times, at, bucket, rule)  # times after `at` are not counted
        if verdict.spike:
            break
    if verdict.spike and incident is None:
        incident = m.Incident(
            brand=brand,
            kind="spike",
            summary=verdict.reasons[0],
            opened_at=at,
            data={
                "reasons": list(verdict.reasons),
                "count": verdict.count,
                "expected": round(verdict.expected, 2),
                "p_value": verdict.p_value,
                "window_minutes": verdict.window.total_seconds() / 60,
                "detected_at": now.isoformat(),
            },
        )
        session.add(incident)
        session.flush()
        _raise_incident_alert(session, incident)
        opened.append(incident.id)
        # The burst's own mentions, from the start of the window that fired.
        _group(session, incident.id, _negative(brand) & (m.Mention.created_at > at - bucket))
    if incident is not None:
        # An open crisis keeps collecting the negative mentions that arrive while it lasts.
        _group(session, incident.id, _negative(brand) & (m.Mention.created_at > now - bucket))
    opened += _watch_viral(session, settings, brand, now)
    return opened


def _watch_viral(session: Session, settings: Settings, brand: str, now: datetime) -> list[int]:
    rows = session.execute(
        select(
            m.Mention.id,
            m.Mention.likes + m.Mention.replies + m.Mention.reposts,
            m.Mention.created_at,
            m.Mention.author_handle,
        ).where(
            _negative(brand),
            m.Mention.incident_id.is_(None),
            m.Mention.created_at > now - timedelta(hours=48),
        )
    ).all()
    authors = {row[0]: row[3] for row in rows}
    threshold = settings.spike.viral_engagement_per_hour
    opened = []
    for post in spike.viral_posts([(r[0], int(r[1]), r[2]) for r in rows], now, threshold):
        summary = (
            f"a negative post by @{authors[post.key]} is spreading fast: "
            f"{post.engagement} engagements, {post.per_hour:.0f} an hour"
        )
        incident = m.Incident(
            brand=brand,
            kind="viral",
            summary=summary,
            opened_at=now,
            data={"reasons": [summary], "mention_id": post.key, "per_hour": post.per_hour},
        )
        session.add(incident)
        session.flush()
        _group(session, incident.id, m.Mention.id == post.key)
        _raise_incident_alert(session, incident)
        opened.append(incident.id)
    return opened


def watch(ctx: JobContext, owner: str, now: datetime | None = None) -> list[int]:
    """Run the spike watch for every brand whose lease this worker gets; the incidents opened."""
    now = now or utcnow()
    opened: list[int] = []
    for brand in ctx.settings.brands:
        lease = f"spike:{brand.name}"
        with leases.held(ctx.factory, lease, owner, ctx.settings.worker.lease_seconds, now) as mine:
            if not mine:
                continue  # another worker is watching this brand right now
            with ctx.factory() as session, session.begin():
                opened += watch_brand(session, ctx.settings, brand.name, now)
    return opened
