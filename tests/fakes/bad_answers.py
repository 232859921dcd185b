"""Answers a platform should not give, as FakeServer replies: HTML pages, cut bodies, odd waits.

Each builder returns a `Reply` for `FakeServer.add` / `FakeServer.fault`. `BAD_ANSWERS` is the
table the source and publisher tests walk: (id, builder, words the recorded error must carry).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.fakes.http_server import Reply, json_reply

PORTAL = (
    b"<!DOCTYPE html><html><head><title>Wi-Fi login</title></head>"
    b"<body><h1>Please log in to continue</h1></body></html>"
)


def html_page(status: int = 200, body: bytes = PORTAL) -> Reply:
    """An HTML page (a captive portal, a CDN error page) where JSON was expected."""
    return Reply(status=status, body=body, headers={"content-type": "text/html; charset=utf-8"})


def html_as_json(status: int = 200) -> Reply:
    """An HTML page that claims to be JSON (a proxy that rewrites the body, not the headers)."""
    return Reply(status=status, body=PORTAL, headers={"content-type": "application/json"})


def empty_body(status: int = 200) -> Reply:
    """A 200 with nothing in it."""
    return Reply(status=status, body=b"", headers={"content-type": "application/json"})


def cut_json(obj: Any, keep: float = 0.5) -> Reply:
    """A complete-looking answer (right Content-Length) whose JSON stops in the middle."""
    text = json.dumps(obj).encode("utf-8")
    return Reply(
        body=text[: max(1, int(len(text) * keep))], headers={"content-type": "application/json"}
    )


def cut_connection(obj: Any, keep: float = 0.5) -> Reply:
    """Content-Length promises more than is sent, then the connection closes mid-body."""
    text = json.dumps(obj).encode("utf-8")
    return Reply(
        body=text[: max(1, int(len(text) * keep))],
        headers={"content-type": "application/json"},
        truncate=True,
    )


def wrong_shape(obj: Any = None) -> Reply:
    """Valid JSON of the wrong shape (a list where an object was expected, by default)."""
    return json_reply([] if obj is None else obj)


def error_object(message: str = "internal failure", status: int = 200) -> Reply:
    """An error object sent with status 200."""
    return json_reply({"error": "InternalError", "message": message}, status=status)


def retry_after(value: str, status: int = 429, headers: dict[str, str] | None = None) -> Reply:
    """A rate-limit answer whose Retry-After is exactly `value` (any text: dates, NaN, -5...)."""
    return json_reply(
        {"error": "RateLimitExceeded", "message": "Too Many Requests"},
        status=status,
        headers={"retry-after": value, **(headers or {})},
    )


# Odd Retry-After header values, each a test id: what the platform may send us.
ODD_RETRY_AFTER = {
    "huge": "99999999999",
    "negative": "-30",
    "infinite": "inf",
    "nan": "NaN",
    "words": "soon",
    "date-past": "Wed, 21 Oct 2015 07:28:00 GMT",
    "date-far-future": "Fri, 31 Dec 9999 23:59:59 GMT",
    "exponent": "1e400",
}

Builder = Callable[[], Reply]
