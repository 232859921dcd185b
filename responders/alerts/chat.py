"""Chat alerts: each alert row becomes one `notify` outbox item per matching `[[alerts.routes]]`.

E-mail is decided separately (responders.alerts.mail, with quiet hours and a cap); a chat route
gets every matching alert at once. Each alert is routed once: an `alert_routings` row records it
(with the outbox ids, possibly none), and each item is keyed by alert and route, so running this
twice or on two workers queues nothing twice. The outbox payload names the environment variable
holding the Apprise URL, never the URL: it is read at send time (responders.outbox.notify).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.scoring import SEVERITIES
from monitor.settings import AlertRouteSettings, BrandSettings, Settings
from monitor.storage import models as m
from monitor.storage.upsert import insert_for
from responders.alerts.mail import alert_context, render
from responders.outbox.queue import enqueue

log = logging.getLogger(__name__)

NOTIFY_MAX_ATTEMPTS = 20  # back-off capped at an hour (with jitter): tries over 6.5 to 13 hours
MAX_AGE = timedelta(days=1)  # older alerts found unrouted (routes just added) are not sent
DEFAULT_SEVERITY = "high"  # alerts that carry no level of their own (e.g. a gap)
BODY_LIMIT = 3500  # Slack cuts a message at 4000 characters; keep the link inside
_NOTIFY_TYPES = {"critical": "failure", "high": "warning"}


def severity_of(alert: m.Alert) -> str:
    """The alert's severity for routing: its level, else DEFAULT_SEVERITY."""
    return alert.level if alert.level in SEVERITIES else DEFAULT_SEVERITY


def route_wants(route: AlertRouteSettings, brand: str, kind: str, severity: str) -> bool:
    """Whether a route takes an alert of this brand, kind and severity (digest only if named)."""
    if route.brands and brand not in route.brands:
        return False
    if route.kinds and kind not in route.kinds:
        return False
    if kind == "digest":
        return "digest" in route.kinds  # a daily summary is opt-in, whatever its severity
    return SEVERITIES.index(severity) >= SEVERITIES.index(route.min_severity)


def notify_type_for(severity: str) -> str:
    """The Apprise notification type (its colour and icon in chat) for a severity."""
    return _NOTIFY_TYPES.get(severity, "info")


def chat_body(text: str, link: str) -> str:
    """The alert's plain-text mail, cut to fit a chat message, the link kept at the end."""
    body = text.split("\n--\n", 1)[0].strip()  # the mail's sign-off means nothing in chat
    if len(body) <= BODY_LIMIT:
        return body
    return body[: BODY_LIMIT - len(link) - 3].rstrip() + "…\n" + link


def notify_payload(
    route: AlertRouteSettings, title: str, body: str, severity: str, **about: Any
) -> dict[str, Any]:
    """What a `notify` item carries: the route's variable name (not its URL) and the message."""
    return {
        "url_env": route.url_env,
        "title": title,
        "body": body,
        "notify_type": notify_type_for(severity),
        "severity": severity,
        **about,
    }


def _routed(session: Session, alert_id: int, outbox_ids: list[int], note: str = "") -> None:
    stmt = insert_for(session, m.AlertRouting).values(
        alert_id=alert_id, outbox_ids=outbox_ids, note=note
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["alert_id"]))


def route_alert(session: Session, settings: Settings, alert: m.Alert, now: datetime) -> list[int]:
    """Queue one alert on every matching route and record it as routed; the outbox ids."""
    if now - alert.created_at > MAX_AGE:
        _routed(session, alert.id, [], "older than a day when first seen by the routes; not sent")
        return []
    severity = severity_of(alert)
    wants = (alert.brand, alert.kind, severity)
    routes = [r for r in settings.alerts.routes if route_wants(r, *wants)]
    ids: list[int] = []
    if routes:
        context = alert_context(session, settings, alert)
        body = chat_body(render(settings.templates_dir, "alert", context)[0], context["link"])
        for route in routes:
            payload = notify_payload(
                route, context["subject"], body, severity,
                brand=alert.brand, kind=alert.kind, alert_id=alert.id, link=context["link"],
            )  # fmt: skip
            key = f"notify:{alert.id}:{route.url_env}"
            ids.append(enqueue(session, "notify", key, payload, NOTIFY_MAX_ATTEMPTS, now))
    _routed(session, alert.id, ids)
    return ids


def route_pending(
    session: Session, settings: Settings, now: datetime, limit: int = 200
) -> list[int]:
    """Route every alert not routed yet (oldest first, at most `limit`); the outbox ids queued."""
    if not settings.alerts.routes:
        return []  # nothing recorded: routes added later still see today's alerts
    query = (
        select(m.Alert)
        .outerjoin(m.AlertRouting, m.AlertRouting.alert_id == m.Alert.id)
        .where(m.AlertRouting.alert_id.is_(None))
        .order_by(m.Alert.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=m.Alert, skip_locked=True)
    ids: list[int] = []
    for alert in session.scalars(query).all():
        ids += route_alert(session, settings, alert, now)
    return ids


def route_alerts(settings: Settings, factory: sessionmaker[Session], now: datetime) -> list[int]:
    """Route pending alerts to the chat routes in one transaction; the outbox ids queued."""
    with factory() as session, session.begin():
        return route_pending(session, settings, now)


def route_digest(
    session: Session,
    settings: Settings,
    brand: BrandSettings,
    key: str,
    subject: str,
    text: str,
    now: datetime,
) -> list[int]:
    """Queue a brand's daily digest on the routes that name the `digest` kind; the outbox ids."""
    link = settings.web.base_url.rstrip("/") + "/"
    ids: list[int] = []
    for route in settings.alerts.routes:
        if route_wants(route, brand.name, "digest", "low"):
            payload = notify_payload(
                route, subject, chat_body(text, link), "low", brand=brand.name, kind="digest",
                link=link,
            )  # fmt: skip
            item_key = f"notify:{key}:{route.url_env}"
            ids.append(enqueue(session, "notify", item_key, payload, NOTIFY_MAX_ATTEMPTS, now))
    return ids
