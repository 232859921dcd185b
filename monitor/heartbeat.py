"""Worker heartbeats in the `leases` table: each worker stamps a row, /readyz reads the newest.

A heartbeat is a lease row named `heartbeat:<worker id>` whose `last_done_at` is the last beat
(and `until` when it goes stale), so the web app, in another process or on another host, can
tell whether any worker is alive. A worker removes its row when it stops; rows of workers that
died are swept after a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from monitor.storage import models as m
from monitor.storage.upsert import insert_for

PREFIX = "heartbeat:"
SWEEP_AFTER = timedelta(days=1)


def beat(session: Session, owner: str, stale_seconds: float, now: datetime) -> None:
    """Stamp `owner`'s heartbeat at `now` (creating its row), and sweep day-old dead ones."""
    name = PREFIX + owner
    until = now + timedelta(seconds=stale_seconds)
    session.execute(
        insert_for(session, m.Lease)
        .values(name=name, owner=owner, until=until, last_done_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    session.execute(
        update(m.Lease)
        .where(m.Lease.name == name)
        .values(owner=owner, until=until, last_done_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(m.Lease)
        .where(m.Lease.name.startswith(PREFIX), m.Lease.last_done_at < now - SWEEP_AFTER)
        .execution_options(synchronize_session=False)
    )


def forget(session: Session, owner: str) -> None:
    """Remove `owner`'s heartbeat (a worker stopping cleanly is no longer alive)."""
    session.execute(
        delete(m.Lease)
        .where(m.Lease.name == PREFIX + owner)
        .execution_options(synchronize_session=False)
    )


def latest(session: Session) -> tuple[datetime | None, int]:
    """The newest heartbeat of any worker (None if there is none) and how many workers beat."""
    newest, count = session.execute(
        select(func.max(m.Lease.last_done_at), func.count()).where(m.Lease.name.startswith(PREFIX))
    ).one()
    return newest, int(count)


def alive(session: Session, now: datetime, stale_seconds: float) -> int:
    """How many workers beat within the last `stale_seconds`."""
    cutoff = now - timedelta(seconds=stale_seconds)
    return int(
        session.scalar(
            select(func.count()).where(
                m.Lease.name.startswith(PREFIX), m.Lease.last_done_at >= cutoff
            )
        )
        or 0
    )
