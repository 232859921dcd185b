"""Who is on a case, live: the owner banner's polling endpoint (with an ETag) and taking over.

Each poll is also the poller's heartbeat (responders.cases.viewers): the banner lists the other
staff who have the case open now.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cases.ownership import ownership, take_over
from responders.cases.viewers import describe, heartbeat, viewers
from responders.staff.access import RESPONDER
from responders.web.deps import (
    case_or_404,
    csrf_protect,
    current_user,
    db_session,
    finish,
    json_with_etag,
    require_role,
    settings_of,
)

router = APIRouter()


def presence(session: Session, case: m.RecoveryCase, user: m.User) -> dict[str, object]:
    """What the owner banner shows: the owner, since when, and the case's state, for `user`."""
    held = ownership(session, case)
    others = viewers(session, case.id, user.id, utcnow())
    pending = session.scalar(
        select(func.count())
        .select_from(m.ReplyDraft)
        .where(m.ReplyDraft.case_id == case.id, m.ReplyDraft.state == "pending_approval")
    )
    return {
        "case_id": case.id,
        "version": case.version,
        "status": case.status,
        "owner": held.owner,
        "owner_id": held.owner_id,
        "since": held.since.isoformat() if held.since else "",
        "banner": held.describe(),
        "mine": held.owner_id == user.id,
        "pending_drafts": pending or 0,
        "viewers": [v.as_dict() for v in others],
        "viewing": describe(others),
    }


@router.get("/cases/{case_id}/presence")
def case_presence(
    request: Request,
    case_id: int,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """The banner's state as JSON; 304 when it has not changed since the page's last poll."""
    case = case_or_404(session, case_id)
    heartbeat(session, case.id, user.id, utcnow())
    session.commit()
    return json_with_etag(request, presence(session, case, user))


@router.post("/cases/{case_id}/take-over", dependencies=[Depends(csrf_protect)])
def take_over_case(
    request: Request,
    case_id: int,
    version: int = Form(...),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Take a case someone else holds (audited; they are told)."""
    case = case_or_404(session, case_id)
    result = take_over(session, case, user, version, settings_of(request))
    return finish(request, session, result, f"/cases/{case_id}", f"case #{case_id} is yours now")
