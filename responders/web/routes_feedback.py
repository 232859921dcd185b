"""Feedback on the flag: the Mentions page, "Not a complaint" and its Undo, "Missed complaint".

Every action is a POST form with the CSRF token and the role checked here and again in
`responders.cases.feedback` (which also applies the owner rule); post text is escaped.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.mention import PLATFORMS, utcnow
from monitor.storage import models as m
from responders.cases import feedback
from responders.cases import mention_search as ms
from responders.replies.links import safe_next
from responders.staff.access import RESPONDER
from responders.web.deps import (
    by_id,
    case_or_404,
    csrf_protect,
    current_user,
    db_session,
    error_page,
    finish,
    flash,
    render,
    require_role,
    result_response,
    see_other,
    settings_of,
)

router = APIRouter()


@router.get("/mentions")
def mentions_page(
    request: Request,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """Every stored mention, newest first: search, filter, and report a missed complaint."""
    params = dict(request.query_params)
    parsed = ms.parse_filter(params, utcnow())
    if not parsed.ok or parsed.value is None:
        return error_page(request, 400, parsed.error, "/mentions")
    flt = parsed.value
    after = ms.Cursor.decode(params.get("after", ""))
    page = ms.search_mentions(session, flt, after)
    context = {
        "flt": flt,
        "f": flt.raw,
        "page": page,
        "brands": [b.name for b in settings_of(request).brands],
        "platforms": PLATFORMS,
        "next_url": ms.page_url(flt, page.next_cursor) if page.next_cursor else "",
        "first_url": ms.page_url(flt) if after else "",
        "here": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        "reasons": feedback.REASON_TEXT,
    }
    return render(request, "mentions.html", context)


@router.post("/mentions/{mention_id}/missed", dependencies=[Depends(csrf_protect)])
def report_missed(
    request: Request,
    mention_id: int,
    note: str = Form(""),
    back: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """ "Missed complaint": label the post a complaint and put it in a case (once)."""
    mention = by_id(session, m.Mention, mention_id)
    if mention is None:
        raise HTTPException(404, f"there is no mention #{mention_id}")
    result = feedback.report_missed(session, mention, user, note, settings_of(request))
    if not result.ok or result.value is None:
        session.rollback()
        return result_response(request, result, safe_next(back, "/mentions"))
    session.commit()
    missed = result.value
    if missed.created:
        flash(request, f"reported as a missed complaint: it is in case #{missed.case.id}")
    else:
        flash(request, f"already reported as a missed complaint (case #{missed.case.id})")
    return see_other(safe_next(back, f"/cases/{missed.case.id}"))


@router.post("/cases/{case_id}/dismiss", dependencies=[Depends(csrf_protect)])
def dismiss(
    request: Request,
    case_id: int,
    version: int = Form(...),
    reason: str = Form(""),
    note: str = Form(""),
    back: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """ "Not a complaint": close the case without a root cause, with a reason (reversible)."""
    case = case_or_404(session, case_id)
    result = feedback.dismiss(session, case, user, reason, note, expected_version=version)
    reason_text = feedback.REASON_TEXT.get(reason, reason)
    message = f"case #{case_id} dismissed as not a complaint ({reason_text}); Undo is on its page"
    return finish(request, session, result, safe_next(back, f"/cases/{case_id}"), message)


@router.post("/cases/{case_id}/undo-dismissal", dependencies=[Depends(csrf_protect)])
def undo_dismissal(
    request: Request,
    case_id: int,
    version: int = Form(...),
    note: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Undo "not a complaint": the case reopens (or the author's open case carries on)."""
    case = case_or_404(session, case_id)
    result = feedback.undo_dismissal(session, case, user, note, expected_version=version)
    carrier = result.value.id if result.ok and result.value is not None else case_id
    message = (
        f"case #{case_id} is open again"
        if carrier == case_id
        else f"undone: the author's open case #{carrier} now holds these posts"
    )
    return finish(request, session, result, f"/cases/{carrier}", message)
