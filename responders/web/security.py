"""Web security plumbing: the session key, the security headers, the login throttle."""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
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


class LoginThrottle:
    """Failed logins counted per (client address, username) and per address, in a sliding window.

    Keyed on the address too so nobody can lock an account out by failing its password from
    elsewhere; the looser per-address limit slows one address trying many usernames. Memory is
    bounded: old failures expire and at most `max_keys` keys are kept (least recently failed go
    first). Per process: N web workers allow N times the tries.
    """

    def __init__(
        self,
        per_account: int = 5,
        per_address: int = 30,
        window_seconds: float = 600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window = window_seconds
        self.max_keys = max_keys
        self.clock = clock
        self.failures: OrderedDict[tuple[str, ...], deque[float]] = OrderedDict()

    def _recent(self, key: tuple[str, ...]) -> int:
        """How many failures `key` has in the window; expired ones and empty keys are dropped."""
        times = self.failures.get(key)
        if times is None:
            return 0
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self.failures[key]
        return len(times)

    def blocked(self, address: str, username: str) -> bool:
        """Whether this address may not try this username (or any username) for now."""
        return (
            self._recent(("account", address, username)) >= self.per_account
            or self._recent(("address", address)) >= self.per_address
        )

    def fail(self, address: str, username: str) -> None:
        """Record one failed login from `address` for `username`."""
        now = self.clock()
        for key in (("account", address, username), ("address", address)):
            self._recent(key)  # expire first, so a key's deque never outgrows its window
            self.failures.setdefault(key, deque()).append(now)
            self.failures.move_to_end(key)
        while len(self.failures) > self.max_keys:
            self.failures.popitem(last=False)

    def clear(self, address: str, username: str) -> None:
        """Forget this pair's failures after a successful login (the address count stays)."""
        self.failures.pop(("account", address, username), None)
