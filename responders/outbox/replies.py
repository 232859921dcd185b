"""Exactly-once publishing of approved replies: the outbox sender for kind "reply".

The worker claims the outbox item (committed), then publishes and records the result in one
transaction. If that transaction never commits (the worker died, the platform answered too late),
the item comes back with attempts > 1 and the sender first looks for the reply on the platform
(`find_existing`) and records it instead of posting again. A request whose outcome is unknown
is never resent blind; when the platform cannot even be asked, the item waits and asks again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases.lifecycle import on_reply_published, on_send_failed
from responders.outbox.dispatch import SendOutcome
from responders.outbox.queue import hold, take_over_for_manual
from responders.publishers import (
    OutgoingReply,
    Publisher,
    PublishResult,
    build_publisher,
    platform_for,
)
from responders.publishers.manual import parse_pasted_url
from responders.results import Result
from responders.staff.access import CONFLICT, can
from responders.staff.audit import audit

log = logging.getLogger(__name__)


def outgoing_reply(draft: m.ReplyDraft, mention: m.Mention, key: str = "") -> OutgoingReply:
    """The publisher's view of a draft: its text and the post it answers."""
    return OutgoingReply(
        platform=mention.platform,
        parent_id=mention.external_id,
        text=draft.body,
        key=key,
        root_id=mention.root_id,
        parent_url=mention.url,
        parent_author=mention.author_handle,
        reply_allowed=mention.reply_allowed,
        channel=draft.channel,
        parent_raw=dict(mention.raw or {}),
    )


# One publisher per platform and configuration, kept for the worker's life: it reuses its login
# (Bluesky limits createSession hard; Reddit tokens last an hour) and its connections.
_PUBLISHERS: dict[tuple[str, tuple[tuple[str, str], ...]], Publisher] = {}


def publisher_for(
    draft: m.ReplyDraft, mention: m.Mention, env: Mapping[str, str] | None = None
) -> Publisher:
    """The publisher that answers this draft (credentials and base URLs from the environment)."""
    channel = "manual" if draft.channel in ("manual", "dm") else draft.channel
    platform = platform_for(mention.platform, channel)
    env = os.environ if env is None else env
    config = tuple(sorted((k, v) for k, v in env.items() if k.startswith("MAKEGOOD_")))
    key = (platform, config)
    if key not in _PUBLISHERS:
        _PUBLISHERS[key] = build_publisher(platform, env)
    return _PUBLISHERS[key]


def _outcome(result: PublishResult, note: str = "") -> SendOutcome:
    return SendOutcome(
        ok=True, result={"post_id": result.post_id, "url": result.url, "note": note or result.note}
    )


def send_reply(settings: Settings, session: Session, item: m.OutboxItem) -> SendOutcome:
    """Publish the approved draft of `item` once, reconciling first on any retry."""
    draft = session.get(m.ReplyDraft, int(item.payload.get("draft_id", 0)))
    if draft is None:
        return SendOutcome(ok=False, error="the draft no longer exists", permanent=True)
    if draft.state == "sent":  # recorded already (e.g. posted by hand and the link pasted)
        return SendOutcome(ok=True, result={"post_id": draft.published_id, "already": True})
    if draft.state not in ("approved", "sending"):
        return SendOutcome(ok=False, error=f"the draft is {draft.state}", permanent=True)
    mention = session.get(m.Mention, draft.mention_id)
    if mention is None:
        return SendOutcome(ok=False, error="the post answered is gone", permanent=True)
    closed = session.get(m.RecoveryCase, draft.case_id)
    if closed is not None and closed.status == "closed":
        error = "the case was closed before the reply went out; reopen it and approve again"
        on_send_failed(session, closed, draft, error, True, item.attempts, utcnow())
        return SendOutcome(ok=False, error=error, permanent=True)
    reply = outgoing_reply(draft, mention, item.idempotency_key)
    publisher = publisher_for(draft, mention)
    worker = item.lease_owner
    # No writes before the network calls: on SQLite a write would hold the lock while we wait.
    result: PublishResult | None = None
    note = ""
    if item.attempts > 1 or item.result.get("unknown"):
        try:
            result = publisher.find_existing(reply)
        except Exception as exc:  # cannot tell whether it is out: never resend blind
            log.warning("reconciling outbox item %s failed: %s", item.id, exc)
            result = PublishResult.failed(
                "could not check whether an earlier attempt already posted the reply"
                f" ({type(exc).__name__}: {exc}); will check again before any resend",
                unknown=True,
            )
        if result is not None and result.ok:
            note = "found on the platform after an interrupted attempt; not posted again"
    if result is None:
        result = publisher.publish(reply)
    now = utcnow()
    # First write after the network call: the guarded re-check locks the item, so a reply
    # recorded by hand meanwhile is seen here, not overwritten.
    if not hold(session, item.id, worker, now):
        return _lost_claim(session, item, draft, result)
    case = session.get(m.RecoveryCase, draft.case_id, populate_existing=True)
    assert case is not None  # drafts reference their case by a foreign key
    session.refresh(draft)
    if result.ok:
        on_reply_published(
            session, case, draft, settings.find_brand(case.brand), result.post_id, result.url,
            note=note or result.note, now=now,
        )  # fmt: skip
        return _outcome(result, note)
    final = result.permanent or item.attempts >= item.max_attempts
    on_send_failed(session, case, draft, result.error, final, item.attempts, now)
    if result.unknown:
        item.result = {**item.result, "unknown": True}
    return SendOutcome(
        ok=False, error=result.error, retry_after=result.retry_after, permanent=result.permanent
    )


def _lost_claim(
    session: Session, item: m.OutboxItem, draft: m.ReplyDraft, result: PublishResult
) -> SendOutcome:
    """The item was taken while we published: keep a record of our post so nobody loses it."""
    session.refresh(item)
    if not result.ok:
        return SendOutcome(ok=False, error="taken over while sending", lost=True)
    by_hand = bool(item.result.get("manual"))
    log.error(
        "outbox item %s: posted %s, but the item was %s meanwhile",
        item.id, result.post_id, "recorded as posted by hand" if by_hand else "taken over",
    )  # fmt: skip
    if by_hand:
        # An event without touching the case row: it cannot conflict with the hand record.
        note = (
            f"the worker also posted this reply ({result.url or result.post_id}) while it was being"
            " recorded as posted by hand; the customer may see it twice, delete one of them"
        )
        session.add(
            m.CaseEvent(
                case_id=draft.case_id, kind="sent_twice", note=note, at=utcnow(),
                data={"draft_id": draft.id, "post_id": result.post_id, "url": result.url},
            )
        )  # fmt: skip
        audit(
            session, None, "reply.sent_twice", f"case:{draft.case_id}",
            draft_id=draft.id, post_id=result.post_id, url=result.url,
        )  # fmt: skip
    return SendOutcome(ok=False, error="taken over while sending", lost=True)


def record_manual_reply(
    session: Session,
    case: m.RecoveryCase,
    draft: m.ReplyDraft,
    user: m.User,
    url: str,
    settings: Settings | None = None,
) -> Result[m.ReplyDraft]:
    """Record a reply that staff posted by hand: its pasted link, and no automatic send after."""
    if not can(user, "responder"):
        return Result.failure(f"your role ({user.role}) may not do this; it needs responder")
    if draft.case_id != case.id:
        return Result.failure("this draft belongs to another case")
    if draft.state not in ("approved", "sending", "failed"):
        return Result.failure(
            f"only an approved reply can be recorded as posted (this one is {draft.state})",
            conflict=draft.state == "sent",
        )
    parsed = parse_pasted_url(url, case.platform)
    if not parsed.ok or parsed.value is None:
        return Result.failure(parsed.error)
    post_id, clean = parsed.value
    now = utcnow()
    # Stop the outbox from posting it as well, but only if no worker is sending it right now.
    taken = take_over_for_manual(
        session, f"reply:{draft.id}", {"post_id": post_id, "url": clean, "manual": True}, now
    )
    if taken is False:
        return Result.failure(
            "the reply is being sent right now (or was just sent); reload in a minute to see"
            " whether it is out before recording it by hand",
            conflict=True,
        )
    brand = settings.find_brand(case.brand) if settings else None
    try:
        on_reply_published(
            session, case, draft, brand, post_id, clean, user, note="posted by hand", now=now
        )
        session.flush()
    except StaleDataError:  # the case or draft changed since the page was read
        session.rollback()
        return Result.failure(CONFLICT, conflict=True)
    return Result.success(draft)
