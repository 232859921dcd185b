"""A request id per web request: X-Request-ID taken from the client (if sane) or made, and echoed.

The id is bound to the log context (monitor.log_context) for the whole request, so every line
logged while serving it carries it; ids in the path (`/cases/{case_id}`) are bound once the
route is known (`bind_path_ids`, an app-wide dependency).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import Request

from monitor.log_context import bind, unbind

HEADER = "x-request-id"
# What we accept from a client or a proxy: short, and nothing that could forge a log field.
_SANE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's X-Request-ID if it is a plain token, else a new random one."""
    for name, value in headers:
        if name.lower() == HEADER.encode():
            text = value.decode("latin-1").strip()
            if _SANE.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


class RequestIds:
    """ASGI middleware: bind the request id for logging and send it back as X-Request-ID."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", []))
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        tokens = bind(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            unbind(tokens)


async def bind_path_ids(request: Request) -> None:
    """Put the path's case id (if any) on the request's log lines."""
    case_id = request.path_params.get("case_id")
    if case_id is not None:
        bind(case_id=case_id)  # the request's task ends with the request: nothing to undo
