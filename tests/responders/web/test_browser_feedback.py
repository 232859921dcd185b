"""In chromium: dismiss a case as not a complaint with a reason, undo it, report a missed one."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.seed import make_case, seed_cases
from tests.responders.web.test_browser import log_in

pytestmark = pytest.mark.browser


def test_dismiss_undo_and_report_a_missed_complaint(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"text": "@kettlebird what a day, kettle reviews incoming"}])
    with factory() as session, session.begin():  # a post the flag let through, in Spanish
        quiet = make_case(session, text="@kettlebird nunca llegó mi pedido <b>otra vez</b>")
        mention = session.get_one(m.Mention, quiet.first_mention_id)
        mention.flagged, mention.sentiment, mention.lang, mention.case_id = False, 0.0, "es", None
        session.flush()
        session.delete(quiet)
        quiet_id = mention.id
    log_in(page, live_server, "rob")

    # Not a complaint, with a reason, from the case page; the case closes without a root cause.
    page.goto(f"{live_server}/cases/{case_id}")
    page.select_option("#feedback select[name=reason]", "not_about_us")
    page.fill("#feedback input[name=note]", "a kettle reviewer")
    page.click("#feedback button:has-text('Not a complaint')")
    expect(page.get_by_text(f"case #{case_id} dismissed as not a complaint")).to_be_visible()
    expect(page.locator("#feedback")).to_contain_text("not about us (a kettle reviewer)")
    expect(page.locator("small.status")).to_have_text("closed")

    # Undo: the case is open again and back in the queue.
    page.click("#undo-dismissal button")
    expect(page.get_by_text(f"case #{case_id} is open again")).to_be_visible()
    expect(page.locator("small.status")).to_have_text("open")
    page.goto(f"{live_server}/")
    expect(page.locator(f"tr[data-case='{case_id}']")).to_be_visible()

    # The Mentions page (from the nav) finds the unflagged post; Missed complaint opens a case.
    page.click("nav >> text=Mentions")
    page.fill("#mention-filters input[name=lang]", "es")
    page.select_option("#mention-filters select[name=flagged]", "no")
    page.click("#mention-filters button[type=submit]")
    row = page.locator(f"tr[data-mention='{quiet_id}']")
    expect(row).to_contain_text("nunca llegó mi pedido <b>otra vez</b>")  # shown as text
    expect(page.locator("tr[data-mention]")).to_have_count(1)
    row.locator("button:has-text('Missed complaint')").click()
    expect(page.get_by_text("reported as a missed complaint: it is in case #")).to_be_visible()
    row = page.locator(f"tr[data-mention='{quiet_id}']")
    expect(row).to_contain_text("missed by the flag")
    assert row.locator("button:has-text('Missed complaint')").count() == 0
    row.locator("a[href^='/cases/']").click()
    expect(page.locator("#post-text")).to_contain_text("nunca llegó")
    with factory() as session:
        labels = session.scalars(select(m.MentionLabel).order_by(m.MentionLabel.id)).all()
        assert [(x.reason, x.revoked_at is None) for x in labels] == [
            ("not_about_us", False),
            ("missed", True),
        ]
