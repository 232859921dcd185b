"""API reads (viewers and up): mentions, the case queue, one case in full, the reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.scoring import SEVERITIES
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import review_queue as q
from responders.cases.reports import case_rows, load_report
from responders.staff.access import VIEWER
from responders.web.api.auth import api_user
from responders.web.api.cursors import (
    decode_case_cursor,
    decode_mention_cursor,
    encode_case_cursor,
    encode_mention_cursor,
)
from responders.web.api.problems import ApiProblem, FieldError, documented
from responders.web.api.schemas import (
    CaseDetail,
    CasePage,
    CaseSummary,
    MentionOut,
    MentionPage,
    ReportOut,
)
from responders.web.case_data import load_case_view
from responders.web.deps import case_or_404, db_session, settings_of

# The report page's own readings of its inputs: the API reports what the page does.
from responders.web.routes_recovery import _threshold as win_back_threshold
from responders.web.routes_recovery import parse_day

router = APIRouter(prefix="/v1", responses=documented(400, 401, 403, 404, 422, 429))
Severity = Literal[("", *SEVERITIES)]  # type: ignore[valid-type]
Status = Literal[q.STATUS_CHOICES]  # type: ignore[valid-type]
Limit = Query(q.PAGE_SIZE, ge=1, le=200, description="items per page")
CursorQuery = Query("", max_length=200, description="`next_cursor` of the previous page")
Text = Query("", max_length=200, description="words the text contains (case-insensitive)")
Lang = Query("", max_length=3, description="a language code as detected: 'es', 'und'")


def _brand_or_422(settings: Settings, brand: str) -> str:
    """`brand` if it is configured (or empty); else a 422 naming the field."""
    if brand and settings.find_brand(brand) is None:
        known = ", ".join(b.name for b in settings.brands)
        message = f"no brand {brand[:60]!r}; known: {known}"
        raise ApiProblem(
            422, f"query.brand: {message}", [FieldError(field="query.brand", message=message)]
        )
    return brand


def _lang_or_422(lang: str) -> str:
    """`lang` when it is a language code as stored ('es', 'und'), else a 422 naming the field."""
    if lang and not q.is_lang_code(lang):
        message = f"{lang!r} is not a language code like en, es or und (lowercase, 2-3 letters)"
        raise ApiProblem(
            422, f"query.lang: {message}", [FieldError(field="query.lang", message=message)]
        )
    return lang


@router.get("/cases", response_model=CasePage, summary="List and search cases (the queue)")
def list_cases(
    request: Request,
    brand: str = Query("", max_length=100),
    platform: str = Query("", max_length=20, description="the channel's platform"),
    severity: Severity = "",
    category: str = Query("", max_length=40),
    status: Status = Query("active", description="active = open or awaiting approval"),
    assignee: str = Query("", max_length=12, description="a user id, or 'none'"),
    lang: str = Lang,
    text: str = Text,
    cursor: str = CursorQuery,
    limit: int = Limit,
    user: m.User = Depends(api_user(VIEWER)),
    session: Session = Depends(db_session),
) -> CasePage:
    """Cases in the review queue's order: most severe first, then longest waiting."""
    params = {
        "brand": _brand_or_422(settings_of(request), brand),
        "platform": platform,
        "severity": severity,
        "category": category,
        "status": status,
        "assignee": assignee,
        "lang": _lang_or_422(lang),
        "q": text,
    }
    flt = q.QueueFilter.from_params(params)
    page = q.queue_page(session, flt, decode_case_cursor(cursor), limit=limit, now=utcnow())
    return CasePage(
        items=[CaseSummary.of_row(row) for row in page.rows],
        next_cursor=encode_case_cursor(page.next_cursor),
    )


@router.get("/cases/{case_id}", response_model=CaseDetail, summary="Read a case")
def read_case(
    case_id: int,
    user: m.User = Depends(api_user(VIEWER)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    """A case with its mentions, the ten recovery steps, its drafts and its history."""
    return CaseDetail.of(load_case_view(session, case_or_404(session, case_id)))


def _mention_query(
    brand: str,
    platform: str,
    lang: str,
    severity: str,
    category: str,
    flagged: bool | None,
    text: str,
) -> Select[Any]:
    query = select(m.Mention).order_by(m.Mention.id.desc())
    if brand:
        query = query.where(m.Mention.brand == brand)
    if platform:
        query = query.where(m.Mention.platform == platform)
    if lang:
        query = query.where(m.Mention.lang == lang)
    if severity:
        query = query.where(m.Mention.severity == severity)
    if category:
        query = query.where(m.Mention.category == category)
    if flagged is not None:
        query = query.where(m.Mention.flagged.is_(flagged))
    if text:
        pattern = q.like_pattern(" ".join(text.split()))
        query = query.where(func.lower(m.Mention.text).like(pattern, escape=q.LIKE_ESCAPE))
    return query


@router.get("/mentions", response_model=MentionPage, summary="List and search mentions")
def list_mentions(
    request: Request,
    brand: str = Query("", max_length=100),
    platform: str = Query("", max_length=20),
    lang: str = Lang,
    severity: Severity = "",
    category: str = Query("", max_length=40),
    flagged: bool | None = Query(None, description="only flagged (true) or unflagged (false)"),
    text: str = Text,
    cursor: str = CursorQuery,
    limit: int = Limit,
    user: m.User = Depends(api_user(VIEWER)),
    session: Session = Depends(db_session),
) -> MentionPage:
    """Stored mentions, newest first, with their scores and the case they belong to."""
    query = _mention_query(
        _brand_or_422(settings_of(request), brand),
        platform,
        _lang_or_422(lang),
        severity,
        category,
        flagged,
        text,
    )
    before = decode_mention_cursor(cursor)
    if before is not None:
        query = query.where(m.Mention.id < before)
    found = list(session.scalars(query.limit(limit + 1)))
    items = [MentionOut.of(x) for x in found[:limit]]
    return MentionPage(
        items=items, next_cursor=encode_mention_cursor(items[-1].id if len(found) > limit else None)
    )


@router.get("/mentions/{mention_id}", response_model=MentionOut, summary="Read a mention")
def read_mention(
    mention_id: int,
    user: m.User = Depends(api_user(VIEWER)),
    session: Session = Depends(db_session),
) -> MentionOut:
    """One stored mention."""
    mention = session.get(m.Mention, mention_id)
    if mention is None:
        raise ApiProblem(404, f"there is no mention #{mention_id}")
    return MentionOut.of(mention)


@router.get("/reports", response_model=ReportOut, summary="Read the recovery report")
def report(
    request: Request,
    brand: str = Query("", max_length=100),
    days: int = Query(30, ge=1, le=366, description="the period's length"),
    end: str = Query("", max_length=40, description="the period's last day (default: now)"),
    user: m.User = Depends(api_user(VIEWER)),
    session: Session = Depends(db_session),
) -> ReportOut:
    """The report page's figures: response times, SLA, resolution, win-back, causes, spend."""
    settings = settings_of(request)
    brand = _brand_or_422(settings, brand)
    now = utcnow()
    until = parse_day(end, "end")
    stop = min(until + timedelta(days=1), now) if until else now  # a day means its end
    start = stop - timedelta(days=days)
    figures = load_report(
        session, brand or None, start, stop, win_back_threshold(settings, brand), now
    )
    return ReportOut.of(figures, brand)


@router.get("/reports/cases", summary="The cases behind the report (the CSV export's rows)")
def report_cases(
    request: Request,
    brand: str = Query("", max_length=100),
    since: str = Query("", max_length=40, description="a date, a time, or 7d / 12h ago"),
    user: m.User = Depends(api_user(VIEWER)),
    session: Session = Depends(db_session),
) -> list[dict[str, Any]]:
    """One object per case, newest first, with the columns of `makegood cases export`."""
    settings = settings_of(request)
    brand = _brand_or_422(settings, brand)
    return case_rows(
        session, brand or None, parse_day(since, "since"), None, win_back_threshold(settings, brand)
    )
