"""One owner at a time: owner-only drafting and approval, take-over, one unsent draft, modes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import actions as cases
from responders.cases import ownership
from tests.fakes.seed import add_user, open_case_from_post


@pytest.fixture
def case_id(settings: Settings, factory: sessionmaker[Session], tmp_path: Path) -> int:
    with factory() as session, session.begin():
        add_user(session, "rita", "responder").email = "rita@example.test"
        add_user(session, "ron", "responder")
        add_user(session, "abe", "approver")
        add_user(session, "amy", "approver")
    return open_case_from_post(settings, factory, tmp_path)


def user(session: Session, name: str) -> m.User:
    return session.scalars(select(m.User).where(m.User.username == name)).one()


def write(session: Session, case_id: int, name: str, body: str = "Sorry!", **kw: object):  # type: ignore[no-untyped-def]
    case = session.get_one(m.RecoveryCase, case_id)
    mention = session.get_one(m.Mention, case.first_mention_id)
    return cases.save_draft(session, case, mention, user(session, name), "apology", body, **kw)  # type: ignore[arg-type]


def test_writing_on_an_unclaimed_case_claims_it(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        assert write(session, case_id, "rita", submit=True).ok
        case = session.get_one(m.RecoveryCase, case_id)
        held = ownership.ownership(session, case)
    assert held.owner == "rita" and held.since is not None
    assert held.describe().startswith("rita is on this case since ")


@pytest.mark.parametrize("who", ["ron", "abe"])  # another responder, and an approver writing
def test_only_the_owner_writes_on_a_claimed_case(
    factory: sessionmaker[Session], case_id: int, who: str
) -> None:
    with factory() as session, session.begin():
        assert write(session, case_id, "rita").ok
        refused = write(session, case_id, who, "Me too!", submit=True)
    assert not refused.ok and refused.conflict
    assert "rita is on this case since" in refused.error and "take the case over" in refused.error


def test_claiming_over_an_owner_is_refused_even_for_an_approver(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        assert cases.claim(session, case, user(session, "rita"), None).ok
        for name in ("ron", "abe"):
            refused = cases.claim(session, case, user(session, name), None)
            assert not refused.ok and "take it over" in refused.error


def test_a_new_draft_supersedes_the_pending_one_and_the_old_cannot_be_approved(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        first = write(session, case_id, "rita", "first", submit=True).value
        second = write(session, case_id, "rita", "second", submit=True).value
        assert first is not None and second is not None
        case = session.get_one(m.RecoveryCase, case_id)
        refused = cases.approve_draft(session, case, first, user(session, "abe"))
        assert not refused.ok and refused.conflict and "replaced" in refused.error
        states = dict(session.execute(select(m.ReplyDraft.id, m.ReplyDraft.state)).all())
        assert states == {first.id: "superseded", second.id: "pending_approval"}
        assert cases.approve_draft(session, case, second, user(session, "abe")).ok
    with factory() as session:
        actions = session.scalars(select(m.AuditEntry.action).order_by(m.AuditEntry.id)).all()
    assert "draft.supersede" in actions


def test_taking_over_is_audited_stamped_supersedes_and_tells_the_previous_owner(
    settings: Settings, factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        old = write(session, case_id, "rita", "rita's", submit=True).value
        assert old is not None
        case = session.get_one(m.RecoveryCase, case_id)
        taken = ownership.take_over(session, case, user(session, "ron"), case.version, settings)
        assert taken.ok, taken.error
        refused = cases.approve_draft(session, case, old, user(session, "abe"))
        assert not refused.ok and "replaced" in refused.error
        assert write(session, case_id, "ron", "ron's", submit=True).ok
        assert not write(session, case_id, "rita", "still mine?").ok
    with factory() as session:
        audit = session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "case.take_over"))
        entry = audit.one()
        kinds = session.scalars(select(m.CaseEvent.kind).where(m.CaseEvent.case_id == case_id))
        rita = user(session, "rita")
        notices = ownership.pop_notices(session, rita.id)
        mail = session.scalars(select(m.OutboxItem).where(m.OutboxItem.kind == "email")).one()
        session.commit()
        assert ownership.pop_notices(session, rita.id) == []  # shown once
    assert (entry.actor, entry.detail["previous"]) == ("ron", "rita")
    assert "taken_over" in list(kinds)
    assert [n.text for n in notices] == [f"ron took over case #{case_id} from you"]
    assert mail.payload["to"] == ["rita@example.test"]


@pytest.mark.parametrize(
    ("who", "owner", "error"),
    [
        ("ron", None, "nobody is on this case"),
        ("rita", "rita", "already on this case"),
    ],
)
def test_take_over_refusals(
    factory: sessionmaker[Session], case_id: int, who: str, owner: str | None, error: str
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        if owner:
            assert cases.claim(session, case, user(session, owner), None).ok
        refused = ownership.take_over(session, case, user(session, who), None)
    assert not refused.ok and error in refused.error


def test_an_owners_draft_only_after_the_case_changed_hands(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        draft = write(session, case_id, "rita", submit=True).value
        assert draft is not None
        case = session.get_one(m.RecoveryCase, case_id)
        # An approver reassigns without a take-over: rita's draft is no longer the owner's.
        assert cases.claim(session, case, user(session, "amy"), None, user(session, "ron")).ok
        refused = cases.approve_draft(session, case, draft, user(session, "abe"))
    assert not refused.ok and "not by the case's owner" in refused.error


@pytest.mark.parametrize(
    ("platform", "reply_allowed", "channel", "refused"),
    [
        ("x", True, "public", ""),
        ("x", False, "public", "mentioned or quoted"),
        ("x", True, "dm", "dm.write"),
        ("x", True, "manual", ""),
        ("hackernews", True, "public", "Hacker News has no API for replies"),
        ("hackernews", True, "dm", "no API for direct messages"),
        ("x", True, "carrier pigeon", "unknown delivery mode"),
    ],
)
def test_a_draft_is_saved_only_in_a_sendable_mode(
    settings: Settings,
    factory: sessionmaker[Session],
    tmp_path: Path,
    platform: str,
    reply_allowed: bool,
    channel: str,
    refused: str,
) -> None:
    with factory() as session, session.begin():
        add_user(session, "rita", "responder")
    text = "@kettlebird my order never arrived, still waiting after 3 weeks"
    case_id = open_case_from_post(settings, factory, tmp_path, text=text, platform=platform)
    with factory() as session, session.begin():
        session.get_one(m.Mention, 1).reply_allowed = reply_allowed
        saved = write(session, case_id, "rita", channel=channel)
    assert saved.ok is (not refused)
    assert refused in saved.error


def test_without_credentials_a_public_reply_is_not_offered(
    factory: sessionmaker[Session], case_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAKEGOOD_X_ACCESS_TOKEN")
    with factory() as session, session.begin():
        refused = write(session, case_id, "rita")
        assert write(session, case_id, "rita", channel="manual").ok
    assert "MAKEGOOD_X_ACCESS_TOKEN" in refused.error


def test_a_failed_reply_is_sent_again_through_its_own_outbox_item(
    factory: sessionmaker[Session], case_id: int
) -> None:
    from sqlalchemy import update

    from responders.cases import lifecycle

    with factory() as session, session.begin():
        draft = write(session, case_id, "rita", submit=True).value
        assert draft is not None
        case = session.get_one(m.RecoveryCase, case_id)
        assert cases.approve_draft(session, case, draft, user(session, "abe")).ok
        lifecycle.on_send_failed(session, case, draft, "X server error 503", True, 6)
        refused = cases.resend_failed(session, case, draft, user(session, "abe"))
        assert not refused.ok and "not in a failed state" in refused.error  # still pending
        session.execute(update(m.OutboxItem).values(state="dead", attempts=6))
        assert not cases.resend_failed(
            session, case, draft, user(session, "rita")
        ).ok  # a responder
        assert cases.resend_failed(session, case, draft, user(session, "abe")).ok
    with factory() as session:
        item = session.scalars(select(m.OutboxItem)).one()
        draft_state = session.get_one(m.ReplyDraft, draft.id).state
    assert (item.state, item.attempts, draft_state) == ("pending", 0, "approved")
