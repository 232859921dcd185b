"""The spike and viral watch on a real database: one incident per crisis, grouped, alerted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.jobs import incidents
from monitor.mention import Mention
from monitor.settings import Settings
from monitor.storage import models as m
from tests.fakes.pipeline import ingest

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
        first = incidents.watch_brand(session, settings, "Kettlebird", NOW)
    later = NOW + timedelta(minutes=5)
    ingest(settings, factory, [angry(200, later - timedelta(minutes=1))], later)
    with factory() as session, session.begin():
        again = incidents.watch_brand(session, settings, "Kettlebird", later)
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


def test_a_burst_stored_hours_after_it_happened_still_opens_its_incident(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    # A backfill (or the demo's replay) stores this morning's burst three hours late: the
    # windows ending now hold none of it, the windows ending at its own posts do.
    quiet = [angry(n, NOW - timedelta(hours=6 * n + 5)) for n in range(1, 28)]
    burst_end = NOW - timedelta(hours=3)
    burst = [angry(100 + n, burst_end - timedelta(minutes=4 * n)) for n in range(12)]
    ingest(settings, factory, quiet + burst, NOW)
    with factory() as session, session.begin():
        (opened,) = incidents.watch_brand(session, settings, "Kettlebird", NOW)
        incident = session.get(m.Incident, opened)
        assert incident is not None
        grouped = session.scalars(
            select(m.Mention.external_id).where(m.Mention.incident_id == opened)
        ).all()
    # Opened where a check running at the time would have opened it: inside the burst.
    assert "negative mentions in the last" in incident.summary
    assert burst[-1].created_at < incident.opened_at.replace(tzinfo=UTC) <= burst_end
    assert set(grouped) == {f"a{100 + n}" for n in range(12)}


def test_an_old_burst_that_was_already_judged_is_not_judged_again(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    # Stored on time three hours ago (and resolved or never a crisis since): checks now judge
    # only the windows ending now, not every hour of the day again.
    burst_end = NOW - timedelta(hours=3)
    burst = [angry(100 + n, burst_end - timedelta(minutes=4 * n)) for n in range(12)]
    ingest(settings, factory, burst, burst_end)
    with factory() as session, session.begin():
        assert incidents.watch_brand(session, settings, "Kettlebird", NOW) == []


def test_a_quiet_week_opens_nothing(settings: Settings, factory: sessionmaker[Session]) -> None:
    ingest(settings, factory, [angry(n, NOW - timedelta(hours=3 * n)) for n in range(56)], NOW)
    with factory() as session, session.begin():
        assert incidents.watch_brand(session, settings, "Kettlebird", NOW) == []


def test_a_viral_post_opens_its_own_incident_once(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    ingest(settings, factory, [angry(1, NOW - timedelta(hours=2), likes=3000)], NOW)
    with factory() as session, session.begin():
        opened = incidents.watch_brand(session, settings, "Kettlebird", NOW)
    with factory() as session, session.begin():
        assert incidents.watch_brand(session, settings, "Kettlebird", NOW) == []
    with factory() as session:
        [incident] = [session.get(m.Incident, i) for i in opened]
        assert incident.kind == "viral" and "1500 an hour" in incident.summary
        grouped = session.scalars(
            select(m.Mention.external_id).where(m.Mention.incident_id == incident.id)
        ).all()
        alerts = session.scalars(select(m.Alert.dedupe_key).where(m.Alert.kind == "viral")).all()
    assert list(grouped) == ["a1"]
    assert list(alerts) == [f"viral:{incident.id}"]
