"""/healthz, /readyz and /metrics: for probes and Prometheus, outside login and CSRF.

/healthz answers without touching the database (the process is alive); /readyz runs the
readiness checks (responders.web.readiness); /metrics is readable from localhost only or with
a bearer token, as `[health] metrics_access` says.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from monitor.mention import utcnow
from responders.web import metrics
from responders.web.deps import settings_of
from responders.web.readiness import run_checks

router = APIRouter()
NO_STORE = {"cache-control": "no-store"}


@router.get("/healthz")
async def healthz() -> Response:
    """The process is up and serving (no database involved)."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """200 when every readiness check passes, else 503; the body lists each check."""
    checks = run_checks(request.app.state.factory, settings_of(request), utcnow())
    ready = all(check.ok for check in checks)
    body = {"status": "ready" if ready else "not ready", "checks": [c.as_json() for c in checks]}
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)


def is_loopback(host: str | None) -> bool:
    """Whether a client address is this machine (127.0.0.0/8, ::1, IPv4-mapped loopback)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def metrics_refusal(request: Request) -> Response | None:
    """Why this request may not read /metrics (a 401/403/503 response), or None if it may."""
    health = settings_of(request).health
    if health.metrics_access == "localhost":
        if is_loopback(request.client.host if request.client else None):
            return None
        return JSONResponse({"error": "/metrics is served to localhost only"}, status_code=403)
    expected = health.metrics_token
    if not expected:
        return JSONResponse(
            {"error": f"/metrics needs a token: {health.metrics_token_env} is not set"},
            status_code=503,
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        return None
    return JSONResponse(
        {"error": "a valid bearer token is required"},
        status_code=401,
        headers={"www-authenticate": 'Bearer realm="metrics"'},
    )


@router.get("/metrics")
def prometheus_metrics(request: Request) -> Response:
    """The metrics in Prometheus's text format, computed from the database now."""
    refusal = metrics_refusal(request)
    if refusal is not None:
        return refusal
    body = metrics.render(request.app.state.metrics_registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)
