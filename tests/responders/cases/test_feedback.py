"""Staff feedback: "not a complaint" and its undo, "missed complaint", confirmed flags as labels."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.settings import Settings
from monitor.sources.replay import ReplaySource
from monitor.storage import models as m
from responders.cases import feedback, lifecycle
from responders.cases.actions import claim, save_draft
from tests.fakes.seed import add_user, open_case_from_post

PRAISE = "@kettlebird the new kettle is lovely, thanks"


def store_post(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, text: str, post_id: str,
    author: str = "ann",
) -> int:  # fmt: skip
    """Run one post through the real pipeline; the stored mention's id."""
    path = tmp_path / f"post-{post_id}.jsonl"
    record = {"platform": "x", "id": post_id, "author": author, "text": text}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    brand = settings.brands[0]
    Pipeline(settings, factory).poll_channel(
        brand, brand.channels[0], ReplaySource(f"seed:{post_id}", path), force=True
    )
    with factory() as session:
        return session.scalars(select(m.Mention.id).where(m.Mention.external_id == post_id)).one()


@pytest.fixture
def case_id(settings: Settings, factory: sessionmaker[Session], tmp_path: Path) -> int:
    """A flagged post's open case, one user per role (named after it) and a second responder."""
    case_id = open_case_from_post(settings, factory, tmp_path)
    with factory() as session, session.begin():
        for role in m.ROLES:
            add_user(session, role, role)
        add_user(session, "rex", "responder")
        lifecycle.seed_root_causes(session, settings.brands[0])
    return case_id


def user(session: Session, name: str) -> m.User:
    """The seeded user called `name`."""
    return session.scalars(select(m.User).where(m.User.username == name)).one()


def labels(session: Session, **where: Any) -> list[m.MentionLabel]:
    """Every label (revoked ones too) matching `where`, oldest first."""
    query = select(m.MentionLabel).filter_by(**where).order_by(m.MentionLabel.id)
    return list(session.scalars(query))


def audits(session: Session, action: str) -> list[m.AuditEntry]:
    """The audit entries of one action."""
    return list(session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == action)))


@pytest.mark.parametrize(
    ("role", "ok"), [("viewer", False), ("responder", True), ("approver", True), ("admin", True)]
)
def test_who_may_dismiss(factory: sessionmaker[Session], case_id: int, role: str, ok: bool) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        result = feedback.dismiss(session, case, user(session, role), "not_negative")
        assert result.ok is ok, result.error


def _claimed_by_rex(session: Session, case: m.RecoveryCase) -> None:
    assert claim(session, case, user(session, "rex"), None).ok


def _answered(session: Session, case: m.RecoveryCase) -> None:
    case.first_response_at = case.opened_at


def _closed(session: Session, case: m.RecoveryCase) -> None:
    assert lifecycle.close_case(session, case, user(session, "responder"), "spam").ok


def _sending(session: Session, case: m.RecoveryCase) -> None:
    mention = session.get_one(m.Mention, case.first_mention_id)
    draft = save_draft(session, case, mention, user(session, "responder"), "apology", "Sorry!")
    assert draft.value is not None, draft.error
    draft.value.state = "sending"


@pytest.mark.parametrize(
    ("before", "reason", "refusal"),
    [
        (None, "because", "reason: 'because' is not one of not_negative, not_about_us"),
        (None, "missed", "reason: 'missed' is not one of"),
        (_claimed_by_rex, "not_negative", "rex is on this case since"),
        (_answered, "not_about_us", "this case was answered already"),
        (_closed, "spam_or_bot", "this case is already closed"),
        (_sending, "handled_elsewhere", "a reply of this case is being sent"),
    ],
)
def test_dismiss_refusals(
    factory: sessionmaker[Session],
    case_id: int,
    before: Callable[[Session, m.RecoveryCase], None] | None,
    reason: str,
    refusal: str,
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        if before is not None:
            before(session, case)
        result = feedback.dismiss(session, case, user(session, "responder"), reason)
        assert not result.ok
        assert refusal in result.error
        assert labels(session) == []


def test_a_stale_version_is_a_conflict(factory: sessionmaker[Session], case_id: int) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        result = feedback.dismiss(
            session, case, user(session, "responder"), "not_negative", expected_version=99
        )
        assert result.conflict


def test_dismiss_closes_without_root_cause_labels_records_and_audits(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        rob = user(session, "responder")
        mention = session.get_one(m.Mention, case.first_mention_id)
        draft = save_draft(session, case, mention, rob, "apology", "Sorry!", submit=True).value
        result = feedback.dismiss(session, case, rob, "not_about_us", note="  a namesake  ")
        assert result.ok, result.error
    with factory() as session:
        case = session.get_one(m.RecoveryCase, case_id)
        assert (case.status, case.outcome, case.root_cause) == ("closed", "not_a_complaint", "")
        assert case.closed_at is not None
        (label,) = labels(session)
        assert (label.mention_id, label.label, label.reason, label.note) == (
            case.first_mention_id, "not_complaint", "not_about_us", "a namesake",
        )  # fmt: skip
        assert label.was_flagged and label.case_id == case_id and label.revoked_at is None
        event = feedback.last_dismissal(session, case)
        assert event is not None and event.note == "not a complaint: not about us (a namesake)"
        assert event.data["label_ids"] == [label.id]
        (entry,) = audits(session, "case.dismiss")
        assert entry.actor == "responder" and entry.target == f"case:{case_id}"
        assert draft is not None and session.get_one(m.ReplyDraft, draft.id).state == "superseded"


def test_undo_reopens_and_revokes_the_label(factory: sessionmaker[Session], case_id: int) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        assert feedback.dismiss(session, case, user(session, "responder"), "spam_or_bot").ok
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        result = feedback.undo_dismissal(session, case, user(session, "responder"), "my mistake")
        assert result.ok and result.value is case, result.error
        again = feedback.undo_dismissal(session, case, user(session, "responder"))
        assert not again.ok and "not dismissed" in again.error
    with factory() as session:
        case = session.get_one(m.RecoveryCase, case_id)
        assert (case.status, case.outcome, case.closed_at) == ("open", "", None)
        (label,) = labels(session)
        assert label.revoked_at is not None and label.revoked_by == user(session, "responder").id
        assert feedback.active_labels(session, [label.mention_id]) == {}
        assert len(audits(session, "case.undo_dismissal")) == 1
        assert [e.kind for e in case.events][-2:] == ["dismissed", "dismissal_undone"]


@pytest.mark.parametrize(
    ("who", "ok"), [("responder", True), ("rex", False), ("approver", True), ("viewer", False)]
)
def test_who_may_undo_a_dismissal_by_the_owner(
    factory: sessionmaker[Session], case_id: int, who: str, ok: bool
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        assert claim(session, case, user(session, "responder"), None).ok
        assert feedback.dismiss(session, case, user(session, "responder"), "not_negative").ok
        result = feedback.undo_dismissal(session, case, user(session, who))
        assert result.ok is ok, result.error


def test_undo_while_the_author_has_another_open_case_merges_into_it(
    settings: Settings, factory: sessionmaker[Session], case_id: int, tmp_path: Path
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        assert feedback.dismiss(session, case, user(session, "responder"), "not_negative").ok
    newer = open_case_from_post(
        settings, factory, tmp_path, "@kettlebird charged twice and no refund", post_id="1002"
    )
    assert newer != case_id
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        result = feedback.undo_dismissal(session, case, user(session, "responder"))
        assert result.ok and result.value is not None and result.value.id == newer
    with factory() as session:
        case = session.get_one(m.RecoveryCase, case_id)
        assert (case.status, case.outcome) == ("closed", "merged")
        moved = session.get_one(m.Mention, case.first_mention_id)
        assert moved.case_id == newer
        assert "the author's open case" in case.events[-1].note


def test_a_dismissal_replaces_an_earlier_verdict_and_its_undo_restores_it(
    settings: Settings, factory: sessionmaker[Session], case_id: int, tmp_path: Path
) -> None:
    later = store_post(settings, factory, tmp_path, PRAISE, "1003")  # ann's case takes it
    with factory() as session, session.begin():
        missed = feedback.report_missed(
            session, session.get_one(m.Mention, later), user(session, "responder")
        )
        assert missed.value is not None and missed.value.case.id == case_id, missed.error
        case = session.get_one(m.RecoveryCase, case_id)
        assert feedback.dismiss(session, case, user(session, "responder"), "not_negative").ok
        assert feedback.active_labels(session, [later])[later].label == "not_complaint"
        assert feedback.undo_dismissal(session, case, user(session, "responder")).ok
        restored = feedback.active_labels(session, [later])[later]
        assert (restored.label, restored.reason) == ("complaint", "missed")


def test_reopening_a_dismissed_case_points_to_undo(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        assert feedback.dismiss(session, case, user(session, "responder"), "not_negative").ok
        result = lifecycle.reopen_case(session, case, user(session, "responder"), "oops")
        assert not result.ok and "undo" in result.error


def test_a_missed_complaint_opens_a_case_once(
    settings: Settings, factory: sessionmaker[Session], case_id: int, tmp_path: Path
) -> None:
    mention_id = store_post(settings, factory, tmp_path, PRAISE, "2001", author="bea")
    with factory() as session, session.begin():
        mention = session.get_one(m.Mention, mention_id)
        assert not mention.flagged and mention.case_id is None
        first = feedback.report_missed(session, mention, user(session, "responder"), "sarcasm")
        second = feedback.report_missed(session, mention, user(session, "approver"))
        assert first.value is not None and second.value is not None, first.error + second.error
        assert (first.value.created, second.value.created) == (True, False)
        assert first.value.case.id == second.value.case.id
    with factory() as session:
        mention = session.get_one(m.Mention, mention_id)
        case = session.get_one(m.RecoveryCase, mention.case_id)
        assert (case.status, case.first_mention_id, case.severity) == ("open", mention_id, "low")
        assert case.opened_at == mention.created_at and case.sla_due_at is not None
        (label,) = labels(session, mention_id=mention_id)
        assert (label.label, label.reason, label.was_flagged, label.note) == (
            "complaint", "missed", False, "sarcasm",
        )  # fmt: skip
        assert [e.kind for e in case.events] == ["opened"]
        assert len(audits(session, "mention.missed")) == 1


def test_a_missed_complaint_joins_the_authors_open_case(
    settings: Settings, factory: sessionmaker[Session], case_id: int, tmp_path: Path
) -> None:
    with factory() as session, session.begin():  # ann's case closed: her next post is unattached
        assert lifecycle.close_case(
            session, session.get_one(m.RecoveryCase, case_id), user(session, "responder"), "spam"
        ).ok
    other = open_case_from_post(
        settings, factory, tmp_path, "@kettlebird broken lid, no refund", post_id="3001",
        author="cy",
    )  # fmt: skip
    mention_id = store_post(settings, factory, tmp_path, PRAISE, "3002", author="cy")
    with factory() as session, session.begin():
        mention = session.get_one(m.Mention, mention_id)
        result = feedback.report_missed(session, mention, user(session, "responder"))
        assert result.value is not None and result.value.case.id == other, result.error
    with factory() as session:
        assert (
            session.scalars(select(m.RecoveryCase.id).where(m.RecoveryCase.id > other)).all() == []
        )


@pytest.mark.parametrize(
    ("role", "flagged", "refusal"),
    [
        ("viewer", False, "your role (viewer) may not do this"),
        ("responder", True, "the flag raised this post already"),
    ],
)
def test_missed_refusals(
    factory: sessionmaker[Session], case_id: int, role: str, flagged: bool, refusal: str
) -> None:
    with factory() as session, session.begin():
        mention = session.get_one(
            m.Mention, session.get_one(m.RecoveryCase, case_id).first_mention_id
        )
        mention.flagged = flagged
        result = feedback.report_missed(session, mention, user(session, role))
        assert not result.ok and refusal in result.error


@pytest.mark.parametrize(
    ("reply", "outcome", "note"),
    [
        (True, "resolved", "answered"),
        (False, "resolved", "closed with root cause billing error"),
        (False, "spam", None),  # spam is no complaint, whatever the cause field says
    ],
)
def test_a_flag_staff_acted_on_is_confirmed_once(
    settings: Settings,
    factory: sessionmaker[Session],
    case_id: int,
    reply: bool,
    outcome: str,
    note: str | None,
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        rob = user(session, "responder")
        if reply:
            mention = session.get_one(m.Mention, case.first_mention_id)
            draft = save_draft(session, case, mention, rob, "apology", "Sorry!").value
            assert draft is not None
            for _ in range(2):
                lifecycle.on_reply_published(session, case, draft, settings.brands[0], "9", "")
        assert lifecycle.set_root_cause(session, case, rob, "billing error").ok
        assert lifecycle.close_case(session, case, rob, outcome).ok
    with factory() as session:
        found = [(x.label, x.reason, x.was_flagged, x.note) for x in labels(session)]
        assert found == ([] if note is None else [("complaint", "confirmed", True, note)])
