"""Plain HTTP for sources without a client library (Hacker News, RSS): failures as SourceError."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import requests

from monitor.sources._common import rejected, retry_after_seconds
from monitor.sources.base import SourceError

USER_AGENT = "makegood/0.1 (brand monitor; +https://github.com/makegood)"


def get(
    session: requests.Session,
    name: str,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 20.0,
    ok: tuple[int, ...] = (200,),
    rate_wait: float,
) -> requests.Response:
    """GET `url`; a 429/5xx/timeout/other status becomes a SourceError with a retry hint.

    `rate_wait`: the platform's wait after a 429 that names no time (Platform.rates).
    """
    try:
        response = session.get(
            url,
            params=params,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            timeout=timeout,
        )
        response.content  # noqa: B018 - read the body now so a truncated one fails here
    except requests.RequestException as exc:
        raise SourceError(f"{name}: request failed ({failure_reason(exc)})") from None
    status = response.status_code
    if status in ok:
        return response
    wait = retry_after_seconds(response.headers)
    if status == 429:
        raise SourceError(f"{name}: rate limited (429)", retry_after=wait or rate_wait)
    if status in (401, 403):
        raise SourceError(f"{name}: HTTP {status}: access refused for {url}", permanent=True)
    if status == 404 or status == 410:
        raise SourceError(f"{name}: HTTP {status}: {url} not found", permanent=True)
    raise SourceError(f"{name}: HTTP {status} from {url}", retry_after=wait)


def json_body(response: requests.Response, name: str) -> Any:
    """The response as JSON, or a SourceError carrying the malformed body for quarantine."""
    try:
        return response.json()
    except ValueError:
        raise not_json(name, path_of(response.url), response) from None


def path_of(url: Any) -> str:
    """The path of a URL, to name an endpoint without its (long, maybe secret) query."""
    return urlsplit(str(url)).path or str(url)


def failure_reason(exc: BaseException) -> str:
    """A failed request in words: a body cut off mid-way is said so, anything else by its type."""
    text = str(exc)
    if "IncompleteRead" in text or "without sending complete message body" in text:
        return f"the connection closed in the middle of the body ({type(exc).__name__})"
    return f"{type(exc).__name__}: {text[:200]}"


def describe_body(content: bytes, content_type: str = "") -> str:
    """What a body that should have been JSON is: an HTML page, empty, cut off, or not JSON."""
    text = content.decode("utf-8", "replace").strip()
    head = text[:200].lower()
    if not text:
        return "an empty body"
    if "html" in content_type.lower() or head.startswith(("<!doctype html", "<html")):
        return "an HTML page"
    try:
        json.loads(text)
    except ValueError as exc:
        cut = isinstance(exc, json.JSONDecodeError) and (
            exc.pos >= len(text) or exc.msg.startswith("Unterminated")
        )
        return "JSON cut off in the middle" if cut else "malformed JSON"
    return "JSON of an unexpected shape"


def not_json(name: str, endpoint: str, response: Any) -> SourceError:
    """A SourceError for a JSON endpoint that answered something else; the body is quarantined.

    `endpoint` names it for a person ("Reddit's token endpoint"); `response` is a requests or
    httpx response (status_code, headers, content, url).
    """
    content = bytes(getattr(response, "content", b"") or b"")
    what = describe_body(content, str(response.headers.get("content-type", "")))
    status = getattr(response, "status_code", "?")
    suffix = ", not JSON" if what in ("an HTML page", "an empty body") else ""
    return SourceError(
        f"{name}: {endpoint} answered {what} (status {status}){suffix}",
        rejected=[rejected(str(getattr(response, "url", endpoint)), f"{what}{suffix}", content)],
    )
