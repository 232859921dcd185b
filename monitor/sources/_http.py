"""Plain HTTP for sources without a client library (Hacker News, RSS): failures as SourceError."""

from __future__ import annotations

from typing import Any

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
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        raise SourceError(f"{name}: request failed ({reason})") from None
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
        raise SourceError(
            f"{name}: malformed JSON from {response.url}",
            rejected=[rejected(response.url, "malformed JSON page", response.content)],
        ) from None
