"""Logging in and out: hashed passwords, failures, disabled users, CSRF, session cookies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.staff.accounts import set_active, set_password
from responders.web.security import LoginThrottle
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


def copy_of(client: TestClient) -> TestClient:
    """Another browser holding a copy of `client`'s session cookie."""
    thief = TestClient(client.app)
    thief.cookies.update(client.cookies)
    return thief


def test_logging_out_ends_copies_of_the_session_cookie_too(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("rob")
    thief = copy_of(client)
    assert thief.get("/", follow_redirects=False).status_code == 200
    token = csrf_from(client.get("/").text)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert thief.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "change",
    [
        lambda session: set_password(session, "rob", "a brand new passphrase"),
        lambda session: set_active(session, "rob", False),
    ],
    ids=["new password", "account disabled"],
)
def test_a_new_password_or_disabling_ends_every_session(
    client_for: Callable[[str], TestClient],
    factory: sessionmaker[Session],
    change: Callable[[Session], object],
) -> None:
    client = client_for("rob")
    with factory() as session, session.begin():
        change(session)
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


def _client_at(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def test_failing_someone_elses_password_does_not_lock_them_out(
    app: FastAPI, staff: dict[str, int]
) -> None:
    with _client_at(app, "203.0.113.66") as attacker, _client_at(app, "198.51.100.7") as ada:
        codes = [login(attacker, "ada", "guess guess guess").status_code for _ in range(6)]
        assert codes == [401] * 5 + [429]  # the attacker is slowed down...
        assert login(ada, "ada").status_code == 303  # ...and the owner still gets in


def test_one_address_trying_many_usernames_is_throttled(
    app: FastAPI, staff: dict[str, int]
) -> None:
    app.state.login_throttle = LoginThrottle(per_account=5, per_address=3)
    with _client_at(app, "203.0.113.66") as sprayer, _client_at(app, "198.51.100.7") as other:
        codes = [login(sprayer, name, "guess guess").status_code for name in ("a", "b", "c", "d")]
        assert codes == [401, 401, 401, 429]
        assert login(sprayer, "rob").status_code == 429  # any name, from that address
        assert login(other, "rob").status_code == 303


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("failures", "address", "username", "blocked"),
    [
        (5, "10.0.0.1", "ada", True),  # the same address and name
        (4, "10.0.0.1", "ada", False),  # under the limit
        (5, "10.0.0.2", "ada", False),  # another address: not locked out
        (5, "10.0.0.1", "rob", False),  # another name from that address: under its limit
    ],
)
def test_the_throttle_counts_per_address_and_username(
    failures: int, address: str, username: str, blocked: bool
) -> None:
    throttle = LoginThrottle(per_account=5, per_address=30)
    for _ in range(failures):
        throttle.fail("10.0.0.1", "ada")
    assert throttle.blocked(address, username) is blocked


def test_the_throttle_forgets_old_failures_and_keeps_no_empty_entries() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(per_account=2, window_seconds=600, clock=clock)
    throttle.fail("10.0.0.1", "ada")
    throttle.fail("10.0.0.1", "ada")
    assert throttle.blocked("10.0.0.1", "ada")
    clock.now += 601
    assert not throttle.blocked("10.0.0.1", "ada")
    assert throttle.failures == {}  # expired entries are dropped, not kept empty
    for name in ("x", "y", "z"):
        assert not throttle.blocked("10.0.0.9", name)  # asking adds nothing
    assert throttle.failures == {}


def test_the_throttle_keeps_at_most_max_keys() -> None:
    throttle = LoginThrottle(per_address=1_000_000, max_keys=50)
    for n in range(1000):
        throttle.fail(f"10.0.{n // 250}.{n % 250}", f"user{n}")
    assert len(throttle.failures) <= 50
    assert throttle.blocked("10.0.3.249", "user999") is False  # per_account 5: one failure only
    assert ("account", "10.0.3.249", "user999") in throttle.failures  # the newest are kept


def test_a_successful_login_clears_that_pairs_failures() -> None:
    throttle = LoginThrottle(per_account=2)
    throttle.fail("10.0.0.1", "ada")
    throttle.clear("10.0.0.1", "ada")
    throttle.fail("10.0.0.1", "ada")
    assert not throttle.blocked("10.0.0.1", "ada")
