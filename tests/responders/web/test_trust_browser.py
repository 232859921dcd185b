"""In chromium: a compensation entry that is wrong comes back as typed with its error in place,
and a severity badge leads to the page that explains the formula."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session, sessionmaker

from monitor.scoring import harm
from tests.responders.web.seed import seed_cases
from tests.responders.web.test_browser import log_in

pytestmark = pytest.mark.browser


def test_a_compensation_error_keeps_what_was_typed_and_says_what_is_wrong_in_place(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    log_in(page, live_server, "alice")
    page.goto(f"{live_server}/cases/{case_id}/recovery")
    form = page.locator(f"form[action='/cases/{case_id}/recovery/compensations']")
    form.locator("input[name=what]").fill("refund of order 1234")
    form.locator("input[name=value]").fill("twelve fifty")
    form.locator("input[name=currency]").fill("EUR")
    form.locator("button[type=submit]").click()

    # The same page, the same form: what was typed is still there and the error sits above it.
    page.wait_for_url(f"{live_server}/cases/{case_id}/recovery/compensations")
    form = page.locator(f"form[action='/cases/{case_id}/recovery/compensations']")
    error = form.locator("#compensation-error")
    expect(error).to_contain_text("value: expected an amount like 12.50, not 'twelve fifty'")
    expect(form.locator("input[name=what]")).to_have_value("refund of order 1234")
    expect(form.locator("input[name=value]")).to_have_value("twelve fifty")
    expect(form.locator("input[name=value]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=currency]")).to_have_value("EUR")
    expect(page.locator("#recovery-panel")).to_be_visible()  # not a separate error page

    # Corrected in place, it is recorded.
    form.locator("input[name=value]").fill("12.50")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server}/cases/{case_id}/recovery")
    expect(page.locator("#ledger")).to_contain_text("refund of order 1234")
    expect(page.locator("#ledger")).to_contain_text("12.50 EUR")
    expect(page.locator("#compensation-error")).to_have_count(0)


def test_a_severity_badge_opens_the_severity_help(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"severity": "critical"}])
    log_in(page, live_server, "rob")
    page.locator(f"tr[data-case='{case_id}'] a[href^='/help/severity']").click()
    page.wait_for_url(f"{live_server}/help/severity#critical")
    expect(page.locator("h1")).to_have_text("How severity is scored")
    families = page.locator("#harm-families tr[data-family]")
    expect(families).to_have_count(len(harm.FAMILIES))

    page.goto(f"{live_server}/cases/{case_id}")
    page.locator(".case-head h1 a[href^='/help/severity']").click()
    page.wait_for_url(f"{live_server}/help/severity#critical")
