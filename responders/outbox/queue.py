"""The outbox: replies and e-mails to send, each claimed by one worker under a lease, sent once.

On PostgreSQL several workers claim rows with FOR UPDATE SKIP LOCKED; on SQLite the single worker
claims with an UPDATE guarded by the row's state. A lease that expires (the worker died) makes the
row claimable again; senders must then reconcile before resending (see responders.outbox.replies).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.retry import backoff_seconds, clamp_wait
from monitor.storage import models as m
from monitor.storage.upsert import insert_for

LEASE_SECONDS = 120
RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 3600.0


def enqueue(
    session: Session,
    kind: str,
    idempotency_key: str,
    payload: dict[str, Any],
    max_attempts: int = 6,
    now: datetime | None = None,
) -> int:
    """Add an item once per idempotency key; returns the item's id (existing or new)."""
    stmt = insert_for(session, m.OutboxItem).values(
        kind=kind,
        idempotency_key=idempotency_key,
        payload=payload,
        state="pending",
        max_attempts=max_attempts,
        next_attempt_at=now or utcnow(),
        result={},
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["idempotency_key"]))
    return session.scalars(
        select(m.OutboxItem.id).where(m.OutboxItem.idempotency_key == idempotency_key)
    ).one()


def claim_due(
    session: Session,
    worker: str,
    kinds: tuple[str, ...] = ("reply", "email"),
    limit: int = 20,
    now: datetime | None = None,
    lease_seconds: int = LEASE_SECONDS,
) -> list[m.OutboxItem]:
    """Claim up to `limit` due items for `worker`: pending and due, or sending with a dead lease."""
    now = now or utcnow()
    due = or_(
        (m.OutboxItem.state == "pending") & (m.OutboxItem.next_attempt_at <= now),
        (m.OutboxItem.state == "sending") & (m.OutboxItem.lease_until < now),
    )
    query = (
        select(m.OutboxItem)
        .where(due, m.OutboxItem.kind.in_(kinds))
        .order_by(m.OutboxItem.next_attempt_at, m.OutboxItem.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed: list[m.OutboxItem] = []
    for item in session.scalars(query).all():
        # The guarded UPDATE makes the claim safe on SQLite too: only one claimer changes the row.
        changed = session.execute(
            update(m.OutboxItem)
            .where(
                m.OutboxItem.id == item.id,
                m.OutboxItem.state == item.state,
                m.OutboxItem.lease_owner == item.lease_owner,
            )
            .values(
                state="sending",
                lease_owner=worker,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=m.OutboxItem.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            session.refresh(item)
            claimed.append(item)
    return claimed


def hold(
    session: Session,
    item_id: int,
    worker: str,
    now: datetime | None = None,
    lease_seconds: int = LEASE_SECONDS,
) -> bool:
    """Re-check that `worker` still holds the item and renew its lease; False if it was taken.

    A guarded UPDATE, so the check and the renewal are one step: once it returns True nobody else
    (another worker, a person recording a hand-posted reply) can take the item until the lease ends,
    and it keeps the row locked until this transaction ends.
    """
    now = now or utcnow()
    changed = session.execute(
        update(m.OutboxItem)
        .where(
            m.OutboxItem.id == item_id,
            m.OutboxItem.state == "sending",
            m.OutboxItem.lease_owner == worker,
        )
        .values(lease_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def take_over_for_manual(
    session: Session, idempotency_key: str, result: dict[str, Any], now: datetime
) -> bool | None:
    """Mark an item sent because staff posted it by hand; None if there is no such item.

    False when the item is in flight (a worker holds a live lease) or already sent: only an item
    nobody is sending may be taken, so the reply is never posted by hand and by the worker.
    """
    exists = session.scalars(
        select(m.OutboxItem.id).where(m.OutboxItem.idempotency_key == idempotency_key)
    ).one_or_none()
    if exists is None:
        return None
    free = or_(
        m.OutboxItem.state.in_(("pending", "dead")),
        (m.OutboxItem.state == "sending") & (m.OutboxItem.lease_until < now),
    )
    changed = session.execute(
        update(m.OutboxItem)
        .where(m.OutboxItem.id == exists, free)
        .values(
            state="sent",
            sent_at=now,
            lease_owner="",
            lease_until=None,
            result=result,
            last_error="",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def mark_sent(session: Session, item: m.OutboxItem, result: dict[str, Any], now: datetime) -> None:
    """Record a successful send."""
    item.state = "sent"
    item.result = result
    item.sent_at = now
    item.lease_owner = ""
    item.lease_until = None
    item.last_error = ""


def mark_failed(
    session: Session,
    item: m.OutboxItem,
    error: str,
    now: datetime,
    retry_after: float | None = None,
    permanent: bool = False,
) -> None:
    """Record a failed try: back to pending with back-off, or `dead` after the last try."""
    item.last_error = error[:2000]
    item.lease_owner = ""
    item.lease_until = None
    if permanent or item.attempts >= item.max_attempts:
        item.state = "dead"
        return
    backoff = backoff_seconds(item.attempts, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS)
    delay = max(backoff, clamp_wait(retry_after) or 0.0)  # a platform's wait, made safe
    item.state = "pending"
    item.next_attempt_at = now + timedelta(seconds=delay)
