"""Logging in and out: hashed passwords, failures, disabled users, CSRF, session cookies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.auth import set_active
from tests.responders.web.conftest import login
from tests.responders.web.seed import csrf_from


def test_pages_need_a_login(app: FastAPI, staff: dict[str, int]) -> None:
    with TestClient(app) as client:
        response = client.get("/cases/1?x=1", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fcases%2F1%3Fx%3D1"
        assert client.post("/cases/1/claim", data={"version": 1}).status_code in (401, 403)


def test_login_sets_a_signed_httponly_lax_cookie_and_lands_on_the_queue(
    app: FastAPI, staff: dict[str, int]
) -> None:
    with TestClient(app) as client:
        response = login(client, "rob")
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert "correct" not in cookie  # the password is never in the session
        assert "Review queue" in client.get("/").text


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("rob", "wrong password!", "wrong username or password"),
        ("nobody", "correct horse battery", "wrong username or password"),
        ("", "", "wrong username or password"),
    ],
)
def test_bad_logins_are_refused_with_one_message(
    app: FastAPI, staff: dict[str, int], username: str, password: str, message: str
) -> None:
    with TestClient(app) as client:
        response = login(client, username, password)
        assert response.status_code == 401
        assert message in response.text
        assert client.get("/", follow_redirects=False).status_code == 303


def test_failed_logins_are_throttled_and_audited(
    app: FastAPI, staff: dict[str, int], factory: sessionmaker[Session]
) -> None:
    with TestClient(app) as client:
        codes = [login(client, "rob", "nope nope nope").status_code for _ in range(6)]
        assert codes == [401] * 5 + [429]
        assert login(client, "rob").status_code == 429  # even the right password, for a while
    with factory() as session:
        actions = session.scalars(select(m.AuditEntry.action)).all()
    assert actions.count("login.failed") == 5


def test_disabled_user_cannot_log_in_and_their_session_ends(
    app: FastAPI,
    staff: dict[str, int],
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("rob")
    assert client.get("/", follow_redirects=False).status_code == 200
    with factory() as session, session.begin():
        assert set_active(session, "rob", False).ok
    assert client.get("/", follow_redirects=False).status_code == 303
    with TestClient(app) as other:
        response = login(other, "rob")
        assert response.status_code == 401
        assert "disabled" in response.text


def test_login_form_needs_its_csrf_token(app: FastAPI, staff: dict[str, int]) -> None:
    with TestClient(app) as client:
        client.get("/login")
        response = client.post("/login", data={"username": "rob", "password": "x"})
        assert response.status_code == 403


def test_logout_needs_csrf_and_ends_the_session(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("rob")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    token = csrf_from(client.get("/").text)
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_off_site(app: FastAPI, staff: dict[str, int], target: str) -> None:
    with TestClient(app) as client:
        token = csrf_from(client.get("/login").text)
        response = client.post(
            "/login",
            data={
                "username": "rob",
                "password": "correct horse battery",
                "csrf_token": token,
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"


def test_security_headers_on_every_page(app: FastAPI) -> None:
    with TestClient(app) as client:
        response = client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
