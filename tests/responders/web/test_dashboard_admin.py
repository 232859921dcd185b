"""The dashboard figures and the admin-only pages (audit log, staff)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.alerts.digest import figures
from responders.web.dashboard import CHART_H, CHART_PAD, LABEL_ROOM, chart_bars, load_dashboard
from tests.responders.web.seed import make_case, seed_cases


def test_chart_bars_are_in_day_order_with_room_for_the_tallest_count() -> None:
    days = {date(2026, 11, 3): 0, date(2026, 11, 1): 17, date(2026, 11, 2): 5}
    bars, highest = chart_bars(days)
    assert [b.day.day for b in bars] == [1, 2, 3] and highest == 17
    assert bars[0].y == LABEL_ROOM  # the tallest bar's count fits above it
    assert bars[0].y + bars[0].height == CHART_H - CHART_PAD  # every bar stands on the axis
    assert bars[2].height == 0


def test_dashboard_counts_overdue_medians_and_negative_volume(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    now = utcnow()
    seed_cases(
        factory,
        [
            {"severity": "critical", "opened_at": now - timedelta(hours=2)},  # overdue
            {"severity": "high", "opened_at": now - timedelta(minutes=5)},
            {"severity": "high", "status": "closed"},
        ],
    )
    with factory() as session, session.begin():
        answered = make_case(session, severity="medium", opened_at=now - timedelta(minutes=50))
        answered.first_response_at = now - timedelta(minutes=30)  # 20 minutes to respond
        other = make_case(session, severity="low", opened_at=now - timedelta(days=3))
        other.first_response_at = now - timedelta(days=3) + timedelta(minutes=40)
    with factory() as session:
        board = load_dashboard(session, now)
    assert dict(board.by_severity) == {"critical": 1, "high": 1, "medium": 1, "low": 1, "none": 0}
    assert board.overdue == 1
    assert board.median_today == timedelta(minutes=20)
    assert board.median_week == timedelta(minutes=30)  # median of 20 and 40
    assert sum(b.count for b in board.bars) == 5  # every seeded mention is negative
    html = client_for("vera").get("/dashboard").text
    assert "<svg" in html and "overdue" in html and "20 min" in html


@pytest.mark.parametrize(("who", "status"), [("vera", 403), ("alice", 403), ("ada", 200)])
def test_audit_log_is_for_admins(
    client_for: Callable[[str], TestClient], who: str, status: int
) -> None:
    client = client_for(who)
    assert client.get("/admin/audit").status_code == status
    assert client.get("/admin/users").status_code == status


def test_audit_log_lists_actions_escaped_and_pages_by_id(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    with factory() as session, session.begin():
        for i in range(130):
            session.add(
                m.AuditEntry(
                    actor="bot",
                    action="case.step",
                    target=f"case:{i}",
                    detail={"note": "<script>x</script>"},
                )
            )
    client = client_for("ada")
    html = client.get("/admin/audit?actor=bot").text
    assert html.count("<td>case.step</td>") == 100
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    with factory() as session:
        first = min(session.scalars(select(m.AuditEntry.id).where(m.AuditEntry.actor == "bot")))
    older = client.get(f"/admin/audit?actor=bot&before={first + 30}").text
    assert older.count("<td>case.step</td>") == 30


def test_the_dashboard_and_the_daily_digest_count_the_same_cases_overdue(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    now = utcnow()
    late = now - timedelta(hours=2)
    seed_cases(
        factory,
        [
            {"status": "open", "opened_at": late},
            {"status": "approved", "opened_at": late},  # reply approved, not out yet: still late
            {"status": "closed", "opened_at": late},
            {"status": "open", "opened_at": now - timedelta(minutes=5)},  # within its SLA
        ],
    )
    with factory() as session:
        on_dashboard = load_dashboard(session, now).overdue
        in_digest = figures(session, settings.brands[0], now).overdue
    assert on_dashboard == in_digest == 2
