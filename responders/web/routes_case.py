"""The case page: the mention in context, the recovery checklist, and the reply editor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from monitor.ingest.writes import MAX_LATER_POSTS, LaterPost, later_posts
from monitor.mention import utcnow
from monitor.settings import BrandSettings
from monitor.storage import models as m
from responders.cases.actions import (
    approve_draft,
    record_step,
    reject_draft,
    resend_failed,
    save_draft,
)
from responders.cases.feedback import NOT_A_COMPLAINT, last_dismissal
from responders.cases.ownership import ownership
from responders.cases.viewers import describe, heartbeat, viewers
from responders.publishers import MODE_LABELS, best_mode, reply_modes
from responders.replies.drafting import render_measured, render_reply
from responders.replies.languages import is_language_code
from responders.results import Result
from responders.staff.access import APPROVER, RESPONDER, can
from responders.web import case_data as cd
from responders.web.deps import (
    case_or_404,
    commit_or_conflict,
    csrf_protect,
    current_user,
    db_session,
    draft_or_404,
    finish,
    flash,
    render,
    require_role,
    result_response,
    see_other,
    settings_of,
)
from responders.web.routes_editor import editor_context

router = APIRouter()
APPROVED = "reply approved: it is queued for sending"


def _case_page(
    request: Request,
    session: Session,
    case: m.RecoveryCase,
    user: m.User,
    editor: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    view = cd.load_case_view(session, case)
    settings = settings_of(request)
    sources = cd.template_sources(settings, case.platform)
    mention = view.mention
    modes = reply_modes(case.platform, mention.reply_allowed if mention else False)
    channels = [mode for mode, reason in modes.items() if reason is None]
    held = ownership(session, case)
    chosen = editor or {"channel": best_mode(modes)}
    words = editor_context(settings, case, mention, user, sources, chosen)
    context: dict[str, Any] = {
        "view": view,
        "case": case,
        "templates_json": sources,
        "channels": channels,
        "unavailable": [(MODE_LABELS[mode], r) for mode, r in modes.items() if r is not None],
        "mode_labels": MODE_LABELS,
        "held": held,
        "mine": held.owner_id in (None, user.id),
        "failures": _failures(view),
        "public_allowed": cd.public_reply_allowed(view.mention),
        "two_person_rule": settings_of(request).two_person_rule(case.brand),
        "steps": m.RECOVERY_STEPS,
        "editor": {"template": words["kind"], "channel": best_mode(modes), **(editor or {})},
        "words": words,
        "error": error,
        "staff": _staff(session),
        "later": _later_posts(request, session, case),
        "dismissal": last_dismissal(session, case) if case.outcome == NOT_A_COMPLAINT else None,
        "viewing": describe(viewers(session, case.id, user.id, utcnow())),
    }
    return render(request, "case.html", context, status_code)


def _later_posts(request: Request, session: Session, case: m.RecoveryCase) -> list[LaterPost]:
    """The author's later posts, marked as the win-back counts them (the same computation)."""
    brand = settings_of(request).find_brand(case.brand)
    days = brand.win_back_days if brand else BrandSettings.model_fields["win_back_days"].default
    return later_posts(session, case, days, MAX_LATER_POSTS)


def _failures(view: cd.CaseView) -> dict[int, str]:
    """Each failed draft's last send error, so its card says why (the history says it too)."""
    found: dict[int, str] = {}
    for event, _ in view.events:
        if event.kind == "send_failed" and isinstance(event.data, dict):
            found[int(event.data.get("draft_id") or 0)] = event.note
    return found


def _staff(session: Session) -> list[m.User]:
    from responders.cases.review_queue import assignable_users

    return assignable_users(session)


@router.get("/cases/{case_id}")
def case_view(
    request: Request,
    case_id: int,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """A case with its mention in context, the checklist, the drafts and the editor."""
    case = case_or_404(session, case_id)
    heartbeat(session, case.id, user.id, utcnow())  # opening the page starts a visit
    session.commit()
    return _case_page(request, session, case, user)


@router.post("/cases/{case_id}/preview", dependencies=[Depends(csrf_protect)])
def preview(
    request: Request,
    case_id: int,
    payload: dict[str, Any] = Body(...),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> JSONResponse:
    """Render the editor's text with the case's variables (sandboxed) and count its length."""
    case = case_or_404(session, case_id)
    mention = session.get(m.Mention, case.first_mention_id)
    source = str(payload.get("source", ""))
    channel = str(payload.get("channel", "public"))
    if channel not in cd.CHANNELS:
        return JSONResponse({"ok": False, "error": "unknown reply channel"}, 400)
    variables = cd.case_variables(settings_of(request), case, mention, user, delivery=channel)
    # Measured, not refused: the editor shows an over-long text with its count.
    rendered = render_measured(
        source, variables, case.platform, public=channel == "public", mode=channel
    )
    if not rendered.ok or rendered.value is None:
        return JSONResponse({"ok": False, "error": rendered.error, "text": "", "length": ""})
    length = rendered.value.length  # a DM or manual reply has limit 0: never over
    over = length.over
    return JSONResponse(
        {
            "ok": not over,
            "error": f"too long for {case.platform}: shorten it by {length.count - length.limit}"
            if over
            else "",
            "text": rendered.value.text,
            "length": length.describe(),
            "count": length.count,
            "limit": length.limit,
            "over": over,
        }
    )


@router.post("/cases/{case_id}/drafts", dependencies=[Depends(csrf_protect)])
def submit_draft(
    request: Request,
    case_id: int,
    version: int = Form(...),
    template: str = Form(""),
    lang: str = Form(""),
    source: str = Form(""),
    channel: str = Form("public"),
    action: str = Form("submit"),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Save a draft, submit it for approval, or (approvers) approve it at once."""
    case = case_or_404(session, case_id)
    editor = {"template": template, "lang": lang, "source": source, "channel": channel}
    if channel not in cd.CHANNELS or action not in ("save", "submit", "approve"):
        raise HTTPException(400, "unknown reply channel or action")
    if action == "approve" and not can(user, APPROVER):
        raise HTTPException(403, f"your role ({user.role}) may not approve; it needs {APPROVER}")
    mention = session.get(m.Mention, case.first_mention_id)
    if mention is None:
        raise HTTPException(409, "this case has no mention to answer")
    variables = cd.case_variables(settings_of(request), case, mention, user, delivery=channel)
    rendered = render_reply(
        source, variables, case.platform, public=channel == "public", mode=channel
    )
    if not rendered.ok or rendered.value is None:
        return _case_page(request, session, case, user, editor, rendered.error, 400)
    saved = save_draft(
        session,
        case,
        mention,
        user,
        f"{template}.{lang}" if template and is_language_code(lang) else template,
        rendered.value.text,
        channel=channel,
        submit=action != "save",
        expected_version=version,
    )
    if not saved.ok or saved.value is None:
        return _failed(request, session, case_id, user, editor, saved)
    if action == "approve":
        approved = approve_draft(
            session,
            case,
            saved.value,
            user,
            two_person_rule=settings_of(request).two_person_rule(case.brand),
        )
        if approved.conflict:  # the guard rolled back the whole request, the new draft too
            return result_response(request, approved, f"/cases/{case_id}")
        if failed := commit_or_conflict(request, session, f"/cases/{case_id}"):
            return failed
        if not approved.ok:
            flash(request, f"saved for approval, not approved: {approved.error}", "error")
            return see_other(f"/cases/{case_id}")
        flash(request, APPROVED)
        return see_other(f"/cases/{case_id}")
    message = "draft saved" if action == "save" else "reply submitted for approval"
    return finish(request, session, saved, f"/cases/{case_id}", message)


def _failed(
    request: Request,
    session: Session,
    case_id: int,
    user: m.User,
    editor: dict[str, str],
    result: Result[Any],
) -> Response:
    """Show the case as it is now, the person's text kept, and why their action failed."""
    session.rollback()
    case = case_or_404(session, case_id)
    session.refresh(case)
    return _case_page(
        request, session, case, user, editor, result.error, 409 if result.conflict else 400
    )


@router.post("/cases/{case_id}/drafts/{draft_id}/approve", dependencies=[Depends(csrf_protect)])
def approve(
    request: Request,
    case_id: int,
    draft_id: int,
    version: int = Form(...),
    user: m.User = Depends(require_role(APPROVER)),
    session: Session = Depends(db_session),
) -> Response:
    """Approve a submitted draft: it goes to the outbox."""
    case = case_or_404(session, case_id)
    draft = draft_or_404(session, case, draft_id)
    result = approve_draft(
        session,
        case,
        draft,
        user,
        two_person_rule=settings_of(request).two_person_rule(case.brand),
        expected_version=version,
    )
    return finish(request, session, result, f"/cases/{case_id}", APPROVED)


@router.post("/cases/{case_id}/drafts/{draft_id}/reject", dependencies=[Depends(csrf_protect)])
def reject(
    request: Request,
    case_id: int,
    draft_id: int,
    version: int = Form(...),
    reason: str = Form(""),
    user: m.User = Depends(require_role(APPROVER)),
    session: Session = Depends(db_session),
) -> Response:
    """Send a draft back with a reason."""
    case = case_or_404(session, case_id)
    draft = draft_or_404(session, case, draft_id)
    result = reject_draft(session, case, draft, user, reason, expected_version=version)
    return finish(request, session, result, f"/cases/{case_id}", "draft sent back to its author")


@router.post("/cases/{case_id}/steps", dependencies=[Depends(csrf_protect)])
def mark_step(
    request: Request,
    case_id: int,
    version: int = Form(...),
    step: str = Form(...),
    note: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Record one of the ten recovery steps as done."""
    case = case_or_404(session, case_id)
    result = record_step(session, case, user, step, note.strip()[:2000], expected_version=version)
    message = f"step '{step.replace('_', ' ')}' recorded"
    return finish(request, session, result, f"/cases/{case_id}", message)


@router.post("/cases/{case_id}/drafts/{draft_id}/resend", dependencies=[Depends(csrf_protect)])
def resend(
    request: Request,
    case_id: int,
    draft_id: int,
    version: int = Form(...),
    user: m.User = Depends(require_role(APPROVER)),
    session: Session = Depends(db_session),
) -> Response:
    """Send a failed reply again (its outbox item is due now)."""
    case = case_or_404(session, case_id)
    draft = draft_or_404(session, case, draft_id)
    result = resend_failed(session, case, draft, user, expected_version=version)
    return finish(request, session, result, f"/cases/{case_id}", "the reply is queued again")
