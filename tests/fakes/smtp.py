"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) that keeps what it received.

    with smtp_server() as server:        # a free port is picked first (Controller can't take 0)
        ... send to server.host, server.port ...
        mails = server.wait_for(1)        # polls with a deadline, never sleeps blindly
    server.stop() / server.start()        # the same port again: "the SMTP server is back"

With `auth={"user": "secret"}` the server requires AUTH LOGIN/PLAIN (over plain TCP: tests only).
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Received:
    """One mail as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        """The text/plain or text/html body."""
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""


class _Handler:
    def __init__(self, store: list[Received], lock: threading.Lock):
        self.store = store
        self.lock = lock

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.store.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


class SmtpServer:
    """An aiosmtpd server on a fixed free port that can be stopped and started again."""

    def __init__(self, auth: dict[str, str] | None = None):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.auth = auth
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        ok = (
            isinstance(data, LoginPassword)
            and self.auth is not None
            and self.auth.get(data.login.decode()) == data.password.decode()
        )
        return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 535 on failure

    def start(self) -> None:
        """Listen (again) on the server's port."""
        kwargs: dict[str, Any] = {}
        if self.auth is not None:
            kwargs = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "AUTH without TLS": intended, tests only
            self._controller = Controller(
                _Handler(self.received, self._lock), hostname=self.host, port=self.port, **kwargs
            )
            self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until `start`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The mails received once there are at least `count` (AssertionError at the deadline)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self._lock:
            raise AssertionError(
                f"expected {count} mails within {timeout}s, got {len(self.received)}"
            )

    def mails(self) -> list[Received]:
        """What has arrived so far."""
        with self._lock:
            return list(self.received)


@contextmanager
def smtp_server(auth: dict[str, str] | None = None) -> Iterator[SmtpServer]:
    """A running SMTP server, stopped at the end."""
    server = SmtpServer(auth)
    server.start()
    try:
        yield server
    finally:
        server.stop()
