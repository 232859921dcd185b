"""Staff feedback on the flag: "not a complaint" (reversible), "missed complaint", confirmed flags.

Every verdict is a `MentionLabel` row (mention, label, reason, who, when); undoing one stamps it
revoked instead of deleting it. A mention has at most one active label: a newer verdict revokes
the older one, and undoing the newer brings the older back. The labels are what the flag learns
from and what the reports count (`responders.cases.flag_report`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor import business_time
from monitor.events import case_data, emit
from monitor.mention import utcnow
from monitor.scoring import severity_rank
from monitor.settings import Settings, SlaSettings
from monitor.storage import models as m
from responders.cases.actions import add_event, flush_or_conflict
from responders.cases.ownership import owner_refusal, supersede_unsent
from responders.results import Result
from responders.staff.access import APPROVER, RESPONDER, can, check_allowed
from responders.staff.audit import audit

NOT_A_COMPLAINT = "not_a_complaint"  # the outcome of a dismissed case (no root cause needed)
MERGED = "merged"  # a dismissal undone while the author had another open case: it carries on
COMPLAINT, NOT_COMPLAINT = m.LABEL_VALUES
MISSED, CONFIRMED = "missed", "confirmed"
DISMISS_REASONS = tuple(r for r in m.LABEL_REASONS if r not in (MISSED, CONFIRMED))
REASON_TEXT = {
    "not_negative": "not negative",
    "not_about_us": "not about us",
    "spam_or_bot": "spam or bot",
    "handled_elsewhere": "handled elsewhere",
    MISSED: "missed by the flag",
    CONFIRMED: "confirmed",
}
MAX_NOTE = 2000
IN_FLIGHT = ("approved", "sending")  # a reply on its way out: the case is being answered


@dataclass(frozen=True, slots=True)
class Missed:
    """A reported missed complaint: the case that now holds it, its label, and whether it is new."""

    case: m.RecoveryCase
    label: m.MentionLabel
    created: bool


def active_labels(session: Session, mention_ids: Iterable[int]) -> dict[int, m.MentionLabel]:
    """The active (not revoked) label of each of these mentions, newest first wins."""
    ids = sorted(set(mention_ids))
    if not ids:
        return {}
    found: dict[int, m.MentionLabel] = {}
    rows = session.scalars(
        select(m.MentionLabel)
        .where(m.MentionLabel.mention_id.in_(ids), m.MentionLabel.revoked_at.is_(None))
        .order_by(m.MentionLabel.id.desc())
    )
    for label in rows:
        found.setdefault(label.mention_id, label)
    return found


def _revoke(labels: Iterable[m.MentionLabel], user: m.User | None) -> list[int]:
    now = utcnow()
    revoked = []
    for label in labels:
        label.revoked_at = now
        label.revoked_by = user.id if user else None
        revoked.append(label.id)
    return revoked


def _note(note: str) -> str:
    return note.strip()[:MAX_NOTE]


def _case_mentions(session: Session, case: m.RecoveryCase) -> list[m.Mention]:
    return list(
        session.scalars(
            select(m.Mention).where(m.Mention.case_id == case.id).order_by(m.Mention.id)
        )
    )


def dismiss(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Result[m.RecoveryCase]:
    """ "Not a complaint": close the case without a root cause and label its mentions.

    Only the case's owner (or anyone, while nobody holds it) dismisses; an answered case or one
    whose reply is on its way out is closed the usual way instead. Unsent drafts are superseded.
    """
    if problem := check_allowed(case, user, RESPONDER, expected_version):
        return problem
    if reason not in DISMISS_REASONS:
        return Result.failure(f"reason: {reason[:40]!r} is not one of {', '.join(DISMISS_REASONS)}")
    if case.status == "closed":
        return Result.failure("this case is already closed", conflict=True)
    if problem := owner_refusal(session, case, user):
        return problem
    if case.first_response_at is not None:
        return Result.failure(
            "this case was answered already: close it with an outcome on its recovery page"
        )
    in_flight = session.scalars(
        select(m.ReplyDraft.id).where(
            m.ReplyDraft.case_id == case.id, m.ReplyDraft.state.in_(IN_FLIGHT)
        )
    ).first()
    if in_flight is not None:
        return Result.failure("a reply of this case is being sent; it cannot be dismissed now")
    text = _note(note)
    mentions = _case_mentions(session, case)
    replaced = _revoke(active_labels(session, [x.id for x in mentions]).values(), user)
    labels = [
        m.MentionLabel(
            mention_id=x.id, brand=x.brand, label=NOT_COMPLAINT, reason=reason, note=text,
            case_id=case.id, was_flagged=x.flagged, user_id=user.id, created_at=utcnow(),
        )
        for x in mentions
    ]  # fmt: skip
    session.add_all(labels)
    supersede_unsent(session, case, user, None, "dismissed as not a complaint")
    case.status = "closed"
    case.outcome = NOT_A_COMPLAINT
    case.closed_at = utcnow()
    case.follow_up_due_at = None
    if problem := flush_or_conflict(session):
        return problem
    label_ids = [label.id for label in labels]
    add_event(
        session, case, "dismissed", user, note=f"not a complaint: {REASON_TEXT[reason]}"
        + (f" ({text})" if text else ""),
        reason=reason, label_ids=label_ids, replaced_label_ids=replaced,
    )  # fmt: skip
    audit(session, user, "case.dismiss", f"case:{case.id}", reason=reason, labels=label_ids)
    emit(session, "case.closed", case_data(case, outcome=NOT_A_COMPLAINT, reason=reason))
    return flush_or_conflict(session) or Result.success(case)


def last_dismissal(session: Session, case: m.RecoveryCase) -> m.CaseEvent | None:
    """The case's latest `dismissed` event (None when it was never dismissed)."""
    return session.scalars(
        select(m.CaseEvent)
        .where(m.CaseEvent.case_id == case.id, m.CaseEvent.kind == "dismissed")
        .order_by(m.CaseEvent.id.desc())
        .limit(1)
    ).first()


def _other_open_case(session: Session, case: m.RecoveryCase) -> m.RecoveryCase | None:
    return session.scalars(
        select(m.RecoveryCase).where(
            m.RecoveryCase.author_id == case.author_id,
            m.RecoveryCase.brand == case.brand,
            m.RecoveryCase.status != "closed",
            m.RecoveryCase.id != case.id,
        )
    ).first()


def undo_dismissal(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    note: str = "",
    expected_version: int | None = None,
) -> Result[m.RecoveryCase]:
    """Undo "not a complaint": its labels revoked, earlier verdicts back, the case reopened.

    One open case per author and brand: when the author opened another case since, this one
    stays closed (outcome `merged`) and its mentions move to the open case, which is returned.
    The owner (or anyone, if nobody held it) undoes; approvers may undo anyone's.
    """
    if problem := check_allowed(case, user, RESPONDER, expected_version):
        return problem
    if case.status != "closed" or case.outcome != NOT_A_COMPLAINT:
        return Result.failure("this case is not dismissed as not a complaint", conflict=True)
    if not can(user, APPROVER) and (problem := owner_refusal(session, case, user)):
        return problem
    event = last_dismissal(session, case)
    data: dict[str, Any] = event.data if event is not None and isinstance(event.data, dict) else {}
    mine = [int(i) for i in data.get("label_ids", [])]
    earlier = [int(i) for i in data.get("replaced_label_ids", [])]
    revoked = _revoke(
        session.scalars(
            select(m.MentionLabel).where(
                m.MentionLabel.id.in_(mine), m.MentionLabel.revoked_at.is_(None)
            )
        ),
        user,
    )
    if earlier:  # the verdicts this dismissal replaced stand again
        session.execute(
            update(m.MentionLabel)
            .where(m.MentionLabel.id.in_(earlier))
            .values(revoked_at=None, revoked_by=None)
        )
    text = _note(note)
    other = _other_open_case(session, case)
    if other is None:
        case.status = "open"
        case.outcome = ""
        case.closed_at = None
        carrier = case
    else:
        case.outcome = MERGED
        carrier = _merge_into(session, case, other, user)
    try:
        problem = flush_or_conflict(session)
    except IntegrityError:  # the author's new open case appeared between our read and write
        session.rollback()
        return Result.failure(
            "the author has a new open case since; reload and undo again", conflict=True
        )
    if problem:
        return problem
    where = "" if carrier is case else f"; the author's open case #{carrier.id} carries on"
    add_event(
        session, case, "dismissal_undone", user, note=(text or "not a complaint undone") + where,
        label_ids=revoked, restored_label_ids=earlier, merged_into=carrier.id,
    )  # fmt: skip
    audit(
        session, user, "case.undo_dismissal", f"case:{case.id}",
        labels=revoked, restored=earlier, carrier=carrier.id,
    )  # fmt: skip
    return flush_or_conflict(session) or Result.success(carrier)


def _merge_into(
    session: Session, case: m.RecoveryCase, other: m.RecoveryCase, user: m.User
) -> m.RecoveryCase:
    """Move a closed case's mentions to the author's open case (escalating it when worse)."""
    for mention in _case_mentions(session, case):
        mention.case_id = other.id
        add_event(
            session, other, "mention_attached", user, note=f"from case #{case.id}",
            mention_id=mention.id, from_case=case.id,
        )  # fmt: skip
    if case.severity_rank > other.severity_rank:
        other.severity, other.severity_rank = case.severity, case.severity_rank
    return other


def _sla_due(settings: Settings | None, mention: m.Mention, severity: str) -> Any:
    sla = settings.sla if settings is not None else SlaSettings()
    calendar = settings.calendar_for(mention.brand) if settings is not None else None
    minutes = timedelta(minutes=sla.minutes_for(severity))
    return business_time.due(calendar, mention.created_at, minutes)


def report_missed(
    session: Session,
    mention: m.Mention,
    user: m.User,
    note: str = "",
    settings: Settings | None = None,
) -> Result[Missed]:
    """ "Missed complaint" on an unflagged mention: label it and put it in a case.

    The mention joins the author's open case, or opens one (its SLA counted from the post, with
    `settings`' SLA and working hours). Reporting the same mention again changes nothing.
    """
    if not can(user, RESPONDER):
        return Result.failure(f"your role ({user.role}) may not do this; it needs {RESPONDER}")
    if mention.flagged:
        where = f" (case #{mention.case_id})" if mention.case_id else ""
        return Result.failure(f"the flag raised this post already{where}; nothing was missed")
    if mention.author_id is None:
        return Result.failure("this post has no author to open a case for")
    # Lock the mention (PostgreSQL; SQLite writes one at a time): two reports, one label.
    session.execute(select(m.Mention.id).where(m.Mention.id == mention.id).with_for_update())
    current = active_labels(session, [mention.id]).get(mention.id)
    if current is not None and current.label == COMPLAINT and mention.case_id is not None:
        held = session.get(m.RecoveryCase, mention.case_id)
        if held is not None:
            return Result.success(Missed(held, current, created=False))
    case = session.get(m.RecoveryCase, mention.case_id) if mention.case_id else None
    if case is None or case.status == "closed":
        case = _open_case_for(session, mention, user, settings)
    if mention.case_id != case.id:
        mention.case_id = case.id
        add_event(
            session, case, "mention_attached", user, note="reported as a missed complaint",
            mention_id=mention.id, missed=True,
        )  # fmt: skip
    replaced = _revoke([current] if current is not None else [], user)
    label = m.MentionLabel(
        mention_id=mention.id, brand=mention.brand, label=COMPLAINT, reason=MISSED,
        note=_note(note), case_id=case.id, was_flagged=False, user_id=user.id,
        created_at=utcnow(),
    )  # fmt: skip
    session.add(label)
    if problem := flush_or_conflict(session):
        return problem
    audit(
        session, user, "mention.missed", f"mention:{mention.id}",
        case_id=case.id, label_id=label.id, replaced=replaced,
    )  # fmt: skip
    return flush_or_conflict(session) or Result.success(Missed(case, label, created=True))


def _open_case_for(
    session: Session, mention: m.Mention, user: m.User, settings: Settings | None
) -> m.RecoveryCase:
    """The author's open case for the brand, or a new one opened by this mention."""
    existing = _author_open_case(session, mention)
    if existing is not None:
        return existing
    severity = mention.severity if severity_rank(mention.severity) > 0 else "low"
    case = m.RecoveryCase(
        brand=mention.brand, platform=mention.platform, author_id=mention.author_id,
        first_mention_id=mention.id, status="open", severity=severity,
        severity_rank=severity_rank(severity), category=mention.category,
        opened_at=mention.created_at, sla_due_at=_sla_due(settings, mention, severity),
        complaint_sentiment=mention.sentiment,
    )  # fmt: skip
    try:
        with session.begin_nested():  # one open case per author and brand: a race loses here
            session.add(case)
    except IntegrityError:
        existing = _author_open_case(session, mention)
        if existing is None:
            raise
        return existing
    mention.case_id = case.id
    add_event(
        session, case, "opened", user, note=f"reported as a missed complaint by {user.username}",
        mention_id=mention.id, severity=severity, missed=True,
    )  # fmt: skip
    emit(session, "case.opened", case_data(case, missed=True))
    return case


def _author_open_case(session: Session, mention: m.Mention) -> m.RecoveryCase | None:
    return session.scalars(
        select(m.RecoveryCase).where(
            m.RecoveryCase.author_id == mention.author_id,
            m.RecoveryCase.brand == mention.brand,
            m.RecoveryCase.status != "closed",
        )
    ).first()


def confirm_flag(
    session: Session, case: m.RecoveryCase, user: m.User | None, how: str
) -> list[int]:
    """Record the case's flagged mentions as confirmed complaints (once each); the label ids.

    Called where staff act on a flag as a complaint: a reply published, a close with a root
    cause. A mention with an active verdict already keeps it.
    """
    flagged = [x for x in _case_mentions(session, case) if x.flagged]
    judged = active_labels(session, [x.id for x in flagged])
    labels = [
        m.MentionLabel(
            mention_id=x.id, brand=x.brand, label=COMPLAINT, reason=CONFIRMED, note=how,
            case_id=case.id, was_flagged=True, user_id=user.id if user else None,
            created_at=utcnow(),
        )
        for x in flagged
        if x.id not in judged
    ]  # fmt: skip
    session.add_all(labels)
    session.flush()
    return [label.id for label in labels]
