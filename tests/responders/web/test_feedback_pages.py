"""Feedback pages: the Mentions search, "Not a complaint" / Undo, "Missed complaint", the report."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from tests.responders.web.seed import csrf_from, make_case, seed_cases

Clients = Callable[[str], TestClient]
XSS = "<script>alert(1)</script> my kettle"


def post(client: TestClient, path: str, data: dict[str, Any], csrf: bool = True) -> Any:
    """POST a form as a page would: with the session's CSRF token."""
    form = dict(data)
    if csrf:
        form["csrf_token"] = csrf_from(client.get("/mentions").text)
    return client.post(path, data=form, follow_redirects=False)


def version_of(factory: sessionmaker[Session], case_id: int) -> int:
    with factory() as session:
        return session.get_one(m.RecoveryCase, case_id).version


def unflagged(factory: sessionmaker[Session], **fields: Any) -> int:
    """A stored post the flag did not raise (no case); its mention id."""
    with factory() as session, session.begin():
        case = make_case(session, text=fields.pop("text", "@kettlebird lovely kettle"))
        mention = session.get_one(m.Mention, case.first_mention_id)
        for name, value in {
            "flagged": False,
            "sentiment": 0.6,
            "severity": "none",
            **fields,
        }.items():
            setattr(mention, name, value)
        mention.case_id = None
        session.flush()
        session.delete(case)
        return mention.id


def test_the_mentions_page_searches_every_stored_post(
    client_for: Clients, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (flagged_case,) = seed_cases(factory, [{"text": XSS}])
    calm = unflagged(factory, text="@kettlebird où est ma commande", lang="fr")
    vera = client_for("vera")
    page = vera.get("/mentions")
    assert page.status_code == 200 and 'href="/mentions"' in page.text
    assert "<script>alert(1)</script>" not in page.text and html.escape(XSS) in page.text
    assert f'href="/cases/{flagged_case}"' in page.text
    assert "/missed" not in page.text  # viewers do not report
    cases = {
        "lang=fr": {calm},
        "flagged=yes": {flagged_case_mention(factory, flagged_case)},
        "flagged=no": {calm},
        "q=COMMANDE": {calm},
        "min_sentiment=0.5": {calm},
        "max_sentiment=-0.5": {flagged_case_mention(factory, flagged_case)},
        "platform=mastodon&brand=Kettlebird": {calm, flagged_case_mention(factory, flagged_case)},
        f"since={(utcnow() + timedelta(days=1)).date().isoformat()}": set(),
        f"until={utcnow().date().isoformat()}": {calm, flagged_case_mention(factory, flagged_case)},
    }
    for query, expected in cases.items():
        shown = vera.get(f"/mentions?{query}").text
        assert {i for i in (calm, flagged_case_mention(factory, flagged_case))
                if f'data-mention="{i}"' in shown} == expected, query  # fmt: skip


def flagged_case_mention(factory: sessionmaker[Session], case_id: int) -> int:
    with factory() as session:
        return session.get_one(m.RecoveryCase, case_id).first_mention_id


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("platform=myspace", "platform:"),
        ("lang=english!", "lang:"),
        ("min_sentiment=abc", "min_sentiment:"),
        ("max_sentiment=2", "max_sentiment:"),
        ("min_sentiment=0.5&max_sentiment=0.1", "min_sentiment:"),
        ("flagged=maybe", "flagged:"),
        ("since=yesterday", "since:"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(
    client_for: Clients, query: str, field: str
) -> None:
    page = client_for("vera").get(f"/mentions?{query}")
    assert page.status_code == 400 and field in page.text


def test_mentions_are_paged_by_keyset(client_for: Clients, factory: sessionmaker[Session]) -> None:
    base = utcnow() - timedelta(hours=1)
    ids = seed_cases(factory, [{"opened_at": base + timedelta(minutes=i % 3)} for i in range(55)])
    vera = client_for("vera")
    first = vera.get("/mentions").text
    assert first.count("data-mention=") == 50 and 'rel="next"' in first
    next_url = html.unescape(first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0])
    assert "offset" not in next_url and "after=" in next_url
    second = vera.get(next_url).text
    assert second.count("data-mention=") == 5 and 'rel="next"' not in second
    seen = first + second
    assert all(f'href="/cases/{i}"' in seen for i in ids)


def test_missed_complaint_from_the_mentions_page(
    client_for: Clients, factory: sessionmaker[Session]
) -> None:
    mention_id = unflagged(factory)
    rob = client_for("rob")
    assert f'action="/mentions/{mention_id}/missed"' in rob.get("/mentions").text
    assert (
        post(rob, f"/mentions/{mention_id}/missed", {"back": "/mentions"}, csrf=False).status_code
        == 403
    )
    assert client_for("vera").post(f"/mentions/{mention_id}/missed", data={}).status_code == 403
    for _ in range(2):
        done = post(rob, f"/mentions/{mention_id}/missed", {"note": "sarcasm", "back": "/mentions"})
        assert done.status_code == 303 and done.headers["location"] == "/mentions"
    page = rob.get("/mentions").text
    assert "already reported as a missed complaint" in page and "missed by the flag" in page
    with factory() as session:
        mention = session.get_one(m.Mention, mention_id)
        assert mention.case_id is not None
        (label,) = session.scalars(select(m.MentionLabel)).all()
        assert (label.reason, label.case_id) == ("missed", mention.case_id)
    assert post(rob, "/mentions/999999/missed", {}).status_code == 404


def test_not_a_complaint_from_the_queue_and_undo_on_the_case_page(
    client_for: Clients, factory: sessionmaker[Session]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    rob = client_for("rob")
    queue = rob.get("/").text
    assert f'action="/cases/{case_id}/dismiss"' in queue and 'value="spam_or_bot"' in queue
    assert f'action="/cases/{case_id}/dismiss"' not in client_for("vera").get("/").text
    version = version_of(factory, case_id)
    stale = post(
        rob, f"/cases/{case_id}/dismiss", {"version": version + 5, "reason": "not_negative"}
    )
    assert stale.status_code == 409
    bad = post(rob, f"/cases/{case_id}/dismiss", {"version": version, "reason": "meh"})
    assert bad.status_code == 400 and "reason:" in bad.text
    done = post(
        rob,
        f"/cases/{case_id}/dismiss",
        {"version": version, "reason": "not_negative", "back": "/"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert f"case #{case_id} dismissed as not a complaint" in rob.get("/").text
    case_page = rob.get(f"/cases/{case_id}").text
    assert (
        "Dismissed: not a complaint: not negative" in case_page
        and 'id="undo-dismissal"' in case_page
    )
    undone = post(
        rob, f"/cases/{case_id}/undo-dismissal", {"version": version_of(factory, case_id)}
    )
    assert undone.status_code == 303 and undone.headers["location"] == f"/cases/{case_id}"
    assert f"case #{case_id} is open again" in rob.get(f"/cases/{case_id}").text
    with factory() as session:
        assert session.get_one(m.RecoveryCase, case_id).status == "open"
        actions = set(session.scalars(select(m.AuditEntry.action)))
        assert {"case.dismiss", "case.undo_dismissal"} <= actions


def test_someone_elses_case_cannot_be_dismissed(
    client_for: Clients, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"assignee_id": staff["alice"]}])
    rob = client_for("rob")
    assert f'action="/cases/{case_id}/dismiss"' not in rob.get("/").text
    assert 'id="feedback"' not in rob.get(f"/cases/{case_id}").text
    refused = post(
        rob,
        f"/cases/{case_id}/dismiss",
        {"version": version_of(factory, case_id), "reason": "not_negative"},
    )
    assert refused.status_code == 409 and "alice is on this case" in refused.text


def test_the_report_shows_flag_precision_per_brand_and_week(
    client_for: Clients, factory: sessionmaker[Session]
) -> None:
    kept, dropped = seed_cases(factory, [{}, {}])
    rob = client_for("rob")
    for case_id in (dropped,):
        post(
            rob,
            f"/cases/{case_id}/dismiss",
            {"version": version_of(factory, case_id), "reason": "spam_or_bot"},
        )
    post(rob, f"/mentions/{unflagged(factory)}/missed", {})
    with factory() as session, session.begin():
        from responders.cases.feedback import confirm_flag

        confirm_flag(session, session.get_one(m.RecoveryCase, kept), None, "answered")
    report = rob.get("/reports").text
    assert 'id="flag-weeks"' in report
    total = report.split("whole period")[1].split("</tr>")[0]
    cells = [c.split("<")[0] for c in total.split('class="num">')[1:]]
    assert cells == ["1", "1", "50%", "1"]
    assert "spam or bot 1" in total
