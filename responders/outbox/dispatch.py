"""The outbox sender: claims due items and hands each to the sender registered for its kind.

A sender is `send(settings, session, item) -> SendOutcome`. It must be safe to call again for an
item whose earlier attempt may have reached the platform (attempts > 1): reconcile first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.plugins import resolve
from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox.queue import LEASE_SECONDS, claim_due, hold, mark_failed, mark_sent

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What one send attempt did: a result to store, or an error and whether to retry."""

    ok: bool
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    retry_after: float | None = None
    permanent: bool = False  # retrying cannot help (e.g. the post was deleted)
    lost: bool = False  # the item was taken over meanwhile: leave it as it is


Sender = Callable[[Settings, Session, m.OutboxItem], SendOutcome]

# outbox kind -> "module:function" (imported on first use), or the sender itself
SENDERS: dict[str, str | Sender] = {
    "reply": "responders.outbox.replies:send_reply",
    "email": "responders.outbox.email:send_email",
    "notify": "responders.outbox.notify:send_notify",
    "webhook": "responders.outbox.webhook:send_webhook",
}


def sender_for(kind: str) -> Sender:
    """The registered sender of an outbox kind."""
    target = SENDERS[kind]
    if callable(target):
        return target
    sender: Sender = resolve(target)
    return sender


def process_due(
    settings: Settings,
    factory: sessionmaker[Session],
    worker: str,
    kinds: tuple[str, ...] = tuple(SENDERS),
    limit: int = 20,
    now: datetime | None = None,
    lease_seconds: int = LEASE_SECONDS,
) -> list[tuple[int, str]]:
    """Claim due items and send each in its own transaction; returns [(item id, final state)].

    Items whose claim was lost on the way (taken over, or recorded as posted by hand) are left out.
    """
    with factory() as session, session.begin():
        claimed = claim_due(session, worker, kinds, limit, now, lease_seconds)
        claimed_ids = [item.id for item in claimed]
    done: list[tuple[int, str]] = []
    for item_id in claimed_ids:
        # A test clock in the past must not hand out a lease that has already ended.
        clock = max(now, utcnow()) if now else utcnow()
        try:
            state = _send_one(settings, factory, item_id, worker, clock, lease_seconds)
        except Exception as exc:  # one item's failed write must not hold up the rest of the batch
            log.exception("outbox item %s could not be processed", item_id)
            state = _give_back(factory, item_id, worker, exc, lease_seconds)
        if state is not None:
            done.append((item_id, state))
    return done


def _send_one(
    settings: Settings,
    factory: sessionmaker[Session],
    item_id: int,
    worker: str,
    now: datetime,
    lease_seconds: int,
) -> str | None:
    """Send one claimed item and record the outcome; None when the item is no longer ours."""
    # Re-check and renew the claim in its own short transaction (on SQLite a write held open
    # during the network call would block everyone): once committed, nobody takes the item
    # for a whole lease, and a person recording the reply by hand is told it is in flight.
    with factory() as session, session.begin():
        if not hold(session, item_id, worker, now, lease_seconds):
            return None  # our lease expired and someone else took the item over
    with factory() as session, session.begin():
        item = session.get(m.OutboxItem, item_id)
        if item is None or item.lease_owner != worker or item.state != "sending":
            return None
        try:
            outcome = sender_for(item.kind)(settings, session, item)
        except Exception as exc:  # an unexpected bug must not kill the loop; keep the item
            log.exception("sender for outbox item %s crashed", item_id)
            outcome = SendOutcome(ok=False, error=f"internal error: {type(exc).__name__}: {exc}")
        if outcome.lost:
            return None  # the sender found the item taken over and recorded what it did
        finished = utcnow()
        # The guarded re-check locks the row, so the result lands on an item that is still ours.
        if not hold(session, item_id, worker, finished, lease_seconds):
            log.warning("outbox item %s was taken over while it was being sent", item_id)
            return None
        if outcome.ok:
            mark_sent(session, item, outcome.result, finished)
        else:
            mark_failed(
                session, item, outcome.error, finished, outcome.retry_after, outcome.permanent
            )
        return item.state


def _give_back(
    factory: sessionmaker[Session],
    item_id: int,
    worker: str,
    exc: Exception,
    lease_seconds: int,
) -> str | None:
    """After a failed write, release the item for a later try (which reconciles before sending)."""
    try:
        with factory() as session, session.begin():
            now = utcnow()
            if not hold(session, item_id, worker, now, lease_seconds):
                return None
            item = session.get_one(m.OutboxItem, item_id, populate_existing=True)
            mark_failed(session, item, f"internal error: {type(exc).__name__}: {exc}", now)
            return item.state
    except Exception:  # the database itself is failing: the lease runs out and the item comes back
        log.exception(
            "outbox item %s could not be released; it returns when its lease ends", item_id
        )
        return None
