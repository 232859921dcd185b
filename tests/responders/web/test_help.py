"""/help/severity explains the formula from the scoring module's own tables, and every
severity badge on the queue and case pages links to it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.scoring import harm, severity
from responders.web.routes_help import Band, level_bands
from tests.responders.web.seed import seed_cases

BADGE = re.compile(r'(<a [^>]*>)?<span class="sev sev-(\w+)">')


def test_the_page_lists_every_harm_family_with_its_floor(
    client_for: Callable[[str], TestClient],
) -> None:
    page = client_for("vera").get("/help/severity")
    assert page.status_code == 200
    table = page.text.split('id="harm-families"')[1].split("</table>")[0]
    rows = re.findall(r'data-family="([^"]+)"><td>[^<]+</td><td><span class="sev sev-(\w+)"', table)
    assert rows == [(f.name, f.floor) for f in harm.FAMILIES]
    for rung in (*severity.REACH_LADDER, *severity.ENGAGEMENT_LADDER):
        assert f"{rung:,}" in page.text


def test_the_level_bands_are_read_off_the_rule() -> None:
    assert level_bands() == [
        Band("none", 0, 0),
        Band("low", 1, 2),
        Band("medium", 3, 4),
        Band("high", 5, 6),
        Band("critical", 7, None),
    ]


def test_every_severity_badge_on_the_queue_and_case_pages_links_to_the_help(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    ids = seed_cases(factory, [{"severity": s} for s in ("low", "medium", "high", "critical")])
    client = client_for("rob")
    pages = ["/", f"/cases/{ids[0]}", f"/cases/{ids[3]}/recovery"]
    for url in pages:
        badges = BADGE.findall(client.get(url).text)
        assert badges, url
        for link, level in badges:
            assert f'href="/help/severity#{level}"' in link, (url, level)
