"""The review-queue web app: `create_app(settings)` wires routers, sessions and security."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from monitor.settings import Settings
from monitor.storage.engine import make_sessionmaker, open_database
from responders.web import (
    routes_admin,
    routes_auth,
    routes_case,
    routes_channels,
    routes_dashboard,
    routes_incidents,
    routes_ownership,
    routes_queue,
    routes_recovery,
)
from responders.web.deps import STATIC_DIR, LoginRequired, error_page
from responders.web.head import HeadAsGet
from responders.web.security import SecurityHeaders, secret_key

log = logging.getLogger(__name__)
SESSION_COOKIE = "makegood_session"


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or request.url.path.startswith(
        "/api/"
    )


def create_app(
    settings: Settings,
    factory: sessionmaker[Session] | None = None,
    engine: Engine | None = None,
) -> FastAPI:
    """Build the web app on `settings` (opens and migrates the database unless given a factory)."""
    if factory is None:
        if engine is None:
            engine, factory = open_database(settings.database_url)
        else:
            factory = make_sessionmaker(engine)
    app = FastAPI(title="makegood", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.factory = factory

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    routers = (
        routes_auth,
        routes_queue,
        routes_case,
        routes_recovery,
        routes_incidents,
        routes_dashboard,
        routes_admin,
        routes_channels,
        routes_ownership,
    )
    for module in routers:
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.method == "GET" and not _wants_json(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return JSONResponse({"error": "log in first"}, status_code=401)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "there is no such page"
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return error_page(request, exc.status_code, message)

    # Middleware added last runs first: headers wrap everything, sessions wrap the routes.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=settings.web.session_hours * 3600,
        same_site="lax",
        https_only=settings.web.secure_cookies,
    )
    app.add_middleware(SecurityHeaders, hsts=settings.web.secure_cookies)
    app.add_middleware(HeadAsGet)  # outermost: HEAD is a GET all the way down
    return app
