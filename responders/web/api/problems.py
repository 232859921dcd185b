"""Errors of the JSON API as RFC 9457 problem objects: type, title, status, detail, and errors.

Every failure under /api answers `application/problem+json`: our own refusals, FastAPI's
validation errors (each with the field it is about, e.g. `body.version` or `query.limit`) and
Starlette's 404 and 405 for paths and methods that do not exist.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from responders.results import Result

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://makegood.invalid/problems/"  # identifiers, not pages (RFC 9457 3.1.1)


class FieldError(BaseModel):
    """One invalid input: where it is (`body.version`, `query.limit`) and what is wrong."""

    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem object."""

    type: str = Field(description="a URI naming the kind of problem")
    title: str = Field(description="the kind of problem, the same for every occurrence")
    status: int
    detail: str = Field("", description="what went wrong this time, for a person")
    errors: list[FieldError] = Field(default_factory=list, description="invalid fields, if any")


# The kinds of problem, by status: (type slug, title).
KINDS = {
    400: ("bad-request", "The request cannot be carried out as it is"),
    401: ("unauthorized", "An API token is needed"),
    403: ("forbidden", "Your role may not do this"),
    404: ("not-found", "There is no such thing"),
    405: ("method-not-allowed", "This method is not allowed here"),
    409: ("conflict", "Someone else changed this first"),
    422: ("validation", "Some fields are invalid"),
    429: ("rate-limited", "Too many requests"),
}


# What each status means on this API, for the OpenAPI document.
MEANINGS = {
    400: "refused by the case rules (the detail says why), or an impossible id",
    401: "no token, or an unknown or revoked one, or a disabled account",
    403: "the token's role may not do this",
    404: "no such case, draft or mention",
    409: "the case changed since you read its version",
    422: "invalid fields, each named in `errors`",
    429: "rate limited: wait Retry-After seconds",
}


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these statuses: each a problem object."""
    return {
        status: {
            "model": Problem,
            "description": MEANINGS[status],
            "content": {MEDIA_TYPE: {"schema": PROBLEM_REF}},
        }
        for status in statuses
    }


class ApiProblem(Exception):
    """Raised by API routes to answer with a problem object."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem object as a response."""
    slug, title = KINDS.get(status, ("error", HTTPStatus(status).phrase))
    body = Problem(
        type=TYPE_BASE + slug, title=title, status=status, detail=detail, errors=errors or []
    )
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def failed(result: Result[Any]) -> ApiProblem:
    """A failed domain Result as a problem: 409 when someone else changed the thing, else 400."""
    return ApiProblem(409 if result.conflict else 400, result.error)


def field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """Pydantic's error location as one dotted name: ('body', 'version') -> 'body.version'."""
    return ".".join(str(part) for part in location) or "request"


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    """FastAPI's validation errors as named fields."""
    return [
        FieldError(field=field_name(error.get("loc", ())), message=str(error.get("msg", "")))
        for error in exc.errors()
    ]


def install(app: FastAPI) -> None:
    """Make every error of `app` a problem object."""

    @app.exception_handler(ApiProblem)
    async def _problem(_request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(exc.status, exc.detail, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc)
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return problem_response(422, detail, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail) if exc.detail else ""
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no API endpoint at {request.url.path} (see /api/docs)"
        elif exc.status_code == 405 and detail == "Method Not Allowed":
            detail = f"{request.method} is not allowed on {request.url.path}"
        return problem_response(exc.status_code, detail, headers=getattr(exc, "headers", None))
