"""The review queue: open cases by severity and response clock, filtered, keyset-paginated.

Pages never use OFFSET: the cursor is the last row's (severity_rank, opened_at, id), and each
severity rank is read as its own index range (there are only five), so page 500 costs what page 1
costs even with 100,000 cases. Active cases (open, awaiting approval) use the partial index
ix_recovery_cases_active_queue; one status uses ix_recovery_cases_queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.scoring import SEVERITIES
from monitor.storage import models as m

ACTIVE_STATUSES = ("open", "awaiting_approval")
# Written out literally (not as bound parameters) so the planner matches the partial index.
ACTIVE_SQL = "recovery_cases.status IN ('open', 'awaiting_approval')"
STATUS_CHOICES = ("active", *m.CASE_STATUSES, "all")
PAGE_SIZE = 50
MAX_RANK = len(SEVERITIES) - 1


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows; empty strings mean "any"."""

    brand: str = ""
    platform: str = ""
    severity: str = ""
    category: str = ""
    status: str = "active"
    assignee: str = ""  # "", "none", or a user id

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
            assignee=assignee if assignee == "none" or assignee.isdigit() else "",
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
        if len(parts) != 3 or not all(p.lstrip("-").isdigit() for p in parts):
            return None
        rank, micros, case_id = (int(p) for p in parts)
        if not 0 <= rank <= MAX_RANK:
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
)


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One case in the queue, with what a person needs to pick it.

    `case` is a read-only row with the columns of CASE_COLUMNS (id, status, severity, opened_at,
    sla_due_at, version, ...); load the `RecoveryCase` by `case.id` to change it.
    """

    case: Any
    text: str
    handle: str
    url: str
    followers: int
    assignee: str
    now: datetime

    @property
    def waiting(self) -> timedelta:
        """Time since the complaint was posted (the response clock)."""
        return self.now - self.case.opened_at

    @property
    def due_in(self) -> timedelta | None:
        """Time left until the SLA (negative when overdue); None without an SLA."""
        due = self.case.sla_due_at
        return due - self.now if due else None

    @property
    def overdue(self) -> bool:
        """Past the SLA with no first response yet."""
        due = self.case.sla_due_at
        return bool(due and self.case.first_response_at is None and due < self.now)


@dataclass
class QueuePage:
    """A page of the queue and the cursor of the next one."""

    rows: list[QueueRow] = field(default_factory=list)
    next_cursor: Cursor | None = None
    complete: bool = False  # the first page holds every matching case: no need to count them


def _filtered(query: Select[Any], flt: QueueFilter) -> Select[Any]:
    rc = m.RecoveryCase
    if flt.status == "active":
        query = query.where(text(ACTIVE_SQL))
    elif flt.status != "all":
        query = query.where(rc.status == flt.status)
    if flt.brand:
        query = query.where(rc.brand == flt.brand)
    if flt.platform:
        query = query.where(rc.platform == flt.platform)
    if flt.category:
        query = query.where(rc.category == flt.category)
    if flt.assignee == "none":
        query = query.where(rc.assignee_id.is_(None))
    elif flt.assignee:
        query = query.where(rc.assignee_id == int(flt.assignee))
    return query


def queue_page(
    session: Session,
    flt: QueueFilter,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> QueuePage:
    """One page of the queue: most severe first, then the longest-waiting, then by id."""
    now = now or utcnow()
    rc = m.RecoveryCase
    base = (
        select(
            *CASE_COLUMNS,
            m.Mention.text,
            m.Mention.author_handle,
            m.Mention.url,
            m.Mention.author_followers,
            m.User.username,
        )
        .outerjoin(m.Mention, m.Mention.id == rc.first_mention_id)
        .outerjoin(m.User, m.User.id == rc.assignee_id)
    )
    base = _filtered(base, flt)
    ranks = [SEVERITIES.index(flt.severity)] if flt.severity else list(range(MAX_RANK, -1, -1))
    if after is not None:
        ranks = [r for r in ranks if r <= after.rank]
    page = QueuePage()
    fetched: list[Any] = []
    # Plain columns need no ORM machinery: run on the session's connection (same transaction).
    conn = session.connection()
    for rank in ranks:
        query = base.where(rc.severity_rank == rank)
        if after is not None and rank == after.rank:
            query = query.where(
                or_(
                    rc.opened_at > after.opened_at,
                    and_(rc.opened_at == after.opened_at, rc.id > after.id),
                )
            )
        query = query.order_by(rc.opened_at, rc.id).limit(limit + 1 - len(fetched))
        fetched.extend(conn.execute(query).all())
        if len(fetched) > limit:
            break
    width = len(CASE_COLUMNS)
    for row in fetched[:limit]:
        body, handle, url, followers, assignee = row[width:]
        page.rows.append(
            QueueRow(row, body or "", handle or "", url or "", followers or 0, assignee or "", now)
        )
    page.complete = after is None and len(fetched) <= limit
    if len(fetched) > limit:
        last = page.rows[-1].case
        page.next_cursor = Cursor(last.severity_rank, last.opened_at, last.id)
    return page


COUNT_CAP = 1000


def count_cases(session: Session, flt: QueueFilter, cap: int = COUNT_CAP) -> int:
    """How many cases match the filter, counting at most `cap` + 1 (pages show "1,000+").

    An exact count of a filtered 100,000-case table costs a scan on every page view; nobody
    needs the exact figure beyond a thousand, and the dashboard has the totals.
    """
    inner = _filtered(select(m.RecoveryCase.id), flt)
    if flt.severity:
        inner = inner.where(m.RecoveryCase.severity_rank == SEVERITIES.index(flt.severity))
    if flt.status == "active":
        # Ordering like the queue steers the planner to the partial index, whose trailing
        # columns cover every filter: the count never touches the table.
        rc = m.RecoveryCase
        inner = inner.order_by(rc.severity_rank, rc.opened_at, rc.id)
    query = select(func.count()).select_from(inner.limit(cap + 1).subquery())
    return int(session.connection().execute(query).scalar_one())


def open_incidents(session: Session, limit: int = 10) -> list[m.Incident]:
    """Unresolved incidents (spikes, viral posts), newest first: shown above the queue."""
    query = (
        select(m.Incident)
        .where(m.Incident.resolved_at.is_(None))
        .order_by(m.Incident.opened_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


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
