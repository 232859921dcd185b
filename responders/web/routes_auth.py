"""Log in and out: argon2-checked passwords, a fresh session on login, failures throttled."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.replies.links import safe_next
from responders.staff.accounts import authenticate, end_sessions
from responders.staff.audit import audit
from responders.web.deps import csrf_protect, csrf_token, db_session, render, see_other
from responders.web.security import LoginThrottle

router = APIRouter()


def _throttle(request: Request) -> LoginThrottle:
    state = request.app.state
    if not hasattr(state, "login_throttle"):
        state.login_throttle = LoginThrottle()
    return state.login_throttle  # type: ignore[no-any-return]


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The login form."""
    return render(request, "login.html", {"next": safe_next(next), "error": ""})


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    session: Session = Depends(db_session),
) -> Response:
    """Check the password; on success start a new session (new CSRF token, no fixation)."""
    key = username.strip().lower()
    # The peer address (behind a proxy, serve_cmd's proxy_headers make it the client's own).
    address = request.client.host if request.client else "unknown"
    throttle = _throttle(request)
    if throttle.blocked(address, key):
        context = {"next": safe_next(next), "error": "too many failed attempts; try again later"}
        return render(request, "login.html", context, status_code=429)
    result = authenticate(session, username, password)
    if not result.ok or result.value is None:
        throttle.fail(address, key)
        audit(session, None, "login.failed", f"user:{key[:80]}")
        session.commit()
        return render(request, "login.html", {"next": safe_next(next), "error": result.error}, 401)
    user = result.value
    throttle.clear(address, key)
    audit(session, user, "login", f"user:{user.id}")
    session.commit()
    request.session.clear()
    request.session["uid"] = user.id
    request.session["epoch"] = user.session_epoch
    request.session["auth_at"] = utcnow().timestamp()
    csrf_token(request)
    return see_other(safe_next(next))


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request, session: Session = Depends(db_session)) -> Response:
    """End the session, and every copy of its cookie (all of this account's sessions)."""
    user_id = request.session.get("uid")
    user = session.get(m.User, int(user_id)) if user_id else None
    if user is not None:
        end_sessions(user)
        audit(session, user, "logout", f"user:{user.id}")
        session.commit()
    request.session.clear()
    return see_other("/login")
