"""API feedback on the flag: "not a complaint" on a case, its undo, "missed complaint" on a mention.

The same `responders.cases.feedback` functions as the pages, with the same roles and owner rule.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.cases import feedback
from responders.staff.access import RESPONDER
from responders.web.api.auth import api_user
from responders.web.api.problems import ApiProblem, documented, failed
from responders.web.api.routes_write import done
from responders.web.api.schemas import ActionOut, DismissIn, MissedIn, MissedOut, UndoDismissalIn
from responders.web.deps import by_id, case_or_404, db_session, settings_of

router = APIRouter(prefix="/v1", responses=documented(400, 401, 403, 404, 409, 422, 429))


@router.post("/cases/{case_id}/dismiss", response_model=ActionOut, summary="Not a complaint")
def dismiss(
    case_id: int,
    body: DismissIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Close the case without a root cause as not a complaint, labelling its mentions."""
    case = case_or_404(session, case_id)
    result = feedback.dismiss(
        session, case, user, body.reason, body.note, expected_version=body.version
    )
    return done(session, result, case)


@router.post(
    "/cases/{case_id}/undo-dismissal", response_model=ActionOut, summary="Undo not a complaint"
)
def undo_dismissal(
    case_id: int,
    body: UndoDismissalIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Revoke the dismissal's labels and reopen the case; returns the case that holds the posts."""
    case = case_or_404(session, case_id)
    result = feedback.undo_dismissal(session, case, user, body.note, expected_version=body.version)
    return done(session, result, result.value or case)


@router.post("/mentions/{mention_id}/missed", response_model=MissedOut, summary="Missed complaint")
def report_missed(
    request: Request,
    response: Response,
    mention_id: int,
    body: MissedIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> MissedOut:
    """Label an unflagged mention a complaint and put it in a case: 201 once, then 200."""
    mention = by_id(session, m.Mention, mention_id)
    if mention is None:
        raise ApiProblem(404, f"there is no mention #{mention_id}")
    result = feedback.report_missed(session, mention, user, body.note, settings_of(request))
    if not result.ok or result.value is None:
        session.rollback()
        raise failed(result)
    session.commit()
    missed = result.value
    response.status_code = 201 if missed.created else 200
    return MissedOut(case_id=missed.case.id, label_id=missed.label.id, created=missed.created)
