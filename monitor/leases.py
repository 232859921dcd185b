"""Named leases in the `leases` table: which worker does a shared job now, taken over on expiry.

Every worker's scheduler fires the same jobs; the database decides who runs each one. A lease is a
row claimed with FOR UPDATE SKIP LOCKED on PostgreSQL (a worker never waits behind another) and a
guarded UPDATE on both databases, so exactly one claimer wins. A lease that is not renewed (the
worker died) expires after `seconds` and the next worker takes it over. `last_done_at` lets a job
say "done recently enough": a second worker firing moments later skips instead of repeating work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from monitor.storage.upsert import insert_for


def try_acquire(
    session: Session,
    name: str,
    owner: str,
    seconds: float,
    now: datetime,
    not_done_since: datetime | None = None,
) -> bool:
    """Claim lease `name` for `owner` until now + seconds; False if another live owner holds it.

    With `not_done_since`, also refuse when the job was completed after that time (by anyone).
    Re-acquiring a lease one already holds renews it. Commit soon: the row stays locked until then.
    """
    session.execute(
        insert_for(session, m.Lease)
        .values(name=name, owner="", until=None, last_done_at=None)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    query = select(m.Lease).where(m.Lease.name == name).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = session.scalars(query).one_or_none()
    if row is None:
        return False  # another worker is deciding about this lease right now
    if row.owner and row.owner != owner and row.until is not None and row.until > now:
        return False
    if not_done_since is not None and row.last_done_at and row.last_done_at > not_done_since:
        return False
    # The guarded UPDATE is what makes the claim exclusive on SQLite (no row locks there).
    changed = session.execute(
        update(m.Lease)
        .where(
            m.Lease.name == name,
            or_(
                m.Lease.owner == owner,
                m.Lease.owner == "",
                m.Lease.until.is_(None),
                m.Lease.until <= now,
            ),
        )
        .values(owner=owner, until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)


def renew(session: Session, name: str, owner: str, seconds: float, now: datetime) -> bool:
    """Extend a lease `owner` still holds; False if it expired and someone else took it."""
    changed = session.execute(
        update(m.Lease)
        .where(m.Lease.name == name, m.Lease.owner == owner)
        .values(until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)


def release(
    session: Session, name: str, owner: str, now: datetime | None = None, done: bool = True
) -> bool:
    """Give a lease up; with `done` (and `now`), stamp `last_done_at`. False if not ours anymore."""
    values: dict[str, object] = {"owner": "", "until": None}
    if done and now is not None:
        values["last_done_at"] = now
    changed = session.execute(
        update(m.Lease)
        .where(m.Lease.name == name, m.Lease.owner == owner)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)


@contextmanager
def held(
    factory: sessionmaker[Session],
    name: str,
    owner: str,
    seconds: float,
    now: datetime,
    not_done_since: datetime | None = None,
) -> Iterator[bool]:
    """Run a block under lease `name`: yields whether `owner` got it; released (done) afterwards.

    Acquiring and releasing each commit in their own transaction, so the lease row is never
    locked while the work runs, and the work's own transactions cannot undo the claim. The
    release stamps `last_done_at` with the time the block ended, even when the block raised.
    """
    with factory() as session, session.begin():
        mine = try_acquire(session, name, owner, seconds, now, not_done_since=not_done_since)
    try:
        yield mine
    finally:
        if mine:
            with factory() as session, session.begin():
                release(session, name, owner, utcnow())


def holder(session: Session, name: str, now: datetime) -> str:
    """The owner of a live lease, or '' when it is free or expired."""
    row = session.get(m.Lease, name)
    if row is None or not row.owner or row.until is None or row.until <= now:
        return ""
    return row.owner
