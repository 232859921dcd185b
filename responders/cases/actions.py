"""Recovery-case actions for staff: claim, steps, drafts, approval; stamped, audited, race-safe.

Every action checks the case's `version` (optimistic locking): two people acting on the same case
at once, one wins and the other gets a conflict result, nothing overwritten. Roles are enforced
here, on the server, whatever the page showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from monitor.events import case_data, emit
from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cases.ownership import claim_for_author, owner_refusal, supersede_unsent
from responders.outbox.queue import enqueue
from responders.publishers import mode_refusal, reply_modes
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
    if case.assignee_id not in (None, target.id) and target.id == user.id:
        # Approvers too: past an owner only by an explicit, audited take-over.
        return Result.failure(
            "this case is already claimed by someone else; take it over to work on it",
            conflict=True,
        )
    previous = case.assignee_id
    case.assignee_id = target.id
    add_event(session, case, "assigned", user, note=target.username, assignee_id=target.id)
    audit(session, user, "case.assign", f"case:{case.id}", assignee=target.username)
    if problem := flush_or_conflict(session):
        return problem
    if previous not in (None, target.id) and (before := session.get(m.User, previous)):
        from responders.cases.ownership import notify

        notify(session, before, f"{user.username} gave case #{case.id} to {target.username}",
               f"/cases/{case.id}")  # fmt: skip
    return Result.success(case)


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
    env: Mapping[str, str] | None = None,
) -> Result[m.ReplyDraft]:
    """Save a reply draft for the case (and optionally submit it for approval).

    Only the case's owner writes (an unclaimed case becomes the writer's), only in a mode the
    platform's publisher can deliver here (`env`: its credentials, default the process's), and
    the new draft supersedes the case's earlier unsent ones: one answer per customer.
    """
    if problem := (
        check_allowed(case, user, "responder", expected_version)
        or _refuse_if_closed(case)
        or owner_refusal(session, case, user)
    ):
        return problem
    if not body.strip():
        return Result.failure("the reply is empty")
    if refusal := mode_refusal(channel, reply_modes(mention.platform, mention.reply_allowed, env)):
        return Result.failure(refusal)
    claim_for_author(session, case, user)
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
    supersede_unsent(session, case, user, draft.id, f"replaced by draft #{draft.id}")
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
    if draft.state == "superseded":
        return Result.failure(
            f"this draft was replaced ({draft.reject_reason or 'by a newer one'}); approve the"
            " case's current draft instead",
            conflict=True,
        )
    if draft.state not in ("draft", "pending_approval"):
        return Result.failure(f"this draft is already {draft.state}", conflict=True)
    if case.assignee_id is not None and draft.author_user_id != case.assignee_id:
        return Result.failure(
            "this draft is not by the case's owner (the case changed hands); only the owner's"
            " draft can be approved",
            conflict=True,
        )
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


def resend_failed(
    session: Session,
    case: m.RecoveryCase,
    draft: m.ReplyDraft,
    user: m.User,
    expected_version: int | None = None,
) -> Result[m.ReplyDraft]:
    """Send a failed reply again (after fixing what its error said): its outbox item is due now.

    The same outbox item goes round again, so a reply whose earlier attempt may have gone out
    is still looked for on the platform before it is posted (its `unknown` mark stays).
    """
    if problem := (
        check_allowed(case, user, "approver", expected_version) or _refuse_if_closed(case)
    ):
        return problem
    if draft.state != "failed":
        return Result.failure(f"only a failed reply can be sent again (this one is {draft.state})")
    if draft.channel == "manual":
        return Result.failure("a reply by hand is not sent by makegood: paste its link instead")
    reset = session.execute(
        update(m.OutboxItem)
        .where(m.OutboxItem.idempotency_key == f"reply:{draft.id}", m.OutboxItem.state == "dead")
        .values(
            state="pending", attempts=0, next_attempt_at=utcnow(), lease_owner="", lease_until=None
        )
    )
    if not reset.rowcount:  # type: ignore[attr-defined]
        return Result.failure("this reply's send is not in a failed state; reload", conflict=True)
    draft.state = "approved"
    case.status = "approved"
    add_event(session, case, "resend", user, draft_id=draft.id)
    audit(session, user, "reply.resend", f"case:{case.id}", draft_id=draft.id)
    return flush_or_conflict(session) or Result.success(draft)
