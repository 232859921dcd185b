"""Test data for the web app: staff accounts and recovery cases inserted through the models."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.scoring import severity_rank
from monitor.storage import models as m
from responders.cases.actions import save_draft
from responders.staff.accounts import add_user

PASSWORD = "correct horse battery"
ROLE_USERS = {"vera": "viewer", "rob": "responder", "alice": "approver", "ada": "admin"}
_ids = itertools.count(1)


def add_staff(factory: sessionmaker[Session]) -> dict[str, int]:
    """One active user per role (vera viewer, rob responder, alice approver, ada admin)."""
    ids = {}
    with factory() as session, session.begin():
        for name, role in ROLE_USERS.items():
            result = add_user(session, name, PASSWORD, role, display_name=name.title())
            assert result.value is not None, result.error
            ids[name] = result.value.id
    return ids


def make_case(
    session: Session,
    *,
    text: str = "@kettlebird my kettle arrived broken and nobody answers",
    severity: str = "high",
    brand: str = "Kettlebird",
    platform: str = "mastodon",
    category: str = "product quality",
    handle: str = "",
    opened_at: datetime | None = None,
    status: str = "open",
    reply_allowed: bool = True,
    sla_minutes: int = 60,
    assignee_id: int | None = None,
    lang: str = "",
) -> m.RecoveryCase:
    """A case with its author and first mention, as the ingest pipeline would store them."""
    n = next(_ids)
    handle = handle or f"customer{n}"
    opened_at = opened_at or utcnow() - timedelta(minutes=10)
    followers = 100 + n % 100  # always "reach 1xx", however many cases earlier tests made
    author = m.Author(platform=platform, external_id=f"a{n}", handle=handle, followers=followers)
    session.add(author)
    session.flush()
    mention = m.Mention(
        platform=platform,
        external_id=f"p{n}",
        brand=brand,
        author_id=author.id,
        author_handle=handle,
        text=text,
        url=f"https://{platform}.example/{handle}/{n}",
        created_at=opened_at,
        author_followers=author.followers,
        likes=3,
        replies=1,
        reposts=0,
        reply_allowed=reply_allowed,
        lang=lang,
        sentiment=-0.7,
        complaint=True,
        category=category,
        severity=severity,
        flagged=True,
        reasons=["negative sentiment -0.70", "breach of expectation: arrived broken"],
    )
    session.add(mention)
    session.flush()
    case = m.RecoveryCase(
        brand=brand,
        platform=platform,
        author_id=author.id,
        first_mention_id=mention.id,
        status=status,
        severity=severity,
        severity_rank=severity_rank(severity),
        category=category,
        opened_at=opened_at,
        sla_due_at=opened_at + timedelta(minutes=sla_minutes),
        complaint_sentiment=-0.7,
        assignee_id=assignee_id,
        lang=lang,  # the first mention's, as the ingest copies it
    )
    session.add(case)
    session.flush()
    mention.case_id = case.id
    session.add(m.CaseEvent(case_id=case.id, kind="opened", note="flagged"))
    session.flush()
    return case


def seed_cases(factory: sessionmaker[Session], specs: list[dict[str, object]]) -> list[int]:
    """Insert cases from keyword specs; returns their ids in order."""
    with factory() as session, session.begin():
        return [make_case(session, **spec).id for spec in specs]  # type: ignore[arg-type]


def case_with_draft(factory: sessionmaker[Session], author_id: int) -> tuple[int, int, int]:
    """A case with a draft submitted by `author_id`: (case id, draft id, case version)."""
    with factory() as session, session.begin():
        case = make_case(session)
        author = session.get(m.User, author_id)
        mention = session.get(m.Mention, case.first_mention_id)
        assert author is not None and mention is not None
        draft = save_draft(session, case, mention, author, "apology", "Sorry!", submit=True).value
        assert draft is not None
        session.flush()
        return case.id, draft.id, case.version


CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_from(html: str) -> str:
    """The CSRF token a page carries."""
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)
