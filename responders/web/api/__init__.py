"""The JSON API under /api: `create_api(settings, factory)` builds the app web/app.py mounts."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from responders.web.api import (
    docs,
    problems,
    routes_case_state,
    routes_feedback,
    routes_read,
    routes_write,
)
from responders.web.api.ratelimit import RateLimiter

DESCRIPTION = """\
The review queue for other tools: mentions, cases, drafts, recovery steps and reports.

Authenticate with a personal API token (`makegood users token USERNAME`, or the users page) as
`Authorization: Bearer <token>`. A token acts with its user's role, with the same rules as the
pages. Errors are RFC 9457 problem objects. Each token is rate limited (429 with Retry-After).
"""


def create_api(settings: Settings, factory: sessionmaker[Session]) -> FastAPI:
    """The API app: routers, problem-object errors, the docs page and a rate limiter."""
    api = FastAPI(
        title="makegood API",
        version="1",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    api.state.settings = settings
    api.state.factory = factory
    api.state.rate_limiter = RateLimiter(
        settings.web.api_requests_per_minute, settings.web.api_burst
    )
    problems.install(api)
    docs.install(api)
    api.include_router(routes_read.router)
    api.include_router(routes_write.router)
    api.include_router(routes_case_state.router)
    api.include_router(routes_feedback.router)
    return api
