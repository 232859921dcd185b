"""Recovery pages: the report and its CSV, and the case lifecycle actions (roles, CSRF, locking)."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cases.reports import EXPORT_COLUMNS
from responders.outbox.queue import enqueue
from tests.responders.web.seed import csrf_from, make_case, seed_cases

Clients = Callable[[str], TestClient]


def version_of(factory: sessionmaker[Session], case_id: int) -> int:
    with factory() as session:
        return session.get_one(m.RecoveryCase, case_id).version


def case_of(factory: sessionmaker[Session], case_id: int) -> m.RecoveryCase:
    with factory() as session:
        case = session.get_one(m.RecoveryCase, case_id)
        session.expunge(case)
        return case


def act(
    client: TestClient,
    case_id: int,
    action: str,
    data: dict[str, Any],
    version: int | None = None,
    csrf: bool = True,
) -> Any:
    """POST a lifecycle form of the recovery page, as the page would (token and version)."""
    page = client.get(f"/cases/{case_id}/recovery")
    form = dict(data)
    if csrf:
        form["csrf_token"] = csrf_from(page.text)
    if version is not None:
        form["version"] = str(version)
    return client.post(f"/cases/{case_id}/recovery/{action}", data=form, follow_redirects=False)


def add_draft(factory: sessionmaker[Session], case_id: int, state: str = "approved") -> int:
    """An approved reply the worker has not sent yet (e.g. staff will post it by hand)."""
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        draft = m.ReplyDraft(
            case_id=case_id,
            mention_id=case.first_mention_id,
            template="apology",
            channel="manual",
            body="@pat we're sorry, that is on us.",
            state=state,
        )
        session.add(draft)
        session.flush()
        return draft.id


FORMS: dict[str, dict[str, Any]] = {
    "follow-up": {"note": "the customer says the new kettle works"},
    "root-cause": {"cause": "carrier delay"},
    "compensations": {"what": "refund of shipping", "value": "4.95", "currency": "USD"},
    "close": {"outcome": "spam"},
}


@pytest.mark.parametrize(
    ("username", "action", "data"),
    [
        ("vera", "follow-up", FORMS["follow-up"]),
        ("vera", "root-cause", FORMS["root-cause"]),
        ("vera", "close", FORMS["close"]),
        ("vera", "compensations", FORMS["compensations"]),
        ("vera", "manual-reply", {"draft_id": "1", "url": "https://x.com/k/status/1"}),
        ("rob", "compensations", FORMS["compensations"]),  # giving something away: approvers
        ("rob", "root-cause", {"cause": "", "new_cause": "gremlins"}),  # extending the list too
    ],
)
def test_roles_are_enforced_on_the_server(
    factory: sessionmaker[Session],
    client_for: Clients,
    username: str,
    action: str,
    data: dict[str, Any],
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    before = version_of(factory, case_id)
    response = act(client_for(username), case_id, action, data, before)
    assert response.status_code == 403
    assert "may not" in response.text
    assert version_of(factory, case_id) == before


@pytest.mark.parametrize("action", [*FORMS, "manual-reply"])
def test_a_form_without_the_csrf_token_is_refused(
    factory: sessionmaker[Session], client_for: Clients, action: str
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    data = FORMS.get(action, {"draft_id": "1", "url": "https://x.com/k/status/1"})
    response = act(client_for("ada"), case_id, action, data, version_of(factory, case_id), False)
    assert response.status_code == 403
    assert "did not come from this site" in response.text


@pytest.mark.parametrize("action", [*FORMS, "manual-reply"])
def test_a_stale_version_is_a_conflict_and_changes_nothing(
    factory: sessionmaker[Session], client_for: Clients, action: str
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    draft_id = add_draft(factory, case_id)
    data = FORMS.get(action, {"draft_id": str(draft_id), "url": "https://x.com/k/status/1"})
    client = client_for("ada")
    stale = version_of(factory, case_id)
    assert (
        act(client, case_id, "follow-up", {"note": "asked how it went"}, stale).status_code == 303
    )
    response = act(client, case_id, action, data, stale)
    assert response.status_code == 409
    assert "someone else changed this case" in response.text
    case = case_of(factory, case_id)
    assert (case.root_cause, case.status) == ("", "open")
    with factory() as session:
        assert session.scalars(select(m.Compensation)).all() == []


def test_a_case_cannot_close_without_its_root_cause(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    rob = client_for("rob")
    refused = act(rob, case_id, "close", {"outcome": "resolved"}, version_of(factory, case_id))
    assert refused.status_code == 400
    assert "record the root cause before closing" in refused.text
    assert case_of(factory, case_id).status == "open"

    set_cause = act(rob, case_id, "root-cause", FORMS["root-cause"], version_of(factory, case_id))
    assert set_cause.status_code == 303
    closed = act(rob, case_id, "close", {"outcome": "resolved"}, version_of(factory, case_id))
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/cases/{case_id}/recovery"
    case = case_of(factory, case_id)
    assert (case.status, case.outcome, case.root_cause) == ("closed", "resolved", "carrier delay")
    assert "Closed" in rob.get(f"/cases/{case_id}/recovery").text


def test_the_lifecycle_actions_are_stamped_with_who_and_when(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    alice, rob = client_for("alice"), client_for("rob")
    steps: list[tuple[TestClient, str, dict[str, Any]]] = [
        (rob, "follow-up", {"note": "works now", "reschedule_days": "2"}),
        (alice, "root-cause", {"cause": "", "new_cause": "  label   misprint "}),
        (alice, "compensations", {"what": "free month", "value": "12,5", "currency": "eur"}),
    ]
    for client, action, form in steps:
        response = act(client, case_id, action, form, version_of(factory, case_id))
        assert response.status_code == 303, response.text
    bad = act(
        alice, case_id, "compensations", {"what": "x", "value": "ten"}, version_of(factory, case_id)
    )
    assert bad.status_code == 400 and "expected an amount like 12.50" in bad.text

    case = case_of(factory, case_id)
    assert case.root_cause == "label misprint"
    assert case.follow_up_due_at is not None
    with factory() as session:
        stamped = session.execute(
            select(m.CaseEvent.step, m.User.username)
            .join(m.User, m.User.id == m.CaseEvent.user_id)
            .where(m.CaseEvent.case_id == case_id, m.CaseEvent.step != "")
            .order_by(m.CaseEvent.id)
        ).all()
        entry = session.scalars(select(m.Compensation)).one()
    assert [tuple(s) for s in stamped] == [
        ("follow_up", "rob"),
        ("learn", "alice"),
        ("compensate", "alice"),
    ]
    assert (entry.what, entry.value_cents, entry.currency) == ("free month", 1250, "EUR")
    page = rob.get(f"/cases/{case_id}/recovery").text
    assert "label misprint" in page  # the new cause is now in the brand's list
    assert "12.50 EUR" in page


def test_a_reply_posted_by_hand_is_recorded_from_its_link(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat", "platform": "x"}])
    draft_id = add_draft(factory, case_id)
    rob = client_for("rob")
    form = {"draft_id": str(draft_id), "url": "not a link"}
    refused = act(rob, case_id, "manual-reply", form, version_of(factory, case_id))
    assert refused.status_code == 400 and "paste the full link" in refused.text
    form["url"] = "https://x.com/kettlebird/status/1790000000000000001"
    assert act(rob, case_id, "manual-reply", form, version_of(factory, case_id)).status_code == 303
    with factory() as session:
        draft = session.get_one(m.ReplyDraft, draft_id)
        assert (draft.state, draft.published_id) == ("sent", "1790000000000000001")
    case = case_of(factory, case_id)
    assert case.status == "responded" and case.first_response_at is not None


def test_the_panel_shows_timing_and_the_win_back_score(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    with factory() as session, session.begin():
        case = make_case(session, handle="pat", opened_at=utcnow() - timedelta(hours=3))
        case.first_response_at = case.opened_at + timedelta(minutes=42)
        case.later_sentiment, case.win_back = 0.6, 1.3
        case_id = case.id
    page = client_for("vera").get(f"/cases/{case_id}/recovery").text
    assert "(42 min)" in page and "met" in page
    assert "+1.30" in page and "won back" in page
    assert 'action="/cases/' not in page.split('id="recovery-panel"')[1]  # a viewer gets no forms


def seed_reported_case(factory: sessionmaker[Session], text: str) -> int:
    """A case opened 2 days ago, answered after 30 minutes (SLA 60), resolved, compensated."""
    with factory() as session, session.begin():
        case = make_case(session, handle="pat", text=text, opened_at=utcnow() - timedelta(days=2))
        case.first_response_at = case.opened_at + timedelta(minutes=30)
        case.root_cause, case.status, case.outcome = "carrier delay", "closed", "resolved"
        case.later_sentiment, case.win_back = 0.5, 1.2
        session.add(m.Compensation(case_id=case.id, what="refund", value_cents=1999))
        old = make_case(session, handle="sam", opened_at=utcnow() - timedelta(days=40))
        old.root_cause = "billing error"
        return case.id


def test_the_report_shows_the_figures_of_a_seeded_case(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    case_id = seed_reported_case(factory, "@kettlebird the lid snapped off")
    html = client_for("vera").get("/reports?days=30&brand=Kettlebird").text
    assert '<div class="big" id="opened">1</div>' in html
    assert '<div class="big" id="median">30 min</div>' in html
    assert '<div class="big" id="p90">30 min</div>' in html
    assert '<div class="big" id="sla">100%</div>' in html
    assert '<div class="big" id="resolution">100%</div>' in html
    assert '<div class="big" id="win-back">100%</div>' in html
    assert '<td>carrier delay</td><td class="num">1</td><td class="num">0</td>' in html
    assert '<td>USD</td><td class="num">19.99</td>' in html
    assert f'href="/cases/{case_id}"' in html
    # The 60-day view puts the older case in the period and its cause in the trend.
    wide = client_for("vera").get("/reports?days=60").text
    assert '<div class="big" id="opened">2</div>' in wide
    assert "billing error" in wide


def test_post_text_is_escaped_on_the_report_page(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    seed_reported_case(factory, '<script>alert("pwned")</script><img src=x onerror=alert(1)>')
    html = client_for("vera").get("/reports").text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?brand=Nope", 400, "no brand 'Nope'"),
        ("?days=0", 400, "days: input should be greater than or equal to 1"),
        ("?end=yesterday", 400, "end: expected a date"),
        ("?end=9999-12-31", 400, "end: '9999-12-31' is out of range"),
        ("?end=0001-01-01", 400, "end: '0001-01-01' is out of range"),
        ("/cases.csv?since=99999999999d", 400, "since: expected a date"),
        ("/cases.csv?since=99999d", 400, "since: at most 36500d back"),
    ],
)
def test_bad_report_filters_get_a_clear_error(
    client_for: Clients, query: str, status: int, message: str
) -> None:
    response = client_for("vera").get(f"/reports{query}")
    assert response.status_code == status
    assert message in html.unescape(response.text)


def test_the_csv_download_has_the_export_rows(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    case_id = seed_reported_case(factory, "@kettlebird the lid snapped off")
    vera = client_for("vera")
    response = vera.get("/reports/cases.csv?brand=Kettlebird")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == 2
    row = rows[0]
    assert (row["id"], row["author"], row["status"], row["outcome"]) == (
        str(case_id), "pat", "closed", "resolved",
    )  # fmt: skip
    assert (row["response_minutes"], row["sla_met"], row["won_back"]) == ("30.0", "true", "true")
    assert (row["root_cause"], row["compensation_cents"]) == ("carrier delay", "1999")

    since = (utcnow() - timedelta(days=7)).date().isoformat()
    recent = list(csv.DictReader(io.StringIO(vera.get(f"/reports/cases.csv?since={since}").text)))
    assert [r["id"] for r in recent] == [str(case_id)]
    bad = vera.get("/reports/cases.csv?since=last-tuesday")
    assert bad.status_code == 400 and "since: expected a date" in bad.text


def test_logged_out_visitors_are_sent_to_the_login(client_for: Clients) -> None:
    anonymous = TestClient(client_for("vera").app)
    response = anonymous.get("/reports", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_case_page_shows_the_recovery_hook_linking_to_the_panel(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    with factory() as session, session.begin():
        case = make_case(session, handle="pat", text="<b>bold</b>")
        case.root_cause, case.win_back = "<i>carrier</i>", 0.75
        case_id = case.id
    page = client_for("vera").get(f"/cases/{case_id}").text
    hook = page[page.index('id="recovery-hook"') :]
    assert f'href="/cases/{case_id}/recovery"' in hook
    assert "&lt;i&gt;carrier&lt;/i&gt;" in hook and "+0.75" in hook


def test_every_page_links_to_incidents_and_reports(client_for: Clients) -> None:
    page = client_for("vera").get("/").text
    assert 'href="/incidents"' in page and 'href="/reports"' in page


def test_a_reply_the_worker_is_sending_cannot_be_recorded_by_hand(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat", "platform": "x"}])
    draft_id = add_draft(factory, case_id)
    with factory() as session, session.begin():
        enqueue(session, "reply", f"reply:{draft_id}", {"draft_id": draft_id})
        session.execute(
            update(m.OutboxItem).values(
                state="sending", lease_owner="w1", lease_until=utcnow() + timedelta(minutes=2)
            )
        )
    rob = client_for("rob")
    panel = rob.get(f"/cases/{case_id}/recovery").text
    assert f"Reply #{draft_id} is being sent right now" in panel
    assert "/recovery/manual-reply" not in panel  # nothing left to record by hand
    form = {"draft_id": str(draft_id), "url": "https://x.com/kettlebird/status/1790000000000000001"}
    response = act(rob, case_id, "manual-reply", form, version_of(factory, case_id))
    assert response.status_code == 409
    assert "being sent right now" in response.text
    with factory() as session:
        assert session.get_one(m.ReplyDraft, draft_id).state == "approved"
        item = session.scalars(select(m.OutboxItem)).one()
        assert (item.state, item.lease_owner) == ("sending", "w1")


def test_a_closed_case_can_be_reopened_and_answered_again(
    factory: sessionmaker[Session], client_for: Clients
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    rob = client_for("rob")
    assert (
        act(rob, case_id, "close", FORMS["close"], version_of(factory, case_id)).status_code == 303
    )
    assert "Reopen case" in rob.get(f"/cases/{case_id}/recovery").text
    refused = act(rob, case_id, "reopen", {"note": " "}, version_of(factory, case_id))
    assert refused.status_code == 400 and "say why" in refused.text
    reopened = act(
        rob, case_id, "reopen", {"note": "she wrote again"}, version_of(factory, case_id)
    )
    assert reopened.status_code == 303
    case = case_of(factory, case_id)
    assert (case.status, case.outcome, case.closed_at) == ("open", "", None)
    again = act(rob, case_id, "reopen", {"note": "twice"}, version_of(factory, case_id))
    assert again.status_code == 409 and "not closed" in again.text
    assert 'id="editor"' in rob.get(f"/cases/{case_id}").text
    with factory() as session:
        event = session.scalars(select(m.CaseEvent).where(m.CaseEvent.kind == "reopened")).one()
        assert (event.note, event.data["outcome"]) == ("she wrote again", "spam")


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"what": "refund", "value": "twelve"}, "value", "value: expected an amount like 12.50"),
        ({"what": "   ", "value": "5"}, "what", "say what was given"),
        ({"what": "refund", "value": "5", "currency": "E1"}, "currency", "currency must be"),
        ({"what": "refund", "value": "200000"}, "value", "the value must be between"),
    ],
)
def test_a_bad_compensation_comes_back_as_typed_with_its_error_on_the_field(
    factory: sessionmaker[Session],
    client_for: Clients,
    typed: dict[str, str],
    field: str,
    message: str,
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    data = {"currency": "USD", **typed}
    response = act(
        client_for("alice"), case_id, "compensations", data, version_of(factory, case_id)
    )
    page = html.unescape(response.text)
    assert response.status_code == 400
    assert 'id="recovery-panel"' in page  # the page itself, not a separate error page
    assert message in page.split('id="compensation-error"')[1].split("</p>")[0]
    for name, value in data.items():
        assert f'name="{name}"' in page and f'value="{value}"' in page
    invalid = re.findall(r'name="(\w+)"[^>]*aria-invalid="true"', page)
    assert invalid == [field]
    with factory() as session:
        assert session.scalars(select(m.Compensation)).all() == []
