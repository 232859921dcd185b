"""One owner at a time: who is on a case since when, the owner-only rule, and taking a case over.

A claimed case is drafted and submitted only by its owner (its assignee); anyone else sees who
is on it and must take it over first, which is audited, stamped on the case and told to the
previous owner (a notice on their next page, and an e-mail when they have an address). Only one
unsent draft lives per case: a new one supersedes the earlier ones, so an approver never sees
two answers to one customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox.queue import enqueue
from responders.results import Result
from responders.staff.access import RESPONDER, check_allowed
from responders.staff.audit import audit

OWNER_EVENTS = ("assigned", "taken_over")
UNSENT = ("draft", "pending_approval")


@dataclass(frozen=True, slots=True)
class Ownership:
    """Who holds a case and since when (None/'' when nobody does)."""

    owner_id: int | None
    owner: str
    since: datetime | None

    def describe(self) -> str:
        """'alice is on this case since 10:42 UTC', or 'nobody is on this case'."""
        if self.owner_id is None:
            return "nobody is on this case"
        when = f" since {self.since:%H:%M} UTC" if self.since else ""
        today = self.since is None or self.since.date() == utcnow().date()
        day = "" if today else f" on {self.since:%Y-%m-%d}"
        return f"{self.owner} is on this case{when}{day}"


def ownership(session: Session, case: m.RecoveryCase) -> Ownership:
    """The case's owner and the time the current ownership began (its last assign or take-over)."""
    if case.assignee_id is None:
        return Ownership(None, "", None)
    user = session.get(m.User, case.assignee_id)
    since = session.scalar(
        select(m.CaseEvent.at)
        .where(m.CaseEvent.case_id == case.id, m.CaseEvent.kind.in_(OWNER_EVENTS))
        .order_by(m.CaseEvent.id.desc())
        .limit(1)
    )
    return Ownership(case.assignee_id, user.username if user else "?", since)


def owner_refusal(session: Session, case: m.RecoveryCase, user: m.User) -> Result[Any] | None:
    """A failure when someone other than `user` owns the case, else None."""
    if case.assignee_id is None or case.assignee_id == user.id:
        return None
    held = ownership(session, case)
    return Result.failure(
        f"{held.describe()}: only the owner may write, submit or approve its reply;"
        " take the case over first",
        conflict=True,
    )


def claim_for_author(session: Session, case: m.RecoveryCase, user: m.User) -> None:
    """Writing a reply on an unclaimed case claims it: the writer is now on it."""
    if case.assignee_id is not None:
        return
    case.assignee_id = user.id
    session.add(
        m.CaseEvent(
            case_id=case.id, kind="assigned", user_id=user.id, note=user.username, at=utcnow(),
            data={"assignee_id": user.id, "by_drafting": True},
        )
    )  # fmt: skip
    audit(session, user, "case.assign", f"case:{case.id}", assignee=user.username, by_drafting=True)


def supersede_unsent(
    session: Session, case: m.RecoveryCase, user: m.User | None, newer: int | None, why: str
) -> list[int]:
    """Mark the case's unsent drafts (but `newer`) superseded, audited; returns their ids."""
    query = select(m.ReplyDraft).where(
        m.ReplyDraft.case_id == case.id, m.ReplyDraft.state.in_(UNSENT)
    )
    old = [d for d in session.scalars(query) if d.id != newer]
    for draft in old:
        draft.state = "superseded"
        draft.reject_reason = why
    if old:
        ids = [d.id for d in old]
        session.add(
            m.CaseEvent(
                case_id=case.id, kind="superseded", user_id=user.id if user else None, at=utcnow(),
                note=f"{why} (draft {', '.join(f'#{i}' for i in ids)})",
                data={"draft_ids": ids, "by": newer},
            )
        )  # fmt: skip
        audit(session, user, "draft.supersede", f"case:{case.id}", draft_ids=ids, by=newer)
    return [d.id for d in old]


def notify(
    session: Session,
    user: m.User,
    text: str,
    link: str = "",
    settings: Settings | None = None,
    key: str = "",
) -> m.StaffNotice:
    """A notice for `user`'s next page, and (with `settings` and an address) an outbox e-mail."""
    notice = m.StaffNotice(user_id=user.id, text=text, link=link, created_at=utcnow())
    session.add(notice)
    session.flush()
    if settings is not None and user.email and user.active:
        from responders.alerts.mail import message_id

        mail_key = key or f"notice:{notice.id}"
        url = settings.web.base_url.rstrip("/") + link if link else ""
        enqueue(
            session, "email", mail_key,
            {
                "to": [user.email], "subject": f"makegood: {text}"[:150],
                "text": f"{text}\n\n{url}\n" if url else f"{text}\n",
                "message_id": message_id(mail_key, settings.smtp.sender),
            },
        )  # fmt: skip
    return notice


def pop_notices(session: Session, user_id: int) -> list[m.StaffNotice]:
    """The user's unseen notices, oldest first, now marked seen (the caller commits)."""
    notices = list(
        session.scalars(
            select(m.StaffNotice)
            .where(m.StaffNotice.user_id == user_id, m.StaffNotice.seen_at.is_(None))
            .order_by(m.StaffNotice.id)
        )
    )
    if notices:
        session.execute(
            update(m.StaffNotice)
            .where(m.StaffNotice.id.in_([n.id for n in notices]))
            .values(seen_at=utcnow())
        )
    return notices


def take_over(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    expected_version: int | None,
    settings: Settings | None = None,
) -> Result[m.RecoveryCase]:
    """Take a case someone else holds: audited, stamped, their unsent drafts superseded, told."""
    if problem := check_allowed(case, user, RESPONDER, expected_version):
        return problem
    if case.status == "closed":
        return Result.failure("this case is closed; reopen it first", conflict=True)
    if case.assignee_id is None:
        return Result.failure("nobody is on this case: claim it instead", conflict=True)
    if case.assignee_id == user.id:
        return Result.failure("you are already on this case")
    previous = session.get(m.User, case.assignee_id)
    name = previous.username if previous else "?"
    superseded = supersede_unsent(session, case, user, None, f"{user.username} took the case over")
    if superseded and case.status == "awaiting_approval":
        case.status = "responded" if case.first_response_at is not None else "open"
    case.assignee_id = user.id
    case.updated_at = utcnow()
    session.add(
        m.CaseEvent(
            case_id=case.id, kind="taken_over", user_id=user.id, at=utcnow(),
            note=f"from {name}",
            data={"assignee_id": user.id, "previous_id": previous.id if previous else None},
        )
    )  # fmt: skip
    audit(
        session, user, "case.take_over", f"case:{case.id}",
        previous=name, superseded=superseded,
    )  # fmt: skip
    from responders.cases.actions import flush_or_conflict

    if problem := flush_or_conflict(session):  # before telling anyone: the take-over may lose
        return problem
    if previous is not None:
        notify(
            session, previous, f"{user.username} took over case #{case.id} from you",
            f"/cases/{case.id}", settings, key=f"take_over:{case.id}:{case.version}",
        )  # fmt: skip
    return Result.success(case)
