"""The owner banner's polling endpoint (ETag, 304), the take-over route, and resending a reply."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.seed import seed_cases
from tests.responders.web.test_case import post, version_of


def test_presence_answers_304_until_the_owner_changes(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    staff: dict[str, int],
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    alice = client_for("alice")
    first = alice.get(f"/cases/{case_id}/presence")
    assert first.status_code == 200 and first.json()["owner"] == ""
    etag = first.headers["etag"]
    again = alice.get(f"/cases/{case_id}/presence", headers={"If-None-Match": etag})
    assert again.status_code == 304
    rob = client_for("rob")
    assert (
        post(rob, f"/cases/{case_id}/claim", {"version": version_of(factory, case_id)}).status_code
        == 303
    )
    changed = alice.get(f"/cases/{case_id}/presence", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    state = changed.json()
    assert (state["owner"], state["mine"]) == ("rob", False)
    assert state["banner"].startswith("rob is on this case since ")


@pytest.mark.parametrize(
    ("who", "status"),
    [("vera", 403), ("rob", 400), ("alice", 303)],  # a viewer; the owner himself; an approver
)
def test_take_over_route_roles(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    staff: dict[str, int],
    who: str,
    status: int,
) -> None:
    (case_id,) = seed_cases(factory, [{"assignee_id": staff["rob"]}])
    client = client_for(who)
    response = post(
        client, f"/cases/{case_id}/take-over", {"version": version_of(factory, case_id)}
    )
    assert response.status_code == status
    with factory() as session:
        owner = session.get_one(m.RecoveryCase, case_id).assignee_id
    assert owner == (staff["alice"] if status == 303 else staff["rob"])


def test_take_over_without_csrf_is_forbidden(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"assignee_id": staff["rob"]}])
    alice = client_for("alice")
    assert alice.post(f"/cases/{case_id}/take-over", data={"version": 1}).status_code == 403


def test_a_second_responder_sees_the_owner_and_no_editor(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{"assignee_id": staff["alice"]}])
    html = client_for("rob").get(f"/cases/{case_id}").text
    assert 'id="editor"' not in html and 'id="not-owner"' in html
    assert "Take over from alice" in html
    refused = post(
        client_for("rob"), f"/cases/{case_id}/drafts",
        {"version": version_of(factory, case_id), "source": "hi", "channel": "public"},
    )  # fmt: skip
    assert refused.status_code == 409 and "take the case over" in refused.text


def test_only_a_failed_reply_can_be_sent_again(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    alice = client_for("alice")
    form = {"version": 1, "source": "sorry", "channel": "public", "action": "approve"}
    assert post(alice, f"/cases/{case_id}/drafts", form).status_code == 303
    with factory() as session:
        draft_id = session.scalars(select(m.ReplyDraft.id)).one()
    url = f"/cases/{case_id}/drafts/{draft_id}/resend"
    response = post(alice, url, {"version": version_of(factory, case_id)})
    assert response.status_code == 400 and "only a failed reply" in response.text
    assert (
        post(client_for("rob"), url, {"version": version_of(factory, case_id)}).status_code == 403
    )
