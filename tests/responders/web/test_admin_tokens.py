"""API tokens on the users page: admins make one (shown once) and revoke it, with CSRF."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.seed import csrf_from

NEW_TOKEN = re.compile(r'<code id="new-token">(mg_[A-Za-z0-9_-]+)</code>')


def _make(client: TestClient, username: str = "rob", name: str = "helpdesk") -> httpx.Response:
    token = csrf_from(client.get("/admin/users").text)
    data = {"username": username, "name": name, "csrf_token": token}
    return client.post("/admin/users/tokens", data=data)


def test_an_admin_makes_a_token_that_is_shown_once_and_works(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session]
) -> None:
    ada = client_for("ada")
    made = _make(ada)
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    match = NEW_TOKEN.search(made.text)
    assert match, "the new token is on the page"
    secret = match.group(1)
    listed = ada.get("/admin/users").text
    assert secret not in listed and secret[:8] in listed  # later only its prefix
    assert "helpdesk" in listed and "never" in listed
    answer = ada.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    with factory() as session:
        token = session.scalars(select(m.ApiToken)).one()
        owner = session.get(m.User, token.user_id)
    assert owner is not None and owner.username == "rob"
    assert "set-cookie" not in made.headers or secret not in made.headers["set-cookie"]


def test_an_admin_revokes_a_token(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session]
) -> None:
    ada = client_for("ada")
    match = NEW_TOKEN.search(_make(ada).text)
    assert match
    with factory() as session:
        token_id = session.scalars(select(m.ApiToken.id)).one()
    csrf = csrf_from(ada.get("/admin/users").text)
    revoked = ada.post(
        f"/admin/users/tokens/{token_id}/revoke", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert revoked.status_code == 200 and f"API token #{token_id} revoked" in revoked.text
    answer = ada.get("/api/v1/cases", headers={"Authorization": f"Bearer {match.group(1)}"})
    assert answer.status_code == 401


@pytest.mark.parametrize("who", ["vera", "rob", "alice"])
def test_only_admins_manage_tokens(client_for: Callable[[str], TestClient], who: str) -> None:
    client = client_for(who)
    csrf = csrf_from(client.get("/").text)
    made = client.post("/admin/users/tokens", data={"username": who, "csrf_token": csrf})
    assert made.status_code == 403
    revoke = client.post("/admin/users/tokens/1/revoke", data={"csrf_token": csrf})
    assert revoke.status_code == 403


def test_making_a_token_needs_the_csrf_token(client_for: Callable[[str], TestClient]) -> None:
    response = client_for("ada").post("/admin/users/tokens", data={"username": "rob"})
    assert response.status_code == 403


def test_a_token_for_nobody_is_a_clear_error(client_for: Callable[[str], TestClient]) -> None:
    response = _make(client_for("ada"), username="ghost")
    assert response.status_code == 400 and "no user named" in response.text
