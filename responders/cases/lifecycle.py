"""The recovery-case lifecycle after the first reply: timing, follow-ups, root cause, compensation,
closing and win-back. Each action is stamped with who and when, role-checked and race-safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.events import case_data, emit
from monitor.ingest import writes
from monitor.mention import utcnow
from monitor.scoring.thresholds import is_negative
from monitor.settings import BrandSettings, Settings
from monitor.storage import models as m
from monitor.storage.upsert import insert_for
from responders.cases.actions import add_event, flush_or_conflict
from responders.cases.durations import human_duration
from responders.cases.feedback import NOT_A_COMPLAINT, confirm_flag
from responders.results import Result
from responders.staff.access import can, check_allowed
from responders.staff.audit import audit

OUTCOMES = ("resolved", "unresolved", "no_response", "spam")
# Closing as spam needs no root cause: nothing went wrong on the brand's side.
ROOT_CAUSE_OPTIONAL = ("spam",)
MAX_COMPENSATION_CENTS = 100_000_00
# Which recovery steps a published reply completes, by its template kind.
STEPS_FOR_KIND: dict[str, tuple[str, ...]] = {
    "apology": ("acknowledge", "apologize"),
    "outreach": ("explore",),
    "solution": ("solve",),
    "follow_up": ("follow_up",),
    "compensation": (),
}


def template_kind(template: str) -> str:
    """The kind of a template name: 'apology.warm.x' -> 'apology'."""
    return template.split(".", 1)[0] if template else ""


def sla_met(case: m.RecoveryCase) -> bool | None:
    """Whether the first response came within the SLA (None: no response yet, time left)."""
    if case.sla_due_at is None:
        return None
    if case.first_response_at is not None:
        return case.first_response_at <= case.sla_due_at
    return False if utcnow() > case.sla_due_at else None


def response_minutes(case: m.RecoveryCase) -> float | None:
    """Minutes from the complaint to the first response."""
    if case.first_response_at is None:
        return None
    return round((case.first_response_at - case.opened_at).total_seconds() / 60, 1)


def won_back(case: m.RecoveryCase, threshold: float) -> bool | None:
    """Whether the author came back warmer by at least `threshold` (None: nothing heard yet)."""
    if case.win_back is None or case.later_sentiment is None:
        return None
    return case.win_back >= threshold and not is_negative(case.later_sentiment)


def on_reply_published(
    session: Session,
    case: m.RecoveryCase,
    draft: m.ReplyDraft,
    brand: BrandSettings | None,
    post_id: str,
    url: str,
    user: m.User | None = None,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Record a reply that is on the platform: the draft, the steps it completes, the clock."""
    now = now or utcnow()
    draft.state = "sent"
    draft.published_id = post_id
    draft.published_url = url
    kind = template_kind(draft.template)
    add_event(
        session, case, "sent", user, step="communicate", note=note, at=now,
        draft_id=draft.id, post_id=post_id, url=url, template=draft.template,
    )  # fmt: skip
    for step in STEPS_FOR_KIND.get(kind, ()):
        add_event(session, case, "step", user, step=step, at=now, draft_id=draft.id)
    if case.first_response_at is None:
        case.first_response_at = now
        minutes = response_minutes(case)
        met = sla_met(case)
        add_event(
            session, case, "step", user, step="timing", at=now,
            note=f"first response after {human_duration(minutes)};"
            f" SLA {'met' if met else 'missed'}",
            minutes=minutes, sla_met=met,
        )  # fmt: skip
    if kind == "solution" and brand is not None:
        schedule_follow_up(session, case, brand.follow_up_days, user, now)
    if case.status != "closed":
        case.status = "responded"
    if brand is not None:
        writes.refresh_win_back(session, case, brand.win_back_days)
    audit(session, user, "reply.sent", f"case:{case.id}", draft_id=draft.id, post_id=post_id)
    confirm_flag(session, case, user, "answered")  # staff treated the flag as a complaint
    emit(session, "reply.published", case_data(case, draft_id=draft.id, post_id=post_id, url=url))


def on_send_failed(
    session: Session,
    case: m.RecoveryCase,
    draft: m.ReplyDraft,
    error: str,
    final: bool,
    attempt: int,
    now: datetime | None = None,
) -> None:
    """Record a failed attempt; after the last one the draft fails and the case is back in the
    queue with the error showing."""
    now = now or utcnow()
    if final:
        draft.state = "failed"
        if case.status != "closed":
            case.status = "open"
        add_event(
            session, case, "send_failed", None, at=now, draft_id=draft.id, attempt=attempt,
            note=f"the reply was not published: {error}",
        )  # fmt: skip
        audit(session, None, "reply.failed", f"case:{case.id}", draft_id=draft.id, error=error)
    else:
        draft.state = "sending"
        add_event(
            session, case, "send_retry", None, at=now, draft_id=draft.id, attempt=attempt,
            note=f"attempt {attempt} failed, will retry: {error}",
        )  # fmt: skip


def schedule_follow_up(
    session: Session, case: m.RecoveryCase, days: int, user: m.User | None, now: datetime
) -> None:
    """Set the follow-up reminder `days` after `now` (0 days: no reminder)."""
    if days <= 0:
        return
    case.follow_up_due_at = now + timedelta(days=days)
    add_event(
        session, case, "follow_up_scheduled", user, at=now,
        note=f"follow up on {case.follow_up_due_at:%Y-%m-%d %H:%M} UTC",
        due_at=case.follow_up_due_at.isoformat(),
    )  # fmt: skip


def due_follow_ups(
    settings: Settings, factory: sessionmaker[Session], now: datetime | None = None
) -> list[int]:
    """Put cases whose follow-up is due back in the queue (status follow_up); returns their ids.

    Idempotent: a case already waiting for its follow-up is not touched again.
    """
    now = now or utcnow()
    with factory() as session, session.begin():
        cases = session.scalars(
            select(m.RecoveryCase)
            .where(
                m.RecoveryCase.follow_up_due_at <= now,
                m.RecoveryCase.status.in_(("responded", "approved", "open")),
            )
            .order_by(m.RecoveryCase.follow_up_due_at, m.RecoveryCase.id)
        ).all()
        for case in cases:
            case.status = "follow_up"
            add_event(
                session, case, "follow_up_due", None, at=now,
                note="time to check that the fix held", due_at=case.follow_up_due_at.isoformat(),
            )  # fmt: skip
        return [case.id for case in cases]


def record_follow_up(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    note: str,
    reschedule_days: int = 0,
    expected_version: int | None = None,
) -> Result[m.RecoveryCase]:
    """Record that staff checked back with the customer (optionally scheduling another check)."""
    if problem := check_allowed(case, user, "responder", expected_version):
        return problem
    if case.status == "closed":
        return Result.failure("this case is closed; reopen it before following up")
    if not note.strip():
        return Result.failure("say what the customer told you when you followed up")
    now = utcnow()
    add_event(session, case, "step", user, step="follow_up", note=note.strip(), at=now)
    case.follow_up_due_at = None
    case.status = "responded" if case.first_response_at else "open"
    if reschedule_days > 0:
        schedule_follow_up(session, case, reschedule_days, user, now)
    audit(session, user, "case.follow_up", f"case:{case.id}")
    return flush_or_conflict(session) or Result.success(case)


def seed_root_causes(session: Session, brand: BrandSettings) -> None:
    """Make sure the brand's configured root causes are in the list (idempotent)."""
    add_root_causes(session, brand.name, brand.root_causes)


def add_root_causes(session: Session, brand: str, names: Iterable[str]) -> None:
    """Add root causes to a brand's list; existing names are left as they are."""
    rows = [{"brand": brand, "name": n.strip(), "active": True} for n in names if n.strip()]
    if rows:
        stmt = insert_for(session, m.RootCause).values(rows)
        session.execute(stmt.on_conflict_do_nothing(index_elements=["brand", "name"]))


def add_root_cause(session: Session, brand: str, name: str, user: m.User) -> Result[str]:
    """Extend a brand's root-cause list (approvers and admins)."""
    if not can(user, "approver"):
        return Result.failure(f"your role ({user.role}) may not do this; it needs approver")
    name = " ".join(name.split())
    if not name or len(name) > 100:
        return Result.failure("a root cause needs a name of 1 to 100 characters")
    add_root_causes(session, brand, [name])
    audit(session, user, "root_cause.add", f"brand:{brand}", name=name)
    return Result.success(name)


def root_causes(session: Session, brand: str) -> list[str]:
    """The brand's active root causes, alphabetically."""
    return list(
        session.scalars(
            select(m.RootCause.name)
            .where(m.RootCause.brand == brand, m.RootCause.active.is_(True))
            .order_by(m.RootCause.name)
        )
    )


def set_root_cause(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    name: str,
    note: str = "",
    expected_version: int | None = None,
) -> Result[m.RecoveryCase]:
    """Record the case's root cause (the "learn" step), picked from the brand's list."""
    if problem := check_allowed(case, user, "responder", expected_version):
        return problem
    known = root_causes(session, case.brand)
    if name not in known:
        return Result.failure(
            f"unknown root cause {name!r}; pick one of: {', '.join(known) or '(none yet)'}"
            " or ask an approver to add it"
        )
    case.root_cause = name
    add_event(session, case, "step", user, step="learn", note=note.strip() or name, cause=name)
    audit(session, user, "case.root_cause", f"case:{case.id}", cause=name)
    return flush_or_conflict(session) or Result.success(case)


def add_compensation(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    what: str,
    value_cents: int,
    currency: str = "USD",
    expected_version: int | None = None,
) -> Result[m.Compensation]:
    """Add to the compensation ledger; only approvers may give something away."""
    if problem := check_allowed(case, user, "approver", expected_version):
        return problem
    what = what.strip()
    currency = currency.strip().upper()
    if not what:
        return Result.failure("say what was given (e.g. 'refund of order 1234', 'free month')")
    if not 0 <= value_cents <= MAX_COMPENSATION_CENTS:
        return Result.failure("the value must be between 0 and 100,000.00")
    if len(currency) != 3 or not currency.isalpha():
        return Result.failure(f"currency must be a 3-letter code like USD, not {currency!r}")
    entry = m.Compensation(
        case_id=case.id, what=what, value_cents=value_cents, currency=currency, approved_by=user.id
    )
    session.add(entry)
    session.flush()
    add_event(
        session, case, "step", user, step="compensate", note=what,
        compensation_id=entry.id, value_cents=value_cents, currency=currency,
    )  # fmt: skip
    audit(session, user, "case.compensate", f"case:{case.id}", what=what, cents=value_cents)
    return flush_or_conflict(session) or Result.success(entry)


def close_case(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    outcome: str,
    note: str = "",
    brand: BrandSettings | None = None,
    expected_version: int | None = None,
) -> Result[m.RecoveryCase]:
    """Close a case with its outcome; a root cause is required (except for spam)."""
    if problem := check_allowed(case, user, "responder", expected_version):
        return problem
    if outcome not in OUTCOMES:
        return Result.failure(f"unknown outcome {outcome!r}; pick one of: {', '.join(OUTCOMES)}")
    if case.status == "closed":
        return Result.failure("this case is already closed", conflict=True)
    if not case.root_cause and outcome not in ROOT_CAUSE_OPTIONAL:
        return Result.failure("record the root cause before closing (the 'learn' step)")
    pending = session.scalars(
        select(m.ReplyDraft.id).where(
            m.ReplyDraft.case_id == case.id, m.ReplyDraft.state.in_(("approved", "sending"))
        )
    ).first()
    if pending is not None:
        return Result.failure("a reply of this case is still being sent; close it once it is out")
    now = utcnow()
    case.status = "closed"
    case.outcome = outcome
    case.closed_at = now
    case.follow_up_due_at = None
    # Flush inside the guard first: refresh_win_back's queries would autoflush the case and
    # a concurrent change would escape as an exception instead of a conflict result.
    if problem := flush_or_conflict(session):
        return problem
    if brand is not None:
        writes.refresh_win_back(session, case, brand.win_back_days)
    add_event(session, case, "closed", user, step="document", note=note.strip(), outcome=outcome)
    if case.root_cause and outcome not in ROOT_CAUSE_OPTIONAL:  # a cause found: a complaint
        confirm_flag(session, case, user, f"closed with root cause {case.root_cause}")
    audit(session, user, "case.close", f"case:{case.id}", outcome=outcome)
    emit(session, "case.closed", case_data(case, outcome=outcome, root_cause=case.root_cause))
    return flush_or_conflict(session) or Result.success(case)


def reopen_case(
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    reason: str,
    expected_version: int | None = None,
) -> Result[m.RecoveryCase]:
    """Reopen a closed case (e.g. to answer again); its outcome and closing time are cleared."""
    if problem := check_allowed(case, user, "responder", expected_version):
        return problem
    if case.status != "closed":
        return Result.failure("this case is not closed", conflict=True)
    if case.outcome == NOT_A_COMPLAINT:  # its labels go back with it: the case page's Undo
        return Result.failure("this case was dismissed as not a complaint: undo that on its page")
    if not reason.strip():
        return Result.failure("say why the case is reopened")
    previous = case.outcome
    case.status = "responded" if case.first_response_at else "open"
    case.outcome = ""
    case.closed_at = None
    add_event(session, case, "reopened", user, note=reason.strip(), outcome=previous)
    audit(session, user, "case.reopen", f"case:{case.id}", outcome=previous)
    return flush_or_conflict(session) or Result.success(case)


def steps_done(case: m.RecoveryCase) -> dict[str, datetime]:
    """When each recovery step was first done on this case."""
    done: dict[str, datetime] = {}
    for event in case.events:
        if event.step and event.step not in done:
            done[event.step] = event.at
    return done
