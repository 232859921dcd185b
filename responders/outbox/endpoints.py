"""Webhook endpoints, registered by admins: add, disable, and each one's delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.events import EVENT_TYPES
from monitor.storage import models as m
from responders.outbox.address_guard import Resolver, refusal, resolve
from responders.outbox.signing import new_secret
from responders.results import Result
from responders.staff.access import can
from responders.staff.audit import audit

LOG_SIZE = 25
MIN_SECRET_LENGTH = 16


@dataclass(frozen=True, slots=True)
class Delivery:
    """One line of an endpoint's delivery log."""

    event_id: str
    event_type: str
    state: str
    attempts: int
    last_error: str
    response_code: int | None
    created_at: datetime
    sent_at: datetime | None


def check_url(url: str, allow_internal: bool = False, resolver: Resolver = resolve) -> str:
    """Why `url` cannot be an endpoint ('' when it can): http(s) with a host, no credentials,
    and (unless allowed) no host on the internal network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the URL must start with https:// (or http://) and name a host"
    if parts.username or parts.password:
        return "put no credentials in the URL: receivers check the signature instead"
    if len(url) > 500:
        return "the URL is longer than 500 characters"
    if not allow_internal:
        return refusal(parts.hostname, resolver)
    return ""


def add_endpoint(
    session: Session,
    user: m.User,
    url: str,
    event_types: list[str],
    secret: str = "",
    description: str = "",
    allow_internal: bool = False,
) -> Result[m.WebhookEndpoint]:
    """Register an endpoint (admins only); a blank secret is generated (and never audited).

    `allow_internal` is the `[webhooks] allow_internal_addresses` setting.
    """
    if not can(user, "admin"):
        return Result.failure(f"your role ({user.role}) may not do this; it needs admin")
    url = url.strip()
    if problem := check_url(url, allow_internal):
        return Result.failure(f"url: {problem}")
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        return Result.failure(f"event types: unknown {', '.join(unknown)}")
    if not event_types:
        return Result.failure("event types: pick at least one")
    secret = secret.strip() or new_secret()
    if len(secret) < MIN_SECRET_LENGTH or len(secret) > 200:
        return Result.failure(f"secret: between {MIN_SECRET_LENGTH} and 200 characters")
    endpoint = m.WebhookEndpoint(
        url=url,
        secret=secret,
        event_types=[t for t in EVENT_TYPES if t in event_types],
        description=description.strip()[:200],
        active=True,
        created_by=user.id,
    )
    session.add(endpoint)
    session.flush()
    audit(session, user, "webhook.add", f"webhook:{endpoint.id}", url=url, events=event_types)
    return Result.success(endpoint)


def set_active(
    session: Session, user: m.User, endpoint_id: int, active: bool
) -> Result[m.WebhookEndpoint]:
    """Disable (pending deliveries then fail) or re-enable an endpoint; admins only."""
    if not can(user, "admin"):
        return Result.failure(f"your role ({user.role}) may not do this; it needs admin")
    endpoint = session.get(m.WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return Result.failure(f"webhook endpoint {endpoint_id} does not exist")
    endpoint.active = active
    action = "webhook.enable" if active else "webhook.disable"
    audit(session, user, action, f"webhook:{endpoint.id}")
    return Result.success(endpoint)


def list_endpoints(session: Session) -> list[m.WebhookEndpoint]:
    """Every endpoint, oldest first."""
    return list(session.scalars(select(m.WebhookEndpoint).order_by(m.WebhookEndpoint.id)))


def deliveries(session: Session, endpoint_id: int, limit: int = LOG_SIZE) -> list[Delivery]:
    """An endpoint's latest deliveries, newest first, with their outbox state."""
    rows = session.execute(
        select(m.WebhookDelivery, m.OutboxItem)
        .join(m.OutboxItem, m.OutboxItem.id == m.WebhookDelivery.outbox_id)
        .where(m.WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(m.WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [_delivery(d, o) for d, o in rows]


def _delivery(d: m.WebhookDelivery, o: m.OutboxItem) -> Delivery:
    return Delivery(
        d.event_id, d.event_type, o.state, o.attempts, o.last_error, d.response_code,
        d.created_at, o.sent_at,
    )  # fmt: skip
