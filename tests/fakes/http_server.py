"""A threaded local HTTP server on 127.0.0.1:0 serving scripted or recorded responses, with faults.

Routes match by method + path (trailing slash ignored) and, when a route gives `query`, by those
parameters (minus `ignore_params`); the route naming the most parameters wins. A route holds a
list of replies served in order; the last one repeats. Faults queued with `fault()` take
precedence over routes. Every request is recorded.
See tests/fakes/README.md.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.cassettes import Entry


@dataclass
class Reply:
    """One scripted response. `delay` holds it back (seconds); `truncate` cuts the body short."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False


@dataclass(frozen=True)
class Recorded:
    """A request the server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        """The body parsed as a form (application/x-www-form-urlencoded)."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def json_reply(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """A JSON response."""
    return Reply(
        status=status,
        body=json.dumps(obj).encode("utf-8"),
        headers={"content-type": "application/json; charset=utf-8", **(headers or {})},
    )


def too_many_requests(retry_after: float = 30, headers: dict[str, str] | None = None) -> Reply:
    """429 with Retry-After (seconds), plus any rate-limit headers given."""
    return json_reply(
        {"error": 429, "message": "Too Many Requests"},
        status=429,
        headers={"retry-after": str(int(retry_after)), **(headers or {})},
    )


def server_error(status: int = 503) -> Reply:
    """A 5xx with an HTML body, as a load balancer sends it."""
    body = f"<html><body><h1>{status} Service Unavailable</h1></body></html>".encode()
    return Reply(status=status, body=body, headers={"content-type": "text/html"})


def slow(seconds: float, inner: Reply | None = None) -> Reply:
    """A response held back `seconds` (longer than the client's timeout makes a timeout)."""
    inner = inner or json_reply({})
    return Reply(inner.status, inner.body, dict(inner.headers), delay=seconds)


def malformed_json() -> Reply:
    """A 200 that claims to be JSON but is not."""
    return Reply(body=b'{"data": [ {"id": oops', headers={"content-type": "application/json"})


def truncated(body: bytes | None = None) -> Reply:
    """A 200 whose body stops before its Content-Length (the connection is then closed)."""
    body = body or b'{"data": [{"id": "1", "text": "cut off in the middle of the'
    return Reply(body=body, headers={"content-type": "application/json"}, truncate=True)


@dataclass
class _Route:
    method: str
    path: str
    query: dict[str, str] | None
    replies: list[Reply]
    served: int = 0

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


def _norm(path: str) -> str:
    return path.rstrip("/") or "/"


class FakeServer:
    """The server. Use as a context manager, or call start()/stop()."""

    def __init__(self, ignore_params: Iterable[str] = ()) -> None:
        self.ignore_params = set(ignore_params)
        self.requests: list[Recorded] = []
        self._routes: list[_Route] = []
        self._faults: list[tuple[str | None, str | None, Reply]] = []
        self._lock = threading.Lock()
        self._release = threading.Event()  # set on stop: delayed replies give up waiting
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeServer:
        """Bind 127.0.0.1 on a free port and serve in a background thread."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

            def _handle(self) -> None:
                server._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release any delayed replies."""
        self._release.set()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._httpd is not None, "start() the server first"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:40123 (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    # --- scripting -------------------------------------------------------------------------

    def add(
        self,
        method: str,
        path: str,
        replies: Reply | list[Reply],
        query: dict[str, str] | None = None,
    ) -> None:
        """Serve `replies` in order (the last repeats) to method/path requests having `query`."""
        replies = replies if isinstance(replies, list) else [replies]
        query = None if query is None else self._strip(query)
        with self._lock:
            self._routes.append(_Route(method.upper(), _norm(path), query, list(replies)))

    def add_json(
        self,
        method: str,
        path: str,
        obj: Any,
        status: int = 200,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> None:
        """Serve one JSON body."""
        self.add(method, path, json_reply(obj, status, headers), query)

    def add_entries(self, entries: Iterable[Entry], match_query: bool = True) -> None:
        """Serve recorded entries; repeats of one request get their recorded replies in turn."""
        for entry in entries:
            reply = Reply(entry.status, entry.body, dict(entry.headers))
            query = dict(entry.query) if match_query else None
            existing = self._find(entry.method, _norm(entry.path), query, exact=True)
            if existing is not None:
                existing.replies.append(reply)
            else:
                self.add(entry.method, entry.path, reply, query)

    def fault(
        self, reply: Reply, times: int = 1, method: str | None = None, path: str | None = None
    ) -> None:
        """Answer the next `times` requests (optionally only those to method/path) with `reply`."""
        with self._lock:
            for _ in range(times):
                self._faults.append((method and method.upper(), path and _norm(path), reply))

    def clear_faults(self) -> None:
        """Drop faults not yet served (the server 'recovers')."""
        with self._lock:
            self._faults.clear()

    def calls(self, path: str | None = None, method: str | None = None) -> list[Recorded]:
        """Recorded requests, optionally only those to `path` and/or with `method`."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (path is None or _norm(r.path) == _norm(path))
                and (method is None or r.method == method.upper())
            ]

    # --- serving ---------------------------------------------------------------------------

    def _strip(self, query: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in query.items() if k not in self.ignore_params}

    def _find(
        self, method: str, path: str, query: dict[str, str] | None, exact: bool
    ) -> _Route | None:
        best: _Route | None = None
        for route in self._routes:
            if route.method != method or route.path != path:
                continue
            if exact:
                if route.query == query:
                    return route
                continue
            if route.query is not None and any(query.get(k) != v for k, v in route.query.items()):
                continue
            # The route naming the most query parameters wins (a route without query: none).
            if best is None or len(route.query or {}) > len(best.query or {}):
                best = route
        return best

    def _pick(self, method: str, path: str, query: dict[str, str]) -> Reply | None:
        with self._lock:
            for i, (f_method, f_path, reply) in enumerate(self._faults):
                if (f_method is None or f_method == method) and (f_path is None or f_path == path):
                    del self._faults[i]
                    return reply
            route = self._find(method, path, self._strip(query), exact=False)
            return route.next_reply() if route else None

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        method = handler.command.upper()
        with self._lock:
            self.requests.append(
                Recorded(
                    method,
                    parts.path,
                    query,
                    {k.lower(): v for k, v in handler.headers.items()},
                    body,
                )
            )
        reply = self._pick(method, _norm(parts.path), query)
        if reply is None:
            reply = json_reply(
                {"error": "no fake route", "method": method, "path": parts.path, "query": query},
                status=404,
            )
        if reply.delay and self._release.wait(reply.delay):
            return  # the server is stopping
        try:
            handler.send_response(reply.status)
            headers = {k.lower(): v for k, v in reply.headers.items()}
            headers.pop("content-length", None)
            for name, value in headers.items():
                handler.send_header(name, value)
            if reply.truncate:
                # Promise more than we send, then hang up: the client sees a truncated body.
                handler.send_header("content-length", str(len(reply.body) + 100))
                handler.send_header("connection", "close")
                handler.end_headers()
                handler.wfile.write(reply.body)
                handler.wfile.flush()
                handler.close_connection = True
                return
            handler.send_header("content-length", str(len(reply.body)))
            if handler.close_connection:
                # Say so: a client that thinks the connection stays open reuses it and races
                # our close (prawcore's token request asks for Connection: close).
                handler.send_header("connection", "close")
            handler.end_headers()
            if method != "HEAD":
                handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (timeout): nothing to do


@contextmanager
def serving(ignore_params: Iterable[str] = ()) -> Iterator[FakeServer]:
    """A started FakeServer for a `with` block."""
    server = FakeServer(ignore_params).start()
    try:
        yield server
    finally:
        server.stop()
