"""API actions on who holds a case and whether it is open: claim or assign, take over, close,
reopen.

The same `responders.cases` functions as the queue and case pages, with the case's `version` for
optimistic locking, so the owner rule and the audit trail hold for scripts as for people.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.cases import lifecycle
from responders.cases.actions import claim
from responders.cases.ownership import take_over
from responders.staff.access import APPROVER, RESPONDER, can
from responders.web.api.auth import api_user
from responders.web.api.problems import ApiProblem, FieldError, documented
from responders.web.api.routes_write import done
from responders.web.api.schemas import ActionOut, ClaimIn, CloseIn, ReopenIn, TakeOverIn
from responders.web.deps import case_or_404, db_session, settings_of

router = APIRouter(
    prefix="/v1/cases/{case_id}", responses=documented(400, 401, 403, 404, 409, 422, 429)
)


@router.post("/claim", response_model=ActionOut, summary="Claim or assign a case")
def claim_case(
    case_id: int,
    body: ClaimIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Claim the case (responders), or give it to `assignee` (approvers and admins)."""
    case = case_or_404(session, case_id)
    assignee = None
    if body.assignee and not can(user, APPROVER):
        raise ApiProblem(403, f"your role ({user.role}) may not assign others; it needs approver")
    if body.assignee:
        assignee = session.scalars(select(m.User).where(m.User.username == body.assignee)).first()
        if assignee is None:
            field = FieldError(field="body.assignee", message="no such user")
            raise ApiProblem(422, f"assignee: no user named {body.assignee!r}", [field])
    result = claim(session, case, user, expected_version=body.version, assignee=assignee)
    return done(session, result, case)


@router.post("/take-over", response_model=ActionOut, summary="Take over a claimed case")
def take_over_case(
    request: Request,
    case_id: int,
    body: TakeOverIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Take a case another person holds; their unsent drafts are superseded and they are told."""
    case = case_or_404(session, case_id)
    result = take_over(session, case, user, body.version, settings_of(request))
    return done(session, result, case)


@router.post("/close", response_model=ActionOut, summary="Close a case")
def close(
    request: Request,
    case_id: int,
    body: CloseIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Close the case with its outcome (the root cause must be set first, except for spam)."""
    case = case_or_404(session, case_id)
    result = lifecycle.close_case(
        session,
        case,
        user,
        body.outcome,
        body.note,
        brand=settings_of(request).find_brand(case.brand),
        expected_version=body.version,
    )
    return done(session, result, case)


@router.post("/reopen", response_model=ActionOut, summary="Reopen a closed case")
def reopen(
    case_id: int,
    body: ReopenIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Reopen a closed case (for instance to answer again), saying why."""
    case = case_or_404(session, case_id)
    result = lifecycle.reopen_case(session, case, user, body.reason, expected_version=body.version)
    return done(session, result, case)
