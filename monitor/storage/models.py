"""The database schema: mentions and their scores, channels, recovery cases, drafts, outbox, users.

One module holds every table so the single Alembic history stays in step with it; each class says
which part of the product owns it. Timestamps are UTC (`UTCDateTime`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from monitor.mention import utcnow
from monitor.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The ten steps of the service-recovery model (DESIGN.md), in order.
RECOVERY_STEPS = (
    "acknowledge",
    "apologize",
    "explore",
    "solve",
    "timing",
    "communicate",
    "follow_up",
    "learn",
    "compensate",
    "document",
)
CASE_STATUSES = ("open", "awaiting_approval", "approved", "responded", "follow_up", "closed")
ROLES = ("viewer", "responder", "approver", "admin")
DRAFT_STATES = ("draft", "pending_approval", "approved", "rejected", "sending", "sent", "failed")
OUTBOX_STATES = ("pending", "sending", "sent", "failed", "dead")

Json = JSON()


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: Json, list[Any]: Json}


# --- monitor: what we heard -------------------------------------------------------------------


class Author(Base):
    """A person or account on a platform; cases are opened per author and brand."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(200), default="")
    followers: Mapped[int] = mapped_column(BigInteger, default=0)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Channel(Base):
    """A configured source for a brand, with its cursor and health record."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # e.g. "acme:reddit:search"
    brand: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(20))
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_poll_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_poll_after: Mapped[datetime | None]  # back-off: no poll before this time
    down_since: Mapped[datetime | None]
    down_alerted_at: Mapped[datetime | None]
    api_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    mentions_ingested: Mapped[int] = mapped_column(BigInteger, default=0)
    # Paid reads (X): spending in the current month, in US cents, and which month it is.
    spend_month: Mapped[str] = mapped_column(String(7), default="")
    spend_cents: Mapped[float] = mapped_column(Float, default=0.0)


class Mention(Base):
    """A stored post: unique per (platform, external_id), with the raw payload kept."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_mentions_brand_created", "brand", "created_at"),
        Index("ix_mentions_author", "author_id"),
        Index("ix_mentions_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(100))
    channel_key: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    author_handle: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_followers: Mapped[int] = mapped_column(BigInteger, default=0)
    likes: Mapped[int] = mapped_column(BigInteger, default=0)
    replies: Mapped[int] = mapped_column(BigInteger, default=0)
    reposts: Mapped[int] = mapped_column(BigInteger, default=0)
    parent_id: Mapped[str] = mapped_column(String(200), default="")
    root_id: Mapped[str] = mapped_column(String(200), default="")
    reply_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    lang: Mapped[str] = mapped_column(String(16), default="")
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Scoring (denormalized: the queue filters and sorts on these).
    sentiment: Mapped[float] = mapped_column(Float, default=0.0)
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str] = mapped_column(String(40), default="other")
    severity: Mapped[str] = mapped_column(String(10), default="none")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    scored_at: Mapped[datetime | None]
    # Engagement refresh: re-read until this time while the mention is open and negative.
    refresh_until: Mapped[datetime | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("recovery_cases.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))


class Quarantine(Base):
    """A payload that could not be ingested, kept with its raw form and the reason."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200))  # channel key or file name
    location: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Incident(Base):
    """A crisis: a spike of negative mentions or one post spreading fast, grouped for one alert."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # "spike" or "viral"
    summary: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- responders: what we do about it ----------------------------------------------------------


class User(Base):
    """A staff member: hashed password, one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Sessions carry the epoch they began in; logging out, a new password or disabling the
    # account moves it on, so a copied cookie stops working at once.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")


class RecoveryCase(Base):
    """One customer's complaint followed through the ten steps of the recovery model."""

    __tablename__ = "recovery_cases"
    __table_args__ = (
        # One open case per author and brand: later mentions attach to it.
        Index(
            "uq_recovery_cases_open_author_brand",
            "author_id",
            "brand",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
        Index("ix_recovery_cases_queue", "status", "severity_rank", "opened_at"),
        # The review queue's default view (responders.cases.review_queue): active cases by
        # severity and age.
        # The trailing columns are the queue's filters, so its capped count is index-only.
        Index(
            "ix_recovery_cases_active_queue",
            "severity_rank",
            "opened_at",
            "id",
            "platform",
            "brand",
            "category",
            "assignee_id",
            sqlite_where=text("status IN ('open', 'awaiting_approval')"),
            postgresql_where=text("status IN ('open', 'awaiting_approval')"),
        ),
        Index("ix_recovery_cases_brand_status", "brand", "status"),
        # The queue's language filter (issue 12/13): a rare language is an index range, not a
        # probe of every active case's first mention.
        Index(
            "ix_recovery_cases_active_lang",
            "lang",
            "severity_rank",
            "opened_at",
            "id",
            sqlite_where=text("status IN ('open', 'awaiting_approval')"),
            postgresql_where=text("status IN ('open', 'awaiting_approval')"),
        ),
        # The case page lists the author's other cases (closed ones too).
        Index("ix_recovery_cases_author", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    # No FK here: mentions.case_id already ties the two tables and a cycle would complicate DDL.
    first_mention_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open")
    severity: Mapped[str] = mapped_column(String(10), default="low")
    severity_rank: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(40), default="other")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the complaint was posted
    sla_due_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_due_at: Mapped[datetime | None]
    root_cause: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(40), default="")
    closed_at: Mapped[datetime | None]
    complaint_sentiment: Mapped[float] = mapped_column(Float, default=0.0)
    later_sentiment: Mapped[float | None] = mapped_column(Float)
    win_back: Mapped[float | None] = mapped_column(Float)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The first mention's language (mentions.lang), copied when the case opens so the queue
    # filters on it like on platform or category; "" for a case opened before detection ran.
    lang: Mapped[str] = mapped_column(String(16), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class CaseEvent(Base):
    """One entry of a case's history: a recovery step or another action, stamped with who/when."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recovery_cases.id"))
    step: Mapped[str] = mapped_column(String(20), default="")  # one of RECOVERY_STEPS, or ""
    kind: Mapped[str] = mapped_column(String(40))  # "opened", "step", "draft", "sent", "note"...
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[RecoveryCase] = relationship(back_populates="events")


class ReplyDraft(Base):
    """A reply written from a template, edited, submitted, approved or rejected, then sent."""

    __tablename__ = "reply_drafts"
    __table_args__ = (Index("ix_reply_drafts_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recovery_cases.id"))
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"))  # the post answered
    template: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(20), default="public")  # public, dm, manual
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_id: Mapped[str] = mapped_column(String(200), default="")
    published_url: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OutboxItem(Base):
    """Something to send (a reply or an e-mail), claimed by one worker at a time, sent once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "reply" or "email"
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=6)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_owner: Mapped[str] = mapped_column(String(100), default="")
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Alert(Base):
    """An alert decided once (per case and level, per spike, per channel outage), then e-mailed."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # severity, spike, viral, channel_down, digest
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(10), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("recovery_cases.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), default="new")  # new, held, queued
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


class Compensation(Base):
    """The compensation ledger: what was given, its value, who approved it."""

    __tablename__ = "compensations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recovery_cases.id"))
    what: Mapped[str] = mapped_column(Text)
    value_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RootCause(Base):
    """A root cause a brand may pick when closing a case (the list is extendable)."""

    __tablename__ = "root_causes"
    __table_args__ = (UniqueConstraint("brand", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditEntry(Base):
    """Who did what, when: every state-changing action by staff or by the system."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(80), default="system")
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Lease(Base):
    """A named claim held by one worker until it expires (poll jobs, digests, spike checks)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100), default="")
    until: Mapped[datetime | None]
    last_done_at: Mapped[datetime | None]


# --- channel gaps (issue 11) ---


class ChannelGap(Base):
    """A stretch a channel could not reach back over: mentions in it may be missing.

    Written with the page that found it (same transaction as the page and cursor); `dedupe_key`
    (a digest of channel, range, count and reason) makes storing the same page again a no-op.
    """

    __tablename__ = "channel_gaps"
    __table_args__ = (Index("ix_channel_gaps_channel_detected", "channel", "detected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(200))  # the channel key
    since: Mapped[datetime | None]  # the newest time the channel knew it had
    until: Mapped[datetime | None]  # the oldest time the poll reached back to
    missing: Mapped[int | None] = mapped_column(BigInteger)  # how many may be missing, if known
    reason: Mapped[str] = mapped_column(Text, default="")
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)


# --- health and metrics (issue 15) --------------------------------------------------------------


class PollStats(Base):
    """Running totals of one channel's poll jobs, for /metrics: runs, failures, time, flagged."""

    __tablename__ = "poll_stats"

    channel_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    brand: Mapped[str] = mapped_column(String(100), default="")
    runs: Mapped[int] = mapped_column(BigInteger, default=0)
    failures: Mapped[int] = mapped_column(BigInteger, default=0)
    seconds_total: Mapped[float] = mapped_column(Float, default=0.0)
    last_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    mentions_flagged: Mapped[int] = mapped_column(BigInteger, default=0)
    last_run_at: Mapped[datetime | None]


# --- chat routes and outgoing webhooks (issue 15) ---------------------------------------------


class AlertRouting(Base):
    """That an alert was handed to the chat routes once (its `notify` outbox ids, maybe none)."""

    __tablename__ = "alert_routings"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), primary_key=True)
    outbox_ids: Mapped[list[int]] = mapped_column(Json, default=list)
    note: Mapped[str] = mapped_column(String(200), default="")
    routed_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookEndpoint(Base):
    """An admin-registered receiver of signed event posts; `secret` signs them (kept readable)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    event_types: Mapped[list[str]] = mapped_column(Json, default=list)
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint: its outbox item (state, attempts, error) and the last answer."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(40))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    response_code: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- API tokens (issue 15, item 2) -------------------------------------------------------------


class ApiToken(Base):
    """A personal API token: only its SHA-256 is kept; it acts with its user's current role."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # sha256 hex of the whole token: the token is 256 random bits, so no salt or slow hash.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(20))  # shown in lists: "mg_AbC123"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


# --- case ownership notices (issue 13) ---


class StaffNotice(Base):
    """A message for one staff member, shown once on their next page (e.g. a case taken over)."""

    __tablename__ = "staff_notices"
    __table_args__ = (Index("ix_staff_notices_user_unseen", "user_id", "seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(200), default="")  # a path inside the app
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]


# --- staff labels and learned models (issue 12) -------------------------------------------------

LABEL_VALUES = ("complaint", "not_complaint")
# Why staff said a flagged post is not a complaint; "missed" marks a complaint the flag missed.
LABEL_REASONS = (
    "not_negative",
    "not_about_us",
    "spam_or_bot",
    "handled_elsewhere",
    "missed",
    "confirmed",
)


class MentionLabel(Base):
    """A staff verdict on one mention (complaint or not, and why); undone labels keep their row."""

    __tablename__ = "mention_labels"
    __table_args__ = (
        Index("ix_mention_labels_mention", "mention_id"),
        Index("ix_mention_labels_brand_created", "brand", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"))
    brand: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(20))  # one of LABEL_VALUES
    reason: Mapped[str] = mapped_column(String(40), default="")  # one of LABEL_REASONS
    note: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("recovery_cases.id"))
    # Whether the flag had raised this mention when staff judged it (for precision and misses).
    was_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Reversible: undoing a label stamps it rather than deleting it, so the audit stays whole.
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ModelVersion(Base):
    """One trained flag model for a brand, with its held-back figures; at most one is active."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("brand", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    # "candidate" (trained, not yet judged), "active", "rejected" (did worse), "retired".
    status: Mapped[str] = mapped_column(String(20), default="candidate")
    model: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the JSON model, never a pickle
    labels_used: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)  # held-back figures
    baseline_metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)  # current, same slice
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- the Mentions page (issue 12, staff feedback) -----------------------------------------------

# Every stored mention newest first, in keyset pages (responders.cases.mention_search): without
# it each page of an unfiltered search sorts the whole table.
Index("ix_mentions_created_id", Mention.created_at, Mention.id)
# --- who has a case page open (issue 13, collision detection) ----------------------------------


class CaseViewer(Base):
    """A staff member with a case page open: the page's polling refreshes `last_seen`.

    One row per case and person, rewritten by each heartbeat; a row older than the viewing
    window means the page was closed (or hidden), and its next heartbeat starts a new visit.
    A table, not process memory, because `makegood serve` runs several worker processes.
    """

    __tablename__ = "case_viewers"

    case_id: Mapped[int] = mapped_column(ForeignKey("recovery_cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)  # this visit's start
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
