"""Incident pages: open and recent crises, one crisis with its grouped mentions, and resolving it.

The alert e-mails of a spike or a viral post link here (/incidents/{id}).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.alerts.mail import resolve_incident
from responders.staff.access import RESPONDER
from responders.web.deps import (
    csrf_protect,
    current_user,
    db_session,
    flash,
    render,
    require_role,
    result_response,
    see_other,
)

router = APIRouter()
RECENT = timedelta(days=30)  # resolved incidents listed below the open ones
MAX_RECENT = 50
MAX_MENTIONS = 500  # a crisis page lists at most this many mentions (newest first)


def _mention_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(m.Mention.incident_id, func.count())
        .where(m.Mention.incident_id.in_(ids))
        .group_by(m.Mention.incident_id)
    ).all()
    return {int(incident_id): int(n) for incident_id, n in rows}


@router.get("/incidents")
def incidents(
    request: Request,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """Open incidents first (oldest on top: longest unresolved), then recently resolved ones."""
    open_ = session.scalars(
        select(m.Incident).where(m.Incident.resolved_at.is_(None)).order_by(m.Incident.opened_at)
    ).all()
    recent = session.scalars(
        select(m.Incident)
        .where(m.Incident.resolved_at.is_not(None), m.Incident.resolved_at > utcnow() - RECENT)
        .order_by(m.Incident.resolved_at.desc())
        .limit(MAX_RECENT)
    ).all()
    counts = _mention_counts(session, [i.id for i in [*open_, *recent]])
    return render(
        request, "incidents/list.html", {"open": open_, "recent": recent, "counts": counts}
    )


def _incident(session: Session, incident_id: int) -> m.Incident:
    incident = session.get(m.Incident, incident_id)
    if incident is None:
        raise HTTPException(404, f"there is no incident #{incident_id}")
    return incident


@router.get("/incidents/{incident_id}")
def incident_page(
    incident_id: int,
    request: Request,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """One incident: what was seen, the mentions it grouped with their cases, and Resolve."""
    incident = _incident(session, incident_id)
    rows = session.execute(
        select(m.Mention, m.RecoveryCase)
        .outerjoin(m.RecoveryCase, m.RecoveryCase.id == m.Mention.case_id)
        .where(m.Mention.incident_id == incident.id)
        .order_by(m.Mention.created_at.desc(), m.Mention.id.desc())
        .limit(MAX_MENTIONS)
    ).all()
    total = _mention_counts(session, [incident.id]).get(incident.id, 0)
    resolver = session.get(m.User, incident.resolved_by) if incident.resolved_by else None
    reasons = [str(r) for r in (incident.data or {}).get("reasons", [])]
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "rows": rows,
            "total": total,
            "resolver": resolver,
            "reasons": reasons,
        },
    )


@router.post("/incidents/{incident_id}/resolve", dependencies=[Depends(csrf_protect)])
def resolve(
    incident_id: int,
    request: Request,
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> Response:
    """Resolve an open incident (responder or above; audited by resolve_incident)."""
    _incident(session, incident_id)
    result = resolve_incident(session, incident_id, user)
    if not result.ok:
        session.rollback()
        return result_response(request, result, f"/incidents/{incident_id}")
    session.commit()
    flash(request, f"incident #{incident_id} resolved")
    return see_other(f"/incidents/{incident_id}")
