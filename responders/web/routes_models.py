"""The learned-model action: an admin makes an earlier model version active (a rollback)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.staff.access import ADMIN
from responders.staff.model_versions import activate_version
from responders.web.deps import csrf_protect, db_session, finish, require_role

router = APIRouter()
BACK = "/dashboard#models"


@router.post("/models/{version_id}/activate", dependencies=[Depends(csrf_protect)])
def activate(
    request: Request,
    version_id: int,
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Make model version #version_id its brand's active model; the one before is retired."""
    result = activate_version(session, version_id, user)
    done = f"{result.value.brand} v{result.value.version}" if result.value else ""
    return finish(request, session, result, BACK, f"{done} is now the active model")
