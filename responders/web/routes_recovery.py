"""Recovery pages: the report (with CSV download) and a case's lifecycle panel and actions.

Every action is a POST form with the CSRF token, the role checked here and again in
`responders.cases.lifecycle`, and the case's `version` for optimistic locking (409 on a conflict).
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import lifecycle
from responders.cases.flag_report import load_flag_weeks
from responders.cases.periods import parse_when
from responders.cases.reports import (
    business_minutes,
    case_rows,
    load_report,
    period_cases,
    write_csv,
)
from responders.outbox.replies import record_manual_reply
from responders.results import Result
from responders.staff.access import APPROVER, CONFLICT, RESPONDER, can
from responders.web.deps import (
    case_or_404,
    check_id,
    csrf_protect,
    current_user,
    db_session,
    draft_or_404,
    finish,
    render,
    require_role,
    settings_of,
)

router = APIRouter()

PERIODS = (7, 30, 90, 365)
MAX_NOTE = 2000
# Drafts a pasted link can be recorded for (approved and not yet known to be on the platform).
RECORDABLE_STATES = ("approved", "sending", "failed")


def _threshold(settings: Settings, brand: str) -> float:
    found = settings.find_brand(brand) if brand else None
    return float((found or settings.brands[0]).win_back_threshold)


def parse_day(value: str, field: str) -> datetime | None:
    """A report's start or end from the query string; a 400 naming the field when unreadable."""
    when = parse_when(value, utcnow())
    if not when.ok:
        raise HTTPException(400, f"{field}: {when.error}")
    return when.value


# --- the report ----------------------------------------------------------------------------


@router.get("/reports")
def report_page(
    request: Request,
    brand: str = Query(""),
    days: int = Query(30, ge=1, le=366),
    end: str = Query(""),
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """Recovery figures of a period (vs the one before) and the cases behind them."""
    settings = settings_of(request)
    brands = [b.name for b in settings.brands]
    if brand and brand not in brands:
        raise HTTPException(400, f"brand: no brand {brand[:60]!r}; known: {', '.join(brands)}")
    now = utcnow()
    until = parse_day(end, "end")
    # A day given as the end means "up to the end of that day".
    stop = min(until + timedelta(days=1), now) if until else now
    start = stop - timedelta(days=days)
    threshold = _threshold(settings, brand)
    report = load_report(session, brand or None, start, stop, threshold, now, settings.calendar_for)
    context: dict[str, Any] = {
        "report": report,
        "brands": brands,
        "brand": brand,
        "days": days,
        "periods": sorted({*PERIODS, days}),
        "end": end,
        "cases": period_cases(session, brand or None, start, stop),
        "csv_since": start.date().isoformat(),
        "threshold": _threshold(settings, brand),
        "flag_weeks": load_flag_weeks(session, brand or None, start, stop),
    }
    return render(request, "recovery/report.html", context)


@router.get("/reports/cases.csv")
def cases_csv(
    request: Request,
    brand: str = Query(""),
    since: str = Query(""),
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """The cases as CSV: the same rows and columns as `makegood cases export`."""
    settings = settings_of(request)
    if brand and settings.find_brand(brand) is None:
        raise HTTPException(400, f"brand: no brand {brand[:60]!r} in the configuration")
    since_day = parse_day(since, "since")
    threshold = _threshold(settings, brand)
    rows = case_rows(session, brand or None, since_day, None, threshold, settings.calendar_for)
    out = io.StringIO()
    write_csv(rows, out)
    stamp = utcnow().strftime("%Y%m%d")
    name = f"makegood-cases-{brand.lower().replace(' ', '-') or 'all'}-{stamp}.csv"
    safe_name = "".join(c for c in name if c.isalnum() or c in "-._")
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )


# --- the lifecycle panel -------------------------------------------------------------------


def cause_choices(session: Session, settings: Settings, brand: str) -> list[str]:
    """The brand's root causes: the configured ones and those added by approvers."""
    found = settings.find_brand(brand)
    configured = found.root_causes if found else []
    return sorted({*configured, *lifecycle.root_causes(session, brand)}, key=str.lower)


def in_flight_drafts(session: Session, draft_ids: list[int]) -> set[int]:
    """Drafts whose reply a worker is sending right now: they cannot be recorded by hand."""
    if not draft_ids:
        return set()
    keys = {f"reply:{draft_id}": draft_id for draft_id in draft_ids}
    sending = session.scalars(
        select(m.OutboxItem.idempotency_key).where(
            m.OutboxItem.idempotency_key.in_(keys),
            m.OutboxItem.state == "sending",
            m.OutboxItem.lease_until >= utcnow(),
        )
    )
    return {keys[key] for key in sending}


@router.get("/cases/{case_id}/recovery")
def recovery_page(
    request: Request,
    case_id: int,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """A case's recovery: timing, follow-up, root cause, compensation, closing, win-back."""
    return _recovery_page(request, session, case_or_404(session, case_id))


def _recovery_page(
    request: Request,
    session: Session,
    case: m.RecoveryCase,
    compensation_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The recovery page; `compensation_form` refills that form with what was typed and its
    error (a failed entry is corrected in place, not on a separate error page)."""
    settings = settings_of(request)
    mention = session.get(m.Mention, case.first_mention_id)
    ledger = session.execute(
        select(m.Compensation, m.User.username)
        .outerjoin(m.User, m.User.id == m.Compensation.approved_by)
        .where(m.Compensation.case_id == case.id)
        .order_by(m.Compensation.at, m.Compensation.id)
    ).all()
    spent: dict[str, int] = {}
    for entry, _who in ledger:
        spent[entry.currency] = spent.get(entry.currency, 0) + entry.value_cents
    drafts = session.scalars(
        select(m.ReplyDraft)
        .where(m.ReplyDraft.case_id == case.id)
        .order_by(m.ReplyDraft.created_at, m.ReplyDraft.id)
    ).all()
    events = session.execute(
        select(m.CaseEvent, m.User.username)
        .outerjoin(m.User, m.User.id == m.CaseEvent.user_id)
        .where(m.CaseEvent.case_id == case.id)
        .order_by(m.CaseEvent.at, m.CaseEvent.id)
    ).all()
    threshold = _threshold(settings, case.brand)
    brand = settings.find_brand(case.brand)
    busy = in_flight_drafts(session, [d.id for d in drafts if d.state in RECORDABLE_STATES])
    calendar = settings.calendar_for(case.brand)
    worked = business_minutes(calendar, case.opened_at, case.first_response_at)
    context: dict[str, Any] = {
        "case": case,
        "mention": mention,
        "causes": cause_choices(session, settings, case.brand),
        "ledger": ledger,
        "spent": spent,
        "recordable": [d for d in drafts if d.state in RECORDABLE_STATES and d.id not in busy],
        "in_flight": [d for d in drafts if d.id in busy],
        "sent": [d for d in drafts if d.state == "sent"],
        "events": events,
        "outcomes": lifecycle.OUTCOMES,
        "root_cause_optional": lifecycle.ROOT_CAUSE_OPTIONAL,
        "response_minutes": lifecycle.response_minutes(case),
        # In the brand's working hours (None without hours: the wall-clock figure says it all).
        "business_minutes": worked if calendar else None,
        "sla_met": lifecycle.sla_met(case),
        "threshold": threshold,
        "won_back": lifecycle.won_back(case, threshold),
        "follow_up_days": brand.follow_up_days if brand else 3,
        "comp": compensation_form or {"what": "", "value": "", "currency": "USD", "error": ""},
    }
    return render(request, "recovery/case.html", context, status_code)


def _finish(
    request: Request, session: Session, case_id: int, result: Result[Any], message: str
) -> Response:
    """Commit a successful action and go back to the panel; a failure becomes a 400/409 page."""
    return finish(request, session, result, f"/cases/{case_id}/recovery", message)


def _version_conflict(case: m.RecoveryCase, version: int) -> Result[Any] | None:
    return Result.failure(CONFLICT, conflict=True) if case.version != version else None


@router.post("/cases/{case_id}/recovery/follow-up", dependencies=[Depends(csrf_protect)])
def follow_up(
    request: Request,
    case_id: int,
    version: int = Form(...),
    note: str = Form(""),
    reschedule_days: int = Form(0, ge=0, le=90),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Record that staff checked back with the customer (and maybe schedule another check)."""
    case = case_or_404(session, case_id)
    result = lifecycle.record_follow_up(
        session, case, user, note[:MAX_NOTE], reschedule_days, expected_version=version
    )
    return _finish(request, session, case_id, result, "follow-up recorded")


@router.post("/cases/{case_id}/recovery/root-cause", dependencies=[Depends(csrf_protect)])
def root_cause(
    request: Request,
    case_id: int,
    version: int = Form(...),
    cause: str = Form(""),
    new_cause: str = Form(""),
    note: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Set the root cause from the brand's list; approvers may add a new cause on the way."""
    settings = settings_of(request)
    case = case_or_404(session, case_id)
    if conflict := _version_conflict(case, version):
        return _finish(request, session, case_id, conflict, "")
    brand = settings.find_brand(case.brand)
    if brand is not None:
        lifecycle.seed_root_causes(session, brand)
    if new_cause.strip():
        if not can(user, APPROVER):
            raise HTTPException(
                403, f"your role ({user.role}) may not add a root cause; it needs {APPROVER}"
            )
        added = lifecycle.add_root_cause(session, case.brand, new_cause, user)
        if not added.ok or added.value is None:
            return _finish(request, session, case_id, added, "")
        cause = added.value
    if not cause.strip():
        return _finish(request, session, case_id, Result.failure("pick a root cause"), "")
    result = lifecycle.set_root_cause(
        session, case, user, cause, note[:MAX_NOTE], expected_version=version
    )
    return _finish(request, session, case_id, result, f"root cause set: {cause}")


@router.post("/cases/{case_id}/recovery/compensations", dependencies=[Depends(csrf_protect)])
def compensation(
    request: Request,
    case_id: int,
    version: int = Form(...),
    what: str = Form(""),
    value: str = Form("0"),
    currency: str = Form("USD"),
    user: m.User = Depends(require_role(APPROVER)),
    session: Session = Depends(db_session),
) -> Response:
    """Add an entry to the compensation ledger (approvers); a bad entry comes back filled in."""
    case = case_or_404(session, case_id)
    cents = parse_money(value)
    result: Result[Any] = cents
    if cents.ok and cents.value is not None:
        result = lifecycle.add_compensation(
            session, case, user, what[:500], cents.value, currency, expected_version=version
        )
    if result.ok or result.conflict:
        return _finish(request, session, case_id, result, "compensation recorded")
    session.rollback()
    typed = {"what": what[:500], "value": value[:30], "currency": currency[:10]}
    form = {**typed, "error": result.error, "field": compensation_field(result.error)}
    return _recovery_page(request, session, case_or_404(session, case_id), form, 400)


def compensation_field(error: str) -> str:
    """Which field of the compensation form an error is about ('' when none of them)."""
    lowered = error.lower()
    for field, starts in (("what", "say what"), ("value", "value"), ("currency", "currency")):
        if lowered.startswith(starts) or lowered.startswith(f"the {starts}"):
            return field
    return ""


def parse_money(value: str) -> Result[int]:
    """'12.50' or '12,50' as cents; anything else a message."""
    text = value.strip().replace(",", ".")
    whole, _, frac = text.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        return Result.failure(f"value: expected an amount like 12.50, not {value[:30]!r}")
    return Result.success(int(whole) * 100 + int(frac.ljust(2, "0") or 0))


@router.post("/cases/{case_id}/recovery/close", dependencies=[Depends(csrf_protect)])
def close(
    request: Request,
    case_id: int,
    version: int = Form(...),
    outcome: str = Form(""),
    note: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Close the case with its outcome (the root cause must be set first)."""
    case = case_or_404(session, case_id)
    result = lifecycle.close_case(
        session,
        case,
        user,
        outcome,
        note[:MAX_NOTE],
        brand=settings_of(request).find_brand(case.brand),
        expected_version=version,
    )
    return _finish(request, session, case_id, result, f"case closed: {outcome.replace('_', ' ')}")


@router.post("/cases/{case_id}/recovery/reopen", dependencies=[Depends(csrf_protect)])
def reopen(
    request: Request,
    case_id: int,
    version: int = Form(...),
    note: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Reopen a closed case so it can be answered again."""
    case = case_or_404(session, case_id)
    result = lifecycle.reopen_case(session, case, user, note[:MAX_NOTE], expected_version=version)
    return _finish(request, session, case_id, result, "case reopened")


@router.post("/cases/{case_id}/recovery/manual-reply", dependencies=[Depends(csrf_protect)])
def manual_reply(
    request: Request,
    case_id: int,
    version: int = Form(...),
    draft_id: int = Form(...),
    url: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Record the link of a reply staff posted by hand (the worker will not send it too)."""
    case = case_or_404(session, case_id)
    if conflict := _version_conflict(case, version):
        return _finish(request, session, case_id, conflict, "")
    draft = draft_or_404(session, case, check_id(draft_id, "draft_id"))
    result = record_manual_reply(session, case, draft, user, url, settings_of(request))
    return _finish(request, session, case_id, result, "manual reply recorded")
