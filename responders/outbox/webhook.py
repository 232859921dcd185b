"""The webhook sender of the outbox (kind "webhook"): one signed JSON POST per event and endpoint.

The body is the event document fixed when it was emitted (monitor.events), serialised the same
way on every try, so a retry carries the same bytes and the same `Idempotency-Key` (the event
id); only the signature's timestamp is fresh. Delivery is at least once: any 2xx answer counts,
anything else (or no answer) is retried with back-off, and the receiver dedupes by the key.
The endpoint's secret is read from its row at send time and never logged or put in an error.
"""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import update
from sqlalchemy.orm import Session

from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox.address_guard import refusal
from responders.outbox.dispatch import SendOutcome
from responders.outbox.pinned_transport import InternalAddressRefused, guarded_client
from responders.outbox.signing import (
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)

TIMEOUT_SECONDS = 10.0
USER_AGENT = "makegood-webhooks/1"
ANSWER_LIMIT = 200


def body_bytes(body: dict[str, Any]) -> bytes:
    """The exact bytes posted (and signed) for an event document."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_headers(secret: str, event: dict[str, Any], body: bytes, now: float) -> dict[str, str]:
    """The headers of a delivery: JSON, the signature, the event type and the idempotency key."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(secret, int(now), body),
        EVENT_HEADER: str(event.get("type", "")),
        IDEMPOTENCY_HEADER: str(event.get("id", "")),
    }


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


def _record_code(session: Session, item: m.OutboxItem, code: int | None) -> None:
    session.execute(
        update(m.WebhookDelivery)
        .where(m.WebhookDelivery.outbox_id == item.id)
        .values(response_code=code)
        .execution_options(synchronize_session=False)
    )


def _client(guarded: bool) -> httpx.Client:
    if guarded:
        return guarded_client(TIMEOUT_SECONDS)
    return httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)


def send_webhook(settings: Settings, session: Session, item: m.OutboxItem) -> SendOutcome:
    """POST the event to its endpoint, signed; 2xx is delivered, anything else is retried."""
    payload = item.payload or {}
    endpoint = session.get(m.WebhookEndpoint, int(payload.get("endpoint_id", 0)))
    if endpoint is None:
        return SendOutcome(ok=False, error="the endpoint was deleted", permanent=True)
    if not endpoint.active:
        return SendOutcome(ok=False, error="the endpoint was disabled", permanent=True)
    # Again at each try: the name may resolve inside the network since it was registered.
    guarded = not settings.webhooks.allow_internal_addresses
    if guarded and (problem := refusal(urlsplit(endpoint.url).hostname or "")):
        return SendOutcome(ok=False, error=f"refused: {problem}", permanent=True)
    event = dict(payload.get("body") or {})
    body = body_bytes(event)
    headers = request_headers(endpoint.secret, event, body, time.time())
    # No writes before the network call: on SQLite a write would hold the lock while we wait.
    try:
        with _client(guarded) as client:
            response = client.post(endpoint.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        if isinstance(exc.__cause__, InternalAddressRefused):
            return SendOutcome(ok=False, error=f"refused: {exc.__cause__}", permanent=True)
        _record_code(session, item, None)
        return SendOutcome(ok=False, error=f"cannot reach the endpoint: {type(exc).__name__}")
    _record_code(session, item, response.status_code)
    if 200 <= response.status_code < 300:
        return SendOutcome(ok=True, result={"status": response.status_code})
    answer = " ".join(response.text[:ANSWER_LIMIT].split())
    return SendOutcome(
        ok=False,
        error=f"the endpoint answered {response.status_code}" + (f": {answer}" if answer else ""),
        retry_after=_retry_after(response),
    )
