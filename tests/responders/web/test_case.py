"""The case page: context, checklist, preview, drafts, approval, conflicts, roles, escaping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from monitor.storage import models as m
from tests.conftest import ROOT, make_settings
from tests.responders.web.seed import csrf_from, seed_cases

APOLOGY = "{{ handle }} sorry about the {{ category }} problem. {{ signature }}"


def version_of(factory: sessionmaker[Session], case_id: int) -> int:
    with factory() as session:
        case = session.get(m.RecoveryCase, case_id)
        assert case is not None
        return case.version


def post(client: TestClient, url: str, data: dict[str, Any], page: str = "/") -> Any:
    """POST a form with the CSRF token of `page`."""
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def preview(client: TestClient, case_id: int, source: str, channel: str = "public") -> Any:
    token = csrf_from(client.get(f"/cases/{case_id}").text)
    return client.post(
        f"/cases/{case_id}/preview",
        json={"source": source, "channel": channel},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )


def test_case_page_shows_the_mention_in_context_and_the_ten_steps(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    first, _later = seed_cases(factory, [{"handle": "pat"}, {"handle": "pat2"}])
    html = client_for("vera").get(f"/cases/{first}").text
    assert "my kettle arrived broken" in html
    assert "reach 1" in html and "followers" in html
    assert 'href="https://mastodon.example/pat/' in html
    assert "breach of expectation: arrived broken" in html
    for step in (
        "acknowledge",
        "apologize",
        "explore",
        "solve",
        "timing",
        "communicate",
        "follow up",
        "learn",
        "compensate",
        "document",
    ):
        assert f'<span class="step-name">{step}</span>' in html
    assert 'id="editor"' not in html  # a viewer gets no editor


def test_unknown_case_is_404(client_for: Callable[[str], TestClient]) -> None:
    response = client_for("vera").get("/cases/999")
    assert response.status_code == 404
    assert "no case #999" in response.text


def test_preview_renders_with_the_case_variables_and_counts_for_the_platform(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "bluesky", "handle": "pat"}])
    body = preview(client_for("rob"), case_id, APOLOGY).json()
    assert body["ok"] is True
    assert body["text"] == "@pat sorry about the product quality problem. — Sam, Kettlebird Care"
    assert body["length"] == f"{len(body['text'])} / 300 graphemes"


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{{ ''.__class__.__mro__ }}", "not allowed"),
        ("{{ handle.__class__.__base__.__subclasses__() }}", "not allowed"),
        ("{{ nope }}", "unknown variable"),
        ("{% if %}", "syntax error"),
    ],
)
def test_preview_of_an_unsafe_or_broken_template_fails_cleanly(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], source: str, error: str
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    response = preview(client_for("rob"), case_id, source)
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert error in response.json()["error"]


def test_preview_counts_x_weighted_and_flags_too_long(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "x"}])
    body = preview(client_for("rob"), case_id, "é" * 281).json()
    assert body["over"] is True and body["ok"] is False
    assert body["length"] == "281 / 280 weighted characters"
    assert "shorten it by 1" in body["error"]


def test_preview_of_a_direct_message_counts_without_a_limit(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "x"}])
    body = preview(client_for("rob"), case_id, "é" * 281, channel="dm").json()
    assert body["ok"] is True and body["over"] is False and body["error"] == ""
    assert body["length"] == "281 weighted characters" and body["limit"] == 0


@pytest.mark.parametrize(("who", "status"), [("vera", 403), ("rob", 200)])
def test_preview_needs_a_responder_and_the_csrf_header(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], who: str, status: int
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    client = client_for(who)
    assert preview(client, case_id, "hi").status_code == status
    assert client.post(f"/cases/{case_id}/preview", json={"source": "hi"}).status_code == 403


def test_submit_then_approve_sends_the_reply_to_the_outbox(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    rob, alice = client_for("rob"), client_for("alice")
    form = {
        "version": version_of(factory, case_id),
        "template": "apology",
        "source": APOLOGY,
        "channel": "public",
        "action": "submit",
    }
    assert post(rob, f"/cases/{case_id}/drafts", form).status_code == 303
    with factory() as session:
        draft = session.scalars(select(m.ReplyDraft)).one()
        assert draft.state == "pending_approval"
        assert draft.body.startswith("@pat sorry about the product quality problem.")
        assert draft.author_user_id == staff["rob"]
    response = post(
        alice,
        f"/cases/{case_id}/drafts/{draft.id}/approve",
        {"version": version_of(factory, case_id)},
    )
    assert response.status_code == 303
    with factory() as session:
        case = session.get(m.RecoveryCase, case_id)
        assert case is not None and case.status == "approved"
        item = session.scalars(select(m.OutboxItem)).one()
        assert item.payload == {"draft_id": draft.id, "case_id": case_id}
        actions = session.scalars(select(m.AuditEntry.action)).all()
    assert "draft.save" in actions and "draft.approve" in actions
    assert "approved" in alice.get(f"/cases/{case_id}").text


def test_a_viewer_or_responder_cannot_approve_even_by_direct_post(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    rob = client_for("rob")
    form = {"version": 1, "template": "apology", "source": "sorry", "action": "submit"}
    assert post(rob, f"/cases/{case_id}/drafts", form).status_code == 303
    with factory() as session:
        draft_id = session.scalars(select(m.ReplyDraft.id)).one()
    for who in ("vera", "rob"):
        client = client_for(who)
        url = f"/cases/{case_id}/drafts/{draft_id}/approve"
        assert post(client, url, {"version": version_of(factory, case_id)}).status_code == 403
    direct = post(
        rob,
        f"/cases/{case_id}/drafts",
        {**form, "version": version_of(factory, case_id), "action": "approve"},
    )
    assert direct.status_code == 403
    with factory() as session:
        assert session.scalars(select(m.OutboxItem)).all() == []


def test_stale_version_is_a_409_conflict_and_nothing_is_overwritten(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    stale = version_of(factory, case_id)
    rob, alice = client_for("rob"), client_for("alice")
    assert (
        post(
            alice, f"/cases/{case_id}/steps", {"version": stale, "step": "acknowledge"}
        ).status_code
        == 303
    )
    form = {
        "version": stale,
        "template": "apology",
        "source": "My careful words",
        "action": "submit",
    }
    response = post(rob, f"/cases/{case_id}/drafts", form)
    assert response.status_code == 409
    assert "someone else changed this case" in response.text
    assert "My careful words" in response.text  # the person's text is kept for them
    with factory() as session:
        assert session.scalars(select(m.ReplyDraft)).all() == []
        case = session.get(m.RecoveryCase, case_id)
        assert case is not None and case.status == "open"


def test_reject_needs_a_reason(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    rob, alice = client_for("rob"), client_for("alice")
    post(rob, f"/cases/{case_id}/drafts", {"version": 1, "source": "sorry", "action": "submit"})
    with factory() as session:
        draft_id = session.scalars(select(m.ReplyDraft.id)).one()
    url = f"/cases/{case_id}/drafts/{draft_id}/reject"
    response = post(alice, url, {"version": version_of(factory, case_id), "reason": "  "})
    assert response.status_code == 400
    assert "needs a reason" in response.text
    response = post(alice, url, {"version": version_of(factory, case_id), "reason": "too curt"})
    assert response.status_code == 303
    with factory() as session:
        draft = session.get(m.ReplyDraft, draft_id)
        assert draft is not None and draft.state == "rejected" and draft.reject_reason == "too curt"
    assert "Sent back: too curt" in rob.get(f"/cases/{case_id}").text


def test_two_person_rule_stops_approving_your_own_draft(
    db_url: str,
    tmp_path: Any,
    factory: sessionmaker[Session],
    staff: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from responders.web.app import create_app
    from tests.responders.web.conftest import login

    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "k" * 40)
    base = make_settings(db_url, tmp_path)
    brand = base.brands[0].model_copy(update={"two_person_rule": True})
    settings = base.model_copy(update={"brands": [brand]})
    (case_id,) = seed_cases(factory, [{}])
    with TestClient(create_app(settings, factory=factory)) as alice:
        login(alice, "alice")
        form = {"version": 1, "source": "sorry", "action": "approve"}
        assert post(alice, f"/cases/{case_id}/drafts", form).status_code == 303
        page = alice.get(f"/cases/{case_id}").text
        assert "two-person rule" in page
        with factory() as session:
            draft = session.scalars(select(m.ReplyDraft)).one()
            assert draft.state == "pending_approval"
        url = f"/cases/{case_id}/drafts/{draft.id}/approve"
        assert post(alice, url, {"version": version_of(factory, case_id)}).status_code == 400
    with TestClient(create_app(settings, factory=factory)) as ada:
        login(ada, "ada")
        assert post(ada, url, {"version": version_of(factory, case_id)}).status_code == 303


def test_when_a_public_reply_is_not_allowed_only_sendable_modes_are_offered(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "x", "reply_allowed": False}])
    rob = client_for("rob")
    html = rob.get(f"/cases/{case_id}").text
    assert '<option value="public"' not in html and '<option value="dm"' not in html
    assert '<option value="manual" selected' in html  # the best sendable mode is the default
    assert "only when the author mentioned or quoted" in html  # why not public
    assert "dm.write" in html  # why not a direct message
    form = {"version": 1, "source": "sorry", "channel": "public", "action": "submit"}
    for channel in ("public", "dm"):
        response = post(rob, f"/cases/{case_id}/drafts", {**form, "channel": channel})
        assert response.status_code == 400 and "is not available" in response.text
    form["channel"] = "manual"
    assert post(rob, f"/cases/{case_id}/drafts", form).status_code == 303


def test_recording_a_step_stamps_who_and_when(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    rob = client_for("rob")
    response = post(
        rob,
        f"/cases/{case_id}/steps",
        {"version": 1, "step": "apologize", "note": "<i>said sorry</i>"},
    )
    assert response.status_code == 303
    html = rob.get(f"/cases/{case_id}").text
    assert "✓ rob," in html
    assert "&lt;i&gt;said sorry&lt;/i&gt;" in html
    bad = post(rob, f"/cases/{case_id}/steps", {"version": 2, "step": "dance"})
    assert bad.status_code == 400 and "unknown step" in bad.text


def test_untrusted_text_is_escaped_on_the_case_page_and_in_the_preview(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    evil = "<img src=x onerror=alert(1)>"
    (case_id,) = seed_cases(factory, [{"text": evil, "handle": evil}])
    rob = client_for("rob")
    html = rob.get(f"/cases/{case_id}").text
    assert evil not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert preview(rob, case_id, "{{ customer }}").json()["text"] == evil  # JSON, shown as text


def test_an_approval_racing_another_change_is_a_409_not_a_500(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    form = {"version": 1, "template": "apology", "source": "sorry", "action": "submit"}
    assert post(client_for("rob"), f"/cases/{case_id}/drafts", form).status_code == 303
    with factory() as session:
        draft_id = session.scalars(select(m.ReplyDraft.id)).one()
    version = version_of(factory, case_id)

    def another_approver_acts(settings: Settings, brand: str) -> bool:
        # Lands after this request read the case (right version) and before it writes.
        with factory() as session, session.begin():
            session.execute(update(m.RecoveryCase).values(version=m.RecoveryCase.version + 1))
        return False

    monkeypatch.setattr(Settings, "two_person_rule", another_approver_acts)
    url = f"/cases/{case_id}/drafts/{draft_id}/approve"
    response = post(client_for("alice"), url, {"version": version})  # token from the queue
    assert response.status_code == 409
    assert "someone else changed this case" in response.text
    with factory() as session:
        assert session.scalars(select(m.OutboxItem)).all() == []
        assert session.get_one(m.ReplyDraft, draft_id).state == "pending_approval"


def test_a_closed_case_shows_no_editor_and_refuses_a_reply(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{"status": "closed"}])
    rob = client_for("rob")
    page = rob.get(f"/cases/{case_id}").text
    assert 'id="editor"' not in page and "reopen it first" in page
    form = {"version": version_of(factory, case_id), "template": "apology", "source": "sorry"}
    for action in ("save", "submit"):
        response = post(rob, f"/cases/{case_id}/drafts", {**form, "action": action})
        assert response.status_code == 409
        assert "this case is closed; reopen it first" in response.text
    with factory() as session:
        assert session.scalars(select(m.ReplyDraft)).all() == []
        assert session.get_one(m.RecoveryCase, case_id).status == "closed"


@pytest.mark.parametrize(("assignee", "status"), [("vera", 400), ("rob", 303), ("ada", 303)])
def test_a_case_can_be_assigned_only_to_a_responder_or_above(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    staff: dict[str, int],
    assignee: str,
    status: int,
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    form = {"version": version_of(factory, case_id), "assignee_id": staff[assignee]}
    response = post(client_for("alice"), f"/cases/{case_id}/assign", form)
    assert response.status_code == status
    with factory() as session:
        assigned = session.get_one(m.RecoveryCase, case_id).assignee_id
    assert assigned == (None if status == 400 else staff[assignee])
    if status == 400:
        assert "vera cannot be assigned a case" in response.text


def test_the_editor_offers_the_one_template_and_the_preview_picks_the_platform_block(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    x_case, mastodon_case = seed_cases(
        factory, [{"platform": "x", "handle": "pat"}, {"handle": "pat"}]
    )
    rob = client_for("rob")
    for case_id, start in ((x_case, "@pat We're sorry: "), (mastodon_case, "@pat You're right")):
        html = rob.get(f"/cases/{case_id}").text
        assert "apology (apology.j2)" in html
        source = (ROOT / "templates" / "replies" / "apology.j2").read_text(encoding="utf-8")
        body = preview(rob, case_id, source).json()
        assert body["ok"] is True and body["text"].startswith(start)


def test_a_staff_edited_per_platform_template_still_wins_in_the_editor(
    db_url: str,
    tmp_path: Any,
    factory: sessionmaker[Session],
    staff: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from responders.web.app import create_app
    from tests.responders.web.conftest import login

    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "k" * 40)
    folder = tmp_path / "staff_templates"
    (folder / "replies").mkdir(parents=True)
    for name in ("apology.j2", "outreach.j2"):
        shipped = (ROOT / "templates" / "replies" / name).read_text(encoding="utf-8")
        (folder / "replies" / name).write_text(shipped, encoding="utf-8")
    (folder / "replies" / "apology.x.j2").write_text("{{ handle }} our own X text", "utf-8")
    settings = make_settings(db_url, tmp_path, templates_dir=str(folder))
    x_case, bluesky_case = seed_cases(factory, [{"platform": "x"}, {"platform": "bluesky"}])
    with TestClient(create_app(settings, factory=factory)) as rob:
        login(rob, "rob")
        x_page = rob.get(f"/cases/{x_case}").text
        assert "apology (apology.x.j2)" in x_page and "our own X text" in x_page
        assert "outreach (outreach.j2)" in x_page
        assert "apology (apology.j2)" in rob.get(f"/cases/{bluesky_case}").text
