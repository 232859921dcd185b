"""API claim, assign, take-over, close and reopen: the same rules as the pages (roles, owner,
version), audited the same way."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.seed import make_case

Api = Callable[[str], httpx.Client]


def new_case(factory: sessionmaker[Session], assignee_id: int | None = None) -> tuple[int, int]:
    with factory() as session, session.begin():
        case = make_case(session, assignee_id=assignee_id)
        session.flush()
        return case.id, case.version


def read(factory: sessionmaker[Session], case_id: int) -> m.RecoveryCase:
    with factory() as session:
        return session.get_one(m.RecoveryCase, case_id)


def actions(factory: sessionmaker[Session], case_id: int) -> list[str]:
    with factory() as session:
        rows = session.scalars(
            select(m.AuditEntry.action).where(m.AuditEntry.target == f"case:{case_id}")
        )
        return list(rows)


@pytest.mark.parametrize(
    ("who", "body", "status", "owner"),
    [
        ("vera", {}, 403, None),  # viewers may not claim
        ("rob", {}, 200, "rob"),
        ("rob", {"assignee": "alice"}, 403, None),  # assigning others needs an approver
        ("alice", {"assignee": "rob"}, 200, "rob"),
        ("alice", {"assignee": "vera"}, 400, None),  # a viewer cannot hold a case
        ("alice", {"assignee": "nobody"}, 422, None),
    ],
)
def test_claim_and_assign_follow_the_roles(
    api_for: Api,
    factory: sessionmaker[Session],
    staff: dict[str, int],
    who: str,
    body: dict[str, str],
    status: int,
    owner: str | None,
) -> None:
    case_id, version = new_case(factory)
    response = api_for(who).post(f"/cases/{case_id}/claim", json={"version": version, **body})
    assert response.status_code == status, response.text
    expected = staff[owner] if owner else None
    assert read(factory, case_id).assignee_id == expected
    if status == 200:
        assert response.json()["case"]["version"] > version
        assert "case.assign" in actions(factory, case_id)


def test_a_claimed_case_is_taken_over_explicitly_and_the_owner_is_told(
    api_for: Api, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    case_id, version = new_case(factory, assignee_id=staff["rob"])
    refused = api_for("alice").post(f"/cases/{case_id}/claim", json={"version": version})
    assert refused.status_code == 409 and "take it over" in refused.json()["detail"]
    taken = api_for("alice").post(f"/cases/{case_id}/take-over", json={"version": version})
    assert taken.status_code == 200, taken.text
    assert read(factory, case_id).assignee_id == staff["alice"]
    assert "case.take_over" in actions(factory, case_id)
    with factory() as session:
        notice = session.scalars(
            select(m.StaffNotice).where(m.StaffNotice.user_id == staff["rob"])
        ).one()
    assert "alice took over case" in notice.text


def test_close_needs_a_root_cause_then_reopen_needs_a_reason(
    api_for: Api, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    case_id, version = new_case(factory, assignee_id=staff["rob"])
    rob = api_for("rob")
    early = rob.post(f"/cases/{case_id}/close", json={"version": version, "outcome": "resolved"})
    assert early.status_code == 400 and "root cause" in early.json()["detail"]
    cause = rob.post(
        f"/cases/{case_id}/root-cause", json={"version": version, "cause": "carrier delay"}
    )
    version = cause.json()["case"]["version"]
    closed = rob.post(f"/cases/{case_id}/close", json={"version": version, "outcome": "resolved"})
    assert closed.status_code == 200, closed.text
    assert read(factory, case_id).status == "closed"
    version = closed.json()["case"]["version"]
    blank = rob.post(f"/cases/{case_id}/reopen", json={"version": version, "reason": ""})
    assert blank.status_code == 422  # the schema wants a reason
    reopened = rob.post(
        f"/cases/{case_id}/reopen", json={"version": version, "reason": "wrote again"}
    )
    assert reopened.status_code == 200, reopened.text
    assert read(factory, case_id).status == "open"
    assert actions(factory, case_id)[-2:] == ["case.close", "case.reopen"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("claim", {}),
        ("close", {"outcome": "spam"}),
    ],
)
def test_a_stale_version_is_a_conflict_and_changes_nothing(
    api_for: Api, factory: sessionmaker[Session], path: str, body: dict[str, str]
) -> None:
    case_id, version = new_case(factory)
    response = api_for("rob").post(
        f"/cases/{case_id}/{path}", json={"version": version + 5, **body}
    )
    assert response.status_code == 409, response.text
    assert read(factory, case_id).version == version


def test_an_unknown_outcome_is_refused_naming_the_field(
    api_for: Api, factory: sessionmaker[Session]
) -> None:
    case_id, version = new_case(factory)
    response = api_for("rob").post(
        f"/cases/{case_id}/close", json={"version": version, "outcome": "forgotten"}
    )
    assert response.status_code == 422
    assert "outcome" in response.text
