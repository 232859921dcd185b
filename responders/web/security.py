"""Web security plumbing: the session signing key and the security headers on every response."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from monitor.settings import SECRET_KEY_ENV, Settings

log = logging.getLogger(__name__)

KEY_FILE = "secret_key"
# No inline script or style anywhere: pages load /static/app.js and /static/app.css only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def secret_key(settings: Settings) -> str:
    """The session key: MAKEGOOD_SECRET_KEY, else one generated once and kept in data_dir (0600)."""
    from_env = os.environ.get(SECRET_KEY_ENV, "")
    if from_env:
        if len(from_env) < 32:
            log.warning("%s is shorter than 32 characters; use a long random value", SECRET_KEY_ENV)
        return from_env
    path = Path(settings.data_dir) / KEY_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    log.warning(
        "%s is not set: generated a session key and stored it in %s (mode 0600); "
        "set %s to manage it yourself",
        SECRET_KEY_ENV,
        path,
        SECRET_KEY_ENV,
    )
    return key


class SecurityHeaders:
    """ASGI middleware adding CSP, X-Frame-Options, nosniff and friends to every response."""

    def __init__(self, app: Any, hsts: bool = False):
        self.app = app
        self.headers = [*HEADERS]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
