"""Recovery reports: response times, SLA, resolution, win-back, root causes and compensation.

`compute_report` is pure (rows in, figures out); `load_report` queries the rows at the edge.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor import business_time
from monitor.business_time import WorkCalendar
from monitor.storage import models as m
from responders.cases.lifecycle import response_minutes, sla_met, won_back

NOT_COMPLAINTS = ("spam", "not_a_complaint")
# The columns of `makegood cases export` and of the web page's CSV download.
EXPORT_COLUMNS = (
    "id", "brand", "platform", "author", "status", "severity", "category", "opened_at",
    "sla_due_at", "first_response_at", "response_minutes", "business_response_minutes",
    "sla_met", "root_cause", "outcome", "closed_at", "complaint_sentiment", "later_sentiment",
    "win_back", "won_back",
    "compensation_cents", "url",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CaseRow:
    """The fields of one case the report needs."""

    id: int
    opened_at: datetime
    sla_due_at: datetime | None
    first_response_at: datetime | None
    status: str
    outcome: str
    root_cause: str
    win_back: float | None
    later_sentiment: float | None
    brand: str = ""  # whose working hours the business-time figures count


# A brand's working hours (Settings.calendar_for); None for a brand without them.
CalendarFor = Callable[[str], WorkCalendar | None]


def _no_hours(brand: str) -> WorkCalendar | None:
    return None


def business_minutes(
    calendar: WorkCalendar | None, opened_at: datetime, first_response_at: datetime | None
) -> float | None:
    """Working minutes from the complaint to the first response (wall-clock without hours)."""
    if first_response_at is None:
        return None
    worked = business_time.working_time(calendar, opened_at, first_response_at)
    return round(worked.total_seconds() / 60, 1)


@dataclass(frozen=True, slots=True)
class CompensationRow:
    """One ledger entry."""

    value_cents: int
    currency: str
    at: datetime


@dataclass
class Report:
    """The figures of one period, with the root causes compared to the previous period."""

    start: datetime
    end: datetime
    opened: int = 0
    responded: int = 0
    closed: int = 0
    median_response_minutes: float | None = None
    p90_response_minutes: float | None = None
    # The same, counting only the brand's working hours (equal to the above without hours).
    median_business_minutes: float | None = None
    p90_business_minutes: float | None = None
    sla_hit_rate: float | None = None
    resolution_rate: float | None = None
    win_back_rate: float | None = None
    root_causes: list[tuple[str, int, int]] = field(default_factory=list)  # name, now, before
    compensation_cents: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 1)


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def compute_report(
    cases: list[CaseRow],
    compensations: list[CompensationRow],
    start: datetime,
    end: datetime,
    win_back_threshold: float,
    now: datetime,
    calendar_for: CalendarFor = _no_hours,
) -> Report:
    """Figures for cases opened in [start, end); root causes also for the period before.

    First-response times come twice: wall-clock, and in each brand's working time.
    """
    span = end - start
    current = [c for c in cases if start <= c.opened_at < end]
    previous = [c for c in cases if start - span <= c.opened_at < start]
    report = Report(start=start, end=end, opened=len(current))
    minutes = [
        (c.first_response_at - c.opened_at).total_seconds() / 60
        for c in current
        if c.first_response_at is not None
    ]
    report.responded = len(minutes)
    report.median_response_minutes = percentile(minutes, 50)
    report.p90_response_minutes = percentile(minutes, 90)
    calendars = {brand: calendar_for(brand) for brand in {c.brand for c in current}}
    worked = [
        business_minutes(calendars[c.brand], c.opened_at, c.first_response_at) or 0.0
        for c in current
        if c.first_response_at is not None
    ]
    report.median_business_minutes = percentile(worked, 50)
    report.p90_business_minutes = percentile(worked, 90)
    # A case counts for the SLA once it is answered or its clock has run out.
    judged = [
        c
        for c in current
        if c.sla_due_at is not None and (c.first_response_at is not None or now > c.sla_due_at)
    ]
    hits = sum(
        1 for c in judged if c.first_response_at is not None and c.first_response_at <= c.sla_due_at
    )
    report.sla_hit_rate = _rate(hits, len(judged))
    # Spam and dismissed flags ("not a complaint") were never complaints to resolve.
    closed = [c for c in current if c.status == "closed" and c.outcome not in NOT_COMPLAINTS]
    report.closed = len(closed)
    report.resolution_rate = _rate(sum(c.outcome == "resolved" for c in closed), len(closed))
    heard = [c for c in current if c.win_back is not None and c.later_sentiment is not None]
    won = sum(1 for c in heard if won_back(c, win_back_threshold))
    report.win_back_rate = _rate(won, len(heard))
    now_counts = Counter(c.root_cause for c in current if c.root_cause)
    before_counts = Counter(c.root_cause for c in previous if c.root_cause)
    names = sorted(set(now_counts) | set(before_counts), key=lambda n: (-now_counts[n], n))
    report.root_causes = [(n, now_counts[n], before_counts[n]) for n in names]
    spent: Counter[str] = Counter()
    for entry in compensations:
        if start <= entry.at < end:
            spent[entry.currency] += entry.value_cents
    report.compensation_cents = dict(sorted(spent.items()))
    return report


def load_report(
    session: Session,
    brand: str | None,
    start: datetime,
    end: datetime,
    win_back_threshold: float,
    now: datetime,
    calendar_for: CalendarFor = _no_hours,
) -> Report:
    """Query the cases of this and the previous period (and the ledger) and compute the report."""
    query = select(m.RecoveryCase).where(
        m.RecoveryCase.opened_at >= start - (end - start), m.RecoveryCase.opened_at < end
    )
    comp_query = (
        select(m.Compensation)
        .join(m.RecoveryCase, m.RecoveryCase.id == m.Compensation.case_id)
        .where(m.Compensation.at >= start, m.Compensation.at < end)
    )
    if brand:
        query = query.where(m.RecoveryCase.brand == brand)
        comp_query = comp_query.where(m.RecoveryCase.brand == brand)
    cases = [
        CaseRow(
            c.id,
            c.opened_at,
            c.sla_due_at,
            c.first_response_at,
            c.status,
            c.outcome,
            c.root_cause,
            c.win_back,
            c.later_sentiment,
            c.brand,
        )
        for c in session.scalars(query)
    ]
    comps = [CompensationRow(e.value_cents, e.currency, e.at) for e in session.scalars(comp_query)]
    return compute_report(cases, comps, start, end, win_back_threshold, now, calendar_for)


def report_rows(report: Report) -> list[list[str]]:
    """The report as rows of a two-column (metric, value) table."""

    def show(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    rows = [
        ["period_start", report.start.isoformat()],
        ["period_end", report.end.isoformat()],
        ["cases_opened", str(report.opened)],
        ["cases_responded", str(report.responded)],
        ["cases_closed", str(report.closed)],
        ["first_response_median_minutes", show(report.median_response_minutes)],
        ["first_response_p90_minutes", show(report.p90_response_minutes)],
        ["first_response_median_business_minutes", show(report.median_business_minutes)],
        ["first_response_p90_business_minutes", show(report.p90_business_minutes)],
        ["sla_hit_rate", show(report.sla_hit_rate)],
        ["resolution_rate", show(report.resolution_rate)],
        ["win_back_rate", show(report.win_back_rate)],
    ]
    for currency, cents in report.compensation_cents.items():
        rows.append([f"compensation_{currency}", f"{cents / 100:.2f}"])
    for name, now, before in report.root_causes:
        rows.append([f"root_cause:{name}", f"{now} (previous period {before})"])
    return rows


def report_csv(report: Report) -> str:
    """The report as CSV text (metric,value)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["metric", "value"])
    writer.writerows(report_rows(report))
    return out.getvalue()


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def case_rows(
    session: Any,
    brand: str | None,
    since: datetime | None,
    status: str | None,
    threshold: float,
    calendar_for: CalendarFor = _no_hours,
) -> list[dict[str, Any]]:
    """One dict per case (newest first) with the export columns."""
    spent = (
        select(m.Compensation.case_id, func.sum(m.Compensation.value_cents).label("cents"))
        .group_by(m.Compensation.case_id)
        .subquery()
    )
    query = (
        select(m.RecoveryCase, m.Author.handle, m.Mention.url, spent.c.cents)
        .join(m.Author, m.Author.id == m.RecoveryCase.author_id)
        .outerjoin(m.Mention, m.Mention.id == m.RecoveryCase.first_mention_id)
        .outerjoin(spent, spent.c.case_id == m.RecoveryCase.id)
        .order_by(m.RecoveryCase.opened_at.desc(), m.RecoveryCase.id.desc())
    )
    if brand:
        query = query.where(m.RecoveryCase.brand == brand)
    if since:
        query = query.where(m.RecoveryCase.opened_at >= since)
    if status:
        query = query.where(m.RecoveryCase.status == status)
    rows = []
    calendars: dict[str, WorkCalendar | None] = {}
    for case, handle, url, cents in session.execute(query):
        met, won = sla_met(case), won_back(case, threshold)
        if case.brand not in calendars:
            calendars[case.brand] = calendar_for(case.brand)
        worked = business_minutes(calendars[case.brand], case.opened_at, case.first_response_at)
        rows.append(
            {
                "id": case.id, "brand": case.brand, "platform": case.platform, "author": handle,
                "status": case.status, "severity": case.severity, "category": case.category,
                "opened_at": _iso(case.opened_at), "sla_due_at": _iso(case.sla_due_at),
                "first_response_at": _iso(case.first_response_at),
                "response_minutes": response_minutes(case), "business_response_minutes": worked,
                "sla_met": "" if met is None else str(met).lower(),
                "root_cause": case.root_cause, "outcome": case.outcome,
                "closed_at": _iso(case.closed_at),
                "complaint_sentiment": case.complaint_sentiment,
                "later_sentiment": case.later_sentiment, "win_back": case.win_back,
                "won_back": "" if won is None else str(won).lower(),
                "compensation_cents": int(cents or 0), "url": url or "",
            }
        )  # fmt: skip
    return rows


def csv_cell(value: Any) -> Any:
    """A value safe for a spreadsheet: None is empty, and untrusted text that a spreadsheet would
    run as a formula (=, +, -, @ first) is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(rows: list[dict[str, Any]], out: IO[str]) -> None:
    """Write case rows as CSV with a header."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(row[k]) for k in EXPORT_COLUMNS})


@dataclass(frozen=True, slots=True)
class PeriodCase:
    """One case of a report period, for the list under the figures (text is untrusted)."""

    id: int
    opened_at: datetime
    author: str
    text: str
    status: str
    severity: str
    root_cause: str
    outcome: str
    response_minutes: float | None
    win_back: float | None


def period_cases(
    session: Session, brand: str | None, start: datetime, end: datetime, limit: int = 200
) -> list[PeriodCase]:
    """The cases opened in [start, end), newest first, with their first post's text."""
    query = (
        select(m.RecoveryCase, m.Author.handle, m.Mention.text)
        .join(m.Author, m.Author.id == m.RecoveryCase.author_id)
        .outerjoin(m.Mention, m.Mention.id == m.RecoveryCase.first_mention_id)
        .where(m.RecoveryCase.opened_at >= start, m.RecoveryCase.opened_at < end)
        .order_by(m.RecoveryCase.opened_at.desc(), m.RecoveryCase.id.desc())
        .limit(limit)
    )
    if brand:
        query = query.where(m.RecoveryCase.brand == brand)
    return [
        PeriodCase(
            c.id,
            c.opened_at,
            handle,
            text or "",
            c.status,
            c.severity,
            c.root_cause,
            c.outcome,
            response_minutes(c),
            c.win_back,
        )
        for c, handle, text in session.execute(query)
    ]
