"""Personal API tokens: made once and shown once, stored as a SHA-256, revocable, audited.

A token is `mg_` and 43 URL-safe characters (256 random bits). Only its SHA-256 is kept: with
that much entropy a slow salted hash adds nothing, and a lookup by hash stays one index probe.
The token acts with its user's role as it is at each request, so a demotion or a disabled
account takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.results import Result
from responders.staff.accounts import find_user
from responders.staff.audit import audit

TOKEN_PREFIX = "mg_"
PREFIX_SHOWN = 8  # characters of the token kept for lists: "mg_AbCdE"
MAX_NAME = 100
# last_used_at is written at most this often per token: not one UPDATE per API call.
TOUCH_EVERY = timedelta(minutes=1)
REFUSED = "the API token is unknown, revoked, or its account is disabled"


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: `secret` is shown to its owner once and never stored."""

    token: m.ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    session: Session, username: str, name: str = "", actor: m.User | None = None
) -> Result[NewToken]:
    """Make a token for `username` (active accounts only); the secret is in the result only."""
    user = find_user(session, username)
    if user is None:
        return Result.failure(f"no user named {username!r}")
    if not user.active:
        return Result.failure(f"{user.username} is disabled; enable the account first")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        return Result.failure(f"name: at most {MAX_NAME} characters")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = m.ApiToken(
        user_id=user.id,
        name=name or "token",
        token_hash=hash_token(secret),
        prefix=secret[:PREFIX_SHOWN],
        created_at=utcnow(),
    )
    session.add(token)
    session.flush()
    audit(session, actor, "token.create", f"user:{user.id}", token_id=token.id, name=name)
    return Result.success(NewToken(token, secret))


def list_tokens(session: Session, username: str | None = None) -> list[tuple[m.ApiToken, str]]:
    """Tokens (with their usernames), newest first; one user's when `username` is given."""
    query = (
        select(m.ApiToken, m.User.username)
        .join(m.User, m.User.id == m.ApiToken.user_id)
        .order_by(m.ApiToken.id.desc())
    )
    if username:
        query = query.where(m.User.username == username.strip().lower())
    return [(token, name) for token, name in session.execute(query)]


def revoke_token(
    session: Session, token_id: int, actor: m.User | None = None
) -> Result[m.ApiToken]:
    """Revoke a token for good (revoking one already revoked is a success that changes nothing)."""
    token = session.get(m.ApiToken, token_id)
    if token is None:
        return Result.failure(f"no API token #{token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(session, actor, "token.revoke", f"user:{token.user_id}", token_id=token.id)
    return Result.success(token)


def authenticate_token(
    session: Session, secret: str, now: datetime | None = None
) -> Result[tuple[m.User, m.ApiToken]]:
    """The active user and live token behind `secret`; a failure for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return Result.failure(REFUSED)
    digest = hash_token(secret)
    found = session.execute(
        select(m.ApiToken, m.User)
        .join(m.User, m.User.id == m.ApiToken.user_id)
        .where(m.ApiToken.token_hash == digest)
    ).first()
    # compare_digest: the index lookup already matched; this keeps the final check constant-time.
    if found is None or not hmac.compare_digest(found[0].token_hash, digest):
        return Result.failure(REFUSED)
    token, user = found
    if token.revoked_at is not None or not user.active:
        return Result.failure(REFUSED)
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
    return Result.success((user, token))
