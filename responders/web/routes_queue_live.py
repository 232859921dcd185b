"""The queue page kept live: its polling endpoint (with an ETag, as the owner banner's)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.cases import queue_live
from responders.cases import review_queue as q
from responders.cases.review_queue import is_row_id
from responders.web.deps import current_user, db_session, json_with_etag

router = APIRouter()


def parse_ids(value: str) -> list[int]:
    """The page's case ids from `1,2,3`; values that are not row ids are left out."""
    parts = value.split(",")[: queue_live.MAX_IDS]
    return [int(p) for p in parts if is_row_id(p)]


@router.get("/queue/live")
def queue_live_state(
    request: Request,
    user: m.User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    """New cases under the page's filter since its watermark, and its rows' state; 304 if same.

    Query: the queue's own filter parameters, `since` (the page's watermark, a case id) and
    `ids` (the case ids the page shows). A page with a filter link that no longer parses asks
    with the filter it was drawn with, so values that are not choices are simply ignored.
    """
    params = dict(request.query_params)
    flt = q.QueueFilter.from_params(params)
    since_raw = params.get("since", "")
    # "0": the page was drawn on an empty table, so every case is new to it.
    since = int(since_raw) if since_raw == "0" or is_row_id(since_raw) else None
    new = queue_live.count_new(session, flt, since) if since is not None else 0
    states = queue_live.row_states(session, parse_ids(params.get("ids", "")))
    payload = {
        "new": min(new, q.COUNT_CAP),
        "more": new > q.COUNT_CAP,
        "rows": [s.as_dict() for s in states],
    }
    return json_with_etag(request, payload)
