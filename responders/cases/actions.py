"""Recovery-case actions for staff: claim, steps, drafts, approval; stamped, audited, race-safe.

Every action checks the case's `version` (optimistic locking): two people acting on the same case
at once, one wins and the other gets a conflict result, nothing overwritten. Roles are enforced
here, on the server, whatever the page showed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from monitor.events import case_data, emit
from monitor.mention import utcnow
from monitor.storage import models as m
from responders.outbox.queue import enqueue
from responders.results import Result
from responders.staff.access import CONFLICT, can, check_allowed
from responders.staff.audit import audit

CLOSED = "this case is closed; reopen it first"


def _refuse_if_closed(case: m.RecoveryCase) -> Result[Any] | None:
    # A closed case keeps its outcome and closing time; a reply would leave it half-closed.
    return Result.failure(CLOSED, conflict=True) if case.status == "closed" else None


def flush_or_conflict(session: Session) -> Result[Any] | None:
    """Flush now so a concurrent change surfaces as a conflict result, not an exception."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        return Result.failure(CONFLICT, conflict=True)
    return None


def add_event(
    session: Session,
    case: m.RecoveryCase,
    kind: str,
    user: m.User | None,
    step: str = "",
    note: str = "",
    at: datetime | None = None,
    **data: Any,
) -> m.CaseEvent:
    """Stamp an event on a case's history and bump its version."""
    event = m.CaseEvent(
        case_id=case.id,
        kind=kind,
        step=step,
        user_id=user.id if user else None,
        note=note,
        at=at or utcnow(),
        data=data,
    )
    session.add(event)
    case.updated_at = utcnow()
    return event


def claim(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    expected_version: int | None,
    assignee: m.User | None = None,
) -> Result[m.RecoveryCase]:
    """Claim a case, or (approvers) assign it: two people must not answer one customer."""
    target = assignee or user
    needed = "responder" if target.id == user.id else "approver"
    if problem := check_allowed(case, user, needed, expected_version):
        return problem
    if not can(target, "responder"):
        # Same rule as the assignee drop-down: someone who cannot answer must not hold the case.
        return Result.failure(
            f"{target.username} cannot be assigned a case: only active responders, approvers"
            f" and admins can (their role is {target.role}"
            f"{'' if target.active else ', and the account is disabled'})"
        )
    if (
        case.assignee_id not in (None, target.id)
        and target.id == user.id
        and not can(user, "approver")
    ):
        return Result.failure("this case is already claimed by someone else", conflict=True)
    case.assignee_id = target.id
    add_event(session, case, "assigned", user, note=target.username, assignee_id=target.id)
    audit(session, user, "case.assign", f"case:{case.id}", assignee=target.username)
    return flush_or_conflict(session) or Result.success(case)


def record_step(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    step: str,
    note: str = "",
    expected_version: int | None = None,
) -> Result[m.CaseEvent]:
    """Mark one of the ten recovery steps done, with who and when."""
    if step not in m.RECOVERY_STEPS:
        return Result.failure(f"unknown step {step!r}; steps: {', '.join(m.RECOVERY_STEPS)}")
    if problem := check_allowed(case, user, "responder", expected_version):
        return problem
    event = add_event(session, case, "step", user, step=step, note=note)
    audit(session, user, "case.step", f"case:{case.id}", step=step)
    emit(session, "case.step", case_data(case, step=step, note=note, by=user.username))
    return flush_or_conflict(session) or Result.success(event)


def save_draft(
    session: Session,
    case: m.RecoveryCase,
    mention: m.Mention,
    user: m.User,
    template: str,
    body: str,
    channel: str = "public",
    submit: bool = False,
    expected_version: int | None = None,
) -> Result[m.ReplyDraft]:
    """Save a reply draft for the case (and optionally submit it for approval)."""
    if problem := check_allowed(case, user, "responder", expected_version) or _refuse_if_closed(
        case
    ):
        return problem
    if not body.strip():
        return Result.failure("the reply is empty")
    if channel == "public" and not mention.reply_allowed:
        return Result.failure(
            "a public reply is not allowed on this post (the author did not address the brand);"
            " choose outreach by direct message or a manual reply"
        )
    draft = m.ReplyDraft(
        case_id=case.id,
        mention_id=mention.id,
        template=template,
        channel=channel,
        body=body,
        state="pending_approval" if submit else "draft",
        author_user_id=user.id,
    )
    session.add(draft)
    if submit:
        case.status = "awaiting_approval"
    if problem := flush_or_conflict(session):
        return problem
    add_event(session, case, "draft", user, note=template, draft_id=draft.id, submitted=submit)
    audit(session, user, "draft.save", f"case:{case.id}", draft_id=draft.id, submitted=submit)
    return flush_or_conflict(session) or Result.success(draft)


def approve_draft(
    session: Session,
    case: m.RecoveryCase,
    draft: m.ReplyDraft,
    user: m.User,
    two_person_rule: bool = False,
    expected_version: int | None = None,
) -> Result[m.ReplyDraft]:
    """Approve a draft: it goes to the outbox and is published once by the worker."""
    if problem := check_allowed(case, user, "approver", expected_version) or _refuse_if_closed(
        case
    ):
        return problem
    if draft.state not in ("draft", "pending_approval"):
        return Result.failure(f"this draft is already {draft.state}", conflict=True)
    if two_person_rule and draft.author_user_id == user.id:
        return Result.failure("two-person rule: another approver must approve your own draft")
    draft.state = "approved"
    draft.approved_by = user.id
    case.status = "responded" if draft.channel == "manual" else "approved"
    if problem := flush_or_conflict(session):
        return problem
    if draft.channel != "manual":
        enqueue(session, "reply", f"reply:{draft.id}", {"draft_id": draft.id, "case_id": case.id})
    add_event(session, case, "approved", user, draft_id=draft.id)
    audit(session, user, "draft.approve", f"case:{case.id}", draft_id=draft.id)
    return flush_or_conflict(session) or Result.success(draft)


def reject_draft(
    session: Session,
    case: m.RecoveryCase,
    draft: m.ReplyDraft,
    user: m.User,
    reason: str,
    expected_version: int | None = None,
) -> Result[m.ReplyDraft]:
    """Send a draft back to its author; a reason is required."""
    if problem := check_allowed(case, user, "approver", expected_version):
        return problem
    if not reason.strip():
        return Result.failure("rejecting needs a reason for the author")
    if draft.state not in ("draft", "pending_approval"):
        return Result.failure(f"this draft is already {draft.state}", conflict=True)
    status = _status_after_reject(session, case, draft)  # queried before anything is dirty
    draft.state = "rejected"
    draft.reject_reason = reason.strip()
    case.status = status
    add_event(session, case, "rejected", user, note=reason.strip(), draft_id=draft.id)
    audit(session, user, "draft.reject", f"case:{case.id}", draft_id=draft.id, reason=reason)
    return flush_or_conflict(session) or Result.success(draft)


def _status_after_reject(session: Session, case: m.RecoveryCase, rejected: m.ReplyDraft) -> str:
    """Where a case rests once a draft is sent back: never reopened, never moved backwards."""
    if case.status != "awaiting_approval":
        return case.status  # closed, responded, approved...: a rejected draft changes none of it
    others = set(
        session.scalars(
            select(m.ReplyDraft.state).where(
                m.ReplyDraft.case_id == case.id, m.ReplyDraft.id != rejected.id
            )
        )
    )
    if "pending_approval" in others:
        return "awaiting_approval"
    if others & {"approved", "sending"}:
        return "approved"
    if case.follow_up_due_at is not None and case.follow_up_due_at <= utcnow():
        return "follow_up"
    return "responded" if case.first_response_at is not None else "open"
