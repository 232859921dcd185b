"""Admin pages: the audit log (who did what, when), the staff list and their API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.cases.review_queue import MAX_ID
from responders.staff.access import ADMIN
from responders.staff.accounts import list_users
from responders.staff.tokens import create_token, list_tokens, revoke_token
from responders.web.deps import (
    csrf_protect,
    db_session,
    finish,
    render,
    require_role,
    result_response,
)

router = APIRouter()
PAGE = 100


@router.get("/admin/audit")
def audit_log(
    request: Request,
    before: int = 0,
    actor: str = "",
    action: str = "",
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """The audit trail, newest first, keyset-paginated by id, filterable by actor and action."""
    query = select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(PAGE + 1)
    if 0 < before <= MAX_ID:  # a larger `before` is past every id: start from the newest
        query = query.where(m.AuditEntry.id < before)
    if actor:
        query = query.where(m.AuditEntry.actor == actor.strip()[:80])
    if action:
        query = query.where(m.AuditEntry.action.startswith(action.strip()[:60], autoescape=True))
    entries = list(session.scalars(query))
    older = entries[PAGE - 1].id if len(entries) > PAGE else 0
    context = {"entries": entries[:PAGE], "older": older, "actor": actor, "action": action}
    return render(request, "audit.html", context)


@router.get("/admin/users")
def users(
    request: Request,
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Staff accounts and their roles (manage them with `makegood users`), and API tokens."""
    return _users_page(request, session)


def _users_page(request: Request, session: Session, new_token: str = "") -> Response:
    context = {
        "users": list_users(session),
        "tokens": list_tokens(session),
        "new_token": new_token,
    }
    return render(request, "users.html", context)


@router.post("/admin/users/tokens", dependencies=[Depends(csrf_protect)])
def new_token(
    request: Request,
    username: str = Form(...),
    name: str = Form(""),
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Make an API token for a colleague; the page shows it this once (it is stored hashed)."""
    made = create_token(session, username, name[:200], actor=user)
    if not made.ok or made.value is None:
        session.rollback()
        return result_response(request, made, "/admin/users")
    session.commit()
    # Shown in this response only: a flash message would put the token in the session cookie.
    page = _users_page(request, session, new_token=made.value.secret)
    page.headers["Cache-Control"] = "no-store"  # nor kept in the browser's cache
    return page


@router.post("/admin/users/tokens/{token_id}/revoke", dependencies=[Depends(csrf_protect)])
def revoke(
    request: Request,
    token_id: int,
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Revoke an API token: it is refused from the next request on."""
    result = revoke_token(session, token_id, actor=user)
    return finish(request, session, result, "/admin/users", f"API token #{token_id} revoked")
