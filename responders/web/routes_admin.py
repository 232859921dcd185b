"""Admin pages: the audit log (who did what, when) and the staff list."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.cases.review_queue import MAX_ID
from responders.staff.access import ADMIN
from responders.staff.accounts import list_users
from responders.web.deps import db_session, render, require_role

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
    """Staff accounts and their roles (manage them with `makegood users`)."""
    return render(request, "users.html", {"users": list_users(session)})
