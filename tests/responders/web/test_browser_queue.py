"""In chromium: the queue live (new cases counted, claims in place), by keyboard, in bulk."""

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
from responders.cases import actions
from tests.responders.web.seed import make_case, seed_cases
from tests.responders.web.test_browser import log_in

pytestmark = pytest.mark.browser
LIVE = 15_000  # the page polls every 5 s: two polls and some margin


def watch_console(page: Any) -> list[str]:
    """Errors the page logs (a CSP refusal is one): the test ends with none."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def focused_case(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.getAttribute('data-case') || ''"))


def test_a_new_case_is_counted_not_inserted_and_a_claim_elsewhere_shows_in_place(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    errors = watch_console(page)
    now = utcnow()
    (older,) = seed_cases(factory, [{"severity": "medium", "opened_at": now - timedelta(hours=1)}])
    log_in(page, live_server, "rob")
    expect(page.locator("#queue tbody tr[data-case]")).to_have_count(1)
    expect(page.locator("#live-show")).to_be_hidden()

    # A complaint arrives (as the ingest writes it) and Alice claims the case Rob is looking at.
    with factory() as session, session.begin():
        arrived = make_case(session, severity="critical", handle="@newcomer").id
        case = session.get(m.RecoveryCase, older)
        alice = session.get(m.User, staff["alice"])
        assert case is not None and alice is not None
        assert actions.claim(session, case, alice, expected_version=case.version).ok

    expect(page.locator("#live-show")).to_have_text("1 new — show", timeout=LIVE)
    row = page.locator(f'#queue tr[data-case="{older}"]')
    expect(row.locator(".assignee-cell")).to_have_text("alice", timeout=LIVE)
    expect(row).to_have_class(re.compile(r"\bchanged\b"))
    # No row jumped in under the reader: the page still shows only what it was drawn with.
    expect(page.locator("#queue tbody tr[data-case]")).to_have_count(1)

    page.click("#live-show")
    fresh = page.locator(f'#queue tr[data-case="{arrived}"]')
    expect(fresh).to_be_visible()
    expect(fresh).to_have_class(re.compile(r"\bfresh\b"))
    expect(fresh).to_contain_text("@newcomer")
    expect(page.locator(f'#queue tr[data-case="{older}"]')).not_to_have_class(
        re.compile(r"\bfresh\b")
    )
    assert errors == []


def test_the_keyboard_moves_selects_claims_opens_and_explains(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    errors = watch_console(page)
    now = utcnow()
    first, second, third = seed_cases(
        factory,
        [
            {"severity": "critical", "opened_at": now - timedelta(hours=3)},
            {"severity": "high", "opened_at": now - timedelta(hours=2)},
            {"severity": "medium", "opened_at": now - timedelta(hours=1)},
        ],
    )
    log_in(page, live_server, "rob")

    # j/k move a visible focus down and up the rows.
    page.keyboard.press("j")
    assert focused_case(page) == str(first)
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")  # stays on the last row
    assert focused_case(page) == str(third)
    page.keyboard.press("k")
    assert focused_case(page) == str(second)

    # x selects for the bulk bar.
    page.keyboard.press("x")
    expect(page.locator(f'#queue tr[data-case="{second}"] input[type=checkbox]')).to_be_checked()
    expect(page.locator("#bulk-count")).to_have_text("1 selected")
    page.keyboard.press("x")
    expect(page.locator("#bulk-count")).to_have_text("none selected")

    # ? shows the help; Escape closes it; while typing in the search box, keys are text.
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("claim the case")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("/")
    page.keyboard.type("jk")
    expect(page.locator("#filters input[name=q]")).to_have_value("jk")
    page.locator("#filters input[name=q]").fill("")

    # c claims the focused case.
    page.locator(f'#queue tr[data-case="{second}"]').focus()
    page.keyboard.press("c")
    expect(page.get_by_text(f"case #{second} is yours")).to_be_visible()
    with factory() as session:
        claimed = session.get(m.RecoveryCase, second)
        assert claimed is not None and claimed.assignee_id == staff["rob"]

    # o opens the focused case.
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server}/cases/{first}")
    assert errors == []


def test_bulk_claim_in_the_browser_asks_first_then_claims_each(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    errors = watch_console(page)
    a, b, c = seed_cases(factory, [{"handle": "@pat"}, {"handle": "@sam"}, {"handle": "@lou"}])
    log_in(page, live_server, "rob")
    page.click("#bulk-go")  # nothing selected: the page says so and stays
    expect(page.locator("#bulk-count")).to_contain_text("select at least one case")
    page.check(f'#queue tr[data-case="{a}"] input[type=checkbox]')
    page.check(f'#queue tr[data-case="{c}"] input[type=checkbox]')
    page.select_option("#bulk-action", "claim")
    page.click("#bulk-go")
    expect(page.locator("h1")).to_have_text("Claim: 2 cases?")
    expect(page.locator("#bulk-confirm tbody tr")).to_have_count(2)
    expect(page.locator("#bulk-confirm")).to_contain_text("@lou")
    page.click("#bulk-confirm button[type=submit]")
    expect(page.get_by_text("claimed 2 cases")).to_be_visible()
    with factory() as session:
        owners = dict(session.execute(select(m.RecoveryCase.id, m.RecoveryCase.assignee_id)).all())
        audited = session.scalars(
            select(m.AuditEntry.target).where(m.AuditEntry.action == "case.assign")
        ).all()
    assert owners == {a: staff["rob"], b: None, c: staff["rob"]}
    assert sorted(audited) == sorted([f"case:{a}", f"case:{c}"])
    assert errors == []


def test_not_a_complaint_in_bulk_asks_for_the_reason_then_closes_each(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    errors = watch_console(page)
    a, b = seed_cases(factory, [{"handle": "@bot1"}, {"handle": "@bot2"}])
    log_in(page, live_server, "rob")
    page.check(f'#queue tr[data-case="{a}"] input[type=checkbox]')
    page.check(f'#queue tr[data-case="{b}"] input[type=checkbox]')
    page.select_option("#bulk-action", "dismiss")
    page.click("#bulk-go")  # no reason picked: refused, nothing done
    expect(page.get_by_text("reason: say why they are not complaints")).to_be_visible()
    errors.clear()  # the refusal is a 400 page, which the console reports
    page.goto(f"{live_server}/")
    page.check(f'#queue tr[data-case="{a}"] input[type=checkbox]')
    page.check(f'#queue tr[data-case="{b}"] input[type=checkbox]')
    page.select_option("#bulk-action", "dismiss")
    page.select_option("#bulk-reason", "spam_or_bot")
    page.click("#bulk-go")
    expect(page.locator("h1")).to_have_text("Not a complaint: 2 cases?")
    expect(page.locator("#bulk-confirm")).to_contain_text("spam or bot")
    page.click("#bulk-confirm button[type=submit]")
    expect(page.get_by_text("dismissed 2 cases")).to_be_visible()
    with factory() as session:
        outcomes = session.scalars(select(m.RecoveryCase.outcome)).all()
        audited = session.scalars(
            select(m.AuditEntry.target).where(m.AuditEntry.action.like("%dismiss%"))
        ).all()
    assert outcomes == ["not_a_complaint", "not_a_complaint"]
    assert sorted(audited) == sorted([f"case:{a}", f"case:{b}"])
    assert errors == []
