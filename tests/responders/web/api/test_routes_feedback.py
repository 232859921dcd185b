"""API feedback on the flag: dismiss, undo, missed; the pages' roles, owner rule and idempotence."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.seed import make_case

Api = Callable[[str], httpx.Client]


def new_case(factory: sessionmaker[Session], **fields: object) -> tuple[int, int]:
    """(case id, version) of a fresh flagged case."""
    with factory() as session, session.begin():
        case = make_case(session, **fields)  # type: ignore[arg-type]
        return case.id, case.version


def unflagged_mention(factory: sessionmaker[Session]) -> int:
    """A stored post the flag did not raise."""
    with factory() as session, session.begin():
        case = make_case(session, text="@kettlebird lovely")
        mention = session.get_one(m.Mention, case.first_mention_id)
        mention.flagged, mention.case_id = False, None
        session.flush()
        session.delete(case)
        return mention.id


@pytest.mark.parametrize(("who", "status"), [("vera", 403), ("rob", 200), ("alice", 200)])
def test_dismiss_and_undo_by_role(
    api_for: Api, factory: sessionmaker[Session], staff: dict[str, int], who: str, status: int
) -> None:
    case_id, version = new_case(factory)
    api = api_for(who)
    done = api.post(f"/cases/{case_id}/dismiss", json={"version": version, "reason": "spam_or_bot"})
    assert done.status_code == status, done.text
    if status != 200:
        return
    case = done.json()["case"]
    assert (case["status"], case["outcome"]) == ("closed", "not_a_complaint")
    again = api.post(
        f"/cases/{case_id}/dismiss", json={"version": case["version"], "reason": "spam_or_bot"}
    )
    assert again.status_code == 409 and "already closed" in again.json()["detail"]
    undone = api.post(f"/cases/{case_id}/undo-dismissal", json={"version": case["version"]})
    assert undone.status_code == 200 and undone.json()["case"]["status"] == "open"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"reason": "meh"}, 422, "body.reason"),
        ({"reason": "not_negative", "extra": 1}, 422, "body.extra"),
        ({"reason": "not_negative", "version": 99}, 409, ""),
    ],
)
def test_bad_dismissals(
    api_for: Api, factory: sessionmaker[Session], body: dict[str, object], status: int, field: str
) -> None:
    case_id, version = new_case(factory)
    answer = api_for("rob").post(f"/cases/{case_id}/dismiss", json={"version": version, **body})
    assert answer.status_code == status, answer.text
    if field:
        assert field in {e["field"] for e in answer.json()["errors"]}


def test_the_owner_rule_holds_for_the_api(
    api_for: Api, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    case_id, version = new_case(factory, assignee_id=staff["alice"])
    answer = api_for("rob").post(
        f"/cases/{case_id}/dismiss", json={"version": version, "reason": "not_negative"}
    )
    assert answer.status_code == 409 and "alice is on this case" in answer.json()["detail"]


def test_missed_is_created_once(api_for: Api, factory: sessionmaker[Session]) -> None:
    mention_id = unflagged_mention(factory)
    assert api_for("vera").post(f"/mentions/{mention_id}/missed", json={}).status_code == 403
    rob = api_for("rob")
    first = rob.post(f"/mentions/{mention_id}/missed", json={"note": "sarcasm"})
    second = rob.post(f"/mentions/{mention_id}/missed", json={})
    assert (first.status_code, second.status_code) == (201, 200), first.text
    assert first.json()["case_id"] == second.json()["case_id"]
    assert (first.json()["created"], second.json()["created"]) == (True, False)
    assert rob.post("/mentions/99999/missed", json={}).status_code == 404
    with factory() as session:
        assert len(session.scalars(select(m.MentionLabel)).all()) == 1
