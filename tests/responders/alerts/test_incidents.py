"""Resolving an incident the watch opened: responders and above, once, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.jobs.incidents import watch_brand
from monitor.mention import Mention
from monitor.settings import Settings
from monitor.storage import models as m
from responders.alerts.mail import resolve_incident
from tests.fakes.pipeline import ingest

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)
ANGRY = "kettlebird my kettle broke again, terrible, still no refund, worst service ever"


def test_a_viral_incident_is_resolved_by_a_responder_not_a_viewer_and_only_once(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    post = Mention(
        platform="x",
        external_id="a1",
        text=ANGRY,
        author="p1",
        author_id="p1",
        created_at=NOW - timedelta(hours=2),
        likes=3000,
    )
    ingest(settings, factory, [post], NOW)
    with factory() as session, session.begin():
        [incident_id] = watch_brand(session, settings, "Kettlebird", NOW)
    with factory() as session, session.begin():
        viewer = m.User(username="v", password_hash="x", role="viewer")
        boss = m.User(username="b", password_hash="x", role="responder")
        session.add_all([viewer, boss])
        session.flush()
        assert not resolve_incident(session, incident_id, viewer).ok
        assert resolve_incident(session, incident_id, boss).ok
        assert "already resolved" in resolve_incident(session, incident_id, boss).error
        assert session.scalars(select(m.AuditEntry.action)).all() == ["incident_resolved"]
