"""Scheduler jobs on a real database: the spike watch opens one incident, polls run under leases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor import jobs, leases
from monitor.mention import Mention
from monitor.settings import Settings
from monitor.storage import models as m
from responders.alerts.mail import resolve_incident
from tests.conftest import make_settings
from tests.responders.alerts.helpers import ingest

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)
ANGRY = "kettlebird my kettle broke again, terrible, still no refund, worst service ever"


def angry(n: int, at: datetime, likes: int = 0) -> Mention:
    return Mention(
        platform="x",
        external_id=f"a{n}",
        text=ANGRY,
        author=f"p{n}",
        author_id=f"p{n}",
        created_at=at,
        likes=likes,
    )


def test_a_burst_opens_one_incident_that_groups_mentions_and_alerts_once(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    # A quiet week: one negative mention every six hours, then twelve within the last hour.
    quiet = [angry(n, NOW - timedelta(hours=6 * n + 2)) for n in range(1, 28)]
    burst = [angry(100 + n, NOW - timedelta(minutes=4 * n)) for n in range(12)]
    ingest(settings, factory, quiet + burst, NOW)
    with factory() as session, session.begin():
        first = jobs.watch_brand(session, settings, "Kettlebird", NOW)
    later = NOW + timedelta(minutes=5)
    ingest(settings, factory, [angry(200, later - timedelta(minutes=1))], later)
    with factory() as session, session.begin():
        again = jobs.watch_brand(session, settings, "Kettlebird", later)
    assert len(first) == 1 and again == []  # the incident stays open: no second one
    with factory() as session:
        incident = session.get(m.Incident, first[0])
        grouped = session.scalars(
            select(m.Mention.external_id).where(m.Mention.incident_id == incident.id)
        ).all()
        alerts = session.scalars(select(m.Alert).where(m.Alert.kind == "spike")).all()
        cases = session.scalars(
            select(m.RecoveryCase.id).where(m.RecoveryCase.incident_id == incident.id)
        ).all()
    assert incident.kind == "spike" and incident.resolved_at is None
    assert "12 negative mentions in the last 1 h" in incident.summary
    assert set(grouped) == {f"a{100 + n}" for n in range(12)} | {"a200"}
    assert len(cases) >= 1
    assert [(a.dedupe_key, a.state) for a in alerts] == [(f"spike:{incident.id}", "new")]


def test_a_quiet_week_opens_nothing(settings: Settings, factory: sessionmaker[Session]) -> None:
    ingest(settings, factory, [angry(n, NOW - timedelta(hours=3 * n)) for n in range(56)], NOW)
    with factory() as session, session.begin():
        assert jobs.watch_brand(session, settings, "Kettlebird", NOW) == []


def test_a_viral_post_opens_its_own_incident_once_and_it_can_be_resolved(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    ingest(settings, factory, [angry(1, NOW - timedelta(hours=2), likes=3000)], NOW)
    with factory() as session, session.begin():
        opened = jobs.watch_brand(session, settings, "Kettlebird", NOW)
    with factory() as session, session.begin():
        assert jobs.watch_brand(session, settings, "Kettlebird", NOW) == []
    with factory() as session, session.begin():
        [incident] = [session.get(m.Incident, i) for i in opened]
        assert incident.kind == "viral" and "1500 an hour" in incident.summary
        viewer = m.User(username="v", password_hash="x", role="viewer")
        boss = m.User(username="b", password_hash="x", role="responder")
        session.add_all([viewer, boss])
        session.flush()
        assert not resolve_incident(session, incident.id, viewer).ok
        assert resolve_incident(session, incident.id, boss).ok
        assert "already resolved" in resolve_incident(session, incident.id, boss).error
        assert session.scalars(select(m.AuditEntry.action)).all() == ["incident_resolved"]


def write_replay_config(db_url: str, tmp_path: Path, stream: Path) -> Path:
    from tests.responders.worker.helpers import write_config

    base = make_settings(db_url, tmp_path)
    brand = base.brands[0].model_dump()
    brand["channels"] = [
        {"type": "replay", "name": "t", "path": str(stream), "interval_seconds": 60}
    ]
    return write_config(make_settings(db_url, tmp_path, brands=[brand]), tmp_path / "mg.toml")


def test_a_poll_job_runs_once_per_interval_whoever_fires_it(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    stream = tmp_path / "s.jsonl"
    stream.write_text(json.dumps({"id": "1", "text": "kettlebird is lovely"}) + "\n")
    config = str(write_replay_config(db_url, tmp_path, stream))
    ctx = jobs.context(config)
    try:
        key = "Kettlebird:replay:t"
        assert jobs.poll_channel(ctx, key, "worker-a")  # polled
        assert jobs.poll_channel(ctx, key, "worker-b") is None  # done moments ago: skipped
        with factory() as session, session.begin():
            # A worker holding the lease (mid-poll) keeps others out until it expires.
            session.execute(m.Lease.__table__.update().values(last_done_at=None))
            assert leases.try_acquire(session, f"poll:{key}", "worker-c", 60, NOW.now(UTC))
        assert jobs.poll_channel(ctx, key, "worker-b") is None
        with factory() as session:
            assert session.scalar(select(m.Channel.mentions_ingested)) == 1
    finally:
        jobs.forget_contexts()
