"""API actions on a case: submit and approve a draft, record a step, a root cause, compensation.

Each calls the same `responders.cases` function as the page does, with the case's `version`
for optimistic locking; the role is checked here (403) and again by the function.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from monitor.storage import models as m
from responders.cases import lifecycle
from responders.cases.actions import approve_draft, record_step, save_draft
from responders.replies.drafting import render_reply
from responders.results import Result
from responders.staff.access import APPROVER, CONFLICT, RESPONDER
from responders.web.api.auth import api_user
from responders.web.api.problems import ApiProblem, FieldError, documented, failed
from responders.web.api.schemas import (
    ActionOut,
    ApproveIn,
    CaseDetail,
    CompensationIn,
    DraftIn,
    RootCauseIn,
    StepIn,
)
from responders.web.case_data import case_variables, load_case_view
from responders.web.deps import case_or_404, db_session, draft_or_404, settings_of

router = APIRouter(
    prefix="/v1/cases/{case_id}", responses=documented(400, 401, 403, 404, 409, 422, 429)
)


def done(session: Session, result: Result[Any], case: m.RecoveryCase, **made: int) -> ActionOut:
    """Commit a successful action and return the case as it is now; a failure is a problem."""
    if not result.ok:
        session.rollback()
        raise failed(result)
    try:
        session.commit()
    except StaleDataError as exc:  # someone changed the case between our read and our write
        session.rollback()
        raise ApiProblem(409, CONFLICT) from exc
    return ActionOut(case=CaseDetail.of(load_case_view(session, case)), **made)


@router.post("/drafts", response_model=ActionOut, status_code=201, summary="Save or submit a draft")
def submit_draft(
    request: Request,
    case_id: int,
    body: DraftIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Render `source` with the case's variables and save it, submitted for approval by default."""
    case = case_or_404(session, case_id)
    mention = session.get(m.Mention, case.first_mention_id)
    if mention is None:
        raise ApiProblem(409, "this case has no mention to answer")
    variables = case_variables(settings_of(request), case, mention, user, delivery=body.channel)
    rendered = render_reply(
        body.source, variables, case.platform, public=body.channel == "public", mode=body.channel
    )
    if not rendered.ok or rendered.value is None:
        field = FieldError(field="body.source", message=rendered.error)
        raise ApiProblem(422, f"source: {rendered.error}", [field])
    saved = save_draft(
        session,
        case,
        mention,
        user,
        body.template,
        rendered.value.text,
        channel=body.channel,
        submit=body.submit,
        expected_version=body.version,
    )
    return done(session, saved, case, draft_id=saved.value.id if saved.value else 0)


@router.post("/drafts/{draft_id}/approve", response_model=ActionOut, summary="Approve a draft")
def approve(
    request: Request,
    case_id: int,
    draft_id: int,
    body: ApproveIn,
    user: m.User = Depends(api_user(APPROVER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Approve a submitted draft: it goes to the outbox and is published once by the worker."""
    case = case_or_404(session, case_id)
    draft = draft_or_404(session, case, draft_id)
    result = approve_draft(
        session,
        case,
        draft,
        user,
        two_person_rule=settings_of(request).two_person_rule(case.brand),
        expected_version=body.version,
    )
    return done(session, result, case, draft_id=draft.id)


@router.post("/steps", response_model=ActionOut, status_code=201, summary="Record a step")
def mark_step(
    case_id: int,
    body: StepIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Record one of the ten recovery steps as done, with a note."""
    case = case_or_404(session, case_id)
    result = record_step(
        session, case, user, body.step, body.note.strip(), expected_version=body.version
    )
    return done(session, result, case, event_id=result.value.id if result.value else 0)


@router.post("/root-cause", response_model=ActionOut, summary="Set the root cause")
def root_cause(
    request: Request,
    case_id: int,
    body: RootCauseIn,
    user: m.User = Depends(api_user(RESPONDER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Set the case's root cause from its brand's list (the "learn" step)."""
    case = case_or_404(session, case_id)
    brand = settings_of(request).find_brand(case.brand)
    if brand is not None:  # the configured causes, as the page offers them
        lifecycle.seed_root_causes(session, brand)
    result = lifecycle.set_root_cause(
        session, case, user, body.cause, body.note, expected_version=body.version
    )
    return done(session, result, case)


@router.post(
    "/compensations", response_model=ActionOut, status_code=201, summary="Record compensation"
)
def compensation(
    case_id: int,
    body: CompensationIn,
    user: m.User = Depends(api_user(APPROVER)),
    session: Session = Depends(db_session),
) -> ActionOut:
    """Add an entry to the case's compensation ledger (approvers)."""
    case = case_or_404(session, case_id)
    result = lifecycle.add_compensation(
        session,
        case,
        user,
        body.what,
        body.value_cents,
        body.currency,
        expected_version=body.version,
    )
    return done(session, result, case, compensation_id=result.value.id if result.value else 0)
