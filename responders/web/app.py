"""The review-queue web app: `create_app(settings)` wires routers, sessions and security."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage.engine import make_sessionmaker, open_database
from responders.web import (
    routes_admin,
    routes_auth,
    routes_bulk,
    routes_case,
    routes_channels,
    routes_dashboard,
    routes_editor,
    routes_feedback,
    routes_health,
    routes_help,
    routes_incidents,
    routes_models,
    routes_ownership,
    routes_queue,
    routes_queue_live,
    routes_recovery,
    routes_templates,
    routes_webhooks,
)
from responders.web.api import create_api
from responders.web.deps import STATIC_DIR, LoginRequired, error_page
from responders.web.metrics import metrics_registry
from responders.web.page_basics import HeadAsGet, validation_error_page
from responders.web.page_basics import router as page_basics_router
from responders.web.request_ids import RequestIds, bind_path_ids
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
    app = FastAPI(
        title="makegood",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(bind_path_ids)],
    )
    app.state.settings = settings
    app.state.factory = factory
    app.state.metrics_registry = metrics_registry(settings, factory, utcnow)

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    # The JSON API is an app of its own: its errors are problem objects, its docs at /api/docs.
    app.mount("/api", create_api(settings, factory), name="api")
    routers = (
        routes_auth,
        routes_queue,
        routes_case,
        routes_recovery,
        routes_incidents,
        routes_dashboard,
        routes_admin,
        routes_channels,
        routes_health,
        routes_webhooks,
        routes_help,
        routes_ownership,
        routes_feedback,
        routes_models,
        routes_queue_live,
        routes_bulk,
        routes_editor,
        routes_templates,
    )
    for module in routers:
        app.include_router(module.router)
    app.include_router(page_basics_router)
    # A path id or query value of the wrong type: the error page, not FastAPI's JSON body.
    app.add_exception_handler(RequestValidationError, validation_error_page)  # type: ignore[arg-type]

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

    # Middleware added last runs first: ids and headers wrap everything, sessions the routes.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=settings.web.session_hours * 3600,
        same_site="lax",
        https_only=settings.web.secure_cookies,
    )
    app.add_middleware(SecurityHeaders, hsts=settings.web.secure_cookies)
    app.add_middleware(HeadAsGet)  # inside RequestIds: a HEAD carries its request id too
    app.add_middleware(RequestIds)  # outermost: every response, error pages too, carries its id
    return app
