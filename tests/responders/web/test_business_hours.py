"""Business hours on the pages: the queue's clock and due time, the report's two response times."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases.reports import case_rows, load_report, report_rows
from responders.cases.review_queue import QueueFilter, queue_page
from tests.conftest import make_settings
from tests.fakes.pipeline import ingest
from tests.responders.alerts.helpers import complaint

# Friday 16:50 in Berlin; the critical SLA is 60 working minutes: 10 on Friday, 50 on Monday.
POSTED = datetime(2026, 11, 13, 15, 50, tzinfo=UTC)
DUE = datetime(2026, 11, 16, 8, 50, tzinfo=UTC)
MONDAY = datetime(2026, 11, 16, 8, 30, tzinfo=UTC)  # 40 working minutes in, 20 to go
OFFICE = {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def web_settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The example brand with Berlin office hours (overrides the web package's fixture)."""
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    base = make_settings(db_url, tmp_path)
    brand = {**base.brands[0].model_dump(), "hours": {"timezone": "Europe/Berlin", **OFFICE}}
    return make_settings(db_url, tmp_path, brands=[brand])


@pytest.fixture
def case_id(web_settings: Settings, factory: sessionmaker[Session]) -> int:
    """A critical complaint posted on Friday afternoon, stored by the real pipeline."""
    [opened] = ingest(web_settings, factory, [complaint(1, POSTED)], POSTED).cases_opened
    return opened


def test_the_queue_row_counts_working_time_and_knows_its_due_time(
    web_settings: Settings, factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session:
        business = queue_page(
            session, QueueFilter(), now=MONDAY, calendar_for=web_settings.calendar_for
        )
        wall = queue_page(session, QueueFilter(), now=MONDAY)
    [row] = business.rows
    assert (row.case.id, row.due_at, row.business) == (case_id, DUE, True)
    assert row.waiting == timedelta(minutes=40)  # not the weekend's 2 days 16 h 40 min
    assert (row.due_in, row.overdue) == (timedelta(minutes=20), False)
    [plain] = wall.rows
    assert (plain.waiting, plain.business) == (MONDAY - POSTED, False)


def test_the_queue_page_shows_the_due_time(
    client_for: Callable[[str], TestClient], case_id: int
) -> None:
    html = client_for("vera").get("/").text
    row = re.search(rf'<tr[^>]*data-case="{case_id}".*?</tr>', html, re.S)
    assert row is not None
    assert '<small class="due-at">due 2026-11-16 08:50 UTC</small>' in row.group(0)
    assert "<small>working</small>" in row.group(0)


def answer_on_monday(factory: sessionmaker[Session], case_id: int) -> None:
    with factory() as session, session.begin():
        case = session.get(m.RecoveryCase, case_id)
        assert case is not None
        case.first_response_at = MONDAY
        case.status = "responded"


def test_reports_give_first_response_wall_clock_and_in_business_time(
    web_settings: Settings, factory: sessionmaker[Session], case_id: int
) -> None:
    answer_on_monday(factory, case_id)
    start, end = POSTED - timedelta(days=1), POSTED + timedelta(days=6)
    with factory() as session:
        report = load_report(session, None, start, end, 0.5, end, web_settings.calendar_for)
        rows = case_rows(session, None, None, None, 0.5, web_settings.calendar_for)
        plain = load_report(session, None, start, end, 0.5, end)
    assert report.median_response_minutes == 3880.0  # Friday 16:50 to Monday 09:30, in Berlin
    assert report.median_business_minutes == report.p90_business_minutes == 40.0
    assert report.sla_hit_rate == 1.0  # answered 20 working minutes before it was due
    figures = dict(report_rows(report))
    assert figures["first_response_median_minutes"] == "3880"
    assert figures["first_response_median_business_minutes"] == "40"
    assert (rows[0]["response_minutes"], rows[0]["business_response_minutes"]) == (3880.0, 40.0)
    # Without calendars (a brand without hours) business time is the wall clock.
    assert plain.median_business_minutes == plain.median_response_minutes == 3880.0


def test_the_report_page_shows_both_response_times(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session], case_id: int
) -> None:
    answer_on_monday(factory, case_id)
    html = client_for("vera").get("/reports?days=30&end=2026-11-20").text
    assert re.search(r'id="median">2 d 16 h<', html)
    assert re.search(r'id="median-business">40 min<', html)
    assert re.search(r'id="p90-business">40 min<', html)


def test_the_case_panel_gives_the_first_response_in_working_hours_too(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session], case_id: int
) -> None:
    answer_on_monday(factory, case_id)
    html = client_for("vera").get(f"/cases/{case_id}/recovery").text
    cell = re.search(r'id="first-response">(.*?)</td>', html, re.S)
    assert cell is not None
    assert cell.group(1) == "2026-11-16 08:30 UTC (2 d 16 h; 40 min in working hours)"
