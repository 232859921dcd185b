"""Staff actions on a case: roles on the server, optimistic locking, the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from monitor.storage import models as m
from responders import cases
from tests.fakes.seed import add_user, open_case_from_post


@pytest.fixture
def case_id(settings: Settings, factory: sessionmaker[Session], tmp_path: Path) -> int:
    with factory() as session, session.begin():
        for name, role in [("vic", "viewer"), ("rita", "responder"), ("abe", "approver")]:
            add_user(session, name, role)
        add_user(session, "gone", "admin", active=False)
    return open_case_from_post(settings, factory, tmp_path)


def load(session: Session, case_id: int, username: str) -> tuple[m.RecoveryCase, m.User]:
    case = session.get(m.RecoveryCase, case_id)
    user = session.scalars(select(m.User).where(m.User.username == username)).one()
    assert case is not None
    return case, user


@pytest.mark.parametrize(
    ("username", "role", "allowed"),
    [
        ("vic", "viewer", True),
        ("vic", "responder", False),
        ("rita", "responder", True),
        ("rita", "approver", False),
        ("abe", "approver", True),
        ("abe", "admin", False),
        ("gone", "viewer", False),  # a disabled admin can do nothing
    ],
)
def test_roles_are_ordered(
    factory: sessionmaker[Session], case_id: int, username: str, role: str, allowed: bool
) -> None:
    with factory() as session:
        _, user = load(session, case_id, username)
        assert cases.can(user, role) is allowed


def test_a_viewer_cannot_draft_and_a_responder_cannot_approve(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        case, viewer = load(session, case_id, "vic")
        mention = session.get(m.Mention, case.first_mention_id)
        assert mention is not None
        refused = cases.save_draft(session, case, mention, viewer, "apology", "Sorry!")
        assert not refused.ok and "needs responder" in refused.error
        _, rita = load(session, case_id, "rita")
        draft = cases.save_draft(session, case, mention, rita, "apology", "Sorry!", submit=True)
        assert draft.ok and draft.value is not None
        refused = cases.approve_draft(session, case, draft.value, rita)
        assert not refused.ok and "needs approver" in refused.error


def test_approval_queues_the_reply_once_and_is_audited(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        case, rita = load(session, case_id, "rita")
        mention = session.get(m.Mention, case.first_mention_id)
        assert mention is not None
        draft = cases.save_draft(session, case, mention, rita, "apology", "Sorry!", submit=True)
        assert draft.value is not None
        _, abe = load(session, case_id, "abe")
        assert cases.approve_draft(session, case, draft.value, abe).ok
        again = cases.approve_draft(session, case, draft.value, abe)
        assert not again.ok and "already approved" in again.error
    with factory() as session:
        outbox = session.scalars(select(m.OutboxItem)).all()
        actions = session.scalars(select(m.AuditEntry.action).order_by(m.AuditEntry.id)).all()
    assert [(o.kind, o.idempotency_key) for o in outbox] == [("reply", f"reply:{draft.value.id}")]
    assert actions == ["draft.save", "draft.approve"]


def test_the_two_person_rule_stops_self_approval(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        case, abe = load(session, case_id, "abe")
        mention = session.get(m.Mention, case.first_mention_id)
        assert mention is not None
        draft = cases.save_draft(session, case, mention, abe, "apology", "Sorry!", submit=True)
        assert draft.value is not None
        refused = cases.approve_draft(session, case, draft.value, abe, two_person_rule=True)
        assert not refused.ok and "two-person rule" in refused.error
        assert cases.approve_draft(session, case, draft.value, abe, two_person_rule=False).ok


def test_rejecting_needs_a_reason(factory: sessionmaker[Session], case_id: int) -> None:
    with factory() as session, session.begin():
        case, rita = load(session, case_id, "rita")
        mention = session.get(m.Mention, case.first_mention_id)
        assert mention is not None
        draft = cases.save_draft(session, case, mention, rita, "apology", "Sorry", submit=True)
        assert draft.value is not None
        _, abe = load(session, case_id, "abe")
        assert "needs a reason" in cases.reject_draft(session, case, draft.value, abe, " ").error
        assert cases.reject_draft(session, case, draft.value, abe, "too vague").ok
        assert case.status == "open"


def test_two_people_at_once_one_wins_the_other_is_told(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as first, factory() as second:
        case_a, rita = load(first, case_id, "rita")
        case_b, abe = load(second, case_id, "abe")
        seen = case_a.version  # both pages were rendered with this version
        assert cases.claim(first, case_a, rita, expected_version=seen).ok
        first.commit()
        second.refresh(case_b)  # the second request loads the case after the first committed
        lost = cases.claim(second, case_b, abe, expected_version=seen)
        assert not lost.ok and lost.conflict
    with factory() as session:
        case, _ = load(session, case_id, "rita")
        assert case.assignee_id == rita.id


def test_the_version_check_also_holds_in_the_database(
    factory: sessionmaker[Session], case_id: int
) -> None:
    """Both sessions read the same version; the second UPDATE finds it changed."""
    with factory() as first, factory() as second:
        case_a, rita = load(first, case_id, "rita")
        case_b, abe = load(second, case_id, "abe")
        assert cases.record_step(first, case_a, rita, "acknowledge").ok
        first.commit()
        lost = cases.record_step(second, case_b, abe, "apologize")
        assert not lost.ok and lost.conflict


def test_an_unknown_step_is_refused(factory: sessionmaker[Session], case_id: int) -> None:
    with factory() as session, session.begin():
        case, rita = load(session, case_id, "rita")
        assert "unknown step" in cases.record_step(session, case, rita, "celebrate").error
