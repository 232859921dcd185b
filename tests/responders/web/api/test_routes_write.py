"""API actions: each needs the same role as on the pages, uses the case's version, and does
what the page does (the same `responders.cases` functions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.seed import case_with_draft, make_case

Api = Callable[[str], httpx.Client]
RANK = {"vera": 0, "rob": 1, "alice": 2, "ada": 3}


def _submit(case_id: int, draft_id: int, version: int) -> tuple[str, dict[str, Any]]:
    body = {"version": version, "source": "Sorry {{ customer }}, a new kettle is on its way."}
    return f"/cases/{case_id}/drafts", body


def _approve(case_id: int, draft_id: int, version: int) -> tuple[str, dict[str, Any]]:
    return f"/cases/{case_id}/drafts/{draft_id}/approve", {"version": version}


def _step(case_id: int, draft_id: int, version: int) -> tuple[str, dict[str, Any]]:
    return f"/cases/{case_id}/steps", {"version": version, "step": "apologize", "note": "done"}


def _cause(case_id: int, draft_id: int, version: int) -> tuple[str, dict[str, Any]]:
    return f"/cases/{case_id}/root-cause", {"version": version, "cause": "carrier delay"}


def _compensate(case_id: int, draft_id: int, version: int) -> tuple[str, dict[str, Any]]:
    body = {"version": version, "what": "refund of order 1234", "value_cents": 1250}
    return f"/cases/{case_id}/compensations", body


# Each action and the least role that may do it: the same as the page's route.
ACTIONS = [
    (_submit, 1, 201),
    (_approve, 2, 200),
    (_step, 1, 201),
    (_cause, 1, 200),
    (_compensate, 2, 201),
]


@pytest.mark.parametrize("who", list(RANK))
@pytest.mark.parametrize(("action", "least", "status"), ACTIONS)
def test_each_action_is_allowed_from_its_role_up(
    api_for: Api,
    factory: sessionmaker[Session],
    staff: dict[str, int],
    who: str,
    action: Callable[[int, int, int], tuple[str, dict[str, Any]]],
    least: int,
    status: int,
) -> None:
    case_id, draft_id, version = case_with_draft(factory, staff["rob"])
    path, body = action(case_id, draft_id, version)
    response = api_for(who).post(path, json=body)
    if RANK[who] < least:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "may not do this" in response.json()["detail"]
    elif action is _submit and who != "rob":
        # Rob owns the case (he wrote its draft): anyone else must take it over first.
        assert response.status_code == 409, response.text
        assert "only the owner may write" in response.json()["detail"]
    else:
        assert response.status_code == status, response.text
        assert response.json()["case"]["version"] > version


def test_submit_then_approve_queues_the_reply_once(
    api_for: Api, factory: sessionmaker[Session], tokens: dict[str, str]
) -> None:
    with factory() as session, session.begin():
        case_id = make_case(session, handle="mia").id
    rob, alice = api_for("rob"), api_for("alice")
    version = rob.get(f"/cases/{case_id}").json()["version"]
    source = "Sorry {{ customer }}, a new kettle is on its way. {{ signature }}"
    made = rob.post(f"/cases/{case_id}/drafts", json={"version": version, "source": source})
    assert made.status_code == 201, made.text
    result = made.json()
    (draft,) = result["case"]["drafts"]
    assert result["draft_id"] == draft["id"] and draft["state"] == "pending_approval"
    assert draft["body"] == "Sorry mia, a new kettle is on its way. — Sam, Kettlebird Care"
    assert result["case"]["status"] == "awaiting_approval"
    approve = {"version": result["case"]["version"]}
    approved = alice.post(f"/cases/{case_id}/drafts/{draft['id']}/approve", json=approve)
    assert approved.status_code == 200, approved.text
    assert approved.json()["case"]["status"] == "approved"
    again = alice.post(
        f"/cases/{case_id}/drafts/{draft['id']}/approve",
        json={"version": approved.json()["case"]["version"]},
    )
    assert again.status_code == 409 and again.json()["detail"] == "this draft is already approved"
    with factory() as session:
        keys = session.scalars(select(m.OutboxItem.idempotency_key)).all()
    assert keys == [f"reply:{draft['id']}"]


def test_a_stale_version_is_a_409_and_changes_nothing(
    api_for: Api, factory: sessionmaker[Session], tokens: dict[str, str]
) -> None:
    with factory() as session, session.begin():
        case = make_case(session)
        case_id, version = case.id, case.version
    rob = api_for("rob")
    first = rob.post(f"/cases/{case_id}/steps", json={"version": version, "step": "acknowledge"})
    assert first.status_code == 201
    stale = rob.post(f"/cases/{case_id}/steps", json={"version": version, "step": "apologize"})
    assert stale.status_code == 409
    assert stale.json()["type"].endswith("/conflict")
    steps = [e["step"] for e in rob.get(f"/cases/{case_id}").json()["events"] if e["step"]]
    assert steps == ["acknowledge"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("steps", {"version": 1, "step": "celebrate"}, "body.step"),
        ("steps", {"step": "solve"}, "body.version"),
        ("steps", {"version": 1, "step": "solve", "extra": 1}, "body.extra"),
        ("drafts", {"version": 1, "source": ""}, "body.source"),
        ("drafts", {"version": 1, "source": "{{ customer", "channel": "dm"}, "body.source"),
        ("drafts", {"version": 1, "source": "hi", "channel": "fax"}, "body.channel"),
        ("compensations", {"version": 1, "what": "x", "value_cents": -1}, "body.value_cents"),
        ("compensations", {"version": 1, "what": "x", "value_cents": 1, "currency": "E"},
         "body.currency"),
    ],
)  # fmt: skip
def test_invalid_bodies_are_422_problems_naming_the_field(
    api_for: Api,
    factory: sessionmaker[Session],
    tokens: dict[str, str],
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    with factory() as session, session.begin():
        case_id = make_case(session).id
    response = api_for("ada").post(f"/cases/{case_id}/{path}", json=body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_refusals_of_the_case_rules_are_400_problems_with_their_reason(
    api_for: Api, factory: sessionmaker[Session], tokens: dict[str, str]
) -> None:
    with factory() as session, session.begin():
        case = make_case(session, reply_allowed=False)
        case_id, version = case.id, case.version
    rob = api_for("rob")
    public = rob.post(f"/cases/{case_id}/drafts", json={"version": version, "source": "Hi"})
    assert public.status_code == 400
    assert "a public reply is not allowed on this post" in public.json()["detail"]
    cause = rob.post(f"/cases/{case_id}/root-cause", json={"version": version, "cause": "aliens"})
    assert cause.status_code == 400 and "unknown root cause 'aliens'" in cause.json()["detail"]


def test_a_draft_of_another_case_is_a_404(
    api_for: Api, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    _case, draft_id, _version = case_with_draft(factory, staff["rob"])
    other, _draft, version = case_with_draft(factory, staff["rob"])
    response = api_for("alice").post(
        f"/cases/{other}/drafts/{draft_id}/approve", json={"version": version}
    )
    assert response.status_code == 404 and f"no draft #{draft_id}" in response.json()["detail"]


def test_compensation_and_root_cause_land_on_the_case(
    api_for: Api, factory: sessionmaker[Session], tokens: dict[str, str]
) -> None:
    with factory() as session, session.begin():
        case = make_case(session)
        case_id, version = case.id, case.version
    alice = api_for("alice")
    body = {"version": version, "what": "refund", "value_cents": 1999, "currency": "eur"}
    paid = alice.post(f"/cases/{case_id}/compensations", json=body)
    assert paid.status_code == 201 and paid.json()["compensation_id"]
    version = paid.json()["case"]["version"]
    cause = alice.post(
        f"/cases/{case_id}/root-cause", json={"version": version, "cause": "carrier delay"}
    )
    assert cause.json()["case"]["root_cause"] == "carrier delay"
    with factory() as session:
        entry = session.scalars(select(m.Compensation)).one()
    assert (entry.value_cents, entry.currency, entry.case_id) == (1999, "EUR", case_id)
