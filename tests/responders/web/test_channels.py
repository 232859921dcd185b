"""The channel health page: every channel's health and its gaps, newest first, escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.gaps import record_gaps
from monitor.ingest.writes import get_or_create_channel
from monitor.sources.base import Gap
from tests.responders.web.seed import PASSWORD

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)
SCRIPT = "<script>alert(1)</script>"


def seed(factory: sessionmaker[Session]) -> None:
    """Two channels: a failing one with two gaps (one named by hostile text), a quiet one."""
    with factory() as session, session.begin():
        down = get_or_create_channel(session, "Kettlebird:reddit:default", "Kettlebird", "reddit")
        down.down_since = NOW - timedelta(hours=3)
        down.consecutive_failures = 4
        down.last_error = f"HTTP 503 {SCRIPT}"
        older = Gap(NOW - timedelta(days=2), NOW - timedelta(days=1), None, "page bound of 5 hit")
        newer = Gap(NOW - timedelta(hours=2), NOW - timedelta(hours=1), 40, f"feed {SCRIPT}")
        record_gaps(session, down, [older], NOW - timedelta(days=1))
        record_gaps(session, down, [newer], NOW)
        get_or_create_channel(session, "Kettlebird:rss:blog", "Kettlebird", "rss")


def test_gaps_are_listed_newest_first_with_range_count_and_reason_escaped(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    seed(factory)
    page = client_for("vera").get("/channels")
    assert page.status_code == 200
    html = page.text
    assert SCRIPT not in html and "feed &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "HTTP 503 &lt;script&gt;" in html and "failing since 2026-11-13 09:00 UTC" in html
    newest, oldest = html.index("feed &lt;script&gt;"), html.index("page bound of 5 hit")
    assert newest < oldest  # newest first
    assert "<td>40</td>" in html and "<td>unknown</td>" in html  # how many may be missing
    assert "2026-11-13 10:00 UTC" in html and "2026-11-13 11:00 UTC" in html  # the range
    quiet = html[html.index('data-channel="Kettlebird:rss:blog"') :]
    assert "No gaps recorded." in quiet


def test_the_page_needs_a_login(factory: sessionmaker[Session], app: object) -> None:
    with TestClient(app) as client:  # type: ignore[arg-type]
        response = client.get("/channels", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.browser
def test_in_a_browser_the_nav_leads_to_the_gaps_and_hostile_text_stays_text(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    seed(factory)
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "vera")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.click("nav >> text=Channels")
    page.wait_for_url(f"{live_server}/channels")
    reasons = page.locator("table.gaps tbody tr td:last-child").all_inner_texts()
    assert reasons == [f"feed {SCRIPT}", "page bound of 5 hit"]  # newest first, as text
