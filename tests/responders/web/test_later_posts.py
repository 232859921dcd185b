"""The case page's later posts and its win-back line come from one computation: the posts the
page marks "counted" are the ones whose mean the win-back is."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.writes import refresh_win_back, win_back_score
from monitor.storage import models as m
from tests.responders.web.seed import make_case

POST = re.compile(
    r'<li data-counted="(yes|no)"><small>[^<]*· ([+-]?\d\.\d\d) · ([^<]+)</small> ([^<]+)</li>'
)


def test_the_posts_marked_counted_are_the_ones_the_win_back_is_the_mean_of(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    with factory() as session, session.begin():
        case = make_case(session, handle="pat")
        opened = case.opened_at
        case.first_response_at = opened + timedelta(hours=1)
        later = [  # (minutes after the complaint, sentiment, in the case or only by the author)
            ("still waiting, nothing yet", 30, -0.5, True),
            ("thanks, the new kettle came", 120, 0.8, False),
            ("all good now, great service", 180, 0.6, True),
            ("a month on: it broke again", 60 * 24 * 40, -0.9, False),
        ]
        for n, (text, minutes, sentiment, in_case) in enumerate(later):
            session.add(
                m.Mention(
                    platform=case.platform,
                    external_id=f"later-{case.id}-{n}",
                    brand=case.brand,
                    author_id=case.author_id,
                    author_handle="pat",
                    text=text,
                    created_at=opened + timedelta(minutes=minutes),
                    sentiment=sentiment,
                    case_id=case.id if in_case else None,
                )
            )
        session.flush()
        refresh_win_back(session, case, window_days=30)
        case_id, win_back, complaint = case.id, case.win_back, case.complaint_sentiment

    page = client_for("rob").get(f"/cases/{case_id}").text
    section = page.split('id="later-posts"')[1].split("</ul>")[0]
    listed = [(c, float(s), standing, text) for c, s, standing, text in POST.findall(section)]
    assert [(text, standing) for *_, standing, text in listed] == [
        ("still waiting, nothing yet", "before our reply"),
        ("thanks, the new kettle came", "counted in the win-back"),
        ("all good now, great service", "counted in the win-back"),
        ("a month on: it broke again", "after the window"),
    ]
    counted = [s for c, s, *_ in listed if c == "yes"]
    assert win_back == win_back_score(complaint, round(sum(counted) / len(counted), 4))
    assert f"win-back {win_back:+.2f}" in page
