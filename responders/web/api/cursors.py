"""Opaque page cursors for the API: a kind and a position, base64url-encoded.

Callers pass back what they were given; what is inside may change between releases. The case
cursor wraps the review queue's own keyset position, so an API page is the queue's page.
"""

from __future__ import annotations

import base64
import binascii

from responders.cases.review_queue import Cursor, is_row_id
from responders.web.api.problems import ApiProblem, FieldError

INVALID = "not a cursor this API gave out; start again without it"


def _invalid() -> ApiProblem:
    return ApiProblem(
        422, f"query.cursor: {INVALID}", [FieldError(field="query.cursor", message=INVALID)]
    )


def _pack(kind: str, position: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def _unpack(kind: str, value: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _invalid() from exc
    found, _, position = raw.partition(":")
    if found != kind:
        raise _invalid()
    return position


def encode_case_cursor(cursor: Cursor | None) -> str | None:
    """The next page of cases, as an opaque string (None: there is no next page)."""
    return _pack("case", cursor.encode()) if cursor else None


def decode_case_cursor(value: str) -> Cursor | None:
    """The queue position in a case cursor (None for no cursor); 422 for a malformed one."""
    if not value:
        return None
    cursor = Cursor.decode(_unpack("case", value[:200]))
    if cursor is None:
        raise _invalid()
    return cursor


def encode_mention_cursor(last_id: int | None) -> str | None:
    """The next page of mentions (those older than `last_id`), as an opaque string."""
    return _pack("mention", str(last_id)) if last_id else None


def decode_mention_cursor(value: str) -> int | None:
    """The mention id a cursor continues below (None for no cursor); 422 for a malformed one."""
    if not value:
        return None
    position = _unpack("mention", value[:200])
    if not is_row_id(position):
        raise _invalid()
    return int(position)
