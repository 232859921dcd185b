"""Worker heartbeats: stamped per worker, the newest read by /readyz, dead ones swept in a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor import heartbeat, leases
from monitor.mention import utcnow
from monitor.storage import models as m


def test_beats_are_per_worker_and_the_newest_counts(factory: sessionmaker[Session]) -> None:
    now = utcnow()
    with factory() as session, session.begin():
        heartbeat.beat(session, "host:1:a", 120, now - timedelta(seconds=300))
        heartbeat.beat(session, "host:2:b", 120, now - timedelta(seconds=30))
        heartbeat.beat(session, "host:2:b", 120, now - timedelta(seconds=10))  # beats again
    with factory() as session:
        assert heartbeat.latest(session) == (now - timedelta(seconds=10), 2)
        assert heartbeat.alive(session, now, 120) == 1
        assert heartbeat.alive(session, now, 600) == 2


def test_a_stopping_worker_forgets_its_beat_and_day_old_ones_are_swept(
    factory: sessionmaker[Session],
) -> None:
    now = utcnow()
    with factory() as session, session.begin():
        heartbeat.beat(session, "died-yesterday", 120, now - timedelta(days=1, minutes=1))
        heartbeat.beat(session, "stopping", 120, now - timedelta(seconds=5))
        leases.try_acquire(session, "poll:acme", "stopping", 60, now)  # not a heartbeat
    with factory() as session, session.begin():
        heartbeat.beat(session, "alive", 120, now)  # sweeps the one a day old
        heartbeat.forget(session, "stopping")
    with factory() as session:
        names = set(session.scalars(select(m.Lease.name)))
    assert names == {"heartbeat:alive", "poll:acme"}
