"""Who may call the API: a live bearer token of an active user, acting with that user's role."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.staff.accounts import set_active
from responders.staff.tokens import REFUSED, revoke_token
from tests.responders.web.seed import seed_cases

Api = Callable[[str], httpx.Client]


def _refused(response: httpx.Response, detail: str) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["detail"] == detail


def test_no_token_is_a_401_problem_that_says_how(live_server: str, tokens: dict[str, str]) -> None:
    response = httpx.get(f"{live_server}/api/v1/cases")
    _refused(response, "send a personal API token: Authorization: Bearer <token>")
    assert response.json()["title"] == "An API token is needed"


@pytest.mark.parametrize(
    "header", ["Bearer mg_wrong", "Bearer nothing-like-a-token", "Basic cm9iOnB3", "Bearer"]
)
def test_a_wrong_token_is_refused(live_server: str, tokens: dict[str, str], header: str) -> None:
    response = httpx.get(f"{live_server}/api/v1/cases", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_a_revoked_token_is_refused_from_the_next_request_on(
    api_for: Api, factory: sessionmaker[Session]
) -> None:
    client = api_for("rob")
    assert client.get("/cases").status_code == 200
    with factory() as session, session.begin():
        token_id = session.scalars(
            select(m.ApiToken.id).join(m.User).where(m.User.username == "rob")
        ).one()
        revoke_token(session, token_id)
    _refused(client.get("/cases"), REFUSED)


def test_a_disabled_user_s_token_is_refused(api_for: Api, factory: sessionmaker[Session]) -> None:
    client = api_for("alice")
    with factory() as session, session.begin():
        set_active(session, "alice", False)
    _refused(client.get("/cases"), REFUSED)


def test_a_token_carries_its_user_s_role_as_it_is_now(
    api_for: Api, factory: sessionmaker[Session]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    step = {"version": 1, "step": "acknowledge"}
    client = api_for("vera")
    refused = client.post(f"/cases/{case_id}/steps", json=step)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "your role (viewer) may not do this; it needs responder"
    with factory() as session, session.begin():
        session.scalars(select(m.User).where(m.User.username == "vera")).one().role = "responder"
    assert client.post(f"/cases/{case_id}/steps", json=step).status_code == 201


def test_a_logged_in_browser_session_is_not_an_api_token(
    client_for: Callable[[str], object], app: object, tokens: dict[str, str]
) -> None:
    # The API reads only the Authorization header, so a cross-site form riding the session
    # cookie cannot act through it (and the API needs no CSRF token).
    browser = client_for("ada")
    response = browser.get("/api/v1/cases")  # type: ignore[attr-defined]
    assert response.status_code == 401


def test_last_use_is_recorded(api_for: Api, factory: sessionmaker[Session]) -> None:
    api_for("rob").get("/cases")
    with factory() as session:
        used = session.scalars(
            select(m.ApiToken.last_used_at).join(m.User).where(m.User.username == "rob")
        ).one()
    assert used is not None
