"""The webhooks admin page: register endpoints, see each one's delivery log, disable one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.events import EVENT_TYPES
from monitor.storage import models as m
from responders.outbox.endpoints import add_endpoint, deliveries, list_endpoints, set_active
from responders.staff.access import ADMIN
from responders.web.deps import (
    check_id,
    csrf_protect,
    db_session,
    finish,
    render,
    require_role,
    result_response,
    settings_of,
)

router = APIRouter()
PAGE = "/admin/webhooks"


def _page(request: Request, session: Session, **extra: object) -> Response:
    endpoints = list_endpoints(session)
    logs = {e.id: deliveries(session, e.id) for e in endpoints}
    context = {"endpoints": endpoints, "logs": logs, "event_types": EVENT_TYPES, "created": None}
    return render(request, "webhooks.html", {**context, **extra})


@router.get(PAGE)
def webhooks(
    request: Request,
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Every endpoint with its subscribed events and latest deliveries; the form to add one."""
    return _page(request, session)


@router.post(PAGE, dependencies=[Depends(csrf_protect)])
def add(
    request: Request,
    url: str = Form(""),
    secret: str = Form(""),
    description: str = Form(""),
    event_types: list[str] = Form([]),
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Register an endpoint; the page that answers shows its secret this once, never again."""
    allow_internal = settings_of(request).webhooks.allow_internal_addresses
    result = add_endpoint(session, user, url, event_types, secret, description, allow_internal)
    if not result.ok or result.value is None:
        session.rollback()
        return result_response(request, result, PAGE)
    session.commit()
    # Rendered, not redirected: the secret must not travel through the (readable) flash cookie.
    endpoint = result.value
    return _page(request, session, created={"id": endpoint.id, "secret": endpoint.secret})


@router.post(PAGE + "/{endpoint_id}/disable", dependencies=[Depends(csrf_protect)])
def disable(
    endpoint_id: int,
    request: Request,
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Stop sending to an endpoint (its pending deliveries fail as "disabled")."""
    result = set_active(session, user, check_id(endpoint_id, "endpoint_id"), False)
    return finish(request, session, result, PAGE, f"webhook endpoint #{endpoint_id} disabled")


@router.post(PAGE + "/{endpoint_id}/enable", dependencies=[Depends(csrf_protect)])
def enable(
    endpoint_id: int,
    request: Request,
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Send to a disabled endpoint again (new events only)."""
    result = set_active(session, user, check_id(endpoint_id, "endpoint_id"), True)
    return finish(request, session, result, PAGE, f"webhook endpoint #{endpoint_id} enabled")
