"""Who is calling the API: `Authorization: Bearer <token>`, the token's user and role, the rate.

Only the header counts: a browser's session cookie is never read here, so the API needs no CSRF
token (a cross-site form cannot set the header).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.staff.access import can
from responders.staff.tokens import authenticate_token
from responders.web.api.problems import ApiProblem
from responders.web.api.ratelimit import RateLimiter, retry_after
from responders.web.deps import db_session

BEARER = HTTPBearer(
    auto_error=False,
    description="a personal API token from `makegood users token USERNAME`",
)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="makegood"'}


def limiter_of(request: Request) -> RateLimiter:
    """The API's rate limiter (one per process)."""
    return request.app.state.rate_limiter  # type: ignore[no-any-return]


def _spend(request: Request, key: object) -> None:
    """429 with Retry-After when `key` has no request left."""
    wait = limiter_of(request).take(key)
    if wait > 0:
        raise ApiProblem(
            429,
            f"rate limit reached; retry in {retry_after(wait)} s",
            headers={"Retry-After": retry_after(wait)},
        )


def token_user(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(BEARER),
    session: Session = Depends(db_session),
) -> m.User:
    """The active user behind the request's bearer token; 401 (or 429) otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401, "send a personal API token: Authorization: Bearer <token>", headers=CHALLENGE
        )
    found = authenticate_token(session, credentials.credentials)
    if not found.ok or found.value is None:
        # Refusals are rate limited by address too: guessing tokens costs time.
        _spend(request, ("refused", request.client.host if request.client else ""))
        raise ApiProblem(401, found.error, headers=CHALLENGE)
    user, token = found.value
    _spend(request, ("token", token.id))
    if session.dirty:  # last_used_at moved on: keep it even if the action fails
        session.commit()
    request.state.user = user
    return user


def api_user(role: str) -> Callable[..., m.User]:
    """A dependency: the token's user if their role is at least `role`, else 403."""
    if role not in m.ROLES:
        raise ValueError(f"unknown role {role!r}")

    def dependency(user: m.User = Depends(token_user)) -> m.User:
        if not can(user, role):
            raise ApiProblem(403, f"your role ({user.role}) may not do this; it needs {role}")
        return user

    dependency.__name__ = f"api_{role}"
    return dependency
