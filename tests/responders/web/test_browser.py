"""In a real browser (Debian chromium via Playwright): log in, filter, open, draft, approve, XSS."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from tests.responders.web.seed import PASSWORD, seed_cases

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script> @kettlebird my order is late"
IMG = "<img src=x onerror=alert(1)> @kettlebird charged twice"


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_approver_filters_opens_drafts_previews_and_approves(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    now = utcnow()
    target, script_case, img_case = seed_cases(
        factory,
        [
            {
                "severity": "critical",
                "platform": "x",
                "handle": "pat",
                "category": "delivery",
                "text": "@kettlebird third kettle that arrived broken",
                "opened_at": now,
            },
            {"severity": "high", "text": SCRIPT, "opened_at": now - timedelta(hours=2)},
            {"severity": "medium", "text": IMG, "handle": "<b>bold</b>"},
        ],
    )
    log_in(page, live_server, "alice")

    # The queue shows hostile post text literally, and nothing runs.
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 3
    assert page.get_by_text(SCRIPT, exact=True).is_visible()
    assert page.get_by_text(IMG, exact=True).is_visible()
    assert page.get_by_text("<b>bold</b>", exact=True).is_visible()

    # Filter by severity.
    page.select_option("select[name=severity]", "critical")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"severity=critical"))
    assert rows.count() == 1
    page.click(f"a[href='/cases/{target}']")
    page.wait_for_url(f"{live_server}/cases/{target}")
    assert page.locator("#post-text").inner_text() == "@kettlebird third kettle that arrived broken"

    # The editor opens with the apology ready: the preview and the X length counter appear.
    assert page.locator("#template").input_value() == "apology"
    preview = page.locator("#preview")
    expect(preview).not_to_be_empty()
    assert preview.inner_text().startswith("@pat We're sorry")
    assert "delivery problem" in preview.inner_text()
    assert re.fullmatch(r"\d+ / 280 weighted characters", page.locator("#length").inner_text())

    # Edit the words: the preview follows, rendered as text even when it looks like HTML.
    page.fill("#reply-editor", "@pat so sorry <b>truly</b>, fixing it now.")
    expect(preview).to_contain_text("truly")
    assert preview.inner_text() == "@pat so sorry <b>truly</b>, fixing it now."
    assert preview.locator("b").count() == 0
    assert page.locator("#length").inner_text() == "42 / 280 weighted characters"

    # Template syntax typed in the editor is words, not code: it is sent as typed, never run.
    page.fill("#reply-editor", "{{ ''.__class__.__mro__ }} {% raw %}")
    expect(preview).to_have_text("{{ ''.__class__.__mro__ }} {% raw %}")
    assert page.locator("#preview-error").is_hidden()

    page.fill("#reply-editor", "@pat so sorry, fixing it now.")
    page.click("button[value=approve]")
    page.wait_for_url(f"{live_server}/cases/{target}")
    assert page.get_by_text("reply approved: it is queued for sending").is_visible()
    assert page.locator("h1 .status").inner_text() == "approved"
    with factory() as session:
        draft = session.scalars(select(m.ReplyDraft)).one()
        assert draft.body == "@pat so sorry, fixing it now." and draft.state == "approved"

    # The case moved on: it has left the open queue.
    page.goto(f"{live_server}/")
    ids = page.locator("table.queue tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert ids == [str(script_case), str(img_case)]

    # The hostile posts render as text on their case pages and in the preview too.
    page.goto(f"{live_server}/cases/{img_case}")
    assert page.locator("#post-text").inner_text() == IMG
    expect(page.locator("#preview")).to_contain_text("we're sorry")
    assert page.locator("#reply-editor .chip-value").first.inner_text() == "@<b>bold</b>"
    assert page.locator("#preview").inner_text().startswith("@<b>bold</b> You're right")
    assert page.locator("#reply-editor b, #preview b").count() == 0
    page.goto(f"{live_server}/cases/{script_case}")
    assert page.locator("#post-text").inner_text() == SCRIPT


def test_a_viewer_sees_the_case_but_cannot_act(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    log_in(page, live_server, "vera")
    page.goto(f"{live_server}/cases/{case_id}")
    assert page.locator("#post-text").is_visible()
    assert page.locator("#editor").count() == 0
    assert page.locator("text=Claim").count() == 0
    # Forging the request from the page (with the real CSRF token) is still refused.
    status = page.evaluate(
        """async (url) => {
            const token = document.querySelector('meta[name=csrf-token]').content;
            const body = new URLSearchParams({version: '1', csrf_token: token});
            const r = await fetch(url, {method: 'POST', body});
            return r.status;
        }""",
        f"/cases/{case_id}/claim",
    )
    assert status == 403
