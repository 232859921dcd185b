"""The demo's table of open cases shows the post that gave each case its severity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cli.demo_cmd import print_cases, telling_mention
from tests.responders.web.seed import make_case

T0 = utcnow()


def post(n: int, severity: str, minutes: int) -> m.Mention:
    return m.Mention(
        id=n, text=f"post {n}", severity=severity, created_at=T0 + timedelta(minutes=minutes)
    )


@pytest.mark.parametrize(
    ("case_severity", "posts", "shown"),
    [
        ("high", [post(1, "high", 0)], 1),  # one post: that one
        ("critical", [post(1, "low", 0), post(2, "critical", 5)], 2),  # the angrier later post
        ("high", [post(1, "high", 0), post(2, "low", 5), post(3, "high", 9)], 3),  # latest of it
        ("high", [post(1, "low", 0), post(2, "medium", 5)], 1),  # none matches: the first
    ],
)
def test_the_post_shown_is_the_latest_of_the_case_severity(
    case_severity: str, posts: list[m.Mention], shown: int
) -> None:
    assert telling_mention(case_severity, posts).id == shown


def test_the_table_shows_the_severe_follow_up_and_the_number_of_posts(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session, session.begin():
        case = make_case(session, text="kettle is a bit slow to boil", severity="critical")
        first = session.get(m.Mention, case.first_mention_id)
        assert first is not None
        first.severity = "low"
        session.add(
            m.Mention(
                platform=case.platform,
                external_id="follow-up",
                brand=case.brand,
                author_id=case.author_id,
                author_handle=first.author_handle,
                text="the kettle caught fire on my counter",
                created_at=first.created_at + timedelta(minutes=30),
                severity="critical",
                case_id=case.id,
            )
        )
    console = Console(record=True, width=200)
    print_cases(console, factory)
    out = console.export_text()
    assert "1 critical" in out
    [row] = [line for line in out.splitlines() if "caught fire" in line]
    assert "critical" in row and " 2 " in row
    assert "slow to boil" not in out
