"""The queue page and claiming or assigning a case, so two people don't answer one customer."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.language import LANGUAGES, UNDETERMINED
from monitor.mention import PLATFORMS, utcnow
from monitor.scoring import CATEGORIES, SEVERITIES
from monitor.storage import models as m
from responders.cases import bulk, queue_live
from responders.cases import review_queue as q
from responders.cases.actions import claim
from responders.cases.review_queue import is_row_id
from responders.replies.links import safe_next
from responders.staff.access import APPROVER, RESPONDER
from responders.web.deps import (
    case_or_404,
    check_id,
    csrf_protect,
    current_user,
    db_session,
    error_page,
    flash,
    render,
    require_role,
    result_response,
    see_other,
    settings_of,
)

router = APIRouter()
LANGUAGE_CHOICES = (*LANGUAGES, UNDETERMINED)  # what monitor.language can store


def bad_queue_value(params: dict[str, str]) -> str:
    """What is wrong with the queue's query values, naming the field; '' when nothing is.

    A filter link that no longer means anything says so instead of quietly showing everything."""
    choices = {
        "severity": SEVERITIES,
        "status": q.STATUS_CHOICES,
        "platform": PLATFORMS,
        "category": CATEGORIES,
    }
    for name, allowed in choices.items():
        value = params.get(name, "")
        if value and value not in allowed:
            return f"{name}: {value[:40]!r} is not one of {', '.join(allowed)}"
    assignee = params.get("assignee", "")
    if assignee and assignee != "none" and not is_row_id(assignee):
        return f"assignee: {assignee[:40]!r} is not a user id or 'none'"
    lang = params.get("lang", "")
    if lang and not q.is_lang_code(lang):
        return f"lang: {lang[:40]!r} is not a language code (en, es, ja... or und)"
    seen = params.get("seen", "")
    if seen and not is_row_id(seen):
        return f"seen: {seen[:40]!r} is not a case id"
    return ""  # a stale or mangled `after` cursor is not a typed value: the page starts over


@router.get("/")
def queue_view(
    request: Request,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """The review queue: open incidents on top, then cases by severity and response clock."""
    params = dict(request.query_params)
    problem = bad_queue_value(params)
    if problem:
        return error_page(request, 400, problem, "/")
    flt = q.QueueFilter.from_params(params)
    after = q.Cursor.decode(params.get("after", ""))
    calendar_for = settings_of(request).calendar_for
    # Before the page is read: a case arriving meanwhile is above it, so the page counts it new.
    mark = queue_live.watermark(session)
    page = q.queue_page(session, flt, after, now=utcnow(), calendar_for=calendar_for)
    context = {
        "flt": flt,
        "page": page,
        "total": len(page.rows) if page.complete else q.count_cases(session, flt),
        "cap": q.COUNT_CAP,
        "incidents": q.open_incidents(session),
        "staff": q.assignable_users(session),
        "brands": [b.name for b in settings_of(request).brands],
        "platforms": PLATFORMS,
        "severities": SEVERITIES[::-1],
        "categories": CATEGORIES,
        "statuses": q.STATUS_CHOICES,
        "next_url": q.page_url(flt, page.next_cursor) if page.next_cursor else "",
        "first_url": q.page_url(flt) if after else "",
        "here": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        "languages": LANGUAGE_CHOICES,
        "bulk_actions": bulk.offered(user),
        "bulk_reasons": bulk.REASONS,
        "live_url": "/queue/live?" + urlencode({**flt.params(), "since": mark}),
        # "show" on the new-cases count: the filter's first page, the new rows marked.
        "show_url": q.page_url(flt) + ("&" if flt.params() else "?") + f"seen={mark}",
        "seen": int(params["seen"]) if params.get("seen") else 0,
    }
    return render(request, "queue.html", context)


@router.post("/cases/{case_id}/claim", dependencies=[Depends(csrf_protect)])
def claim_case(
    request: Request,
    case_id: int,
    version: int = Form(...),
    back: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Take a case yourself."""
    case = case_or_404(session, case_id)
    result = claim(session, case, user, expected_version=version)
    if not result.ok:
        return result_response(request, result, f"/cases/{case_id}")
    session.commit()
    flash(request, f"case #{case_id} is yours")
    return see_other(safe_next(back, f"/cases/{case_id}"))


@router.post("/cases/{case_id}/assign", dependencies=[Depends(csrf_protect)])
def assign_case(
    request: Request,
    case_id: int,
    version: int = Form(...),
    assignee_id: int = Form(...),
    back: str = Form(""),
    user: m.User = Depends(require_role(APPROVER)),
    session: Session = Depends(db_session),
) -> Response:
    """Give a case to a colleague (approvers and admins)."""
    case = case_or_404(session, case_id)
    assignee = session.get(m.User, check_id(assignee_id, "assignee_id"))
    if assignee is None or not assignee.active:
        raise HTTPException(400, "pick an active colleague to assign the case to")
    result = claim(session, case, user, expected_version=version, assignee=assignee)
    if not result.ok:
        return result_response(request, result, f"/cases/{case_id}")
    session.commit()
    flash(request, f"case #{case_id} assigned to {assignee.username}")
    return see_other(safe_next(back, f"/cases/{case_id}"))
