"""The review queue: open cases by severity and response clock, filtered, keyset-paginated.

Pages never use OFFSET: the cursor is the last row's (severity_rank, opened_at, id), and each
severity rank is read as its own index range (there are only five), so page 500 costs what page 1
costs even with 100,000 cases. Active cases (open, awaiting approval) use the partial index
ix_recovery_cases_active_queue; one status uses ix_recovery_cases_queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from monitor import business_time
from monitor.business_time import WorkCalendar
from monitor.mention import utcnow
from monitor.scoring import SEVERITIES
from monitor.storage import models as m

ACTIVE_STATUSES = ("open", "awaiting_approval")
# Written out literally (not as bound parameters) so the planner matches the partial index.
ACTIVE_SQL = "recovery_cases.status IN ('open', 'awaiting_approval')"
STATUS_CHOICES = ("active", *m.CASE_STATUSES, "all")


def overdue_where(now: datetime) -> Any:
    """The one definition of overdue, for every figure: not closed, unanswered, past its SLA."""
    cases = m.RecoveryCase
    return and_(cases.status != "closed", cases.first_response_at.is_(None), cases.sla_due_at < now)


PAGE_SIZE = 50
MAX_RANK = len(SEVERITIES) - 1
MAX_ID = 2**31 - 1  # ids are INTEGER columns (32-bit on PostgreSQL): a larger one matches nothing


def is_row_id(value: str) -> bool:
    """Whether a query or path value is a row id the database can hold."""
    # The length first: int() refuses strings over 4,300 digits.
    return (
        value.isascii()
        and value.isdigit()
        and len(value) <= len(str(MAX_ID))
        and 0 < int(value) <= MAX_ID
    )


def is_lang_code(value: str) -> bool:
    """Whether a query value is a language code as mentions.lang stores it ("en", "und")."""
    return 2 <= len(value) <= 3 and value.isascii() and value.isalpha() and value.islower()


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows; empty strings mean "any"."""

    brand: str = ""
    platform: str = ""
    severity: str = ""
    category: str = ""
    status: str = "active"
    assignee: str = ""  # "", "none", or a user id
    search: str = ""  # words in any of the case's mentions or its author's handle, from `q`
    lang: str = ""  # the case's language (its first mention's) code, "und" when undetermined

    @classmethod
    def from_params(cls, params: dict[str, str]) -> QueueFilter:
        """Read the filter from query parameters, ignoring values that are not choices."""
        status = params.get("status", "active")
        severity = params.get("severity", "")
        assignee = params.get("assignee", "")
        return cls(
            brand=params.get("brand", "")[:100],
            platform=params.get("platform", "")[:20],
            severity=severity if severity in SEVERITIES else "",
            category=params.get("category", "")[:40],
            status=status if status in STATUS_CHOICES else "active",
            assignee=assignee if assignee == "none" or is_row_id(assignee) else "",
            search=" ".join(params.get("q", "").split())[:200],
            lang=lang if is_lang_code(lang := params.get("lang", "")) else "",
        )

    def params(self) -> dict[str, str]:
        """The filter as query parameters (only the ones set)."""
        values = {
            "brand": self.brand,
            "platform": self.platform,
            "severity": self.severity,
            "category": self.category,
            "status": "" if self.status == "active" else self.status,
            "assignee": self.assignee,
            "q": self.search,
            "lang": self.lang,
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True, slots=True)
class Cursor:
    """The position after the last row of a page."""

    rank: int
    opened_at: datetime
    id: int

    def encode(self) -> str:
        """As a URL parameter: rank.microseconds.id."""
        micros = int(self.opened_at.timestamp() * 1_000_000)
        return f"{self.rank}.{micros}.{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        """Parse a cursor; None for anything malformed (the page starts over)."""
        parts = value.split(".")
        # isascii: "²".isdigit() is True, but int("²") raises.
        if len(parts) != 3 or not all(p.isascii() and p.lstrip("-").isdigit() for p in parts):
            return None
        rank, micros, case_id = (int(p) for p in parts)
        if not 0 <= rank <= MAX_RANK or not 0 < case_id <= MAX_ID:
            return None
        try:
            opened = datetime.fromtimestamp(micros / 1_000_000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return cls(rank, opened, case_id)


# Only what a queue row shows: plain columns, not ORM entities (loading 50 entities into a fresh
# session costs ~4 ms a page; these columns ~0.8 ms).
CASE_COLUMNS = (
    m.RecoveryCase.id,
    m.RecoveryCase.brand,
    m.RecoveryCase.platform,
    m.RecoveryCase.status,
    m.RecoveryCase.severity,
    m.RecoveryCase.severity_rank,
    m.RecoveryCase.category,
    m.RecoveryCase.opened_at,
    m.RecoveryCase.sla_due_at,
    m.RecoveryCase.first_response_at,
    m.RecoveryCase.first_mention_id,
    m.RecoveryCase.assignee_id,
    m.RecoveryCase.version,
    m.RecoveryCase.lang,
)
# What the page shows of the case's first mention (joined by its primary key), after the case.
MENTION_COLUMNS = (
    m.Mention.text,
    m.Mention.author_handle,
    m.Mention.url,
    m.Mention.author_followers,
)


@dataclass(slots=True)
class CaseRow:
    """A read-only case as the queue shows it (the columns of CASE_COLUMNS).

    A slotted object rather than the database row: the page reads ~15 attributes of each of its
    50 rows, and a slot is ~8x cheaper to read from a template than a SQLAlchemy Row's key.
    """

    id: int
    brand: str
    platform: str
    status: str
    severity: str
    severity_rank: int
    category: str
    opened_at: datetime
    sla_due_at: datetime | None
    first_response_at: datetime | None
    first_mention_id: int | None
    assignee_id: int | None
    version: int
    lang: str  # the first mention's language ("" when it was never detected)

    @property
    def status_label(self) -> str:
        """The status for people: 'awaiting approval'."""
        return self.status.replace("_", " ")


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One case in the queue, with what a person needs to pick it.

    `case` is a read-only `CaseRow` (id, status, severity, opened_at, sla_due_at, version, ...);
    load the `RecoveryCase` by `case.id` to change it. The clock fields are computed once here,
    not by the template.
    """

    case: CaseRow
    text: str
    handle: str
    url: str
    followers: int
    assignee: str
    waiting: timedelta  # the response clock since the post: working time when hours are set
    due_in: timedelta | None  # until the SLA (negative when overdue); None without an SLA
    overdue: bool  # past the SLA with no first response yet
    due_at: datetime | None = None  # the SLA's due instant (working hours already counted in)
    business: bool = False  # the brand has working hours: `waiting` counts only those

    @classmethod
    def build(
        cls,
        case: CaseRow,
        text: str,
        handle: str,
        url: str,
        followers: int,
        assignee: str,
        now: datetime,
        calendar: WorkCalendar | None = None,
    ) -> QueueRow:
        """A row with its clock read at `now` (in the brand's working time, if it has hours)."""
        due = case.sla_due_at
        return cls(
            case,
            text,
            handle,
            url,
            followers,
            assignee,
            waiting=business_time.working_time(calendar, case.opened_at, now),
            due_in=due - now if due else None,
            overdue=bool(due and case.first_response_at is None and due < now),
            due_at=due,
            business=calendar is not None,
        )


@dataclass
class QueuePage:
    """A page of the queue and the cursor of the next one."""

    rows: list[QueueRow] = field(default_factory=list)
    next_cursor: Cursor | None = None
    complete: bool = False  # the first page holds every matching case: no need to count them


# A filter's shape: which conditions it has (not their values). Each shape's statements are
# built once with bound parameters: building a select() and its cache key costs ~0.3 ms a
# query, about what SQLite takes to run it.
Shape = tuple[str, bool, bool, bool, str, bool, bool, bool]
LIKE_ESCAPE = "\\"


def like_pattern(words: str) -> str:
    """A lower-case LIKE pattern matching `words` anywhere, its own % and _ taken literally."""
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def shape_of(flt: QueueFilter) -> Shape:
    """Which conditions a filter has (not their values): the key its statements are cached by."""
    status = flt.status if flt.status in ("active", "all") else "one"
    assignee = "" if not flt.assignee else ("none" if flt.assignee == "none" else "one")
    return (
        status,
        bool(flt.brand),
        bool(flt.platform),
        bool(flt.category),
        assignee,
        bool(flt.severity),
        bool(flt.search),
        bool(flt.lang),
    )


def bind_params(flt: QueueFilter) -> dict[str, Any]:
    """The filter's values as the bound parameters of its statements."""
    params: dict[str, Any] = {
        "status": flt.status,
        "brand": flt.brand,
        "platform": flt.platform,
        "category": flt.category,
    }
    if flt.assignee.isdigit():
        params["assignee_id"] = int(flt.assignee)
    if flt.severity:
        params["rank"] = SEVERITIES.index(flt.severity)
    if flt.search:
        params["search"] = like_pattern(flt.search)
    if flt.lang:
        params["lang"] = flt.lang
    return params


# Its own alias: the page query already joins the first mention, which the search must not reuse.
_SEARCHED = aliased(m.Mention)


def filtered(query: Select[Any], shape: Shape) -> Select[Any]:
    """`query` over recovery_cases with the conditions of a filter `shape` (values bound)."""
    rc = m.RecoveryCase
    status, brand, platform, category, assignee, _severity, search, lang = shape
    if status == "active":
        query = query.where(text(ACTIVE_SQL))
    elif status == "one":
        query = query.where(rc.status == bindparam("status"))
    if brand:
        query = query.where(rc.brand == bindparam("brand"))
    if platform:
        query = query.where(rc.platform == bindparam("platform"))
    if category:
        query = query.where(rc.category == bindparam("category"))
    if assignee == "none":
        query = query.where(rc.assignee_id.is_(None))
    elif assignee:
        query = query.where(rc.assignee_id == bindparam("assignee_id"))
    if search:  # any mention of the case: later posts of the same customer count too
        pattern = bindparam("search")
        said = or_(
            func.lower(_SEARCHED.text).like(pattern, escape=LIKE_ESCAPE),
            func.lower(_SEARCHED.author_handle).like(pattern, escape=LIKE_ESCAPE),
        )
        query = query.where(exists().where(_SEARCHED.case_id == rc.id, said).correlate(rc))
    if lang:  # the active cases' own index (ix_recovery_cases_active_lang)
        query = query.where(rc.lang == bindparam("lang"))
    return query


@lru_cache(maxsize=256)
def _page_statement(shape: Shape, after: bool) -> Select[Any]:
    """One severity rank of a page: `rank`, `limit`, and with `after` the cursor's position."""
    rc = m.RecoveryCase
    query = (
        select(*CASE_COLUMNS, *MENTION_COLUMNS, m.User.username)
        .outerjoin(m.Mention, m.Mention.id == rc.first_mention_id)
        .outerjoin(m.User, m.User.id == rc.assignee_id)
        .where(rc.severity_rank == bindparam("rank"))
    )
    query = filtered(query, shape)
    if after:
        query = query.where(
            or_(
                rc.opened_at > bindparam("after_opened"),
                and_(rc.opened_at == bindparam("after_opened"), rc.id > bindparam("after_id")),
            )
        )
    return query.order_by(rc.opened_at, rc.id).limit(bindparam("limit"))


def queue_page(
    session: Session,
    flt: QueueFilter,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
    calendar_for: Callable[[str], WorkCalendar | None] | None = None,
) -> QueuePage:
    """One page of the queue: most severe first, then the longest-waiting, then by id.

    `calendar_for(brand)` gives a brand's working hours (Settings.calendar_for), so each row's
    clock counts working time; without it every clock is wall-clock time.
    """
    now = now or utcnow()
    calendars: dict[str, WorkCalendar | None] = {}
    shape = shape_of(flt)
    params = bind_params(flt)
    ranks = [params["rank"]] if flt.severity else list(range(MAX_RANK, -1, -1))
    if after is not None:
        ranks = [r for r in ranks if r <= after.rank]
    page = QueuePage()
    fetched: list[Any] = []
    # Plain columns need no ORM machinery: run on the session's connection (same transaction).
    conn = session.connection()
    for rank in ranks:
        params.update(rank=rank, limit=limit + 1 - len(fetched))
        if after is not None and rank == after.rank:  # the page starts inside this rank
            params.update(after_opened=after.opened_at, after_id=after.id)
            query = _page_statement(shape, True)
        else:
            query = _page_statement(shape, False)
        fetched.extend(conn.execute(query, params).all())
        if len(fetched) > limit:
            break
    width = len(CASE_COLUMNS)
    for row in fetched[:limit]:
        body, handle, url, followers, assignee = row[width:]
        case = CaseRow(*row[:width])
        if case.brand not in calendars:
            calendars[case.brand] = calendar_for(case.brand) if calendar_for else None
        texts = (body or "", handle or "", url or "", followers or 0, assignee or "")
        page.rows.append(QueueRow.build(case, *texts, now, calendars[case.brand]))
    page.complete = after is None and len(fetched) <= limit
    if len(fetched) > limit:
        last = page.rows[-1].case
        page.next_cursor = Cursor(last.severity_rank, last.opened_at, last.id)
    return page


COUNT_CAP = 1000


@lru_cache(maxsize=128)
def _count_statement(shape: Shape) -> Select[Any]:
    rc = m.RecoveryCase
    inner = filtered(select(rc.id), shape)
    if shape[5]:  # a severity
        inner = inner.where(rc.severity_rank == bindparam("rank"))
    if shape[0] == "active" and not shape[7]:  # a language has its own index: let it be used
        # Ordering like the queue steers the planner to the partial index, whose trailing
        # columns cover every filter: the count never touches the table.
        inner = inner.order_by(rc.severity_rank, rc.opened_at, rc.id)
    return select(func.count()).select_from(inner.limit(bindparam("cap")).subquery())


def count_cases(session: Session, flt: QueueFilter, cap: int = COUNT_CAP) -> int:
    """How many cases match the filter, counting at most `cap` + 1 (pages show "1,000+").

    An exact count of a filtered 100,000-case table costs a scan on every page view; nobody
    needs the exact figure beyond a thousand, and the dashboard has the totals.
    """
    params = {**bind_params(flt), "cap": cap + 1}
    return int(session.connection().execute(_count_statement(shape_of(flt)), params).scalar_one())


OPEN_INCIDENTS = (
    select(m.Incident)
    .where(m.Incident.resolved_at.is_(None))
    .order_by(m.Incident.opened_at.desc())
    .limit(bindparam("limit"))
)


def open_incidents(session: Session, limit: int = 10) -> list[m.Incident]:
    """Unresolved incidents (spikes, viral posts), newest first: shown above the queue."""
    return list(session.scalars(OPEN_INCIDENTS, {"limit": limit}))


ASSIGNABLE = (
    select(m.User.id, m.User.username)
    .where(m.User.active.is_(True), m.User.role.in_(("responder", "approver", "admin")))
    .order_by(m.User.username)
)


def assignable_users(session: Session) -> list[Any]:
    """Active staff who can take a case (responders and up): rows of (id, username)."""
    return list(session.connection().execute(ASSIGNABLE).all())


def page_url(flt: QueueFilter, after: Cursor | None = None, **changes: str) -> str:
    """The queue URL for a filter (with changes) and a cursor."""
    params = replace(flt, **changes).params() if changes else flt.params()
    if after is not None:
        params["after"] = after.encode()
    return "/" + (f"?{urlencode(params)}" if params else "")
