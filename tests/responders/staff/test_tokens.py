"""Personal API tokens: shown once, stored as a hash, refused once revoked or the user disabled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.staff.accounts import set_active
from responders.staff.tokens import (
    REFUSED,
    TOKEN_PREFIX,
    authenticate_token,
    create_token,
    hash_token,
    list_tokens,
    revoke_token,
)
from tests.responders.web.seed import ROLE_USERS


@pytest.fixture
def staff(factory: sessionmaker[Session]) -> dict[str, int]:
    """One user per role (no password: tokens do not need one, and argon2 is slow)."""
    with factory() as session, session.begin():
        users = [m.User(username=u, password_hash="-", role=r) for u, r in ROLE_USERS.items()]
        session.add_all(users)
        session.flush()
        return {u.username: u.id for u in users}


def _make(factory: sessionmaker[Session], username: str = "rob", name: str = "ci") -> str:
    with factory() as session, session.begin():
        made = create_token(session, username, name)
        assert made.value is not None, made.error
        return made.value.secret


def test_a_token_is_stored_only_as_its_hash_with_a_prefix_for_lists(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    secret = _make(factory, "rob", "  helpdesk   sync ")
    assert secret.startswith(TOKEN_PREFIX) and len(secret) >= 40
    with factory() as session:
        stored = session.scalars(select(m.ApiToken)).one()
        columns = [str(getattr(stored, c.key)) for c in m.ApiToken.__table__.columns]
        audit = session.scalars(select(m.AuditEntry.action)).all()
    assert secret not in " ".join(columns)  # the secret itself is nowhere in the row
    assert stored.token_hash == hash_token(secret)
    assert secret.startswith(stored.prefix) and len(stored.prefix) < 12
    assert stored.name == "helpdesk sync"
    assert "token.create" in audit


def test_each_new_token_is_different(factory: sessionmaker[Session], staff: dict[str, int]) -> None:
    assert len({_make(factory) for _ in range(5)}) == 5


def test_a_live_token_authenticates_as_its_user_and_records_its_use(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    secret = _make(factory, "alice")
    with factory() as session:
        found = authenticate_token(session, secret)
        assert found.value is not None
        user, token = found.value
        assert user.username == "alice" and user.role == "approver"
        first_use = token.last_used_at
        assert first_use is not None
        # Within a minute the use is not written again: not one UPDATE per API call.
        again = authenticate_token(session, secret, now=first_use + timedelta(seconds=30))
        assert again.value is not None and again.value[1].last_used_at == first_use
        later = authenticate_token(session, secret, now=first_use + timedelta(minutes=2))
        assert later.value is not None and later.value[1].last_used_at > first_use


@pytest.mark.parametrize(
    "secret", ["", "mg_", "mg_not-a-token", "Bearer mg_x", "x" * 300, TOKEN_PREFIX + "é" * 40]
)
def test_anything_else_is_refused(
    factory: sessionmaker[Session], staff: dict[str, int], secret: str
) -> None:
    _make(factory)
    with factory() as session:
        assert authenticate_token(session, secret).error == REFUSED


def test_a_revoked_token_is_refused_and_revoking_twice_changes_nothing(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    secret = _make(factory)
    with factory() as session, session.begin():
        token_id = session.scalars(select(m.ApiToken.id)).one()
        first = revoke_token(session, token_id)
        assert first.value is not None
        revoked_at = first.value.revoked_at
    with factory() as session, session.begin():
        again = revoke_token(session, token_id)
        assert again.ok and again.value is not None and again.value.revoked_at == revoked_at
        assert authenticate_token(session, secret).error == REFUSED
        assert revoke_token(session, 999).error == "no API token #999"


def test_a_disabled_user_s_token_is_refused_and_works_again_when_re_enabled(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    secret = _make(factory, "rob")
    with factory() as session, session.begin():
        set_active(session, "rob", False)
    with factory() as session:
        assert authenticate_token(session, secret).error == REFUSED
    with factory() as session, session.begin():
        set_active(session, "rob", True)
    with factory() as session:
        assert authenticate_token(session, secret).ok


@pytest.mark.parametrize(
    ("username", "name", "message"),
    [
        ("ghost", "", "no user named 'ghost'"),
        ("rob", "x" * 101, "name: at most 100 characters"),
    ],
)
def test_making_a_token_fails_clearly(
    factory: sessionmaker[Session], staff: dict[str, int], username: str, name: str, message: str
) -> None:
    with factory() as session:
        assert create_token(session, username, name).error == message


def test_no_token_for_a_disabled_account(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    with factory() as session, session.begin():
        set_active(session, "vera", False)
        assert "vera is disabled" in create_token(session, "vera").error


def test_tokens_are_listed_newest_first_with_their_users(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    _make(factory, "rob", "one")
    _make(factory, "ada", "two")
    with factory() as session:
        assert [(t.name, who) for t, who in list_tokens(session)] == [
            ("two", "ada"),
            ("one", "rob"),
        ]
        assert [who for _t, who in list_tokens(session, "rob")] == ["rob"]
