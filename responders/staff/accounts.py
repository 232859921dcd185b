"""Staff accounts: argon2 password hashes, login checks, adding and disabling users."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.results import Result
from responders.staff.audit import audit

MIN_PASSWORD = 10
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
BAD_LOGIN = "wrong username or password"

_HASHER = PasswordHasher()
# Verifying against a throwaway hash when the user does not exist keeps the timing the same,
# so response times do not tell an attacker which usernames exist.
_DUMMY_HASH = _HASHER.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (salted; parameters stored in the hash)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches the stored hash (False for a malformed hash)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str:
    """Why a new password is not acceptable ('' when it is)."""
    if len(password) < MIN_PASSWORD:
        return f"the password needs at least {MIN_PASSWORD} characters"
    if password.strip() != password:
        return "the password must not start or end with spaces"
    return ""


def find_user(session: Session, username: str) -> m.User | None:
    """The user with this username (case-insensitive), if any."""
    return session.scalars(
        select(m.User).where(func.lower(m.User.username) == username.strip().lower())
    ).one_or_none()


def authenticate(session: Session, username: str, password: str) -> Result[m.User]:
    """Check a login; a disabled account is refused only after the right password."""
    user = find_user(session, username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return Result.failure(BAD_LOGIN)
    if not verify_password(user.password_hash, password):
        return Result.failure(BAD_LOGIN)
    if not user.active:
        return Result.failure("this account is disabled; ask an administrator")
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return Result.success(user)


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    email: str = "",
    actor: m.User | None = None,
) -> Result[m.User]:
    """Create a staff account; the username must be new and the password long enough."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        return Result.failure(
            "a username is 2-80 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    if role not in m.ROLES:
        return Result.failure(f"unknown role {role!r}; roles: {', '.join(m.ROLES)}")
    if problem := password_problem(password):
        return Result.failure(problem)
    if find_user(session, username) is not None:
        return Result.failure(f"the user {username!r} already exists", conflict=True)
    user = m.User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=hash_password(password),
        role=role,
        active=True,
    )
    session.add(user)
    session.flush()
    audit(session, actor, "user.add", f"user:{user.id}", username=username, role=role)
    return Result.success(user)


def end_sessions(user: m.User) -> None:
    """Make every session of `user` invalid (each carries the epoch it began in)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def set_active(
    session: Session, username: str, active: bool, actor: m.User | None = None
) -> Result[m.User]:
    """Disable (or re-enable) an account; a disabled user's sessions stop working at once."""
    user = find_user(session, username)
    if user is None:
        return Result.failure(f"no user named {username!r}")
    user.active = active
    end_sessions(user)
    action = "user.enable" if active else "user.disable"
    audit(session, actor, action, f"user:{user.id}", username=user.username)
    return Result.success(user)


def set_password(
    session: Session, username: str, password: str, actor: m.User | None = None
) -> Result[m.User]:
    """Replace a user's password."""
    user = find_user(session, username)
    if user is None:
        return Result.failure(f"no user named {username!r}")
    if problem := password_problem(password):
        return Result.failure(problem)
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit(session, actor, "user.password", f"user:{user.id}", username=user.username)
    return Result.success(user)


def list_users(session: Session) -> list[m.User]:
    """All accounts, by username."""
    return list(session.scalars(select(m.User).order_by(m.User.username)))
