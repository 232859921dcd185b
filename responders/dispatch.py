"""The outbox sender: claims due items and hands each to the sender registered for its kind.

A sender is `send(settings, session, item) -> SendOutcome`. It must be safe to call again for an
item whose earlier attempt may have reached the platform (attempts > 1): reconcile first.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox import LEASE_SECONDS, claim_due, mark_failed, mark_sent

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What one send attempt did: a result to store, or an error and whether to retry."""

    ok: bool
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    retry_after: float | None = None
    permanent: bool = False  # retrying cannot help (e.g. the post was deleted)


Sender = Callable[[Settings, Session, m.OutboxItem], SendOutcome]

# outbox kind -> "module:function" (imported on first use), or the sender itself
SENDERS: dict[str, str | Sender] = {
    "reply": "responders.sending:send_reply",
    "email": "responders.mailer:send_email",
}


def sender_for(kind: str) -> Sender:
    """The registered sender of an outbox kind."""
    target = SENDERS[kind]
    if callable(target):
        return target
    module_name, _, attr = target.partition(":")
    sender: Sender = getattr(importlib.import_module(module_name), attr)
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
    """Claim due items and send each in its own transaction; returns [(item id, final state)]."""
    with factory() as session, session.begin():
        claimed = claim_due(session, worker, kinds, limit, now, lease_seconds)
        claimed_ids = [item.id for item in claimed]
    done: list[tuple[int, str]] = []
    for item_id in claimed_ids:
        with factory() as session, session.begin():
            item = session.get(m.OutboxItem, item_id)
            if item is None or item.lease_owner != worker or item.state != "sending":
                continue  # our lease expired and someone else took it over
            try:
                outcome = sender_for(item.kind)(settings, session, item)
            except Exception as exc:  # an unexpected bug must not kill the loop; keep the item
                log.exception("sender for outbox item %s crashed", item_id)
                outcome = SendOutcome(
                    ok=False, error=f"internal error: {type(exc).__name__}: {exc}"
                )
            now = utcnow()
            if outcome.ok:
                mark_sent(session, item, outcome.result, now)
            else:
                mark_failed(
                    session, item, outcome.error, now, outcome.retry_after, outcome.permanent
                )
            done.append((item_id, item.state))
    return done
