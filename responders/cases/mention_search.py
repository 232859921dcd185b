"""Search every stored mention (flagged or not): the Mentions page's filter and keyset pages.

Newest first by (created_at, id); a page's cursor is its last row's position, so page 100 costs
what page 1 does (no OFFSET). A filter value that means nothing is refused naming its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from monitor.mention import PLATFORMS, utcnow
from monitor.storage import models as m
from responders.cases.feedback import active_labels
from responders.cases.periods import parse_when
from responders.cases.review_queue import LIKE_ESCAPE, MAX_ID, like_pattern
from responders.results import Result

PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FLAGGED_CHOICES = ("", "yes", "no")
LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$|^und$")


@dataclass(frozen=True, slots=True)
class MentionFilter:
    """What the Mentions page shows; empty values mean "any"."""

    search: str = ""
    brand: str = ""
    platform: str = ""
    lang: str = ""
    min_sentiment: float | None = None
    max_sentiment: float | None = None
    flagged: str = ""  # "", "yes", "no"
    since: datetime | None = None
    until: datetime | None = None  # exclusive: the end of the day given
    raw: dict[str, str] = field(default_factory=dict, compare=False)

    def params(self) -> dict[str, str]:
        """The filter as query parameters (only those set), as the person typed them."""
        return {k: v for k, v in self.raw.items() if v}


def _sentiment(params: dict[str, str], name: str) -> Result[float]:
    value = params.get(name, "").strip()
    if not value:
        return Result.success(None)
    try:
        number = float(value)
    except ValueError:
        return Result.failure(f"{name}: expected a number from -1 to 1, not {value[:20]!r}")
    if not -1.0 <= number <= 1.0:
        return Result.failure(f"{name}: {value[:20]} is outside -1 to 1")
    return Result.success(number)


def parse_filter(params: dict[str, str], now: datetime | None = None) -> Result[MentionFilter]:
    """The filter from query parameters; a failure naming the first bad field."""
    now = now or utcnow()
    names = ("q", "brand", "platform", "lang", "min_sentiment", "max_sentiment", "flagged",
             "since", "until")  # fmt: skip
    raw = {name: params.get(name, "").strip()[:200] for name in names}
    if raw["platform"] and raw["platform"] not in PLATFORMS:
        return Result.failure(
            f"platform: {raw['platform'][:40]!r} is not one of {', '.join(PLATFORMS)}"
        )
    lang = raw["lang"].lower()
    if lang and not LANG.match(lang):
        return Result.failure(f"lang: {lang[:20]!r} is not a language code like en, es or pt-br")
    if raw["flagged"] not in FLAGGED_CHOICES:
        return Result.failure(f"flagged: {raw['flagged'][:20]!r} is not yes or no")
    low, high = _sentiment(raw, "min_sentiment"), _sentiment(raw, "max_sentiment")
    for bound in (low, high):
        if not bound.ok:
            return Result.failure(bound.error)
    if low.value is not None and high.value is not None and low.value > high.value:
        return Result.failure("min_sentiment: it is above max_sentiment")
    since, until = parse_when(raw["since"], now), parse_when(raw["until"], now)
    for name, when in (("since", since), ("until", until)):
        if not when.ok:
            return Result.failure(f"{name}: {when.error}")
    end = until.value
    if end is not None and len(raw["until"]) == 10:  # a day: up to its end
        end += timedelta(days=1)
    return Result.success(
        MentionFilter(
            search=" ".join(raw["q"].split()), brand=raw["brand"][:100], platform=raw["platform"],
            lang=lang, min_sentiment=low.value, max_sentiment=high.value, flagged=raw["flagged"],
            since=since.value, until=end, raw=raw,
        )
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Cursor:
    """The position after a page's last row: its post time and id."""

    created_at: datetime
    id: int

    def encode(self) -> str:
        """As a URL parameter: microseconds.id."""
        micros = (self.created_at - EPOCH) // timedelta(microseconds=1)  # exact, not a float
        return f"{micros}.{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        """Parse a cursor; None for anything malformed (the page starts over)."""
        parts = value.split(".")
        if len(parts) != 2 or not all(p.isascii() and p.lstrip("-").isdigit() for p in parts):
            return None
        micros, mention_id = (int(p) for p in parts)
        if not 0 < mention_id <= MAX_ID:
            return None
        try:
            return cls(EPOCH + timedelta(microseconds=micros), mention_id)
        except OverflowError:
            return None


@dataclass(frozen=True, slots=True)
class MentionRow:
    """A mention as the page lists it, with its case's status and its active verdict, if any."""

    mention: m.Mention
    case_status: str
    label: m.MentionLabel | None


@dataclass
class MentionPage:
    """A page of mentions and the cursor of the next one."""

    rows: list[MentionRow] = field(default_factory=list)
    next_cursor: Cursor | None = None


def _where(flt: MentionFilter) -> list[Any]:
    x = m.Mention
    conditions: list[Any] = []
    if flt.search:
        conditions.append(func.lower(x.text).like(like_pattern(flt.search), escape=LIKE_ESCAPE))
    for column, value in ((x.brand, flt.brand), (x.platform, flt.platform), (x.lang, flt.lang)):
        if value:
            conditions.append(column == value)
    if flt.min_sentiment is not None:
        conditions.append(x.sentiment >= flt.min_sentiment)
    if flt.max_sentiment is not None:
        conditions.append(x.sentiment <= flt.max_sentiment)
    if flt.flagged:
        conditions.append(x.flagged.is_(flt.flagged == "yes"))
    if flt.since is not None:
        conditions.append(x.created_at >= flt.since)
    if flt.until is not None:
        conditions.append(x.created_at < flt.until)
    return conditions


def search_mentions(
    session: Session, flt: MentionFilter, after: Cursor | None = None, limit: int = PAGE_SIZE
) -> MentionPage:
    """One page of matching mentions, newest first, each with its case status and verdict."""
    x = m.Mention
    query = (
        select(x, m.RecoveryCase.status)
        .outerjoin(m.RecoveryCase, m.RecoveryCase.id == x.case_id)
        .where(*_where(flt))
    )
    if after is not None:
        query = query.where(
            or_(
                x.created_at < after.created_at,
                and_(x.created_at == after.created_at, x.id < after.id),
            )
        )
    found = session.execute(query.order_by(x.created_at.desc(), x.id.desc()).limit(limit + 1)).all()
    verdicts = active_labels(session, [mention.id for mention, _ in found[:limit]])
    page = MentionPage(
        [
            MentionRow(mention, status or "", verdicts.get(mention.id))
            for mention, status in found[:limit]
        ]
    )
    if len(found) > limit:
        last = page.rows[-1].mention
        page.next_cursor = Cursor(last.created_at, last.id)
    return page


def page_url(flt: MentionFilter, after: Cursor | None = None) -> str:
    """The Mentions page URL for a filter and a cursor."""
    params = flt.params()
    if after is not None:
        params["after"] = after.encode()
    return "/mentions" + (f"?{urlencode(params)}" if params else "")
