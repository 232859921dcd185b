"""The dashboard page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.web.dashboard import CHART_H, CHART_PAD, CHART_W, load_dashboard
from responders.web.deps import current_user, db_session, render, settings_of
from responders.web.models_panel import load_models_panel
from responders.web.outbox_panel import SHOWN_STATES, load_outbox_panel

router = APIRouter()


@router.get("/dashboard")
def dashboard(
    request: Request,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """Open cases by severity, overdue, response times, negative volume, the outbox, the models."""
    board = load_dashboard(session)
    chart = {"w": CHART_W, "h": CHART_H, "pad": CHART_PAD}
    outbox = {"outbox": load_outbox_panel(session), "outbox_states": SHOWN_STATES}
    models = load_models_panel(session, settings_of(request))
    context = {"board": board, "chart": chart, "models": models, **outbox}
    return render(request, "dashboard.html", context)
