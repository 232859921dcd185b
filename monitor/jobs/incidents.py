"""Scheduler jobs of the listening side: poll a channel, watch for spikes and viral posts, refresh.

Job functions take only picklable arguments (the config path and a channel key) because the
scheduler stores them in the database; each process loads its settings and engine once and
caches them. Every job claims a lease first, so several workers firing the same job do the work
once, and a worker that died mid-job is replaced when its lease expires.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor import leases, spike
from monitor.ingest import IngestReport, Pipeline
from monitor.mention import utcnow
from monitor.settings import BrandSettings, ChannelSettings, Settings, load_settings
from monitor.sources import Source, SourceError, build_source, channel_key
from monitor.sources.base import PollResult
from monitor.storage import models as m
from monitor.storage.engine import open_database
from monitor.store import insert_for

log = logging.getLogger(__name__)
NEGATIVE = -0.05  # the VADER compound below which a mention counts as negative
_WORKER_ID = ""


def worker_id() -> str:
    """This process's name in leases and outbox claims: host, pid and a random suffix."""
    global _WORKER_ID
    if not _WORKER_ID or _WORKER_ID.split(":")[1] != str(os.getpid()):
        _WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    return _WORKER_ID


@dataclass
class JobContext:
    """What a job needs, loaded once per process and config file."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    pipeline: Pipeline
    sources: dict[str, Source] = field(default_factory=dict)


_CONTEXTS: dict[str, JobContext] = {}


def context(config_path: str) -> JobContext:
    """The cached settings, database and pipeline for a config file."""
    ctx = _CONTEXTS.get(config_path)
    if ctx is None:
        settings = load_settings(Path(config_path))
        engine, factory = open_database(settings.database_url)
        ctx = JobContext(settings, engine, factory, Pipeline(settings, factory))
        _CONTEXTS[config_path] = ctx
    return ctx


def forget_contexts() -> None:
    """Close every cached database connection (the worker calls this when it stops)."""
    for ctx in _CONTEXTS.values():
        ctx.engine.dispose()
    _CONTEXTS.clear()


def find_channel(settings: Settings, key: str) -> tuple[BrandSettings, ChannelSettings] | None:
    """The brand and channel settings of a channel key, if still configured."""
    for brand in settings.brands:
        for channel in brand.channels:
            if channel_key(brand, channel) == key:
                return brand, channel
    return None


class _BrokenSource:
    """Stands in for a source that could not be built, so the failure is recorded like a poll's."""

    def __init__(self, name: str, platform: str, error: SourceError):
        self.name = name
        self.platform = platform
        self.error = error

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        """Raise the construction error every time."""
        raise self.error


def source_for(ctx: JobContext, brand: BrandSettings, channel: ChannelSettings) -> Source:
    """The channel's source, built once per process (clients keep their sessions)."""
    key = channel_key(brand, channel)
    if key not in ctx.sources:
        try:
            ctx.sources[key] = build_source(brand, channel)
        except SourceError as exc:
            return _BrokenSource(key, channel.type, exc)
    return ctx.sources[key]


def poll_channel(ctx: JobContext, key: str, owner: str) -> list[IngestReport] | None:
    """Poll one channel under its lease, draining full pages; None when another worker has it."""
    found = find_channel(ctx.settings, key)
    if found is None:
        log.warning("poll job for %s: the channel is no longer configured", key)
        return []
    brand, channel = found
    if not channel.enabled:
        return []
    lease = f"poll:{key}"
    seconds = ctx.settings.worker.lease_seconds
    now = utcnow()
    # "Done within 80% of the interval" means another worker polled it this round: skip.
    recently = now - timedelta(seconds=channel.interval_seconds * 0.8)
    with ctx.factory() as session, session.begin():
        if not leases.try_acquire(session, lease, owner, seconds, now, not_done_since=recently):
            return None
    reports: list[IngestReport] = []
    try:
        source = source_for(ctx, brand, channel)
        for _ in range(ctx.settings.worker.max_pages_per_run):
            report = ctx.pipeline.poll_channel(brand, channel, source)
            reports.append(report)
            if report.error or report.skipped or report.exhausted:
                break
            with ctx.factory() as session, session.begin():
                if not leases.renew(session, lease, owner, seconds, utcnow()):
                    break  # our lease ran out and someone else took over: stop here
    finally:
        with ctx.factory() as session, session.begin():
            leases.release(session, lease, owner, utcnow())
    return reports


def poll_job(config_path: str, key: str) -> None:
    """Scheduler entry point: poll one channel."""
    poll_channel(context(config_path), key, worker_id())


# --- the spike watch ----------------------------------------------------------------------------


def _negative(brand: str) -> Any:
    return (m.Mention.brand == brand) & or_(m.Mention.sentiment < NEGATIVE, m.Mention.flagged)


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


def watch_brand(session: Session, settings: Settings, brand: str, now: datetime) -> list[int]:
    """Check one brand for a spike and for viral posts; returns the ids of incidents opened."""
    cfg = settings.spike
    bucket = timedelta(minutes=cfg.bucket_minutes)
    opened: list[int] = []
    n = spike.history_buckets(bucket)
    times = session.scalars(
        select(m.Mention.created_at).where(
            _negative(brand), m.Mention.created_at > now - bucket * n, m.Mention.created_at <= now
        )
    ).all()
    # The whole bucket, and the shorter windows inside it, each against its own expectation.
    verdict = spike.scan(times, now, bucket, spike.SpikeRule.from_settings(cfg))
    incident = _open_incident(session, brand, "spike")
    if verdict.spike and incident is None:
        incident = m.Incident(
            brand=brand,
            kind="spike",
            summary=verdict.reasons[0],
            opened_at=now,
            data={
                "reasons": list(verdict.reasons),
                "count": verdict.count,
                "expected": round(verdict.expected, 2),
                "p_value": verdict.p_value,
                "window_minutes": verdict.window.total_seconds() / 60,
            },
        )
        session.add(incident)
        session.flush()
        _raise_incident_alert(session, incident)
        opened.append(incident.id)
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
        with ctx.factory() as session, session.begin():
            if not leases.try_acquire(
                session, lease, owner, ctx.settings.worker.lease_seconds, now
            ):
                continue  # another worker is watching this brand right now
        try:
            with ctx.factory() as session, session.begin():
                opened += watch_brand(session, ctx.settings, brand.name, now)
        finally:
            with ctx.factory() as session, session.begin():
                leases.release(session, lease, owner, utcnow())
    return opened


def spike_job(config_path: str) -> None:
    """Scheduler entry point: the spike and viral watch."""
    watch(context(config_path), worker_id())


def refresh_job(config_path: str) -> None:
    """Scheduler entry point: re-read engagement of open negative mentions (monitor.refresh)."""
    try:
        refresh = importlib.import_module("monitor.refresh")
    except ModuleNotFoundError as exc:
        if exc.name != "monitor.refresh":
            raise
        return  # the engagement refresh is not installed in this build
    ctx = context(config_path)
    owner = worker_id()
    now = utcnow()
    with ctx.factory() as session, session.begin():
        if not leases.try_acquire(
            session, "refresh", owner, ctx.settings.worker.lease_seconds, now
        ):
            return
    try:
        sources = {
            channel_key(b, c): source_for(ctx, b, c)
            for b in ctx.settings.brands
            for c in b.channels
            if c.enabled
        }
        refresh.refresh_engagement(ctx.settings, ctx.factory, sources, now)
    finally:
        with ctx.factory() as session, session.begin():
            leases.release(session, "refresh", owner, utcnow())
