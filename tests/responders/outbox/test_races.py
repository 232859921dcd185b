"""A reply is posted once even when a person records it by hand while the worker is sending it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import actions as cases
from responders.outbox import replies as sending
from responders.outbox.dispatch import process_due
from responders.outbox.queue import enqueue, take_over_for_manual
from responders.publishers.base import OutgoingReply, PublishResult
from tests.fakes.seed import add_user
from tests.responders.web.seed import make_case

HAND_URL = "https://mastodon.example/@kb/111"
BOT_URL = "https://mastodon.example/@kb/222"


@pytest.fixture
def approved(factory: sessionmaker[Session]) -> tuple[int, int]:
    """A Mastodon case with an approved public reply in the outbox; returns (case id, draft id)."""
    with factory() as session, session.begin():
        rita = add_user(session, "rita", "responder")
        abe = add_user(session, "abe", "approver")
        case = make_case(session, platform="mastodon")
        mention = session.get_one(m.Mention, case.first_mention_id)
        draft = cases.save_draft(session, case, mention, rita, "apology", "Sorry!", submit=True)
        assert draft.value is not None
        assert cases.approve_draft(session, case, draft.value, abe).ok
        return case.id, draft.value.id


class FakeMastodon:
    """Posts by appending to `posts`; runs `during` while the API call is in flight."""

    platform = "mastodon"

    def __init__(self, during: Callable[[], None]) -> None:
        self.during = during
        self.posts: list[str] = []

    def publish(self, reply: OutgoingReply) -> PublishResult:
        """Let the person act mid-call, then the post lands."""
        self.during()
        self.posts.append("222")
        return PublishResult.posted("222", BOT_URL)

    def find_existing(self, reply: OutgoingReply) -> PublishResult | None:
        """Nothing is found: only fresh sends happen in these tests."""
        return None


def record_by_hand(
    settings: Settings, factory: sessionmaker[Session], case_id: int, draft_id: int
) -> tuple[bool, bool, str]:
    """Record the hand-posted link from another session; returns (ok, conflict, error)."""
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        draft = session.get_one(m.ReplyDraft, draft_id)
        rita = session.scalars(select(m.User).where(m.User.username == "rita")).one()
        result = sending.record_manual_reply(session, case, draft, rita, HAND_URL, settings)
        return result.ok, result.conflict, result.error


def use(monkeypatch: pytest.MonkeyPatch, publisher: FakeMastodon) -> None:
    monkeypatch.setattr(sending, "publisher_for", lambda draft, mention, env=None: publisher)


def outcome(factory: sessionmaker[Session], case_id: int, draft_id: int) -> dict[str, object]:
    with factory() as session:
        item = session.scalars(select(m.OutboxItem)).one()
        draft = session.get_one(m.ReplyDraft, draft_id)
        events = session.scalars(
            select(m.CaseEvent.kind).where(m.CaseEvent.case_id == case_id)
        ).all()
        audits = session.scalars(select(m.AuditEntry.action)).all()
        return {
            "item": (item.state, item.result.get("post_id"), item.lease_owner),
            "draft": (draft.state, draft.published_id),
            "sent_events": events.count("sent"),
            "sent_twice": events.count("sent_twice"),
            "audit_twice": audits.count("reply.sent_twice"),
        }


def test_recording_by_hand_while_the_worker_publishes_is_refused_and_posts_once(
    settings: Settings,
    factory: sessionmaker[Session],
    approved: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case_id, draft_id = approved
    attempts: list[tuple[bool, bool, str]] = []
    publisher = FakeMastodon(lambda: attempts.append(record_by_hand(settings, factory, *approved)))
    use(monkeypatch, publisher)

    assert process_due(settings, factory, "w1") == [(1, "sent")]

    ((ok, conflict, error),) = attempts
    assert (ok, conflict) == (False, True)
    assert "being sent right now" in error and "reload" in error
    assert publisher.posts == ["222"]
    assert outcome(factory, case_id, draft_id) == {
        "item": ("sent", "222", ""),
        "draft": ("sent", "222"),
        "sent_events": 1,
        "sent_twice": 0,
        "audit_twice": 0,
    }


def test_a_hand_record_after_the_lease_ran_out_keeps_the_bots_post_on_record(
    settings: Settings,
    factory: sessionmaker[Session],
    approved: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker stalled past its lease; the person's record wins and the bot's post is noted."""
    case_id, draft_id = approved
    attempts: list[tuple[bool, bool, str]] = []

    def stall_then_record() -> None:
        with factory() as session, session.begin():
            session.execute(update(m.OutboxItem).values(lease_until=utcnow() - timedelta(1)))
        attempts.append(record_by_hand(settings, factory, case_id, draft_id))

    use(monkeypatch, FakeMastodon(stall_then_record))

    assert process_due(settings, factory, "w1") == []  # no crash; the item is not ours to mark

    assert [ok for ok, _, _ in attempts] == [True]
    assert outcome(factory, case_id, draft_id) == {
        "item": ("sent", "111", ""),
        "draft": ("sent", "111"),
        "sent_events": 1,
        "sent_twice": 1,
        "audit_twice": 1,
    }
    with factory() as session:
        note = session.scalars(
            select(m.CaseEvent.note).where(m.CaseEvent.kind == "sent_twice")
        ).one()
    assert BOT_URL in note and "delete one" in note


@pytest.mark.parametrize(
    ("state", "lease_left_seconds", "taken"),
    [
        ("pending", None, True),
        ("dead", None, True),
        ("sending", -1, True),  # the worker died: its lease ran out
        ("sending", 60, False),  # a worker is sending it right now
        ("sent", None, False),  # it is out already
    ],
)
def test_only_an_item_nobody_is_sending_can_be_recorded_by_hand(
    factory: sessionmaker[Session], state: str, lease_left_seconds: int | None, taken: bool
) -> None:
    now = utcnow()
    lease = None if lease_left_seconds is None else now + timedelta(seconds=lease_left_seconds)
    with factory() as session, session.begin():
        enqueue(session, "reply", "reply:1", {"draft_id": 1})
        session.execute(update(m.OutboxItem).values(state=state, lease_until=lease))
    with factory() as session, session.begin():
        assert take_over_for_manual(session, "reply:1", {"manual": True}, now) is taken
        assert take_over_for_manual(session, "reply:2", {"manual": True}, now) is None
    with factory() as session:
        item = session.scalars(select(m.OutboxItem)).one()
    assert (item.state, item.result.get("manual")) == (("sent", True) if taken else (state, None))


def test_a_reply_is_not_published_once_its_case_is_closed(
    settings: Settings,
    factory: sessionmaker[Session],
    approved: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case_id, draft_id = approved
    with factory() as session, session.begin():
        session.execute(update(m.RecoveryCase).values(status="closed", outcome="spam"))
    publisher = FakeMastodon(lambda: None)
    use(monkeypatch, publisher)

    assert process_due(settings, factory, "w1") == [(1, "dead")]

    assert publisher.posts == []
    with factory() as session:
        case = session.get_one(m.RecoveryCase, case_id)
        item = session.scalars(select(m.OutboxItem)).one()
        assert (case.status, session.get_one(m.ReplyDraft, draft_id).state) == ("closed", "failed")
    assert "the case was closed before the reply went out" in item.last_error
