"""In chromium: two responders and two approvers on a case, the mode menu, a failed send."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.cases import actions, lifecycle
from responders.staff.accounts import add_user
from tests.responders.web.seed import PASSWORD, seed_cases
from tests.responders.web.test_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def more_staff(factory: sessionmaker[Session], staff: dict[str, int]) -> dict[str, int]:
    """The usual staff plus a second responder (rex) and a second approver (abby)."""
    with factory() as session, session.begin():
        for name, role in (("rex", "responder"), ("abby", "approver")):
            added = add_user(session, name, PASSWORD, role, display_name=name.title())
            assert added.value is not None, added.error
            staff = {**staff, name: added.value.id}
    return staff


def person(browser: Any, base: str, name: str) -> Any:
    """A page in its own browser context (own cookies), logged in as `name`."""
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, name)
    return page


def test_two_responders_and_two_approvers_on_one_case(
    live_server: str, browser: Any, factory: sessionmaker[Session], more_staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "x", "handle": "pat"}])
    url = f"{live_server}/cases/{case_id}"
    rob, rex, alice, abby = (
        person(browser, live_server, n) for n in ("rob", "rex", "alice", "abby")
    )

    # Rob claims and submits a reply.
    rob.goto(url)
    rob.click("form[action$='/claim'] button")
    rob.select_option("#template", "apology")
    expect(rob.locator("#preview")).not_to_be_empty()
    rob.click("button[value=submit]")
    expect(rob.get_by_text("reply submitted for approval")).to_be_visible()

    # Rex sees who is on it and since when, and no editor; Abby opens the pending draft.
    rex.goto(url)
    expect(rex.locator("#owner-text")).to_contain_text("rob is on this case since")
    expect(rex.locator("#not-owner")).to_contain_text("only they write the reply")
    assert rex.locator("#editor").count() == 0
    abby.goto(url)
    assert abby.locator("article.draft-pending_approval .draft-actions").count() == 1

    # Rex takes over: Rob's open page shows it without a reload, and Rob is told on his next page.
    rex.click("#take-over button")
    expect(rex.get_by_text(f"case #{case_id} is yours now")).to_be_visible()
    expect(rob.locator("#owner-text")).to_contain_text("rex is on this case since")
    expect(rob.locator("#owner-stale")).to_be_visible()
    rob.goto(url)
    expect(rob.get_by_text(f"rex took over case #{case_id} from you")).to_be_visible()
    assert rob.locator("#editor").count() == 0

    # Rex answers; Alice sees exactly one pending draft (Rob's is superseded) and approves it.
    rex.select_option("#template", "apology")
    expect(rex.locator("#preview")).not_to_be_empty()
    rex.fill("#reply-editor", "@pat rex here, sorting it out today.")
    rex.click("button[value=submit]")
    expect(rex.get_by_text("reply submitted for approval")).to_be_visible()
    alice.goto(url)
    assert alice.locator("article.draft-pending_approval").count() == 1
    assert alice.locator("article.draft-superseded").count() == 1
    alice.click("article.draft-pending_approval button.primary")
    expect(alice.get_by_text("reply approved: it is queued for sending")).to_be_visible()

    # Abby's page still shows Rob's old draft: the live banner disabled its buttons, and
    # submitting the form anyway is refused by the server; nothing is sent twice.
    expect(abby.locator("#owner-stale")).to_be_visible()
    expect(abby.locator("article.draft-pending_approval button.primary")).to_be_disabled()
    abby.locator("article.draft-pending_approval form[action$='/approve']").evaluate(
        "f => f.submit()"
    )
    expect(abby.locator("body")).to_contain_text("someone else changed this case")
    with factory() as session:
        states = session.scalars(select(m.ReplyDraft.state).order_by(m.ReplyDraft.id)).all()
        outbox = session.scalars(select(m.OutboxItem.idempotency_key)).all()
        taken = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "case.take_over")
        ).one()
    assert states == ["superseded", "approved"]
    assert len(outbox) == 1
    assert (taken.actor, taken.detail["previous"]) == ("rex", "rob")


@pytest.mark.parametrize(
    ("spec", "offered", "why_not"),
    [
        ({"platform": "x"}, ["public", "manual"], ["dm.write"]),
        (
            {"platform": "x", "reply_allowed": False},
            ["manual"],
            ["mentioned or quoted", "dm.write"],
        ),
        ({"platform": "mastodon"}, ["public", "manual"], ["Mastodon direct"]),
        ({"platform": "hackernews"}, ["manual"], ["Hacker News has no API for replies"]),
    ],
)
def test_the_mode_menu_offers_only_what_can_be_sent_and_says_why(
    live_server: str,
    page: Any,
    factory: sessionmaker[Session],
    staff: dict[str, int],
    spec: dict[str, object],
    offered: list[str],
    why_not: list[str],
) -> None:
    (case_id,) = seed_cases(factory, [spec])
    log_in(page, live_server, "rob")
    page.goto(f"{live_server}/cases/{case_id}")
    values = page.locator("#channel option").evaluate_all("os => os.map(o => o.value)")
    assert values == offered
    assert page.locator("#channel").input_value() == offered[0]  # the best sendable mode
    for reason in why_not:
        expect(page.locator("#modes-unavailable")).to_contain_text(reason)


def test_a_failed_send_says_why_on_its_card_with_the_way_out_there(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "x", "handle": "pat"}])
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        mention = session.get_one(m.Mention, case.first_mention_id)
        rob, alice = (session.get_one(m.User, staff[n]) for n in ("rob", "alice"))
        draft = actions.save_draft(session, case, mention, rob, "apology", "Sorry!", submit=True)
        assert draft.value is not None, draft.error
        assert actions.approve_draft(session, case, draft.value, alice).ok
        error = "X refused our credentials: check MAKEGOOD_X_ACCESS_TOKEN"
        lifecycle.on_send_failed(session, case, draft.value, error, True, 1)
        session.execute(update(m.OutboxItem).values(state="dead"))
    log_in(page, live_server, "alice")
    page.goto(f"{live_server}/cases/{case_id}")
    card = page.locator(f"article[data-draft='{draft.value.id}']")
    expect(card.locator(".send-failed")).to_contain_text("X refused our credentials")
    expect(card.get_by_role("button", name="Send again")).to_be_visible()

    # The way out by hand is on the same card: paste the link of the reply posted by hand.
    card.locator("input[name=url]").fill("https://x.com/kettlebird/status/1234567890")
    card.get_by_role("button", name="Record the link").click()
    expect(page.get_by_text("manual reply recorded")).to_be_visible()
    with factory() as session:
        sent = session.get_one(m.ReplyDraft, draft.value.id)
    assert (sent.state, sent.published_id) == ("sent", "1234567890")
