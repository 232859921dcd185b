"""Outgoing events: `emit(session, type, payload)` queues one signed webhook post per endpoint.

Called where the thing happens (a mention flagged, a case opened, a step, a reply published, a
case closed, an incident opened), inside that transaction: the event is queued exactly when the
change commits, and never for a change rolled back. Each endpoint subscribed to the type gets
an outbox item of kind "webhook" (sent, signed and retried by responders.outbox.webhook) and a
delivery row for its log. It lives in `monitor` because the ingest pipeline emits too, and
`monitor` never imports `responders`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.mention import Mention, utcnow
from monitor.scoring import Score
from monitor.settings import BrandSettings
from monitor.storage import models as m
from monitor.storage.upsert import insert_for

EVENT_TYPES = (
    "mention.flagged",
    "case.opened",
    "case.step",
    "reply.published",
    "case.closed",
    "incident.opened",
)
WEBHOOK_MAX_ATTEMPTS = 20  # back-off capped at an hour: tries spread over 6.5 to 13 hours


class UnknownEvent(ValueError):
    """`emit` was given an event type that is not in EVENT_TYPES (a programming error)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def event_body(event_id: str, event_type: str, data: dict[str, Any], now: datetime) -> dict:
    """The JSON document an endpoint receives (the envelope is the same for every type)."""
    return {"id": event_id, "type": event_type, "created": now.isoformat(), "data": _jsonable(data)}


def emit(
    session: Session,
    event_type: str,
    payload: dict[str, Any],
    event_id: str = "",
    now: datetime | None = None,
) -> list[int]:
    """Queue `event_type` for every active endpoint subscribed to it; the outbox ids queued."""
    if event_type not in EVENT_TYPES:
        raise UnknownEvent(f"unknown event type {event_type!r}; one of {', '.join(EVENT_TYPES)}")
    # No autoflush: the caller's pending changes flush when the caller says (its version check
    # turns a concurrent edit into a conflict there, not into an exception here).
    with session.no_autoflush:
        return _queue(session, event_type, payload, event_id, now or utcnow())


def emit_many(
    session: Session,
    event_type: str,
    payloads: Iterable[dict[str, Any]],
    now: datetime | None = None,
) -> list[int]:
    """`emit` for a page of events: the endpoints are read once, `payloads` consumed only if any
    endpoint subscribes (so building them costs nothing when no one listens)."""
    if event_type not in EVENT_TYPES:
        raise UnknownEvent(f"unknown event type {event_type!r}; one of {', '.join(EVENT_TYPES)}")
    with session.no_autoflush:
        wanted = _subscribers(session, event_type)
        if not wanted:
            return []
        at = now or utcnow()
        return [i for p in payloads for i in _queue_for(session, wanted, event_type, p, "", at)]


def _subscribers(session: Session, event_type: str) -> list[m.WebhookEndpoint]:
    endpoints = session.scalars(
        select(m.WebhookEndpoint).where(m.WebhookEndpoint.active.is_(True))
    ).all()
    return [e for e in endpoints if event_type in (e.event_types or [])]


def _queue(
    session: Session, event_type: str, payload: dict[str, Any], event_id: str, now: datetime
) -> list[int]:
    wanted = _subscribers(session, event_type)
    if not wanted:
        return []
    return _queue_for(session, wanted, event_type, payload, event_id, now)


def _queue_for(
    session: Session,
    wanted: list[m.WebhookEndpoint],
    event_type: str,
    payload: dict[str, Any],
    event_id: str,
    now: datetime,
) -> list[int]:
    event_id = event_id or f"evt_{uuid.uuid4().hex}"
    body = event_body(event_id, event_type, payload, now)
    ids: list[int] = []
    for endpoint in wanted:
        key = f"webhook:{endpoint.id}:{event_id}"
        item = {"endpoint_id": endpoint.id, "event_id": event_id, "event_type": event_type}
        stmt = insert_for(session, m.OutboxItem).values(
            kind="webhook", idempotency_key=key, payload={**item, "body": body}, state="pending",
            max_attempts=WEBHOOK_MAX_ATTEMPTS, next_attempt_at=now, result={}, created_at=now,
        )  # fmt: skip
        session.execute(stmt.on_conflict_do_nothing(index_elements=["idempotency_key"]))
        outbox_id = session.scalars(
            select(m.OutboxItem.id).where(m.OutboxItem.idempotency_key == key)
        ).one()
        delivery = insert_for(session, m.WebhookDelivery).values(
            endpoint_id=endpoint.id, event_id=event_id, event_type=event_type,
            outbox_id=outbox_id, created_at=now,
        )  # fmt: skip
        session.execute(delivery.on_conflict_do_nothing(index_elements=["endpoint_id", "event_id"]))
        ids.append(outbox_id)
    return ids


# --- payloads: what each event tells, built where it is emitted ---------------------------------


def case_data(case: m.RecoveryCase, **extra: Any) -> dict[str, Any]:
    """What every case event says about its case."""
    return {
        "case_id": case.id,
        "brand": case.brand,
        "platform": case.platform,
        "severity": case.severity,
        "category": case.category,
        "status": case.status,
        "opened_at": case.opened_at,
        "sla_due_at": case.sla_due_at,
        **extra,
    }


def flagged_data(
    brand: BrandSettings, mention: Mention, mention_id: int, score: Score
) -> dict[str, Any]:
    """mention.flagged: the post, its author and why it was flagged."""
    return {
        "mention_id": mention_id,
        "brand": brand.name,
        "platform": mention.platform,
        "url": mention.url,
        "author": mention.author,
        "text": mention.text,
        "created_at": mention.created_at,
        "severity": score.severity,
        "sentiment": score.sentiment,
        "reasons": list(score.reasons),
    }


def incident_data(incident: m.Incident) -> dict[str, Any]:
    """incident.opened: a spike or a viral post."""
    return {
        "incident_id": incident.id,
        "brand": incident.brand,
        "kind": incident.kind,
        "summary": incident.summary,
        "opened_at": incident.opened_at,
    }
