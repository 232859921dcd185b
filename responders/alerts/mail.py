"""Alert e-mails: turn recorded `alerts` rows into outbox e-mails, with quiet hours and a cap.

The pipeline and the spike watch decide *that* something deserves an alert (one row per case and
level, incident or outage, deduplicated). This module decides *when* it is mailed: outside quiet
hours and within the brand's hourly cap, else the alert is `held` and summarised in the next
message that goes out. Each message is an outbox item keyed by the alert's dedupe key, so running
this twice (or on two workers) queues it once, and a failed SMTP send is retried by the outbox.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor import bundle
from monitor.mention import utcnow
from monitor.settings import BrandSettings, Settings
from monitor.storage import models as m
from responders.outbox.queue import enqueue
from responders.replies.links import safe_url
from responders.results import Result

log = logging.getLogger(__name__)

BUNDLED_TEMPLATES = bundle.templates()  # alert mail a staff folder lacks comes from here
ALERT_TEMPLATES = ("alert", "digest")
EMAIL_MAX_ATTEMPTS = 20  # with back-off capped at an hour: an SMTP outage of ~14 h loses nothing
PENDING = ("new", "held")


@dataclass
class AlertRun:
    """What one pass of the alert job did, per brand."""

    queued: list[int] = field(default_factory=list)  # alert ids mailed (in a message of their own)
    summarised: list[int] = field(default_factory=list)  # held alert ids folded into a message
    held: list[int] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)  # outbox item ids


# --- pure helpers --------------------------------------------------------------------------------


def in_quiet_hours(spec: str, timezone: str, now: datetime) -> bool:
    """Whether `now` falls in quiet hours "HH:MM-HH:MM" (local to `timezone`; may span midnight)."""
    if not spec:
        return False
    start_s, end_s = spec.split("-")
    start, end = (time(int(p.split(":")[0]) % 24, int(p.split(":")[1])) for p in (start_s, end_s))
    local = now.astimezone(ZoneInfo(timezone)).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def recipients_for(settings: Settings, brand: str) -> list[str]:
    """The brand's own alert recipients, else the global ones."""
    try:
        own = settings.brand(brand).alert_recipients
    except KeyError:
        own = []
    return list(own or settings.alerts.recipients)


def addressees(session: Session, alert: m.Alert) -> list[str]:
    """Who an alert goes to instead of the team: an SLA warning's assignee (if they have an
    e-mail address); [] means the team."""
    if alert.kind != "sla_warning" or not alert.case_id:
        return []
    case = session.get(m.RecoveryCase, alert.case_id)
    user = session.get(m.User, case.assignee_id) if case and case.assignee_id else None
    return [user.email] if user and user.active and user.email else []


def message_id(key: str, sender: str) -> str:
    """A stable Message-ID for an alert, so a resend after a crash is recognisably the same mail."""
    domain = sender.rpartition("@")[2] or "makegood.invalid"
    slug = re.sub(r"[^A-Za-z0-9.-]+", ".", key).strip(".")[:60]
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"<makegood.{slug}.{digest}@{domain}>"


def one_line(text: str, limit: int = 120) -> str:
    """Untrusted text made safe for a header: no line breaks, bounded length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@lru_cache(maxsize=8)
def _environment(templates_dir: str) -> SandboxedEnvironment:
    # Staff may edit these templates: sandboxed, and HTML autoescaped (post text is untrusted).
    folders = [str(Path(templates_dir)), str(BUNDLED_TEMPLATES)]
    env = SandboxedEnvironment(
        loader=FileSystemLoader(folders),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    # Autoescape stops a break-out of href="", not a javascript: or data: link.
    env.filters["safe_url"] = safe_url
    return env


def missing_alert_templates(templates_dir: str) -> list[str]:
    """The alert mail templates found neither in `templates_dir` nor in the bundled folder."""
    env = _environment(templates_dir)
    missing = []
    for name in ALERT_TEMPLATES:
        for suffix in ("txt", "html"):
            try:
                env.get_template(f"alerts/{name}.{suffix}.j2")
            except TemplateNotFound:
                missing.append(f"{templates_dir}: no alerts/{name}.{suffix}.j2")
    return missing


def render(templates_dir: str, name: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render templates/alerts/{name}.txt.j2 and .html.j2: (plain text, HTML)."""
    env = _environment(templates_dir)
    text = env.get_template(f"alerts/{name}.txt.j2").render(context)
    html = env.get_template(f"alerts/{name}.html.j2").render(context)
    return text, html


# --- building a message --------------------------------------------------------------------------


def subject_of(session: Session, alert: m.Alert) -> str:
    """A one-line subject for an alert (author text is flattened, never trusted as a header)."""
    if alert.subject:
        return one_line(alert.subject, 200)
    if alert.kind == "severity" and alert.case_id:
        case = session.get(m.RecoveryCase, alert.case_id)
        mention = session.get(m.Mention, case.first_mention_id) if case else None
        who = f" from @{one_line(mention.author_handle, 40)}" if mention else ""
        where = f" on {case.platform}" if case else ""
        return f"[{alert.brand}] {alert.level.upper()} complaint{who}{where}"
    if alert.kind in ("spike", "viral") and alert.incident_id:
        incident = session.get(m.Incident, alert.incident_id)
        what = "Spike of negative mentions" if alert.kind == "spike" else "A post is spreading fast"
        return f"[{alert.brand}] CRISIS: {what}" + (f" (#{incident.id})" if incident else "")
    if alert.kind == "channel_down":
        return f"[{alert.brand}] Channel down: {alert.data.get('channel', '')}"
    if alert.kind == "gap":
        return f"[{alert.brand}] Mentions may be missing: {alert.data.get('channel', '')}"
    if alert.kind == "sla_warning" and alert.case_id:
        return f"[{alert.brand}] SLA about to breach: case #{alert.case_id}"
    return f"[{alert.brand}] {alert.kind} alert"


def link_for(settings: Settings, alert: m.Alert) -> str:
    """Where the alert is handled in the web app."""
    base = settings.web.base_url.rstrip("/")
    if alert.case_id:
        return f"{base}/cases/{alert.case_id}"
    if alert.incident_id:
        return f"{base}/incidents/{alert.incident_id}"
    if alert.kind == "gap":
        return f"{base}/channels"
    return f"{base}/"


def _mention_dict(mention: m.Mention | None) -> dict[str, Any]:
    if mention is None:
        return {"author": "", "text": "", "url": "", "platform": "", "created_at": ""}
    return {
        "author": mention.author_handle,
        "text": mention.text,
        "url": mention.url,
        "platform": mention.platform,
        "created_at": mention.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "reasons": list(mention.reasons or []),
    }


def alert_context(session: Session, settings: Settings, alert: m.Alert) -> dict[str, Any]:
    """Everything the alert templates show about one alert."""
    context: dict[str, Any] = {
        "kind": alert.kind,
        "brand": alert.brand,
        "subject": subject_of(session, alert),
        "link": link_for(settings, alert),
        "data": dict(alert.data or {}),
        "case": {},
        "mention": _mention_dict(None),
        "incident": {},
        "samples": [],
        "reasons": [],
        "held": [],
    }
    if alert.case_id:
        case = session.get(m.RecoveryCase, alert.case_id)
        if case is not None:
            mention = session.get(m.Mention, case.first_mention_id)
            context["case"] = {
                "id": case.id,
                "severity": case.severity,
                "platform": case.platform,
                "category": case.category,
                "sla_due_at": case.sla_due_at.strftime("%Y-%m-%d %H:%M UTC")
                if case.sla_due_at
                else "",
            }
            context["mention"] = _mention_dict(mention)
            context["reasons"] = list(mention.reasons or []) if mention else []
    if alert.incident_id:
        incident = session.get(m.Incident, alert.incident_id)
        if incident is not None:
            context["incident"] = {"id": incident.id, "summary": incident.summary}
            context["reasons"] = list((incident.data or {}).get("reasons", []))
            samples = session.scalars(
                select(m.Mention)
                .where(m.Mention.incident_id == incident.id)
                .order_by(m.Mention.sentiment, m.Mention.id)
                .limit(5)
            ).all()
            context["samples"] = [_mention_dict(x) for x in samples]
    return context


# --- the job -------------------------------------------------------------------------------------


def _sent_last_hour(session: Session, brand: str, now: datetime) -> int:
    """Alert messages already queued for the brand in the past hour (the cap counts messages)."""
    return int(
        session.scalar(
            select(func.count(func.distinct(m.Alert.outbox_id)))
            .join(m.OutboxItem, m.OutboxItem.id == m.Alert.outbox_id)
            .where(m.Alert.brand == brand, m.OutboxItem.created_at > now - timedelta(hours=1))
        )
        or 0
    )


def _enqueue_message(
    session: Session,
    settings: Settings,
    key: str,
    context: dict[str, Any],
    recipients: list[str],
    alert_ids: list[int],
    now: datetime,
) -> int:
    text, html = render(settings.templates_dir, "alert", context)
    payload = email_payload(settings, key, recipients, context["subject"], text, html)
    payload |= {"brand": context["brand"], "alert_ids": alert_ids}
    return enqueue(session, "email", key, payload, max_attempts=EMAIL_MAX_ATTEMPTS, now=now)


def email_payload(
    settings: Settings, key: str, recipients: list[str], subject: str, text: str, html: str
) -> dict[str, Any]:
    """The outbox payload of one e-mail; its Message-ID derives from the idempotency `key`."""
    return {
        "to": recipients,
        "subject": subject,
        "text": text,
        "html": html,
        "message_id": message_id(key, settings.smtp.sender),
    }


def queue_brand_alerts(
    session: Session, settings: Settings, brand: BrandSettings, now: datetime
) -> AlertRun:
    """Queue, hold or summarise the brand's pending alerts (run inside one transaction)."""
    run = AlertRun()
    query = (
        select(m.Alert)
        .where(m.Alert.brand == brand.name, m.Alert.state.in_(PENDING))
        .order_by(m.Alert.created_at, m.Alert.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    pending = list(session.scalars(query).all())
    if not pending:
        return run
    recipients = recipients_for(settings, brand.name)
    # An SLA warning for an assignee needs no team list; every other alert waits for one.
    personal = {a.id: addressees(session, a) for a in pending if a.state == "new"}
    if not recipients and not any(personal.values()):
        log.warning("brand %s has %d alerts but no recipients configured", brand.name, len(pending))
        return run
    cfg = settings.alerts
    quiet = in_quiet_hours(cfg.quiet_hours, cfg.timezone, now)
    budget = 0 if quiet else max(cfg.max_per_hour - _sent_last_hour(session, brand.name, now), 0)
    held = [a for a in pending if a.state == "held"]
    for alert in (a for a in pending if a.state == "new"):
        own = personal[alert.id]
        if not (own or recipients):
            continue  # stays new until the brand has alert recipients
        if budget <= 0:
            alert.state = "held"
            run.held.append(alert.id)
            continue
        context = alert_context(session, settings, alert)
        # A message to one person (an SLA warning's assignee) carries no held team alerts.
        carried = [] if own else held
        context["held"] = [_held_line(session, settings, h) for h in carried]
        ids = [alert.id] + [h.id for h in carried]
        outbox_id = _enqueue_message(
            session, settings, alert.dedupe_key, context, own or recipients, ids, now
        )
        _mark_queued(alert, outbox_id, run.queued)
        for h in carried:
            _mark_queued(h, outbox_id, run.summarised)
        if not own:
            held = []
        run.messages.append(outbox_id)
        budget -= 1
    if held and budget > 0 and recipients:
        # Nothing new to carry them: one summary message of what was held.
        context = {
            "kind": "summary",
            "brand": brand.name,
            "subject": f"[{brand.name}] {len(held)} alerts held during quiet hours",
            "link": settings.web.base_url.rstrip("/") + "/",
            "data": {},
            "held": [_held_line(session, settings, h) for h in held],
            "reasons": [],
            "samples": [],
        }
        key = f"held:{brand.name}:{held[0].id}-{held[-1].id}"
        outbox_id = _enqueue_message(
            session, settings, key, context, recipients, [h.id for h in held], now
        )
        for h in held:
            _mark_queued(h, outbox_id, run.summarised)
        run.messages.append(outbox_id)
    return run


def _held_line(session: Session, settings: Settings, alert: m.Alert) -> dict[str, str]:
    return {"subject": subject_of(session, alert), "link": link_for(settings, alert)}


def _mark_queued(alert: m.Alert, outbox_id: int, into: list[int]) -> None:
    alert.state = "queued"
    alert.outbox_id = outbox_id
    into.append(alert.id)


def queue_alerts(settings: Settings, factory: sessionmaker[Session], now: datetime) -> AlertRun:
    """Queue every brand's pending alerts as e-mails; each brand in its own transaction."""
    total = AlertRun()
    for brand in settings.brands:
        with factory() as session, session.begin():
            run = queue_brand_alerts(session, settings, brand, now)
        total.queued += run.queued
        total.summarised += run.summarised
        total.held += run.held
        total.messages += run.messages
    return total


def resolve_incident(session: Session, incident_id: int, user: m.User) -> Result[m.Incident]:
    """Close an open incident (responder role or above), audited; a new spike may open another."""
    from responders.cases.actions import can  # cases imports the outbox: keep this module light
    from responders.staff.audit import audit

    incident = session.get(m.Incident, incident_id)
    if incident is None:
        return Result.failure(f"incident {incident_id} does not exist")
    if not can(user, "responder"):
        return Result.failure(
            f"your role ({user.role}) may not resolve incidents; it needs responder"
        )
    if incident.resolved_at is not None:
        return Result.failure(f"incident {incident_id} was already resolved")
    incident.resolved_at = utcnow()
    incident.resolved_by = user.id
    audit(session, user, "incident_resolved", f"incident:{incident_id}", kind=incident.kind)
    return Result.success(incident)
