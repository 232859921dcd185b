"""Acting on several queue rows at once: the confirmation page, then one action per case."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.cases import bulk
from responders.replies.links import safe_next
from responders.staff.access import RESPONDER, can
from responders.web.deps import (
    csrf_protect,
    db_session,
    error_page,
    flash,
    render,
    require_role,
    see_other,
)

router = APIRouter()


def _chosen(
    session: Session,
    user: m.User,
    action: str,
    cases: list[str],
    assignee_id: str,
    reason: str = "",
    note: str = "",
) -> tuple[bulk.BulkAction, list[tuple[int, int]], bulk.BulkInput] | str:
    """The action, the selection and the input from the form; or what is wrong, for people."""
    chosen = bulk.ACTIONS.get(action)
    if chosen is None:
        return f"action: {action[:40]!r} is not one of {', '.join(bulk.ACTIONS)}"
    if not can(user, chosen.role):
        return (
            f"your role ({user.role}) may not {chosen.label.lower()} cases; it needs {chosen.role}"
        )
    selection = bulk.parse_selection(cases)
    if selection.value is None:
        return selection.error
    assignee = None
    if chosen.needs_assignee:
        if not bulk.is_row_id(assignee_id):
            return "assignee_id: pick a colleague to assign the cases to"
        assignee = session.get(m.User, int(assignee_id))
        if assignee is None or not assignee.active:
            return "assignee_id: pick an active colleague to assign the cases to"
    if chosen.needs_reason and reason not in bulk.REASONS:
        return f"reason: say why they are not complaints ({', '.join(bulk.REASONS)})"
    given = bulk.BulkInput(assignee=assignee, reason=reason, note=note.strip()[:2000])
    return chosen, selection.value, given


@router.post("/queue/bulk", dependencies=[Depends(csrf_protect)])
def confirm_bulk(
    request: Request,
    action: str = Form(""),
    case: list[str] = Form([]),
    assignee_id: str = Form(""),
    reason: str = Form(""),
    note: str = Form(""),
    back: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """The confirmation step: what will be done to which cases, before anything is."""
    back = safe_next(back, "/")
    chosen = _chosen(session, user, action, case, assignee_id, reason, note)
    if isinstance(chosen, str):
        return error_page(request, 400, chosen, back)
    act, selection, given = chosen
    context = {
        "action": act,
        "rows": bulk.selected_rows(session, selection),
        "assignee": given.assignee,
        "reason": given.reason,
        "note": given.note,
        "back": back,
    }
    return render(request, "bulk_confirm.html", context)


@router.post("/queue/bulk/run", dependencies=[Depends(csrf_protect)])
def run_bulk(
    request: Request,
    action: str = Form(""),
    case: list[str] = Form([]),
    assignee_id: str = Form(""),
    reason: str = Form(""),
    note: str = Form(""),
    back: str = Form(""),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Do it: the action on each confirmed case (each audited); say which went through."""
    back = safe_next(back, "/")
    chosen = _chosen(session, user, action, case, assignee_id, reason, note)
    if isinstance(chosen, str):
        return error_page(request, 400, chosen, back)
    act, selection, given = chosen
    to = given.assignee.username if given.assignee else ""
    outcomes = bulk.run_bulk(session, act, user, selection, given)
    head, refused = bulk.summary(act, outcomes, to)
    flash(request, head)
    shown = refused if len(refused) <= 4 else [*refused[:3], f"and {len(refused) - 3} more refused"]
    for line in shown:  # the flash keeps five messages
        flash(request, line, "error")
    return see_other(back)
