"""Staff accounts: argon2 hashes, login checks, validation, disabling."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.staff.accounts import (
    BAD_LOGIN,
    add_user,
    authenticate,
    hash_password,
    set_active,
    set_password,
    verify_password,
)

GOOD = "a long enough password"


def test_hashes_are_salted_argon2_and_verify() -> None:
    first, second = hash_password(GOOD), hash_password(GOOD)
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, GOOD)
    assert not verify_password(first, GOOD + "!")
    assert not verify_password("not a hash", GOOD)


@pytest.mark.parametrize(
    ("username", "password", "role", "error"),
    [
        ("ok.name", "short", "viewer", "at least 10 characters"),
        ("ok.name", " spaces around ", "viewer", "spaces"),
        ("Bad Name", GOOD, "viewer", "a username is"),
        ("x", GOOD, "viewer", "a username is"),
        ("ok.name", GOOD, "boss", "unknown role"),
    ],
)
def test_add_user_rejects_bad_input(
    factory: sessionmaker[Session], username: str, password: str, role: str, error: str
) -> None:
    with factory() as session:
        result = add_user(session, username, password, role)
    assert not result.ok and error in result.error


def test_add_authenticate_disable(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        assert add_user(session, "Sam", GOOD, "responder").ok  # stored lower-case
        assert add_user(session, "sam", GOOD, "viewer").conflict
    with factory() as session, session.begin():
        assert authenticate(session, "SAM", GOOD).ok
        assert authenticate(session, "sam", "wrong password").error == BAD_LOGIN
        assert authenticate(session, "nobody", GOOD).error == BAD_LOGIN
        assert set_active(session, "sam", False).ok
    with factory() as session, session.begin():
        assert "disabled" in authenticate(session, "sam", GOOD).error
        assert set_password(session, "sam", "another long password").ok
        assert not set_password(session, "ghost", "another long password").ok
    with factory() as session:
        user = session.scalars(select(m.User)).one()
        assert GOOD not in user.password_hash
        actions = session.scalars(select(m.AuditEntry.action)).all()
    assert actions == ["user.add", "user.disable", "user.password"]
