"""What every page answers alike: HEAD as GET without a body, the favicon, and the app's error
page (not a JSON body) for a path id or query value that is not of its type."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from responders.web.deps import STATIC_DIR, error_page

FAVICON = STATIC_DIR / "favicon.svg"
API_PREFIX = "/api"  # the JSON API answers its own HEAD and errors (problem objects)

router = APIRouter()


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The browser's default favicon address: the SVG the layout links (cached for a day)."""
    return FileResponse(
        FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


def describe(errors: list[Any]) -> str:
    """One sentence naming each bad field and what is wrong: 'case_id: should be a number'."""
    parts = []
    for error in errors[:3]:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("path", "query", "body")]
        field = ".".join(loc) or "the request"
        given = error.get("input")
        shown = f" (got {str(given)[:40]!r})" if isinstance(given, str | int | float) else ""
        parts.append(f"{field}: {str(error.get('msg', 'not valid')).lower()}{shown}")
    return "; ".join(parts)


async def validation_error_page(request: Request, exc: RequestValidationError) -> Response:
    """A path id or query value that is not of its type: 404 for a path (no such page), 400
    for a query value, on the app's error page naming the field."""
    errors = list(exc.errors())
    in_path = any(tuple(e.get("loc", ()))[:1] == ("path",) for e in errors)
    return error_page(request, 404 if in_path else 400, describe(errors))


class HeadAsGet:
    """ASGI middleware: a HEAD to a page runs its GET and sends the headers without the body
    (FastAPI routes answer only the methods they declare, so HEAD was a 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run a HEAD as a GET and drop the body it sends; anything else passes through."""
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "HEAD" or path.startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
