"""Staff actions on a case: roles on the server, optimistic locking, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import actions as cases
from responders.cases import lifecycle
from responders.results import Result
from responders.staff import access
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
        assert access.can(user, role) is allowed


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
    # Writing on an unclaimed case claims it for the writer first.
    assert actions == ["case.assign", "draft.save", "draft.approve"]


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


def submitted(session: Session, case_id: int, body: str = "Sorry!") -> m.ReplyDraft:
    """A draft by rita, submitted for approval."""
    case, rita = load(session, case_id, "rita")
    mention = session.get_one(m.Mention, case.first_mention_id)
    draft = cases.save_draft(session, case, mention, rita, "apology", body, submit=True)
    assert draft.value is not None, draft.error
    return draft.value


Action = Callable[[Session, m.RecoveryCase, m.ReplyDraft, Settings], Result[Any]]


def approve(session: Session, case: m.RecoveryCase, draft: m.ReplyDraft, _: Settings) -> Any:
    return cases.approve_draft(session, case, draft, load(session, case.id, "abe")[1])


def reject(session: Session, case: m.RecoveryCase, draft: m.ReplyDraft, _: Settings) -> Any:
    return cases.reject_draft(session, case, draft, load(session, case.id, "abe")[1], "vague")


def draft_again(session: Session, case: m.RecoveryCase, _d: m.ReplyDraft, _: Settings) -> Any:
    mention = session.get_one(m.Mention, case.first_mention_id)
    rita = load(session, case.id, "rita")[1]
    return cases.save_draft(session, case, mention, rita, "apology", "Again", submit=True)


def close(session: Session, case: m.RecoveryCase, _d: m.ReplyDraft, settings: Settings) -> Any:
    rita = load(session, case.id, "rita")[1]
    brand = settings.brand(case.brand)  # closing refreshes win-back: queries that autoflush
    return lifecycle.close_case(session, case, rita, "spam", brand=brand)


@pytest.mark.parametrize("action", [approve, reject, draft_again, close])
def test_a_change_made_meanwhile_by_someone_else_is_a_conflict_not_an_exception(
    settings: Settings, factory: sessionmaker[Session], case_id: int, action: Action
) -> None:
    with factory() as session, session.begin():
        draft_id = submitted(session, case_id).id
    with factory() as mine:
        case = mine.get_one(m.RecoveryCase, case_id)
        draft = mine.get_one(m.ReplyDraft, draft_id)
        with factory() as theirs, theirs.begin():  # someone acts after my page was loaded
            theirs.execute(update(m.RecoveryCase).values(version=m.RecoveryCase.version + 1))
        result = action(mine, case, draft, settings)
        assert (result.ok, result.conflict, result.error) == (False, True, access.CONFLICT)
    with factory() as session:
        assert session.scalars(select(m.OutboxItem)).all() == []
        assert session.get_one(m.RecoveryCase, case_id).status == "awaiting_approval"


def test_a_closed_case_gets_no_new_draft_and_no_approval(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        pending = submitted(session, case_id)
        case, rita = load(session, case_id, "rita")
        case.status, case.outcome = "closed", "spam"  # closed with a draft still waiting
    with factory() as session, session.begin():
        case, rita = load(session, case_id, "rita")
        _, abe = load(session, case_id, "abe")
        mention = session.get_one(m.Mention, case.first_mention_id)
        draft = session.get_one(m.ReplyDraft, pending.id)
        refusals = [
            cases.save_draft(session, case, mention, rita, "apology", "Hi", submit=True),
            cases.save_draft(session, case, mention, rita, "apology", "Hi", submit=False),
            cases.approve_draft(session, case, draft, abe),
        ]
        assert [(r.ok, r.error) for r in refusals] == [(False, cases.CLOSED)] * 3
        assert "reopen it first" in cases.CLOSED
        # Sending the waiting draft back is still allowed, and the case stays closed.
        assert cases.reject_draft(session, case, draft, abe, "case is closed").ok
    with factory() as session:
        case, _ = load(session, case_id, "rita")
        assert (case.status, case.outcome) == ("closed", "spam")
        assert session.scalars(select(m.OutboxItem)).all() == []


@pytest.mark.parametrize(
    ("before", "answered", "other_draft", "after"),
    [
        ("open", False, None, "open"),
        ("responded", True, None, "responded"),  # a follow-up draft: the case was answered
        ("follow_up", True, None, "follow_up"),  # its follow-up is still due
        ("open", False, "pending_approval", "open"),  # the newer draft superseded the other one
        ("open", False, "approved", "approved"),  # another reply is in the outbox
    ],
)
def test_rejecting_puts_the_case_back_where_it_was_never_earlier(
    factory: sessionmaker[Session],
    case_id: int,
    before: str,
    answered: bool,
    other_draft: str | None,
    after: str,
) -> None:
    with factory() as session, session.begin():
        case, _ = load(session, case_id, "rita")
        case.status = before
        if answered:
            case.first_response_at = utcnow() - timedelta(days=4)
        if before == "follow_up":
            case.follow_up_due_at = utcnow() - timedelta(hours=1)
        if other_draft:
            submitted(session, case_id, "the other one").state = other_draft
        draft = submitted(session, case_id)
        assert case.status == "awaiting_approval"
        _, abe = load(session, case_id, "abe")
        assert cases.reject_draft(session, case, draft, abe, "too vague").ok
        assert case.status == after


@pytest.mark.parametrize(
    ("assignee", "allowed"),
    [("vic", False), ("gone", False), ("rita", True), ("abe", True)],
)
def test_only_responders_and_above_can_be_assigned_a_case(
    factory: sessionmaker[Session], case_id: int, assignee: str, allowed: bool
) -> None:
    with factory() as session, session.begin():
        case, abe = load(session, case_id, "abe")
        _, target = load(session, case_id, assignee)
        result = cases.claim(session, case, abe, case.version, assignee=target)
        assert result.ok is allowed
        assert case.assignee_id == (target.id if allowed else None)
        if not allowed:
            assert f"{assignee} cannot be assigned a case" in result.error
            assert "only active responders, approvers and admins" in result.error
